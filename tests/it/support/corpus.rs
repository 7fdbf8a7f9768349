//! The conformance corpus recorded from the reference harness,
//! `../shared/conformance/cases.json`; its format is documented in
//! `../shared/conformance/run.py`.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

/// The corpus file as recorded.
#[derive(Deserialize)]
struct File {
    /// Name to `[pattern, replacement]`.
    normalizers: BTreeMap<String, (String, String)>,
    scenarios: Vec<Scenario>,
}

/// One scenario: its steps run in order in one fresh directory.
#[derive(Deserialize)]
pub(crate) struct Scenario {
    pub id: String,
    #[serde(default)]
    dirs: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    /// The normalizers applied, in order, to expected and actual stdout.
    #[serde(default)]
    pub normalize: Vec<String>,
    pub steps: Vec<Step>,
}

/// One run of claw and what the reference did.
#[derive(Deserialize)]
pub(crate) struct Step {
    pub argv: Vec<String>,
    pub exit_code: i32,
    pub stdout: String,
    /// `"empty"` or `"nonempty"`.
    #[serde(default)]
    pub stderr: Option<String>,
}

pub(crate) struct Corpus {
    normalizers: BTreeMap<String, (Regex, String)>,
    pub scenarios: Vec<Scenario>,
}

/// The corpus, or why there is none: the sibling directory `../shared` is
/// absent.  A corpus that is there but unreadable fails the test.
pub(crate) fn load() -> Result<Corpus, String> {
    let path = super::shared().join("conformance/cases.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Err(format!("{} not found (../shared is absent)", path.display()));
    };
    let file: File = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let normalizers = file
        .normalizers
        .into_iter()
        .map(|(name, (pattern, replacement))| {
            let rx = Regex::new(&pattern).unwrap_or_else(|e| panic!("normalizer {name}: {e}"));
            (name, (rx, replacement))
        })
        .collect();
    Ok(Corpus { normalizers, scenarios: file.scenarios })
}

impl Corpus {
    /// `text` after the scenario's normalizers.
    pub(crate) fn normalize(&self, scenario: &Scenario, text: &str) -> Result<String, String> {
        let mut text = text.to_string();
        for name in &scenario.normalize {
            let (rx, replacement) = self.normalizers.get(name).ok_or(format!("unknown normalizer {name:?}"))?;
            text = rx.replace_all(&text, replacement.as_str()).into_owned();
        }
        Ok(text)
    }
}

impl Scenario {
    /// Create the scenario's directories and files under `dir`.
    pub(crate) fn lay_out(&self, dir: &Path) -> Result<(), String> {
        for d in &self.dirs {
            std::fs::create_dir_all(dir.join(d)).map_err(|e| format!("creating {d}: {e}"))?;
        }
        for (rel, content) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("creating the parent of {rel}: {e}"))?;
            }
            std::fs::write(&path, content).map_err(|e| format!("writing {rel}: {e}"))?;
        }
        Ok(())
    }
}
