//! Byte parity with the reference in the classes the differential tester
//! (tools/difftest.py) found: output-format resolution, the parse-error
//! envelope's command, CPython's int()/float() and Unicode 14.0 database,
//! argparse's negative-number test, NaN timeouts and textwrap's hyphens.

use std::process::Output;

use crate::support::{self, envelope};

fn claw(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    support::claw_in(dir.path()).args(args).output().expect("claw runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

#[test]
fn after_a_successful_parse_the_last_output_format_wins() {
    for args in [
        &["route", "x", "--output-format", "json", "--output-format", "text"][..],
        &["bootstrap-graph", "--output-format=json", "--output-format", "text"],
        &["show-tool", "--output-format", "json", "--output-f=text", "BashTool"],
    ] {
        let out = claw(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!stdout(&out).starts_with('{'), "{args:?} answered in JSON: {}", stdout(&out));
    }
    let out = claw(&["route", "x", "--output-format", "text", "--output-format", "json"]);
    assert_eq!(envelope(&out)["command"], "route");
    // A parse error still answers in JSON when the pair is anywhere.
    let out = claw(&["route", "x", "--output-format", "json", "--output-format", "text", "--bogus"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(envelope(&out)["error"]["kind"], "parse");
}

#[test]
fn a_parse_error_names_the_first_word_or_missing() {
    for (args, want) in [
        (&["--bogus", "route", "x", "--output-format", "json"][..], "<missing>"),
        (&["-", "list-sessions", "--output-format", "json", "-x"], "<missing>"),
        (&["--output-format=json", "exec-tool", "a", "b", "--output-format=text"], "<missing>"),
        (&["nosuch", "--output-format", "json"], "nosuch"),
        (&["route", "--output-format", "json"], "route"),
    ] {
        let v = envelope(&claw(args));
        assert_eq!(v["command"], want, "{args:?}");
        assert_eq!(v["error"]["target"], want, "{args:?}");
    }
}

fn parse_error(args: &[&str]) -> String {
    let mut argv = args.to_vec();
    argv.extend(["--output-format", "json"]);
    let v = envelope(&claw(&argv));
    assert_eq!(v["error"]["kind"], "parse", "{args:?}");
    v["error"]["message"].as_str().expect("a message").to_string()
}

#[test]
fn repr_escapes_characters_assigned_after_unicode_14() {
    // Garay (16.0) and Nag Mundari (15.0) are unprintable in CPython 3.11's database.
    assert_eq!(
        parse_error(&["route", "x", "--limit", "\u{10d40}"]),
        "argument --limit: invalid int value: '\\U00010d40'"
    );
    assert_eq!(
        parse_error(&["route", "x", "--limit", "\u{1e4f3}"]),
        "argument --limit: invalid int value: '\\U0001e4f3'"
    );
    assert_eq!(
        parse_error(&["route", "x", "--limit", "\u{1fae0}x"]),
        "argument --limit: invalid int value: '\u{1fae0}x'"
    );
}

#[test]
fn int_and_float_accept_what_cpython_accepts() {
    for ok in ["\u{ff15}", "\u{663}", "\u{85}5", "5\u{3000}", " 5\n", "1_0", "\u{661}_\u{662}"] {
        let v = envelope(&claw(&["route", "x", "--limit", ok, "--output-format", "json"]));
        assert!(v["limit"].is_i64(), "{ok:?}: {v}");
    }
    for bad in ["\x1c5", "5\x1f", "\u{1d}5", "5\u{200b}", "\u{11f53}", "1e5", "1__0"] {
        assert!(parse_error(&["route", "x", "--limit", bad]).contains("invalid int value"), "{bad:?}");
    }
    for (ok, want) in [("\u{663}.\u{665}", 3.5), ("\u{3000}2e\u{661} ", 20.0), ("\u{85}1_0.5", 10.5)] {
        let v = envelope(&claw(&["turn-loop", "x", "--timeout-seconds", ok, "--output-format", "json"]));
        assert_eq!(v["timeout_seconds"].as_f64(), Some(want), "{ok:?}");
    }
    for bad in ["\x1c1", "1\x1f", "\u{221e}", "\u{1e4f3}"] {
        assert!(parse_error(&["turn-loop", "x", "--timeout-seconds", bad]).contains("invalid float value"), "{bad:?}");
    }
}

#[test]
fn negative_numbers_in_any_script_are_positionals() {
    let v = envelope(&claw(&["route", "-\u{663}", "--output-format", "json"]));
    assert_eq!(v["prompt"], "-\u{663}");
    let v = envelope(&claw(&["exec-command", "-\u{ff15}", "-\u{1813}.5", "--output-format", "json"]));
    assert_eq!((v["name"].as_str(), v["prompt"].as_str()), (Some("-\u{ff15}"), Some("-\u{1813}.5")));
    // A digit assigned after Unicode 14 is no digit: an unknown option.
    assert_eq!(parse_error(&["route", "x", "-\u{1e4f3}"]), "unrecognized arguments: -\u{1e4f3}");
}

#[test]
fn a_nan_timeout_times_out_the_second_turn() {
    let args = ["turn-loop", "x", "--timeout-seconds", "nan", "--continuation-prompt", "y", "--max-turns", "3"];
    let out = claw(&args);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let stops: Vec<&str> = text.lines().filter(|l| l.starts_with("stop_reason=")).collect();
    assert_eq!(stops, ["stop_reason=completed", "stop_reason=timeout"], "{text}");
    // One turn only: nothing to time out.
    assert_eq!(claw(&["turn-loop", "x", "--timeout-seconds", "nan"]).status.code(), Some(0));
}

#[test]
fn help_wraps_after_hyphens_as_textwrap() {
    let text = stdout(&claw(&["-h"]));
    assert!(text.contains("(#160/#165: claw-\n                        native session API)"), "{text}");
    assert!(text.contains("idempotent, race-\n                        safe)"), "{text}");
}

#[test]
fn list_sessions_shows_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join(".port_sessions");
    std::fs::create_dir_all(&store).unwrap();
    for name in [&b"\xff\xfe.json"[..], b"ok\xe9.json", b"a.json"] {
        std::fs::write(store.join(std::ffi::OsStr::from_bytes(name)), "{}").unwrap();
    }
    let run = |args: &[&str]| support::claw_in(dir.path()).args(args).output().expect("claw runs");
    // Text: the names' own bytes, as Python's surrogateescape stdout writes them.
    assert_eq!(run(&["list-sessions"]).stdout, b"a\nok\xe9\n\xff\xfe\n");
    // JSON: escaped as json.dumps escapes the surrogates (Python's json reads
    // lone surrogates back; strict parsers may not).
    let out = run(&["list-sessions", "--output-format", "json"]);
    assert!(out.stderr.is_empty());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with("\"sessions\": [\"a\", \"ok\\udce9\", \"\\udcff\\udcfe\"], \"count\": 3}\n"), "{text}");
}
