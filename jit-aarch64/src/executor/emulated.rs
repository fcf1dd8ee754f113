//! The emulated executor: A64 code runs on unicorn-engine (GPL-2.0, feature `emulator`).
//!
//! Guest addresses equal host addresses. Code buffers and the guest stack are mapped explicitly
//! with `mem_map_ptr`; any other host memory the code touches is mapped lazily from the
//! unmapped-access hook, in chunks of up to `LAZY_CHUNK` bytes within one host mapping, with the
//! host's own read/write permission.
//!
//! # Lazy mappings persist across calls
//!
//! Mapping a chunk costs about a millisecond, and a trace JIT enters the same code on the same
//! memory thousands of times, so lazily mapped chunks are kept from one call to the next until
//! [`Executor::forget_mappings`] (or dropping the executor) unmaps them. `/proc/self/maps` is read
//! only on a miss, that is when code touches a page no kept chunk covers, and at most once per
//! call unless a lookup in the copy read during this call fails (a helper may have mapped memory
//! since; every helper call also discards the copy).
//!
//! The contract that makes keeping them sound:
//!
//! * **Identity.** A chunk maps guest address `a` to host address `a`, never to a copy, so a kept
//!   chunk always shows the guest the host's current bytes, whatever the host did in between.
//! * **The host is touched only where the guest accesses.** The emulator reads or writes a chunk's
//!   host memory only to carry out a guest access to that address; keeping a chunk whose host
//!   memory has been freed is harmless as long as no code accesses it, exactly as a dangling
//!   pointer is harmless natively until dereferenced.
//! * **What a kept chunk can get wrong** is its permission and its existence, both decided from
//!   the host map when it was created. If the host has since unmapped that memory, a guest access
//!   faults in the host (a crash, as it would natively) instead of returning [`Error::Unmapped`];
//!   if the host has since replaced read-only memory with writable memory there, a guest write
//!   fails with [`Error::WriteToReadOnly`]. A caller that frees or reallocates memory it had handed
//!   to code (a Lua stack buffer that grew, arenas after a collection) and wants clean errors for
//!   stray accesses calls [`Executor::forget_mappings`]; the next access maps afresh.
//! * Installing code (whose fresh host mapping may reuse the addresses of freed memory) first
//!   unmaps kept chunks that overlap it.
//!
//! Within a call, chunks stay mapped across helper calls on the same terms.
//!
//! # Code
//!
//! Each installed piece gets a mapping of its own (one emulator region), or, once
//! [`Executor::reserve_code_area`] has been called, a place in one area: host memory the emulator
//! maps once, read and execute only for the guest, and that the host writes directly (it never
//! executes it). Writing the area drops the emulator's translations of the bytes written, and
//! removed pieces are overwritten with `brk` so that a stale jump into them stops with an error.
//!
//! # Faults
//!
//! An access to memory the host has not mapped, a write to read-only memory, a stack overflow, an
//! invalid instruction, `brk` or a timeout ([`Executor::set_timeout`]) ends the call with an error
//! carrying the pc and a [`Registers`] snapshot (x0..x30, sp) taken where the code stopped.
//!
//! Helper calls: guest page `HELPER_PAGE` (below Linux's `mmap_min_addr`, so never a host
//! address) holds one `ret` per helper; a code hook limited to that page reads the argument
//! registers, calls the Rust function, writes the result, and lets the `ret` return. Returning
//! from the entry function lands on `RETURN_ADDRESS`, where emulation stops.
//!
//! This module must never map a page the host does not have mapped. Helpers are `extern "C"`
//! functions: a panic in one aborts the process, natively and here alike.

use std::time::Duration;

use dynasmrt::mmap::MutableBuffer;
use unicorn_engine::{Arch, Arm64CpuModel, HookType, MemType, Mode, Prot, RegisterARM64, Unicorn};

use crate::code::{CodeBuffer, PAGE};
use crate::error::{Error, Registers, Result};
use crate::executor::area::Placement;
use crate::executor::host_maps::{self, HostRegion};
use crate::executor::{CodeId, Executor};
use crate::helper::{Helper, HelperResult};

