//! What individual programs do with their arguments, as far as the scope
//! is concerned: which run code given as a string, which wrap another
//! command, and the small languages (sed, awk) whose scripts are read to
//! see that they touch no file.

/// Programs that run code given in a string, in their input or in a file
/// descriptor's worth of unknown text: refused outright, with the reason.
pub(super) fn runs_code(name: &str) -> Option<&'static str> {
    Some(match name {
        "eval" => "eval runs its arguments as code",
        "." => "dot-sourcing runs a script in this shell",
        "trap" => "trap runs its argument as code",
        "alias" => "alias redefines commands",
        "watch" => "watch runs its arguments through a shell",
        "xargs" | "parallel" => "xargs runs commands built from its input",
        "iex" | "invoke-expression" => "Invoke-Expression runs a string as code",
        "icm" | "invoke-command" | "start-job" | "sajb" | "start-threadjob" => "Invoke-Command runs a script block",
        "start-process" | "saps" | "start" => "Start-Process runs a program with its own arguments",
        "sudo" | "doas" | "su" | "pkexec" | "runuser" | "chroot" => "runs a command as another user or root",
        "shopt" => "shopt changes how words expand",
        "function" => "function definition",
        "enable" => "enable loads builtins from files",
        "script" | "flock" | "sg" | "runcon" | "systemd-run" | "nsenter" | "unshare" | "setpriv" | "chronic" => {
            "runs a command given as a string or with options not modelled"
        }
        "strace" | "ltrace" | "gdb" | "valgrind" | "perf" => "runs a command under a tracer",
        "entr" => "entr runs a command given as words or a string",
        _ => return None,
    })
}

/// Programs that never open their operands (their redirections are still
/// checked): their arguments need not be paths, or even be known.
pub(super) fn opens_nothing(name: &str) -> bool {
    ["echo", "printf", "true", "false", ":", "exit", "return", "break", "continue", "shift", "sleep", "wait"]
        .contains(&name)
}

/// Options, of any program, that name a command to run: `--to-command`,
/// `--use-compress-program`, `--rsh`, `--pre`, `--exec`, `--editor`,
/// tar's `--info-script` and `--checkpoint-action=exec=...`, ...
pub(super) fn runs_command_option(word: &str) -> Option<&'static str> {
    let name = word.split('=').next().unwrap_or("").to_ascii_lowercase();
    if !name.starts_with("--") {
        return None;
    }
    let hit = [
        "command", "exec", "program", "pager", "editor", "shell", "hook", "filter", "rsh", "proxy", "askpass", "eval",
        "call",
    ]
    .iter()
    .any(|k| name.contains(k))
        || ["--pre", "--run", "--upload-pack", "--receive-pack", "--extcmd"].contains(&name.as_str())
        || name.ends_with("-script")
        || (name == "--checkpoint-action" && word.contains("exec"));
    hit.then_some("option that names a command to run")
}

/// What programs do with an environment variable (or a `make`-style
/// `NAME=value` argument), as far as the scope is concerned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum EnvUse {
    /// Run as a command line or read as options that can name files or
    /// commands (`PAGER`, `GIT_SSH_COMMAND`, `LESSOPEN`, `NODE_OPTIONS`,
    /// `CC`): one plain word is allowed, checked like an argument.
    Command,
    /// Split into options (`CFLAGS`, `RUSTFLAGS`): each word is checked
    /// like an argument.
    Flags,
    /// Refused whatever the value: it injects configuration that can run
    /// commands (`GIT_CONFIG_PARAMETERS`) or is code (`PERL5DB`).
    Refused,
    /// Anything else: the value is checked as a path.
    Plain,
}

