//! Conformance suites for Retrace: the Lua corpus (`lua/`, run by `tests/lua.rs`), the JIT
//! corpus (`jit/`, run by the same harness and by `tests/jit_dump.rs`), the generated loop
//! programs of `tests/jit_proptest.rs`, and the recording corpus (`recording/`, run by
//! `tests/recording.rs`). This library holds what the harnesses share: where the binaries under
//! test are, and how a Lua script is run and judged ([`corpus`]).

use std::path::PathBuf;

pub mod corpus;

/// The workspace's target directory for the profile the tests were built with.
pub fn target_dir() -> PathBuf {
    // Test binaries live in <target>/<profile>/deps/.
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("<target>/<profile>/deps/<test>")
        .to_path_buf()
}

/// Path of a workspace binary (`runtime`, `recorder`, `replayer`), overridable with
/// `<NAME>_BIN` (e.g. `RUNTIME_BIN`). Panics with what to do if it has not been built.
pub fn binary(name: &str) -> PathBuf {
    let var = format!("{}_BIN", name.to_uppercase());
    if let Ok(p) = std::env::var(&var) {
        return PathBuf::from(p);
    }
    let path = target_dir().join(name);
    assert!(
        path.exists(),
        "{} not found: build it first (`cargo build -p {name}`, or run scripts/test) or set {var}",
        path.display()
    );
    path
}

/// The conformance crate's own folder.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
