//! The man page, claw(1).
//!
//! NAME, SYNOPSIS, DESCRIPTION, OPTIONS, SUBCOMMANDS (every subcommand's
//! synopsis, description and options), EXIT STATUS, ENVIRONMENT, FILES,
//! EXAMPLES and VERSION.  Synopses and option lists come from the spec
//! through `clap_mangen`, so a new option appears here by itself; so does a
//! new environment variable that an option's help names as `$NAME`.

use crate::cli::spec::{self, Opt};

use super::BIN;

/// The roff preamble `roff` puts before every rendered chunk.
const APOSTROPHE_PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// One `clap_mangen` section as roff, without the preamble.
fn section(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail; should roff ever report an error, the
    // page is simply shorter.
    let _ = f(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    text.strip_prefix(APOSTROPHE_PREAMBLE).map(str::to_string).unwrap_or(text)
}

/// Plain text as roff: backslashes and hyphens escaped, and no line that
/// starts with a control character.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    escaped
        .lines()
        .map(|l| if l.starts_with(['.', '\'']) { format!("\\&{l}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A `.TP` paragraph: a bold tag, then its text.
fn tagged(tag: &str, text: &str) -> String {
    format!(".TP\n\\fB{}\\fR\n{}\n", roff(tag), roff(text))
}

const LONG_DESCRIPTION: &[&str] = &[
    "claw is one binary that mirrors the claw-code Python parity harness (python3 -m src.main) \
     command for command: the same subcommands, the same argparse behaviour and the same bytes \
     on stdout. It also goes past it: every subcommand takes --output-format json, the workspace \
     reports take --workspace, route, bootstrap, turn-loop and exec-tool can deny tools, \
     exec-tool --workspace-root confines a shell or file tool's paths, and parity-audit \
     --fail-under gates CI.",
    "With --output-format json (or the pair --output-format json anywhere in the arguments) \
     every call prints exactly one JSON object on standard output and nothing on standard \
     error, parse errors included.",
    "The command and tool inventory is compiled into the binary; CLAW_REFERENCE_DATA, or a \
     workspace's src/reference_data/ directory, replaces it (see ENVIRONMENT).",
];

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success. Deleting a session that is already gone is success too."),
    ("1", "An error, or a name that was not found; any parse error in JSON mode; a failed --fail-under gate."),
    ("2", "turn-loop ran out of --timeout-seconds; a parse error in text mode."),
];

/// Variables claw reads that no option's help names.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CLAW_REFERENCE_DATA",
        "A directory of snapshot files (commands_snapshot.json, tools_snapshot.json, \
         archive_surface_snapshot.json, subsystems/*.json) that replaces the embedded inventory. \
         When it is unset or empty, claw reads the workspace's src/reference_data/ if that holds \
         commands_snapshot.json, else the inventory compiled into the binary.",
    ),
    ("HOME", "What ~ expands to in an exec-tool payload checked against --workspace-root."),
    ("OLDPWD", "What ~- expands to in such a payload."),
    (
        "USER, LOGNAME",
        "The current user, whose home directory in /etc/passwd ~ expands to when HOME is unset or empty.",
    ),
    (
        "Any other NAME",
        "An exec-tool payload checked against --workspace-root expands $NAME and ${NAME} from the \
         environment, as the shell would (PWD is the --cwd directory).",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        ".port_sessions/",
        "Sessions, one ID.json file each, relative to the current directory: bootstrap and \
         flush-transcript write them (atomically), load-session, list-sessions and delete-session \
         read them. --directory DIR uses DIR instead.",
    ),
    ("WORKSPACE/src/", "The port root that manifest, summary, subsystems, setup-report and parity-audit report on."),
    ("WORKSPACE/src/reference_data/", "A checkout's own snapshot directory, read when CLAW_REFERENCE_DATA is unset."),
];

const EXAMPLES: &[(&str, &str)] = &[
    ("Route a prompt across the command and tool inventories:", "claw route \"fix the git bug\""),
    ("The same, as one JSON envelope:", "claw route \"fix the git bug\" --output-format json"),
    (
        "Run two turns; save a session and list the saved sessions:",
        "claw turn-loop \"review mcp\" --max-turns 2 --continuation-prompt \"go on\"\n\
         claw flush-transcript \"hello world\" --session-id alpha\n\
         claw list-sessions",
    ),
    (
        "Refuse a shell payload that reaches outside the project (exit 1):",
        "claw exec-tool BashTool \"cat ../secret\" --workspace-root .",
    ),
    ("Fail CI when parity coverage drops below 80%:", "claw parity-audit --workspace . --fail-under 0.8"),
    ("Mirror a claw-code checkout's own snapshot:", "CLAW_REFERENCE_DATA=claw-code/src/reference_data claw commands"),
    (
        "Install the bash completion and this page for the current user:",
        "mkdir -p ~/.local/share/bash-completion/completions ~/.local/share/man/man1\n\
         claw --generate complete-bash > ~/.local/share/bash-completion/completions/claw\n\
         claw --generate man > ~/.local/share/man/man1/claw.1",
    ),
];

/// Every option in the spec, top level first.
fn all_options() -> impl Iterator<Item = &'static Opt> {
    spec::TOP.iter().chain(spec::COMMANDS.iter().flat_map(|c| c.opts.iter()))
}

