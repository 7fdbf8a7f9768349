//! `exec-tool --workspace-root`: path scope for shell and file tools.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use claw::path_scope::{Violation, check};

use crate::support;

const ESCAPE: &str = "path escapes the workspace roots";

/// A fresh temporary directory, removed on drop, at its canonical path.
///
/// Layout: `base/root` (the workspace: `notes.txt`, `sub/a.txt`),
/// `base/outside` (`secret.txt`), `base/root2` (`b.txt`), `base/rootx`.
struct Sandbox {
    _dir: tempfile::TempDir,
    base: PathBuf,
}

impl Sandbox {
    fn new(tag: &str) -> Self {
        let dir = tempfile::Builder::new().prefix(&format!("claw-path-scope-{tag}-")).tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        for d in ["root/sub", "outside", "root2", "rootx"] {
            fs::create_dir_all(base.join(d)).unwrap();
        }
        fs::write(base.join("root/notes.txt"), "notes").unwrap();
        fs::write(base.join("root/sub/a.txt"), "a").unwrap();
        fs::write(base.join("outside/secret.txt"), "secret").unwrap();
        fs::write(base.join("root2/b.txt"), "b").unwrap();
        Sandbox { _dir: dir, base }
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.base.join(rel)
    }

    fn s(&self, rel: &str) -> String {
        self.p(rel).to_string_lossy().into_owned()
    }

    fn root(&self) -> String {
        self.s("root")
    }

    fn roots(&self) -> Vec<String> {
        vec![self.root()]
    }

    fn symlink(&self, target: &Path, link: &str) {
        std::os::unix::fs::symlink(target, self.p(link)).unwrap();
    }
}

fn bash(sb: &Sandbox, payload: &str) -> Result<(), Violation> {
    check("BashTool", payload, &sb.roots(), None)
}

fn denied(result: Result<(), Violation>, what: &str) -> Violation {
    match result {
        Err(v) => v,
        Ok(()) => panic!("expected a violation for {what}"),
    }
}

/// Assert `payload` (BashTool, root only) is refused for `candidate`,
/// resolved to `resolved`, as an escape.
fn assert_escape(sb: &Sandbox, payload: &str, candidate: &str, resolved: &str) {
    let v = denied(bash(sb, payload), payload);
    assert_eq!(
        v,
        Violation { reason: ESCAPE.into(), candidate: candidate.into(), resolved: resolved.into() },
        "payload {payload:?}"
    );
}

fn assert_allowed(sb: &Sandbox, payload: &str) {
    assert_eq!(bash(sb, payload), Ok(()), "payload {payload:?}");
}

