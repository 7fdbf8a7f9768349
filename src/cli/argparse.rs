//! An emulation of CPython 3.11's `argparse` for claw's two-level parser
//! (top-level options, then one subparser): the same classification of
//! arguments, prefix abbreviations, greedy positional matching, `--`
//! handling, negative-number positionals, conversion at consumption time,
//! and the same error messages in the same order of precedence.

use std::collections::HashMap;

use super::spec::{self, Cmd, Kind, Opt, Pos};
use crate::pyfmt::{float, int::PyInt, repr::str_repr};

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
    let top = Parser { opts: spec::TOP, pos: &[], command: None };
    let mut top_values = HashMap::new();
    let outcome = top.parse_known(argv, &mut top_values, true)?;
    let (cmd, sub_values, mut extras) = match outcome {
        Step::Stop(p) => return Ok(p),
        Step::Done { extras, sub } => match sub {
            Some((cmd, values, sub_extras)) => {
                let mut all = extras;
                all.extend(sub_extras);
                (cmd, values, all)
            }
            None => {
                return Err(ParseError {
                    message: "the following arguments are required: command".into(),
                    command: None,
                });
            }
        },
    };
    if !extras.is_empty() {
        let joined = std::mem::take(&mut extras).join(" ");
        return Err(ParseError { message: format!("unrecognized arguments: {joined}"), command: None });
    }
    let mut values = sub_values;
    if !values.contains_key("workspace")
        && let Some(v) = top_values.remove("workspace")
    {
        values.insert("workspace", v);
    }
    Ok(Parsed::Run(Invocation { cmd, values }))
}

enum Step {
    Stop(Parsed),
    Done { extras: Vec<String>, sub: Option<(&'static Cmd, HashMap<&'static str, Val>, Vec<String>)> },
}

struct Parser {
    opts: &'static [Opt],
    pos: &'static [Pos],
    command: Option<&'static str>,
}

/// One classified argument: a positional (`'A'`), the `--` marker (`'-'`),
/// or an option (`'O'`) with its action, the option string and any `=value`.
#[derive(Clone)]
enum Class {
    A,
    Dash,
    O { opt: Option<&'static Opt>, flag: String, explicit: Option<String> },
}

fn negative_number(s: &str) -> bool {
    // argparse: '^-\d+$|^-\d*\.\d+$', where `\d` is any Unicode decimal
    // digit and `$` also matches before a final newline.
    let Some(rest) = s.strip_prefix('-') else { return false };
    let rest = rest.strip_suffix('\n').unwrap_or(rest);
    let digits = |t: &str| t.chars().all(|c| crate::pyfmt::ucd::decimal(c).is_some());
    if !rest.is_empty() && digits(rest) {
        return true;
    }
    match rest.split_once('.') {
        Some((a, b)) => digits(a) && !b.is_empty() && digits(b),
        None => false,
    }
}

impl Parser {
    fn err(&self, message: String) -> ParseError {
        ParseError { message, command: self.command }
    }

    fn option_strings(&self) -> impl Iterator<Item = (&'static str, &'static Opt)> {
        self.opts.iter().flat_map(|o| o.flags.iter().map(move |f| (*f, o)))
    }

    fn exact(&self, flag: &str) -> Option<&'static Opt> {
        self.option_strings().find(|(f, _)| *f == flag).map(|(_, o)| o)
    }

    /// `_parse_optional`: `None` for a positional.
    fn classify(&self, arg: &str) -> Result<Option<Class>, ParseError> {
        if arg.is_empty() || !arg.starts_with('-') {
            return Ok(None);
        }
        if let Some(o) = self.exact(arg) {
            return Ok(Some(Class::O { opt: Some(o), flag: arg.to_string(), explicit: None }));
        }
        if arg.chars().count() == 1 {
            return Ok(None);
        }
        if let Some((flag, value)) = arg.split_once('=')
            && let Some(o) = self.exact(flag)
        {
            return Ok(Some(Class::O { opt: Some(o), flag: flag.to_string(), explicit: Some(value.to_string()) }));
        }
        let tuples = self.option_tuples(arg);
        if tuples.len() > 1 {
            let matches: Vec<&str> = tuples.iter().map(|(_, f, _)| *f).collect();
            return Err(self.err(format!("ambiguous option: {arg} could match {}", matches.join(", "))));
        }
        if let Some((o, f, explicit)) = tuples.into_iter().next() {
            return Ok(Some(Class::O { opt: Some(o), flag: f.to_string(), explicit }));
        }
        if negative_number(arg) || arg.contains(' ') {
            return Ok(None);
        }
        Ok(Some(Class::O { opt: None, flag: arg.to_string(), explicit: None }))
    }

