//! An emulation of CPython 3.11's `argparse` for claw's two-level parser
//! (top-level options, then one subparser): the same classification of
//! arguments, prefix abbreviations, greedy positional matching, `--`
//! handling, negative-number positionals, conversion at consumption time,
//! and the same error messages in the same order of precedence.
//!
//! Each step has its own module, named after the CPython code it mirrors:
//! [`classify`] (`_parse_optional`), [`walk`] (`_parse_known_args` and its
//! `consume_positionals`) and [`optional`] (`consume_optional`,
//! `take_action`).

use std::collections::HashMap;

use super::spec::{self, Cmd, Opt, Pos};
use crate::pyfmt::int::PyInt;

mod classify;
mod optional;
mod walk;

use walk::{Halt, Known, Sub};

/// A parsed value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Str(String),
    Int(PyInt),
    Float(f64),
    Flag,
    List(Vec<String>),
}

/// What the command line asks for.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// Run a subcommand.
    Run(Invocation),
    /// `-h` / `--help`: print this parser's help and exit 0.
    Help { command: Option<&'static str> },
    /// `--version`.
    Version,
    /// `--generate WHAT`.
    Generate(&'static str),
}

#[derive(Debug)]
pub(crate) struct Invocation {
    pub cmd: &'static Cmd,
    values: HashMap<&'static str, Val>,
}

/// Values are read by `dest` only in [`super::args`], which turns them into
/// typed arguments.
impl Invocation {
    pub(super) fn str(&self, dest: &str) -> Option<&str> {
        match self.values.get(dest) {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        }
    }
    pub(super) fn int(&self, dest: &str) -> Option<&PyInt> {
        match self.values.get(dest) {
            Some(Val::Int(n)) => Some(n),
            _ => None,
        }
    }
    pub(super) fn float(&self, dest: &str) -> Option<f64> {
        match self.values.get(dest) {
            Some(Val::Float(x)) => Some(*x),
            _ => None,
        }
    }
    pub(super) fn flag(&self, dest: &str) -> bool {
        matches!(self.values.get(dest), Some(Val::Flag))
    }
    pub(super) fn list(&self, dest: &str) -> &[String] {
        match self.values.get(dest) {
            Some(Val::List(items)) => items,
            _ => &[],
        }
    }
    /// The required positional `dest` (the parser guarantees it is present).
    pub(super) fn pos(&self, dest: &str) -> &str {
        self.str(dest).unwrap_or_default()
    }
}

/// An argparse error: `message` is argparse's own wording; `command` names
/// the parser that raised it (`None` for the top level), whose usage goes
/// to stderr in text mode.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    pub message: String,
    pub command: Option<&'static str>,
}

/// Parse `argv` (without the program name).
pub(crate) fn parse(argv: &[String]) -> Result<Parsed, ParseError> {
    match Parser::top().parse_known(argv) {
        Ok(known) => invocation(known),
        Err(Halt::Stop(parsed)) => Ok(parsed),
        Err(Halt::Error(e)) => Err(e),
    }
}

/// What `parse_args` makes of the finished top-level walk: the subparser's
/// extras follow the top level's (`_UNRECOGNIZED_ARGS_ATTR`), any extra is
/// an error, and the subcommand's namespace is laid over the top level's.
fn invocation(top: Known) -> Result<Parsed, ParseError> {
    let Known { values: mut top_values, mut extras, sub } = top;
    let Some(Sub { cmd, mut values, extras: sub_extras }) = sub else {
        return Err(ParseError { message: "the following arguments are required: command".into(), command: None });
    };
    extras.extend(sub_extras);
    if !extras.is_empty() {
        let joined = extras.join(" ");
        return Err(ParseError { message: format!("unrecognized arguments: {joined}"), command: None });
    }
    if !values.contains_key("workspace")
        && let Some(v) = top_values.remove("workspace")
    {
        values.insert("workspace", v);
    }
    Ok(Parsed::Run(Invocation { cmd, values }))
}

/// One argparse parser: the top level (its options, then the subcommand as
/// its one positional) or a subcommand's.
struct Parser {
    opts: &'static [Opt],
    pos: &'static [Pos],
    command: Option<&'static str>,
}

impl Parser {
    fn top() -> Self {
        Parser { opts: spec::TOP, pos: &[], command: None }
    }

    fn sub(cmd: &'static Cmd) -> Self {
        Parser { opts: cmd.opts, pos: cmd.pos, command: Some(cmd.name) }
    }

    /// The top level, whose one positional is the subcommand (nargs=PARSER).
    fn is_top(&self) -> bool {
        self.command.is_none()
    }

    fn err(&self, message: String) -> ParseError {
        ParseError { message, command: self.command }
    }

    fn option_strings(&self) -> impl Iterator<Item = (&'static str, &'static Opt)> {
        self.opts.iter().flat_map(|o| o.flags.iter().map(move |f| (*f, o)))
    }

