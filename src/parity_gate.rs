//! The `parity-audit` gate: which metrics fail `--fail-under` or the
//! `--baseline`, and the CI renderings of that verdict — JUnit XML
//! (`--junit FILE`) and GitHub workflow commands (`--github-annotations`).
//!
//! JUnit: one `<testsuite name="claw parity-audit">` with one `<testcase>`
//! per metric of [`METRICS`] (`classname="parity-audit"`, `name` the metric).
//! A gated metric below the threshold or the baseline has one `<failure>`
//! whose `message` names each reason; a metric that is not gated has a
//! `<skipped>` saying why; the others pass.  Annotations: one
//! `::error title=parity-audit <metric>::<reason>` line per reason.

use crate::baseline::Drop;
use crate::parity::{Audit, GateScope, METRICS};
use crate::pyfmt::float;
use crate::ratio::Ratio;

/// Why one gated metric failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub metric: &'static str,
    /// `fail_under` or `baseline`.
    pub check: &'static str,
    pub message: String,
}

/// What the gate decided.
#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    pub gated: Vec<&'static str>,
    pub fail_under: Option<f64>,
    /// Metrics below `fail_under`.
    pub below: Vec<(&'static str, Ratio)>,
    /// `--baseline` as given and the metrics below it.
    pub baseline: Option<(String, Vec<Drop>)>,
}

impl Verdict {
    pub(crate) fn new(
        audit: &Audit,
        scope: GateScope,
        fail_under: Option<f64>,
        baseline: Option<&crate::baseline::Baseline>,
    ) -> Verdict {
        let gated = Audit::gated(scope);
        let below = fail_under.map(|t| audit.failed(scope, t)).unwrap_or_default();
        let baseline = baseline.map(|b| (b.path.clone(), b.drops(audit, &gated)));
        Verdict { gated, fail_under, below, baseline }
    }

    /// Whether every check given passed.
    pub(crate) fn passed(&self) -> bool {
        self.below.is_empty() && self.baseline.as_ref().is_none_or(|(_, drops)| drops.is_empty())
    }

    /// Every failure, threshold failures first, in metric order.
    pub(crate) fn failures(&self) -> Vec<Failure> {
        let mut out: Vec<Failure> = Vec::new();
        if let Some(t) = self.fail_under {
            let shown = float::repr(t);
            out.extend(self.below.iter().map(|(metric, r)| Failure {
                metric,
                check: "fail_under",
                message: format!("{metric}: {r} is below {shown} (--fail-under)"),
            }));
        }
        if let Some((_, drops)) = &self.baseline {
            out.extend(drops.iter().map(|d| Failure { metric: d.metric, check: "baseline", message: drop_message(d) }));
        }
        out
    }

    /// The text lines `--baseline` adds:
    ///
    /// ```text
    ///
    /// Baseline gate: failed (--baseline base.json)
    /// - command_surface_coverage: 69/141 is below the baseline's 70/141
    ///   - newly missing: compact
    /// ```
    pub(crate) fn baseline_lines(&self) -> Vec<String> {
        let Some((path, drops)) = &self.baseline else { return Vec::new() };
        let state = if drops.is_empty() { "passed" } else { "failed" };
        let mut lines = vec![String::new(), format!("Baseline gate: {state} (--baseline {path})")];
        for d in drops {
            lines.push(format!("- {}: {} is below the baseline's {}", d.metric, d.now, d.was));
            if !d.newly_missing.is_empty() {
                lines.push(format!("  - newly missing: {}", d.newly_missing.join(", ")));
            }
        }
        lines
    }

    /// One GitHub workflow command per failure.
    pub(crate) fn annotations(&self) -> Vec<String> {
        self.failures()
            .iter()
            .map(|f| {
                format!(
                    "::error title={}::{}",
                    escape_property(&format!("parity-audit {}", f.metric)),
                    escape_data(&f.message)
                )
            })
            .collect()
    }

    /// The JUnit XML document for `audit`.
    pub(crate) fn junit(&self, audit: &Audit) -> String {
        let failures = self.failures();
        let failed = METRICS.iter().filter(|m| failures.iter().any(|f| f.metric == **m)).count();
        let skipped = METRICS.len() - self.gated.len();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str(&format!(
            "<testsuites name=\"claw parity-audit\" tests=\"{n}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">\n  \
             <testsuite name=\"claw parity-audit\" tests=\"{n}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">\n",
            n = METRICS.len()
        ));
        for metric in METRICS {
            let r = audit.metric(metric).unwrap_or(Ratio { covered: 0, total: 0 });
            out.push_str(&format!("    <testcase classname=\"parity-audit\" name=\"{metric}\">\n"));
            out.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                xml_escape(&format!("{metric}: {r} ({})", float::repr(r.value())))
            ));
            let mine: Vec<&Failure> = failures.iter().filter(|f| f.metric == metric).collect();
            if !self.gated.contains(&metric) {
                out.push_str(&format!("      <skipped message=\"{}\"/>\n", xml_escape(not_gated_reason(metric))));
            } else if !mine.is_empty() {
                let message: Vec<&str> = mine.iter().map(|f| f.message.as_str()).collect();
                let kinds: Vec<&str> = mine.iter().map(|f| f.check).collect();
                let mut body = message.join("\n");
                let missing = audit.missing(metric);
                if !missing.is_empty() {
                    body.push_str(&format!("\nmissing: {}", missing.join(", ")));
                }
                out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    xml_escape(&message.join("; ")),
                    kinds.join(","),
                    xml_escape(&body)
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

fn drop_message(d: &Drop) -> String {
    let mut m = format!("{}: {} is below the baseline's {}", d.metric, d.now, d.was);
    if !d.newly_missing.is_empty() {
        m.push_str(&format!("; newly missing: {}", d.newly_missing.join(", ")));
    }
    m
}

fn not_gated_reason(metric: &str) -> &'static str {
    match metric {
        "total_file_ratio" => "not gated: compares different languages' file layouts",
        "command_entry_ratio" | "tool_entry_ratio" => {
            "not gated: the embedded sample inventory describes claw, not the workspace (set CLAW_REFERENCE_DATA)"
        }
        _ => "not gated: pass --surface to gate surface coverage",
    }
}

/// XML text and attribute escaping; characters XML 1.0 forbids are dropped.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
