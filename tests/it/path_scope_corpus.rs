//! The labelled path-scope corpus (tests/path_scope_corpus/*.txt), run as
//! one table: every escape must be refused, and at most 1 in 20 everyday
//! commands may be.

use std::fs;
use std::path::{Path, PathBuf};

use claw::path_scope::check;

struct Case {
    line: usize,
    tool: String,
    payload: String,
}

/// Parse a corpus file: `@Tool payload` or `payload` (BashTool); `⏎` is a
/// newline; `{ROOT}`/`{OUT}` are substituted.
fn load(name: &str, root: &Path, out: &Path) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/path_scope_corpus").join(name);
    let text = fs::read_to_string(&path).unwrap();
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (tool, payload) = match line.strip_prefix('@') {
            Some(rest) => rest.split_once(' ').unwrap_or((rest, "")),
            None => ("BashTool", line),
        };
        let payload = payload
            .replace('⏎', "\n")
            .replace("{ROOT}", &root.to_string_lossy())
            .replace("{OUT}", &out.to_string_lossy());
        cases.push(Case { line: i + 1, tool: tool.to_string(), payload });
    }
    cases
}

/// `base/root` (the workspace) and `base/outside` in a temporary
/// directory, removed on drop.
struct Sandbox {
    _dir: tempfile::TempDir,
    base: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("claw-scope-corpus-").tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        for d in ["root/src", "root/sub", "root/deep/er", "outside"] {
            fs::create_dir_all(base.join(d)).unwrap();
        }
        for f in ["root/notes.txt", "root/src/main.rs", "root/src/lib.rs", "root/sub/a.txt", "root/script.sh"] {
            fs::write(base.join(f), "x").unwrap();
        }
        fs::write(base.join("outside/secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(base.join("outside"), base.join("root/link-out")).unwrap();
        std::os::unix::fs::symlink("sub", base.join("root/inner")).unwrap();
        std::os::unix::fs::symlink("deep/er", base.join("root/l2")).unwrap();
        std::os::unix::fs::symlink(base.join("outside"), base.join("root/sub/link")).unwrap();
        Sandbox { _dir: dir, base }
    }
}

#[test]
fn corpus() {
    let sb = Sandbox::new();
    let (root, out) = (sb.base.join("root"), sb.base.join("outside"));
    let roots = vec![root.to_string_lossy().into_owned()];

    let escapes = load("escapes.txt", &root, &out);
    let accepted: Vec<&Case> = escapes.iter().filter(|c| check(&c.tool, &c.payload, &roots, None).is_ok()).collect();
    for c in &accepted {
        eprintln!("escapes.txt:{}: accepted: @{} {:?}", c.line, c.tool, c.payload);
    }

    let everyday = load("everyday.txt", &root, &out);
    let mut refused = 0;
    for c in &everyday {
        if let Err(v) = check(&c.tool, &c.payload, &roots, None) {
            refused += 1;
            eprintln!(
                "everyday.txt:{}: refused: @{} {:?}: {} ({:?})",
                c.line, c.tool, c.payload, v.reason, v.candidate
            );
        }
    }
    println!(
        "path scope corpus: escapes refused {}/{}; everyday allowed {}/{}",
        escapes.len() - accepted.len(),
        escapes.len(),
        everyday.len() - refused,
        everyday.len()
    );
    assert!(escapes.len() >= 250 && everyday.len() >= 150, "corpus shrank");
    assert!(accepted.is_empty(), "{} escapes accepted", accepted.len());
    assert!(refused * 20 <= everyday.len(), "{refused} of {} everyday commands refused", everyday.len());
}
