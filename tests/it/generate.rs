//! `claw --generate WHAT`: shell completions and the man page, built from
//! the CLI spec by clap_complete / clap_mangen (src/generate.rs).

use claw::cli::spec;

use crate::support;

fn generate(what: &str) -> String {
    let out = support::claw().args(["--generate", what]).output().expect("run claw");
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
    assert!(text.contains("--generate"), "--generate is offered");
}

#[test]
fn zsh_completion() {
    let text = generate("complete-zsh");
    assert!(text.starts_with("#compdef claw"), "{text}");
    assert!(text.contains("(text json)"));
    assert!(text.contains("show one mirrored command entry by exact name"), "subcommand help is carried over");
    assert!(text.contains("--generate"));
}

#[test]
fn fish_completion() {
    let text = generate("complete-fish");
    assert!(text.contains("complete -c claw"), "{text}");
    for c in spec::COMMANDS {
        assert!(text.contains(&format!("-a \"{}\"", c.name)), "fish completion lacks {}", c.name);
    }
    assert!(text.contains("-l generate"));
}

#[test]
fn powershell_completion() {
    let text = generate("complete-powershell");
    assert!(text.contains("Register-ArgumentCompleter"), "{text}");
    assert!(text.contains("'claw;exec-tool'"));
    assert!(text.contains("--generate"));
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
    assert!(text.contains("\\-\\-generate"), "--generate is documented");
}

/// The section headings of a man page, in order.
fn headings(page: &str) -> Vec<&str> {
    page.lines().filter_map(|l| l.strip_prefix(".SH ")).map(|h| h.trim_matches('"')).collect()
}

/// Roff as plain text, near enough to find phrases in: escapes undone, one
/// space between words.
fn plain(roff: &str) -> String {
    let text = roff.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "").replace("\\*(Aq", "'");
    let text = text.replace("\\fB", "").replace("\\fI", "").replace("\\fR", "");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn man_page_has_the_sections_people_look_for() {
    let page = generate("man");
    assert_eq!(
        headings(&page),
        [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "SUBCOMMANDS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
            "EXAMPLES",
            "VERSION"
        ]
    );
    let section = |name: &str| {
        let start = page.find(&format!(".SH {name}")).unwrap_or_else(|| panic!("no {name}"));
        let rest = &page[start + 4..];
        plain(&rest[..rest.find("\n.SH ").unwrap_or(rest.len())])
    };
    let exit = section("\"EXIT STATUS\"");
    for code in ["0", "1", "2"] {
        assert!(exit.contains(&format!(" {code} ")), "EXIT STATUS lacks {code}: {exit}");
    }
    assert!(section("FILES").contains(".port_sessions/"));
    assert!(section("EXAMPLES").contains("claw route \"fix the git bug\""));
}

/// The variables one source file reads by name: `var("NAME")`,
/// `var_os("NAME")`, or `var_os(CONST)` with `const CONST: &str = "NAME";` in
/// the same file.  (A lower-case argument is a name computed at run time.)
fn variables_read(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for call in ["var(", "var_os("] {
        for (i, _) in source.match_indices(call) {
            let arg = &source[i + call.len()..];
            if let Some(quoted) = arg.strip_prefix('"') {
                names.push(quoted.chars().take_while(|c| *c != '"').collect());
                continue;
            }
            let ident: String = arg.chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
            if ident.is_empty() || !arg[ident.len()..].starts_with(')') {
                continue;
            }
            let definition = format!("const {ident}: &str = \"");
            let value = source.find(&definition).map(|d| &source[d + definition.len()..]);
            names.push(value.map_or(ident.clone(), |v| v.chars().take_while(|c| *c != '"').collect()));
        }
    }
    names
}

#[test]
fn variables_read_follows_a_named_constant() {
    let source = "pub const ENV: &str = \"CLAW_X\";\nfn f() { std::env::var_os(ENV); std::env::var(\"HOME\"); std::env::var_os(name); }";
    assert_eq!(variables_read(source), ["HOME", "CLAW_X"]);
}

/// Every environment variable the source reads by name (`var("NAME")`,
/// `var_os("NAME")`) is documented under ENVIRONMENT.
#[test]
fn man_page_environment_lists_every_variable_claw_reads() {
    let page = generate("man");
    let start = page.find(".SH ENVIRONMENT").expect("ENVIRONMENT section");
    let environment = plain(&page[start..page[start..].find(".SH FILES").map_or(page.len(), |e| start + e)]);
    let mut read = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("read a source file");
            read.extend(variables_read(&source));
        }
    }
    assert!(read.iter().any(|n| n == "CLAW_REFERENCE_DATA"), "the scan finds what claw reads: {read:?}");
    assert!(read.iter().any(|n| n == "CLAW_WORKSPACE"), "{read:?}");
    for name in &read {
        assert!(environment.contains(name.as_str()), "ENVIRONMENT does not document {name}: {environment}");
    }
}

/// Every option and positional of every subcommand has a description in the
/// man page: its help line, or the man page's own words where the reference
/// declares it without help.
#[test]
fn man_page_describes_every_option() {
    let page = plain(&generate("man"));
    for o in spec::TOP.iter().chain(spec::COMMANDS.iter().flat_map(|c| c.opts.iter())) {
        let text = claw::described(o);
        assert!(!text.is_empty(), "{} has no description", o.flags[0]);
        assert!(page.contains(text), "the man page lacks {}'s description {text:?}", o.flags[0]);
    }
}

#[test]
fn json_mode_wraps_the_generated_text() {
    let out =
        support::claw().args(["--generate", "complete-fish", "--output-format", "json"]).output().expect("run claw");
    let v = support::envelope(&out);
    assert_eq!(v["command"], "claw");
    assert_eq!(v["complete-fish"].as_str(), Some(generate("complete-fish").as_str()));
}
