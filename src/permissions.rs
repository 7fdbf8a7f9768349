//! Permissions: `ToolPermissionContext`'s deny lists (by exact,
//! case-insensitive name and by name prefix), and the denials a set of
//! routed matches earns (`_infer_permission_denials` plus the deny lists).

use crate::pyfmt::text::lower;
use crate::router::{Kind, Match};

const BASH_REASON: &str = "destructive shell execution remains gated in the Python port";
const DENY_REASON: &str = "blocked by --deny-tool/--deny-prefix";

/// `_infer_permission_denials`, plus tools blocked by claw's deny lists.
pub(crate) fn denials(matches: &[Match<'_>], deny: &Deny) -> Vec<Denial> {
    matches
        .iter()
        .filter(|m| m.kind == Kind::Tool)
        .filter_map(|m| {
            let reason = if lower(m.name).contains("bash") {
                BASH_REASON
            } else if deny.blocks(m.name) {
                DENY_REASON
            } else {
                return None;
            };
            Some(Denial { tool_name: m.name.to_string(), reason: reason.into() })
        })
        .collect()
}

/// A tool the runtime refused (`PermissionDenial`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Denial {
    pub tool_name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Deny {
    names: Vec<String>,
    prefixes: Vec<String>,
}

impl Deny {
    pub(crate) fn new(names: &[String], prefixes: &[String]) -> Deny {
        Deny { names: names.iter().map(|n| lower(n)).collect(), prefixes: prefixes.iter().map(|p| lower(p)).collect() }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty() && self.prefixes.is_empty()
    }

    /// `ToolPermissionContext.blocks(tool_name)`.
    pub(crate) fn blocks(&self, tool_name: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        let lowered = lower(tool_name);
        self.names.contains(&lowered) || self.prefixes.iter().any(|p| lowered.starts_with(p.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_by_name_and_prefix_ignoring_case() {
        let d = Deny::new(&["BashTool".into()], &["File".into()]);
        assert!(d.blocks("bashtool"));
        assert!(d.blocks("FileReadTool"));
        assert!(!d.blocks("Bash"));
        assert!(!Deny::default().blocks("BashTool"));
        // An empty prefix blocks everything, as `str.startswith('')` does.
        assert!(Deny::new(&[], &["".into()]).blocks("x"));
    }
}