/// `$NAME`s that options' help text names, with the first option naming
/// each, in spec order.
pub(super) fn option_variables() -> Vec<(String, &'static Opt)> {
    let mut found: Vec<(String, &'static Opt)> = Vec::new();
    for o in all_options() {
        for (i, _) in o.help.match_indices('$') {
            let name: String = o.help[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !name.is_empty() && !found.iter().any(|(n, _)| *n == name) {
                found.push((name, o));
            }
        }
    }
    found
}

fn environment() -> String {
    let mut out = String::from(".SH ENVIRONMENT\n");
    for (name, o) in option_variables() {
        let flag = o.flags.last().copied().unwrap_or_default();
        out.push_str(&tagged(&name, &format!("Read when {flag} is not given: {}.", o.help)));
    }
    for (name, text) in ENVIRONMENT {
        out.push_str(&tagged(name, text));
    }
    out
}

fn examples() -> String {
    let mut out = String::from(".SH EXAMPLES\n");
    for (what, commands) in EXAMPLES {
        out.push_str(&format!(".PP\n{}\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE\n", roff(what), roff(commands)));
    }
    out
}

/// The man page: the top-level page, whose SUBCOMMANDS section gives every
/// subcommand its synopsis, description and options.
pub(super) fn render() -> String {
    let mut root = super::command();
    root.build();
    let page = clap_mangen::Man::new(root.clone());
    // `.TH` first, then the apostrophe string the rest may use.
    let mut out = section(|w| page.render_title(w));
    out.push_str(APOSTROPHE_PREAMBLE);
    out.push_str(&format!(".SH NAME\n{BIN} \\- the claw\\-code Python parity harness as one fast binary\n"));
    out.push_str(&section(|w| page.render_synopsis_section(w)));
    out.push_str(&format!(".SH DESCRIPTION\n{}\n", roff(spec::DESCRIPTION)));
    for paragraph in LONG_DESCRIPTION {
        out.push_str(&format!(".PP\n{}\n", roff(paragraph)));
    }
    out.push_str(&section(|w| page.render_options_section(w)));
    out.push_str(".SH SUBCOMMANDS\n");
    for sub in root.get_subcommands() {
        let sub_page = clap_mangen::Man::new(sub.clone());
        out.push_str(&format!(".SS \"{BIN} {}\"\n", sub.get_name()));
        out.push_str(&section(|w| sub_page.render_description_section(w)).replacen(".SH DESCRIPTION\n", "", 1));
        out.push_str(".PP\n");
        out.push_str(&section(|w| sub_page.render_synopsis_section(w)).replacen(".SH SYNOPSIS\n", "", 1));
        out.push_str(&section(|w| sub_page.render_options_section(w)).replacen(".SH OPTIONS\n", "", 1));
    }
    out.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in EXIT_STATUS {
        out.push_str(&tagged(code, meaning));
    }
    out.push_str(&environment());
    out.push_str(".SH FILES\n");
    for (path, text) in FILES {
        out.push_str(&format!(".TP\n\\fI{}\\fR\n{}\n", roff(path), roff(text)));
    }
    out.push_str(&examples());
    out.push_str(&section(|w| page.render_version_section(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_escapes_hyphens_backslashes_and_leading_dots() {
        assert_eq!(roff("a-b \\x\n.not a request\n'nor this"), "a\\-b \\ex\n\\&.not a request\n\\&'nor this");
    }

    #[test]
    fn option_help_naming_a_variable_puts_it_in_environment() {
        let vars = option_variables();
        let workspace = vars.iter().find(|(n, _)| n == "CLAW_WORKSPACE").expect("--workspace names $CLAW_WORKSPACE");
        assert_eq!(workspace.1.flags, ["--workspace"]);
        assert!(environment().contains("\\fBCLAW_WORKSPACE\\fR\nRead when \\-\\-workspace is not given"));
    }
}
