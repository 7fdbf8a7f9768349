//! Byte parity with the reference in the classes the differential tester
//! (tools/difftest.py) found: output-format resolution, the parse-error
//! envelope's command, CPython's int()/float() and Unicode 14.0 database,
//! argparse's negative-number test, NaN timeouts and textwrap's hyphens.

use std::process::{Command, Output};

fn claw(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("CLAW_REFERENCE_DATA")
        .env_remove("CLAW_WORKSPACE")
        .output()
        .expect("claw runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

fn envelope(out: &Output) -> serde_json::Value {
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
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
