//! Replays ../shared/conformance/cases.json (recorded from the reference
//! Python harness) against the built binary, one named test per scenario.
//! The format is documented in ../shared/conformance/run.py.  Skips with a
//! printed reason when ../shared is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use libtest_mimic::{Arguments, Trial};
use regex::Regex;
use serde_json::Value;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn main() {
    let args = Arguments::from_args();
    let cases = shared().join("conformance/cases.json");
    let Ok(text) = std::fs::read_to_string(&cases) else {
        println!("skipping conformance: {} not found (../shared is absent)", cases.display());
        libtest_mimic::run(&args, Vec::new()).exit();
    };
    let corpus: Value = serde_json::from_str(&text).expect("cases.json is valid JSON");
    let normalizers: Vec<(String, Regex, String)> = corpus["normalizers"]
        .as_object()
        .expect("normalizers")
        .iter()
        .map(|(k, v)| (k.clone(), Regex::new(v[0].as_str().unwrap()).unwrap(), v[1].as_str().unwrap().to_string()))
        .collect();
    let trials = corpus["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap().to_string();
            let scenario = s.clone();
            let norms = normalizers.clone();
            Trial::test(id, move || run_scenario(&scenario, &norms).map_err(|e| format!("{e:#}").into()))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn run_scenario(s: &Value, normalizers: &[(String, Regex, String)]) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("creating the scenario directory")?;
    for d in s["dirs"].as_array().into_iter().flatten() {
        let d = d.as_str().context("dirs entries are strings")?;
        std::fs::create_dir_all(dir.path().join(d)).with_context(|| format!("creating {d}"))?;
    }
    for (rel, content) in s["files"].as_object().into_iter().flatten() {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().context("file has a parent")?)
            .with_context(|| format!("creating the parent of {rel}"))?;
        std::fs::write(&p, content.as_str().context("file contents are strings")?)
            .with_context(|| format!("writing {rel}"))?;
    }
    let wanted: Vec<&str> = s["normalize"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let norm = |text: &str| {
        let mut t = text.to_string();
        for name in &wanted {
            let (_, rx, rep) = normalizers.iter().find(|(k, _, _)| k == name).expect("known normalizer");
            t = rx.replace_all(&t, rep.as_str()).into_owned();
        }
        t
    };
    for (i, step) in s["steps"].as_array().unwrap().iter().enumerate() {
        let argv: Vec<&str> = step["argv"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_claw"))
            .args(&argv)
            .current_dir(dir.path())
            .env("CLAW_REFERENCE_DATA", shared().join("reference_data"))
            .env_remove("CLAW_WORKSPACE")
            .env_remove("CLAW_ROUTING")
            .output()
            .context("running claw")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut problems = Vec::new();
        let code = out.status.code();
        if code != step["exit_code"].as_i64().map(|c| c as i32) {
            problems.push(format!("exit code {code:?}, expected {}", step["exit_code"]));
        }
        let (want, got) = (norm(step["stdout"].as_str().unwrap()), norm(&stdout));
        if want != got {
            problems.push(format!("stdout differs:\n--- expected\n{want}\n--- actual\n{got}"));
        }
        match (step["stderr"].as_str(), out.stderr.is_empty()) {
            (Some("empty"), false) => {
                problems.push(format!("stderr not empty: {}", String::from_utf8_lossy(&out.stderr)))
            }
            (Some("nonempty"), true) => problems.push("stderr empty, expected a message".into()),
            _ => {}
        }
        if !problems.is_empty() {
            anyhow::bail!("step {i} {argv:?}: {}", problems.join("; "));
        }
    }
    Ok(())
}
