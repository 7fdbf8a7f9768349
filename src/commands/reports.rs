//! `summary`, `manifest`, `subsystems`, `setup-report`, `parity-audit`: the
//! workspace reports.  Each reports on `ctx.workspace()` (its port root is
//! `<workspace>/src`); see [`crate::manifest`] and [`crate::parity`] for what
//! is counted and how.  Text output is the reference's; JSON output is the
//! envelope plus the fields documented on each handler.

use super::Ctx;
use crate::baseline::Baseline;
use crate::cli::args::ParityAuditArgs;
use crate::error::io_reason;
use crate::error::{ClawError, Result};
use crate::manifest::Manifest;
use crate::output::{Body, Reply};
use crate::parity::{self, GateScope};
use crate::parity_gate::Verdict;
use crate::pyfmt::int::{PyInt, slice_end};
use crate::pyfmt::json::Json;
use crate::query_engine::{Config, new_session_id};
use crate::setup::{self, SetupReport};
use crate::snapshot::{Module, Source};

/// How many command / tool entries the summary lists.
const SUMMARY_ENTRIES: usize = 10;

/// `- {name} [mirrored] — {responsibility} (from {source_hint})`.
fn backlog_line(m: &Module) -> String {
    format!("- {} [mirrored] — {} (from {})", m.name, m.responsibility, m.source_hint)
}

fn backlog_json(modules: &[Module]) -> Json {
    Json::List(
        modules
            .iter()
            .take(SUMMARY_ENTRIES)
            .map(|m| {
                Json::obj([
                    ("name", Json::str(m.name.as_ref())),
                    ("status", Json::str("mirrored")),
                    ("responsibility", Json::str(m.responsibility.as_ref())),
                    ("source_hint", Json::str(m.source_hint.as_ref())),
                ])
            })
            .collect(),
    )
}

/// `summary`: `QueryEnginePort(manifest).render_summary()` for a fresh engine.
///
/// Text: `# Python Porting Workspace Summary` (`# Rust Porting Workspace
/// Summary` for a Rust workspace), the manifest markdown, the command and
/// tool surfaces (count and first 10 entries), then the engine's state.
///
/// JSON fields:
/// - `title` (string): the text's first line without `# `.
/// - `manifest` (object): as `manifest`'s fields: `port_root`, `language`,
///   `total_files`, `modules`.
/// - `command_count`, `tool_count` (int): entries in the snapshots.
/// - `commands`, `tools` (list of `{name, status, responsibility,
///   source_hint}`): the first 10 entries; `status` is always `"mirrored"`.
/// - `session_id` (string): a fresh 32-hex-digit id.
/// - `conversation_turns`, `permission_denials` (int): always 0.
/// - `usage` (object `{input_tokens, output_tokens}`): always 0, 0.
/// - `max_turns`, `max_budget_tokens` (int): the engine defaults (8, 2000).
/// - `transcript_flushed` (bool): always false.
pub(super) fn summary(ctx: &Ctx<'_>) -> Result<Reply> {
    let commands = ctx.source.commands()?;
    let tools = ctx.source.tools()?;
    let manifest = Manifest::build(&ctx.workspace()?);
    let config = Config::default();
    let session_id = new_session_id();
    let title = format!("{} Porting Workspace Summary", manifest.language.name());
    if ctx.json() {
        return Ok(Reply::fields([
            ("title", Json::str(title)),
            ("manifest", manifest.to_json()),
            ("command_count", Json::int(commands.len())),
            ("tool_count", Json::int(tools.len())),
            ("commands", backlog_json(&commands)),
            ("tools", backlog_json(&tools)),
            ("session_id", Json::str(session_id)),
            ("conversation_turns", Json::Int(0)),
            ("permission_denials", Json::Int(0)),
            ("usage", Json::obj([("input_tokens", Json::Int(0)), ("output_tokens", Json::Int(0))])),
            ("max_turns", Json::Int(config.max_turns)),
            ("max_budget_tokens", Json::Int(config.max_budget_tokens)),
            ("transcript_flushed", Json::Bool(false)),
        ]));
    }
    let mut lines = vec![format!("# {title}"), String::new(), manifest.to_markdown(), String::new()];
    lines.push(format!("Command surface: {} mirrored entries", commands.len()));
    lines.extend(commands.iter().take(SUMMARY_ENTRIES).map(backlog_line));
    lines.push(String::new());
    lines.push(format!("Tool surface: {} mirrored entries", tools.len()));
    lines.extend(tools.iter().take(SUMMARY_ENTRIES).map(backlog_line));
    lines.extend([
        String::new(),
        format!("Session id: {session_id}"),
        "Conversation turns stored: 0".to_string(),
        "Permission denials tracked: 0".to_string(),
        "Usage totals: in=0 out=0".to_string(),
        format!("Max turns: {}", config.max_turns),
        format!("Max budget tokens: {}", config.max_budget_tokens),
        "Transcript flushed: False".to_string(),
    ]);
    Ok(Reply::line(lines.join("\n")))
}

