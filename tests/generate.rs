//! `claw --generate WHAT`: shell completions and the man page, built from
//! the CLI spec by clap_complete / clap_mangen (src/generate.rs).

use std::process::Command;

use claw::cli::spec;

fn generate(what: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_claw")).args(["--generate", what]).output().expect("run claw");
    assert_eq!(out.status.code(), Some(0), "--generate {what} failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "--generate {what} wrote to stderr");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(!text.trim().is_empty(), "--generate {what} printed nothing");
    text
}

#[test]
fn the_reference_has_26_subcommands() {
    assert_eq!(spec::COMMANDS.len(), 26);
}

#[test]
fn bash_completion() {
    let text = generate("complete-bash");
    assert!(text.contains("complete -F") || text.contains("_claw()"), "{text}");
    for c in spec::COMMANDS {
        assert!(text.contains(c.name), "bash completion lacks {}", c.name);
    }
    assert!(text.contains("--output-format"));
    assert!(text.contains("text json"), "--output-format's choices are offered");
    assert!(!text.contains("--generate"), "--generate is hidden");
}

#[test]
fn zsh_completion() {
    let text = generate("complete-zsh");
    assert!(text.starts_with("#compdef claw"), "{text}");
    assert!(text.contains("(text json)"));
    assert!(text.contains("show one mirrored command entry by exact name"), "subcommand help is carried over");
    assert!(!text.contains("--generate"));
}

#[test]
fn fish_completion() {
    let text = generate("complete-fish");
    assert!(text.contains("complete -c claw"), "{text}");
    for c in spec::COMMANDS {
        assert!(text.contains(&format!("-a \"{}\"", c.name)), "fish completion lacks {}", c.name);
    }
    assert!(!text.contains("-l generate"));
}

#[test]
fn powershell_completion() {
    let text = generate("complete-powershell");
    assert!(text.contains("Register-ArgumentCompleter"), "{text}");
    assert!(text.contains("'claw;exec-tool'"));
    assert!(!text.contains("--generate"));
}

#[test]
fn man_page() {
    let text = generate("man");
    assert!(text.starts_with(".TH claw 1"), "{}", &text[..text.len().min(200)]);
    assert!(text.contains(".SH NAME") && text.contains(".SH SYNOPSIS") && text.contains(".SH SUBCOMMANDS"));
    assert!(text.contains(spec::DESCRIPTION));
    assert!(text.contains(env!("CARGO_PKG_VERSION")));
    for c in spec::COMMANDS {
        assert!(text.contains(&format!(".SS \"claw {}\"", c.name)), "man page lacks a section for {}", c.name);
    }
    assert!(text.contains("\\-\\-fail\\-under"), "subcommand options are documented");
    assert!(!text.contains("\\-\\-generate"), "--generate is hidden");
}

#[test]
fn json_mode_wraps_the_generated_text() {
    let out = Command::new(env!("CARGO_BIN_EXE_claw"))
        .args(["--generate", "complete-fish", "--output-format", "json"])
        .output()
        .expect("run claw");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON envelope");
    assert_eq!(v["command"], "claw");
    assert_eq!(v["complete-fish"].as_str(), Some(generate("complete-fish").as_str()));
}