/// How `name` is used; see [`EnvUse`].
pub(super) fn env_use(name: &str) -> EnvUse {
    const REFUSED: [&str; 3] = ["GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "PERL5DB"];
    const COMMAND: [&str; 19] = [
        "LESSOPEN",
        "LESSCLOSE",
        "LESS",
        "MORE",
        "VISUAL",
        "SHELL",
        "BROWSER",
        "TERMINAL",
        "FCEDIT",
        "GIT_SSH",
        "GIT_EXTERNAL_DIFF",
        "CC",
        "CXX",
        "CPP",
        "LD",
        "AR",
        "FC",
        "MAKE",
        "RUSTC",
    ];
    const COMMAND_SUFFIXES: [&str; 14] = [
        "_COMMAND", "_CMD", "PAGER", "EDITOR", "ASKPASS", "_SSH", "_RSH", "_WRAPPER", "_RUNNER", "_PROGRAM", "_PROG",
        "OPTS", "OPTIONS", "OPT",
    ];
    let upper = name.to_ascii_uppercase();
    if REFUSED.contains(&upper.as_str())
        || upper.starts_with("GIT_CONFIG_KEY_")
        || upper.starts_with("GIT_CONFIG_VALUE_")
    {
        EnvUse::Refused
    } else if COMMAND.contains(&upper.as_str()) || COMMAND_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
        EnvUse::Command
    } else if upper.ends_with("FLAGS") {
        EnvUse::Flags
    } else {
        EnvUse::Plain
    }
}

/// A value a command variable may hold: one word with nothing a shell or
/// a pager would read as more than a program name or an option (`cat`,
/// `less`, `-R`, `--max-old-space-size=4096`).
pub(super) fn plain_command_word(value: &str) -> bool {
    !value.starts_with('+') && !value.chars().any(|c| c.is_whitespace() || "|;&$`<>(){}[]!'\"\\*?#~%".contains(c))
}

