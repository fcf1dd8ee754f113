//! This process's memory map, read from `/proc/self/maps`, for the emulated executor to decide
//! which host memory the guest may see and with which permission.
#![forbid(unsafe_code)]

/// One readable mapping of this process.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HostRegion {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Whether the host may write it.
    pub writable: bool,
}

/// The readable mappings of this process, sorted by address (empty if the map cannot be read).
pub fn readable_regions() -> Vec<HostRegion> {
    std::fs::read_to_string("/proc/self/maps")
        .map(|maps| parse(&maps))
        .unwrap_or_default()
}

/// Parses the text of a `/proc/<pid>/maps` file, keeping readable mappings.
pub fn parse(maps: &str) -> Vec<HostRegion> {
    let mut regions: Vec<HostRegion> = maps
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (range, perms) = (fields.next()?, fields.next()?.as_bytes());
            let (start, end) = range.split_once('-')?;
            let start = u64::from_str_radix(start, 16).ok()?;
            let end = u64::from_str_radix(end, 16).ok()?;
            (perms.first() == Some(&b'r') && start < end).then_some(HostRegion {
                start,
                end,
                writable: perms.get(1) == Some(&b'w'),
            })
        })
        .collect();
    regions.sort_by_key(|r| r.start);
    regions
}

/// The region containing `address`.
pub fn find(regions: &[HostRegion], address: u64) -> Option<HostRegion> {
    let index = regions.partition_point(|r| r.end <= address);
    regions.get(index).copied().filter(|r| r.start <= address)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "\
55d0c0000000-55d0c0021000 r--p 00000000 08:01 1234 /usr/bin/x
55d0c0021000-55d0c0080000 r-xp 00021000 08:01 1234 /usr/bin/x
7f0000000000-7f0000100000 rw-p 00000000 00:00 0
7f0000100000-7f0000101000 ---p 00000000 00:00 0
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
";

    #[test]
    fn keeps_readable_mappings_with_their_write_permission() {
        let regions = parse(MAPS);
        assert_eq!(regions.len(), 4);
        assert_eq!(
            find(&regions, 0x55d0c0000000),
            Some(HostRegion {
                start: 0x55d0c0000000,
                end: 0x55d0c0021000,
                writable: false
            })
        );
        assert_eq!(
            find(&regions, 0x7f00000fffff).map(|r| r.writable),
            Some(true)
        );
        assert_eq!(
            find(&regions, 0x7f0000100000),
            None,
            "guard pages are not readable"
        );
        assert_eq!(find(&regions, 0x1000), None);
        assert_eq!(find(&regions, 0x7ffd00021000), None);
    }

    #[test]
    fn this_process_maps_its_own_stack_and_heap() {
        let regions = readable_regions();
        let local = 0u64;
        let heap = Box::new(0u64);
        assert!(find(&regions, &local as *const u64 as u64).is_some_and(|r| r.writable));
        assert!(find(&regions, &*heap as *const u64 as u64).is_some_and(|r| r.writable));
    }
}
