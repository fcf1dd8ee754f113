//! Full userdata: an opaque Rust payload with a metatable and an environment.

use crate::value::TableRef;
use std::any::Any;

pub struct Userdata {
    pub metatable: Option<TableRef>,
    pub env: Option<TableRef>,
    pub payload: Box<dyn Any>,
    /// Set once its `__gc` has been queued, so it runs at most once.
    pub finalized: bool,
}
