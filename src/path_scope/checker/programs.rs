//! Programs that change what runs or where: interpreters, wrappers,
//! `cd`/`pushd`/`popd`, and the symlinks a payload makes.

use std::path::{Path, PathBuf};

use super::{Checker, REASON_ESCAPE, union, unresolved};
use crate::path_scope::Violation;
use crate::path_scope::commands::{self, DirOp};
use crate::path_scope::lexer::Word;
use crate::path_scope::resolve::normalize;

impl Checker {
    /// An interpreter: code from a string or stdin is refused; a script
    /// file is a path like any other.
    pub(super) fn interpreter(
        &mut self,
        name: &str,
        letters: &str,
        args: &mut Vec<(usize, &Word)>,
        program: &Word,
    ) -> Result<(), Violation> {
        let ps = name.starts_with("pwsh") || name.starts_with("powershell");
        let asks = |t: &str| ["--version", "-V", "-v", "--help", "-h", "-version", "-help"].contains(&t);
        if args.first().is_some_and(|(_, w)| asks(&w.text())) {
            return Ok(());
        }
        let mut k = 0;
        while let Some(&(idx, w)) = args.get(k) {
            let t = w.text();
            if t == "-" {
                return Err(unresolved(&format!("{name} reading code from standard input"), idx, &w.raw));
            }
            if t.starts_with("--") {
                if ["eval", "command", "exec", "print"].iter().any(|x| t.contains(x)) {
                    return Err(unresolved(&format!("{name} {t} runs code from a string"), idx, &w.raw));
                }
                k += 1;
                continue;
            }
            if commands::INTERPRETER_VALUE_OPTS.contains(&t.as_str()) {
                k += 2;
                continue;
            }
            if t.starts_with('+') && t.len() > 1 {
                k += 1;
                continue;
            }
            if ps
                && name.starts_with("powershell")
                && !args[..k].iter().any(|(_, w)| {
                    let f = w.text().to_lowercase();
                    f == "-file" || f == "-f"
                })
            {
                return Err(unresolved("powershell runs a positional argument as a command", idx, &w.raw));
            }
            if let Some(opts) = t.strip_prefix('-') {
                let code = if ps {
                    let lower = opts.to_lowercase();
                    lower.starts_with('c') || lower.starts_with('e')
                } else {
                    opts.chars().any(|c| letters.contains(c))
                };
                if code {
                    return Err(unresolved(&format!("{name} {t} runs code from a string"), idx, &w.raw));
                }
                // `python -m module`: runs an installed or in-root module.
                if name.starts_with("python") && opts == "m" {
                    return Ok(());
                }
                k += 1;
                continue;
            }
            if t.starts_with("/dev/") || t.starts_with("/proc/") {
                return Err(unresolved(&format!("{name} reading code from standard input"), idx, &w.raw));
            }
            if (name.starts_with("deno") || name.starts_with("bun")) && t == "eval" {
                return Err(unresolved(&format!("{name} eval runs code from a string"), idx, &w.raw));
            }
            return Ok(());
        }
        let idx = args.last().map_or(1, |a| a.0);
        Err(unresolved(&format!("{name} reading code from standard input"), idx, &program.raw))
    }