/// `manifest`: `build_port_manifest().to_markdown()`.
///
/// Text: `Port root: `<ws>/src``, `Total Python files: **N**` (or `Rust`),
/// a blank line, `Top-level Python modules:` (or `Rust`), then one
/// ``- `name` (count files) — notes`` line per module.
///
/// In a cargo workspace the first line is ``Port root: `<ws>` (cargo
/// workspace)`` and each member is a module (see [`crate::manifest`]).
///
/// JSON fields:
/// - `port_root` (string): absolute `<workspace>/src` (the workspace for a
///   cargo workspace).
/// - `language` (string): `"python"` or `"rust"`.
/// - `total_files` (int): source files of that language under the port root.
/// - `modules` (list of `{name, path, file_count, notes}`; `name`, `path`,
///   `notes` strings, `file_count` int): every top-level module, most files
///   first, ties by name.
/// - `cargo_workspace` (bool), `port_roots` (list of strings): the absolute
///   `src/` directories scanned.
pub(super) fn manifest(ctx: &Ctx<'_>) -> Result<Reply> {
    let manifest = Manifest::build(&ctx.workspace()?);
    if ctx.json() {
        let Json::Obj(fields) = manifest.to_json() else { unreachable!("Manifest::to_json builds an object") };
        return Ok(Reply::fields(fields));
    }
    Ok(Reply::line(manifest.to_markdown()))
}

/// `subsystems [--limit N]` (default 32): `manifest.top_level_modules[:N]`.
///
/// Text: one `name<TAB>file_count<TAB>notes` line per module (nothing at all
/// when there are none).
///
/// JSON fields:
/// - `limit` (int): `--limit` as given (or 32); negative limits slice as
///   Python does (`[:-1]` drops the last module).
/// - `language` (string): `"python"` or `"rust"`.
/// - `total_modules` (int): modules in the manifest before slicing.
/// - `count` (int): modules listed.
/// - `modules` (list of `{name, path, file_count, notes}`).
pub(super) fn subsystems(ctx: &Ctx<'_>, limit: &PyInt) -> Result<Reply> {
    let manifest = Manifest::build(&ctx.workspace()?);
    let shown = &manifest.modules[..slice_end(manifest.modules.len(), limit.get())];
    if ctx.json() {
        return Ok(Reply::fields([
            ("limit", Json::pyint(limit)),
            ("language", Json::str(manifest.language.key())),
            ("total_modules", Json::int(manifest.modules.len())),
            ("count", Json::int(shown.len())),
            ("modules", Json::List(shown.iter().map(|m| m.to_json()).collect())),
        ]));
    }
    let text: String = shown.iter().map(|m| format!("{}\t{}\t{}\n", m.name, m.file_count, m.notes)).collect();
    Ok(Reply { exit: 0, body: Body::Text(text) })
}

