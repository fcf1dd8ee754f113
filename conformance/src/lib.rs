//! Conformance suites for Retrace: the Lua corpus (`lua/`, run by `tests/lua.rs`) and the
//! recording corpus (`recording/`, run by `tests/recording.rs`). The library part is empty: the
//! suites are data plus libtest-mimic harnesses.
