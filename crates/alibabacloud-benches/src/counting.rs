//! A counting global allocator for the allocation benchmarks and the allocation test.
//!
//! Counting is per thread and off by default: a thread turns it on with [`start`] and reads
//! its own totals with [`stop`]. So a loopback server on another thread never shows up in the
//! client's numbers. The counters are thread-local cells (no atomics), so counting costs the
//! measured code almost nothing.
//!
//! A binary or test opts in with:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: alibabacloud_benches::counting::CountingAllocator =
//!     alibabacloud_benches::counting::CountingAllocator;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Forwards to the system allocator and counts, on threads that asked for it.
pub struct CountingAllocator;

/// What one thread allocated while counting was on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Calls to `alloc` and `alloc_zeroed`.
    pub allocations: u64,
    /// Calls to `realloc`.
    pub reallocations: u64,
    /// Bytes requested by allocations, plus the growth of reallocations.
    pub bytes: u64,
}

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static REALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn bump(counter: &'static std::thread::LocalKey<Cell<u64>>, by: u64) {
    let _ = counter.try_with(|c| c.set(c.get() + by));
}

fn on() -> bool {
    ON.try_with(Cell::get).unwrap_or(false)
}

/// Zeroes this thread's counters and starts counting.
pub fn start() {
    for c in [&ALLOCATIONS, &REALLOCATIONS, &BYTES] {
        let _ = c.try_with(|c| c.set(0));
    }
    let _ = ON.try_with(|c| c.set(true));
}

/// Stops counting on this thread and returns what was counted since [`start`].
pub fn stop() -> Counts {
    let _ = ON.try_with(|c| c.set(false));
    let get = |c: &'static std::thread::LocalKey<Cell<u64>>| c.try_with(Cell::get).unwrap_or(0);
    Counts {
        allocations: get(&ALLOCATIONS),
        reallocations: get(&REALLOCATIONS),
        bytes: get(&BYTES),
    }
}

// SAFETY: every method forwards to `System` unchanged; counting touches only thread-local
// cells with constant initialisers, which never allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if on() {
            bump(&ALLOCATIONS, 1);
            bump(&BYTES, layout.size() as u64);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if on() {
            bump(&ALLOCATIONS, 1);
            bump(&BYTES, layout.size() as u64);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if on() {
            bump(&REALLOCATIONS, 1);
            bump(&BYTES, new_size.saturating_sub(layout.size()) as u64);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
