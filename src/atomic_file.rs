//! Whole-file writes of report files (`--write-baseline`, `--junit`) that
//! never leave a partial file: the session store's writer, by path.

use std::path::Path;

/// Write `bytes` to `target` atomically, durably and keeping its mode, the
/// way the session store saves a session (see [`crate::session_io::write`]).
pub(crate) fn write(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"));
    };
    crate::session_io::write(dir, name, bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_whole_files_and_leaves_nothing_on_failure() {
        let dir = std::env::temp_dir().join(format!("claw-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.json");
        super::write(&target, b"one").unwrap();
        super::write(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        // A directory in the way: the rename fails and no temporary file stays.
        let blocked = dir.join("blocked");
        std::fs::create_dir_all(blocked.join("inner")).unwrap();
        assert!(super::write(&blocked, b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
