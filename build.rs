// Build-time facts for claw:
// - the compiler that built it, for `setup-report` and bootstrap's Setup section;
// - on glibc Linux, the unwinder linked in statically, so the dynamic loader
//   opens only libc (see `link_unwinder_statically`).
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=CLAW_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    link_unwinder_statically();
}

/// Rust's standard library links the unwinder as `libgcc_s.so.1`. Loading a
/// second shared library costs a small command about a tenth of its run
/// time, so where the C compiler has the static unwinder (`libgcc_eh.a`),
/// link that instead: `--as-needed` then drops libgcc_s. Where it is missing
/// (another C compiler, a cross build), nothing changes. A `crt-static`
/// build links libgcc_eh already.
fn link_unwinder_statically() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    let glibc = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let static_crt = var("CARGO_CFG_TARGET_FEATURE").split(',').any(|f| f == "crt-static");
    if !(native && glibc) || static_crt {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let Some(path) = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| PathBuf::from(s.trim()))
        .filter(|p| p.is_absolute() && p.is_file())
    else {
        return;
    };
    if let Some(dir) = path.parent() {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static=gcc_eh");
    }
}
