//! The reports' text, as the reference prints it.

use super::*;

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
