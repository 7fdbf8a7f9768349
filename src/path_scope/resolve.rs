//! Turning a candidate string into a resolved absolute path, and the
//! handful of names that are judged before resolution (Windows and UNC
//! paths, PowerShell provider paths, `file:` URLs, harmless `/dev` nodes).

use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// At most this many symlinks are followed while resolving one path.
const MAX_SYMLINKS: usize = 40;

/// Device nodes that are never an escape, compared on the lexically
/// normalized path (they are symlinks into /proc on Linux).
const HARMLESS_DEV: [&str; 6] = ["/dev/null", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/zero"];

pub(super) const REASON_DRIVE: &str = "Windows drive path is outside the POSIX workspace roots";
pub(super) const REASON_UNC: &str = "UNC path is outside the POSIX workspace roots";
pub(super) const REASON_PROVIDER: &str = "PowerShell provider path is outside the POSIX workspace roots";
pub(super) const REASON_URL: &str = "file: URL with a host is outside the workspace roots";

/// The reason a Windows drive or UNC path is outside, if `s` is one.
pub(super) fn windows_kind(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    // `C:`, `C:\x`, `C:/x`, `c:foo`; not `x: text` (a label, not a path).
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && !b.get(2).is_some_and(u8::is_ascii_whitespace) {
        return Some(REASON_DRIVE);
    }
    if s.starts_with("\\\\") || (s.starts_with("//") && !s.starts_with("///")) {
        return Some(REASON_UNC);
    }
    None
}

/// PowerShell provider-qualified paths: `HKLM:\x`, `Env:PATH`,
/// `FileSystem::/etc`, `Microsoft.PowerShell.Core\FileSystem::x`.
pub(super) fn is_provider_path(s: &str) -> bool {
    if s.contains("::") {
        return true;
    }
    match s.find(':') {
        Some(i) if i >= 2 => s[..i].chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'),
        _ => false,
    }
}

/// A `file:` URL's path: `file:///x`, `file://localhost/x` and `file:/x`
/// give `/x`; `Err` for a URL naming another host.
pub(super) fn file_url_path(s: &str) -> Option<Result<String, &'static str>> {
    let scheme = s.get(..5)?;
    if !scheme.eq_ignore_ascii_case("file:") {
        return None;
    }
    let rest = &s[5..];
    let Some(after) = rest.strip_prefix("//") else { return Some(Ok(rest.to_string())) };
    let host_end = after.find('/').unwrap_or(after.len());
    let host = &after[..host_end];
    if host.is_empty() || host.eq_ignore_ascii_case("localhost") {
        let path = &after[host_end..];
        Some(Ok(if path.is_empty() { "/".to_string() } else { path.to_string() }))
    } else {
        Some(Err(REASON_URL))
    }
}

/// `path` with `.` and `..` removed lexically (no file system access).
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// Whether the absolute `path` is one of the harmless device nodes.
pub(super) fn is_harmless_dev(path: &Path) -> bool {
    let n = normalize(path);
    HARMLESS_DEV.iter().any(|d| n == Path::new(d))
}

/// Resolve an absolute path like the kernel does: follow every existing
/// symlink (dangling ones too), let `..` pop what has been resolved so far,
/// and keep components that don't exist as they are.
pub(super) fn resolve(path: &Path) -> PathBuf {
    resolve_with(path, &[])
}

/// [`resolve`], with `links` (link path, target) made by the payload
/// itself taking precedence over the file system.
pub(super) fn resolve_with(path: &Path, links: &[(PathBuf, PathBuf)]) -> PathBuf {
    fn push_components(pending: &mut Vec<OsString>, path: &Path) {
        let comps: Vec<OsString> = path
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_os_string()),
                Component::ParentDir => Some(OsString::from("..")),
                _ => None,
            })
            .collect();
        pending.extend(comps.into_iter().rev());
    }
    let mut pending = Vec::new();
    push_components(&mut pending, path);
    let mut cur = PathBuf::from("/");
    let mut hops = 0;
    // How many trailing components of `cur` don't exist: below those, nothing
    // can exist either, so no more file system calls are needed.
    let mut missing = 0usize;
    while let Some(c) = pending.pop() {
        if c == ".." {
            cur.pop();
            missing = missing.saturating_sub(1);
            continue;
        }
        cur.push(&c);
        if let Some((_, target)) = links.iter().rev().find(|(link, _)| *link == cur)
            && hops < MAX_SYMLINKS
        {
            hops += 1;
            cur.pop();
            if target.is_absolute() {
                cur = PathBuf::from("/");
            }
            push_components(&mut pending, target);
            missing = 0;
            continue;
        }
        if missing > 0 {
            missing += 1;
            continue;
        }
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() && hops < MAX_SYMLINKS => {
                let Ok(target) = fs::read_link(&cur) else { continue };
                hops += 1;
                cur.pop();
                if target.is_absolute() {
                    cur = PathBuf::from("/");
                }
                push_components(&mut pending, &target);
            }
            Ok(_) => {}
            Err(_) => missing = 1,
        }
    }
    cur
}

/// The home directory `~` means: `$HOME` when set and non-empty, else the
/// passwd entry of the current user id (as bash does).
pub(super) fn home_dir() -> Option<String> {
    match std::env::var("HOME") {
        Ok(h) if !h.is_empty() => Some(h),
        _ => {
            let uid = current_uid()?;
            passwd_field(|fields| (fields[2] == uid).then_some(()))
        }
    }
}

/// `~user`'s home directory from /etc/passwd.
pub(super) fn passwd_home(user: &str) -> Option<String> {
    if user.is_empty() || !user.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return None;
    }
    passwd_field(|fields| (fields[0] == user).then_some(()))
}

fn passwd_field(pick: impl Fn(&[&str]) -> Option<()>) -> Option<String> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 6 && pick(&fields).is_some()).then(|| fields[5].to_string())
    })
}

/// The real user id, from /proc (Linux); `None` elsewhere.
fn current_uid() -> Option<String> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(1).map(str::to_string)
}
