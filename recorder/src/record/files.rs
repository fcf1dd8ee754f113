//! Preserving the files a recorded program maps, so replay maps the same bytes even after the originals
//! change or disappear.
//!
//! System files (under /usr, /lib, /bin, /sbin, /etc) are replaced, not rewritten, by package
//! upgrades, so a hard link keeps their old content; everything else is copied, because a hard link
//! would follow in-place rewrites. Each distinct file (device, inode, size, mtime) is stored once.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use crate::trace::MappedFile;
use crate::tracee::Pid;

const LINKABLE_PREFIXES: [&str; 7] = [
    "/usr/", "/lib/", "/lib64/", "/lib32/", "/bin/", "/sbin/", "/etc/",
];

/// The trace's `files/` directory and what is already in it.
pub struct FileStore {
    dir: PathBuf,
    stored: HashMap<(u64, u64, u64, i64, i64), MappedFile>,
}

impl FileStore {
    /// Stores into `dir` (the trace's `files/`).
    pub fn new(dir: PathBuf) -> Self {
        FileStore {
            dir,
            stored: HashMap::new(),
        }
    }

    /// Preserves the file behind descriptor `fd` of `pid`.
    pub fn preserve(
        &mut self,
        pid: Pid,
        fd: u64,
        writable_shared: bool,
    ) -> std::io::Result<MappedFile> {
        let handle = PathBuf::from(format!("/proc/{pid}/fd/{fd}"));
        let metadata = std::fs::metadata(&handle)?;
        let key = (
            metadata.dev(),
            metadata.ino(),
            metadata.size(),
            metadata.mtime(),
            metadata.mtime_nsec(),
        );
        if let Some(known) = self.stored.get(&key) {
            return Ok(MappedFile {
                writable_shared,
                ..known.clone()
            });
        }
        let original = std::fs::read_link(&handle)?.to_string_lossy().into_owned();
        let base: String = original
            .rsplit('/')
            .next()
            .unwrap_or("file")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect();
        let stored_as = format!("{}-{base}", self.stored.len());
        let destination = self.dir.join(&stored_as);
        let linkable = LINKABLE_PREFIXES
            .iter()
            .any(|prefix| original.starts_with(prefix))
            && !original.ends_with(" (deleted)");
        if !(linkable && std::fs::hard_link(&original, &destination).is_ok()) {
            std::fs::copy(&handle, &destination)?;
        }
        let file = MappedFile {
            stored_as,
            original,
            writable_shared,
        };
        self.stored.insert(key, file.clone());
        Ok(file)
    }
}
