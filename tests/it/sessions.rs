//! The session store beyond the reference: atomic writes, concurrency,
//! hostile ids refused before any file-system access, typed load errors,
//! and unusable directories.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{self, envelope};

fn claw(dir: &Path, args: &[&str]) -> Output {
    support::claw_in(dir).args(args).output().expect("claw runs")
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn hostile_ids_are_refused_before_touching_the_file_system() {
    let tmp = scratch();
    let work = tmp.path().join("work");
    std::fs::create_dir_all(work.join(".port_sessions")).unwrap();
    let outside = tmp.path().join("x.json");
    std::fs::write(&outside, r#"{"session_id": "x", "messages": [], "input_tokens": 1, "output_tokens": 2}"#).unwrap();
    for (args, status) in [
        (vec!["load-session", "../../x", "--output-format", "json"], "loaded"),
        (vec!["delete-session", "../../x", "--output-format", "json"], "deleted"),
        (vec!["flush-transcript", "hi", "--session-id", "../../y", "--output-format", "json"], "flushed"),
    ] {
        let out = claw(&work, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let v = envelope(&out);
        assert_eq!(v["error"]["kind"], "invalid_session_id", "{args:?}");
        assert_eq!(v[status], false);
        assert_eq!(v["exit_code"], 1);
    }
    assert!(outside.exists(), "delete-session ../x must not delete outside the store");
    assert!(!tmp.path().join("y.json").exists(), "flush-transcript must not write outside the store");
    assert!(entries(&work.join(".port_sessions")).is_empty());
    for bad in ["", "/", "a/b", "./a", &"x".repeat(256)] {
        let out = claw(&work, &["load-session", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("error: invalid session id"), "{bad:?}");
    }
}

#[test]
fn dot_ids_and_backslashes_are_plain_file_names_in_the_store() {
    // The reference stores `.`, `..` and `a\b` as `..json`, `...json` and `a\b.json`.
    let tmp = scratch();
    for id in [".", "..", "a\\b"] {
        let out = claw(tmp.path(), &["flush-transcript", "hi", "--session-id", id]);
        assert_eq!(out.status.code(), Some(0), "{id:?}: {}", String::from_utf8_lossy(&out.stdout));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!(".port_sessions/{id}.json\nflushed=True\n"));
        let out = claw(tmp.path(), &["load-session", id]);
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("{id}\n1 messages\nin=1 ")), "{id:?}");
    }
    assert_eq!(entries(&tmp.path().join(".port_sessions")), ["...json", "..json", "a\\b.json"]);
    let out = claw(tmp.path(), &["list-sessions"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), ".\n..\na\\b\n");
    for id in [".", "..", "a\\b"] {
        let out = claw(tmp.path(), &["delete-session", id]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("deleted: {id}\n"));
    }
    assert!(entries(&tmp.path().join(".port_sessions")).is_empty());
}

#[test]
fn malformed_session_files_are_typed_load_failures() {
    let tmp = scratch();
    let store = tmp.path().join(".port_sessions");
    std::fs::create_dir_all(&store).unwrap();
    let cases = [
        ("notjson", "{not json", "not valid JSON"),
        ("missing", r#"{"session_id": "m", "messages": [], "input_tokens": 1}"#, "'output_tokens'"),
        ("wrongtype", r#"{"session_id": "w", "messages": "abc", "input_tokens": 1, "output_tokens": 2}"#, "'messages'"),
        (
            "badcount",
            r#"{"session_id": "b", "messages": [], "input_tokens": "1", "output_tokens": 2}"#,
            "'input_tokens'",
        ),
    ];
    for (id, body, needle) in cases {
        std::fs::write(store.join(format!("{id}.json")), body).unwrap();
        let out = claw(tmp.path(), &["load-session", id, "--output-format", "json"]);
        assert_eq!(out.status.code(), Some(1));
        let v = envelope(&out);
        assert_eq!(v["error"]["kind"], "session_load_failed", "{id}");
        assert_eq!(v["error"]["retryable"], true);
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle) && msg.contains(&format!("{id}.json")), "{id}: {msg}");
    }
}

#[test]
fn unusable_directories_give_typed_errors() {
    let tmp = scratch();
    std::fs::write(tmp.path().join("afile"), "x").unwrap();
    let out = claw(tmp.path(), &["flush-transcript", "hi", "--directory", "afile/sub", "--output-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = envelope(&out);
    assert_eq!(v["error"]["kind"], "session_save_failed");
    assert_eq!(v["flushed"], false);
    let out = claw(tmp.path(), &["flush-transcript", "hi", "--directory", "afile/sub"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("error: cannot create session directory"));
    // bootstrap persists too: a file where the store should be is an error, not a panic.
    std::fs::write(tmp.path().join(".port_sessions"), "x").unwrap();
    let out = claw(tmp.path(), &["bootstrap", "hello", "--output-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(envelope(&out)["error"]["kind"], "session_save_failed");
}

/// Start 20 `flush-transcript` processes at once (prompt and id from `args(i)`) and wait for all.
fn flush_concurrently(dir: &Path, args: impl Fn(usize) -> (String, String)) {
    let children: Vec<_> = (0..20)
        .map(|i| {
            let (prompt, id) = args(i);
            support::claw_in(dir)
                .args(["flush-transcript", &prompt, "--session-id", &id])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
}

#[test]
fn twenty_concurrent_flushes_of_distinct_ids_all_land() {
    let tmp = scratch();
    flush_concurrently(tmp.path(), |i| (format!("prompt {i}"), format!("s{i:02}")));
    let want: Vec<String> = (0..20).map(|i| format!("s{i:02}.json")).collect();
    assert_eq!(entries(&tmp.path().join(".port_sessions")), want);
    let out = claw(tmp.path(), &["list-sessions", "--output-format", "json"]);
    assert_eq!(envelope(&out)["count"], 20);
}

#[test]
fn twenty_concurrent_flushes_of_one_id_leave_one_valid_file() {
    let tmp = scratch();
    flush_concurrently(tmp.path(), |i| ("word ".repeat(i * 20 + 1), "same".to_string()));
    assert_eq!(entries(&tmp.path().join(".port_sessions")), ["same.json"], "no temp files left behind");
    let out = claw(tmp.path(), &["load-session", "same", "--output-format", "json"]);
    let v = envelope(&out);
    assert_eq!(v["loaded"], true);
    assert_eq!(v["messages_count"], 1);
}

#[test]
fn readers_never_see_a_torn_file_while_a_writer_rewrites_it() {
    let tmp = scratch();
    let big = "word ".repeat(300);
    let writer = {
        let dir: PathBuf = tmp.path().to_path_buf();
        let big = big.clone();
        std::thread::spawn(move || {
            for i in 0..40 {
                let prompt = if i % 2 == 0 { big.as_str() } else { "short" };
                let out = claw(&dir, &["flush-transcript", prompt, "--session-id", "live"]);
                assert!(out.status.success());
            }
        })
    };
    let mut loads = 0;
    while !writer.is_finished() {
        let out = claw(tmp.path(), &["load-session", "live", "--output-format", "json"]);
        let v = envelope(&out);
        if v["loaded"] == true {
            loads += 1;
        } else {
            assert_eq!(v["error"]["kind"], "session_not_found", "a reader saw a torn file: {v}");
        }
    }
    writer.join().unwrap();
    assert!(loads > 0);
    assert_eq!(entries(&tmp.path().join(".port_sessions")), ["live.json"]);
}

#[test]
fn temp_files_are_never_listed_and_delete_is_idempotent() {
    let tmp = scratch();
    let store = tmp.path().join(".port_sessions");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::write(store.join(".claw-tmp-1-0-0"), "{").unwrap();
    std::fs::write(store.join("notes.txt"), "x").unwrap();
    assert!(claw(tmp.path(), &["flush-transcript", "a", "--session-id", "kept"]).status.success());
    let out = claw(tmp.path(), &["list-sessions", "--output-format", "json"]);
    assert_eq!(envelope(&out)["sessions"], serde_json::json!(["kept"]));
    let first = envelope(&claw(tmp.path(), &["delete-session", "kept", "--output-format", "json"]));
    let second = claw(tmp.path(), &["delete-session", "kept", "--output-format", "json"]);
    assert_eq!(first["status"], "deleted");
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(envelope(&second)["status"], "not_found");
}

#[test]
fn sessions_written_by_the_reference_load_and_ours_match_its_format() {
    let tmp = scratch();
    assert!(claw(tmp.path(), &["flush-transcript", "hello world", "--session-id", "alpha"]).status.success());
    let text = std::fs::read_to_string(tmp.path().join(".port_sessions/alpha.json")).unwrap();
    assert_eq!(
        text,
        "{\n  \"session_id\": \"alpha\",\n  \"messages\": [\n    \"hello world\"\n  ],\n  \"input_tokens\": 2,\n  \"output_tokens\": 12\n}"
    );
}

#[test]
fn an_empty_directory_option_means_the_default_store() {
    let tmp = scratch();
    let out =
        claw(tmp.path(), &["flush-transcript", "x", "--session-id", "e", "--directory", "", "--output-format", "json"]);
    assert_eq!(envelope(&out)["path"], ".port_sessions/e.json");
    let out = claw(tmp.path(), &["load-session", "ghost", "--directory", "", "--output-format", "json"]);
    assert_eq!(envelope(&out)["error"]["directory"], ".port_sessions");
    std::fs::write(tmp.path().join(".port_sessions/.json"), "{}").unwrap();
    let out = claw(tmp.path(), &["list-sessions", "--directory", "", "--output-format", "json"]);
    assert_eq!(envelope(&out)["sessions"], serde_json::json!([".json", "e"]));
}
