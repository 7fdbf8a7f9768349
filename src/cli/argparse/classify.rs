//! The head of `_parse_known_args`: every argument is classified before any
//! is consumed, as an option (`_parse_optional`, with `_get_option_tuples`'
//! prefix matching), a positional, or the `--` marker.

use super::{ParseError, Parser};
use crate::cli::spec::Opt;

/// One classified argument: a positional (`'A'`), the `--` marker (`'-'`),
/// or an option (`'O'`) with its action, the option string and any `=value`.
pub(super) enum Class {
    A,
    Dash,
    O { opt: Option<&'static Opt>, flag: String, explicit: Option<String> },
}

/// argparse's `_negative_number_matcher`.
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
    /// `arg_strings_pattern`: one class per argument, and every argument
    /// after the first `--` an `'A'`. Classifying all of them first makes an
    /// ambiguous abbreviation anywhere the first error.
    pub(super) fn classify_all(&self, args: &[String]) -> Result<Vec<Class>, ParseError> {
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
        Ok(classes)
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
}
