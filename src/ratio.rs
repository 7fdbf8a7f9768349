//! `covered/total`: the one measure every parity metric and the surface
//! coverage report.

use crate::pyfmt::json::Json;

/// `covered/total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    pub covered: u64,
    pub total: u64,
}

impl Ratio {
    /// `covered / total`, `0.0` when `total` is 0.
    pub(crate) fn value(self) -> f64 {
        if self.total == 0 { 0.0 } else { self.covered as f64 / self.total as f64 }
    }

    /// `{"covered", "total", "ratio"}`.
    pub(crate) fn to_json(self) -> Json {
        Json::obj([
            ("covered", Json::Int(self.covered as i64)),
            ("total", Json::Int(self.total as i64)),
            ("ratio", Json::Float(self.value())),
        ])
    }
}

impl std::fmt::Display for Ratio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.covered, self.total)
    }
}
