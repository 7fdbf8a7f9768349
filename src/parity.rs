//! The parity audit: how much of the archived TypeScript surface the port
//! root (`<workspace>/src`, or every member's `src/` in a cargo workspace)
//! covers.
//!
//! The reference (`parity_audit.py`) compares hard-coded tables against the
//! entries of its own `src/` and prints its full report only when the local
//! archive (`<workspace>/archive/claude_code_ts_snapshot/src`) exists.  claw
//! computes the same coverage from the archive surface snapshot
//! ([`ArchiveSurface`]: `root_files`, `root_dirs` and the counts), so the
//! numbers are available without the archive; the text report still prints
//! the reference's short "Local archive unavailable" form when the archive
//! is absent.
//!
//! # Target names
//!
//! Each archived root file and root directory maps to a target in the port
//! root; a target is covered when it exists there.
//!
//! * **Python workspace** (see [`crate::manifest::Scan::language`]): the
//!   reference's tables [`ARCHIVE_ROOT_FILES`] and [`ARCHIVE_DIR_MAPPINGS`]
//!   (`QueryEngine.ts` → `QueryEngine.py`, `Task.ts` → `task.py`,
//!   `cost-tracker.ts` → `cost_tracker.py`, directory `commands` →
//!   `commands.py`, `native-ts` → `native_ts`, …).  A name the tables do not
//!   know maps to its stem with `-` → `_` plus `.py` (root file) or to itself
//!   with `-` → `_` (directory).  As the reference, a target is covered when
//!   any entry of `src/` (file or directory) has that name.
//! * **Rust workspace** (`.rs` files and no `.py` files): names become
//!   snake_case ([`snake_case`]: `QueryEngine` → `query_engine`, `costHook` →
//!   `cost_hook`, `cost-tracker` → `cost_tracker`, `native-ts` → `native_ts`).
//!   Root file `X.ts` → target `x.rs`, covered by `src/x.rs` or
//!   `src/x/mod.rs`; directory `X` → target `x/`, covered by a directory
//!   `src/x/` or a file `src/x.rs` (either form of a Rust module).
//!
//! In a cargo workspace (see [`crate::port_roots`]) a target is covered when
//! any member's `src/` covers it, or when a member crate (with a `src/`
//! directory) is that module: the member directory's last component in
//! snake_case (`crates/cost-tracker` → `cost_tracker`) covers both
//! `cost_tracker.rs` and `cost_tracker/`.
//!
//! # Ratios
//!
//! Every metric is `covered/total`: root files and directories as above,
//! `total_file_ratio` = source files of the workspace's language under
//! `src/` vs `total_ts_like_files`, `command_entry_ratio` and
//! `tool_entry_ratio` = entries in the command / tool snapshot vs
//! `command_entry_count` / `tool_entry_count`.  As a number the ratio is
//! `covered / total`, and `0.0` when `total` is 0.  The surface coverages
//! by name are described in [`crate::surface`].
//!
//! # The gate
//!
//! `--fail-under` and `--baseline` check the root-file and directory
//! coverage; the command and tool entry ratios only when an inventory was
//! given (`CLAW_REFERENCE_DATA` or the workspace's `src/reference_data/`:
//! with the embedded sample inventory they describe claw, not the
//! workspace, and are reported but never fail); the two surface coverages
//! with `--surface`.  The total file ratio is never gated (it compares
//! different languages' file layouts).  See [`Audit::gated`].

use std::path::Path;

use crate::manifest::{Language, Scan};
use crate::port_roots::PortRoots;
use crate::pyfmt::float;
use crate::ratio::Ratio;
use crate::snapshot::{ArchiveSurface, Module};
use crate::surface::{Coverage, Tokens};
use crate::workspace::ARCHIVE_SUBPATH;

