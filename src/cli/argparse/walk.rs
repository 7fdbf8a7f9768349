//! `ArgumentParser._parse_known_args`' walk over one parser's arguments:
//! positionals and options consumed alternately up to the last option, then
//! the positionals after it, the rest kept as extras, then the required
//! check. The options themselves are consumed in [`super::optional`].

use std::collections::HashMap;

use super::classify::Class;
use super::{ParseError, Parsed, Parser, Val};
use crate::cli::spec::{self, Cmd};
use crate::pyfmt::repr::str_repr;

/// Why a walk ends early: a help, version or `--generate` stop, or an
/// argparse error.
pub(super) enum Halt {
    Stop(Parsed),
    Error(ParseError),
}

impl From<ParseError> for Halt {
    fn from(e: ParseError) -> Self {
        Halt::Error(e)
    }
}

/// A finished walk: the namespace, the strings nothing consumed, and (at the
/// top level) the subcommand's own walk.
pub(super) struct Known {
    pub(super) values: HashMap<&'static str, Val>,
    pub(super) extras: Vec<String>,
    pub(super) sub: Option<Sub>,
}

/// The subcommand and what its parser made of the strings after it
/// (`_SubParsersAction.__call__`).
pub(super) struct Sub {
    pub(super) cmd: &'static Cmd,
    pub(super) values: HashMap<&'static str, Val>,
    pub(super) extras: Vec<String>,
}

/// The state `_parse_known_args` keeps in its locals and closures.
pub(super) struct Walk<'a> {
    pub(super) parser: &'a Parser,
    pub(super) args: &'a [String],
    /// `arg_strings_pattern`: one class per argument.
    pub(super) classes: Vec<Class>,
    /// The keys of `option_string_indices`, ascending.
    option_indices: Vec<usize>,
    /// The namespace.
    pub(super) values: HashMap<&'static str, Val>,
    /// How many of the parser's positionals are consumed; the top level's
    /// one positional is the subcommand.
    seen_pos: usize,
    sub: Option<Sub>,
    pub(super) extras: Vec<String>,
}

impl Parser {
    /// `_parse_known_args`: classify every argument, consume positionals and
    /// options alternately until past the last option, then the positionals
    /// after it; what is left is extras. Every positional must have been
    /// seen.
    pub(super) fn parse_known(&self, args: &[String]) -> Result<Known, Halt> {
        let mut walk = Walk::new(self, args, self.classify_all(args)?);
        let mut start = 0;
        while let Some(next_option) = walk.next_option(start) {
            start = walk.step(start, next_option)?;
        }
        let stop = walk.consume_positionals(start)?;
        walk.extras.extend(args[stop.min(args.len())..].iter().cloned());
        walk.check_required()?;
        Ok(Known { values: walk.values, extras: walk.extras, sub: walk.sub })
    }
}

impl<'a> Walk<'a> {
    fn new(parser: &'a Parser, args: &'a [String], classes: Vec<Class>) -> Self {
        let option_indices =
            classes.iter().enumerate().filter(|(_, c)| matches!(c, Class::O { .. })).map(|(i, _)| i).collect();
        Walk {
            parser,
            args,
            classes,
            option_indices,
            values: HashMap::new(),
            seen_pos: 0,
            sub: None,
            extras: Vec::new(),
        }
    }

    /// `next_option_string_index`: the first option at or after `start`,
    /// `None` once past the last one (the loop's end). A binary search keeps
    /// the walk linear in the number of arguments.
    fn next_option(&self, start: usize) -> Option<usize> {
        self.option_indices.get(self.option_indices.partition_point(|&i| i < start)).copied()
    }

    /// One turn of `_parse_known_args`' loop: the positionals before the
    /// next option; if they took nothing, the strings up to the option are
    /// extras, and the option is consumed. Returns the new start.
    fn step(&mut self, start: usize, next_option: usize) -> Result<usize, Halt> {
        if start != next_option {
            let end = self.consume_positionals(start)?;
            if end > start {
                return Ok(end);
            }
            // Nothing matched, and `start` is not an option (the next one is
            // further on): argparse's "there were extra arguments".
            self.extras.extend(self.args[start..next_option].iter().cloned());
        }
        self.consume_optional(next_option)
    }

    /// `consume_positionals`: match as many of the remaining positionals as
    /// possible from `start`; returns where their strings end.
    fn consume_positionals(&mut self, start: usize) -> Result<usize, Halt> {
        if self.parser.is_top() { self.consume_command(start) } else { Ok(self.consume_plain(start)) }
    }

    /// The top level's positional `command`, nargs=PARSER (`-*A[-AO]*`):
    /// from `start` on, once an `'A'` follows any `--`, every string is the
    /// subcommand's, parsed by its own parser (`_SubParsersAction.__call__`).
    /// PARSER keeps a leading `--`, so `claw -- route` names the command `--`.
    fn consume_command(&mut self, start: usize) -> Result<usize, Halt> {
        if self.seen_pos > 0 || !matches!(self.classes.get(self.skip_dashes(start)), Some(Class::A)) {
            return Ok(start);
        }
        let Some((name, rest)) = self.args.get(start..).and_then(<[String]>::split_first) else {
            return Ok(start);
        };
        self.seen_pos = 1;
        let cmd = self.choose_command(name)?;
        let known = Parser::sub(cmd).parse_known(rest)?;
        self.sub = Some(Sub { cmd, values: known.values, extras: known.extras });
        Ok(self.args.len())
    }

    /// `_check_value` for `command`: one of the subcommands.
    fn choose_command(&self, name: &str) -> Result<&'static Cmd, ParseError> {
        spec::find(name).ok_or_else(|| {
            let choices: Vec<String> = spec::COMMANDS.iter().map(|c| str_repr(c.name)).collect();
            self.parser.err(format!(
                "argument command: invalid choice: {} (choose from {})",
                str_repr(name),
                choices.join(", ")
            ))
        })
    }

    /// A subcommand's positionals, each nargs=None (`-*A-*`), matched
    /// greedily in order (`_match_arguments_partial`); each keeps the one
    /// string left once the first `--` is dropped (`_get_values`).
    fn consume_plain(&mut self, start: usize) -> usize {
        let mut at = start;
        while let Some(pos) = self.parser.pos.get(self.seen_pos) {
            let first = self.skip_dashes(at);
            if !matches!(self.classes.get(first), Some(Class::A)) {
                break;
            }
            let end = self.skip_dashes(first + 1);
            let mut strings: Vec<&String> = self.args[at..end].iter().collect();
            if let Some(k) = strings.iter().position(|s| s.as_str() == "--") {
                strings.remove(k);
            }
            let value = strings.first().map(|s| s.to_string()).unwrap_or_default();
            self.values.insert(pos.name, Val::Str(value));
            self.seen_pos += 1;
            at = end;
        }
        at
    }

    /// The first index at or after `i` that is not the `--` marker.
    fn skip_dashes(&self, mut i: usize) -> usize {
        while matches!(self.classes.get(i), Some(Class::Dash)) {
            i += 1;
        }
        i
    }

    /// The required check that ends `_parse_known_args`: every positional
    /// (at the top level, `command`) was consumed.
    fn check_required(&self) -> Result<(), ParseError> {
        let missing: Vec<&str> = if self.parser.is_top() {
            if self.seen_pos == 0 { vec!["command"] } else { Vec::new() }
        } else {
            self.parser.pos.iter().skip(self.seen_pos).map(|p| p.name).collect()
        };
        if missing.is_empty() {
            return Ok(());
        }
        Err(self.parser.err(format!("the following arguments are required: {}", missing.join(", "))))
    }
}
