//! Where traces go by default: `$RETRACE_TRACE_DIR` or `~/.local/share/retrace`, one `<program>-<n>`
//! directory per recording and a `latest` link to the newest, as rr does.
#![forbid(unsafe_code)]

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// The directory holding default-named traces.
pub fn base_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("RETRACE_TRACE_DIR").filter(|dir| !dir.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".local/share/retrace")
}

/// The `latest` link in [`base_dir`].
pub fn latest() -> PathBuf {
    base_dir().join("latest")
}

/// Picks (does not create) a fresh `<program>-<n>` path in [`base_dir`], creating the base if needed.
pub fn fresh_trace_dir(program: &str) -> std::io::Result<PathBuf> {
    let base = base_dir();
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&base)?;
    let name: String = program
        .rsplit('/')
        .next()
        .unwrap_or("program")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (0u32..)
        .map(|n| base.join(format!("{name}-{n}")))
        .find(|candidate| std::fs::symlink_metadata(candidate).is_err())
        .ok_or_else(|| std::io::Error::other("no free trace directory name"))
}

/// Points [`latest`] at `trace`.
pub fn set_latest(trace: &Path) -> std::io::Result<()> {
    let link = latest();
    let _ = std::fs::remove_file(&link);
    let target = trace
        .file_name()
        .map_or_else(|| trace.to_path_buf(), PathBuf::from);
    std::os::unix::fs::symlink(target, link)
}
