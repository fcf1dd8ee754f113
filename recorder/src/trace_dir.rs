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

/// Creates a fresh `<program>-<n>` directory (mode 0700) in [`base_dir`], creating the base if
/// needed, and returns its path. Creating the directory is what reserves the name: when recordings
/// start at the same moment, `mkdir` fails for all but one of them on each name, and the others
/// move on to the next number.
pub fn create_fresh_trace_dir(program: &str) -> std::io::Result<PathBuf> {
    let base = base_dir();
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&base)?;
    let name = file_name_for(program);
    let mut n = (0u32..)
        .find(|n| std::fs::symlink_metadata(base.join(format!("{name}-{n}"))).is_err())
        .unwrap_or(0);
    loop {
        let candidate = base.join(format!("{name}-{n}"));
        match std::fs::DirBuilder::new().mode(0o700).create(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                n = n.checked_add(1).ok_or_else(|| {
                    std::io::Error::other(format!(
                        "no free trace directory name for {name} in {}",
                        base.display()
                    ))
                })?;
            }
            Err(error) => return Err(error),
        }
    }
}

/// The program's file name with anything but letters, digits, `.`, `-` and `_` replaced by `_`.
fn file_name_for(program: &str) -> String {
    program
        .rsplit('/')
        .next()
        .filter(|name| !name.is_empty())
        .unwrap_or("program")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Points [`latest`] at `trace`.
pub fn set_latest(trace: &Path) -> std::io::Result<()> {
    let link = latest();
    let target = trace
        .file_name()
        .map_or_else(|| trace.to_path_buf(), PathBuf::from);
    // A new link beside the old one, renamed over it: concurrent recorders never see `latest`
    // missing, and the last to finish wins.
    let staged = base_dir().join(format!(".latest-{}", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    std::os::unix::fs::symlink(target, &staged)?;
    std::fs::rename(&staged, link).inspect_err(|_| {
        let _ = std::fs::remove_file(&staged);
    })
}

#[cfg(test)]
mod tests {
    use super::file_name_for;

    #[test]
    fn trace_names_come_from_the_program_file_name() {
        assert_eq!(file_name_for("/usr/bin/python3"), "python3");
        assert_eq!(file_name_for("a b:c"), "a_b_c");
        assert_eq!(file_name_for("dir/"), "program");
    }
}