    /// awk and sed: the program word is read (not checked as a path), and
    /// refused when it can run commands or touch files.
    pub(super) fn program_arg(
        &mut self,
        args: &mut Vec<(usize, &Word)>,
        file_opts: &[&str],
        value_opts: &[&str],
        awk: bool,
    ) -> Result<(), Violation> {
        let mut from_file = false;
        let mut k = 0;
        let mut programs = Vec::new();
        while let Some(&(idx, w)) = args.get(k) {
            let t = w.text();
            let inline = ["-e", "--expression", "--source"].contains(&t.as_str());
            if inline && let Some(&(pidx, p)) = args.get(k + 1) {
                programs.push((pidx, p));
                args.drain(k..k + 2);
                continue;
            }
            if let Some(rest) = t.strip_prefix("--expression=").or_else(|| t.strip_prefix("--source=")) {
                programs.push((idx, w));
                let _ = rest;
                args.remove(k);
                continue;
            }
            from_file |= file_opts.iter().any(|o| t == *o || (t.starts_with(o) && t.len() > o.len()));
            if value_opts.contains(&t.as_str()) {
                k += 2;
                continue;
            }
            if t.starts_with('-') && t.len() > 1 {
                k += 1;
                continue;
            }
            if !from_file && programs.is_empty() {
                programs.push((idx, w));
                args.remove(k);
            }
            break;
        }
        for (idx, w) in programs {
            let fields = self.env.expand(w, false).map_err(|c| unresolved(&c, idx, &w.raw))?;
            for f in fields {
                let text: String = f.iter().map(|c| c.0).collect();
                let text = text.trim_start_matches("--expression=").trim_start_matches("--source=");
                let safe = if awk { commands::awk_safe(text) } else { commands::sed_safe(text) };
                if !safe {
                    let what = if awk {
                        "awk program that runs commands or opens files"
                    } else {
                        "sed script that runs commands or opens files"
                    };
                    return Err(unresolved(what, idx, &w.raw));
                }
            }
        }
        Ok(())
    }

    /// `cd`, `pushd`, `popd` and their PowerShell names.
    pub(super) fn change_dir(
        &mut self,
        op: DirOp,
        args: &[(usize, &Word)],
        program: &Word,
    ) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Violation> {
        let input = self.env.cwds.clone();
        if self.loop_depth > 0 {
            return Err(unresolved("cd inside a loop", 1, &program.raw));
        }
        let target = args.iter().find(|(_, w)| {
            let t = w.text();
            !(t.starts_with('-') && t.len() > 1)
        });
        let new: Vec<PathBuf> = match (op, target) {
            (DirOp::Pop, _) => match self.dirstack.pop() {
                Some(d) => d,
                None => return Err(unresolved("popd without a matching pushd", 1, &program.raw)),
            },
            (DirOp::Push, None) => return Err(unresolved("pushd without a directory", 1, &program.raw)),
            (_, Some(&(idx, w))) if w.is_bare("-") => {
                self.env.lookup("OLDPWD").map_err(|c| unresolved(&c, idx, &w.raw))?;
                self.env.oldpwd.clone().unwrap_or_default()
            }
            (_, Some(&(idx, w))) => {
                let t = w.text();
                if t.starts_with(['+', '-']) && t[1..].chars().all(|c| c.is_ascii_digit()) {
                    return Err(unresolved("directory stack entry", idx, &w.raw));
                }
                let fields = self.env.expand(w, true).map_err(|c| unresolved(&c, idx, &w.raw))?;
                let cdpath =
                    self.env.lookup("CDPATH").map(|v| v.iter().any(|x| x.as_deref().is_some_and(|s| !s.is_empty())));
                let mut out = Vec::new();
                for f in fields {
                    let text: String = f.iter().map(|c| c.0).collect();
                    if !self.env.ps && !text.starts_with(['/', '.']) && cdpath != Ok(false) {
                        return Err(unresolved("cd with CDPATH set", idx, &w.raw));
                    }
                    self.check_field(&f, idx, w)?;
                    for p in self.glob_all(&f, idx, &w.raw)? {
                        let p = if self.env.ps { p.replace('\\', "/") } else { p };
                        // bash's `cd` is logical (`..` drops the last name of
                        // $PWD), file access physical: keep both.
                        for cwd in &input {
                            out.push(self.resolve(&cwd.join(&p)));
                            out.push(normalize(&cwd.join(&p)));
                        }
                    }
                }
                out
            }
            (DirOp::Cd, None) => {
                let home = Word::literal("~");
                let fields = self.env.expand(&home, true).map_err(|c| unresolved(&c, 1, &program.raw))?;
                for f in &fields {
                    self.check_field(f, 1, &home)?;
                }
                fields.iter().map(|f| self.resolve(Path::new(&f.iter().map(|c| c.0).collect::<String>()))).collect()
            }
        };
        if new.is_empty() {
            return Err(unresolved("cd to an unknown directory", 1, &program.raw));
        }
        let new = union(&new, &[]);
        for d in &new {
            if !self.inside(&self.resolve(d)) {
                return Err(Violation {
                    reason: REASON_ESCAPE.into(),
                    candidate: program.raw.clone(),
                    resolved: d.to_string_lossy().into_owned(),
                });
            }
        }
        if op == DirOp::Push {
            self.dirstack.push(input.clone());
        }
        self.env.oldpwd = Some(union(self.env.oldpwd.as_deref().unwrap_or(&[]), &input));
        Ok((new, input))
    }

