//! Path scope for shell and file tools (`exec-tool --workspace-root`).

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub reason: String,
    pub candidate: String,
    pub resolved: String,
}

/// Check every path-like operand of `payload` against `roots`.
pub fn check(_tool: &str, _payload: &str, _roots: &[String], _cwd: Option<&str>) -> Result<(), Violation> {
    Ok(())
}
