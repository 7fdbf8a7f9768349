//! Nothing hangs, nothing grows without bound, nothing is left behind, no
//! failure is silent: special files, huge and endless files, symlinks out of
//! the store, killed writers, file modes, long ids, resource limits, broken
//! or non-blocking stdout, exact numbers, lone surrogates, long argv.
//!
//! A child that should finish is waited for with a generous deadline and
//! killed past it: that guards against hangs; it measures no speed.

#![cfg(unix)]

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{self, DEADLINE, claw_in, envelope, finish, wait_or_kill};

fn run(dir: &Path, args: &[&str]) -> Output {
    let mut c = claw_in(dir);
    c.args(args);
    finish(c)
}

fn load_error(dir: &Path, id: &str) -> String {
    let out = run(dir, &["load-session", id, "--directory", "s", "--output-format", "json"]);
    let v = envelope(&out);
    assert_eq!(v["error"]["kind"], "session_load_failed", "{v}");
    v["error"]["message"].as_str().unwrap().to_string()
}

fn temp_files(store: &Path) -> Vec<String> {
    std::fs::read_dir(store)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()))
        .into_iter()
        .flatten()
        .filter(|n| !n.ends_with(".json"))
        .collect()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

#[test]
fn special_files_in_the_store_and_workspace_never_block() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    std::fs::create_dir_all(s.join("dir.json")).unwrap();
    mkfifo(&s.join("fifo.json"));
    let _socket = std::os::unix::net::UnixListener::bind(s.join("sock.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", s.join("zero.json")).unwrap();
    for (id, what) in [("fifo", "a FIFO"), ("sock", "a socket"), ("dir", "a directory"), ("zero", "a device")] {
        let message = load_error(tmp.path(), id);
        assert!(message.contains(&format!("is {what}, not a regular file")), "{id}: {message}");
    }
    // A FIFO where the workspace has files is not counted and not opened.
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(ws.join("src/pkg")).unwrap();
    std::fs::write(ws.join("src/a.py"), "").unwrap();
    mkfifo(&ws.join("src/pkg/b.py"));
    mkfifo(&ws.join("src/c.py"));
    let v = envelope(&run(tmp.path(), &["manifest", "--workspace", "ws", "--output-format", "json"]));
    assert_eq!(v["total_files"], 1, "{v}");
}

#[test]
fn sparse_and_endless_session_files_are_refused_within_the_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    std::fs::create_dir_all(&s).unwrap();
    let f = std::fs::File::create(s.join("sparse.json")).unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    // 256 MiB of address space is far too little to hold a 2 GiB file.
    let mut c = claw_in(tmp.path());
    c.args(["load-session", "sparse", "--directory", "s", "--output-format", "json"]);
    limit(&mut c, libc::RLIMIT_AS, 256 << 20);
    let v = envelope(&finish(c));
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("larger than the 64 MiB session file cap"), "{v}");
    // Just over the cap is refused, just under it is read.
    let f = std::fs::File::create(s.join("over.json")).unwrap();
    f.set_len((64 << 20) + 1).unwrap();
    assert!(load_error(tmp.path(), "over").contains("64 MiB"));
    let text = format!(
        r#"{{"session_id": "under", "messages": ["{}"], "input_tokens": 1, "output_tokens": 2}}"#,
        "x".repeat((64 << 20) - 100)
    );
    std::fs::write(s.join("under.json"), text).unwrap();
    let v = envelope(&run(tmp.path(), &["load-session", "under", "--directory", "s", "--output-format", "json"]));
    assert_eq!(v["messages_count"], 1, "{v}");
}

#[test]
fn symlinks_out_of_the_store_are_refused_and_ids_must_match() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    assert!(run(tmp.path(), &["flush-transcript", "hi", "--session-id", "real", "--directory", "s"]).status.success());
    std::fs::copy(s.join("real.json"), tmp.path().join("outside.json")).unwrap();
    std::os::unix::fs::symlink("../outside.json", s.join("escape.json")).unwrap();
    assert!(load_error(tmp.path(), "escape").contains("resolves outside the session store"));
    // A symlink inside the store is followed; its session_id must match.
    std::os::unix::fs::symlink("real.json", s.join("alias.json")).unwrap();
    assert_eq!(load_error(tmp.path(), "alias"), "session file 's/alias.json' holds session_id 'real', not 'alias'");
    let v = envelope(&run(tmp.path(), &["load-session", "real", "--directory", "s", "--output-format", "json"]));
    assert_eq!(v["loaded"], true);
}

