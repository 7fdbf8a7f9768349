//! `--generate`: shell completions and the man page.
//!
//! Parsing never goes through clap (see [`crate::cli::argparse`]); clap is
//! only the model these generators read.  [`command`] mirrors the
//! declarative spec in [`crate::cli::spec`] as a `clap::Command` tree (same
//! subcommands, positionals, options, help strings and choices; hidden
//! options stay hidden), and [`render`] hands it to `clap_complete` or
//! `clap_mangen`.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, ValueHint};
use clap_complete::Shell;

use crate::cli::spec::{self, Cmd, Kind, Opt, Pos};

/// The program name completions and the man page are written for.
pub const BIN: &str = "claw";

/// The whole command surface as a `clap::Command` (not built yet), hidden
/// options included (marked hidden).
pub fn command() -> Command {
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
    if p.help.is_empty() { arg } else { arg.help(p.help) }
}

/// Paths that completions should offer directories for.
fn hint(dest: &str) -> ValueHint {
    match dest {
        "workspace" | "directory" | "workspace_root" | "cwd" => ValueHint::DirPath,
        _ => ValueHint::Other,
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
    if !o.help.is_empty() {
        arg = arg.help(o.help);
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
pub fn render(what: &str) -> String {
    let shell = match what {
        "complete-bash" => Shell::Bash,
        "complete-zsh" => Shell::Zsh,
        "complete-fish" => Shell::Fish,
        "complete-powershell" => Shell::PowerShell,
        _ => return man(),
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut tree(false), BIN, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

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

/// The man page, claw(1): the top-level page, whose SUBCOMMANDS section
/// gives every subcommand its synopsis, description and options.
fn man() -> String {
    let mut root = command();
    root.build();
    let page = clap_mangen::Man::new(root.clone());
    // `.TH` first, then the apostrophe string the rest may use.
    let mut out = section(|w| page.render_title(w));
    out.push_str(APOSTROPHE_PREAMBLE);
    out.push_str(&section(|w| page.render_name_section(w)));
    out.push_str(&section(|w| page.render_synopsis_section(w)));
    out.push_str(&section(|w| page.render_description_section(w)));
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
    out.push_str(&section(|w| page.render_version_section(w)));
    out
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
        assert!(cmd.get_arguments().any(|a| a.get_id() == "generate" && a.is_hide_set()));
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