fn claw(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Output {
    support::claw_in(&sb.base).args(args).envs(env.iter().copied()).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn dotdot_escape_is_denied() {
    let sb = Sandbox::new("dotdot");
    assert_escape(&sb, "cat ../outside/secret.txt", "../outside/secret.txt", &sb.s("outside/secret.txt"));
    assert_escape(&sb, "cat notes.txt sub/../../outside/x", "sub/../../outside/x", &sb.s("outside/x"));
    // `..` after a component that does not exist still climbs.
    assert_escape(&sb, "cat missing/../../x", "missing/../../x", &sb.s("x"));
    assert_escape(&sb, "ls ..", "..", &sb.base.to_string_lossy());
    // Going down and back up inside the root is fine.
    assert_allowed(&sb, "cat sub/../notes.txt sub/x/../../notes.txt");
}

#[test]
fn symlink_pointing_outside_is_denied() {
    let sb = Sandbox::new("symlink");
    sb.symlink(&sb.p("outside"), "root/escape");
    sb.symlink(&sb.p("outside/new.txt"), "root/dangling");
    sb.symlink(Path::new("../../outside/secret.txt"), "root/sub/relative");
    sb.symlink(&sb.p("root/sub"), "root/inner");
    assert_escape(&sb, "cat escape/secret.txt", "escape/secret.txt", &sb.s("outside/secret.txt"));
    assert_escape(&sb, "cat escape", "escape", &sb.s("outside"));
    // A dangling link is followed too: writing through it lands outside.
    assert_escape(&sb, "echo hi > dangling", "dangling", &sb.s("outside/new.txt"));
    assert_escape(&sb, "cat sub/relative", "sub/relative", &sb.s("outside/secret.txt"));
    // Links that stay inside are fine, and so is a root given through a link.
    assert_allowed(&sb, "cat inner/a.txt inner/../notes.txt");
    sb.symlink(&sb.p("root"), "alias");
    assert_eq!(check("BashTool", "cat notes.txt sub/a.txt", &[sb.s("alias")], None), Ok(()));
    let v = denied(check("BashTool", "cat ../x", &[sb.s("alias")], None), "alias root");
    assert_eq!(v.resolved, sb.s("x"));
}

#[test]
fn glob_expanding_outside_is_denied() {
    let sb = Sandbox::new("glob");
    sb.symlink(&sb.p("outside"), "root/zz-link");
    // As a literal, `zz-*` would be `root/zz-*`, inside: only expansion finds the link.
    assert_escape(&sb, "cat zz-*", "zz-*", &sb.s("outside"));
    assert_escape(&sb, "cat zz-?ink/secret.txt", "zz-?ink/secret.txt", &sb.s("outside/secret.txt"));
    assert_escape(&sb, "cat ../out[s-u]ide/*.txt", "../out[s-u]ide/*.txt", &sb.s("outside/secret.txt"));
    // A glob that matches nothing is checked as the literal path.
    assert_escape(&sb, "cat ../nomatch-*", "../nomatch-*", &sb.s("nomatch-*"));
    // Globs whose matches are all inside are fine; quoted globs aren't expanded.
    assert_allowed(&sb, "cat *.txt sub/* s?b/[a-c].txt 'zz-*' \"zz-*\" zz-\\*");
}

#[test]
fn home_and_tilde_are_expanded() {
    let sb = Sandbox::new("home");
    let outside = sb.s("outside");
    let root = sb.root();
    let secret = sb.s("outside/secret.txt");
    let cases = [
        ("cat ~/secret.txt", "~/secret.txt", secret.as_str()),
        ("cat ~", "~", outside.as_str()),
        ("cat $HOME/secret.txt", "$HOME/secret.txt", secret.as_str()),
        ("cat \"${HOME}\"/secret.txt", "${HOME}/secret.txt", secret.as_str()),
        // An unset variable expands to nothing, leaving an absolute path.
        ("cat $CLAW_PATH_SCOPE_UNSET/secret.txt", "$CLAW_PATH_SCOPE_UNSET/secret.txt", "/secret.txt"),
    ];
    for (payload, candidate, resolved) in cases {
        let out = claw(&sb, &["exec-tool", "BashTool", payload, "--workspace-root", &root], &[("HOME", &outside)]);
        assert_eq!(out.status.code(), Some(1), "payload {payload:?}");
        let expected = format!(
            "Permission denied for mirrored tool 'BashTool': {ESCAPE} (candidate='{candidate}', resolved='{resolved}').\n"
        );
        assert_eq!(stdout(&out), expected, "payload {payload:?}");
    }
    // Quoted, `~` and `$HOME` are literal names inside the root.
    let quoted = "cat '~/secret.txt' '$HOME/secret.txt'";
    let out = claw(&sb, &["exec-tool", "BashTool", quoted, "--workspace-root", &root], &[("HOME", &outside)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // With HOME inside the root, the same expansions are allowed.
    let payload = "cat ~/notes.txt $HOME/sub/a.txt ${HOME}";
    let out = claw(&sb, &["exec-tool", "BashTool", payload, "--workspace-root", &root], &[("HOME", &root)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn absolute_paths_are_checked() {
    let sb = Sandbox::new("absolute");
    let secret = sb.s("outside/secret.txt");
    assert_escape(&sb, &format!("cat {secret}"), &secret, &secret);
    assert_escape(&sb, "ls /", "/", "/");
    // A sibling whose name merely starts with the root's name is outside.
    let sibling = sb.s("rootx/f");
    assert_escape(&sb, &format!("cat {sibling}"), &sibling, &sibling);
    // The program name is checked when it is a path.
    let tool = sb.s("outside/tool");
    assert_escape(&sb, &format!("{tool} --help"), &tool, &tool);
    assert_allowed(&sb, &format!("cat {} {}/sub/a.txt {}", sb.s("root/notes.txt"), sb.root(), sb.root()));
}

#[test]
fn redirection_targets_are_checked() {
    let sb = Sandbox::new("redirect");
    let cases = [
        ("echo hi >../out", "../out"),
        ("echo hi > ../out", "../out"),
        ("echo hi >>../out", "../out"),
        ("make 2>>../log", "../log"),
        ("make 2> ../log", "../log"),
        ("cat <../in", "../in"),
        ("make &>../x", "../x"),
        ("make &>>../x", "../x"),
        ("echo hi >|../x", "../x"),
        ("echo hi >&../x", "../x"),
        ("cat notes.txt | tee sub/a.txt >'../quoted'", "../quoted"),
    ];
    for (payload, candidate) in cases {
        let resolved = sb.s(candidate.trim_start_matches("../"));
        assert_escape(&sb, payload, candidate, &resolved);
    }
    // Descriptor duplication, here-doc delimiters and bodies, here-strings
    // are not paths; redirections inside the root are fine.
    assert_allowed(&sb, "make >build.log 2>&1 <notes.txt; cat 3>&- 2>>sub/err.log");
    assert_allowed(&sb, "cat <<EOF > out.txt\n/etc/passwd ../x\nEOF\ncat <<< /etc/passwd");
}

#[test]
fn windows_paths_are_outside() {
    let sb = Sandbox::new("windows");
    let cases = [
        ("BashTool", r"type 'C:\Windows\win.ini'", r"C:\Windows\win.ini", "Windows drive"),
        ("BashTool", "cat C:/Users/x", "C:/Users/x", "Windows drive"),
        ("BashTool", "cat c:foo", "c:foo", "Windows drive"),
        ("BashTool", r"cat '\\server\share\f'", r"\\server\share\f", "UNC"),
        ("BashTool", r"cat \\server\share", r"\\server\share", "UNC"),
        ("BashTool", "cat //server/share/f", "//server/share/f", "UNC"),
        ("PowerShellTool", r"Get-Content -Path C:\Users\me\x.txt", r"C:\Users\me\x.txt", "Windows drive"),
        ("FileReadTool", r#"{"file_path": "D:\\data\\x.txt"}"#, r"D:\data\x.txt", "Windows drive"),
    ];
    for (tool, payload, path, kind) in cases {
        let v = denied(check(tool, payload, &sb.roots(), None), payload);
        assert_eq!(v.candidate, path, "payload {payload:?}");
        assert_eq!(v.resolved, path, "payload {payload:?}");
        assert!(v.reason.contains(kind) && v.reason.contains("POSIX workspace roots"), "{v:?}");
    }
    // A one-letter label followed by a space is not a drive.
    assert_allowed(&sb, "git commit -m 'x: fix' notes.txt");
    // PowerShell relative paths with backslashes are still resolved.
    assert_eq!(check("PowerShellTool", r"Get-Content sub\a.txt", &sb.roots(), None), Ok(()));
    let v = denied(check("PowerShellTool", r"Get-Content ..\outside\secret.txt", &sb.roots(), None), "ps ..");
    assert_eq!(v.resolved, sb.s("outside/secret.txt"));
}

#[test]
fn several_roots_are_all_allowed() {
    let sb = Sandbox::new("roots");
    let roots = vec![sb.root(), sb.s("root2")];
    let b = sb.s("root2/b.txt");
    let ok = [
        format!("cp notes.txt ../root2/copy.txt && cat {b}"),
        "diff sub/a.txt ../root2/b.txt > ../root2/diff.txt".to_string(),
    ];
    for payload in &ok {
        assert_eq!(check("BashTool", payload, &roots, None), Ok(()), "payload {payload:?}");
    }
    // The cwd defaults to the first root; --cwd moves it.
    assert_eq!(check("BashTool", "cat b.txt", &roots, Some(&sb.s("root2"))), Ok(()));
    assert_eq!(check("BashTool", "cat ../root/notes.txt", &roots, Some(&sb.s("root2"))), Ok(()));
    assert_eq!(check("FileWriteTool", &format!(r#"{{"file_path": "{b}"}}"#), &roots, None), Ok(()));
    // Outside every root is still outside, and the second root's sibling too.
    let v = denied(check("BashTool", "cat notes.txt ../root2/b.txt ../outside/secret.txt", &roots, None), "3 roots");
    assert_eq!(v.resolved, sb.s("outside/secret.txt"));
    let v = denied(check("BashTool", "cat ../rootx/f", &roots, Some(&sb.s("root2"))), "rootx");
    assert_eq!(v.resolved, sb.s("rootx/f"));
    // With only the first root, the second root's files are refused.
    let v = denied(check("BashTool", "cat ../root2/b.txt", &roots[..1], None), "one root");
    assert_eq!(v.resolved, b);
}

#[test]
fn allowed_relative_paths() {
    let sb = Sandbox::new("relative");
    assert_allowed(&sb, "cat notes.txt ./sub/a.txt sub/../notes.txt \"new file.txt\" sub/new/deep.txt");
    assert_allowed(&sb, "grep -rn foo . | sort > sub/out.txt && mkdir -p build/x; ls -la sub");
    assert_allowed(&sb, "cd sub && cat \"$PWD/notes.txt\" \"$(pwd)/sub/a.txt\"");
    // Values glued to flags and assignments are paths too.
    assert_allowed(&sb, "OUT=sub/out make -Csub --exclude=c/../t --file=notes.txt -o out.txt");
    for payload in ["OUT=a/../../y make", "make -C../x", "make --exclude=c/../../t", "make --file=/etc/passwd"] {
        assert!(bash(&sb, payload).is_err(), "payload {payload:?}");
    }
    // File tools: bare paths and JSON forms.
    assert_eq!(check("FileEditTool", "sub/a.txt", &sb.roots(), None), Ok(()));
    assert_eq!(check("FileReadTool", r#"{"file_path": "notes.txt", "limit": 5}"#, &sb.roots(), None), Ok(()));
    // --cwd (absolute or relative to the process's directory) moves the base.
    let sub = sb.s("root/sub");
    assert_eq!(check("BashTool", "cat a.txt ../notes.txt", &sb.roots(), Some(&sub)), Ok(()));
    let v = denied(check("BashTool", "cat ../../outside/secret.txt", &sb.roots(), Some(&sub)), "--cwd sub");
    assert_eq!(v.resolved, sb.s("outside/secret.txt"));
    // Relative --workspace-root and --cwd start from the process's directory (`claw` runs in the base).
    let args = ["exec-tool", "BashTool", "cat a.txt ../notes.txt", "--workspace-root", "root", "--cwd", "root/sub"];
    let out = claw(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let args =
        ["exec-tool", "BashTool", "cat ../../outside/secret.txt", "--workspace-root", "root", "--cwd", "root/sub"];
    let out = claw(&sb, &args, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains(&format!("resolved='{}'", sb.s("outside/secret.txt"))), "{}", stdout(&out));
}

#[test]
fn file_tool_payload_forms_are_checked() {
    let sb = Sandbox::new("filetools");
    let secret = sb.s("outside/secret.txt");
    let cases = [
        ("FileReadTool", "../outside/secret.txt".to_string(), "../outside/secret.txt"),
        (
            "FileWriteTool",
            r#"{"file_path": "../outside/secret.txt", "content": "x"}"#.to_string(),
            "../outside/secret.txt",
        ),
        ("FileEditTool", format!(r#"{{"path": "{secret}"}}"#), secret.as_str()),
        ("BashTool", r#"{"command": "cat ../outside/secret.txt"}"#.to_string(), "../outside/secret.txt"),
        ("BashTool", "cat $(cat ../outside/secret.txt)".to_string(), "../outside/secret.txt"),
        ("BashTool", "cat {notes.txt,../outside/secret.txt}".to_string(), "{notes.txt,../outside/secret.txt}"),
    ];
    for (tool, payload, candidate) in cases {
        let v = denied(check(tool, &payload, &sb.roots(), None), &payload);
        assert_eq!((v.candidate.as_str(), v.resolved.as_str()), (candidate, secret.as_str()), "{tool} {payload:?}");
    }
}

#[test]
fn free_text_tools_are_not_checked_but_path_tools_are() {
    let sb = Sandbox::new("nonshell");
    let payload = r"cat /etc/passwd ../outside/secret.txt 'C:\x' > ../out";
    // A bare payload of a tool that takes no paths is free text (a prompt, a URL).
    for tool in ["AgentTool", "WebFetchTool", "TodoWriteTool"] {
        assert_eq!(check(tool, payload, &sb.roots(), None), Ok(()), "tool {tool}");
    }
    // Every tool that takes a path or runs a command is scoped.
    for tool in ["BashTool", "bash", "ShellTool", "MyPOWERSHELL", "FileReadTool", "filewrite", "xFileEditx"] {
        assert!(check(tool, payload, &sb.roots(), None).is_err(), "tool {tool}");
    }
    for tool in ["GrepTool", "GlobTool", "LSPTool", "NotebookEditTool"] {
        assert!(check(tool, payload, &sb.roots(), None).is_err(), "tool {tool}");
    }
    // And any tool's JSON path keys are checked.
    let json = r#"{"prompt": "x", "options": {"cwd": "../outside"}}"#;
    assert!(check("AgentTool", json, &sb.roots(), None).is_err());
}

#[test]
fn hostile_payloads_do_not_panic() {
    let sb = Sandbox::new("hostile");
    let weird = [
        "",
        "   ",
        "'",
        "\"",
        "\\",
        "$",
        "${",
        "$(",
        "`",
        "[",
        "{,",
        "~",
        "~nosuchuser/x",
        "cat \0../x",
        "cat [[[[ ]]]] *[ ?]",
        "cat <<",
        "cat <<EOF",
        ">",
        "2>",
        "<(",
        "$((1+2))",
        "{",
        "{\"file_path\": 3}",
        "[\"../x\"]",
        "é ü 漢字 ../ünï",
    ];
    for payload in weird {
        let _ = check("BashTool", payload, &sb.roots(), None);
        let _ = check("PowerShellTool", payload, &sb.roots(), None);
        let _ = check("FileReadTool", payload, &sb.roots(), None);
    }
    // An unterminated quote runs to the end of the payload.
    let v = denied(bash(&sb, "cat '../outside/secret.txt"), "unterminated quote");
    assert_eq!(v.resolved, sb.s("outside/secret.txt"));
    let v = denied(bash(&sb, "cat \"../outside/x"), "unterminated double quote");
    assert_eq!(v.resolved, sb.s("outside/x"));
    // Large and deeply nested payloads finish and still find the escape.
    let big = format!("{} ../x", "cat notes.txt; ".repeat(50_000));
    let v = denied(bash(&sb, &big), "big payload");
    assert_eq!(v.resolved, sb.s("x"));
    let nested = format!("{}cat ../x{}", "$(".repeat(5), ")".repeat(5));
    let v = denied(bash(&sb, &nested), "nested substitutions");
    assert_eq!(v.resolved, sb.s("x"));
    // Too deep or too large to check is refused, not let through.
    let nested = format!("echo {}cat notes.txt{}", "$(".repeat(2_000), ")".repeat(2_000));
    assert!(denied(bash(&sb, &nested), "deep nesting").reason.contains("too deeply"));
    let braces = format!("cat {}", "{a,b}".repeat(40));
    assert!(denied(bash(&sb, &braces), "brace bomb").reason.contains("too large"));
    let braces = format!("cat {{{},../x}}", "a".repeat(100_000));
    let v = denied(bash(&sb, &braces), "long brace word");
    assert_eq!(v.resolved, sb.s("x"));
}

#[test]
fn binary_text_message_format() {
    let sb = Sandbox::new("text");
    let root = sb.root();
    // A quote in the candidate switches its repr to double quotes.
    let out = claw(&sb, &["exec-tool", "BashTool", "cat \"../outside/it's.txt\"", "--workspace-root", &root], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!(
            "Permission denied for mirrored tool 'BashTool': {ESCAPE} (candidate=\"../outside/it's.txt\", resolved=\"{}\").\n",
            sb.s("outside/it's.txt")
        )
    );
    // The tool is looked up case-insensitively; the message names it properly.
    let out = claw(&sb, &["exec-tool", "bashtool", "cat ../outside/secret.txt", "--workspace-root", &root], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!(
            "Permission denied for mirrored tool 'BashTool': {ESCAPE} (candidate='../outside/secret.txt', resolved='{}').\n",
            sb.s("outside/secret.txt")
        )
    );
}

#[test]
fn binary_json_envelope() {
    let sb = Sandbox::new("json");
    let root = sb.root();
    let payload = "cat notes.txt > ../outside/out.txt";
    let out = claw(&sb, &["exec-tool", "BashTool", payload, "--workspace-root", &root, "--output-format", "json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["name"], "BashTool");
    assert_eq!(v["payload"], payload);
    assert_eq!(v["handled"], false);
    assert_eq!(v["exit_code"], 1);
    let e = &v["error"];
    assert_eq!(e["kind"], "permission_denied");
    assert_eq!(e["candidate"], "../outside/out.txt");
    assert_eq!(e["resolved"], sb.s("outside/out.txt").as_str());
    let message = format!(
        "Permission denied for mirrored tool 'BashTool': {ESCAPE} (candidate='../outside/out.txt', resolved='{}').",
        sb.s("outside/out.txt")
    );
    assert_eq!(e["message"], message.as_str());
}

#[test]
fn binary_without_workspace_root_is_the_reference() {
    let sb = Sandbox::new("reference");
    let root = sb.root();
    let escape = "cat ../outside/secret.txt";
    let reference = claw(&sb, &["exec-tool", "BashTool", escape], &[]);
    assert_eq!(reference.status.code(), Some(0));
    assert!(stdout(&reference).starts_with("Mirrored tool 'BashTool' from "), "{}", stdout(&reference));
    // An allowed payload under --workspace-root prints exactly the reference.
    for format in ["text", "json"] {
        let payload = "cat sub/a.txt > out.txt";
        let plain = claw(&sb, &["exec-tool", "BashTool", payload, "--output-format", format], &[]);
        let scoped =
            claw(&sb, &["exec-tool", "BashTool", payload, "--output-format", format, "--workspace-root", &root], &[]);
        assert_eq!(scoped.status.code(), Some(0));
        let strip = |s: String| s.lines().map(drop_timestamp).collect::<Vec<_>>();
        assert_eq!(strip(stdout(&scoped)), strip(stdout(&plain)), "format {format}");
    }
}

/// JSON envelopes carry a timestamp; drop it before comparing.
fn drop_timestamp(line: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(mut m)) => {
            m.remove("timestamp");
            serde_json::Value::Object(m).to_string()
        }
        _ => line.to_string(),
    }
}

#[test]
fn json_content_fields_are_not_paths() {
    let root = tempfile::tempdir().unwrap();
    let roots = vec![root.path().display().to_string()];
    let ok = r#"{"file_path": "notes.txt", "file_text": "/etc/passwd", "content": "../../x", "old_string": "/"}"#;
    assert!(check("FileWriteTool", ok, &roots, None).is_ok());
    let bad = r#"{"notebook_path": "/etc/x.ipynb"}"#;
    assert!(check("FileEditTool", bad, &roots, None).is_err());
    let bad = r#"{"filename": "../outside.txt"}"#;
    assert!(check("FileWriteTool", bad, &roots, None).is_err());
}

#[test]
fn refusals_name_the_construct_and_the_word() {
    let sb = Sandbox::new("reasons");
    let cases = [
        ("cat $(echo x)", "cannot resolve statically: command substitution in word 2"),
        ("cat notes.txt `echo x`", "cannot resolve statically: command substitution in word 3"),
        ("X=$(date); cat $X", "cannot resolve statically: $X set by command substitution in word 2"),
        ("bash -c 'ls'", "cannot resolve statically: bash -c runs code from a string in word 2"),
        ("echo ls | sh", "cannot resolve statically: sh reading code from standard input in word 1"),
        ("cat ${PWD%/*}", "cannot resolve statically: parameter expansion operator ${PWD%/…} in word 2"),
        ("cat $BASH", "cannot resolve statically: shell variable $BASH in word 2"),
        ("cd -", "cannot resolve statically: $OLDPWD before any cd in word 2"),
        ("cat $'\\x2fetc'", REASON_ESCAPE_PREFIX),
        ("cat {1..3}", "cannot resolve statically: brace sequence expression in word 2"),
        ("cat <<EOF\n$(id)\nEOF", "cannot resolve statically: command substitution in a here-document body"),
        ("echo hi > $(echo out.txt)", "cannot resolve statically: command substitution in a redirection target"),
    ];
    for (payload, reason) in cases {
        let v = denied(bash(&sb, payload), payload);
        assert!(v.reason.starts_with(reason), "payload {payload:?}: {v:?}");
    }
    // `$'\x2fetc'` is decoded exactly: it is `/etc`.
    assert_eq!(denied(bash(&sb, "cat $'\\x2fetc'"), "ansi-c").resolved, "/etc");
}

const REASON_ESCAPE_PREFIX: &str = "path escapes the workspace roots";

#[test]
fn binary_refusal_in_json_mode_is_one_envelope_and_no_stderr() {
    let sb = Sandbox::new("json-refusal");
    let root = sb.root();
    for payload in ["cat $(id)", "bash -c ls", "cat /etc/passwd", "cat /*/*/*/*/*/*/*/*"] {
        let out =
            claw(&sb, &["exec-tool", "BashTool", payload, "--workspace-root", &root, "--output-format", "json"], &[]);
        assert_eq!(out.status.code(), Some(1), "{payload}");
        assert!(out.stderr.is_empty(), "{payload}: {}", String::from_utf8_lossy(&out.stderr));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 1, "{payload}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["kind"], "permission_denied", "{payload}");
    }
}

#[test]
fn cd_is_tracked() {
    let sb = Sandbox::new("cd");
    assert_allowed(&sb, "cd sub && cat a.txt ../notes.txt");
    assert_allowed(&sb, "(cd sub && ls) && cat notes.txt");
    assert_allowed(&sb, "pushd sub && cat a.txt && popd && cat notes.txt");
    // After `;` the cd may have failed: both directories are checked.
    assert!(bash(&sb, "cd sub; cat ../../outside/secret.txt").is_err());
    assert!(bash(&sb, "cd sub || true; cat ../notes.txt ../../x").is_err());
    assert!(bash(&sb, "cd sub && cd - && cat ../outside/secret.txt").is_err());
    assert!(bash(&sb, "cd").is_err(), "cd with HOME outside the root");
    assert!(bash(&sb, "for d in sub; do cd $d; done").is_err());
}

#[test]
fn home_unset_means_the_passwd_home() {
    let sb = Sandbox::new("nohome");
    let root = sb.root();
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    let uid = fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(1).map(String::from))
    });
    let Some(home) = uid.and_then(|u| {
        passwd
            .lines()
            .map(|l| l.split(':').collect::<Vec<_>>())
            .find(|f| f.len() >= 6 && f[2] == u)
            .map(|f| f[5].to_string())
    }) else {
        println!("skipped: no passwd entry for this user");
        return;
    };
    for env in [vec![("HOME", "")], vec![]] {
        let mut cmd = support::claw_in(&sb.base);
        cmd.args(["exec-tool", "BashTool", "cat ~/x", "--workspace-root", &root]);
        cmd.env_remove("HOME");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stdout(&out).contains(&format!("resolved='{}/x'", home.trim_end_matches('/'))), "{}", stdout(&out));
    }
}

#[test]
fn a_deleted_cwd_never_makes_a_relative_root_slash() {
    let sb = Sandbox::new("gone");
    let gone = sb.p("gone");
    fs::create_dir_all(&gone).unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "cd '{}' && rmdir '{}' && exec '{}' exec-tool BashTool 'cat /etc/passwd' --workspace-root .",
            gone.display(),
            gone.display(),
            support::BIN
        ))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.wait().unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut text).unwrap();
    assert_eq!(out.code(), Some(1), "{text}");
    assert!(text.contains("current directory is gone"), "{text}");
}

#[test]
fn globs_are_bounded() {
    let sb = Sandbox::new("globs");
    sb.symlink(Path::new("."), "root/a");
    sb.symlink(Path::new("."), "root/b");
    let deep = format!("cat {}", vec!["*"; 20].join("/"));
    let v = denied(bash(&sb, &deep), "20-level glob under self-links");
    assert!(v.reason.contains("glob expansion past its budget"), "{v:?}");
    assert!(bash(&sb, "cat /*/*/*/*/*/*/*/*").is_err());
    // A small glob under the same links is expanded and allowed.
    assert_allowed(&sb, "cat a/b/*.txt");
}

#[test]
fn json_is_read_like_its_consumers_read_it() {
    let sb = Sandbox::new("lenient");
    let bad = [
        r#"{"a": "\ud800", "file_path": "/etc/passwd"}"#.to_string(),
        r#"{"n": 1e400, "file_path": "/etc/passwd"}"#.to_string(),
        r#"{"file_path": "notes.txt", "file_path": "/etc/passwd"}"#.to_string(),
        "\u{feff}{\"file_path\": \"/etc/passwd\"}".to_string(),
        format!("{}{{\"file_path\": \"/etc/passwd\"}}{}", "[".repeat(1000), "]".repeat(1000)),
        r#"{"file_path": "/etc/passwd""#.to_string(),
    ];
    for payload in &bad {
        for tool in ["FileReadTool", "BashTool", "GrepTool", "AgentTool"] {
            assert!(check(tool, payload, &sb.roots(), None).is_err(), "{tool} {payload:.60}");
        }
    }
    let ok = r#"{"file_path": "notes.txt", "content": "/etc/passwd", "n": 1e400, "x": "\ud800"}"#;
    assert_eq!(check("FileWriteTool", ok, &sb.roots(), None), Ok(()));
}

#[test]
fn every_inventory_tool_is_scoped_by_its_family() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference_data");
    let Ok(text) = fs::read_to_string(data.join("tools_snapshot.json")) else {
        println!("skipped: ../shared/reference_data is absent");
        return;
    };
    let tools: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let sb = Sandbox::new("inventory");
    let root = sb.root();
    let mut checked = 0;
    let mut seen = std::collections::HashSet::new();
    for tool in &tools {
        let (name, hint) = (tool["name"].as_str().unwrap(), tool["source_hint"].as_str().unwrap());
        // exec-tool finds the first module of a name.
        if !seen.insert(name.to_lowercase()) {
            continue;
        }
        let family = hint.split('/').nth(1).unwrap_or("");
        // Every tool's JSON path keys are checked; shell families also check commands.
        let payloads: Vec<&str> = match family {
            "BashTool" | "PowerShellTool" | "REPLTool" => vec!["cat /etc/passwd", r#"{"command": "cat /etc/passwd"}"#],
            "FileReadTool" | "FileWriteTool" | "FileEditTool" | "NotebookEditTool" | "GlobTool" | "GrepTool"
            | "LSPTool" => {
                vec!["/etc/passwd", r#"{"file_path": "/etc/passwd"}"#]
            }
            _ => vec![r#"{"input": {"cwd": "/etc"}}"#],
        };
        for payload in payloads {
            let args = ["exec-tool", name, payload, "--workspace-root", &root, "--output-format", "json"];
            let out = claw(&sb, &args, &[("CLAW_REFERENCE_DATA", &data.to_string_lossy())]);
            let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
            assert_eq!(v["error"]["kind"], "permission_denied", "{name} ({hint}) {payload}: {v}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn long_payloads_stay_bounded() {
    let sb = Sandbox::new("long");
    // Every `cd` may fail, so the possible directories grow with each one:
    // past a bound the payload is refused instead of tracked.
    let cds = "cd sub && ".repeat(10_000);
    assert!(denied(bash(&sb, &cds), "cd chain").reason.contains("too many possible working directories"));
    assert_allowed(&sb, "cd sub && cd .. && cd sub && ls");
    // A long word of one-valued expansions is expanded once, not per prefix.
    let homes = format!("cat {}", "$CLAW_PATH_SCOPE_UNSET".repeat(20_000));
    assert_allowed(&sb, &homes);
}
