//! Hostile input from outside argv's grammar: a closed stdout, non-UTF-8
//! argv, huge prompts, broken `CLAW_REFERENCE_DATA`, and deny lists.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::support::{big_inventory, claw_in, envelope};

#[test]
fn closed_stdout_exits_quietly_for_every_long_listing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    big_inventory(&data, 20_000);
    let long = [
        vec!["commands", "--limit", "100000"],
        vec!["tools", "--limit", "100000"],
        vec!["command-graph", "--output-format", "json"],
        vec!["tool-pool", "--output-format", "json"],
        vec!["route", "entry group", "--limit", "100000"],
        vec!["commands", "--limit", "100000", "--output-format", "json"],
    ];
    for args in long {
        let mut child = claw_in(tmp.path())
            .args(&args)
            .env("CLAW_REFERENCE_DATA", &data)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        // The reader is dropped here: stdout is closed after one line, like `| head -1`.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!first.is_empty(), "{args:?}");
        assert!(stderr.is_empty(), "{args:?} wrote to stderr: {stderr}");
        assert!(matches!(out.status.code(), Some(0..=2)), "{args:?}: {:?}", out.status);
    }
}

/// A stdout closed before claw starts (`claw … >&-`) is a failure with a
/// line on stderr, never an answer silently written nowhere with exit 0.
#[cfg(target_os = "linux")]
#[test]
fn stdout_closed_at_start_is_an_error() {
    use crate::support::BIN;
    let tmp = tempfile::tempdir().unwrap();
    for format in ["text", "json"] {
        let out = std::process::Command::new("sh")
            .current_dir(tmp.path())
            .args(["-c", "exec \"$0\" summary --output-format \"$1\" >&-", BIN, format])
            .env_remove("CLAW_REFERENCE_DATA")
            .env_remove("CLAW_WORKSPACE")
            .env_remove("CLAW_ROUTING")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert_eq!(stderr, "claw: cannot write output: stdout is closed\n", "{format}");
    }
    // An open stdout, even /dev/null, is still an ordinary success.
    let out = crate::support::claw_in(tmp.path()).arg("summary").stdout(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
}

/// Closed stdin and stderr are reopened on `/dev/null` at start-up, so the
/// session file claw opens cannot take their descriptors: the save lands
/// whole, and an error meant for the closed stderr goes nowhere harmlessly.
#[cfg(target_os = "linux")]
#[test]
fn stdin_and_stderr_closed_at_start_change_nothing() {
    use crate::support::BIN;
    let tmp = tempfile::tempdir().unwrap();
    let run = |script: &str| {
        std::process::Command::new("sh")
            .current_dir(tmp.path())
            .args(["-c", script, BIN])
            .env_remove("CLAW_REFERENCE_DATA")
            .env_remove("CLAW_WORKSPACE")
            .env_remove("CLAW_ROUTING")
            .output()
            .unwrap()
    };
    let saved = run("exec \"$0\" flush-transcript 'fix the bug' --session-id s --output-format json <&- 2>&-");
    assert_eq!(saved.status.code(), Some(0));
    assert_eq!(envelope(&saved)["session_id"], "s");
    let text = std::fs::read_to_string(tmp.path().join(".port_sessions/s.json")).unwrap();
    let session: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(session["messages"], serde_json::json!(["fix the bug"]));
    // A usage error writes to the closed stderr: exit 2, nothing on stdout.
    let bad = run("exec \"$0\" route --limit x <&- 2>&-");
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn non_utf8_argv_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let bad = std::ffi::OsStr::from_bytes(b"fix \xff\xfe bug");
    let out = claw_in(tmp.path()).arg("route").arg(bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("usage: claw route") && stderr.contains("not valid UTF-8"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    let out = claw_in(tmp.path()).arg("route").arg(bad).args(["--output-format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = envelope(&out);
    assert_eq!(v["error"]["kind"], "parse");
    assert!(v["error"]["message"].as_str().unwrap().contains("argument 2 is not valid UTF-8"));
}

#[test]
fn a_128_kib_prompt_goes_through_every_prompt_command() {
    let tmp = tempfile::tempdir().unwrap();
    let words = ["fix", "the", "git", "bug", "add", "dir", "review", "bash", "mcp", "tool", "caf\u{e9}", "x\u{1c}y"];
    let mut prompt = String::new();
    let mut i = 0;
    while prompt.len() < 128 * 1024 - 16 {
        prompt.push_str(words[i % words.len()]);
        prompt.push_str(&format!("{i} "));
        i += 1;
    }
    for args in [
        vec!["route", prompt.as_str()],
        vec!["bootstrap", prompt.as_str()],
        vec!["turn-loop", prompt.as_str(), "--max-turns", "3", "--continuation-prompt", prompt.as_str()],
        vec!["exec-command", "add-dir", prompt.as_str()],
        vec!["exec-tool", "BashTool", prompt.as_str()],
    ] {
        let mut full = args.clone();
        full.extend(["--output-format", "json"]);
        let out = claw_in(tmp.path()).args(&full).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", args[0]);
        let v = envelope(&out);
        assert_eq!(v["command"], args[0]);
    }
}

#[test]
fn broken_reference_data_is_a_typed_error_naming_file_and_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    std::fs::create_dir_all(&good).unwrap();
    big_inventory(&good, 3);
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let malformed = tmp.path().join("malformed");
    let wrong = tmp.path().join("wrong");
    let missing_file = tmp.path().join("missing-file");
    for d in [&malformed, &wrong, &missing_file] {
        std::fs::create_dir_all(d).unwrap();
        for f in ["commands_snapshot.json", "tools_snapshot.json", "archive_surface_snapshot.json"] {
            std::fs::copy(good.join(f), d.join(f)).unwrap();
        }
    }
    std::fs::write(malformed.join("commands_snapshot.json"), "[{\"name\": ").unwrap();
    std::fs::write(wrong.join("tools_snapshot.json"), r#"[{"name": 7, "source_hint": "a", "responsibility": "b"}]"#)
        .unwrap();
    std::fs::remove_file(missing_file.join("commands_snapshot.json")).unwrap();
    let cases = [
        (tmp.path().join("nowhere"), "route", "nowhere", "No such file"),
        (file.clone(), "route", "plain-file", "not a directory"),
        (malformed.clone(), "commands", "commands_snapshot.json", "EOF"),
        (wrong.clone(), "route", "tools_snapshot.json", "invalid type"),
        (missing_file.clone(), "show-command", "commands_snapshot.json", "No such file"),
    ];
    for (dir, command, file_part, problem) in cases {
        let arg = if command == "route" || command == "show-command" { "x" } else { "--limit=1" };
        let out = claw_in(tmp.path()).args([command, arg]).env("CLAW_REFERENCE_DATA", &dir).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{dir:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(file_part) && stderr.contains(problem), "{dir:?}: {stderr}");
        let out = claw_in(tmp.path())
            .args([command, arg, "--output-format", "json"])
            .env("CLAW_REFERENCE_DATA", &dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let v = envelope(&out);
        assert_eq!(v["error"]["kind"], "reference_data_invalid");
        assert_eq!(v["exit_code"], 1);
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(file_part) && msg.contains(problem), "{msg}");
    }
}

#[test]
fn deny_lists_refuse_tools_and_become_permission_denials() {
    let tmp = tempfile::tempdir().unwrap();
    let out =
        claw_in(tmp.path()).args(["exec-tool", "FileReadTool", "x", "--deny-tool", "filereadtool"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Permission denied for mirrored tool 'FileReadTool'.\n");
    let out = claw_in(tmp.path())
        .args(["exec-tool", "FileReadTool", "x", "--deny-prefix", "FILE", "--output-format", "json"])
        .output()
        .unwrap();
    let v = envelope(&out);
    assert_eq!(
        (v["handled"].clone(), v["error"]["kind"].clone(), v["exit_code"].clone()),
        (false.into(), "permission_denied".into(), 1.into())
    );
    let out = claw_in(tmp.path())
        .args(["route", "file read tool", "--deny-prefix", "file", "--output-format", "json"])
        .output()
        .unwrap();
    let v = envelope(&out);
    let denied: Vec<&str> =
        v["permission_denials"].as_array().unwrap().iter().map(|d| d["tool_name"].as_str().unwrap()).collect();
    assert!(denied.contains(&"FileReadTool"), "{v}");
    let out =
        claw_in(tmp.path()).args(["turn-loop", "file read tool", "--deny-tool", "FileReadTool"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Permission denials: 0"), "{text}");
    let out =
        claw_in(tmp.path()).args(["bootstrap", "file read tool", "--deny-tool", "FileReadTool"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("'type': 'permission_denial'"));
    // Without deny lists the reference's output is unchanged.
    let out = claw_in(tmp.path()).args(["route", "file read tool", "--output-format", "json"]).output().unwrap();
    assert!(envelope(&out).get("permission_denials").is_none());
}

#[test]
fn reference_data_over_the_size_bound_is_refused_unread() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    big_inventory(&data, 1);
    // A sparse file just over 1 GiB: refused from its metadata, never read.
    let f = std::fs::OpenOptions::new().write(true).open(data.join("tools_snapshot.json")).unwrap();
    f.set_len((1 << 30) + 1).unwrap();
    let out = claw_in(tmp.path())
        .args(["route", "x", "--output-format", "json"])
        .env("CLAW_REFERENCE_DATA", &data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = envelope(&out);
    assert_eq!(v["error"]["kind"], "reference_data_invalid");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("tools_snapshot.json") && msg.contains("over the 1073741824 byte limit"), "{msg}");
}