/// `setup-report`: `run_setup().as_markdown()` for the workspace root,
/// describing the running harness (claw, in Rust).
///
/// Text: `# Setup Report`, `- Python: <rustc version> (Rust)`, `- Platform:
/// ...`, `- Trusted mode: True`, `- CWD: <workspace>`, the three prefetches
/// and the deferred-init lines, as the reference lays them out.
///
/// JSON fields:
/// - `setup` (object, strings): `python_version` (the Rust toolchain
///   version claw was built with), `implementation` (`"Rust"`),
///   `platform_name`, `test_command` (`"cargo test"`).
/// - `claw_version` (string): claw's package version.
/// - `trusted` (bool): always true.
/// - `cwd` (string): the workspace root.
/// - `prefetches` (list of `{name, started, detail}`; `started` bool).
/// - `deferred_init` (object of bools): `trusted`, `plugin_init`,
///   `skill_init`, `mcp_prefetch`, `session_hooks`.
/// - `startup_steps` (list of strings): `WorkspaceSetup.startup_steps()`.
pub(super) fn setup_report(ctx: &Ctx<'_>) -> Result<Reply> {
    let report = SetupReport::run(&ctx.workspace()?);
    if !ctx.json() {
        return Ok(Reply::line(report.as_markdown()));
    }
    let s = &report.setup;
    let d = &report.deferred_init;
    let mut deferred = vec![("trusted".to_string(), Json::Bool(d.trusted))];
    deferred.extend(d.steps().iter().map(|(name, on)| (name.to_string(), Json::Bool(*on))));
    Ok(Reply::fields([
        ("setup", s.to_json()),
        ("claw_version", Json::str(setup::VERSION)),
        ("trusted", Json::Bool(report.trusted)),
        ("cwd", Json::str(report.cwd.display().to_string())),
        (
            "prefetches",
            Json::List(
                report
                    .prefetches
                    .iter()
                    .map(|p| {
                        Json::obj([
                            ("name", Json::str(p.name)),
                            ("started", Json::Bool(p.started)),
                            ("detail", Json::str(&p.detail)),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("deferred_init", Json::Obj(deferred)),
        ("startup_steps", Json::strs(setup::STARTUP_STEPS)),
    ]))
}

/// `parity-audit [--fail-under RATIO] [--surface] [--baseline FILE]
/// [--write-baseline FILE] [--junit FILE] [--github-annotations]`:
/// `run_parity_audit().to_markdown()`, with coverage computed from the
/// archive surface snapshot over every port root (see [`crate::parity`],
/// [`crate::surface`], [`crate::baseline`], [`crate::parity_gate`]).
///
/// Text: the reference's report: `# Parity Audit` and `Local archive
/// unavailable; ...` when `<workspace>/archive/claude_code_ts_snapshot/src`
/// is absent, else the five `covered/total` lines and the missing targets.
/// Then, in this order and only when they apply: the members of a cargo
/// workspace (`Cargo workspace members: N` and one `` - `path/src` `` line
/// each); with `--surface` the two surface coverages and their missing
/// names; with `--fail-under` a blank line and `Coverage gate: passed
/// (--fail-under R)` or `Coverage gate: failed (--fail-under R)` followed
/// by `- <metric>: c/t is below R` per failed metric and the missing
/// targets of a failed root-file / directory metric (and, with the
/// embedded inventory, the `Not gated: ...` line); with `--baseline` a
/// blank line, `Baseline gate: passed|failed (--baseline FILE)` and `-
/// <metric>: c/t is below the baseline's c/t` per drop with its newly
/// missing targets; with `--write-baseline` `Baseline written: FILE`; with
/// `--github-annotations` one `::error title=...::...` line per failure.
///
/// Gated metrics: root-file and directory coverage; the command and tool
/// entry ratios only when an inventory was given (`CLAW_REFERENCE_DATA` or
/// the workspace's `src/reference_data/`); the surface coverages with
/// `--surface`.
///
/// Exit code: 1 when a gated metric is below `--fail-under` or below the
/// `--baseline` (either format); a missing or malformed baseline, or a
/// report file that cannot be written, is a typed error (exit 1); else 0.
///
/// JSON fields:
/// - `port_root` (string): `<workspace>/src`, or the workspace for a cargo
///   workspace; `language` (`"python"` / `"rust"`).
/// - `archive_present` (bool): whether the local archive exists.
/// - `root_file_coverage`, `directory_coverage`, `total_file_ratio`,
///   `command_entry_ratio`, `tool_entry_ratio` (objects `{covered: int,
///   total: int, ratio: float}`; `ratio` is 0.0 when `total` is 0).
/// - `missing_root_targets`, `missing_directory_targets` (lists of strings).
/// - `fail_under` (float or null): `--fail-under` as given.
/// - `gate_passed` (bool or null): null without `--fail-under`.
/// - `failed_metrics` (list of strings): names of the gated metrics below
///   `fail_under` (empty without `--fail-under`).
/// - `cargo_workspace` (bool), `port_roots` (list of strings): the absolute
///   `src/` directories audited.
/// - `inventory` (object `{kind: "embedded" | "directory", path: string or
///   null}`): where the command and tool inventories came from.
/// - `command_surface_coverage`, `tool_surface_coverage` (objects
///   `{covered, total, ratio, missing: [names]}`): always computed.
/// - `surface` (bool): `--surface` given; `gated_metrics` (list of strings).
/// - `baseline` (string or null), `baseline_passed` (bool or null),
///   `baseline_drops` (list of `{metric, now, baseline, newly_missing}`,
///   `now` / `baseline` as `{covered, total, ratio}`).
/// - `failures` (list of `{metric, check: "fail_under" | "baseline",
///   message}`), `annotations` (list of the workflow-command lines).
/// - `junit`, `baseline_written` (string or null): the files written.
pub(super) fn parity_audit(ctx: &Ctx<'_>, args: &ParityAuditArgs) -> Result<Reply> {
    let surface = ctx.source.archive_surface()?;
    let commands = ctx.source.commands()?;
    let tools = ctx.source.tools()?;
    let workspace = ctx.workspace()?;
    let audit = parity::run(&workspace, &surface, &commands, &tools);
    let inventory_path = match &ctx.source {
        Source::Embedded => None,
        Source::Dir(dir) => Some(dir.display().to_string()),
    };
    let scope = GateScope { inventory_given: inventory_path.is_some(), surface: args.surface };
    let fail_under = args.fail_under;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let verdict = Verdict::new(&audit, scope, fail_under, baseline.as_ref());
    let junit = args.junit.as_deref();
    if let Some(path) = junit {
        crate::atomic_file::write(std::path::Path::new(path), verdict.junit(&audit).as_bytes())
            .map_err(|e| ClawError::ReportWrite { path: path.to_string(), problem: io_reason(&e) })?;
    }
    let written = args.write_baseline.as_deref();
    if let Some(path) = written {
        crate::baseline::write(path, &audit, inventory_path.as_deref().unwrap_or("embedded"))?;
    }
    let exit = i32::from(!verdict.passed());
    let annotations = verdict.annotations();
    let failed: Vec<&str> = verdict.below.iter().map(|(name, _)| *name).collect();
    if ctx.json() {
        let opt_str = |s: Option<&str>| s.map_or(Json::Null, Json::str);
        let drops = verdict.baseline.as_ref().map_or(&[][..], |(_, d)| d.as_slice());
        return Ok(Reply::fields([
            ("port_root", Json::str(audit.roots.port_root().display().to_string())),
            ("language", Json::str(audit.language.key())),
            ("archive_present", Json::Bool(audit.archive_present)),
            ("root_file_coverage", audit.root_file_coverage.to_json()),
            ("directory_coverage", audit.directory_coverage.to_json()),
            ("total_file_ratio", audit.total_file_ratio.to_json()),
            ("command_entry_ratio", audit.command_entry_ratio.to_json()),
            ("tool_entry_ratio", audit.tool_entry_ratio.to_json()),
            ("missing_root_targets", Json::strs(&audit.missing_root_targets)),
            ("missing_directory_targets", Json::strs(&audit.missing_directory_targets)),
            ("fail_under", fail_under.map_or(Json::Null, Json::Float)),
            ("gate_passed", fail_under.map_or(Json::Null, |_| Json::Bool(failed.is_empty()))),
            ("failed_metrics", Json::strs(&failed)),
            ("cargo_workspace", Json::Bool(audit.roots.cargo_workspace)),
            ("port_roots", audit.roots.to_json()),
            (
                "inventory",
                Json::obj([
                    ("kind", Json::str(if scope.inventory_given { "directory" } else { "embedded" })),
                    ("path", opt_str(inventory_path.as_deref())),
                ]),
            ),
            ("command_surface_coverage", audit.command_surface.to_json()),
            ("tool_surface_coverage", audit.tool_surface.to_json()),
            ("surface", Json::Bool(scope.surface)),
            ("gated_metrics", Json::strs(&verdict.gated)),
            ("baseline", opt_str(verdict.baseline.as_ref().map(|(p, _)| p.as_str()))),
            ("baseline_passed", verdict.baseline.as_ref().map_or(Json::Null, |(_, d)| Json::Bool(d.is_empty()))),
            (
                "baseline_drops",
                Json::List(
                    drops
                        .iter()
                        .map(|d| {
                            Json::obj([
                                ("metric", Json::str(d.metric)),
                                ("now", d.now.to_json()),
                                ("baseline", d.was.to_json()),
                                ("newly_missing", Json::strs(&d.newly_missing)),
                            ])
                        })
                        .collect(),
                ),
            ),
            (
                "failures",
                Json::List(
                    verdict
                        .failures()
                        .into_iter()
                        .map(|f| {
                            Json::obj([
                                ("metric", Json::str(f.metric)),
                                ("check", Json::str(f.check)),
                                ("message", Json::str(f.message)),
                            ])
                        })
                        .collect(),
                ),
            ),
            ("annotations", Json::strs(&annotations)),
            ("junit", opt_str(junit)),
            ("baseline_written", opt_str(written)),
        ])
        .with_exit(exit));
    }
    let mut lines = vec![audit.to_markdown()];
    let roots = audit.roots.lines();
    if !roots.is_empty() {
        lines.push(String::new());
        lines.extend(roots);
    }
    if scope.surface {
        lines.extend(audit.surface_lines());
    }
    if let Some(t) = fail_under {
        lines.extend(audit.gate_lines(scope, t));
    }
    lines.extend(verdict.baseline_lines());
    if let Some(path) = written {
        lines.extend([String::new(), format!("Baseline written: {path}")]);
    }
    if args.github_annotations {
        lines.extend(annotations);
    }
    Ok(Reply::line(lines.join("\n")).with_exit(exit))
}
