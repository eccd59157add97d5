//! Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed over
//! the target (and the folder flushed), so readers see the old file or the new one, never a part. A temporary file left
//! by a run killed mid-write is removed by a later write to the same folder.

use std::io::Write;
use std::path::Path;

/// Write `contents` to `path` atomically, creating missing parent folders.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    replace(path, contents, true)
}

/// Like [`write_atomic`], but without waiting for the disk (`fsync`): for files that are
/// checked when read and can be rebuilt (caches), where a crash may lose the new file but
/// never leaves a mixed one in its place.
pub fn write_atomic_unsynced(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    replace(path, contents, false)
}

/// The temporary file gets the permissions of the file it replaces, or those of a newly created
/// file (`0o666` less the umask) — not the owner-only mode temporary files have by default.
fn temp_builder(path: &Path) -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".strata-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    builder
}

fn replace(path: &Path, contents: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = temp_builder(path).tempfile_in(dir)?;
    tmp.write_all(contents)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(dir);
    }
    sweep(dir);
    Ok(())
}

/// Flush the folder's entry for the renamed file, so the rename itself survives a power cut.
/// Best effort: some file systems refuse to sync a folder, and the file is already complete.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Temporary files older than this were left by a strata that was killed mid-write.
const STALE: std::time::Duration = std::time::Duration::from_secs(600);

/// Remove temporary files of ours that a killed run left in `dir` (best effort).
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(".strata-tmp-"))
            && entry
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Write `contents` to `path` only if nothing is there yet; `Ok(false)` when it exists. The
/// final step is a hard link, which fails instead of replacing a file created meanwhile.
pub fn create_atomic(path: &Path, contents: &[u8]) -> std::io::Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = temp_builder(path).tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {
            sync_dir(dir);
            sweep(dir);
            Ok(true)
        }
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_never_clobbers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert!(!create_atomic(&p, b"three").unwrap());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert!(create_atomic(&dir.path().join("c.txt"), b"x").unwrap());
        let leftovers = std::fs::read_dir(dir.path().join("a")).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn leftovers_of_killed_writes_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".strata-tmp-old");
        let fresh = dir.path().join(".strata-tmp-fresh");
        let other = dir.path().join("notes.txt");
        for p in [&old, &fresh, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for p in [&old, &other] {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        write_atomic(&dir.path().join("out.json"), b"{}").unwrap();
        assert!(!old.exists(), "a stale temporary file is removed");
        assert!(fresh.exists(), "a temporary file being written is kept");
        assert!(other.exists(), "other files are never touched");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_a_plain_write_would_give() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, b"x").unwrap();
        let new = dir.path().join("new.txt");
        write_atomic(&new, b"x").unwrap();
        assert_eq!(mode(&new), mode(&plain));
        assert!(create_atomic(&dir.path().join("created.txt"), b"x").unwrap());
        assert_eq!(mode(&dir.path().join("created.txt")), mode(&plain));
        // An existing file keeps its own mode.
        std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic_unsynced(&new, b"y").unwrap();
        assert_eq!(mode(&new), 0o640);
    }
}