/// `git -c KEY=VALUE` and `git config KEY VALUE` for a key that may run a
/// command (`core.pager`, `alias.*`, `core.sshCommand`, ...): the first
/// such word. Only keys known to be inert are let through.
pub(super) fn git_unsafe_config<'w>(
    args: &[(usize, &'w super::lexer::Word)],
) -> Option<(usize, &'w super::lexer::Word)> {
    const INERT: [&str; 12] = [
        "user.",
        "color.",
        "advice.",
        "init.defaultbranch",
        "commit.gpgsign",
        "tag.gpgsign",
        "core.quotepath",
        "pull.rebase",
        "pull.ff",
        "log.",
        "push.default",
        "safe.directory",
    ];
    let inert = |key: &str| {
        let k = key.to_ascii_lowercase();
        INERT.iter().any(|p| k.starts_with(p) || k == p.trim_end_matches('.'))
    };
    let texts: Vec<String> = args.iter().map(|a| a.1.text()).collect();
    for (k, t) in texts.iter().enumerate() {
        let key = texts.get(k + 1).map(|kv| kv.split('=').next().unwrap_or(""));
        if (t == "-c" || t == "--config-env") && key.is_some_and(|key| !inert(key)) {
            return Some(args[k + 1]);
        }
    }
    let sub = texts.iter().position(|t| t == "config")?;
    let operands: Vec<usize> = (sub + 1..texts.len()).filter(|&j| !texts[j].starts_with('-')).collect();
    match operands.as_slice() {
        [key, _, ..] if !inert(&texts[*key]) => Some(args[*key]),
        _ => None,
    }
}

/// Interpreter options that take the next word as their value.
pub(super) const INTERPRETER_VALUE_OPTS: [&str; 12] =
    ["-o", "+o", "-O", "+O", "--rcfile", "--init-file", "-W", "-X", "-r", "--require", "--loader", "--import"];

/// Short options that name a command to run, per program: the index of the
/// first one in `args`.
pub(super) fn exec_option(name: &str, args: &[String]) -> Option<usize> {
    let opts: &[&str] = match name {
        "fd" | "fdfind" => &["-x", "-X"],
        "npx" | "npm" | "pnpm" | "yarn" => &["-c"],
        "rsync" => &["-e"],
        "tar" | "bsdtar" => &["-I", "-F"],
        "man" => &["-P"],
        "zip" => &["-TT"],
        "emacs" | "emacsclient" => &["-eval", "--eval", "-f", "--funcall", "-e"],
        "ssh" | "scp" | "sftp" => &["-o"],
        "make" | "gmake" => &["-E"],
        "cc" | "c++" | "gcc" | "g++" | "clang" | "clang++" => &["-wrapper"],
        "psql" => &["-c"],
        "mysql" | "mariadb" => &["-e"],
        "sqlite3" => &["-cmd"],
        _ => return None,
    };
    args.iter().position(|a| {
        opts.iter().any(|o| a == o || (a.starts_with(o) && o.len() == 2 && !a.starts_with("--")))
            || a.to_ascii_lowercase().contains("command=")
    })
}

/// Code given as a string in a program's arguments, for another program to
/// run: `uv run sh -c '…'`, `git submodule foreach '…'`, `git rebase -x '…'`,
/// `cargo --config 'build.rustc-wrapper="…"'`, `sqlite3 db '.shell …'`. The
/// index of the word in `args` (the program's arguments), and why.
pub(super) fn code_in_args(name: &str, args: &[String]) -> Option<(usize, &'static str)> {
    // An interpreter with its code option anywhere in the arguments.
    for (k, pair) in args.windows(2).enumerate() {
        // A shell's `-i` and `-s` read standard input, not the next word.
        let letters = match interpreter(pair[0].rsplit('/').next().unwrap_or("")) {
            Some("cis") => "c",
            other => other.unwrap_or(""),
        };
        if let Some(opts) = pair[1].strip_prefix('-')
            && !opts.starts_with('-')
            && opts.chars().any(|c| letters.contains(c))
        {
            return Some((k + 1, "an interpreter given code as a string, for another program to run"));
        }
    }
    match name {
        "git" => git_code(args),
        "cargo" => args.iter().enumerate().find_map(|(k, a)| {
            let value = if a == "--config" { args.get(k + 1).map(String::as_str) } else { a.strip_prefix("--config=") };
            value
                .filter(|v| v.contains('='))
                .map(|_| (k, "cargo --config with inline settings, which may name a command"))
        }),
        "sqlite3" => {
            let operands: Vec<usize> = (0..args.len()).filter(|&k| !args[k].starts_with('-')).collect();
            operands.get(1).map(|&k| (k, "SQL or dot-commands given as a string"))
        }
        _ => None,
    }
}

/// git subcommands that take a command to run: `clone -u`, `difftool -x`,
/// `rebase -x`, `grep -O`, `submodule foreach`.
fn git_code(args: &[String]) -> Option<(usize, &'static str)> {
    let mut k = 0;
    while let Some(a) = args.get(k) {
        if a == "-C" || a == "-c" {
            k += 2;
        } else if a.starts_with('-') {
            k += 1;
        } else {
            break;
        }
    }
    let sub = args.get(k)?.as_str();
    let shorts: &[&str] = match sub {
        "clone" => &["-u"],
        "difftool" | "rebase" => &["-x"],
        "grep" => &["-O"],
        "submodule" => {
            return args[k + 1..]
                .iter()
                .position(|a| a == "foreach")
                .map(|j| (k + 1 + j, "git submodule foreach runs a command"));
        }
        _ => return None,
    };
    args[k + 1..]
        .iter()
        .position(|a| shorts.iter().any(|o| a == o || (a.starts_with(o) && !a.starts_with("--"))))
        .map(|j| (k + 1 + j, "git option that names a command to run"))
}

/// Interpreters: (option letters that take code from a string or stdin).
pub(super) fn interpreter(name: &str) -> Option<&'static str> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match base {
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "mksh" | "ash" | "yash" | "fish" | "csh" | "tcsh" => "cis",
        "python" | "pypy" => "c",
        "perl" => "eE",
        "ruby" | "irb" => "e",
        "node" | "nodejs" | "deno" | "bun" => "ep",
        "php" => "rR",
        "lua" | "luajit" | "rscript" | "osascript" | "julia" => "e",
        "expect" | "tclsh" | "wish" => "c",
        "pwsh" | "powershell" => "cCeE",
        _ => return None,
    })
}

/// Wrappers that run the command in their arguments, with the options that
/// take a separate value.
pub(super) fn wrapper(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "env" => &["-u", "--unset"],
        "nice" => &["-n", "--adjustment"],
        "nohup" | "builtin" | "setsid" | "command" | "time" | "exec" => &["-a"],
        "stdbuf" => &["-i", "-o", "-e"],
        "timeout" => &["-s", "-k", "--signal", "--kill-after"],
        "ionice" => &["-c", "-n", "-p"],
        "taskset" | "busybox" | "toybox" | "coproc" => &[],
        _ => return None,
    })
}