/// The reference's `ARCHIVE_ROOT_FILES`: archived root file → Python target.
pub(crate) const ARCHIVE_ROOT_FILES: &[(&str, &str)] = &[
    ("QueryEngine.ts", "QueryEngine.py"),
    ("Task.ts", "task.py"),
    ("Tool.ts", "Tool.py"),
    ("commands.ts", "commands.py"),
    ("context.ts", "context.py"),
    ("cost-tracker.ts", "cost_tracker.py"),
    ("costHook.ts", "costHook.py"),
    ("dialogLaunchers.tsx", "dialogLaunchers.py"),
    ("history.ts", "history.py"),
    ("ink.ts", "ink.py"),
    ("interactiveHelpers.tsx", "interactiveHelpers.py"),
    ("main.tsx", "main.py"),
    ("projectOnboardingState.ts", "projectOnboardingState.py"),
    ("query.ts", "query.py"),
    ("replLauncher.tsx", "replLauncher.py"),
    ("setup.ts", "setup.py"),
    ("tasks.ts", "tasks.py"),
    ("tools.ts", "tools.py"),
];

/// The reference's `ARCHIVE_DIR_MAPPINGS`: archived root directory → Python target.
pub(crate) const ARCHIVE_DIR_MAPPINGS: &[(&str, &str)] = &[
    ("assistant", "assistant"),
    ("bootstrap", "bootstrap"),
    ("bridge", "bridge"),
    ("buddy", "buddy"),
    ("cli", "cli"),
    ("commands", "commands.py"),
    ("components", "components"),
    ("constants", "constants"),
    ("context", "context.py"),
    ("coordinator", "coordinator"),
    ("entrypoints", "entrypoints"),
    ("hooks", "hooks"),
    ("ink", "ink.py"),
    ("keybindings", "keybindings"),
    ("memdir", "memdir"),
    ("migrations", "migrations"),
    ("moreright", "moreright"),
    ("native-ts", "native_ts"),
    ("outputStyles", "outputStyles"),
    ("plugins", "plugins"),
    ("query", "query.py"),
    ("remote", "remote"),
    ("schemas", "schemas"),
    ("screens", "screens"),
    ("server", "server"),
    ("services", "services"),
    ("skills", "skills"),
    ("state", "state"),
    ("tasks", "tasks.py"),
    ("tools", "tools.py"),
    ("types", "types"),
    ("upstreamproxy", "upstreamproxy"),
    ("utils", "utils"),
    ("vim", "vim"),
    ("voice", "voice"),
];

/// `name` without its last extension (`main.tsx` → `main`; `.rc` stays).
fn stem(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// snake_case for a Rust module: a `_` goes before an upper-case letter
/// that follows a lower-case letter or digit, or that ends an acronym
/// (`MCPTool` → `mcp_tool`); any other non-alphanumeric character becomes
/// `_`; everything is lower-cased.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else {
            out.push('_');
        }
    }
    out
}

/// The Python target of an archived root file.
pub(crate) fn python_root_target(ts_file: &str) -> String {
    ARCHIVE_ROOT_FILES
        .iter()
        .find(|(k, _)| *k == ts_file)
        .map_or_else(|| format!("{}.py", stem(ts_file).replace('-', "_")), |(_, v)| (*v).to_string())
}

/// The Python target of an archived root directory.
pub(crate) fn python_dir_target(ts_dir: &str) -> String {
    ARCHIVE_DIR_MAPPINGS
        .iter()
        .find(|(k, _)| *k == ts_dir)
        .map_or_else(|| ts_dir.replace('-', "_"), |(_, v)| (*v).to_string())
}

/// The Rust target of an archived root file: `x.rs`.
pub(crate) fn rust_root_target(ts_file: &str) -> String {
    format!("{}.rs", snake_case(stem(ts_file)))
}

/// The Rust target of an archived root directory: `x/`.
pub(crate) fn rust_dir_target(ts_dir: &str) -> String {
    format!("{}/", snake_case(ts_dir))
}

/// Every metric, by its JSON name, in report order.
pub const METRICS: [&str; 7] = [
    "root_file_coverage",
    "directory_coverage",
    "total_file_ratio",
    "command_entry_ratio",
    "tool_entry_ratio",
    "command_surface_coverage",
    "tool_surface_coverage",
];

