//! jit-aarch64
