//! claw's one error vocabulary.  Every failure an answer reports is a
//! [`ClawError`] variant carrying its data; the variant gives the envelope's
//! `error.kind` ([`Kind`]), the exit code, whether a retry may succeed, and
//! the message (its `Display`).  [`ClawError::to_json`] is the one place an
//! envelope's `error` object is built.  Handlers answer some errors
//! themselves, beside their own fields (`session_id`, `found: false`, …);
//! the edge (`app.rs`) answers the rest, and parse errors.

use thiserror::Error;

use crate::output::Format;
use crate::pyfmt::json::Json;
use crate::pyfmt::repr::str_repr;

/// The `error.kind` of an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    ReferenceDataInvalid,
    InvalidSessionId,
    WorkspaceInvalid,
    InvalidRouting,
    SessionSaveFailed,
    BaselineInvalid,
    ReportWriteFailed,
    SessionNotFound,
    SessionLoadFailed,
    SessionListFailed,
    SessionDeleteFailed,
    CommandNotFound,
    ToolNotFound,
    PermissionDenied,
    Parse,
}

impl Kind {
    /// Every kind: first those any handler may end with, in the order the
    /// schemas list them, then those of single commands, then `parse`.
    pub const ALL: [Kind; 15] = [
        Kind::ReferenceDataInvalid,
        Kind::InvalidSessionId,
        Kind::WorkspaceInvalid,
        Kind::InvalidRouting,
        Kind::SessionSaveFailed,
        Kind::BaselineInvalid,
        Kind::ReportWriteFailed,
        Kind::SessionNotFound,
        Kind::SessionLoadFailed,
        Kind::SessionListFailed,
        Kind::SessionDeleteFailed,
        Kind::CommandNotFound,
        Kind::ToolNotFound,
        Kind::PermissionDenied,
        Kind::Parse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ReferenceDataInvalid => "reference_data_invalid",
            Kind::InvalidSessionId => "invalid_session_id",
            Kind::WorkspaceInvalid => "workspace_invalid",
            Kind::InvalidRouting => "invalid_routing",
            Kind::SessionSaveFailed => "session_save_failed",
            Kind::BaselineInvalid => "baseline_invalid",
            Kind::ReportWriteFailed => "report_write_failed",
            Kind::SessionNotFound => "session_not_found",
            Kind::SessionLoadFailed => "session_load_failed",
            Kind::SessionListFailed => "session_list_failed",
            Kind::SessionDeleteFailed => "session_delete_failed",
            Kind::CommandNotFound => "command_not_found",
            Kind::ToolNotFound => "tool_not_found",
            Kind::PermissionDenied => "permission_denied",
            Kind::Parse => "parse",
        }
    }

    /// Whether any handler may end with an error of this kind, answered by
    /// the edge as `{"error": …}` alone.  The others are answered by the one
    /// command that meets them (or, for `parse`, before any command runs).
    pub fn from_any_command(self) -> bool {
        matches!(
            self,
            Kind::ReferenceDataInvalid
                | Kind::InvalidSessionId
                | Kind::WorkspaceInvalid
                | Kind::InvalidRouting
                | Kind::SessionSaveFailed
                | Kind::BaselineInvalid
                | Kind::ReportWriteFailed
        )
    }

    /// Whether retrying the same call may succeed.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Kind::SessionSaveFailed | Kind::SessionLoadFailed | Kind::SessionListFailed | Kind::SessionDeleteFailed
        )
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `e.kind() == "invalid_routing"`: a kind equals its name.
impl PartialEq<&str> for Kind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What a parse error's envelope suggests.
pub const PARSE_HINT: &str = "run with no arguments to see available subcommands";

#[derive(Debug, Error)]
pub enum ClawError {
    /// Reference data (embedded or `CLAW_REFERENCE_DATA`) could not be used.
    #[error("reference data {file}: {problem}")]
    Snapshot { file: String, problem: String },

    /// A session id that is not a plain file name (`id` is its repr).
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

    /// `$CLAW_ROUTING` is set to something other than a `--routing` choice (`value` is its repr).
    #[error("invalid CLAW_ROUTING value {value}: choose from 'reference', 'explicit'")]
    InvalidRouting { value: String },

