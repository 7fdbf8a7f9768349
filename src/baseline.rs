//! The parity baseline: `parity-audit --write-baseline FILE` records every
//! metric, `--baseline FILE` fails when a gated metric is below the
//! recorded one (a ratchet: coverage may rise, never fall).
//!
//! The file is JSON:
//!
//! ```json
//! {
//!   "format": "claw-parity-baseline",
//!   "version": 1,
//!   "inventory": "embedded",
//!   "metrics": {
//!     "root_file_coverage": {"covered": 3, "total": 18, "ratio": 0.1667, "missing": ["task.rs", …]},
//!     …
//!   }
//! }
//! ```
//!
//! with all of [`METRICS`] under `metrics`; `missing` lists the targets or
//! names the metric misses (empty for the file and entry ratios).  Reading
//! is strict: a file that is missing, unreadable, not JSON, of another
//! format or version, or lacks a metric (or has a non-integer `covered` /
//! `total`) is a [`ClawError::Baseline`], never a pass.  Ratios are compared
//! as `covered / total` (0 when `total` is 0), recomputed from the counts.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::{ClawError, Result};
use crate::parity::{Audit, METRICS};
use crate::ratio::Ratio;

pub(crate) const FORMAT: &str = "claw-parity-baseline";
pub(crate) const VERSION: u64 = 1;

/// At most this much of a baseline file is read.
const FILE_LIMIT: u64 = 16 << 20;

/// One recorded metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub ratio: Ratio,
    pub missing: Vec<String>,
}

/// A baseline read from a file.
#[derive(Debug, Clone)]
pub(crate) struct Baseline {
    pub path: String,
    /// The metrics in [`METRICS`] order.
    pub metrics: Vec<(&'static str, Recorded)>,
}

/// A gated metric below its baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drop {
    pub metric: &'static str,
    pub now: Ratio,
    pub was: Ratio,
    /// Targets or names missing now that the baseline did not miss.
    pub newly_missing: Vec<String>,
}

/// The baseline file's text for `audit` (`inventory` names the inventory used).
pub(crate) fn render(audit: &Audit, inventory: &str) -> String {
    let mut metrics = Map::new();
    for name in METRICS {
        let r = audit.metric(name).unwrap_or(Ratio { covered: 0, total: 0 });
        metrics.insert(
            name.to_string(),
            json!({"covered": r.covered, "total": r.total, "ratio": r.value(), "missing": audit.missing(name)}),
        );
    }
    let doc = json!({"format": FORMAT, "version": VERSION, "inventory": inventory, "metrics": metrics});
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Write the baseline for `audit` to `path` atomically.
pub(crate) fn write(path: &str, audit: &Audit, inventory: &str) -> Result<()> {
    crate::atomic_file::write(Path::new(path), render(audit, inventory).as_bytes())
        .map_err(|e| ClawError::ReportWrite { path: path.to_string(), problem: crate::error::io_reason(&e) })
}

impl Baseline {
    /// Read and validate the baseline at `path`.
    pub(crate) fn read(path: &str) -> Result<Baseline> {
        use std::io::Read;
        let fail = |problem: String| ClawError::Baseline { path: path.to_string(), problem };
        let p = Path::new(path);
        // Only a regular file: a FIFO or device could block or never end.
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => return Err(fail("is a directory".into())),
            Ok(m) if !m.is_file() => return Err(fail("is not a regular file".into())),
            _ => {}
        }
        let mut bytes = Vec::new();
        std::fs::File::open(p)
            .and_then(|f| f.take(FILE_LIMIT).read_to_end(&mut bytes))
            .map_err(|e| fail(crate::error::io_reason(&e)))?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| fail(format!("is not valid JSON: {e}")))?;
        Baseline::from_value(path, &value).map_err(fail)
    }

    fn from_value(path: &str, v: &Value) -> std::result::Result<Baseline, String> {
        if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(format!("is not a claw parity baseline (\"format\" must be \"{FORMAT}\")"));
        }
        if v.get("version").and_then(Value::as_u64) != Some(VERSION) {
            return Err(format!("has an unsupported version (expected {VERSION})"));
        }
        let metrics = v.get("metrics").and_then(Value::as_object).ok_or("has no \"metrics\" object")?;
        let mut out = Vec::with_capacity(METRICS.len());
        for name in METRICS {
            let m = metrics.get(name).ok_or_else(|| format!("lacks the metric {name}"))?;
            let count = |field: &str| {
                m.get(field)
                    .and_then(Value::as_u64)
                    .ok_or_else(|| format!("metric {name}: \"{field}\" must be a non-negative integer"))
            };
            let ratio = Ratio { covered: count("covered")?, total: count("total")? };
            let missing = match m.get("missing") {
                None => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| format!("metric {name}: \"missing\" must be a list of strings"))?,
                Some(_) => return Err(format!("metric {name}: \"missing\" must be a list of strings")),
            };
            out.push((name, Recorded { ratio, missing }));
        }
        Ok(Baseline { path: path.to_string(), metrics: out })
    }

    /// The recorded metric `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Recorded> {
        self.metrics.iter().find(|(n, _)| *n == name).map(|(_, r)| r)
    }

    /// The metrics of `gated` that `audit` has below this baseline.
    pub(crate) fn drops(&self, audit: &Audit, gated: &[&'static str]) -> Vec<Drop> {
        let mut out = Vec::new();
        for &metric in gated {
            let (Some(was), Some(now)) = (self.get(metric), audit.metric(metric)) else { continue };
            if now.value() < was.ratio.value() {
                let before: HashSet<&String> = was.missing.iter().collect();
                let newly_missing = audit.missing(metric).iter().filter(|m| !before.contains(m)).cloned().collect();
                out.push(Drop { metric, now, was: was.ratio, newly_missing });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Value {
        let mut metrics = Map::new();
        for name in METRICS {
            metrics.insert(name.into(), json!({"covered": 1, "total": 2, "ratio": 0.5, "missing": ["x"]}));
        }
        json!({"format": FORMAT, "version": 1, "inventory": "embedded", "metrics": metrics})
    }

    #[test]
    fn strict_reading() {
        let b = Baseline::from_value("b.json", &good()).unwrap();
        assert_eq!(b.metrics.len(), METRICS.len());
        assert_eq!(b.get("tool_surface_coverage").unwrap().ratio, Ratio { covered: 1, total: 2 });

        let mut v = good();
        v["format"] = json!("other");
        assert!(Baseline::from_value("b", &v).unwrap_err().contains("not a claw parity baseline"));
        let mut v = good();
        v["version"] = json!(2);
        assert!(Baseline::from_value("b", &v).unwrap_err().contains("version"));
        let mut v = good();
        v["metrics"].as_object_mut().unwrap().remove("directory_coverage");
        assert_eq!(Baseline::from_value("b", &v).unwrap_err(), "lacks the metric directory_coverage");
        let mut v = good();
        v["metrics"]["root_file_coverage"]["covered"] = json!(-1);
        assert!(Baseline::from_value("b", &v).unwrap_err().contains("non-negative integer"));
        let mut v = good();
        v["metrics"]["root_file_coverage"]["missing"] = json!([1]);
        assert!(Baseline::from_value("b", &v).unwrap_err().contains("list of strings"));
        assert!(Baseline::from_value("b", &json!([])).is_err());
    }
}
