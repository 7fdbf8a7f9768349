//! Variables and words: assignments, what builtins do to variables,
//! and globbing within the budget.

use super::{Checker, MAX_VALUES, SPECIAL_ASSIGN, unresolved};
use crate::path_scope::Violation;
use crate::path_scope::commands::{self};
use crate::path_scope::expand::Val;
use crate::path_scope::glob::{Field, MAX_GLOB_ENTRIES, MAX_GLOB_TIME, glob};
use crate::path_scope::lexer::{Q, Word};

impl Checker {
    /// The words a field globs to (the field itself when nothing matches).
    pub(super) fn glob_all(&mut self, field: &Field, idx: usize, raw: &str) -> Result<Vec<String>, Violation> {
        let text: String = field.iter().map(|c| c.0).collect();
        let mut out = Vec::new();
        for cwd in self.env.cwds.clone() {
            match glob(field, &cwd, &mut self.budget) {
                Err(()) => return Err(self.budget_violation(idx, raw)),
                Ok(None) => out.push(text.clone()),
                Ok(Some(matches)) => {
                    let rel = !text.starts_with('/');
                    out.extend(matches.iter().map(|m| {
                        let m = if rel { m.strip_prefix(&cwd).unwrap_or(m) } else { m };
                        m.to_string_lossy().into_owned()
                    }));
                }
            }
        }
        out.dedup();
        Ok(out)
    }

    pub(super) fn budget_violation(&self, idx: usize, raw: &str) -> Violation {
        let what =
            format!("glob expansion past its budget ({MAX_GLOB_ENTRIES} entries, {} ms)", MAX_GLOB_TIME.as_millis());
        unresolved(&what, idx, raw)
    }

    /// Give `name` its new possible values: in place of the old ones when
    /// the assignment surely runs in this shell, else added to them.
    pub(super) fn set_var(&mut self, name: &str, new: Vec<Option<String>>) {
        let val = match self.env.lookup(name) {
            _ if self.loop_depth > 0 => Val::Unknown("assigned in a loop".into()),
            _ if self.definite => Val::Known(new),
            Ok(mut old) => {
                for v in new {
                    if !old.contains(&v) {
                        old.push(v);
                    }
                }
                if old.len() > MAX_VALUES {
                    Val::Unknown("has too many possible values".into())
                } else {
                    Val::Known(old)
                }
            }
            Err(why) => Val::Unknown(why.trim_start_matches(&format!("${name} ")).to_string()),
        };
        self.env.vars.insert(name.to_string(), val);
    }

    /// `NAME=value`: the value is checked as a path (it may be handed to a
    /// program that uses it as one; see `check_value`) and recorded.
    /// `exports` says the assignment is in the environment of the programs
    /// run (a prefix assignment, `export`, `env`); there, and for a variable
    /// already exported, a value known only at run time is refused.
    pub(super) fn assign(&mut self, w: &Word, idx: usize, exports: bool) -> Result<(), Violation> {
        let Some((name, start)) = w.assignment() else { return Ok(()) };
        if commands::RESERVED.contains(&name.as_str()) || SPECIAL_ASSIGN.contains(&name.as_str()) {
            return Err(unresolved(&format!("assignment to {name}"), idx, &w.raw));
        }
        if exports {
            self.exported.insert(name.clone());
        }
        let value = Word { chars: w.chars[start..].to_vec(), raw: w.raw.clone(), subs: Vec::new() };
        let fields = match self.env.expand(&value, false) {
            Ok(f) => f,
            Err(why) => return self.set_unknown(&name, &format!("set by {why}"), idx, &w.raw),
        };
        let mut values = Vec::new();
        for f in fields {
            self.check_value(&name, &f, idx, w)?;
            values.push(Some(f.iter().map(|c| c.0).collect()));
        }
        if values.is_empty() {
            values.push(Some(String::new()));
        }
        if w.chars.get(start.wrapping_sub(2)) == Some(&('+', Q::Unq)) {
            // `X+=v` appends to every value X may have.
            let old = match self.env.lookup(&name) {
                Ok(old) => old,
                Err(why) => return self.set_unknown(&name, &why, idx, &w.raw),
            };
            let mut joined = Vec::new();
            for o in &old {
                for v in &values {
                    let text = format!("{}{}", o.as_deref().unwrap_or(""), v.as_deref().unwrap_or(""));
                    let field: Field = text.chars().map(|c| (c, false)).collect();
                    self.check_field(&field, idx, w)?;
                    joined.push(Some(text));
                }
            }
            values = joined;
        }
        self.set_var(&name, values);
        Ok(())
    }

    /// Variables set by `read`, `mapfile`, `printf -v`, `getopts`, `let`,
    /// `unset`.
    pub(super) fn var_effects(&mut self, name: &str, args: &[(usize, &Word)]) -> Result<(), Violation> {
        let texts: Vec<String> = args.iter().map(|a| a.1.text()).collect();
        let (idx, raw) = args.first().map_or((0, String::new()), |a| (a.0, a.1.raw.clone()));
        let set_by = |how: &str| format!("set by {how}");
        match name {
            "read" => {
                for t in texts.iter().filter(|t| !t.starts_with('-')) {
                    self.set_unknown(t, &set_by("read"), idx, &raw)?;
                }
                self.set_unknown("REPLY", &set_by("read"), idx, &raw)?;
            }
            "mapfile" | "readarray" => {
                let target = texts.iter().rfind(|t| !t.starts_with('-')).cloned().unwrap_or("MAPFILE".into());
                self.set_unknown(&target, &set_by(name), idx, &raw)?;
            }
            "getopts" => {
                if let Some(t) = texts.get(1) {
                    self.set_unknown(t, &set_by("getopts"), idx, &raw)?;
                }
            }
            "printf" => {
                if let Some(p) = texts.iter().position(|t| t == "-v")
                    && let Some(t) = texts.get(p + 1)
                {
                    self.set_unknown(t, &set_by("printf -v"), idx, &raw)?;
                }
            }
            "let" => {
                for t in &texts {
                    let var: String = t.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    self.set_unknown(&var, &set_by("let"), idx, &raw)?;
                }
            }
            _ => {
                for t in texts.iter().filter(|t| !t.starts_with('-')) {
                    self.set_var(t, vec![None]);
                }
            }
        }
        Ok(())
    }

    /// `name` now holds a value known only at run time: recorded, so a word
    /// that uses it is refused; refused at once if programs see it.
    pub(super) fn set_unknown(&mut self, name: &str, why: &str, idx: usize, raw: &str) -> Result<(), Violation> {
        if self.is_exported(name) {
            let what = format!("{name} exported with a value known only at run time ({why})");
            return Err(unresolved(&what, idx, raw));
        }
        self.env.vars.insert(name.to_string(), Val::Unknown(why.to_string()));
        Ok(())
    }

    /// `export NAME`: programs see it from now on, so its value must be known.
    pub(super) fn export(&mut self, name: &str, idx: usize, raw: &str) -> Result<(), Violation> {
        if let Err(why) = self.env.lookup(name) {
            return Err(unresolved(&format!("{name} exported with a value known only at run time ({why})"), idx, raw));
        }
        self.exported.insert(name.to_string());
        Ok(())
    }
}
