//! Each subcommand's envelope shapes besides the typed error, help and
//! parse errors: one exhaustive `match` on [`CommandId`], so a new command
//! does not compile without its schema.

use claw::cli::spec::CommandId;
use claw::error::Kind;

use super::*;

/// The shapes of one subcommand's envelope besides the typed error, help and parse errors.
pub(super) fn command_shapes(command: CommandId) -> Vec<Shape> {
    match command {
        CommandId::Summary => {
            let backlog = list(object(&[
                ("name", string()),
                ("status", constant("mirrored")),
                ("responsibility", string()),
                ("source_hint", string()),
            ]));
            vec![Shape::success(vec![
                ("title", string()),
                ("manifest", object(&manifest_fields())),
                ("command_count", integer()),
                ("tool_count", integer()),
                ("commands", described(backlog.clone(), "the first 10 command entries")),
                ("tools", described(backlog, "the first 10 tool entries")),
                ("session_id", json!({"type": "string", "pattern": "^[0-9a-f]{32}$"})),
                ("conversation_turns", integer()),
                ("permission_denials", integer()),
                ("usage", object(&[("input_tokens", integer()), ("output_tokens", integer())])),
                ("max_turns", integer()),
                ("max_budget_tokens", integer()),
                ("transcript_flushed", boolean()),
            ])]
        }
        CommandId::Manifest => vec![Shape::success(manifest_fields())],
        CommandId::ParityAudit => vec![
            Shape::success(vec![
                ("port_root", string()),
                ("language", language()),
                ("archive_present", boolean()),
                ("root_file_coverage", ratio()),
                ("directory_coverage", ratio()),
                ("total_file_ratio", ratio()),
                ("command_entry_ratio", ratio()),
                ("tool_entry_ratio", ratio()),
                ("missing_root_targets", strings()),
                ("missing_directory_targets", strings()),
                ("fail_under", described(nullable(number()), "`--fail-under` as given")),
                ("gate_passed", described(nullable(boolean()), "null without `--fail-under`")),
                ("failed_metrics", strings()),
                ("cargo_workspace", boolean()),
                ("port_roots", described(strings(), "the absolute `src/` directories audited")),
                (
                    "inventory",
                    described(
                        object(&[("kind", one_of(["embedded", "directory"])), ("path", nullable(string()))]),
                        "where the command and tool inventories came from",
                    ),
                ),
                ("command_surface_coverage", surface_coverage()),
                ("tool_surface_coverage", surface_coverage()),
                ("surface", described(boolean(), "`--surface` given")),
                (
                    "gated_metrics",
                    described(list(one_of(claw::METRICS)), "the metrics `--fail-under` and `--baseline` check"),
                ),
                ("baseline", described(nullable(string()), "`--baseline` as given")),
                ("baseline_passed", described(nullable(boolean()), "null without `--baseline`")),
                (
                    "baseline_drops",
                    list(object(&[
                        ("metric", one_of(claw::METRICS)),
                        ("now", ratio()),
                        ("baseline", ratio()),
                        ("newly_missing", strings()),
                    ])),
                ),
                (
                    "failures",
                    list(object(&[
                        ("metric", one_of(claw::METRICS)),
                        ("check", one_of(["fail_under", "baseline"])),
                        ("message", string()),
                    ])),
                ),
                ("annotations", described(strings(), "GitHub workflow commands, one per failure")),
                ("junit", described(nullable(string()), "`--junit` as given")),
                ("baseline_written", described(nullable(string()), "`--write-baseline` as given")),
            ])
            .with_exit(&[0, 1]),
        ],
        CommandId::SetupReport => {
            let mut deferred = vec![("trusted", boolean())];
            let flags = claw::DeferredInit::run(true);
            deferred.extend(flags.steps().map(|(name, _)| (name, boolean())));
            vec![Shape::success(vec![
                ("setup", setup()),
                ("claw_version", string()),
                ("trusted", boolean()),
                ("cwd", string()),
                ("prefetches", list(object(&[("name", string()), ("started", boolean()), ("detail", string())]))),
                ("deferred_init", object(&deferred)),
                ("startup_steps", strings()),
            ])]
        }
        CommandId::CommandGraph => vec![Shape::success(vec![
            ("builtins_count", integer()),
            ("plugin_like_count", integer()),
            ("skill_like_count", integer()),
            ("total_count", integer()),
            ("builtins", list(entry())),
            ("plugin_like", list(entry())),
            ("skill_like", list(entry())),
        ])],
        CommandId::ToolPool => vec![Shape::success(vec![
            ("simple_mode", boolean()),
            ("include_mcp", boolean()),
            ("tool_count", integer()),
            ("tools", list(entry())),
        ])],
        CommandId::BootstrapGraph => vec![Shape::success(vec![("stages", strings()), ("note", string())])],
        CommandId::Subsystems => vec![Shape::success(vec![
            ("limit", integer()),
            ("language", language()),
            ("total_modules", integer()),
            ("count", integer()),
            ("modules", list(module())),
        ])],
        CommandId::Commands => vec![Shape::success(vec![
            ("entry_count", integer()),
            ("query", nullable(string())),
            ("limit", integer()),
            ("include_plugin_commands", boolean()),
            ("include_skill_commands", boolean()),
            ("count", integer()),
            ("commands", list(entry())),
        ])],
        CommandId::Tools => vec![Shape::success(vec![
            ("entry_count", integer()),
            ("query", nullable(string())),
            ("limit", integer()),
            ("simple_mode", boolean()),
            ("include_mcp", boolean()),
            ("count", integer()),
            ("tools", list(entry())),
        ])],
        CommandId::Route => vec![
            Shape::success(vec![
                ("prompt", string()),
                ("limit", integer()),
                ("match_count", integer()),
                ("matches", list(routed_match())),
            ])
            .with_optional(vec![(
                "permission_denials",
                described(
                    list(object(&[("tool_name", string()), ("reason", string())])),
                    "only with --deny-tool / --deny-prefix",
                ),
            )]),
        ],
        CommandId::Bootstrap => vec![Shape::success(vec![
            ("prompt", string()),
            ("limit", integer()),
            ("setup", setup()),
            ("routed_matches", list(routed_match())),
            ("command_execution_messages", strings()),
            ("tool_execution_messages", strings()),
            (
                "turn",
                object(&[
                    ("prompt", string()),
                    ("output", string()),
                    ("stop_reason", stop_reason()),
                    ("cancel_observed", boolean()),
                ]),
            ),
            ("persisted_session_path", string()),
        ])],
        CommandId::TurnLoop => {
            let turn = object(&[
                ("prompt", string()),
                ("output", string()),
                ("stop_reason", stop_reason()),
                ("cancel_observed", boolean()),
                ("matched_commands", strings()),
                ("matched_tools", strings()),
            ]);
            vec![
                Shape::success(vec![
                    ("prompt", string()),
                    ("max_turns", integer()),
                    ("turns_completed", integer()),
                    ("timeout_seconds", nullable(number())),
                    ("continuation_prompt", nullable(string())),
                    ("turns", list(turn)),
                    ("final_stop_reason", nullable(stop_reason())),
                    ("final_cancel_observed", boolean()),
                ])
                .with_exit(&[0, 2]),
            ]
        }
        CommandId::FlushTranscript => vec![
            Shape::success(vec![
                ("session_id", string()),
                ("path", string()),
                ("flushed", boolean()),
                ("messages_count", integer()),
                ("input_tokens", integer()),
                ("output_tokens", integer()),
            ]),
            session_failure(
                "flushed",
                "an invalid --session-id, or the session could not be saved",
                typed_error(kinds(&[Kind::InvalidSessionId, Kind::SessionSaveFailed])),
            ),
        ],
        CommandId::LoadSession => vec![
            Shape::success(vec![
                ("session_id", string()),
                ("loaded", constant(true)),
                ("messages_count", integer()),
                ("input_tokens", integer()),
                ("output_tokens", integer()),
            ]),
            session_failure("loaded", "an invalid session id", typed_error(kinds(&[Kind::InvalidSessionId]))),
            session_failure(
                "loaded",
                "no such session, or its file could not be read",
                object(&[
                    ("kind", kinds(&[Kind::SessionNotFound, Kind::SessionLoadFailed])),
                    ("message", string()),
                    ("directory", string()),
                    ("retryable", boolean()),
                ]),
            ),
        ],
        CommandId::ListSessions => vec![
            Shape::success(vec![("sessions", strings()), ("count", integer())]),
            Shape::new(
                "failure",
                "the session directory could not be listed",
                exit(&[1]),
                vec![
                    ("sessions", json!({"type": "array", "maxItems": 0})),
                    ("count", constant(0)),
                    ("error", typed_error(kinds(&[Kind::SessionListFailed]))),
                ],
            ),
        ],
        CommandId::DeleteSession => vec![
            Shape::success(vec![
                ("session_id", string()),
                ("deleted", boolean()),
                ("status", one_of(["deleted", "not_found"])),
            ]),
            session_failure(
                "deleted",
                "an invalid session id, or the file could not be removed",
                typed_error(kinds(&[Kind::InvalidSessionId, Kind::SessionDeleteFailed])),
            ),
        ],
        CommandId::RemoteMode => connected("remote"),
        CommandId::SshMode => connected("ssh"),
        CommandId::TeleportMode => connected("teleport"),
        CommandId::DirectConnectMode => active("direct-connect"),
        CommandId::DeepLinkMode => active("deep-link"),
        CommandId::ShowCommand => show(Kind::CommandNotFound),
        CommandId::ShowTool => show(Kind::ToolNotFound),
        CommandId::ExecCommand => exec("prompt", typed_error(kinds(&[Kind::CommandNotFound]))),
        CommandId::ExecTool => exec(
            "payload",
            object_with(
                &[
                    ("kind", kinds(&[Kind::ToolNotFound, Kind::PermissionDenied])),
                    ("message", string()),
                    ("retryable", boolean()),
                ],
                &[
                    ("candidate", described(string(), "with --workspace-root: the path the payload named")),
                    ("resolved", described(string(), "with --workspace-root: where that path resolves")),
                ],
            ),
        ),
    }
}
