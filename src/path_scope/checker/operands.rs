//! Checking one operand: the path a word names, its glued option
//! values, and whether it resolves inside a root.

use std::path::{Path, PathBuf};

use super::{Checker, REASON_ESCAPE, unresolved};
use crate::path_scope::Violation;
use crate::path_scope::commands::{self, EnvUse};
use crate::path_scope::glob::{Field, glob};
use crate::path_scope::lexer::{Opaque, Q, Word};
use crate::path_scope::resolve::{
    REASON_PROVIDER, file_url_path, is_harmless_dev, is_provider_path, resolve_with, windows_kind,
};

impl Checker {
    /// An argument: a path, and for `-xVALUE`, `--opt=VALUE`, `key=VALUE`
    /// (and PowerShell's `-Param:VALUE`) the value too.
    pub(super) fn check_arg(&mut self, w: &Word, idx: usize) -> Result<(), Violation> {
        if w.chars.len() == 1 && w.chars[0].1 == Q::Opaque(Opaque::Process) {
            return Ok(());
        }
        windows_as_written(w)?;
        if let Some((name, start)) = w.assignment() {
            // `make DIR=~/x`: bash expands `~` in assignment-like arguments.
            let value = Word { chars: w.chars[start..].to_vec(), raw: w.raw.clone(), subs: Vec::new() };
            for f in self.env.expand(&value, false).map_err(|c| unresolved(&c, idx, &w.raw))? {
                self.check_value(&name, &f, idx, w)?;
            }
        }
        let fields = self.env.expand(w, true).map_err(|c| unresolved(&c, idx, &w.raw))?;
        for f in fields {
            self.check_arg_field(&f, idx, w)?;
        }
        Ok(())
    }

    /// One expanded argument: the option it may be, its glued value, and
    /// the whole word as a path.
    fn check_arg_field(&mut self, f: &[(char, bool)], idx: usize, w: &Word) -> Result<(), Violation> {
        let text: String = f.iter().map(|c| c.0).collect();
        if let Some(why) = commands::runs_command_option(&text) {
            return Err(unresolved(why, idx, &w.raw));
        }
        let flag = text.starts_with('-') && f.len() > 1;
        let eq = f.iter().position(|c| c.0 == '=');
        if let Some(e) = eq {
            self.check_field(&f[e + 1..], idx, w)?;
        }
        if flag {
            let long = text.starts_with("--");
            if self.env.ps
                && let Some(colon) = f.iter().position(|c| c.0 == ':')
            {
                self.check_field(&f[colon + 1..], idx, w)?;
            } else if !long && eq.is_none() && f.len() > 2 {
                self.check_field(&f[2..], idx, w)?;
            }
        }
        // The whole word too: after `--`, `-x/../..` is an operand.
        self.check_field(f, idx, w)
    }

    /// The value of `NAME=value` (an assignment, or an argument such as
    /// `make CC=gcc`), by what programs do with `NAME` ([`EnvUse`]).
    pub(super) fn check_value(
        &mut self,
        name: &str,
        f: &[(char, bool)],
        idx: usize,
        w: &Word,
    ) -> Result<(), Violation> {
        match commands::env_use(name) {
            EnvUse::Refused => Err(unresolved(&format!("{name}, which can make programs run commands"), idx, &w.raw)),
            EnvUse::Command => {
                let text: String = f.iter().map(|c| c.0).collect();
                if !commands::plain_command_word(&text) {
                    let why = format!("{name} holding more than one plain word, which programs run as code");
                    return Err(unresolved(&why, idx, &w.raw));
                }
                self.check_arg_field(f, idx, w)
            }
            EnvUse::Flags => {
                for word in f.split(|c| c.0.is_whitespace()).filter(|word| !word.is_empty()) {
                    self.check_arg_field(word, idx, w)?;
                }
                Ok(())
            }
            EnvUse::Plain if name.ends_with("PATH") || name.ends_with("DIRS") => {
                f.split(|c| c.0 == ':').try_for_each(|part| self.check_field(part, idx, w))
            }
            EnvUse::Plain => self.check_field(f, idx, w),
        }
    }

    /// A word that is a path as a whole (redirection targets, file-tool
    /// operands).
    pub(crate) fn check_word(&mut self, w: &Word, idx: usize) -> Result<(), Violation> {
        windows_as_written(w)?;
        let fields = self.env.expand(w, true).map_err(|c| unresolved(&c, idx, &w.raw))?;
        for f in fields {
            self.check_field(&f, idx, w)?;
        }
        Ok(())
    }