/// Editors run ex commands given as `+cmd`, `-c cmd`, `--cmd cmd`,
/// `-S file`: is this word one?
pub(super) fn editor_command(name: &str, word: &str) -> bool {
    ["vi", "vim", "nvim", "ex", "view", "gvim"].contains(&name)
        && (word.starts_with('+') || ["-c", "--cmd", "-S", "-s", "-u", "--eval"].contains(&word))
}

/// `less +cmd` / `more +cmd` run `cmd` as if typed, and `!` runs a shell,
/// `|` pipes to one, `:e` opens a file: is this word such a command, other
/// than a line number, `G`, `g`, `F` or a search?
pub(super) fn pager_command(word: &str) -> bool {
    let Some(cmd) = word.strip_prefix('+') else { return false };
    let search =
        (cmd.starts_with('/') || cmd.starts_with('?')) && !cmd.chars().any(|c| c.is_control() || c == '!' || c == '|');
    !(search || cmd.chars().all(|c| c.is_ascii_digit()) || ["G", "g", "F"].contains(&cmd))
}

/// Options that make a program walk a directory tree through symlinks,
/// which may lead out of the root (`find -L`, `grep -R`, `rg --follow`):
/// the index of the first one in `args`.
pub(super) fn follows_links(name: &str, args: &[String]) -> Option<usize> {
    let (long, short): (&[&str], &[char]) = match name {
        "find" | "gfind" => (&["-follow"], &['L']),
        "grep" | "egrep" | "fgrep" | "ggrep" => (&["--dereference-recursive"], &['R']),
        "rg" | "fd" | "fdfind" => (&["--follow"], &['L']),
        "du" => (&["--dereference"], &['L']),
        "tree" => (&[], &['l']),
        _ => return None,
    };
    args.iter().position(|a| {
        long.contains(&a.as_str())
            || (a.starts_with('-') && !a.starts_with("--") && a.len() > 1 && a[1..].chars().any(|c| short.contains(&c)))
    })
}

/// PowerShell's `Get-ChildItem -FollowSymlink` (any unambiguous
/// abbreviation, `-Fol` and longer): the index of the first one in `args`.
pub(super) fn ps_follows_links(name: &str, args: &[String]) -> Option<usize> {
    if !["get-childitem", "gci", "dir", "ls", "childitem"].contains(&name) {
        return None;
    }
    args.iter().position(|a| {
        let a = a.to_ascii_lowercase();
        let flag = a.split(':').next().unwrap_or("");
        flag.len() >= 4 && "-followsymlink".starts_with(flag)
    })
}

/// `mktemp` without `-p DIR` (or `--tmpdir=DIR`) creates its file under
/// `$TMPDIR` or `/tmp` when it has no template or has `-t`/`--tmpdir`:
/// the index of that option in `args`, or `args.len()` for no template.
pub(super) fn mktemp_outside(name: &str, args: &[String]) -> Option<usize> {
    if name != "mktemp" {
        return None;
    }
    let (mut operand, mut tmpdir) = (false, None);
    for (k, a) in args.iter().enumerate() {
        if a == "-p" || a.starts_with("--tmpdir=") || (a.starts_with("-p") && !a.starts_with("--")) {
            return None; // a directory is given, and checked as a path
        } else if a == "--tmpdir" || (a.starts_with('-') && !a.starts_with("--") && a.contains('t')) {
            tmpdir = tmpdir.or(Some(k));
        } else if !a.starts_with('-') {
            operand = true;
        }
    }
    match (tmpdir, operand) {
        (Some(k), _) => Some(k),
        (None, false) => Some(args.len()),
        (None, true) => None,
    }
}