    /// `ln -s TARGET... LINK`: a relative target is read from the link's
    /// directory, so it is checked from there (and taken out of `args`);
    /// an absolute one is checked like any path.
    pub(super) fn symlinks(&mut self, args: &mut Vec<(usize, &Word)>) -> Result<(), Violation> {
        let texts: Vec<String> = args.iter().map(|(_, w)| w.text()).collect();
        let symbolic =
            texts.iter().any(|t| t == "--symbolic" || (t.starts_with('-') && !t.starts_with("--") && t.contains('s')));
        if !symbolic {
            return Ok(());
        }
        let mut dir: Option<String> = None;
        // Positions (in `args`) of the operands.
        let mut operands = Vec::new();
        let mut k = 0;
        while k < texts.len() {
            let t = &texts[k];
            if t == "-t" || t == "--target-directory" {
                dir = texts.get(k + 1).cloned();
                k += 2;
                continue;
            }
            if let Some(d) = t.strip_prefix("--target-directory=").or_else(|| t.strip_prefix("-t")) {
                dir = Some(d.to_string());
            } else if !t.starts_with('-') {
                operands.push(k);
            }
            k += 1;
        }
        let (link_dir, targets) = match dir {
            Some(d) => (Some(d), &operands[..]),
            None if operands.len() >= 2 => {
                (Some(texts[operands[operands.len() - 1]].clone()), &operands[..operands.len() - 1])
            }
            None => (None, &operands[..]),
        };
        let relative: Vec<usize> = targets.iter().copied().filter(|&k| !texts[k].starts_with('/')).collect();
        for &k in &relative {
            let (idx, w) = args[k];
            let fields = self.env.expand(w, false).map_err(|c| unresolved(&c, idx, &w.raw))?;
            for cwd in self.env.cwds.clone() {
                let base = match &link_dir {
                    Some(d) => {
                        let p = self.resolve(&cwd.join(d));
                        if p.is_dir() { p } else { p.parent().map_or(p.clone(), Path::to_path_buf) }
                    }
                    None => cwd.clone(),
                };
                for f in &fields {
                    let t: String = f.iter().map(|c| c.0).collect();
                    let resolved = self.resolve(&base.join(&t));
                    if !self.inside(&resolved) {
                        return Err(Violation {
                            reason: REASON_ESCAPE.into(),
                            candidate: w.text(),
                            resolved: resolved.to_string_lossy().into_owned(),
                        });
                    }
                }
            }
        }
        // Later paths go through the new links.
        for &k in targets {
            let target = PathBuf::from(&texts[k]);
            let name = target.file_name().map(PathBuf::from).unwrap_or_default();
            for cwd in self.env.cwds.clone() {
                let link = match &link_dir {
                    Some(d) => {
                        let p = self.resolve(&cwd.join(d));
                        if p.is_dir() { p.join(&name) } else { p }
                    }
                    None => cwd.join(&name),
                };
                self.links.push((link, target.clone()));
            }
        }
        for k in relative.into_iter().rev() {
            args.remove(k);
        }
        Ok(())
    }
}
