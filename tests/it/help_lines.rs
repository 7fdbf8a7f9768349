//! `-h` on every command: each claw-only option has a help line, and the
//! options the reference declares keep the reference's help text.
//!
//! `CLAW_REFERENCE_CHECKOUT=DIR cargo test --test it help_lines` also compares
//! every command's option entries with `python3 -m src.main CMD -h` run in
//! DIR (skipped with a printed reason when the variable is unset).

use std::process::Command;

use crate::support;

use claw::cli::spec;

/// The options the reference declares without help text: `(command, flag)`.
/// Every other option (claw's own, or the reference's with help) must show a
/// help line.
const REFERENCE_WITHOUT_HELP: &[(&str, &str)] = &[
    ("command-graph", "--output-format"),
    ("tool-pool", "--output-format"),
    ("bootstrap-graph", "--output-format"),
    ("subsystems", "--limit"),
    ("commands", "--limit"),
    ("commands", "--query"),
    ("commands", "--no-plugin-commands"),
    ("commands", "--no-skill-commands"),
    ("tools", "--limit"),
    ("tools", "--query"),
    ("tools", "--simple-mode"),
    ("tools", "--no-mcp"),
    ("tools", "--deny-tool"),
    ("tools", "--deny-prefix"),
    ("route", "--limit"),
    ("route", "--output-format"),
    ("bootstrap", "--limit"),
    ("bootstrap", "--output-format"),
    ("turn-loop", "--limit"),
    ("turn-loop", "--max-turns"),
    ("turn-loop", "--structured-output"),
    ("show-command", "--output-format"),
    ("show-tool", "--output-format"),
    ("exec-command", "--output-format"),
    ("exec-tool", "--output-format"),
];

fn claw_help(argv: &[&str]) -> String {
    let out = support::claw().args(argv).arg("-h").output().expect("run claw");
    assert_eq!(out.status.code(), Some(0), "claw {argv:?} -h");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The `options:` entries of argparse-style help: each invocation (`-h,
/// --help`, `--limit LIMIT`) with its help text, words joined by one space.
/// Wrapping and column widths do not matter here; the words do.
fn entries(help: &str) -> Vec<(String, String)> {
    let Some(start) = help.find("\noptions:\n") else { return Vec::new() };
    let mut out: Vec<(String, String)> = Vec::new();
    for line in help[start + 10..].lines() {
        if let Some(entry) = line.strip_prefix("  ")
            && !entry.starts_with(' ')
        {
            // The invocation ends at the first run of two spaces.
            let (head, text) = entry.split_once("  ").unwrap_or((entry, ""));
            out.push((head.to_string(), text.trim().to_string()));
        } else if let Some(last) = out.last_mut() {
            let joined = format!("{} {}", last.1, line.trim());
            last.1 = joined.trim().to_string();
        }
    }
    out
}

#[test]
fn every_claw_only_option_has_a_help_line() {
    for (name, flag) in REFERENCE_WITHOUT_HELP {
        let declared =
            spec::COMMANDS.iter().filter(|c| c.name == *name).flat_map(|c| c.opts).any(|o| o.flags.contains(flag));
        assert!(declared, "REFERENCE_WITHOUT_HELP names {name} {flag}, which the spec does not declare");
    }
    let mut failures = Vec::new();
    let commands = std::iter::once((None, spec::TOP)).chain(spec::COMMANDS.iter().map(|c| (Some(c.name), c.opts)));
    for (name, opts) in commands {
        let argv: Vec<&str> = name.into_iter().collect();
        let shown = entries(&claw_help(&argv));
        for o in opts.iter().filter(|o| !o.hidden) {
            let flag = o.flags[o.flags.len() - 1];
            let bare = name.is_some_and(|n| REFERENCE_WITHOUT_HELP.contains(&(n, flag)));
            let Some((_, text)) =
                shown.iter().find(|(head, _)| head.split(", ").any(|f| f.split(' ').next() == Some(flag)))
            else {
                failures.push(format!("{} -h does not list {flag}", name.unwrap_or("claw")));
                continue;
            };
            if bare && !text.is_empty() {
                failures
                    .push(format!("{} {flag}: the reference prints no help, claw prints {text:?}", name.unwrap_or("")));
            }
            if !bare && text.is_empty() {
                failures.push(format!("{} {flag} has no help line", name.unwrap_or("claw")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn entries_reads_wrapped_help() {
    let help = "usage: x\n\noptions:\n  -h, --help   show this\n  --limit LIMIT\n  --long-one LONG_ONE\n                 first part\n                 second part\n";
    assert_eq!(
        entries(help),
        [
            ("-h, --help".to_string(), "show this".to_string()),
            ("--limit LIMIT".to_string(), String::new()),
            ("--long-one LONG_ONE".to_string(), "first part second part".to_string()),
        ]
    );
}

#[test]
fn the_reference_help_entries_are_unchanged() {
    let Some(dir) = support::reference_checkout() else { return };
    assert!(dir.join("src/main.py").is_file(), "{} holds no src/main.py", dir.display());
    let mut failures = Vec::new();
    let names = std::iter::once(None).chain(spec::COMMANDS.iter().map(|c| Some(c.name)));
    for name in names {
        let argv: Vec<&str> = name.into_iter().collect();
        let out = Command::new("python3")
            .args(["-m", "src.main"])
            .args(&argv)
            .arg("-h")
            .current_dir(&dir)
            .env("COLUMNS", "80")
            .output()
            .expect("run python3");
        let reference = entries(&String::from_utf8_lossy(&out.stdout));
        assert!(!reference.is_empty(), "python3 -m src.main {argv:?} -h printed no options");
        let ours = entries(&claw_help(&argv));
        for entry in &reference {
            if !ours.contains(entry) {
                failures.push(format!("{}: reference {entry:?}, claw {ours:?}", name.unwrap_or("claw")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
