//! What the reports read: a checkout's own `src/reference_data/`, the
//! embedded inventory, and a workspace that is missing or not a directory.

use super::*;

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
