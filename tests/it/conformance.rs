//! Replays `../shared/conformance/cases.json`, recorded from the reference
//! Python harness, against the built binary: each step's exit code, its
//! stdout (after the scenario's normalizers) and whether it wrote to stderr
//! must be what the reference did.  One test replays every scenario, several
//! at a time, and names each one that differs; `python3
//! ../shared/conformance/run.py --filter ID --diff` replays one by itself.
//! Skips with a printed reason when ../shared is absent.

use crate::support::corpus::{self, Corpus, Scenario};
use crate::support::{claw_in, parallel_map, shared};

#[test]
fn every_recorded_scenario_runs_as_the_reference_ran() {
    let corpus = match corpus::load() {
        Ok(corpus) => corpus,
        Err(why) => return println!("skipping conformance: {why}"),
    };
    let failures: Vec<String> = parallel_map(&corpus.scenarios, |s| replay(&corpus, s).err())
        .into_iter()
        .zip(&corpus.scenarios)
        .filter_map(|(failure, s)| failure.map(|f| format!("{}: {f}", s.id)))
        .collect();
    let steps: usize = corpus.scenarios.iter().map(|s| s.steps.len()).sum();
    println!("conformance: {} scenarios ({steps} steps) replayed, {} differ", corpus.scenarios.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ from the reference:\n\n{}",
        failures.len(),
        corpus.scenarios.len(),
        failures.join("\n\n")
    );
}

/// Run one scenario's steps in a fresh directory; `Err` says which step
/// differs and how.
fn replay(corpus: &Corpus, s: &Scenario) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("creating the scenario directory: {e}"))?;
    s.lay_out(dir.path())?;
    for (i, step) in s.steps.iter().enumerate() {
        let out = claw_in(dir.path())
            .args(&step.argv)
            .env("CLAW_REFERENCE_DATA", shared().join("reference_data"))
            .output()
            .map_err(|e| format!("running claw: {e}"))?;
        let mut problems = Vec::new();
        if out.status.code() != Some(step.exit_code) {
            problems.push(format!("exit code {:?}, expected {}", out.status.code(), step.exit_code));
        }
        let want = corpus.normalize(s, &step.stdout)?;
        let got = corpus.normalize(s, &String::from_utf8_lossy(&out.stdout))?;
        if want != got {
            problems.push(format!("stdout differs:\n--- expected\n{want}\n--- actual\n{got}"));
        }
        match (step.stderr.as_deref(), out.stderr.is_empty()) {
            (Some("empty"), false) => {
                problems.push(format!("stderr not empty: {}", String::from_utf8_lossy(&out.stderr)))
            }
            (Some("nonempty"), true) => problems.push("stderr empty, expected a message".into()),
            _ => {}
        }
        if !problems.is_empty() {
            return Err(format!("step {i} {:?}: {}", step.argv, problems.join("; ")));
        }
    }
    Ok(())
}
