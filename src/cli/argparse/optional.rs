//! `consume_optional` and `take_action`: one option matched to its strings,
//! which are converted and stored, or a help, version or `--generate` stop.

use super::classify::Class;
use super::walk::{Halt, Walk};
use super::{ParseError, Parsed, Parser, Val};
use crate::cli::spec::{self, Kind, Opt};
use crate::pyfmt::{float, int::PyInt, repr::str_repr};

/// An option's argument strings as `_get_values` receives them.
enum Strings {
    /// None: a flag, help or version.
    Zero,
    /// One: the `=value` or the next argument.
    One(String),
    /// `--opt=--`: argparse strips the first `--` from an option's strings,
    /// which leaves an empty list.
    Stripped,
}

impl Walk<'_> {
    /// `consume_optional`: the option at `start` (an unknown one is an extra)
    /// and its strings; returns the index after them.
    pub(super) fn consume_optional(&mut self, start: usize) -> Result<usize, Halt> {
        let Some(Class::O { opt, flag, explicit }) = self.classes.get(start) else {
            return Err(self.parser.err("internal: expected an option".into()).into());
        };
        let Some(opt) = *opt else {
            self.extras.push(self.args[start].clone());
            return Ok(start + 1);
        };
        let (strings, next) = self.match_strings(start, opt, flag, explicit.as_deref())?;
        self.take_action(opt, strings)?;
        Ok(next)
    }

    /// `match_argument`, against the explicit `=value` if there is one, else
    /// against the classes after the option: a value-taking option needs an
    /// `'A'`, a flag takes nothing.
    fn match_strings(
        &self,
        start: usize,
        opt: &'static Opt,
        flag: &str,
        explicit: Option<&str>,
    ) -> Result<(Strings, usize), ParseError> {
        let takes_value = !matches!(opt.kind, Kind::Flag | Kind::Help | Kind::Version);
        match (explicit, takes_value) {
            (Some("--"), true) => Ok((Strings::Stripped, start + 1)),
            (Some(e), true) => Ok((Strings::One(e.to_string()), start + 1)),
            (Some(e), false) => self.bundle(opt, flag, e).map(|()| (Strings::Zero, start + 1)),
            (None, true) => match self.classes.get(start + 1) {
                Some(Class::A) => Ok((Strings::One(self.args[start + 1].clone()), start + 2)),
                _ => Err(self.parser.err(format!("argument {}: expected one argument", opt.flags.join("/")))),
            },
            (None, false) => Ok((Strings::Zero, start + 1)),
        }
    }

    /// A flag given an explicit argument: only a single-dash flag may carry
    /// a tail, and only one that bundles more flags (`-hx` is `-h -x`).
    /// Every bundled flag is looked up before any acts, as CPython does.
    fn bundle(&self, opt: &Opt, flag: &str, tail: &str) -> Result<(), ParseError> {
        let ignored = |opt: &Opt, rest: &str| {
            self.parser.err(format!("argument {}: ignored explicit argument {}", opt.flags.join("/"), str_repr(rest)))
        };
        if flag.starts_with("--") || tail.is_empty() {
            return Err(ignored(opt, tail));
        }
        // Each character in turn must name a flag (`-hhx` fails at `x`,
        // naming the flag before it and the rest of the tail).
        let (mut opt, mut rest) = (opt, tail);
        while let Some(c) = rest.chars().next() {
            let Some(next) = self.parser.exact(&format!("-{c}")) else { return Err(ignored(opt, rest)) };
            if !matches!(next.kind, Kind::Flag | Kind::Help | Kind::Version) {
                // A short option that takes a value would take the rest.
                return Ok(());
            }
            opt = next;
            rest = &rest[c.len_utf8()..];
        }
        Ok(())
    }

    /// `take_action`, with `_get_values`: store the option's value, or stop
    /// on help, version or `--generate`.
    fn take_action(&mut self, opt: &'static Opt, strings: Strings) -> Result<(), Halt> {
        let raw = match strings {
            Strings::Stripped => {
                // An empty list: a falsy value that is neither converted nor
                // checked against the choices.
                if opt.kind != Kind::Append {
                    self.values.remove(opt.dest);
                }
                return Ok(());
            }
            Strings::One(raw) => raw,
            Strings::Zero => String::new(),
        };
        match opt.kind {
            Kind::Help => return Err(Halt::Stop(Parsed::Help { command: self.parser.command })),
            Kind::Version => return Err(Halt::Stop(Parsed::Version)),
            Kind::Flag => {
                self.values.insert(opt.dest, Val::Flag);
            }
            Kind::Append => match self.values.entry(opt.dest).or_insert_with(|| Val::List(Vec::new())) {
                Val::List(items) => items.push(raw),
                other => *other = Val::List(vec![raw]),
            },
            _ => {
                let v = self.parser.convert(opt, &raw)?;
                if let (true, Val::Str(what)) = (opt.dest == "generate", &v) {
                    let what = spec::GENERATE.iter().copied().find(|g| g == what).unwrap_or("man");
                    return Err(Halt::Stop(Parsed::Generate(what)));
                }
                self.values.insert(opt.dest, v);
            }
        }
        Ok(())
    }
}

impl Parser {
    /// `_get_value` and `_check_value`: the option's type and choices.
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
}
