//! The workspace reports (`manifest`, `subsystems`, `summary`,
//! `setup-report`, `parity-audit`) run as the built binary against fixture
//! workspaces built in temporary directories, with fixture reference data
//! (`CLAW_REFERENCE_DATA`) so every count is known.

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

#[test]
fn manifest_text_python_workspace() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let r = claw(ws.path(), rd.path(), &["manifest"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, manifest_text(ws.path(), "Python", 9, PY_MODULES) + "\n");
}

#[test]
fn manifest_text_rust_workspace() {
    let (ws, rd) = (rust_workspace(), reference_data(4));
    let r = claw(ws.path(), rd.path(), &["manifest"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, manifest_text(ws.path(), "Rust", 11, RS_MODULES) + "\n");
}

#[test]
fn manifest_uses_claw_workspace_env_when_no_option() {
    let (ws, rd, cwd) = (python_workspace(), reference_data(4), Scratch::new());
    let r = claw_in(cwd.path(), rd.path(), &["manifest"], Some(ws.path()));
    assert_eq!(r.stdout, manifest_text(ws.path(), "Python", 9, PY_MODULES) + "\n");
    // Without either, the current directory is the workspace.
    let r = claw_in(ws.path(), rd.path(), &["manifest"], None);
    assert_eq!(r.stdout, manifest_text(ws.path(), "Python", 9, PY_MODULES) + "\n");
}

#[test]
fn mixed_port_root_is_python() {
    let (ws, rd) = (Scratch::new(), reference_data(4));
    ws.file("src/a.py", "");
    ws.file("src/b.rs", "");
    ws.file("src/c.rs", "");
    let r = claw(ws.path(), rd.path(), &["manifest"]);
    assert_eq!(
        r.stdout,
        manifest_text(ws.path(), "Python", 1, &["- `a.py` (1 files) — Python port support module"]) + "\n"
    );
}

#[test]
fn a_missing_or_unusable_port_root_reports_zero_files() {
    let rd = reference_data(4);
    let empty = Scratch::new();
    let r = claw(empty.path(), rd.path(), &["manifest"]);
    assert_eq!((r.code, r.stdout.clone()), (0, manifest_text(empty.path(), "Python", 0, &[]) + "\n"));

    // src/ is a file.
    empty.file("ws2/src", "not a dir");
    let r = claw(&empty.path().join("ws2"), rd.path(), &["subsystems"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
}

#[test]
fn manifest_of_claw_itself_is_rust() {
    let rd = reference_data(4);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = claw(root, rd.path(), &["manifest"]);
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], format!("Port root: `{}/src`", std::fs::canonicalize(root).unwrap().display()));
    assert!(lines[1].starts_with("Total Rust files: **") && lines[1].ends_with("**"), "{}", lines[1]);
    assert_eq!(lines[3], "Top-level Rust modules:");
    for want in [
        "- `main.rs` (1 files) — CLI entrypoint",
        "- `lib.rs` (1 files) — library root",
        "- `manifest.rs` (1 files) — workspace manifest generation",
        "- `parity.rs` (1 files) — parity audit against the archived surface",
    ] {
        assert!(lines.contains(&want), "missing {want:?} in\n{}", r.stdout);
    }
    assert!(lines.iter().any(|l| l.starts_with("- `commands` (") && l.ends_with(" files) — subcommand handlers")));
    let (_, v) = claw_json(root, rd.path(), "manifest", &[]);
    assert_eq!(v["language"], "rust");
    assert!(v["total_files"].as_u64().unwrap() >= 20);
}

#[test]
fn subsystems_text_and_limits() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let all = "utils\t3\tPython port support module\n\
               pkg\t2\tPython port support module\n\
               alpha.py\t1\tPython port support module\n\
               commands.py\t1\tcommand backlog metadata\n\
               main.py\t1\tCLI entrypoint\n\
               zeta.py\t1\tPython port support module\n";
    let lines: Vec<&str> = all.lines().collect();
    let joined = |n: usize| lines[..n].iter().map(|l| format!("{l}\n")).collect::<String>();
    assert_eq!(claw(ws.path(), rd.path(), &["subsystems"]).stdout, all);
    assert_eq!(claw(ws.path(), rd.path(), &["subsystems", "--limit", "2"]).stdout, joined(2));
    assert_eq!(claw(ws.path(), rd.path(), &["subsystems", "--limit", "-1"]).stdout, joined(5));
    assert_eq!(claw(ws.path(), rd.path(), &["subsystems", "--limit", "-100"]).stdout, "");
    assert_eq!(claw(ws.path(), rd.path(), &["subsystems", "--limit", "0"]).stdout, "");
    let r = claw(ws.path(), rd.path(), &["subsystems", "--limit", "x"]);
    assert_eq!(r.code, 2, "a non-integer limit is a parse error");

    let (ws, rd) = (rust_workspace(), reference_data(4));
    let r = claw(ws.path(), rd.path(), &["subsystems", "--limit", "3"]);
    assert_eq!(
        r.stdout,
        "commands\t3\tsubcommand handlers\ncli\t2\tcommand-line spec, argparse emulation and help\ncost_tracker.rs\t1\tRust port support module\n"
    );
}

