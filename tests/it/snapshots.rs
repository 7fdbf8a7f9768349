//! Snapshot tests of every command's text and JSON output on the embedded
//! default inventory, in a fresh workspace.  Volatile parts (timestamps,
//! session ids, the temp directory, the platform) are normalized.
//!
//! The files are `tests/snapshots/snapshots__NAME.snap`, named as they were
//! when this module was a test binary of its own.  To accept intended
//! changes: `INSTA_UPDATE=always cargo test --test it snapshots::`, then
//! review `git diff tests/snapshots/`.

use std::path::Path;

use claw::cli::spec;
use regex::Regex;

use crate::support;

fn run(dir: &Path, args: &[&str]) -> String {
    let out = support::claw_in(dir).args(args).env("CLAW_WORKSPACE", dir).output().expect("claw runs");
    let mut text = format!("exit: {}\n", out.status.code().unwrap_or(-1));
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    if !out.stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    normalize(&text, dir)
}

fn normalize(text: &str, dir: &Path) -> String {
    let canonical = dir.canonicalize().unwrap_or(dir.to_path_buf());
    let mut t = text.replace(&canonical.display().to_string(), "<WS>").replace(&dir.display().to_string(), "<WS>");
    for (pattern, repl) in [
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "<TS>"),
        (r"[0-9a-f]{32}", "<SID>"),
        (r"(?m)^(- Platform: |- Python: ).*$", "$1<ENV>"),
        (r#""(platform_name|python_version)": "[^"]*""#, r#""$1": "<ENV>""#),
    ] {
        t = Regex::new(pattern).unwrap().replace_all(&t, repl).into_owned();
    }
    t
}

/// Every subcommand, with a few variants each, in text and JSON.
const CASES: &[(&str, &[&str])] = &[
    ("summary", &["summary"]),
    ("manifest", &["manifest"]),
    ("parity_audit", &["parity-audit"]),
    ("setup_report", &["setup-report"]),
    ("command_graph", &["command-graph"]),
    ("tool_pool", &["tool-pool"]),
    ("bootstrap_graph", &["bootstrap-graph"]),
    ("subsystems", &["subsystems", "--limit", "5"]),
    ("commands", &["commands"]),
    ("commands_query", &["commands", "--query", "dir", "--limit", "2"]),
    ("commands_filtered", &["commands", "--no-plugin-commands", "--no-skill-commands", "--limit", "-2"]),
    ("tools", &["tools", "--limit", "5"]),
    ("tools_simple", &["tools", "--simple-mode", "--deny-tool", "bashtool"]),
    ("tools_no_mcp", &["tools", "--no-mcp", "--deny-prefix", "agent"]),
    ("route", &["route", "review MCP tool"]),
    ("route_none", &["route", "zzz"]),
    ("route_limit", &["route", "add dir", "--limit", "-1"]),
    ("bootstrap", &["bootstrap", "review the bash tool"]),
    ("turn_loop", &["turn-loop", "review mcp", "--max-turns", "2", "--continuation-prompt", "go on"]),
    ("turn_loop_structured", &["turn-loop", "hi", "--structured-output"]),
    ("turn_loop_timeout", &["turn-loop", "hi", "--timeout-seconds", "0"]),
    ("flush_transcript", &["flush-transcript", "hello world", "--session-id", "snap"]),
    ("load_session", &["load-session", "snap"]),
    ("list_sessions", &["list-sessions"]),
    ("delete_session", &["delete-session", "snap"]),
    ("load_session_missing", &["load-session", "snap"]),
    ("load_session_hostile", &["load-session", "../etc/passwd"]),
    ("remote_mode", &["remote-mode", "host"]),
    ("ssh_mode", &["ssh-mode", "user@box"]),
    ("teleport_mode", &["teleport-mode", "s1"]),
    ("direct_connect_mode", &["direct-connect-mode", "ws://x"]),
    ("deep_link_mode", &["deep-link-mode", "claw://x"]),
    ("show_command", &["show-command", "ADD-DIR"]),
    ("show_command_missing", &["show-command", "nope"]),
    ("show_tool", &["show-tool", "bashtool"]),
    ("show_tool_missing", &["show-tool", "nope"]),
    ("exec_command", &["exec-command", "add-dir", "it's \"quoted\"\n"]),
    ("exec_command_missing", &["exec-command", "nope", "x"]),
    ("exec_tool", &["exec-tool", "FileReadTool", "caf\u{e9} \u{1f600}"]),
    ("exec_tool_missing", &["exec-tool", "NopeTool", "{}"]),
    ("parse_missing", &["load-session"]),
    ("parse_bad_int", &["route", "x", "--limit", "abc"]),
];

#[test]
fn every_command_has_a_case() {
    for c in spec::COMMANDS {
        assert!(CASES.iter().any(|(_, args)| args[0] == c.name), "no snapshot case runs {}", c.name);
    }
}

/// Insta settings that keep the snapshot files where they were:
/// `tests/snapshots/`, each name prefixed `snapshots__` by hand instead of by
/// this module's path (which would make it `it__snapshots__`).
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn every_command_in_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    settings().bind(|| {
        for (name, args) in CASES {
            let text = run(tmp.path(), args);
            insta::assert_snapshot!(format!("snapshots__{name}_text"), text);
            let mut json_args = args.to_vec();
            json_args.extend(["--output-format", "json"]);
            let json = run(tmp.path(), &json_args);
            insta::assert_snapshot!(format!("snapshots__{name}_json"), json);
        }
    });
}

#[test]
fn help_and_version() {
    let tmp = tempfile::tempdir().unwrap();
    settings().bind(|| {
        insta::assert_snapshot!("snapshots__help_top", run(tmp.path(), &["--help"]));
        insta::assert_snapshot!("snapshots__help_turn_loop", run(tmp.path(), &["turn-loop", "-h"]));
        insta::assert_snapshot!("snapshots__help_exec_tool", run(tmp.path(), &["exec-tool", "--help"]));
    });
    let version = run(tmp.path(), &["--version"]);
    assert_eq!(version, format!("exit: 0\nclaw-code {} (Rust harness)\n", env!("CARGO_PKG_VERSION")));
}
