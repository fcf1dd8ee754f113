//! Placeholder until the text algorithms land.
pub fn open(_: &mut crate::vm::Vm) {}