fn summary_expected(ws: &Path, lang: &str, total: usize, modules: &[&str], session: &str) -> String {
    let mut lines = vec![
        format!("# {lang} Porting Workspace Summary"),
        String::new(),
        manifest_text(ws, lang, total, modules),
        String::new(),
    ];
    lines.push("Command surface: 12 mirrored entries".into());
    lines.extend((0..10).map(|i| format!("- cmd{i:02} [mirrored] — cmd number {i} (from cmds/cmd{i:02}.ts)")));
    lines.push(String::new());
    lines.push("Tool surface: 2 mirrored entries".into());
    lines.extend((0..2).map(|i| format!("- tool{i:02} [mirrored] — tool number {i} (from tools/tool{i:02}.ts)")));
    lines.extend([
        String::new(),
        format!("Session id: {session}"),
        "Conversation turns stored: 0".into(),
        "Permission denials tracked: 0".into(),
        "Usage totals: in=0 out=0".into(),
        "Max turns: 8".into(),
        "Max budget tokens: 2000".into(),
        "Transcript flushed: False".into(),
    ]);
    lines.join("\n") + "\n"
}

fn session_id_of(text: &str) -> String {
    let line = text.lines().find(|l| l.starts_with("Session id: ")).expect("a session id line");
    let id = line.trim_start_matches("Session id: ").to_string();
    assert!(id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "uuid4 hex: {id}");
    id
}

#[test]
fn summary_text_python_and_rust() {
    let rd = reference_data(4);
    let ws = python_workspace();
    let r = claw(ws.path(), rd.path(), &["summary"]);
    assert_eq!(r.code, 0);
    let sid = session_id_of(&r.stdout);
    assert_eq!(r.stdout, summary_expected(ws.path(), "Python", 9, PY_MODULES, &sid));

    let ws = rust_workspace();
    let r = claw(ws.path(), rd.path(), &["summary"]);
    let sid2 = session_id_of(&r.stdout);
    assert_ne!(sid, sid2, "a fresh session id each run");
    assert_eq!(r.stdout, summary_expected(ws.path(), "Rust", 11, RS_MODULES, &sid2));
}

#[test]
fn setup_report_text() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let r = claw(ws.path(), rd.path(), &["setup-report"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 17, "{}", r.stdout);
    assert_eq!(lines[..2], ["# Setup Report", ""]);
    assert!(lines[2].starts_with("- Python: ") && lines[2].ends_with(" (Rust)"), "{}", lines[2]);
    assert!(lines[3].starts_with("- Platform: ") && lines[3].len() > "- Platform: ".len());
    let ws_s = ws.path().display().to_string();
    assert_eq!(
        lines[4..],
        [
            "- Trusted mode: True".to_string(),
            format!("- CWD: {ws_s}"),
            String::new(),
            "Prefetches:".into(),
            "- mdm_raw_read: Simulated MDM raw-read prefetch for workspace bootstrap".into(),
            "- keychain_prefetch: Simulated keychain prefetch for trusted startup path".into(),
            format!("- project_scan: Scanned project root {ws_s}"),
            String::new(),
            "Deferred init:".into(),
            "- plugin_init=True".into(),
            "- skill_init=True".into(),
            "- mcp_prefetch=True".into(),
            "- session_hooks=True".into(),
        ]
    );
}