/// `claw` with one resource limit lowered, set in the child before exec.
fn limit(c: &mut Command, resource: libc::__rlimit_resource_t, value: u64) {
    // SAFETY: setrlimit is async-signal-safe and touches only the child.
    unsafe {
        c.pre_exec(move || {
            let lim = libc::rlimit { rlim_cur: value, rlim_max: value };
            if libc::setrlimit(resource, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn killed_writers_leave_no_torn_file_and_no_pile_of_temp_files() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join(".port_sessions");
    let mut kills = 0;
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let start = Instant::now();
    // Time-bounded: as many kills as fit in a few seconds (at least 100).
    while kills < 100 || (start.elapsed() < Duration::from_secs(4) && kills < 2000) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut c = claw_in(tmp.path());
        if kills % 2 == 0 {
            c.args(["flush-transcript", "a prompt of several words", "--session-id", "same"]);
        } else {
            c.args(["bootstrap", "review the git diff"]);
        }
        let mut child = c.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(seed % 4000));
        let _ = child.kill();
        let _ = child.wait();
        kills += 1;
    }
    let left = temp_files(&store);
    assert!(left.len() <= 1, "{kills} kills left {left:?}");
    for entry in std::fs::read_dir(&store).into_iter().flatten().flatten() {
        let text = std::fs::read(entry.path()).unwrap();
        if entry.file_name().to_string_lossy().ends_with(".json") {
            let v: serde_json::Value = serde_json::from_slice(&text).unwrap_or_else(|e| panic!("torn file: {e}"));
            assert!(v["messages"].is_array());
        }
    }
    // The next save removes a dead writer's temp file.
    assert!(run(tmp.path(), &["flush-transcript", "x", "--session-id", "after"]).status.success());
    assert_eq!(temp_files(&store), Vec::<String>::new(), "after {kills} kills");
    eprintln!("{kills} kills, {} temp files left before the next save, 0 after, 0 torn", left.len());
}

#[test]
fn overwriting_a_session_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(".port_sessions/private.json");
    assert!(run(tmp.path(), &["flush-transcript", "secret", "--session-id", "private"]).status.success());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(run(tmp.path(), &["flush-transcript", "more secret", "--session-id", "private"]).status.success());
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&path).unwrap().contains("more secret"));
}

#[test]
fn ids_whose_file_name_passes_255_bytes_are_invalid() {
    let tmp = tempfile::tempdir().unwrap();
    let longest = "x".repeat(250);
    assert!(run(tmp.path(), &["flush-transcript", "hi", "--session-id", &longest]).status.success());
    let long = "x".repeat(251);
    for (cmd, extra) in [("flush-transcript", vec!["hi", "--session-id"]), ("load-session", vec![])] {
        let mut args = vec![cmd];
        args.extend(extra);
        args.extend([long.as_str(), "--output-format", "json"]);
        let v = envelope(&run(tmp.path(), &args));
        assert_eq!(v["error"]["kind"], "invalid_session_id", "{cmd}: {v}");
        assert_eq!(v["error"]["retryable"], false);
    }
    let v = envelope(&run(tmp.path(), &["delete-session", &long, "--output-format", "json"]));
    assert_eq!((v["deleted"].as_bool(), v["status"].as_str()), (Some(false), Some("not_found")), "{v}");
}