    /// A JSON path value: checked as written and as a shell would expand it.
    pub(crate) fn check_json_path(&mut self, value: &str) -> Result<(), Violation> {
        let value: String = value.chars().filter(|c| *c != '\0').collect();
        let w = Word::literal(&value);
        self.check_literal(&w, 0)?;
        self.check_word(&w, 0)
    }

    /// The word's text as a file API would take it: no expansion.
    pub(crate) fn check_literal(&mut self, w: &Word, idx: usize) -> Result<(), Violation> {
        let literal: Field = w.text().chars().map(|c| (c, false)).collect();
        self.check_field(&literal, idx, w)
    }

    /// Resolve with the links the payload made so far.
    pub(super) fn resolve(&self, path: &Path) -> PathBuf {
        resolve_with(path, &self.links)
    }

    pub(super) fn inside(&self, resolved: &Path) -> bool {
        self.roots.iter().any(|root| resolved.starts_with(root))
    }

    /// Check one expanded field against the roots from every possible cwd.
    pub(super) fn check_field(&mut self, field: &[(char, bool)], idx: usize, w: &Word) -> Result<(), Violation> {
        let s: String = field.iter().map(|c| c.0).collect();
        if s.is_empty() {
            return Ok(());
        }
        if let Some(why) = self.env.unknown_state
            && !s.starts_with('/')
        {
            return Err(unresolved(&format!("relative path after {why}"), idx, &w.raw));
        }
        if let Some(nul) = field.iter().position(|c| c.0 == '\0') {
            // A C string ends at the NUL; bash drops NULs from its input.
            let stripped: Field = field.iter().copied().filter(|c| c.0 != '\0').collect();
            self.check_field(&field[..nul], idx, w)?;
            return self.check_field(&stripped, idx, w);
        }
        let candidate = || w.text();
        let mut field: Field = field.to_vec();
        match file_url_path(&s) {
            Some(Ok(p)) => field = p.chars().map(|c| (c, false)).collect(),
            Some(Err(reason)) => return Err(Violation { reason: reason.into(), candidate: candidate(), resolved: s }),
            None => {}
        }
        let s: String = field.iter().map(|c| c.0).collect();
        if let Some(reason) = windows_kind(&s) {
            return Err(Violation { reason: reason.to_string(), candidate: candidate(), resolved: s });
        }
        if self.env.ps {
            // `gc a,b` passes an array of two paths.
            if field.iter().any(|c| c.0 == ',') {
                for part in field.split(|c| c.0 == ',') {
                    self.check_field(part, idx, w)?;
                }
            }
            if is_provider_path(&s) {
                return Err(Violation { reason: REASON_PROVIDER.into(), candidate: candidate(), resolved: s });
            }
            for c in &mut field {
                if c.0 == '\\' {
                    c.0 = '/';
                }
            }
        }
        if field.windows(2).any(|p| p[0] == ('[', true) && matches!(p[1].0, '[' | ':' | '=' | '.'))
            || field.windows(3).any(|p| p[0] == ('[', true) && matches!(p[1].0, '!' | '^') && p[2].0 == '[')
        {
            return Err(unresolved("character class in a glob", idx, &w.raw));
        }
        for cwd in self.env.cwds.clone() {
            let paths = match glob(&field, &cwd, &mut self.budget) {
                Err(()) => return Err(self.budget_violation(idx, &w.raw)),
                Ok(Some(matches)) => matches,
                Ok(None) => vec![PathBuf::from(field.iter().map(|c| c.0).collect::<String>())],
            };
            for p in paths {
                let abs = cwd.join(p);
                if self.seen.contains(&abs) || is_harmless_dev(&abs) {
                    continue;
                }
                if !self.budget.spend(1) {
                    return Err(self.budget_violation(idx, &w.raw));
                }
                let resolved = self.resolve(&abs);
                if !self.inside(&resolved) {
                    return Err(Violation {
                        reason: REASON_ESCAPE.to_string(),
                        candidate: candidate(),
                        resolved: resolved.to_string_lossy().into_owned(),
                    });
                }
                self.seen.insert(abs);
            }
        }
        Ok(())
    }
}

/// A Windows drive or UNC path as written (before bash removes the
/// backslashes of `\\server\share`).
fn windows_as_written(w: &Word) -> Result<(), Violation> {
    for form in [w.text(), w.raw_unquoted()] {
        if let Some(reason) = windows_kind(&form) {
            return Err(Violation { reason: reason.to_string(), candidate: form.clone(), resolved: form });
        }
    }
    Ok(())
}
