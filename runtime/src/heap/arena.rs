//! Typed arenas: the storage behind every heap handle. Slots are reused last-freed-first, so the
//! handle numbers a program sees depend only on its own sequence of allocations and collections.

pub struct Arena<T> {
    slots: Vec<Option<T>>,
    marks: Vec<bool>,
    free: Vec<u32>,
    live: usize,
    /// The address of `slots`' buffer, kept for compiled traces (see [`Arena::base_address`]).
    base: usize,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        let slots = Vec::new();
        Arena {
            base: slots.as_ptr() as usize,
            slots,
            marks: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
}

impl<T> Arena<T> {
    pub fn insert(&mut self, value: T) -> u32 {
        self.live += 1;
        if let Some(index) = self.free.pop() {
            self.slots[index as usize] = Some(value);
            index
        } else {
            self.slots.push(Some(value));
            self.marks.push(false);
            self.base = self.slots.as_ptr() as usize;
            (self.slots.len() - 1) as u32
        }
    }

    /// Where the address of the slots' buffer is kept: slot `i` starts at that address plus
    /// `i * STRIDE` (the buffer moves when the arena grows; this location does not).
    pub fn base_address(&self) -> *const usize {
        &self.base
    }

    /// Bytes from one slot to the next.
    pub const STRIDE: usize = std::mem::size_of::<Option<T>>();

    /// Bytes from the start of an occupied slot to its value, if any slot is occupied (the
    /// same for every slot: `Option`'s layout is fixed per type but not specified).
    pub fn value_offset(&self) -> Option<usize> {
        self.slots.iter().find_map(|slot| {
            slot.as_ref()
                .map(|v| v as *const T as usize - slot as *const Option<T> as usize)
        })
    }

    #[inline]
    pub fn get(&self, index: u32) -> &T {
        match &self.slots[index as usize] {
            Some(value) => value,
            None => panic!("dangling heap handle {index}"),
        }
    }

    #[inline]
    pub fn get_mut(&mut self, index: u32) -> &mut T {
        match &mut self.slots[index as usize] {
            Some(value) => value,
            None => panic!("dangling heap handle {index}"),
        }
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Marks a slot; returns true if it was not marked before.
    #[inline]
    pub fn mark(&mut self, index: u32) -> bool {
        let slot = &mut self.marks[index as usize];
        !std::mem::replace(slot, true)
    }

    #[inline]
    pub fn is_marked(&self, index: u32) -> bool {
        self.marks[index as usize]
    }

    /// Frees every unmarked live slot (calling `on_free` first) and clears all marks.
    pub fn sweep(&mut self, mut on_free: impl FnMut(u32, &T)) {
        for index in 0..self.slots.len() {
            if self.marks[index] {
                self.marks[index] = false;
            } else if let Some(value) = &self.slots[index] {
                on_free(index as u32, value);
                self.slots[index] = None;
                self.free.push(index as u32);
                self.live -= 1;
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|v| (i as u32, v)))
    }
}