/// Guest page whose 4-byte slots are the helpers' call addresses.
pub const HELPER_PAGE: u64 = 0x1000;
/// Where the entry function returns to; emulation stops there.
pub const RETURN_ADDRESS: u64 = 0x2000;
/// The most helpers one executor can hold (one slot each in the helper page).
pub const MAX_HELPERS: usize = PAGE / 4;
/// Size of the guest stack.
pub const STACK_SIZE: usize = 1 << 20;

const RET: u32 = 0xd65f03c0;
const BRK_0: u32 = 0xd4200000;

/// The most host memory one lazy mapping covers (aligned; clipped to the host mapping).
/// Mapping and unmapping cost grows with the size: measured here, a call touching one page took
/// 5 ms with 2 MiB chunks and 1.2 ms with 256 KiB, while walking 512 pages cost 2.8 µs a page with
/// 64 KiB chunks and 1.8 µs with 256 KiB.
pub const LAZY_CHUNK: u64 = 256 << 10;

/// What the hooks share with the executor.
struct GuestState {
    helpers: Vec<Helper>,
    /// Lazily mapped (start, length) ranges, kept across calls until `forget_mappings`.
    lazy_regions: Vec<(u64, u64)>,
    /// The host map as last read during this call (`None`: not read yet in this call, or
    /// possibly stale after a helper call).
    host_regions: Option<Vec<HostRegion>>,
    /// Address of the stack's guard page.
    stack_guard: u64,
    failure: Option<Error>,
}

/// Runs A64 code on an emulated CPU (model MAX) with this process's memory mapped 1:1.
pub struct EmulatedExecutor {
    unicorn: Unicorn<'static, GuestState>,
    code: Vec<Option<Installed>>,
    area: Option<Area>,
    stack: MutableBuffer,
    timeout: Option<Duration>,
}

/// Where one installed piece of code lives.
enum Installed {
    /// In a mapping of its own.
    Own(CodeBuffer),
    /// At `offset` in the code area.
    InArea { offset: usize, len: usize },
}

/// The code area: host read-write memory, mapped read-execute into the guest.
struct Area {
    memory: MutableBuffer,
    placement: Placement,
}

impl Area {
    fn address(&self) -> u64 {
        self.memory.as_ptr() as u64
    }

    /// Writes `bytes` at `offset` and drops the emulator's translations of that range.
    fn write(&mut self, uc: &mut Unicorn<'_, GuestState>, offset: usize, bytes: &[u8]) {
        self.memory[offset..offset + bytes.len()].copy_from_slice(bytes);
        let start = self.address() + offset as u64;
        uc.ctl_remove_cache(start, start + bytes.len() as u64).ok();
    }
}

fn emulator_error(what: &'static str) -> impl Fn(unicorn_engine::uc_error) -> Error {
    move |e| Error::Emulator {
        what,
        detail: format!("{e:?}"),
    }
}