/// What the gate checks besides the root-file and directory coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GateScope {
    /// An inventory was given (`CLAW_REFERENCE_DATA` or the workspace's own
    /// `src/reference_data/`): the command and tool entry ratios are gated.
    pub inventory_given: bool,
    /// `--surface`: the two surface coverages are gated.
    pub surface: bool,
}

/// The reference's `ParityAuditResult`, plus the language it was judged in,
/// the roots it covered and the surface coverage by name.
#[derive(Debug, Clone)]
pub(crate) struct Audit {
    pub language: Language,
    pub roots: PortRoots,
    pub archive_present: bool,
    pub root_file_coverage: Ratio,
    pub directory_coverage: Ratio,
    pub total_file_ratio: Ratio,
    pub command_entry_ratio: Ratio,
    pub tool_entry_ratio: Ratio,
    pub missing_root_targets: Vec<String>,
    pub missing_directory_targets: Vec<String>,
    pub command_surface: Coverage,
    pub tool_surface: Coverage,
}

fn is_file(p: &Path) -> bool {
    p.is_file()
}

/// `run_parity_audit()` for `workspace` (every root of a cargo workspace),
/// against `surface` and the command and tool inventories.
pub(crate) fn run(workspace: &Path, surface: &ArchiveSurface, commands: &[Module], tools: &[Module]) -> Audit {
    let roots = PortRoots::discover(workspace);
    let scan = Scan::of_roots(&roots);
    let language = scan.language();
    let srcs: Vec<&Path> = roots.src_dirs().collect();
    let any = |test: &dyn Fn(&Path) -> bool| srcs.iter().any(|src| test(src));
    let mut root_hits = 0u64;
    let mut missing_roots = Vec::new();
    let mut dir_hits = 0u64;
    let mut missing_dirs = Vec::new();
    match language {
        Language::Python => {
            // `{path.name for path in CURRENT_ROOT.iterdir()}`; nothing when unreadable.
            let entries: std::collections::HashSet<String> = srcs
                .iter()
                .filter_map(|src| std::fs::read_dir(src).ok())
                .flat_map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect();
            for f in &surface.root_files {
                let target = python_root_target(f);
                if entries.contains(&target) { root_hits += 1 } else { missing_roots.push(target) }
            }
            for d in &surface.root_dirs {
                let target = python_dir_target(d);
                if entries.contains(&target) { dir_hits += 1 } else { missing_dirs.push(target) }
            }
        }
        Language::Rust => {
            // A member crate `crates/cost-tracker` is the module `cost_tracker`.
            let crates: std::collections::HashSet<String> = roots
                .roots
                .iter()
                .filter(|r| roots.cargo_workspace && r.member != "." && r.src.is_dir())
                .map(|r| snake_case(r.member.rsplit('/').next().unwrap_or(&r.member)))
                .collect();
            for f in &surface.root_files {
                let target = rust_root_target(f);
                let module = snake_case(stem(f));
                if crates.contains(&module)
                    || any(&|src| is_file(&src.join(&target)) || is_file(&src.join(&module).join("mod.rs")))
                {
                    root_hits += 1;
                } else {
                    missing_roots.push(target);
                }
            }
            for d in &surface.root_dirs {
                let module = snake_case(d);
                if crates.contains(&module)
                    || any(&|src| src.join(&module).is_dir() || is_file(&src.join(format!("{module}.rs"))))
                {
                    dir_hits += 1;
                } else {
                    missing_dirs.push(rust_dir_target(d));
                }
            }
        }
    }
    let tokens = Tokens::of_dirs(srcs.iter().copied());
    Audit {
        language,
        archive_present: workspace.join(ARCHIVE_SUBPATH).exists(),
        root_file_coverage: Ratio { covered: root_hits, total: surface.root_files.len() as u64 },
        directory_coverage: Ratio { covered: dir_hits, total: surface.root_dirs.len() as u64 },
        total_file_ratio: Ratio { covered: scan.tally(language).total as u64, total: surface.total_ts_like_files },
        command_entry_ratio: Ratio { covered: commands.len() as u64, total: surface.command_entry_count },
        tool_entry_ratio: Ratio { covered: tools.len() as u64, total: surface.tool_entry_count },
        missing_root_targets: missing_roots,
        missing_directory_targets: missing_dirs,
        command_surface: Coverage::of(commands.iter().map(|m| m.name.as_ref()), |n| tokens.covers_command(n)),
        tool_surface: Coverage::of(tools.iter().map(|m| m.name.as_ref()), |n| tokens.covers_tool(n)),
        roots,
    }
}