/// `cd`-like commands (bash and PowerShell names).
pub(super) fn changes_dir(name: &str) -> Option<DirOp> {
    Some(match name {
        "cd" | "chdir" | "set-location" | "sl" => DirOp::Cd,
        "pushd" | "push-location" => DirOp::Push,
        "popd" | "pop-location" => DirOp::Pop,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DirOp {
    Cd,
    Push,
    Pop,
}

/// Reserved words that may precede a command.
pub(super) const RESERVED: [&str; 17] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time", "[[", "]]", "esac", "in",
];

/// An awk program that can neither run commands nor read or write files
/// other than its operands.
pub(super) fn awk_safe(program: &str) -> bool {
    if ["system", "getline", "@load", "@include"].iter().any(|t| program.contains(t)) {
        return false;
    }
    // `>`, `>>` and `|` redirect only after `print`/`printf` in a statement;
    // elsewhere they compare (`$1 > 0`) or are `||`.
    program.split([';', '{', '}', '\n']).all(|statement| match statement.find("print") {
        Some(p) => {
            let rest = statement[p..].replace("||", "");
            !rest.contains('>') && !rest.contains('|')
        }
        None => true,
    })
}

/// A sed script made only of commands that touch no file: substitutions
/// without the `w`/`e` flags, transliteration, printing, deleting, hold
/// space and branching. Anything else (`r`, `R`, `w`, `W`, `e`, text
/// commands, GNU extensions) is not judged safe.
pub(super) fn sed_safe(script: &str) -> bool {
    let c: Vec<char> = script.chars().collect();
    let n = c.len();
    let mut i = 0;
    // Skip a delimited field ending at `d`, honouring backslash escapes.
    let field = |i: &mut usize, d: char| -> bool {
        while *i < n && c[*i] != d {
            if c[*i] == '\\' {
                *i += 1;
            }
            *i += 1;
        }
        *i += 1;
        *i <= n
    };
    loop {
        while i < n && (c[i].is_whitespace() || c[i] == ';') {
            i += 1;
        }
        if i >= n {
            return true;
        }
        // Addresses: numbers, `$`, `/re/`, `\%re%`, `,`, `~`, `+`, `!`.
        loop {
            match c.get(i) {
                Some(d) if d.is_ascii_digit() || "$,~+! ".contains(*d) => i += 1,
                Some('/') => {
                    i += 1;
                    if !field(&mut i, '/') {
                        return false;
                    }
                }
                Some('\\') => {
                    let Some(&d) = c.get(i + 1) else { return false };
                    i += 2;
                    if !field(&mut i, d) {
                        return false;
                    }
                }
                _ => break,
            }
        }
        let Some(&cmd) = c.get(i) else { return true };
        i += 1;
        match cmd {
            's' | 'y' => {
                let Some(&d) = c.get(i) else { return false };
                if d == '\\' || d == '\n' {
                    return false;
                }
                i += 1;
                if !field(&mut i, d) || !field(&mut i, d) {
                    return false;
                }
                if cmd == 's' {
                    while i < n && "gpiImM0123456789".contains(c[i]) {
                        i += 1;
                    }
                }
                if i < n && !(c[i].is_whitespace() || c[i] == ';' || c[i] == '}') {
                    return false;
                }
            }
            '{' | '}' | '=' | 'd' | 'D' | 'g' | 'G' | 'h' | 'H' | 'l' | 'n' | 'N' | 'p' | 'P' | 'x' | 'z' => {}
            'q' | 'Q' => {
                while i < n && (c[i].is_ascii_digit() || c[i] == ' ') {
                    i += 1;
                }
            }
            'b' | 't' | 'T' | ':' => {
                while i < n && c[i] != ';' && c[i] != '\n' {
                    i += 1;
                }
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sed_scripts() {
        for ok in ["s/a/b/", "s/a/b/g;s|x|y|2", "1,5p", "/foo/d", "$!N; s/\\n/ /", "y/abc/xyz/", "10q"] {
            assert!(sed_safe(ok), "{ok}");
        }
        for bad in ["s/a/b/w /etc/x", "s/a/b/e", "r /etc/passwd", "1w out", "e cat /etc/passwd", "R x", "s/a/b"] {
            assert!(!sed_safe(bad), "{bad}");
        }
    }

    #[test]
    fn awk_programs() {
        assert!(awk_safe("{print $1}"));
        assert!(awk_safe("$3 < 5 {n++} END {print n}"));
        assert!(awk_safe("$1 > 0 || $2 > 1 { print $1 }"));
        assert!(!awk_safe("{ print $1 >> \"out\" }"));
        assert!(!awk_safe("{ printf \"%s\", $0 | \"sh\" }"));
        for bad in ["{system(\"id\")}", "{print > \"/etc/x\"}", "{\"cat /etc/passwd\" | getline x}"] {
            assert!(!awk_safe(bad), "{bad}");
        }
    }
}
