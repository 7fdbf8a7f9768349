//! Property tests: the path scope answers every generated shell and JSON
//! payload (no panic, the same answer twice), and a path hidden anywhere in
//! a JSON payload is always found.

use std::fs;
use std::path::PathBuf;

use claw::path_scope::check;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

/// Cases per property (reported by the test run).
const CASES: u32 = 2000;

/// Pieces of shell syntax, many of them the constructs the checker must
/// resolve or refuse.
const SHELL_ATOMS: &[&str] = &[
    "cat",
    "ls",
    "cd",
    "cd -",
    "pushd",
    "popd",
    "echo",
    "bash -c",
    "sh",
    "eval",
    "source",
    "python3 -c",
    "awk",
    "sed",
    "xargs",
    "find . -exec",
    "ln -s",
    "git -c",
    "tar -C",
    "dd if=",
    "export",
    "read",
    "declare",
    "for f in",
    "do",
    "done",
    "if",
    "then",
    "fi",
    "case",
    "esac",
    "while",
    "{",
    "}",
    "(",
    ")",
    "((",
    "))",
    "$((",
    "$[",
    "]",
    "$(",
    "`",
    "<(",
    ">(",
    "'",
    "\"",
    "$'\\x2f",
    "$\"",
    "\\",
    "${",
    "${X:-",
    "${PWD%",
    "}",
    "$HOME",
    "$PWD",
    "$1",
    "$IFS",
    "$OLDPWD",
    "~",
    "~+",
    "~-",
    "~root",
    "X=",
    "X=/etc",
    "$X",
    "CDPATH=/",
    "*",
    "?",
    "[a-z]",
    "/*",
    "*/*",
    "{a,b}",
    "{1..3}",
    "..",
    "../x",
    "/etc/passwd",
    "notes.txt",
    "sub/a.txt",
    "file:///etc",
    "C:\\x",
    "\\\\srv\\s",
    "//srv/s",
    "HKLM:\\",
    "<#",
    "#>",
    "#",
    ";",
    ";;",
    "&",
    "&&",
    "|",
    "||",
    "\n",
    " ",
    "\t",
    ">",
    ">>",
    "<",
    "<<",
    "<<-",
    "<<<",
    "EOF",
    "2>&1",
    ">&",
    "&>",
    "-o",
    "--file=",
    "-C/",
    "=",
    ":",
    "é",
    "\0",
];

fn shell_payload() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(SHELL_ATOMS).prop_map(str::to_string),
            1 => "[ -~]{0,6}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.join(""))
}

/// Arbitrary JSON-ish text: real JSON trees, with the quirks lenient
/// consumers accept, and raw garbage.
fn json_tree() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        "[ -~]{0,8}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec(("[a-z_]{1,10}", inner), 0..6)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// `base/root` (`notes.txt`, `sub/a.txt`) in a temporary directory,
/// removed on drop.
struct Sandbox {
    _dir: tempfile::TempDir,
    base: PathBuf,
}

impl Sandbox {
    fn new(tag: &str) -> Self {
        let dir = tempfile::Builder::new().prefix(&format!("claw-scope-props-{tag}-")).tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::create_dir_all(base.join("root/sub")).unwrap();
        fs::write(base.join("root/notes.txt"), "x").unwrap();
        fs::write(base.join("root/sub/a.txt"), "x").unwrap();
        Sandbox { _dir: dir, base }
    }

    fn roots(&self) -> Vec<String> {
        vec![self.base.join("root").to_string_lossy().into_owned()]
    }
}

fn runner() -> TestRunner {
    TestRunner::new(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })
}

#[test]
fn every_shell_payload_gets_an_answer() {
    let sb = Sandbox::new("shell");
    runner()
        .run(&shell_payload(), |payload| {
            for tool in ["BashTool", "PowerShellTool", "FileReadTool"] {
                let first = check(tool, &payload, &sb.roots(), None);
                let again = check(tool, &payload, &sb.roots(), None);
                prop_assert_eq!(&first, &again);
                if let Err(v) = first {
                    prop_assert!(!v.reason.is_empty());
                }
            }
            Ok(())
        })
        .unwrap();
    println!("every_shell_payload_gets_an_answer: {CASES} cases x 3 tools");
}

#[test]
fn every_json_payload_gets_an_answer() {
    let sb = Sandbox::new("json");
    runner()
        .run(&(json_tree(), "[ -~]{0,12}", any::<bool>()), |(tree, garbage, bom)| {
            let text = format!("{}{}", if bom { "\u{feff}" } else { "" }, tree);
            for payload in [text.clone(), format!("{text}{garbage}"), format!("{garbage}{text}")] {
                for tool in ["FileWriteTool", "BashTool", "AgentTool"] {
                    let _ = check(tool, &payload, &sb.roots(), None);
                }
            }
            Ok(())
        })
        .unwrap();
    println!("every_json_payload_gets_an_answer: {CASES} cases x 3 forms x 3 tools");
}

/// A `file_path` outside the root, placed anywhere in a JSON payload (with
/// a lone surrogate, a huge number and a duplicate key around it), is
/// always refused.
#[test]
fn a_hidden_json_path_is_always_found() {
    let sb = Sandbox::new("hidden");
    runner()
        .run(&(json_tree(), 0usize..300, any::<bool>()), |(tree, depth, dup)| {
            let entry = if dup {
                r#"{"file_path": "notes.txt", "x": "\ud800", "n": 1e400, "file_path": "/etc/passwd"}"#
            } else {
                r#"{"file_path": "/etc/passwd"}"#
            };
            let nested = format!("{}{entry}{}", "[".repeat(depth), "]".repeat(depth));
            let payload = match tree {
                serde_json::Value::Object(_) | serde_json::Value::Array(_) => format!("[{tree}, {nested}]"),
                _ => nested,
            };
            for tool in ["FileReadTool", "FileWriteTool", "NotebookEditTool", "AgentTool", "BashTool"] {
                prop_assert!(check(tool, &payload, &sb.roots(), None).is_err(), "{} {}", tool, payload);
            }
            Ok(())
        })
        .unwrap();
    println!("a_hidden_json_path_is_always_found: {CASES} cases x 5 tools");
}
