//! Hostile inventory overrides: whatever `CLAW_REFERENCE_DATA` names in
//! place of a snapshot file (a FIFO, a socket, a directory, a device, a
//! sparse 2 GiB file, malformed or non-UTF-8 JSON), every command that reads
//! it answers at once with the typed error naming the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support;

const COMMANDS: &str = "commands_snapshot.json";
const TOOLS: &str = "tools_snapshot.json";

/// A valid reference-data directory with `n` commands and tools.
fn inventory(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for file in [COMMANDS, TOOLS] {
        let entries: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"name": "git-entry{i}", "source_hint": "x/{i}.ts", "responsibility": "r {i}"}}"#))
            .collect();
        std::fs::write(dir.join(file), format!("[{}]", entries.join(",\n  "))).unwrap();
    }
}

/// A temporary directory holding `data/`, a valid inventory of `n` entries.
fn data_dir(n: usize) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    inventory(&data, n);
    (tmp, data)
}

/// `text` with the first `from` byte at or after `fraction` of it replaced by `to`.
fn flawed(text: &str, fraction: f64, from: u8, to: u8) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let at = (bytes.len() as f64 * fraction) as usize;
    let i = at + bytes[at..].iter().position(|&b| b == from).unwrap();
    bytes[i] = to;
    bytes
}

/// Runs claw with `data` as the override; a run that does not finish in a
/// minute is killed and fails the test (a hang, not a slow run).
fn claw(data: &Path, args: &[&str]) -> Output {
    let mut cmd = support::claw_in(data.parent().unwrap());
    cmd.args(args).env("CLAW_REFERENCE_DATA", data);
    support::finish(cmd)
}

/// `route` and the file's listing (`commands` or `tools`), in text and JSON,
/// fail with `problem` naming `file`.
fn refused(data: &Path, file: &str, problem: &str) {
    let listing = if file == COMMANDS { "commands" } else { "tools" };
    for args in [&["route", "git"][..], &[listing, "--limit", "1"][..]] {
        let out = claw(data, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(file) && stderr.contains(problem), "{args:?}: {stderr}");
        let mut json = args.to_vec();
        json.extend(["--output-format", "json"]);
        let out = claw(data, &json);
        assert_eq!(out.status.code(), Some(1));
        let v = support::envelope(&out);
        assert_eq!(v["error"]["kind"], "reference_data_invalid");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(file) && msg.contains(problem), "{msg}");
    }
}

fn replace_commands(data: &Path, make: impl FnOnce(&Path)) {
    let path = data.join(COMMANDS);
    std::fs::remove_file(&path).unwrap();
    make(&path);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let (_tmp, data) = data_dir(3);
    replace_commands(&data, |p| {
        let made = Command::new("mkfifo").arg(p).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipping: mkfifo is unavailable");
        }
    });
    if data.join(COMMANDS).exists() {
        // Nobody ever writes to the FIFO: a blocking open or read would hang.
        refused(&data, COMMANDS, "not a regular file");
    }
}

#[cfg(unix)]
#[test]
fn a_socket_a_directory_and_a_device_are_refused() {
    let (_tmp, data) = data_dir(3);
    replace_commands(&data, |p| drop(std::os::unix::net::UnixListener::bind(p).unwrap()));
    refused(&data, COMMANDS, "not a regular file");
    replace_commands(&data, |p| std::fs::create_dir(p).unwrap());
    refused(&data, COMMANDS, "not a regular file");
    std::fs::remove_dir(data.join(COMMANDS)).unwrap();
    std::fs::write(data.join(COMMANDS), "[]").unwrap();
    // /dev/zero would never end and never be valid: refused unread.
    replace_commands(&data, |p| std::os::unix::fs::symlink("/dev/zero", p).unwrap());
    refused(&data, COMMANDS, "not a regular file");
}

#[test]
fn a_sparse_two_gib_file_is_refused_unread() {
    let (_tmp, data) = data_dir(3);
    let f = std::fs::OpenOptions::new().write(true).open(data.join(COMMANDS)).unwrap();
    f.set_len(2 << 30).unwrap();
    refused(&data, COMMANDS, "over the 1073741824 byte limit");
}

#[test]
fn malformed_json_anywhere_in_a_large_file_names_the_file() {
    // Large enough that the flaw lies many read blocks into the file.
    let (_tmp, data) = data_dir(20_000);
    let good = std::fs::read_to_string(data.join(TOOLS)).unwrap();
    let cut = good.len() * 3 / 4;
    std::fs::write(data.join(TOOLS), &good[..cut]).unwrap();
    refused(&data, TOOLS, "EOF");
    std::fs::write(data.join(TOOLS), flawed(&good, 0.67, b'"', b'}')).unwrap();
    refused(&data, TOOLS, "line");
    std::fs::write(data.join(TOOLS), flawed(&good, 0.5, b'r', 0xff)).unwrap();
    refused(&data, TOOLS, "not UTF-8");
}

#[test]
fn a_valid_large_override_routes_like_the_field_scorer() {
    let (_tmp, data) = data_dir(20_000);
    let out = claw(&data, &["route", "GIT entry1999", "--limit", "3", "--output-format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = support::envelope(&out);
    let names: Vec<&str> = v["matches"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["git-entry1999", "git-entry1999", "git-entry19990"], "{v}");
}
