//! claw's `--routing {reference,explicit}` and `CLAW_ROUTING`, end to end.
//!
//! Every run reads a small inventory written here (so the expected lines
//! can be checked by hand), in a fresh temp dir.  The expected explicit
//! outputs are what the main line's `python3 -m src.main` prints for the
//! same inventory.

use std::path::Path;

use claw::cli::spec;
use serde_json::Value;

use crate::support::{self, Run};

const COMMANDS: &str = r#"[
  {"name": "BrowseMarketplace", "source_hint": "commands/plugin/BrowseMarketplace.tsx", "responsibility": "browse the plugin marketplace list"},
  {"name": "plugin", "source_hint": "commands/plugin/index.tsx", "responsibility": "manage plugins"},
  {"name": "plugin", "source_hint": "commands/plugin/plugin.tsx", "responsibility": "plugin list view"},
  {"name": "reload-plugins", "source_hint": "commands/reload-plugins/index.ts", "responsibility": "reload plugins"},
  {"name": "prereview", "source_hint": "commands/prereview.ts", "responsibility": "before a review"},
  {"name": "review-pr", "source_hint": "commands/review-pr.ts", "responsibility": "review one pull request"},
  {"name": "Review", "source_hint": "commands/review.ts", "responsibility": "review a pull request"}
]"#;

const TOOLS: &str = r#"[
  {"name": "ListTool", "source_hint": "tools/ListTool.ts", "responsibility": "list things"},
  {"name": "BashTool", "source_hint": "tools/BashTool.ts", "responsibility": "run a shell command"}
]"#;

/// The subcommands that take `--routing` (checked against the spec below).
const ROUTED: &[&[&str]] = &[
    &["route", "/plugin list"],
    &["bootstrap", "/plugin list"],
    &["turn-loop", "/plugin list"],
    &["show-command", "plugins"],
    &["exec-command", "marketplace", "browse"],
    &["commands", "--query", " review "],
];

/// `claw args` with `CLAW_ROUTING` set to `routing` (or unset).
fn claw(dir: &Path, routing: Option<&str>, args: &[&str]) -> Run {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("commands_snapshot.json"), COMMANDS).unwrap();
    std::fs::write(data.join("tools_snapshot.json"), TOOLS).unwrap();
    let mut cmd = support::claw_in(dir);
    cmd.args(args).env("CLAW_REFERENCE_DATA", &data);
    if let Some(value) = routing {
        cmd.env("CLAW_ROUTING", value);
    }
    Run::of(&mut cmd)
}

fn run(routing: Option<&str>, args: &[&str]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    claw(tmp.path(), routing, args)
}

/// The lines of a successful text run.
fn lines(routing: Option<&str>, args: &[&str]) -> Vec<String> {
    let out = run(routing, args);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "claw {args:?}");
    out.stdout.lines().map(String::from).collect()
}