    /// The session store could not be written: `action` is "create session
    /// directory" or "write session into".
    #[error("cannot {action} {}: {reason}", str_repr(.dir))]
    SessionSave { action: &'static str, dir: String, reason: String },

    /// The session store's directory could not be listed.
    #[error("cannot list {}: {reason}", str_repr(.dir))]
    SessionList { dir: String, reason: String },

    /// No session `id` in the store `directory`; the message is the repr of
    /// the reference's `KeyError` text, as Python's `str()` of it prints.
    #[error("{}", str_repr(&format!("session {} not found in {directory}", str_repr(.id))))]
    SessionNotFound { id: String, directory: String },

    /// A session file that exists but cannot be read or is malformed.
    #[error("{message}")]
    SessionLoad { message: String, directory: String },

    /// A session file that exists but could not be removed (`cause` is the OS error's text).
    #[error("session {} exists in {dir} but could not be deleted: {cause}", str_repr(.id))]
    SessionDelete { id: String, dir: String, cause: String },

    /// `show-command`: no command of that name.
    #[error("Unknown command: {name}")]
    CommandNotFound { name: String },

    /// `exec-command`: no command of that name.
    #[error("Unknown mirrored command: {name}")]
    MirroredCommandNotFound { name: String },

    /// `show-tool`: no tool of that name.
    #[error("Unknown tool: {name}")]
    ToolNotFound { name: String },

    /// `exec-tool`: no tool of that name.
    #[error("Unknown mirrored tool: {name}")]
    MirroredToolNotFound { name: String },

    /// `exec-tool`: the tool is denied by `--deny-tool` / `--deny-prefix`.
    #[error("Permission denied for mirrored tool '{tool}'.")]
    PermissionDenied { tool: String },

    /// `exec-tool --workspace-root`: the payload names a path outside the roots.
    #[error(
        "Permission denied for mirrored tool '{tool}': {reason} (candidate={}, resolved={}).",
        str_repr(.candidate),
        str_repr(.resolved)
    )]
    OutsideScope { tool: String, reason: String, candidate: String, resolved: String },

    /// The command line could not be parsed; `target` is the subcommand token (or `claw`).
    #[error("{message}")]
    Parse { target: String, message: String },
}

impl ClawError {
    /// The `error.kind` of the JSON envelope.
    pub fn kind(&self) -> Kind {
        match self {
            ClawError::Snapshot { .. } => Kind::ReferenceDataInvalid,
            ClawError::InvalidSessionId { .. } => Kind::InvalidSessionId,
            ClawError::Workspace { .. } => Kind::WorkspaceInvalid,
            ClawError::Baseline { .. } => Kind::BaselineInvalid,
            ClawError::ReportWrite { .. } => Kind::ReportWriteFailed,
            ClawError::InvalidRouting { .. } => Kind::InvalidRouting,
            ClawError::SessionSave { .. } => Kind::SessionSaveFailed,
            ClawError::SessionList { .. } => Kind::SessionListFailed,
            ClawError::SessionNotFound { .. } => Kind::SessionNotFound,
            ClawError::SessionLoad { .. } => Kind::SessionLoadFailed,
            ClawError::SessionDelete { .. } => Kind::SessionDeleteFailed,
            ClawError::CommandNotFound { .. } | ClawError::MirroredCommandNotFound { .. } => Kind::CommandNotFound,
            ClawError::ToolNotFound { .. } | ClawError::MirroredToolNotFound { .. } => Kind::ToolNotFound,
            ClawError::PermissionDenied { .. } | ClawError::OutsideScope { .. } => Kind::PermissionDenied,
            ClawError::Parse { .. } => Kind::Parse,
        }
    }

    /// Whether retrying the same call may succeed.
    pub fn retryable(&self) -> bool {
        self.kind().retryable()
    }

    /// The exit code of the answer: 1, but 2 for a parse error in text mode
    /// (argparse's convention).
    pub fn exit_code(&self, format: Format) -> i32 {
        match (self, format) {
            (ClawError::Parse { .. }, Format::Text) => 2,
            _ => 1,
        }
    }

    /// The envelope's `error` object: `kind`, `message`, `retryable`, with
    /// the fields some errors add, in the order the reference writes them.
    pub fn to_json(&self) -> Json {
        let kind = ("kind", Json::str(self.kind().as_str()));
        let message = ("message", Json::str(self.to_string()));
        let retryable = ("retryable", Json::Bool(self.retryable()));
        Json::obj(match self {
            ClawError::Parse { target, .. } => vec![
                kind,
                ("operation", Json::str("argparse")),
                ("target", Json::str(target)),
                retryable,
                message,
                ("hint", Json::str(PARSE_HINT)),
            ],
            ClawError::SessionNotFound { directory, .. } | ClawError::SessionLoad { directory, .. } => {
                vec![kind, message, ("directory", Json::str(directory)), retryable]
            }
            ClawError::OutsideScope { candidate, resolved, .. } => {
                vec![kind, message, ("candidate", Json::str(candidate)), ("resolved", Json::str(resolved)), retryable]
            }
            _ => vec![kind, message, retryable],
        })
    }

