//! Reverse continue and reverse single step (`bc`, `bs`): the motion is recorded here and performed by
//! the timeline in the event loop.
#![forbid(unsafe_code)]

use gdbstub::target::ext::base::reverse_exec::{ReverseCont, ReverseStep};

use super::{Debugger, Motion};

impl ReverseCont<()> for Debugger {
    fn reverse_cont(&mut self) -> Result<(), Self::Error> {
        self.motion = Motion::ReverseContinue;
        Ok(())
    }
}

impl ReverseStep<()> for Debugger {
    fn reverse_step(&mut self, _tid: ()) -> Result<(), Self::Error> {
        self.motion = Motion::ReverseStep;
        Ok(())
    }
}