    /// `_get_option_tuples`: prefix matches of an option string.
    fn option_tuples(&self, arg: &str) -> Vec<(&'static Opt, &'static str, Option<String>)> {
        let mut out = Vec::new();
        if arg.starts_with("--") {
            let (prefix, explicit) = match arg.split_once('=') {
                Some((p, v)) => (p, Some(v.to_string())),
                None => (arg, None),
            };
            for (f, o) in self.option_strings() {
                if f.starts_with(prefix) {
                    out.push((o, f, explicit.clone()));
                }
            }
        } else {
            let short_len = arg.char_indices().nth(2).map_or(arg.len(), |(i, _)| i);
            let (short, short_explicit) = arg.split_at(short_len);
            for (f, o) in self.option_strings() {
                if f == short {
                    out.push((o, f, Some(short_explicit.to_string())));
                } else if f.starts_with(arg) {
                    out.push((o, f, None));
                }
            }
        }
        out
    }

    fn convert(&self, opt: &Opt, raw: &str) -> Result<Val, ParseError> {
        let name = opt.flags.join("/");
        match opt.kind {
            Kind::Int => PyInt::parse(raw)
                .map(Val::Int)
                .ok_or_else(|| self.err(format!("argument {name}: invalid int value: {}", str_repr(raw)))),
            Kind::Float => float::parse(raw)
                .map(Val::Float)
                .ok_or_else(|| self.err(format!("argument {name}: invalid float value: {}", str_repr(raw)))),
            Kind::Ratio => float::parse(raw).filter(|x| (0.0..=1.0).contains(x)).map(Val::Float).ok_or_else(|| {
                self.err(format!("argument {name}: invalid ratio value: {} (expected 0 <= RATIO <= 1)", str_repr(raw)))
            }),
            Kind::Choice(choices) => {
                if choices.contains(&raw) {
                    Ok(Val::Str(raw.to_string()))
                } else {
                    let listed: Vec<String> = choices.iter().map(|c| str_repr(c)).collect();
                    Err(self.err(format!(
                        "argument {name}: invalid choice: {} (choose from {})",
                        str_repr(raw),
                        listed.join(", ")
                    )))
                }
            }
            _ => Ok(Val::Str(raw.to_string())),
        }
    }