    fn exact(&self, flag: &str) -> Option<&'static Opt> {
        self.option_strings().find(|(f, _)| *f == flag).map(|(_, o)| o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    fn run(a: &[&str]) -> Invocation {
        match parse(&args(a)) {
            Ok(Parsed::Run(inv)) => inv,
            other => panic!("{a:?}: {other:?}"),
        }
    }

    fn error(a: &[&str]) -> String {
        match parse(&args(a)) {
            Err(e) => e.message,
            other => panic!("{a:?}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn abbreviations_equals_and_order() {
        let inv = run(&["route", "fix git", "--lim", "2", "--output-f", "json"]);
        assert_eq!(inv.pos("prompt"), "fix git");
        assert_eq!(inv.int("limit").map(|n| n.get()), Some(2));
        assert_eq!(inv.str("output_format"), Some("json"));
        let inv = run(&["route", "--limit=3", "x", "--output-format=text"]);
        assert_eq!(inv.int("limit").map(|n| n.get()), Some(3));
        assert_eq!(inv.pos("prompt"), "x");
    }

    #[test]
    fn dashes_and_negative_numbers() {
        assert_eq!(run(&["route", "--", "-weird prompt"]).pos("prompt"), "-weird prompt");
        assert_eq!(run(&["route", "x", "--limit", "-1"]).int("limit").map(|n| n.get()), Some(-1));
        assert_eq!(run(&["route", "-5"]).pos("prompt"), "-5");
        assert_eq!(run(&["route", "-\u{663}"]).pos("prompt"), "-\u{663}");
        assert_eq!(run(&["route", "-\u{1813}.5"]).pos("prompt"), "-\u{1813}.5");
        assert_eq!(run(&["route", "-5\n"]).pos("prompt"), "-5\n");
        assert_eq!(error(&["route", "x", "-\u{1e4f3}"]), "unrecognized arguments: -\u{1e4f3}");
        let inv = run(&["exec-command", "add-dir", "--output-format", "json", "hello"]);
        assert_eq!((inv.pos("name"), inv.pos("prompt")), ("add-dir", "hello"));
    }

    #[test]
    fn argparse_error_messages() {
        assert_eq!(error(&["load-session"]), "the following arguments are required: session_id");
        assert_eq!(error(&["exec-command"]), "the following arguments are required: name, prompt");
        assert_eq!(error(&["route", "x", "--limit", "abc"]), "argument --limit: invalid int value: 'abc'");
        assert_eq!(error(&["route", "x", "--bogus"]), "unrecognized arguments: --bogus");
        assert_eq!(error(&["route", "x", "y", "z"]), "unrecognized arguments: y z");
        assert_eq!(error(&["route", "x", "--limit"]), "argument --limit: expected one argument");
        assert_eq!(error(&["route", "x", "--limit", "--bogus"]), "argument --limit: expected one argument");
        assert_eq!(
            error(&["route", "x", "--output-format", "xml"]),
            "argument --output-format: invalid choice: 'xml' (choose from 'text', 'json')"
        );
        assert_eq!(
            error(&["commands", "--no"]),
            "ambiguous option: --no could match --no-plugin-commands, --no-skill-commands"
        );
        assert_eq!(error(&[]), "the following arguments are required: command");
        assert!(
            error(&["nosuch"])
                .starts_with("argument command: invalid choice: 'nosuch' (choose from 'summary', 'manifest',")
        );
        assert_eq!(error(&["tools", "--no-mcp=1"]), "argument --no-mcp: ignored explicit argument '1'");
        // Bundled flags: each character must name a flag, and none acts before all are checked.
        for (argv, rest) in [
            (&["-hx"][..], "'x'"),
            (&["-hhx"], "'x'"),
            (&["-hhhxh"], "'xh'"),
            (&["-hh="], "'='"),
            (&["-h="], "''"),
            (&["route", "x", "-hhx"], "'x'"),
        ] {
            assert_eq!(error(argv), format!("argument -h/--help: ignored explicit argument {rest}"), "{argv:?}");
        }
        assert!(matches!(parse(&["-hh".to_string()]), Ok(Parsed::Help { command: None })));
        assert_eq!(
            error(&["turn-loop", "x", "--timeout-seconds", "soon"]),
            "argument --timeout-seconds: invalid float value: 'soon'"
        );
    }

    #[test]
    fn an_explicit_double_dash_is_an_empty_value() {
        let inv = run(&["flush-transcript", "x", "--session-id", "a", "--session-id=--"]);
        assert_eq!(inv.str("session_id"), None);
        let inv = run(&["route", "x", "--limit=--", "--output-format", "json", "--output-format=--"]);
        assert_eq!((inv.int("limit"), inv.str("output_format")), (None, None));
        assert_eq!(error(&["route", "x", "--limit", "--"]), "argument --limit: expected one argument");
    }

    #[test]
    fn precedence_follows_argparse() {
        // A required-positional error in the subparser wins over unrecognized extras.
        assert_eq!(error(&["load-session", "--bogus"]), "the following arguments are required: session_id");
        // Conversion happens when the option is consumed, before a later help flag.
        assert_eq!(error(&["route", "--limit", "x", "-h"]), "argument --limit: invalid int value: 'x'");
        assert!(matches!(parse(&args(&["route", "-h", "--limit", "x"])), Ok(Parsed::Help { command: Some("route") })));
    }

    #[test]
    fn appends_and_globals() {
        let inv = run(&["tools", "--deny-tool", "a", "--deny-tool", "B", "--deny-p", "c"]);
        assert_eq!(inv.list("deny_tool"), ["a", "B"]);
        assert_eq!(inv.list("deny_prefix"), ["c"]);
        assert_eq!(run(&["--workspace", "/w", "manifest"]).str("workspace"), Some("/w"));
        assert_eq!(run(&["manifest", "--workspace", "/v"]).str("workspace"), Some("/v"));
        assert!(matches!(parse(&args(&["--version"])), Ok(Parsed::Version)));
        assert!(matches!(parse(&args(&["--generate", "man"])), Ok(Parsed::Generate("man"))));
        assert!(parse(&args(&["--generate", "zsh"])).is_err());
    }
}