#[test]
fn memory_limits_give_typed_errors_not_aborts() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    std::fs::create_dir_all(&s).unwrap();
    let message = format!("\"{}\"", "word ".repeat(200));
    let text = format!(
        r#"{{"session_id": "big", "messages": [{}], "input_tokens": 1, "output_tokens": 2}}"#,
        vec![message; 50_000].join(", ")
    );
    std::fs::write(s.join("big.json"), text).unwrap();
    let data = tmp.path().join("data");
    support::big_inventory(&data, 200_000);
    for mib in [48u64, 64, 96] {
        let mut c = claw_in(tmp.path());
        c.args(["load-session", "big", "--directory", "s", "--output-format", "json"]);
        limit(&mut c, libc::RLIMIT_AS, mib << 20);
        let out = finish(c);
        assert_eq!(out.status.code(), Some(1), "{mib} MiB: {:?}", out.status);
        let v = envelope(&out);
        let e = &v["error"];
        let typed = e["kind"] == "out_of_memory" || e["message"].as_str().is_some_and(|m| m.contains("out of memory"));
        assert!(typed, "{mib} MiB: {v}");

        // `route` streams the inventories, so it needs no memory for them.
        let mut c = claw_in(tmp.path());
        c.args(["route", "entry group", "--output-format", "json"]).env("CLAW_REFERENCE_DATA", &data);
        limit(&mut c, libc::RLIMIT_AS, mib << 20);
        let v = envelope(&finish(c));
        assert_eq!(v["match_count"], 5, "{mib} MiB: {v}");
    }
    // `commands` loads the whole inventory into memory.
    for mib in [48u64, 64] {
        let mut c = claw_in(tmp.path());
        c.args(["commands", "--query", "entry", "--output-format", "json"]).env("CLAW_REFERENCE_DATA", &data);
        limit(&mut c, libc::RLIMIT_AS, mib << 20);
        let out = finish(c);
        let v = envelope(&out);
        assert_eq!(v["error"]["kind"], "out_of_memory", "{mib} MiB: {v}");
        crate::schemas::matches_its_schema(&v).unwrap_or_else(|e| panic!("{mib} MiB: {e}: {v}"));
        let mut c = claw_in(tmp.path());
        c.args(["commands", "--query", "entry"]).env("CLAW_REFERENCE_DATA", &data);
        limit(&mut c, libc::RLIMIT_AS, mib << 20);
        let out = finish(c);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: out of memory"), "{out:?}");
    }
}

#[test]
fn a_file_size_limit_is_a_typed_save_error() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = claw_in(tmp.path());
    c.args(["flush-transcript", &"word ".repeat(100), "--session-id", "capped", "--output-format", "json"]);
    limit(&mut c, libc::RLIMIT_FSIZE, 64);
    let out = finish(c);
    let v = envelope(&out);
    assert_eq!(v["error"]["kind"], "session_save_failed", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("File too large"), "{v}");
    let store = tmp.path().join(".port_sessions");
    assert_eq!(std::fs::read_dir(&store).unwrap().count(), 0, "nothing left behind");
}

#[test]
fn a_thread_that_cannot_be_spawned_means_one_thread() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::big_inventory(&data, 12_000);
    let route = |starved: bool| {
        let mut c = claw_in(tmp.path());
        c.args(["route", "entry group7", "--limit", "5", "--output-format", "json"]).env("CLAW_REFERENCE_DATA", &data);
        if starved {
            // Every new thread asks for a 4 GiB stack in 2 GiB of address space.
            c.env("RUST_MIN_STACK", (4u64 << 30).to_string());
            limit(&mut c, libc::RLIMIT_AS, 2 << 30);
        }
        let out = finish(c);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        envelope(&out)["matches"].clone()
    };
    assert_eq!(route(true), route(false));
}

/// A pipe whose write end is non-blocking, as a shared terminal or a parent
/// that set O_NONBLOCK can leave it.  Both ends are close-on-exec, so that
/// no other test's child keeps the write end open (the child under test
/// gets it as its stdout, which is not).
fn non_blocking_pipe() -> (std::fs::File, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: two fresh descriptors, each owned exactly once below.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        for fd in fds {
            assert_eq!(libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC), 0);
        }
        let flags = libc::fcntl(fds[1], libc::F_GETFL);
        assert_eq!(libc::fcntl(fds[1], libc::F_SETFL, flags | libc::O_NONBLOCK), 0);
        (std::fs::File::from_raw_fd(fds[0]), std::os::fd::OwnedFd::from_raw_fd(fds[1]))
    }
}

#[test]
fn a_non_blocking_stdout_gets_the_whole_envelope() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::big_inventory(&data, 3_000);
    let (mut read_end, write_end) = non_blocking_pipe();
    let mut c = claw_in(tmp.path());
    c.args(["commands", "--limit", "100000", "--output-format", "json"]).env("CLAW_REFERENCE_DATA", &data);
    let mut child = c.stdout(Stdio::from(write_end)).stderr(Stdio::piped()).spawn().unwrap();
    drop(c);
    // Let claw fill the pipe and meet EAGAIN before anyone reads.
    std::thread::sleep(Duration::from_millis(300));
    let mut stdout = Vec::new();
    read_end.read_to_end(&mut stdout).unwrap();
    let status = wait_or_kill(&mut child);
    let mut stderr = Vec::new();
    child.stderr.take().unwrap().read_to_end(&mut stderr).unwrap();
    assert!(stdout.len() > 64 * 1024, "{} bytes", stdout.len());
    let out = Output { status, stdout, stderr };
    let v = envelope(&out);
    assert_eq!(v["commands"].as_array().map(Vec::len), Some(3_000));
}

