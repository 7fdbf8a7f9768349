//! `WorkspaceSetup` and the setup report, describing the running harness:
//! claw in Rust.  The reference's JSON keys stay (`python_version` holds the
//! Rust toolchain version claw was built with; see SCHEMAS.md).

use crate::workspace::py_bool;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const RUSTC_VERSION: &str = env!("CLAW_RUSTC_VERSION");
pub const TEST_COMMAND: &str = "cargo test";

pub const STARTUP_STEPS: &[&str] = &[
    "start top-level prefetch side effects",
    "build workspace context",
    "load mirrored command snapshot",
    "load mirrored tool snapshot",
    "prepare parity audit hooks",
    "apply trust-gated deferred init",
];

#[derive(Debug, Clone)]
pub struct Setup {
    pub python_version: String,
    pub implementation: String,
    pub platform_name: String,
    pub test_command: String,
}

/// `platform.platform()`-like: `Linux-<release>-<arch>`.
pub fn platform_name() -> String {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        "windows" => "Windows",
        other => other,
    };
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_string()).unwrap_or_default();
    if release.is_empty() {
        format!("{os}-{}", std::env::consts::ARCH)
    } else {
        format!("{os}-{release}-{}", std::env::consts::ARCH)
    }
}

impl Setup {
    pub fn detect() -> Setup {
        Setup {
            python_version: RUSTC_VERSION.to_string(),
            implementation: "Rust".into(),
            platform_name: platform_name(),
            test_command: TEST_COMMAND.into(),
        }
    }
}

/// `DeferredInitResult.as_lines()` for a trusted run.
pub fn deferred_init_lines(trusted: bool) -> Vec<String> {
    ["plugin_init", "skill_init", "mcp_prefetch", "session_hooks"]
        .iter()
        .map(|name| format!("- {name}={}", py_bool(trusted)))
        .collect()
}
