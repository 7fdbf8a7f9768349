//! The reports' JSON envelopes: their fields, in order, and their values.

use super::*;

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