    /// One error of every variant, for tests and documentation.
    pub fn examples() -> Vec<ClawError> {
        let s = |v: &str| v.to_string();
        vec![
            ClawError::Snapshot { file: s("commands.json"), problem: s("is not valid JSON") },
            ClawError::InvalidSessionId { id: s("'a/b'"), reason: "a session id must not contain '/'" },
            ClawError::Workspace { path: s("ws"), problem: s("does not exist") },
            ClawError::Baseline { path: s("b.json"), problem: s("is not JSON") },
            ClawError::ReportWrite { path: s("out.xml"), problem: s("Permission denied") },
            ClawError::InvalidRouting { value: s("'x'") },
            ClawError::SessionSave { action: "write session into", dir: s("s"), reason: s("No space left on device") },
            ClawError::SessionList { dir: s("s"), reason: s("Permission denied") },
            ClawError::SessionNotFound { id: s("x"), directory: s("s") },
            ClawError::SessionLoad { message: s("session file 's/x.json' is a FIFO"), directory: s("s") },
            ClawError::SessionDelete { id: s("x"), dir: s("s"), cause: s("[Errno 13] Permission denied") },
            ClawError::CommandNotFound { name: s("x") },
            ClawError::MirroredCommandNotFound { name: s("x") },
            ClawError::ToolNotFound { name: s("x") },
            ClawError::MirroredToolNotFound { name: s("x") },
            ClawError::PermissionDenied { tool: s("BashTool") },
            ClawError::OutsideScope { tool: s("t"), reason: s("outside"), candidate: s("/x"), resolved: s("/x") },
            ClawError::Parse { target: s("route"), message: s("unrecognized arguments: --x") },
        ]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyfmt::json::dumps;

    /// Each variant's place in [`ClawError::examples`]; a new variant fails to
    /// compile here until it has an example.
    fn variant(e: &ClawError) -> usize {
        match e {
            ClawError::Snapshot { .. } => 0,
            ClawError::InvalidSessionId { .. } => 1,
            ClawError::Workspace { .. } => 2,
            ClawError::Baseline { .. } => 3,
            ClawError::ReportWrite { .. } => 4,
            ClawError::InvalidRouting { .. } => 5,
            ClawError::SessionSave { .. } => 6,
            ClawError::SessionList { .. } => 7,
            ClawError::SessionNotFound { .. } => 8,
            ClawError::SessionLoad { .. } => 9,
            ClawError::SessionDelete { .. } => 10,
            ClawError::CommandNotFound { .. } => 11,
            ClawError::MirroredCommandNotFound { .. } => 12,
            ClawError::ToolNotFound { .. } => 13,
            ClawError::MirroredToolNotFound { .. } => 14,
            ClawError::PermissionDenied { .. } => 15,
            ClawError::OutsideScope { .. } => 16,
            ClawError::Parse { .. } => 17,
        }
    }

    #[test]
    fn examples_cover_every_variant_and_every_kind() {
        let examples = ClawError::examples();
        let places: Vec<usize> = examples.iter().map(variant).collect();
        assert_eq!(places, (0..examples.len()).collect::<Vec<_>>());
        for k in Kind::ALL {
            assert!(examples.iter().any(|e| e.kind() == k), "no example of {k:?}");
        }
        let names: std::collections::HashSet<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), Kind::ALL.len(), "kind names are distinct");
        // Kinds any command may end with come first, as the schemas list them.
        let edge = Kind::ALL.iter().take_while(|k| k.from_any_command()).count();
        assert!(Kind::ALL[edge..].iter().all(|k| !k.from_any_command()));
    }

    #[test]
    fn the_error_object_keeps_the_reference_field_order() {
        let text = |e: ClawError| dumps(&e.to_json());
        assert_eq!(
            text(ClawError::InvalidRouting { value: "'x'".into() }),
            r#"{"kind": "invalid_routing", "message": "invalid CLAW_ROUTING value 'x': choose from 'reference', 'explicit'", "retryable": false}"#
        );
        assert_eq!(
            text(ClawError::Parse { target: "route".into(), message: "m".into() }),
            r#"{"kind": "parse", "operation": "argparse", "target": "route", "retryable": false, "message": "m", "hint": "run with no arguments to see available subcommands"}"#
        );
        assert_eq!(
            text(ClawError::SessionNotFound { id: "x".into(), directory: "s".into() }),
            r#"{"kind": "session_not_found", "message": "\"session 'x' not found in s\"", "directory": "s", "retryable": false}"#
        );
        assert_eq!(
            text(ClawError::OutsideScope {
                tool: "t".into(),
                reason: "r".into(),
                candidate: "/c".into(),
                resolved: "/r".into()
            }),
            r#"{"kind": "permission_denied", "message": "Permission denied for mirrored tool 't': r (candidate='/c', resolved='/r').", "candidate": "/c", "resolved": "/r", "retryable": false}"#
        );
        assert_eq!(
            text(ClawError::SessionList { dir: "s".into(), reason: "Permission denied".into() }),
            r#"{"kind": "session_list_failed", "message": "cannot list 's': Permission denied", "retryable": true}"#
        );
    }

    #[test]
    fn schemas_md_names_every_kind() {
        let doc = include_str!("../SCHEMAS.md");
        for k in Kind::ALL {
            assert!(doc.contains(&format!("`{k}`")) || doc.contains(&format!("\"{k}\"")), "SCHEMAS.md lacks {k}");
        }
    }

    #[test]
    fn only_text_mode_parse_errors_exit_2() {
        for e in ClawError::examples() {
            let text = if matches!(e, ClawError::Parse { .. }) { 2 } else { 1 };
            assert_eq!((e.exit_code(Format::Json), e.exit_code(Format::Text)), (1, text), "{e:?}");
        }
    }
}