#[test]
fn an_unwritable_stdout_is_an_error_on_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), "").unwrap();
    let read_only = || Stdio::from(std::fs::File::open(tmp.path().join("f")).unwrap());
    let full = || Stdio::from(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
    for (name, stdout) in [("read-only", read_only()), ("/dev/full", full())] {
        let out = claw_in(tmp.path()).args(["route", "x"]).stdout(stdout).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("claw: cannot write output:"), "{name}: {stderr}");
    }
}

#[test]
fn session_counts_round_trip_exactly_or_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    std::fs::create_dir_all(&s).unwrap();
    let file = |id: &str, input: &str| {
        let text = format!(r#"{{"session_id": "{id}", "messages": [], "input_tokens": {input}, "output_tokens": 0}}"#);
        std::fs::write(s.join(format!("{id}.json")), text).unwrap();
    };
    file("max", "18446744073709551615");
    let out = run(tmp.path(), &["load-session", "max", "--directory", "s", "--output-format", "json"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"input_tokens\": 18446744073709551615,"));
    envelope(&out);
    let out = run(tmp.path(), &["load-session", "max", "--directory", "s"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("in=18446744073709551615 out=0"));
    for (id, value) in [("over", "18446744073709551616"), ("negative", "-1"), ("float", "1.5")] {
        file(id, value);
        assert!(load_error(tmp.path(), id).contains("'input_tokens' that is not an integer"), "{id}");
    }
}

#[test]
fn non_finite_floats_are_json_null() {
    let tmp = tempfile::tempdir().unwrap();
    for value in ["nan", "inf", "-inf"] {
        let out = run(tmp.path(), &["turn-loop", "x", "--timeout-seconds", value, "--output-format", "json"]);
        // serde_json, like RFC 8259, has no NaN or Infinity: this parse is the check.
        let v = envelope(&out);
        assert!(v["timeout_seconds"].is_null(), "{value}: {v}");
    }
}

#[test]
fn reference_sessions_with_lone_surrogates_load_and_resave_losslessly() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("s");
    std::fs::create_dir_all(&s).unwrap();
    // As the reference writes a prompt holding the byte 0xE9 (surrogateescape).
    let text = "{\n  \"session_id\": \"sur\",\n  \"messages\": [\n    \"caf\\udce9 \\ud83d\\ude00 \\ud800\"\n  ],\n  \"input_tokens\": 2,\n  \"output_tokens\": 3\n}";
    std::fs::write(s.join("sur.json"), text).unwrap();
    let v = envelope(&run(tmp.path(), &["load-session", "sur", "--directory", "s", "--output-format", "json"]));
    assert_eq!((v["loaded"].as_bool(), v["messages_count"].as_u64()), (Some(true), Some(1)), "{v}");
    let store = claw::Store::new(s.to_str());
    let session = store.load("sur").unwrap_or_else(|_| panic!("loads"));
    let again = claw::Store::new(tmp.path().join("t").to_str());
    let path = again.save(&session).unwrap();
    assert_eq!(std::fs::read_to_string(path).unwrap(), text);
}

#[test]
fn a_quarter_million_options_parse_in_linear_time() {
    // 260,000 options: the quadratic parser took minutes at this size, so the
    // deadline below fails without the fix; the parse itself takes well under it.
    let mut args: Vec<std::ffi::OsString> = vec!["route".into(), "review".into()];
    for i in 0..260_000 {
        args.push("--limit".into());
        args.push(((i % 7) + 1).to_string().into());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = claw::app::run(args, &mut out, &mut err);
        let _ = tx.send((code, out));
    });
    let (code, out) = rx.recv_timeout(DEADLINE).expect("parsing 260,000 options finishes");
    assert_eq!(code, 0);
    // The last `--limit` wins.
    let last = (259_999 % 7 + 1).to_string();
    let (mut once, mut err) = (Vec::new(), Vec::new());
    claw::app::run(vec!["route".into(), "review".into(), "--limit".into(), last.into()], &mut once, &mut err);
    assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(once).unwrap());
}