fn with(args: &[&str], extra: &[&'static str]) -> Vec<&'static str> {
    let leaked: Vec<&'static str> = args.iter().map(|a| &*Box::leak(a.to_string().into_boxed_str())).collect();
    leaked.into_iter().chain(extra.iter().copied()).collect()
}

/// The envelope without its timestamp.
fn untimed(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("timestamp");
    v
}

const REFERENCE_PLUGIN_LIST: &[&str] = &[
    "command\tBrowseMarketplace\t2\tcommands/plugin/BrowseMarketplace.tsx",
    "tool\tListTool\t1\ttools/ListTool.ts",
    "command\tplugin\t2\tcommands/plugin/plugin.tsx",
    "command\tplugin\t1\tcommands/plugin/index.tsx",
    "command\treload-plugins\t1\tcommands/reload-plugins/index.ts",
];

const EXPLICIT_PLUGIN_LIST: &[&str] = &[
    "command\tplugin\t100\tcommands/plugin/index.tsx",
    "command\tBrowseMarketplace\t2\tcommands/plugin/BrowseMarketplace.tsx",
    "tool\tListTool\t1\ttools/ListTool.ts",
    "command\tplugin\t2\tcommands/plugin/plugin.tsx",
    "command\treload-plugins\t1\tcommands/reload-plugins/index.ts",
];

#[test]
fn defaults_are_unchanged_and_the_same_as_routing_reference() {
    assert_eq!(lines(None, &["route", "/plugin list"]), REFERENCE_PLUGIN_LIST);
    assert_eq!(
        lines(None, &["route", "/marketplace browse"]),
        ["command\tBrowseMarketplace\t2\tcommands/plugin/BrowseMarketplace.tsx"]
    );
    // 705a295b's lookups neither strip nor alias, and --query keeps snapshot order.
    let missing = run(None, &["show-command", "plugins"]);
    assert_eq!((missing.code, missing.stdout.as_str()), (1, "Command not found: plugins\n"));
    let missing = run(None, &["exec-command", "marketplace", "browse"]);
    assert_eq!((missing.code, missing.stdout.as_str()), (1, "Unknown mirrored command: marketplace\n"));
    assert_eq!(
        lines(None, &["commands", "--query", "review"])[4..],
        ["- prereview — commands/prereview.ts", "- review-pr — commands/review-pr.ts", "- Review — commands/review.ts"]
    );
    for args in ROUTED.iter().filter(|a| a[0] != "bootstrap") {
        let default = run(None, args);
        for (env, extra) in [(Some(""), &[][..]), (Some("reference"), &[]), (None, &["--routing", "reference"])] {
            let other = run(env, &with(args, extra));
            assert_eq!(
                (other.code, &other.stdout, &other.stderr),
                (default.code, &default.stdout, &default.stderr),
                "{args:?} {env:?} {extra:?}"
            );
        }
    }
}

#[test]
fn json_names_the_routing_only_when_one_is_asked_for() {
    for args in ROUTED.iter().filter(|a| a[0] != "bootstrap") {
        let json = with(args, &["--output-format", "json"]);
        let default = untimed(run(None, &json).json());
        assert!(default.get("routing").is_none(), "{args:?}: {default}");
        for (env, extra) in [(Some("reference"), &[][..]), (None, &["--routing", "reference"])] {
            let out = run(env, &with(&json, extra));
            assert!(out.stdout.ends_with(", \"routing\": \"reference\"}\n"), "the field comes last: {}", out.stdout);
            let mut named = untimed(out.json());
            assert_eq!(named.as_object_mut().unwrap().remove("routing"), Some(Value::from("reference")));
            assert_eq!(named, default, "{args:?} {env:?} {extra:?}");
        }
        let explicit = run(Some("explicit"), &json).json();
        assert_eq!(explicit["routing"], "explicit", "{args:?}");
    }
}

#[test]
fn the_option_wins_over_the_variable() {
    assert_eq!(lines(Some("explicit"), &["route", "/plugin list", "--routing", "reference"]), REFERENCE_PLUGIN_LIST);
    assert_eq!(lines(Some("reference"), &["route", "/plugin list", "--routing", "explicit"]), EXPLICIT_PLUGIN_LIST);
    assert_eq!(lines(Some("explicit"), &["route", "/plugin list"]), EXPLICIT_PLUGIN_LIST);
    // An invalid variable does not matter when the option is given.
    assert_eq!(lines(Some("fast"), &["route", "/plugin list", "--routing", "explicit"]), EXPLICIT_PLUGIN_LIST);
}

#[test]
fn an_invalid_variable_is_a_clear_error() {
    for args in ROUTED {
        let text = run(Some("fast"), args);
        assert_eq!(text.code, 1, "{args:?}");
        assert_eq!(text.stdout, "", "{args:?}");
        assert_eq!(text.stderr, "error: invalid CLAW_ROUTING value 'fast': choose from 'reference', 'explicit'\n");
        let json = run(Some("Explicit"), &with(args, &["--output-format", "json"]));
        assert_eq!((json.code, json.stderr.as_str()), (1, ""), "{args:?}");
        let v = json.json();
        assert_eq!(v["exit_code"], 1);
        assert_eq!(v["error"]["kind"], "invalid_routing");
        assert_eq!(v["error"]["message"], "invalid CLAW_ROUTING value 'Explicit': choose from 'reference', 'explicit'");
        assert!(v.get("routing").is_none());
    }
    // Nothing is written before the check: bootstrap persists no session.
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(claw(tmp.path(), Some("fast"), &["bootstrap", "x"]).code, 1);
    assert!(!tmp.path().join(".port_sessions").exists());
    // Subcommands without routing ignore the variable.
    assert_eq!(run(Some("fast"), &["tools", "--limit", "1"]).code, 0);
    // An invalid option value is argparse's usual error.
    let bad = run(None, &["route", "x", "--routing", "fast"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("argument --routing: invalid choice: 'fast' (choose from 'reference', 'explicit')"),
        "{}",
        bad.stderr
    );
}

#[test]
fn explicit_routing_leads_with_the_named_command() {
    let explicit = Some("explicit");
    assert_eq!(lines(explicit, &["route", "/plugin list"]), EXPLICIT_PLUGIN_LIST);
    // Aliases, a name without a slash, case and surrounding blanks.
    let alias_lines = [
        "command\tplugin\t100\tcommands/plugin/index.tsx",
        "command\tBrowseMarketplace\t1\tcommands/plugin/BrowseMarketplace.tsx",
        "tool\tListTool\t1\ttools/ListTool.ts",
        "command\tplugin\t1\tcommands/plugin/plugin.tsx",
        "command\treload-plugins\t1\tcommands/reload-plugins/index.ts",
    ];
    assert_eq!(lines(explicit, &["route", "  /plugins list"]), alias_lines);
    assert_eq!(lines(explicit, &["route", "PLUGINS list"]), alias_lines);
    assert_eq!(
        lines(explicit, &["route", "/marketplace browse"]),
        [
            "command\tplugin\t100\tcommands/plugin/index.tsx",
            "command\tBrowseMarketplace\t2\tcommands/plugin/BrowseMarketplace.tsx"
        ]
    );
    assert_eq!(
        lines(explicit, &["route", "review"]),
        [
            "command\tReview\t100\tcommands/review.ts",
            "command\tprereview\t1\tcommands/prereview.ts",
            "command\treview-pr\t1\tcommands/review-pr.ts"
        ]
    );
    // The limit counts the lead; a negative one cuts from the end, as a slice does.
    assert_eq!(lines(explicit, &["route", "/plugin list", "--limit", "2"]), EXPLICIT_PLUGIN_LIST[..2]);
    assert_eq!(lines(explicit, &["route", "/plugin list", "--limit", "-1"]), EXPLICIT_PLUGIN_LIST[..2]);
    assert_eq!(
        lines(explicit, &["route", "/plugin list", "--limit", "0"]),
        ["No mirrored command/tool matches found."]
    );
    // No command named first (only one slash is dropped): the reference's selection.
    for prompt in ["list /plugin", "//plugin list", "/ plugin list", "/nosuch plugin list"] {
        assert_eq!(lines(explicit, &["route", prompt]), lines(None, &["route", prompt]), "{prompt:?}");
    }
    let json = run(explicit, &["route", "/plugin list", "--output-format", "json"]).json();
    assert_eq!(json["match_count"], 5);
    assert_eq!(json["matches"][0]["score"], 100);
}

#[test]
fn explicit_lookups_strip_and_apply_aliases() {
    let explicit = Some("explicit");
    for name in ["plugin", "  PLUGINS ", "marketplace", "\tMarketplace"] {
        assert_eq!(
            lines(explicit, &["show-command", name]),
            ["plugin", "commands/plugin/index.tsx", "manage plugins"],
            "{name:?}"
        );
        assert_eq!(
            lines(explicit, &["exec-command", name, "browse"]),
            ["Mirrored command 'plugin' from commands/plugin/index.tsx would handle prompt 'browse'."],
            "{name:?}"
        );
    }
    let missing = run(explicit, &["exec-command", " nope ", "x"]);
    assert_eq!((missing.code, missing.stdout.as_str()), (1, "Unknown mirrored command:  nope \n"));
}

#[test]
fn explicit_commands_query_ranks_exact_prefix_contained_then_the_rest() {
    let got = lines(Some("explicit"), &["commands", "--query", " REVIEW "]);
    assert_eq!(
        got,
        [
            "Command entries: 7",
            "",
            "Filtered by:  REVIEW ",
            "",
            "- Review — commands/review.ts",
            "- review-pr — commands/review-pr.ts",
            "- prereview — commands/prereview.ts",
        ]
    );
    // Source-hint matches rank last, in snapshot order.
    let got = lines(Some("explicit"), &["commands", "--query", "plugin", "--limit", "4"]);
    assert_eq!(
        got[4..],
        [
            "- plugin — commands/plugin/index.tsx",
            "- plugin — commands/plugin/plugin.tsx",
            "- reload-plugins — commands/reload-plugins/index.ts",
            "- BrowseMarketplace — commands/plugin/BrowseMarketplace.tsx",
        ]
    );
}

#[test]
fn bootstrap_and_turn_loop_follow_the_switch() {
    let tmp = tempfile::tempdir().unwrap();
    let session = claw(tmp.path(), Some("explicit"), &["bootstrap", "/plugin list"]);
    assert_eq!(session.code, 0);
    assert!(session.stdout.contains("## Routed Matches\n- [command] plugin (100) — commands/plugin/index.tsx\n"));
    assert!(session.stdout.contains(
        "## Command Execution\nMirrored command 'plugin' from commands/plugin/index.tsx would handle prompt '/plugin list'.\n"
    ));
    let reference = claw(tmp.path(), None, &["bootstrap", "/plugin list"]);
    assert!(reference.stdout.contains("## Routed Matches\n- [command] BrowseMarketplace (2) —"));

    let turns = run(Some("explicit"), &["turn-loop", "/plugin list", "--output-format", "json"]).json();
    assert_eq!(
        turns["turns"][0]["matched_commands"],
        serde_json::json!(["plugin", "BrowseMarketplace", "plugin", "reload-plugins"])
    );
    assert_eq!(turns["routing"], "explicit");
    let turns = run(None, &["turn-loop", "/plugin list", "--output-format", "json"]).json();
    assert_eq!(
        turns["turns"][0]["matched_commands"],
        serde_json::json!(["BrowseMarketplace", "plugin", "plugin", "reload-plugins"])
    );
}

#[test]
fn help_names_the_option_and_the_variable() {
    for args in ROUTED {
        let help = lines(None, &[args[0], "-h"]).join("\n");
        assert!(help.contains("[--routing {reference,explicit}]"), "{}: {help}", args[0]);
        assert!(help.contains("  --routing {reference,explicit}\n"), "{}: {help}", args[0]);
        assert!(help.contains("$CLAW_ROUTING"), "{}: {help}", args[0]);
    }
}

#[test]
fn routed_names_every_command_that_takes_routing() {
    let mut declared: Vec<&str> = spec::COMMANDS
        .iter()
        .filter(|c| c.opts.iter().any(|o| o.flags.contains(&"--routing")))
        .map(|c| c.name)
        .collect();
    let mut routed: Vec<&str> = ROUTED.iter().map(|args| args[0]).collect();
    declared.sort_unstable();
    routed.sort_unstable();
    assert_eq!(routed, declared);
}