impl EmulatedExecutor {
    /// A fresh emulator with the helper page, return page and a 1 MiB stack mapped.
    pub fn new() -> Result<EmulatedExecutor> {
        let state = GuestState {
            helpers: Vec::new(),
            lazy_regions: Vec::new(),
            host_regions: None,
            stack_guard: 0,
            failure: None,
        };
        let mut unicorn = Unicorn::new_with_data(Arch::ARM64, Mode::LITTLE_ENDIAN, state)
            .map_err(emulator_error("creating the aarch64 emulator"))?;
        unicorn
            .ctl_set_cpu_model(Arm64CpuModel::MAX as i32)
            .map_err(emulator_error("selecting CPU model MAX"))?;

        let page = PAGE as u64;
        unicorn
            .mem_map(HELPER_PAGE, page, Prot::READ | Prot::EXEC)
            .map_err(emulator_error("mapping the helper page"))?;
        let rets: Vec<u8> = RET.to_le_bytes().repeat(PAGE / 4);
        unicorn
            .mem_write(HELPER_PAGE, &rets)
            .map_err(emulator_error("filling the helper page"))?;
        unicorn
            .mem_map(RETURN_ADDRESS, page, Prot::READ | Prot::EXEC)
            .map_err(emulator_error("mapping the return page"))?;
        unicorn
            .mem_write(RETURN_ADDRESS, &BRK_0.to_le_bytes())
            .map_err(emulator_error("filling the return page"))?;

        // The stack's lowest page is a guard: the guest sees it as inaccessible emulator memory,
        // so running off the stack is an error instead of a write into whatever the host has below.
        let mut stack = MutableBuffer::new(PAGE + STACK_SIZE)?;
        stack.set_len(PAGE + STACK_SIZE);
        let guard = stack.as_mut_ptr() as u64;
        unicorn
            .mem_map(guard, page, Prot::NONE)
            .map_err(emulator_error("mapping the stack guard page"))?;
        // SAFETY: the range is the upper STACK_SIZE bytes of `stack`, a page-aligned read-write
        // anonymous mapping owned by the executor; `Drop` unmaps it from the emulator before the
        // mapping is freed, and it never moves while the executor lives.
        unsafe {
            unicorn.mem_map_ptr(
                guard + page,
                STACK_SIZE as u64,
                Prot::READ | Prot::WRITE,
                (guard + page) as *mut std::ffi::c_void,
            )
        }
        .map_err(emulator_error("mapping the guest stack"))?;
        unicorn.get_data_mut().stack_guard = guard;

        unicorn
            .add_code_hook(HELPER_PAGE, HELPER_PAGE + page - 1, helper_hook)
            .map_err(emulator_error("installing the helper hook"))?;
        unicorn
            .add_mem_hook(
                HookType::MEM_READ_UNMAPPED | HookType::MEM_WRITE_UNMAPPED,
                1,
                0,
                lazy_map_hook,
            )
            .map_err(emulator_error("installing the lazy mapping hook"))?;
        unicorn
            .add_mem_hook(
                HookType::MEM_READ_PROT | HookType::MEM_WRITE_PROT | HookType::MEM_FETCH_UNMAPPED,
                1,
                0,
                protection_hook,
            )
            .map_err(emulator_error("installing the protection hook"))?;

        Ok(EmulatedExecutor {
            unicorn,
            code: Vec::new(),
            area: None,
            stack,
            timeout: None,
        })
    }

    /// The lazily mapped host ranges the emulator keeps, as `(start, length)`, in mapping order.
    pub fn lazy_mappings(&self) -> Vec<(u64, u64)> {
        self.unicorn.get_data().lazy_regions.clone()
    }

    /// The address and length of installed code.
    fn piece(&self, code: CodeId) -> Result<(u64, usize)> {
        match self.code.get(code.0).and_then(Option::as_ref) {
            Some(Installed::Own(buffer)) => Ok((buffer.address(), buffer.len())),
            Some(Installed::InArea { offset, len }) => {
                let area = self.area.as_ref().ok_or(Error::UnknownCode(code.0))?;
                Ok((area.address() + *offset as u64, *len))
            }
            None => Err(Error::UnknownCode(code.0)),
        }
    }

    fn install_own(&mut self, bytes: &[u8]) -> Result<CodeId> {
        let buffer = CodeBuffer::new(bytes)?;
        let address = buffer.address();
        // The fresh mapping may reuse addresses of freed host memory that a kept chunk still covers.
        unmap_lazy_overlapping(
            &mut self.unicorn,
            address,
            address + buffer.capacity() as u64,
        );
        // SAFETY: the buffer is a page-aligned mapping of `capacity()` bytes (a multiple of 4 KiB)
        // that stays at this address until `remove` unmaps it from the emulator before freeing it;
        // the guest may only read and execute it.
        unsafe {
            self.unicorn.mem_map_ptr(
                address,
                buffer.capacity() as u64,
                Prot::READ | Prot::EXEC,
                address as *mut std::ffi::c_void,
            )
        }
        .map_err(emulator_error("mapping installed code"))?;
        self.code.push(Some(Installed::Own(buffer)));
        Ok(CodeId(self.code.len() - 1))
    }