impl Audit {
    /// A metric by its JSON name (one of [`METRICS`]).
    pub(crate) fn metric(&self, name: &str) -> Option<Ratio> {
        Some(match name {
            "root_file_coverage" => self.root_file_coverage,
            "directory_coverage" => self.directory_coverage,
            "total_file_ratio" => self.total_file_ratio,
            "command_entry_ratio" => self.command_entry_ratio,
            "tool_entry_ratio" => self.tool_entry_ratio,
            "command_surface_coverage" => self.command_surface.ratio(),
            "tool_surface_coverage" => self.tool_surface.ratio(),
            _ => return None,
        })
    }

    /// The targets or names a metric misses (none for the file and entry ratios).
    pub(crate) fn missing(&self, name: &str) -> &[String] {
        match name {
            "root_file_coverage" => &self.missing_root_targets,
            "directory_coverage" => &self.missing_directory_targets,
            "command_surface_coverage" => &self.command_surface.missing,
            "tool_surface_coverage" => &self.tool_surface.missing,
            _ => &[],
        }
    }

    /// The names of the gated metrics, in [`METRICS`] order: root files and
    /// directories always, the entry ratios when an inventory was given, the
    /// surface coverages with `--surface`.  The total file ratio never
    /// (it compares different languages' file layouts).
    pub(crate) fn gated(scope: GateScope) -> Vec<&'static str> {
        METRICS
            .iter()
            .copied()
            .filter(|m| match *m {
                "root_file_coverage" | "directory_coverage" => true,
                "command_entry_ratio" | "tool_entry_ratio" => scope.inventory_given,
                "command_surface_coverage" | "tool_surface_coverage" => scope.surface,
                _ => false,
            })
            .collect()
    }

    /// The gated metrics whose ratio is below `threshold` (none for NaN).
    pub(crate) fn failed(&self, scope: GateScope, threshold: f64) -> Vec<(&'static str, Ratio)> {
        Audit::gated(scope)
            .into_iter()
            .filter_map(|name| self.metric(name).map(|r| (name, r)))
            .filter(|(_, r)| r.value() < threshold)
            .collect()
    }

    /// `ParityAuditResult.to_markdown()`; the total-files line names the language.
    pub(crate) fn to_markdown(&self) -> String {
        let mut lines = vec!["# Parity Audit".to_string()];
        if !self.archive_present {
            lines.push("Local archive unavailable; parity audit cannot compare against the original snapshot.".into());
            return lines.join("\n");
        }
        lines.extend([
            String::new(),
            format!("Root file coverage: **{}**", self.root_file_coverage),
            format!("Directory coverage: **{}**", self.directory_coverage),
            format!("Total {} files vs archived TS-like files: **{}**", self.language.name(), self.total_file_ratio),
            format!("Command entry coverage: **{}**", self.command_entry_ratio),
            format!("Tool entry coverage: **{}**", self.tool_entry_ratio),
            String::new(),
            "Missing root targets:".into(),
        ]);
        push_items(&mut lines, &self.missing_root_targets);
        lines.extend([String::new(), "Missing directory targets:".into()]);
        push_items(&mut lines, &self.missing_directory_targets);
        lines.join("\n")
    }

    /// The lines `--surface` adds after the report:
    ///
    /// ```text
    ///
    /// Command surface coverage: **70/141**
    /// Tool surface coverage: **12/40**
    ///
    /// Missing command names:
    /// - agents
    /// ...
    ///
    /// Missing tool names:
    /// - ...
    /// ```
    pub(crate) fn surface_lines(&self) -> Vec<String> {
        let mut lines = vec![
            String::new(),
            format!("Command surface coverage: **{}**", self.command_surface.ratio()),
            format!("Tool surface coverage: **{}**", self.tool_surface.ratio()),
            String::new(),
            "Missing command names:".into(),
        ];
        push_items(&mut lines, &self.command_surface.missing);
        lines.extend([String::new(), "Missing tool names:".into()]);
        push_items(&mut lines, &self.tool_surface.missing);
        lines
    }

    /// The lines claw adds after the report when `--fail-under` is given:
    ///
    /// ```text
    ///
    /// Coverage gate: failed (--fail-under 1.0)
    /// - root_file_coverage: 3/18 is below 1.0
    /// - tool_entry_ratio: 0/184 is below 1.0
    /// Missing root targets:
    /// - QueryEngine.py
    /// ...
    /// ```
    ///
    /// or `Coverage gate: passed (--fail-under 0.5)`.  The missing-target
    /// lists appear for a failed root-file or directory metric (the missing
    /// names of a failed surface metric are in the `--surface` section).
    /// With the embedded inventory a last line says the entry ratios were
    /// not gated.
    pub(crate) fn gate_lines(&self, scope: GateScope, threshold: f64) -> Vec<String> {
        let shown = float::repr(threshold);
        let failed = self.failed(scope, threshold);
        let mut lines = vec![String::new()];
        if failed.is_empty() {
            lines.push(format!("Coverage gate: passed (--fail-under {shown})"));
        } else {
            lines.push(format!("Coverage gate: failed (--fail-under {shown})"));
            lines.extend(failed.iter().map(|(name, r)| format!("- {name}: {r} is below {shown}")));
            for (metric, title) in [(METRICS[0], "Missing root targets:"), (METRICS[1], "Missing directory targets:")] {
                if failed.iter().any(|(n, _)| *n == metric) {
                    lines.push(title.into());
                    push_items(&mut lines, self.missing(metric));
                }
            }
        }
        if !scope.inventory_given {
            lines.push(NOT_GATED.into());
        }
        lines
    }
}

