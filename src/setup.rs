//! `WorkspaceSetup` and the setup report, describing the running harness:
//! claw in Rust.  The reference's JSON keys stay (`python_version` holds the
//! Rust toolchain version claw was built with; see SCHEMAS.md).

use std::path::{Path, PathBuf};

use crate::pyfmt::repr::py_bool;

pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
pub(crate) const RUSTC_VERSION: &str = env!("CLAW_RUSTC_VERSION");
pub(crate) const TEST_COMMAND: &str = "cargo test";

pub(crate) const STARTUP_STEPS: &[&str] = &[
    "start top-level prefetch side effects",
    "build workspace context",
    "load mirrored command snapshot",
    "load mirrored tool snapshot",
    "prepare parity audit hooks",
    "apply trust-gated deferred init",
];

#[derive(Debug, Clone)]
pub(crate) struct Setup {
    pub python_version: String,
    pub implementation: String,
    pub platform_name: String,
    pub test_command: String,
}

/// `platform.platform()`-like: `Linux-<release>-<arch>`.
pub(crate) fn platform_name() -> String {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        "windows" => "Windows",
        other => other,
    };
    let release =
        std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_string()).unwrap_or_default();
    if release.is_empty() {
        format!("{os}-{}", std::env::consts::ARCH)
    } else {
        format!("{os}-{release}-{}", std::env::consts::ARCH)
    }
}

impl Setup {
    pub(crate) fn detect() -> Setup {
        Setup {
            python_version: RUSTC_VERSION.to_string(),
            implementation: "Rust".into(),
            platform_name: platform_name(),
            test_command: TEST_COMMAND.into(),
        }
    }

    /// The `setup` object of the bootstrap and setup-report envelopes.
    pub(crate) fn to_json(&self) -> crate::pyfmt::json::Json {
        use crate::pyfmt::json::Json;
        Json::obj([
            ("python_version", Json::str(&self.python_version)),
            ("implementation", Json::str(&self.implementation)),
            ("platform_name", Json::str(&self.platform_name)),
            ("test_command", Json::str(&self.test_command)),
        ])
    }
}

/// `PrefetchResult`: one simulated startup prefetch (`prefetch.py`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prefetch {
    pub name: &'static str,
    pub started: bool,
    pub detail: String,
}

/// `start_mdm_raw_read()`, `start_keychain_prefetch()`, `start_project_scan(root)`, in that order.
pub(crate) fn prefetches(root: &Path) -> Vec<Prefetch> {
    vec![
        Prefetch {
            name: "mdm_raw_read",
            started: true,
            detail: "Simulated MDM raw-read prefetch for workspace bootstrap".into(),
        },
        Prefetch {
            name: "keychain_prefetch",
            started: true,
            detail: "Simulated keychain prefetch for trusted startup path".into(),
        },
        Prefetch { name: "project_scan", started: true, detail: format!("Scanned project root {}", root.display()) },
    ]
}

/// `DeferredInitResult` (`deferred_init.py`): every step is enabled exactly when trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeferredInit {
    pub trusted: bool,
    pub plugin_init: bool,
    pub skill_init: bool,
    pub mcp_prefetch: bool,
    pub session_hooks: bool,
}

impl DeferredInit {
    /// `run_deferred_init(trusted)`.
    pub fn run(trusted: bool) -> DeferredInit {
        DeferredInit {
            trusted,
            plugin_init: trusted,
            skill_init: trusted,
            mcp_prefetch: trusted,
            session_hooks: trusted,
        }
    }

    /// The steps as `(name, enabled)`, in the reference's order.
    pub fn steps(&self) -> [(&'static str, bool); 4] {
        [
            ("plugin_init", self.plugin_init),
            ("skill_init", self.skill_init),
            ("mcp_prefetch", self.mcp_prefetch),
            ("session_hooks", self.session_hooks),
        ]
    }

    /// `as_lines()`: `- plugin_init=True`, ...
    pub fn as_lines(&self) -> Vec<String> {
        self.steps().iter().map(|(name, on)| format!("- {name}={}", py_bool(*on))).collect()
    }
}

/// `SetupReport` from `run_setup(cwd, trusted=True)`; `cwd` is the workspace root.
#[derive(Debug, Clone)]
pub(crate) struct SetupReport {
    pub setup: Setup,
    pub prefetches: Vec<Prefetch>,
    pub deferred_init: DeferredInit,
    pub trusted: bool,
    pub cwd: PathBuf,
}

impl SetupReport {
    /// `run_setup(cwd)`: trusted, as the CLI runs it.
    pub(crate) fn run(cwd: &Path) -> SetupReport {
        SetupReport {
            setup: Setup::detect(),
            prefetches: prefetches(cwd),
            deferred_init: DeferredInit::run(true),
            trusted: true,
            cwd: cwd.to_path_buf(),
        }
    }

    /// `SetupReport.as_markdown()`, layout and labels as the reference's
    /// (`- Python:` carries the Rust toolchain version and `(Rust)`).
    pub(crate) fn as_markdown(&self) -> String {
        let mut lines = vec![
            "# Setup Report".to_string(),
            String::new(),
            format!("- Python: {} ({})", self.setup.python_version, self.setup.implementation),
            format!("- Platform: {}", self.setup.platform_name),
            format!("- Trusted mode: {}", py_bool(self.trusted)),
            format!("- CWD: {}", self.cwd.display()),
            String::new(),
            "Prefetches:".to_string(),
        ];
        lines.extend(self.prefetches.iter().map(|p| format!("- {}: {}", p.name, p.detail)));
        lines.extend([String::new(), "Deferred init:".to_string()]);
        lines.extend(self.deferred_init.as_lines());
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_init_follows_trust() {
        assert_eq!(
            DeferredInit::run(true).as_lines(),
            ["- plugin_init=True", "- skill_init=True", "- mcp_prefetch=True", "- session_hooks=True"]
        );
        assert!(DeferredInit::run(false).as_lines().iter().all(|l| l.ends_with("=False")));
    }

    #[test]
    fn setup_report_layout() {
        let text = SetupReport::run(Path::new("/ws")).as_markdown();
        assert!(text.starts_with("# Setup Report\n\n- Python: "));
        assert!(text.contains("\n- Trusted mode: True\n- CWD: /ws\n\nPrefetches:\n"));
        assert!(text.ends_with("- project_scan: Scanned project root /ws\n\nDeferred init:\n- plugin_init=True\n- skill_init=True\n- mcp_prefetch=True\n- session_hooks=True"));
    }
}
