//! Which tools are scoped, and how their payloads are read: derived from
//! the tool inventory, where each module's `source_hint` names the tool
//! directory it belongs to (`tools/BashTool/bashSecurity.ts` belongs to
//! `BashTool`).
//!
//! | family (tool directory) | payload |
//! |---|---|
//! | `BashTool`, `REPLTool` | a bash command line, or a JSON object whose `command` is one and whose path keys are paths |
//! | `PowerShellTool` | the same, with PowerShell's lexical rules |
//! | `FileReadTool`, `FileWriteTool`, `FileEditTool`, `NotebookEditTool`, `GlobTool`, `GrepTool`, `LSPTool` | JSON path keys; a bare payload is a list of paths |
//! | every other tool | JSON path keys; a bare (non-JSON) payload is free text |
//!
//! Path keys are matched on the lowercased key with `_` and `-` removed:
//! it ends with `path`, `paths`, `file`, `files`, `filename`, `filenames`,
//! `dir`, `dirs`, `directory`, `directories`, `folder`, `cwd` or `root`,
//! or is one of `src`, `dst`, `dest`, `destination`, `source`, `target`,
//! `workdir`, `location`, or is `uri`/`url` holding a `file:` URL. Content keys (`content`,
//! `file_text`, `old_string`, ...) are not paths.

/// How a tool's payload is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A command line; `ps`: PowerShell rules.
    Shell { ps: bool },
    /// A tool that takes paths: a bare payload is a list of paths.
    File,
    /// Any other tool: only JSON path keys are checked.
    Other,
}

const BASH_FAMILIES: [&str; 2] = ["bashtool", "repltool"];
const FILE_FAMILIES: [&str; 7] =
    ["filereadtool", "filewritetool", "fileedittool", "notebookedittool", "globtool", "greptool", "lsptool"];

/// The tool directory a module belongs to, lowercased: from its
/// `source_hint` (`tools/<Dir>/...`), else its name.
fn family(name: &str, source_hint: &str) -> String {
    let mut parts = source_hint.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("tools"), Some(dir), Some(_)) => dir.to_lowercase(),
        _ => name.to_lowercase(),
    }
}

/// The kind of the tool `name` whose inventory `source_hint` is given.
pub fn kind(name: &str, source_hint: &str) -> Kind {
    let family = family(name, source_hint);
    let lower = name.to_lowercase();
    let is = |set: &[&str]| set.iter().any(|f| *f == family || lower.contains(f.trim_end_matches("tool")));
    if family == "powershelltool" || lower.contains("powershell") {
        Kind::Shell { ps: true }
    } else if is(&BASH_FAMILIES) || lower.contains("shell") {
        Kind::Shell { ps: false }
    } else if is(&FILE_FAMILIES) {
        Kind::File
    } else {
        Kind::Other
    }
}

/// Is this (lowercased) JSON key a path key?
pub fn is_path_key(key: &str) -> bool {
    let k: String = key.to_lowercase().chars().filter(|c| *c != '_' && *c != '-').collect();
    const ENDINGS: [&str; 13] = [
        "path",
        "paths",
        "file",
        "files",
        "filename",
        "filenames",
        "dir",
        "dirs",
        "directory",
        "directories",
        "folder",
        "cwd",
        "root",
    ];
    const EXACT: [&str; 8] = ["src", "dst", "dest", "destination", "source", "target", "workdir", "location"];
    ENDINGS.iter().any(|e| k.ends_with(e)) || EXACT.contains(&k.as_str())
}

/// Keys whose value is a path only when it is a `file:` URL.
pub fn is_url_key(key: &str) -> bool {
    let k = key.to_lowercase();
    k == "uri" || k == "url" || k.ends_with("_uri") || k.ends_with("_url")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_tool_directory() {
        assert_eq!(kind("bashSecurity", "tools/BashTool/bashSecurity.ts"), Kind::Shell { ps: false });
        assert_eq!(kind("powershellPermissions", "tools/PowerShellTool/x.ts"), Kind::Shell { ps: true });
        assert_eq!(kind("NotebookEditTool", "tools/NotebookEditTool/NotebookEditTool.tsx"), Kind::File);
        assert_eq!(kind("LSPTool", "tools/LSPTool/LSPTool.ts"), Kind::File);
        assert_eq!(kind("symbolContext", "tools/LSPTool/symbolContext.ts"), Kind::File);
        assert_eq!(kind("AgentTool", "tools/AgentTool/AgentTool.tsx"), Kind::Other);
        assert_eq!(kind("BashTool", ""), Kind::Shell { ps: false });
    }

    #[test]
    fn path_keys() {
        for k in ["path", "file_path", "notebook_path", "filePath", "directory", "cwd", "paths", "outputDir"] {
            assert!(is_path_key(k), "{k}");
        }
        for k in ["content", "file_text", "old_string", "new_string", "pattern", "command", "limit"] {
            assert!(!is_path_key(k), "{k}");
        }
    }
}