    fn stack_top(&self) -> u64 {
        (self.stack.as_ptr() as u64 + (PAGE + STACK_SIZE) as u64) & !15
    }

    fn set_registers(&mut self, entry_args: [u64; 8]) -> Result<()> {
        let stack_top = self.stack_top();
        let uc = &mut self.unicorn;
        for (n, value) in entry_args.into_iter().enumerate() {
            uc.reg_write(x_register(n), value)
                .map_err(emulator_error("writing argument registers"))?;
        }
        uc.reg_write(RegisterARM64::SP, stack_top)
            .map_err(emulator_error("writing SP"))?;
        uc.reg_write(RegisterARM64::X29, 0)
            .map_err(emulator_error("writing the frame pointer"))?;
        uc.reg_write(RegisterARM64::X30, RETURN_ADDRESS)
            .map_err(emulator_error("writing the link register"))?;
        Ok(())
    }
}

impl Executor for EmulatedExecutor {
    fn name(&self) -> &'static str {
        "emulated"
    }

    fn helper_address(&mut self, helper: Helper) -> Result<u64> {
        let helpers = &mut self.unicorn.get_data_mut().helpers;
        if helpers.len() >= MAX_HELPERS {
            return Err(Error::TooManyHelpers(MAX_HELPERS));
        }
        helpers.push(helper);
        Ok(HELPER_PAGE + 4 * (helpers.len() as u64 - 1))
    }

    fn install(&mut self, bytes: &[u8]) -> Result<CodeId> {
        let Some(area) = self.area.as_mut() else {
            return self.install_own(bytes);
        };
        let offset = area.placement.place(bytes.len())?;
        area.write(&mut self.unicorn, offset, bytes);
        self.code.push(Some(Installed::InArea {
            offset,
            len: bytes.len(),
        }));
        Ok(CodeId(self.code.len() - 1))
    }

    fn reserve_code_area(&mut self, capacity: usize) -> Result<()> {
        if self.area.as_ref().is_some_and(|a| !a.placement.is_empty()) {
            return Err(Error::CodeAreaInUse("emulated"));
        }
        let capacity = Placement::rounded(capacity);
        let mut memory = MutableBuffer::new(capacity)?;
        memory.set_len(capacity);
        // Zero words are `udf #0`: a jump into unused space stops with an error.
        let address = memory.as_ptr() as u64;
        unmap_lazy_overlapping(&mut self.unicorn, address, address + capacity as u64);
        // SAFETY: `memory` is a page-aligned read-write anonymous mapping of `capacity` bytes (a
        // multiple of 4 KiB) owned by the executor; it never moves, and it is unmapped from the
        // emulator (when replaced, or in `Drop`) before it is freed. The guest may only read and
        // execute it.
        unsafe {
            self.unicorn.mem_map_ptr(
                address,
                capacity as u64,
                Prot::READ | Prot::EXEC,
                address as *mut std::ffi::c_void,
            )
        }
        .map_err(emulator_error("mapping the code area"))?;
        let new = Area {
            memory,
            placement: Placement::new(capacity),
        };
        if let Some(old) = self.area.replace(new) {
            let (start, length) = (old.address(), old.placement.capacity() as u64);
            if let Err(e) = self.unicorn.mem_unmap(start, length) {
                // Still mapped in the emulator: leak it rather than free memory the guest can reach.
                std::mem::forget(old);
                return Err(emulator_error("unmapping the old code area")(e));
            }
            self.unicorn.ctl_remove_cache(start, start + length).ok();
        }
        Ok(())
    }

    fn code_address(&self, code: CodeId) -> Result<u64> {
        Ok(self.piece(code)?.0)
    }

    fn patch(&mut self, code: CodeId, offset: usize, bytes: &[u8]) -> Result<()> {
        let installed = self
            .code
            .get_mut(code.0)
            .and_then(Option::as_mut)
            .ok_or(Error::UnknownCode(code.0))?;
        match installed {
            Installed::Own(buffer) => {
                buffer.patch(offset, bytes)?;
                let start = buffer.address() + offset as u64;
                // The emulator caches translated blocks by address; drop those covering the patch.
                self.unicorn
                    .ctl_remove_cache(start, start + bytes.len() as u64)
                    .map_err(emulator_error("flushing translated code after a patch"))
            }
            Installed::InArea { offset: at, len } => {
                let end = offset.checked_add(bytes.len()).filter(|&end| end <= *len);
                if end.is_none() {
                    return Err(Error::OutOfCode {
                        start: offset,
                        end: offset.saturating_add(bytes.len()),
                        len: *len,
                    });
                }
                let at = *at;
                let area = self.area.as_mut().ok_or(Error::UnknownCode(code.0))?;
                area.write(&mut self.unicorn, at + offset, bytes);
                Ok(())
            }
        }
    }

    fn remove(&mut self, code: CodeId) -> Result<()> {
        let installed = self
            .code
            .get_mut(code.0)
            .and_then(Option::take)
            .ok_or(Error::UnknownCode(code.0))?;
        match installed {
            Installed::Own(buffer) => {
                let unmapped = self
                    .unicorn
                    .mem_unmap(buffer.address(), buffer.capacity() as u64);
                if let Err(e) = unmapped {
                    // Still mapped in the emulator: leak it rather than free memory the guest can
                    // reach.
                    std::mem::forget(buffer);
                    return Err(emulator_error("unmapping removed code")(e));
                }
                self.unicorn
                    .ctl_remove_cache(
                        buffer.address(),
                        buffer.address() + buffer.capacity() as u64,
                    )
                    .ok();
            }
            Installed::InArea { offset, len } => {
                if let Some(area) = self.area.as_mut() {
                    let brk = BRK_0.to_le_bytes().repeat(len / 4);
                    area.write(&mut self.unicorn, offset, &brk);
                    area.placement.release();
                }
            }
        }
        Ok(())
    }

    unsafe fn call(&mut self, code: CodeId, offset: usize, args: &[u64]) -> Result<u64> {
        if args.len() > 8 {
            return Err(Error::TooManyArguments(args.len()));
        }
        let (address, len) = self.piece(code)?;
        if offset >= len || offset % 4 != 0 {
            return Err(Error::OutOfCode {
                start: offset,
                end: offset + 4,
                len,
            });
        }
        let entry = address + offset as u64;
        let mut x = [0u64; 8];
        x[..args.len()].copy_from_slice(args);
        self.set_registers(x)?;
        // The host may have changed its map since the last call; read it again on the first miss.
        self.unicorn.get_data_mut().host_regions = None;

        let timeout = self.timeout.map_or(0, |t| t.as_micros().max(1) as u64);
        let outcome = self.unicorn.emu_start(entry, RETURN_ADDRESS, timeout, 0);
        let failure = self.unicorn.get_data_mut().failure.take();
        if let Some(failure) = failure {
            return Err(failure);
        }
        let registers = snapshot(&self.unicorn);
        if let Err(e) = outcome {
            return Err(Error::DidNotReturn {
                pc: registers.pc,
                reason: format!("{e:?}"),
                registers,
            });
        }
        if registers.pc != RETURN_ADDRESS {
            let limit = self.timeout.unwrap_or_default();
            return Err(Error::DidNotReturn {
                pc: registers.pc,
                reason: format!("timed out after {limit:?}"),
                registers,
            });
        }
        self.unicorn
            .reg_read(RegisterARM64::X0)
            .map_err(emulator_error("reading x0"))
    }

    fn forget_mappings(&mut self) {
        unmap_lazy_regions(&mut self.unicorn);
        self.unicorn.get_data_mut().host_regions = None;
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        self.timeout = timeout;
        Ok(())
    }
}

