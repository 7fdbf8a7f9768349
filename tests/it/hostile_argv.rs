//! Generated invocations: every subcommand driven with random argv (flags,
//! abbreviations, repeats, unicode, control characters, empty strings, huge
//! numbers), in process.  Never a panic; exit code 0, 1 or 2; in JSON mode
//! stdout is exactly one JSON object whose `exit_code` is the exit code and
//! stderr is empty.
//!
//! `PROPTEST_CASES=200000 cargo test --release --test it hostile_argv` runs more.

use std::ffi::OsString;
use std::process::Command;

use claw::cli::spec;
use proptest::prelude::*;

/// The spec's commands, and two that do not exist.
fn commands() -> Vec<&'static str> {
    spec::COMMANDS.iter().map(|c| c.name).chain(["nosuch", ""]).collect()
}

/// Spellings no option has: abbreviations, unknown options, separators and
/// attached values.
const ODD_FLAGS: &[&str] = &[
    "--lim",
    "--l",
    "--no",
    "--deny",
    "--output-f",
    "--o",
    "--cwd",
    "--",
    "-",
    "-x",
    "--bogus",
    "--limit=",
    "--output-format=json",
    "--output-format=text",
];

/// Every flag the spec declares (top level and every command), then the odd
/// spellings.
fn flags() -> Vec<&'static str> {
    let declared = spec::TOP.iter().chain(spec::COMMANDS.iter().flat_map(|c| c.opts));
    let mut flags: Vec<&'static str> = declared.flat_map(|o| o.flags.iter().copied()).collect();
    flags.sort_unstable();
    flags.dedup();
    flags.extend(ODD_FLAGS);
    flags
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("json".to_string()),
        Just("text".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("99999999999999999999999999".to_string()),
        Just("../x".to_string()),
        Just("BashTool".to_string()),
        Just("add-dir".to_string()),
        Just("1e308".to_string()),
        Just("nan".to_string()),
        "[a-z ._/-]{0,12}",
        "\\PC{0,8}",
        proptest::collection::vec(any::<char>(), 0..6).prop_map(|v| v.into_iter().collect()),
        "[\\x00-\\x1f\\x7f]{1,4}",
    ]
}

fn argv() -> impl Strategy<Value = (Vec<String>, bool)> {
    let command = proptest::sample::select(commands()).prop_map(str::to_string);
    let word = prop_oneof![3 => proptest::sample::select(flags()).prop_map(str::to_string), 4 => value()];
    (command, proptest::collection::vec(word, 0..7), any::<bool>(), any::<prop::sample::Index>()).prop_map(
        |(cmd, mut rest, json, at)| {
            let mut argv = vec![cmd];
            argv.append(&mut rest);
            if json {
                let i = at.index(argv.len() + 1);
                argv.insert(i, "json".into());
                argv.insert(i, "--output-format".into());
            }
            (argv, json)
        },
    )
}

/// JSON mode for sure: the pair `--output-format json` is present and no other
/// `--output-format` spelling could win the parse (after a successful parse
/// the last parsed `--output-format` decides).
fn json_mode(argv: &[String]) -> bool {
    let pair = argv.iter().any(|a| a == "--output-format=json")
        || argv.windows(2).any(|w| w[0] == "--output-format" && w[1] == "json");
    let other = argv.iter().any(|a| a.starts_with("--o") && a != "--output-format" && a != "--output-format=json")
        || argv.windows(2).any(|w| w[0] == "--output-format" && w[1] != "json");
    pair && !other
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    fn any_argv_gets_a_clean_answer_here((raw, _) in argv()) {
        // Keep every path the run may create inside the scratch directory.
        let args: Vec<String> = raw.into_iter().map(|a| if a.starts_with('/') { format!("x{a}") } else { a }).collect();
        let mut out = Vec::new();
        let mut err = Vec::new();
        let os: Vec<OsString> = args.iter().map(OsString::from).collect();
        let code = claw::app::run(os, &mut out, &mut err);
        prop_assert!(matches!(code, 0..=2), "exit code {code} for {args:?}");
        if json_mode(&args) {
            prop_assert!(err.is_empty(), "stderr in JSON mode for {args:?}: {}", String::from_utf8_lossy(&err));
            let text = String::from_utf8(out).expect("stdout is UTF-8");
            prop_assert!(text.ends_with('\n') && text.matches('\n').count() == 1, "not one line for {args:?}: {text}");
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
            prop_assert!(v.is_object());
            prop_assert_eq!(v["exit_code"].as_i64(), Some(i64::from(code)), "{:?}", args);
        }
    }
}

/// Set in the copy of this test binary that runs the generated invocations.
const CHILD: &str = "CLAW_TEST_HOSTILE_ARGV_CHILD";

/// The invocations run in process, and `bootstrap` and `flush-transcript`
/// write their sessions into the current directory: so they run in a copy
/// of this test binary started in a scratch directory, without claw's
/// environment variables (the embedded inventory), leaving this process's
/// directory and environment as they are for the tests running beside it.
#[test]
fn any_argv_gets_a_clean_answer() {
    if std::env::var_os(CHILD).is_some() {
        any_argv_gets_a_clean_answer_here();
        return;
    }
    let scratch = tempfile::tempdir().expect("scratch dir");
    // Four levels down: a generated value has at most 12 characters, so even
    // `../../../../` stays inside the scratch directory.
    let cwd = scratch.path().join("a/b/c/d");
    std::fs::create_dir_all(&cwd).expect("scratch dir");
    let module = module_path!().split_once("::").map_or(module_path!(), |(_, m)| m);
    let name = format!("{module}::any_argv_gets_a_clean_answer");
    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .current_dir(&cwd)
        .env(CHILD, "1")
        .env_remove("CLAW_REFERENCE_DATA")
        .env_remove("CLAW_WORKSPACE")
        .env_remove("CLAW_ROUTING")
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the generated invocations failed (output above)");
    assert!(stdout.contains("test result: ok. 1 passed"), "the generated invocations did not run");
}