const NO_ARCHIVE: &str =
    "# Parity Audit\nLocal archive unavailable; parity audit cannot compare against the original snapshot.\n";

#[test]
fn parity_audit_without_archive_is_the_reference_text() {
    let rd = reference_data(4);
    for ws in [python_workspace(), rust_workspace(), Scratch::new()] {
        let r = claw(ws.path(), rd.path(), &["parity-audit"]);
        assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, NO_ARCHIVE, ""));
    }
}

#[test]
fn parity_audit_with_archive_python() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    ws.dir("archive/claude_code_ts_snapshot/src");
    let r = claw(ws.path(), rd.path(), &["parity-audit"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "# Parity Audit\n\
         \n\
         Root file coverage: **1/4**\n\
         Directory coverage: **3/4**\n\
         Total Python files vs archived TS-like files: **9/10**\n\
         Command entry coverage: **12/12**\n\
         Tool entry coverage: **2/4**\n\
         \n\
         Missing root targets:\n\
         - QueryEngine.py\n\
         - cost_tracker.py\n\
         - task.py\n\
         \n\
         Missing directory targets:\n\
         - outputStyles\n"
    );
}

#[test]
fn parity_audit_with_archive_rust() {
    let (ws, rd) = (rust_workspace(), reference_data(2));
    ws.dir("archive/claude_code_ts_snapshot/src");
    let r = claw(ws.path(), rd.path(), &["parity-audit"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "# Parity Audit\n\
         \n\
         Root file coverage: **4/4**\n\
         Directory coverage: **3/4**\n\
         Total Rust files vs archived TS-like files: **11/10**\n\
         Command entry coverage: **12/12**\n\
         Tool entry coverage: **2/2**\n\
         \n\
         Missing root targets:\n\
         - none\n\
         \n\
         Missing directory targets:\n\
         - utils/\n"
    );
}

#[test]
fn parity_gate_text_exit_codes() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let r = claw(ws.path(), rd.path(), &["parity-audit", "--fail-under", "0"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, format!("{NO_ARCHIVE}\nCoverage gate: passed (--fail-under 0.0)\n"));

    let r = claw(ws.path(), rd.path(), &["parity-audit", "--fail-under", "1.0"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
    assert_eq!(
        r.stdout,
        format!(
            "{NO_ARCHIVE}\n\
             Coverage gate: failed (--fail-under 1.0)\n\
             - root_file_coverage: 1/4 is below 1.0\n\
             - directory_coverage: 3/4 is below 1.0\n\
             - tool_entry_ratio: 2/4 is below 1.0\n\
             Missing root targets:\n\
             - QueryEngine.py\n\
             - cost_tracker.py\n\
             - task.py\n\
             Missing directory targets:\n\
             - outputStyles\n"
        )
    );

    // A ratio equal to the threshold passes; only the root files fail at 0.5.
    let r = claw(ws.path(), rd.path(), &["parity-audit", "--fail-under", "0.5"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.ends_with(
            "Coverage gate: failed (--fail-under 0.5)\n\
         - root_file_coverage: 1/4 is below 0.5\n\
         Missing root targets:\n\
         - QueryEngine.py\n\
         - cost_tracker.py\n\
         - task.py\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn parity_gate_passes_on_a_complete_workspace() {
    let (ws, rd) = (Scratch::new(), reference_data(2));
    for f in ["src/main.py", "src/QueryEngine.py", "src/cost_tracker.py", "src/task.py", "src/commands.py"] {
        ws.file(f, "");
    }
    for d in ["src/native_ts", "src/utils", "src/outputStyles"] {
        ws.dir(d);
    }
    let r = claw(ws.path(), rd.path(), &["parity-audit", "--fail-under", "1.0"]);
    assert_eq!((r.code, r.stdout.clone()), (0, format!("{NO_ARCHIVE}\nCoverage gate: passed (--fail-under 1.0)\n")));
    let (code, v) = claw_json(ws.path(), rd.path(), "parity-audit", &["--fail-under", "1"]);
    assert_eq!(code, 0);
    assert_eq!(v["gate_passed"], true);
    assert_eq!(v["failed_metrics"], serde_json::json!([]));
    assert_eq!(v["root_file_coverage"], serde_json::json!({"covered": 4, "total": 4, "ratio": 1.0}));
}

#[test]
fn parity_gate_json_exit_codes() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let (code, v) = claw_json(ws.path(), rd.path(), "parity-audit", &["--fail-under", "0"]);
    assert_eq!((code, v["exit_code"].as_i64()), (0, Some(0)));
    assert_eq!(v["gate_passed"], true);

    let (code, v) = claw_json(ws.path(), rd.path(), "parity-audit", &["--fail-under", "1.0"]);
    assert_eq!((code, v["exit_code"].as_i64()), (1, Some(1)));
    assert_eq!(v["gate_passed"], false);
    assert_eq!(v["fail_under"].as_f64(), Some(1.0));
    assert_eq!(
        v["failed_metrics"],
        serde_json::json!(["root_file_coverage", "directory_coverage", "tool_entry_ratio"])
    );
    assert_eq!(v["missing_root_targets"], serde_json::json!(["QueryEngine.py", "cost_tracker.py", "task.py"]));
    assert_eq!(v["missing_directory_targets"], serde_json::json!(["outputStyles"]));
}

fn assert_ratio(v: &Value, covered: u64, total: u64) {
    let obj = v.as_object().unwrap_or_else(|| panic!("ratio object: {v}"));
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["covered", "total", "ratio"]);
    assert_eq!((v["covered"].as_u64(), v["total"].as_u64()), (Some(covered), Some(total)));
    assert!(v["ratio"].is_f64(), "ratio is a float: {v}");
    let want = if total == 0 { 0.0 } else { covered as f64 / total as f64 };
    assert_eq!(v["ratio"].as_f64(), Some(want));
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

const ENVELOPE: [&str; 5] = ["timestamp", "command", "exit_code", "output_format", "schema_version"];

fn fields_after_envelope(v: &Value) -> Vec<&str> {
    let k = keys(v);
    assert_eq!(k[..5], ENVELOPE);
    k[5..].to_vec()
}

fn assert_module(m: &Value, name: &str, count: u64, notes: &str) {
    assert_eq!(keys(m), ["name", "path", "file_count", "notes"]);
    assert_eq!(m["name"], name);
    assert_eq!(m["path"], format!("src/{name}"));
    assert_eq!(m["file_count"].as_u64(), Some(count));
    assert_eq!(m["notes"], notes);
}

#[test]
fn parity_audit_json_fields() {
    let (ws, rd) = (rust_workspace(), reference_data(4));
    let (code, v) = claw_json(ws.path(), rd.path(), "parity-audit", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        fields_after_envelope(&v),
        [
            "port_root",
            "language",
            "archive_present",
            "root_file_coverage",
            "directory_coverage",
            "total_file_ratio",
            "command_entry_ratio",
            "tool_entry_ratio",
            "missing_root_targets",
            "missing_directory_targets",
            "fail_under",
            "gate_passed",
            "failed_metrics",
            "cargo_workspace",
            "port_roots",
            "inventory",
            "command_surface_coverage",
            "tool_surface_coverage",
            "surface",
            "gated_metrics",
            "baseline",
            "baseline_passed",
            "baseline_drops",
            "failures",
            "annotations",
            "junit",
            "baseline_written",
        ]
    );
    assert_eq!(v["port_root"], format!("{}/src", ws.path().display()));
    assert_eq!(v["language"], "rust");
    assert_eq!(v["archive_present"], false);
    assert_ratio(&v["root_file_coverage"], 4, 4);
    assert_ratio(&v["directory_coverage"], 3, 4);
    assert_ratio(&v["total_file_ratio"], 11, 10);
    assert_ratio(&v["command_entry_ratio"], 12, 12);
    assert_ratio(&v["tool_entry_ratio"], 2, 4);
    assert_eq!(v["missing_root_targets"], serde_json::json!([]));
    assert_eq!(v["missing_directory_targets"], serde_json::json!(["utils/"]));
    assert!(v["fail_under"].is_null() && v["gate_passed"].is_null());
    assert_eq!(v["failed_metrics"], serde_json::json!([]));

    ws.dir("archive/claude_code_ts_snapshot/src");
    let (_, v) = claw_json(ws.path(), rd.path(), "parity-audit", &[]);
    assert_eq!(v["archive_present"], true);

    // An empty workspace: nothing covered, ratios 0.0.
    let bare = Scratch::new();
    let (_, v) = claw_json(bare.path(), rd.path(), "parity-audit", &[]);
    assert_eq!(v["language"], "python");
    assert_ratio(&v["root_file_coverage"], 0, 4);
    assert_ratio(&v["total_file_ratio"], 0, 10);
    assert_eq!(
        v["missing_root_targets"],
        serde_json::json!(["main.py", "QueryEngine.py", "cost_tracker.py", "task.py"])
    );
    assert_eq!(
        v["missing_directory_targets"],
        serde_json::json!(["commands.py", "native_ts", "utils", "outputStyles"])
    );
}

#[test]
fn manifest_json_fields() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let (code, v) = claw_json(ws.path(), rd.path(), "manifest", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        fields_after_envelope(&v),
        ["port_root", "language", "total_files", "modules", "cargo_workspace", "port_roots"]
    );
    assert_eq!(
        (v["cargo_workspace"].as_bool(), v["port_roots"].clone()),
        (Some(false), serde_json::json!([format!("{}/src", ws.path().display())]))
    );
    assert_eq!(v["port_root"], format!("{}/src", ws.path().display()));
    assert_eq!(v["language"], "python");
    assert_eq!(v["total_files"].as_u64(), Some(9));
    let mods = v["modules"].as_array().unwrap();
    assert_eq!(mods.len(), 6);
    assert_module(&mods[0], "utils", 3, "Python port support module");
    assert_module(&mods[4], "main.py", 1, "CLI entrypoint");

    let ws = rust_workspace();
    let (_, v) = claw_json(ws.path(), rd.path(), "manifest", &[]);
    assert_eq!(v["language"], "rust");
    assert_eq!(v["total_files"].as_u64(), Some(11));
    assert_module(&v["modules"][3], "lib.rs", 1, "library root");
}

#[test]
fn subsystems_json_fields() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let (code, v) = claw_json(ws.path(), rd.path(), "subsystems", &["--limit", "-2"]);
    assert_eq!(code, 0);
    assert_eq!(fields_after_envelope(&v), ["limit", "language", "total_modules", "count", "modules"]);
    assert_eq!(v["limit"].as_i64(), Some(-2));
    assert_eq!(v["language"], "python");
    assert_eq!(v["total_modules"].as_u64(), Some(6));
    assert_eq!(v["count"].as_u64(), Some(4));
    let mods = v["modules"].as_array().unwrap();
    assert_eq!(mods.len(), 4);
    assert_module(&mods[3], "commands.py", 1, "command backlog metadata");
    let (_, v) = claw_json(ws.path(), rd.path(), "subsystems", &[]);
    assert_eq!((v["limit"].as_i64(), v["count"].as_u64()), (Some(32), Some(6)));
}

#[test]
fn summary_json_fields() {
    let (ws, rd) = (rust_workspace(), reference_data(4));
    let (code, v) = claw_json(ws.path(), rd.path(), "summary", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        fields_after_envelope(&v),
        [
            "title",
            "manifest",
            "command_count",
            "tool_count",
            "commands",
            "tools",
            "session_id",
            "conversation_turns",
            "permission_denials",
            "usage",
            "max_turns",
            "max_budget_tokens",
            "transcript_flushed",
        ]
    );
    assert_eq!(v["title"], "Rust Porting Workspace Summary");
    assert_eq!(
        keys(&v["manifest"]),
        ["port_root", "language", "total_files", "modules", "cargo_workspace", "port_roots"]
    );
    assert_eq!((v["manifest"]["language"].as_str(), v["manifest"]["total_files"].as_u64()), (Some("rust"), Some(11)));
    assert_eq!((v["command_count"].as_u64(), v["tool_count"].as_u64()), (Some(12), Some(2)));
    let cmds = v["commands"].as_array().unwrap();
    assert_eq!(cmds.len(), 10);
    assert_eq!(keys(&cmds[0]), ["name", "status", "responsibility", "source_hint"]);
    assert_eq!(
        cmds[9],
        serde_json::json!({"name": "cmd09", "status": "mirrored", "responsibility": "cmd number 9", "source_hint": "cmds/cmd09.ts"})
    );
    assert_eq!(v["tools"].as_array().unwrap().len(), 2);
    let sid = v["session_id"].as_str().unwrap();
    assert!(sid.len() == 32 && sid.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!((v["conversation_turns"].as_u64(), v["permission_denials"].as_u64()), (Some(0), Some(0)));
    assert_eq!(v["usage"], serde_json::json!({"input_tokens": 0, "output_tokens": 0}));
    assert_eq!((v["max_turns"].as_u64(), v["max_budget_tokens"].as_u64()), (Some(8), Some(2000)));
    assert_eq!(v["transcript_flushed"], false);

    let ws = python_workspace();
    let (_, v) = claw_json(ws.path(), rd.path(), "summary", &[]);
    assert_eq!(v["title"], "Python Porting Workspace Summary");
}

#[test]
fn setup_report_json_fields() {
    let (ws, rd) = (python_workspace(), reference_data(4));
    let (code, v) = claw_json(ws.path(), rd.path(), "setup-report", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        fields_after_envelope(&v),
        ["setup", "claw_version", "trusted", "cwd", "prefetches", "deferred_init", "startup_steps"]
    );
    assert_eq!(keys(&v["setup"]), ["python_version", "implementation", "platform_name", "test_command"]);
    assert!(v["setup"]["python_version"].as_str().unwrap().chars().next().unwrap().is_ascii_digit());
    assert_eq!(v["setup"]["implementation"], "Rust");
    assert!(!v["setup"]["platform_name"].as_str().unwrap().is_empty());
    assert_eq!(v["setup"]["test_command"], "cargo test");
    assert_eq!(v["claw_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["trusted"], true);
    let ws_s = ws.path().display().to_string();
    assert_eq!(v["cwd"], ws_s.as_str());
    assert_eq!(
        v["prefetches"],
        serde_json::json!([
            {"name": "mdm_raw_read", "started": true, "detail": "Simulated MDM raw-read prefetch for workspace bootstrap"},
            {"name": "keychain_prefetch", "started": true, "detail": "Simulated keychain prefetch for trusted startup path"},
            {"name": "project_scan", "started": true, "detail": format!("Scanned project root {ws_s}")},
        ])
    );
    assert_eq!(
        v["deferred_init"],
        serde_json::json!({"trusted": true, "plugin_init": true, "skill_init": true, "mcp_prefetch": true, "session_hooks": true})
    );
    assert_eq!(keys(&v["deferred_init"]), ["trusted", "plugin_init", "skill_init", "mcp_prefetch", "session_hooks"]);
    let steps = v["startup_steps"].as_array().unwrap();
    assert_eq!(steps.len(), 6);
    assert_eq!(steps[0], "start top-level prefetch side effects");
}

#[test]
fn zero_totals_give_ratio_zero_and_fail_a_positive_gate() {
    let (ws, rd) = (rust_workspace(), reference_data(0));
    let (code, v) = claw_json(ws.path(), rd.path(), "parity-audit", &["--fail-under", "0.1"]);
    assert_eq!(v["tool_entry_ratio"], serde_json::json!({"covered": 2, "total": 0, "ratio": 0.0}));
    assert_eq!(code, 1);
    assert_eq!(v["failed_metrics"], serde_json::json!(["tool_entry_ratio"]));
    let r = claw(ws.path(), rd.path(), &["parity-audit", "--fail-under", "0.1"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        format!("{NO_ARCHIVE}\nCoverage gate: failed (--fail-under 0.1)\n- tool_entry_ratio: 2/0 is below 0.1\n")
    );
}

/// Run claw in `cwd` with neither `CLAW_REFERENCE_DATA` nor `CLAW_WORKSPACE` set.
fn claw_without_data_env(cwd: &Path, args: &[&str]) -> Run {
    Run::of(support::claw_in(cwd).args(args))
}

/// A checkout of the reference harness carries its inventories in
/// `src/reference_data/`; claw run there reads them, as the reference does.
#[test]
fn a_checkout_s_own_reference_data_is_the_inventory() {
    let ws = python_workspace();
    let own = reference_data(4);
    for f in ["commands_snapshot.json", "tools_snapshot.json", "archive_surface_snapshot.json"] {
        let body = std::fs::read_to_string(own.path().join(f)).unwrap();
        ws.file(&format!("src/reference_data/{f}"), &body);
    }
    let ws_str = ws.path().to_str().unwrap();
    let elsewhere = Scratch::new();
    for (cwd, extra) in [(ws.path(), vec![]), (elsewhere.path(), vec!["--workspace", ws_str])] {
        let mut args = vec!["commands"];
        args.extend(&extra);
        let r = claw_without_data_env(cwd, &args);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""));
        assert!(r.stdout.starts_with("Command entries: 12\n\n- cmd00 — cmds/cmd00.ts\n"), "{}", r.stdout);
        let mut args = vec!["summary"];
        args.extend(&extra);
        let r = claw_without_data_env(cwd, &args);
        assert!(r.stdout.contains("\nCommand surface: 12 mirrored entries\n"), "{}", r.stdout);
        assert!(r.stdout.contains("\nTool surface: 2 mirrored entries\n"), "{}", r.stdout);
    }
    // CLAW_REFERENCE_DATA still wins over the workspace's own directory.
    let other = Scratch::new();
    other.file("commands_snapshot.json", &entries("other", 3));
    other.file("tools_snapshot.json", &entries("tool", 1));
    let r = claw_in(ws.path(), other.path(), &["commands"], None);
    assert!(r.stdout.starts_with("Command entries: 3\n\n- other00 — others/other00.ts\n"), "{}", r.stdout);
    // A broken snapshot in the workspace is a typed error naming that file.
    ws.file("src/reference_data/commands_snapshot.json", "[{\"name\": 1}]");
    let r = claw_without_data_env(ws.path(), &["commands", "--output-format", "json"]);
    assert_eq!((r.code, r.stderr.as_str()), (1, ""));
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "reference_data_invalid");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains(&format!("{ws_str}/src/reference_data/commands_snapshot.json")), "{message}");
}

/// Without a command snapshot in `src/reference_data/` the embedded inventory is used.
#[test]
fn without_a_command_snapshot_the_embedded_inventory_is_used() {
    let ws = python_workspace();
    ws.file("src/reference_data/tools_snapshot.json", "not json");
    let embedded = claw_without_data_env(Scratch::new().path(), &["commands", "--limit", "3"]);
    let here = claw_without_data_env(ws.path(), &["commands", "--limit", "3"]);
    assert_eq!((here.code, here.stderr.as_str()), (0, ""));
    assert_eq!(here.stdout, embedded.stdout);
    assert!(here.stdout.starts_with("Command entries: 11\n"), "{}", here.stdout);
}

/// A workspace that is missing or not a directory is an error, not an empty report.
#[test]
fn a_missing_workspace_is_a_typed_error() {
    let rd = reference_data(4);
    let base = Scratch::new();
    base.file("plain-file", "");
    let missing = base.path().join("missing");
    let file = base.path().join("plain-file");
    for (ws, problem) in [(&missing, "No such file or directory"), (&file, "not a directory")] {
        let ws_str = ws.to_str().unwrap();
        for command in ["manifest", "subsystems", "summary", "setup-report", "parity-audit"] {
            let r = claw(ws, rd.path(), &[command]);
            assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{command}");
            assert_eq!(r.stderr, format!("error: workspace {ws_str}: {problem}\n"));
            let (code, v) = claw_json(ws, rd.path(), command, &[]);
            assert_eq!(code, 1);
            assert_eq!(v["error"]["kind"], "workspace_invalid");
            assert_eq!(v["error"]["message"], format!("workspace {ws_str}: {problem}"));
        }
        let r = claw_in(base.path(), rd.path(), &["bootstrap", "hi"], Some(ws));
        assert_eq!(r.code, 1, "bootstrap reports on the workspace too");
        assert_eq!(r.stderr, format!("error: workspace {ws_str}: {problem}\n"));
    }
}