impl Drop for EmulatedExecutor {
    fn drop(&mut self) {
        // Unmap host-owned memory before the buffers go away (the emulator itself is dropped after
        // this, then `code`, `area` and `stack`).
        unmap_lazy_regions(&mut self.unicorn);
        for installed in self.code.iter().flatten() {
            if let Installed::Own(buffer) = installed {
                self.unicorn
                    .mem_unmap(buffer.address(), buffer.capacity() as u64)
                    .ok();
            }
        }
        if let Some(area) = &self.area {
            self.unicorn
                .mem_unmap(area.address(), area.placement.capacity() as u64)
                .ok();
        }
        self.unicorn
            .mem_unmap(self.stack.as_ptr() as u64, (PAGE + STACK_SIZE) as u64)
            .ok();
    }
}

/// The unicorn register id of x`n` (n in 0..=30).
fn x_register(n: usize) -> i32 {
    match n {
        29 => RegisterARM64::X29 as i32,
        30 => RegisterARM64::X30 as i32,
        _ => RegisterARM64::X0 as i32 + n as i32,
    }
}

/// The unicorn register id of d`n` (n in 0..=31).
fn d_register(n: usize) -> i32 {
    RegisterARM64::D0 as i32 + n as i32
}

fn helper_hook(uc: &mut Unicorn<'_, GuestState>, address: u64, _size: u32) {
    let index = ((address - HELPER_PAGE) / 4) as usize;
    let Some(helper) = uc.get_data().helpers.get(index).copied() else {
        let registers = snapshot(uc);
        fail(
            uc,
            Error::DidNotReturn {
                pc: address,
                reason: format!("called helper slot {index}, which is not registered"),
                registers,
            },
        );
        return;
    };
    let mut x = [0u64; 8];
    for (n, slot) in x.iter_mut().enumerate() {
        *slot = uc.reg_read(x_register(n)).unwrap_or(0);
    }
    let d = [0, 1].map(|n| f64::from_bits(uc.reg_read(d_register(n)).unwrap_or(0)));
    let result = helper.invoke(x, d);
    // The helper may have changed the host's memory map.
    uc.get_data_mut().host_regions = None;
    let written = match result {
        HelperResult::Int(value) => uc.reg_write(RegisterARM64::X0, value),
        HelperResult::Float(value) => uc.reg_write(d_register(0), value.to_bits()),
    };
    if let Err(e) = written {
        fail(
            uc,
            Error::Emulator {
                what: "writing a helper result",
                detail: format!("{e:?}"),
            },
        );
    }
}