/// The gate's note when the entry ratios describe claw's own sample inventory.
pub const NOT_GATED: &str = "Not gated: command_entry_ratio, tool_entry_ratio (embedded sample inventory; \
                             give the reference's with CLAW_REFERENCE_DATA)";

fn push_items(lines: &mut Vec<String>, items: &[String]) {
    if items.is_empty() {
        lines.push("- none".into());
    } else {
        lines.extend(items.iter().map(|i| format!("- {i}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_names() {
        let cases = [
            ("QueryEngine", "query_engine"),
            ("cost-tracker", "cost_tracker"),
            ("costHook", "cost_hook"),
            ("native-ts", "native_ts"),
            ("outputStyles", "output_styles"),
            ("Task", "task"),
            ("MCPTool", "mcp_tool"),
            ("upstreamproxy", "upstreamproxy"),
            ("v2Thing", "v2_thing"),
        ];
        for (input, want) in cases {
            assert_eq!(snake_case(input), want, "{input}");
        }
        assert_eq!(rust_root_target("projectOnboardingState.ts"), "project_onboarding_state.rs");
        assert_eq!(rust_dir_target("native-ts"), "native_ts/");
    }

    #[test]
    fn python_targets_follow_the_reference_tables() {
        assert_eq!(ARCHIVE_ROOT_FILES.len(), 18);
        assert_eq!(ARCHIVE_DIR_MAPPINGS.len(), 35);
        assert_eq!(python_root_target("Task.ts"), "task.py");
        assert_eq!(python_root_target("QueryEngine.ts"), "QueryEngine.py");
        assert_eq!(python_root_target("new-thing.tsx"), "new_thing.py");
        assert_eq!(python_dir_target("commands"), "commands.py");
        assert_eq!(python_dir_target("native-ts"), "native_ts");
        assert_eq!(python_dir_target("other-dir"), "other_dir");
    }

    #[test]
    fn ratios() {
        assert_eq!(Ratio { covered: 1, total: 4 }.value(), 0.25);
        assert_eq!(Ratio { covered: 3, total: 0 }.value(), 0.0);
        assert_eq!(Ratio { covered: 3, total: 4 }.to_string(), "3/4");
    }
}
