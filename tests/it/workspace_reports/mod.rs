//! The workspace reports (`manifest`, `subsystems`, `summary`,
//! `setup-report`, `parity-audit`) run as the built binary against fixture
//! workspaces built in temporary directories, with fixture reference data
//! (`CLAW_REFERENCE_DATA`) so every count is known: their text, their JSON
//! fields, and what they read (the workspace's own reference data, a
//! missing workspace).  This file holds the fixtures.

mod inputs;
mod json;
mod text;

use std::path::Path;

use serde_json::Value;

use crate::support::{self, Run, Scratch};

fn entries(kind: &str, n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{{\"name\": \"{kind}{i:02}\", \"source_hint\": \"{kind}s/{kind}{i:02}.ts\", \"responsibility\": \"{kind} number {i}\"}}"
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Reference data: 12 commands, 2 tools, and an archive surface of 4 root
/// files and 4 root directories.  `tool_entry_count` decides whether the
/// tool ratio is complete (2) or half (4).
fn reference_data(tool_entry_count: u64) -> Scratch {
    let d = Scratch::new();
    d.file("commands_snapshot.json", &entries("cmd", 12));
    d.file("tools_snapshot.json", &entries("tool", 2));
    d.file(
        "archive_surface_snapshot.json",
        &format!(
            "{{\"archive_root\": \"archive/claude_code_ts_snapshot/src\", \
             \"root_files\": [\"main.tsx\", \"QueryEngine.ts\", \"cost-tracker.ts\", \"Task.ts\"], \
             \"root_dirs\": [\"commands\", \"native-ts\", \"utils\", \"outputStyles\"], \
             \"total_ts_like_files\": 10, \"command_entry_count\": 12, \"tool_entry_count\": {tool_entry_count}}}"
        ),
    );
    d
}

/// A Python workspace: 9 `.py` files under `src/`, plus files that must not count.
fn python_workspace() -> Scratch {
    let w = Scratch::new();
    for f in [
        "src/main.py",
        "src/commands.py",
        "src/utils/a.py",
        "src/utils/b.py",
        "src/utils/deep/c.py",
        "src/pkg/__init__.py",
        "src/pkg/x.py",
        "src/zeta.py",
        "src/alpha.py",
        "src/notes.txt",
        "src/pkg/data.json",
        "tests/test_x.py",
        "setup.py",
    ] {
        w.file(f, "");
    }
    w.dir("src/native_ts");
    w.dir("src/folder.py");
    w
}

/// A Rust workspace: 11 `.rs` files under `src/` and no `.py` files.
fn rust_workspace() -> Scratch {
    let w = Scratch::new();
    for f in [
        "Cargo.toml",
        "src/main.rs",
        "src/lib.rs",
        "src/query_engine.rs",
        "src/cost_tracker.rs",
        "src/commands/mod.rs",
        "src/commands/a.rs",
        "src/commands/b.rs",
        "src/cli/mod.rs",
        "src/cli/spec.rs",
        "src/native_ts.rs",
        "src/task/mod.rs",
        "src/notes.md",
        "tests/it.py",
    ] {
        w.file(f, "");
    }
    w.dir("src/output_styles");
    w
}

fn claw_in(cwd: &Path, refdata: &Path, args: &[&str], workspace_env: Option<&Path>) -> Run {
    let mut cmd = support::claw_in(cwd);
    cmd.args(args).env("CLAW_REFERENCE_DATA", refdata);
    if let Some(ws) = workspace_env {
        cmd.env("CLAW_WORKSPACE", ws);
    }
    Run::of(&mut cmd)
}

/// Run `claw <args> --workspace <ws>` from an unrelated directory.
fn claw(ws: &Path, refdata: &Path, args: &[&str]) -> Run {
    let elsewhere = Scratch::new();
    let mut all: Vec<&str> = args.to_vec();
    let ws_str = ws.to_str().unwrap();
    all.extend(["--workspace", ws_str]);
    claw_in(elsewhere.path(), refdata, &all, None)
}

/// Run with `--output-format json`; check the envelope and return it.
fn claw_json(ws: &Path, refdata: &Path, command: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec![command];
    all.extend(args);
    all.extend(["--output-format", "json"]);
    let r = claw(ws, refdata, &all);
    let v = r.json();
    assert_eq!(v["command"], command);
    assert_eq!(v["output_format"], "json");
    assert_eq!(v["schema_version"], "1.0");
    (r.code, v)
}

fn manifest_text(ws: &Path, lang: &str, total: usize, modules: &[&str]) -> String {
    let mut lines = vec![
        format!("Port root: `{}/src`", ws.display()),
        format!("Total {lang} files: **{total}**"),
        String::new(),
        format!("Top-level {lang} modules:"),
    ];
    lines.extend(modules.iter().map(|m| m.to_string()));
    lines.join("\n")
}

const PY_MODULES: &[&str] = &[
    "- `utils` (3 files) — Python port support module",
    "- `pkg` (2 files) — Python port support module",
    "- `alpha.py` (1 files) — Python port support module",
    "- `commands.py` (1 files) — command backlog metadata",
    "- `main.py` (1 files) — CLI entrypoint",
    "- `zeta.py` (1 files) — Python port support module",
];

const RS_MODULES: &[&str] = &[
    "- `commands` (3 files) — subcommand handlers",
    "- `cli` (2 files) — command-line spec, argparse emulation and help",
    "- `cost_tracker.rs` (1 files) — Rust port support module",
    "- `lib.rs` (1 files) — library root",
    "- `main.rs` (1 files) — CLI entrypoint",
    "- `native_ts.rs` (1 files) — Rust port support module",
    "- `query_engine.rs` (1 files) — port orchestration summary layer",
    "- `task` (1 files) — Rust port support module",
];

const NO_ARCHIVE: &str =
    "# Parity Audit\nLocal archive unavailable; parity audit cannot compare against the original snapshot.\n";