fn lazy_map_hook(
    uc: &mut Unicorn<'_, GuestState>,
    _kind: MemType,
    address: u64,
    size: usize,
    _value: i64,
) -> bool {
    let page_mask = !(PAGE as u64 - 1);
    let last = address.saturating_add(size.max(1) as u64 - 1) & page_mask;
    let mut page = address & page_mask;
    loop {
        if guest_region_containing(uc, page).is_none() && !map_host_chunk(uc, page) {
            let registers = snapshot(uc);
            let pc = registers.pc;
            fail(
                uc,
                Error::Unmapped {
                    address,
                    pc,
                    registers,
                },
            );
            return false;
        }
        if page >= last {
            return true;
        }
        page += PAGE as u64;
    }
}

/// Maps the host memory around `page` into the guest at the same address; false if the host
/// has no readable mapping there.
fn map_host_chunk(uc: &mut Unicorn<'_, GuestState>, page: u64) -> bool {
    let Some(host) = host_region(uc, page) else {
        return false;
    };
    // The chunk: the aligned window around the page, within the host mapping, and not
    // overlapping anything the guest already has mapped.
    let mut start = (page & !(LAZY_CHUNK - 1)).max(host.start);
    let mut end = ((page & !(LAZY_CHUNK - 1)) + LAZY_CHUNK).min(host.end);
    for region in uc.mem_regions().unwrap_or_default() {
        let region_end = region.end.saturating_add(1);
        if region_end <= page {
            start = start.max(region_end);
        } else if region.begin > page {
            end = end.min(region.begin);
        }
    }
    let perms = if host.writable {
        Prot::READ | Prot::WRITE
    } else {
        Prot::READ
    };
    // SAFETY: [start, end) is page-aligned, lies inside one mapping that /proc/self/maps listed as
    // readable (and writable iff `host.writable`) during this call, and overlaps no guest mapping.
    // The guest gets no more access than the host has now. The chunk is an identity mapping that
    // the emulator dereferences only for guest accesses to it, so keeping it after the host frees
    // the memory (until `forget_mappings`) lets only code that accesses freed memory fault, as it
    // would natively (see the module documentation).
    let mapped =
        unsafe { uc.mem_map_ptr(start, end - start, perms, start as *mut std::ffi::c_void) };
    if mapped.is_err() {
        return false;
    }
    uc.get_data_mut().lazy_regions.push((start, end - start));
    true
}

