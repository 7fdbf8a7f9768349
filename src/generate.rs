//! `--generate`: shell completions and the man page.
//!
//! Parsing never goes through clap (see [`crate::cli::argparse`]); clap is
//! only the model these generators read.  [`command`] mirrors the
//! declarative spec in [`crate::cli::spec`] as a `clap::Command` tree (same
//! subcommands, positionals, options, help strings and choices; hidden
//! options stay hidden), and [`render`] hands it to `clap_complete` or to
//! the man page (`generate/man.rs`, built with `clap_mangen`).  Options the
//! reference declares without help get a description here ([`described`]),
//! never in `-h`, which stays as the reference prints it.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, ValueHint};
use clap_complete::Shell;

use crate::cli::spec::{self, Cmd, Kind, Opt, Pos};

mod man;

/// The program name completions and the man page are written for.
pub(crate) const BIN: &str = "claw";

/// The whole command surface as a `clap::Command` (not built yet), hidden
/// options included (marked hidden).
pub(crate) fn command() -> Command {
    tree(true)
}

/// The tree, with or without the hidden options.  Completion scripts get the
/// tree without them: `clap_complete` offers hidden options too.
fn tree(with_hidden: bool) -> Command {
    let keep = |o: &&Opt| with_hidden || !o.hidden;
    let mut cmd = Command::new(BIN)
        .about(spec::DESCRIPTION)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true);
    for o in spec::TOP.iter().filter(keep) {
        cmd = cmd.arg(option(o));
    }
    for c in spec::COMMANDS {
        cmd = cmd.subcommand(subcommand(c, keep));
    }
    cmd
}

fn subcommand(c: &Cmd, keep: impl Fn(&&Opt) -> bool) -> Command {
    let mut cmd = Command::new(c.name).about(c.help).disable_help_flag(true).disable_version_flag(true);
    for p in c.pos {
        cmd = cmd.arg(positional(p));
    }
    for o in c.opts.iter().filter(keep) {
        cmd = cmd.arg(option(o));
    }
    cmd
}

fn positional(p: &Pos) -> Arg {
    let arg = Arg::new(p.name).value_name(p.name).required(true).action(ArgAction::Set);
    // The reference gives its positionals no help; the man page says what they are.
    let help = match (p.help, p.name) {
        ("", "prompt") => "the prompt text",
        ("", "target") => "the host, session or URL the mode connects to",
        ("", "session_id") => "a session id: the file name of the session without .json",
        ("", "name") => "the exact name of a mirrored command or tool",
        ("", "payload") => "the text handed to the tool (for shell and file tools, checked against --workspace-root)",
        (help, _) => help,
    };
    if help.is_empty() { arg } else { arg.help(help) }
}

/// Paths that completions should offer directories for.
fn hint(dest: &str) -> ValueHint {
    match dest {
        "workspace" | "directory" | "workspace_root" | "cwd" => ValueHint::DirPath,
        _ => ValueHint::Other,
    }
}

/// An option's help for the man page and completions: its `-h` line, or,
/// for the options the reference declares without help (whose `-h` output
/// stays as the reference prints it), a description of what it does.
pub fn described(o: &Opt) -> &'static str {
    if !o.help.is_empty() {
        return o.help;
    }
    match o.dest {
        "limit" => "how many entries to list or match (Python slicing: 0 shows none, -1 drops the last)",
        "query" => "only entries whose name or source hint contains QUERY (case-insensitive)",
        "no_plugin_commands" => "leave out plugin commands",
        "no_skill_commands" => "leave out skill commands",
        "simple_mode" => "only BashTool, FileReadTool and FileEditTool",
        "no_mcp" => "leave out tools whose name or source hint mentions mcp",
        "deny_tool" => "leave out a tool by name (repeatable, case-insensitive)",
        "deny_prefix" => "leave out tools whose name starts with PREFIX (repeatable)",
        "max_turns" => "the most turns to run (default: 3)",
        "structured_output" => "render each turn's output as structured JSON",
        "output_format" => "text (the default) or json: one JSON envelope on stdout",
        _ => "",
    }
}

fn option(o: &Opt) -> Arg {
    let mut arg = Arg::new(o.dest).hide(o.hidden);
    for flag in o.flags {
        if let Some(long) = flag.strip_prefix("--") {
            arg = arg.long(long);
        } else if let Some(short) = flag.strip_prefix('-').and_then(|s| s.chars().next()) {
            arg = arg.short(short);
        }
    }
    let help = described(o);
    if !help.is_empty() {
        arg = arg.help(help);
    }
    // argparse's metavar: the dest in upper case.
    let metavar = o.dest.to_uppercase();
    match o.kind {
        Kind::Flag => arg.action(ArgAction::SetTrue),
        Kind::Help => arg.action(ArgAction::Help),
        Kind::Version => arg.action(ArgAction::Version),
        Kind::Int | Kind::Float | Kind::Ratio => arg.action(ArgAction::Set).value_name(metavar),
        Kind::Str => arg.action(ArgAction::Set).value_name(metavar).value_hint(hint(o.dest)),
        Kind::Append => arg.action(ArgAction::Append).value_name(metavar).value_hint(hint(o.dest)),
        Kind::Choice(choices) => {
            arg.action(ArgAction::Set).value_name(metavar).value_parser(PossibleValuesParser::new(choices))
        }
    }
}

/// The text `claw --generate WHAT` prints: one of [`spec::GENERATE`].
pub(crate) fn render(what: &str) -> String {
    let shell = match what {
        "complete-bash" => Shell::Bash,
        "complete-zsh" => Shell::Zsh,
        "complete-fish" => Shell::Fish,
        "complete-powershell" => Shell::PowerShell,
        _ => return man::render(),
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut tree(false), BIN, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_mirrors_the_spec() {
        let mut cmd = command();
        cmd.build();
        let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
        let spec_names: Vec<&str> = spec::COMMANDS.iter().map(|c| c.name).collect();
        assert_eq!(names, spec_names);
        assert!(cmd.get_arguments().any(|a| a.get_id() == "generate" && !a.is_hide_set()));
        let formats = cmd
            .find_subcommand("route")
            .unwrap()
            .get_arguments()
            .find(|a| a.get_id() == "output_format")
            .unwrap()
            .get_possible_values();
        assert_eq!(formats.iter().map(|p| p.get_name()).collect::<Vec<_>>(), ["text", "json"]);
    }
}