    fn parse_known(
        &self,
        args: &[String],
        values: &mut HashMap<&'static str, Val>,
        top: bool,
    ) -> Result<Step, ParseError> {
        // Classify every argument first, as argparse does (ambiguity errors come first).
        let mut classes = Vec::with_capacity(args.len());
        let mut after_dashes = false;
        for arg in args {
            if after_dashes {
                classes.push(Class::A);
            } else if arg == "--" {
                after_dashes = true;
                classes.push(Class::Dash);
            } else {
                classes.push(self.classify(arg)?.unwrap_or(Class::A));
            }
        }
        let option_indices: Vec<usize> =
            classes.iter().enumerate().filter(|(_, c)| matches!(c, Class::O { .. })).map(|(i, _)| i).collect();
        let mut extras: Vec<String> = Vec::new();
        let mut seen_pos = 0usize; // positionals consumed so far
        let mut sub = None;
        let mut start = 0usize;

        // consume_positionals: returns the new start index.
        let consume_positionals = |start: usize,
                                   seen_pos: &mut usize,
                                   values: &mut HashMap<&'static str, Val>,
                                   sub: &mut Option<(&'static Cmd, HashMap<&'static str, Val>, Vec<String>)>|
         -> Result<Result<usize, Parsed>, ParseError> {
            if top {
                if *seen_pos > 0 {
                    return Ok(Ok(start));
                }
                // PARSER nargs: '-*A[-AO]*' — everything from the first 'A' on.
                let mut i = start;
                while i < classes.len() && matches!(classes[i], Class::Dash) {
                    i += 1;
                }
                if i >= classes.len() || !matches!(classes[i], Class::A) {
                    return Ok(Ok(start));
                }
                *seen_pos = 1;
                let taken = &args[start..];
                let name = &taken[0];
                let Some(cmd) = spec::find(name) else {
                    let choices: Vec<String> = spec::COMMANDS.iter().map(|c| str_repr(c.name)).collect();
                    return Err(ParseError {
                        message: format!(
                            "argument command: invalid choice: {} (choose from {})",
                            str_repr(name),
                            choices.join(", ")
                        ),
                        command: None,
                    });
                };
                let parser = Parser { opts: cmd.opts, pos: cmd.pos, command: Some(cmd.name) };
                let mut sub_values = HashMap::new();
                match parser.parse_known(&taken[1..], &mut sub_values, false)? {
                    Step::Stop(p) => return Ok(Err(p)),
                    Step::Done { extras, .. } => *sub = Some((cmd, sub_values, extras)),
                }
                return Ok(Ok(classes.len()));
            }
            // Each remaining positional has nargs=None: '-*A-*'; match as many as possible.
            let remaining = self.pos.len() - *seen_pos;
            let mut i = start;
            let mut groups: Vec<(usize, usize)> = Vec::new();
            while groups.len() < remaining {
                let g_start = i;
                let mut j = i;
                while j < classes.len() && matches!(classes[j], Class::Dash) {
                    j += 1;
                }
                if j >= classes.len() || !matches!(classes[j], Class::A) {
                    break;
                }
                j += 1;
                while j < classes.len() && matches!(classes[j], Class::Dash) {
                    j += 1;
                }
                groups.push((g_start, j));
                i = j;
            }
            for (g_start, g_end) in &groups {
                let mut strings: Vec<&String> = args[*g_start..*g_end].iter().collect();
                if let Some(k) = strings.iter().position(|s| s.as_str() == "--") {
                    strings.remove(k);
                }
                let p = &self.pos[*seen_pos];
                let value = strings.first().map(|s| s.to_string()).unwrap_or_default();
                values.insert(p.name, Val::Str(value));
                *seen_pos += 1;
            }
            Ok(Ok(groups.last().map_or(start, |g| g.1)))
        };

        let max_option = option_indices.last().copied();
        while let Some(max) = max_option {
            if start > max {
                break;
            }
            // Binary searches keep the loop linear in the number of arguments.
            let Some(&next_option) = option_indices.get(option_indices.partition_point(|&i| i < start)) else { break };
            if start != next_option {
                let end = match consume_positionals(start, &mut seen_pos, values, &mut sub)? {
                    Ok(end) => end,
                    Err(p) => return Ok(Step::Stop(p)),
                };
                if end > start {
                    start = end;
                    continue;
                }
            }
            if option_indices.binary_search(&start).is_err() {
                extras.extend(args[start..next_option].iter().cloned());
                start = next_option;
            }
            // consume_optional
            let Class::O { opt, flag, explicit } = classes[start].clone() else {
                return Err(self.err("internal: expected an option".into()));
            };
            let Some(opt) = opt else {
                extras.push(args[start].clone());
                start += 1;
                continue;
            };
            let name = opt.flags.join("/");
            let takes_value = !matches!(opt.kind, Kind::Flag | Kind::Help | Kind::Version);
            let (raw, next) = match (&explicit, takes_value) {
                (Some(e), true) if e == "--" => {
                    // argparse strips the first `--` from an option's strings,
                    // so `--opt=--` stores an empty list: a falsy value that is
                    // neither converted nor checked against the choices.
                    if opt.kind != Kind::Append {
                        values.remove(opt.dest);
                    }
                    start += 1;
                    continue;
                }
                (Some(e), true) => (Some(e.clone()), start + 1),
                (Some(e), false) => {
                    // Single-dash flags may be bundled (`-hx`); claw has no other short options.
                    if !flag.starts_with("--") && !e.is_empty() {
                        let bundled = format!("-{}", e.chars().next().unwrap_or_default());
                        if self.exact(&bundled).is_none() {
                            return Err(self.err(format!("argument {name}: ignored explicit argument {}", str_repr(e))));
                        }
                    } else {
                        return Err(self.err(format!("argument {name}: ignored explicit argument {}", str_repr(e))));
                    }
                    (None, start + 1)
                }
                (None, true) => match classes.get(start + 1) {
                    Some(Class::A) => (Some(args[start + 1].clone()), start + 2),
                    _ => return Err(self.err(format!("argument {name}: expected one argument"))),
                },
                (None, false) => (None, start + 1),
            };
            match opt.kind {
                Kind::Help => return Ok(Step::Stop(Parsed::Help { command: self.command })),
                Kind::Version => return Ok(Step::Stop(Parsed::Version)),
                Kind::Flag => {
                    values.insert(opt.dest, Val::Flag);
                }
                Kind::Append => {
                    let raw = raw.unwrap_or_default();
                    match values.entry(opt.dest).or_insert_with(|| Val::List(Vec::new())) {
                        Val::List(items) => items.push(raw),
                        other => *other = Val::List(vec![raw]),
                    }
                }
                _ => {
                    let v = self.convert(opt, &raw.unwrap_or_default())?;
                    if let (true, Val::Str(what)) = (opt.dest == "generate", &v) {
                        let what = spec::GENERATE.iter().copied().find(|g| g == what).unwrap_or("man");
                        return Ok(Step::Stop(Parsed::Generate(what)));
                    }
                    values.insert(opt.dest, v);
                }
            }
            start = next;
        }
        let stop = match consume_positionals(start, &mut seen_pos, values, &mut sub)? {
            Ok(end) => end,
            Err(p) => return Ok(Step::Stop(p)),
        };
        extras.extend(args[stop.min(args.len())..].iter().cloned());

        if top {
            if seen_pos == 0 {
                return Err(self.err("the following arguments are required: command".into()));
            }
        } else if seen_pos < self.pos.len() {
            let missing: Vec<&str> = self.pos[seen_pos..].iter().map(|p| p.name).collect();
            return Err(self.err(format!("the following arguments are required: {}", missing.join(", "))));
        }
        Ok(Step::Done { extras, sub })
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