/// The host mapping containing `address`, reading the host map again if the cached copy is
/// missing or does not know the address (the host may have mapped it since).
fn host_region(uc: &mut Unicorn<'_, GuestState>, address: u64) -> Option<HostRegion> {
    let state = uc.get_data_mut();
    if let Some(found) = state
        .host_regions
        .as_deref()
        .and_then(|r| host_maps::find(r, address))
    {
        return Some(found);
    }
    let regions = host_maps::readable_regions();
    let found = host_maps::find(&regions, address);
    state.host_regions = Some(regions);
    found
}

fn protection_hook(
    uc: &mut Unicorn<'_, GuestState>,
    kind: MemType,
    address: u64,
    _size: usize,
    _value: i64,
) -> bool {
    let registers = snapshot(uc);
    let pc = registers.pc;
    let guard = uc.get_data().stack_guard;
    let error = match kind {
        _ if (guard..guard + PAGE as u64).contains(&address) => Error::StackOverflow {
            address,
            pc,
            registers,
        },
        MemType::WRITE_PROT => Error::WriteToReadOnly {
            address,
            pc,
            registers,
        },
        _ => Error::Unmapped {
            address,
            pc,
            registers,
        },
    };
    fail(uc, error);
    false
}

fn fail(uc: &mut Unicorn<'_, GuestState>, error: Error) {
    let state = uc.get_data_mut();
    if state.failure.is_none() {
        state.failure = Some(error);
    }
    uc.emu_stop().ok();
}

fn guest_region_containing(uc: &Unicorn<'_, GuestState>, page: u64) -> Option<(u64, u64)> {
    uc.mem_regions()
        .ok()?
        .iter()
        .find(|r| r.begin <= page && page <= r.end)
        .map(|r| (r.begin, r.end))
}

fn unmap_lazy_regions(uc: &mut Unicorn<'_, GuestState>) {
    let regions = std::mem::take(&mut uc.get_data_mut().lazy_regions);
    for (start, length) in regions {
        uc.mem_unmap(start, length).ok();
    }
}

/// Unmaps the kept chunks that overlap `[start, end)`.
fn unmap_lazy_overlapping(uc: &mut Unicorn<'_, GuestState>, start: u64, end: u64) {
    let regions = std::mem::take(&mut uc.get_data_mut().lazy_regions);
    let (overlapping, kept): (Vec<_>, Vec<_>) = regions
        .into_iter()
        .partition(|&(s, length)| s < end && start < s + length);
    uc.get_data_mut().lazy_regions = kept;
    for (s, length) in overlapping {
        uc.mem_unmap(s, length).ok();
    }
}

/// The integer registers as the emulator holds them now.
fn snapshot(uc: &Unicorn<'_, GuestState>) -> Box<Registers> {
    let mut registers = Box::new(Registers {
        pc: uc.pc_read().unwrap_or(0),
        sp: uc.reg_read(RegisterARM64::SP).unwrap_or(0),
        x: [0; 31],
    });
    for (n, slot) in registers.x.iter_mut().enumerate() {
        *slot = uc.reg_read(x_register(n)).unwrap_or(0);
    }
    registers
}
