//! claw's typed errors.  Modules return these; the edge (`app.rs`) turns
//! them into a text message or a JSON envelope with a stable `kind`.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ClawError {
    /// Reference data (embedded or `CLAW_REFERENCE_DATA`) could not be used.
    #[error("reference data {file}: {problem}")]
    Snapshot { file: String, problem: String },

    /// A session id that is not a plain file name.
    #[error("invalid session id {id}: {reason}")]
    InvalidSessionId { id: String, reason: &'static str },

    /// The workspace (`--workspace`, `$CLAW_WORKSPACE`, or `.`) is missing or not a directory.
    #[error("workspace {path}: {problem}")]
    Workspace { path: String, problem: String },

    /// A `parity-audit --baseline` file is missing, unreadable or malformed.
    #[error("baseline {path}: {problem}")]
    Baseline { path: String, problem: String },

    /// A report file (`--write-baseline`, `--junit`) could not be written.
    #[error("cannot write {path}: {problem}")]
    ReportWrite { path: String, problem: String },

    /// `$CLAW_ROUTING` is set to something other than a `--routing` choice.
    #[error("invalid CLAW_ROUTING value {value}: choose from 'reference', 'explicit'")]
    InvalidRouting { value: String },

    /// The session store could not be written.
    #[error("{0}")]
    SessionSave(String),
}

impl ClawError {
    /// The `error.kind` of the JSON envelope.
    pub fn kind(&self) -> &'static str {
        match self {
            ClawError::Snapshot { .. } => "reference_data_invalid",
            ClawError::InvalidSessionId { .. } => "invalid_session_id",
            ClawError::Workspace { .. } => "workspace_invalid",
            ClawError::InvalidRouting { .. } => "invalid_routing",
            ClawError::SessionSave(_) => "session_save_failed",
            ClawError::Baseline { .. } => "baseline_invalid",
            ClawError::ReportWrite { .. } => "report_write_failed",
        }
    }

    /// Whether retrying the same call may succeed.
    pub fn retryable(&self) -> bool {
        matches!(self, ClawError::SessionSave(_))
    }
}

pub type Result<T, E = ClawError> = std::result::Result<T, E>;

/// An I/O error's reason without Rust's "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
