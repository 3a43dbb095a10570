//! Peak heap use of the client during a stretch of code: a global allocator that counts the live
//! bytes allocated on the client's threads (marked with [`count_this_thread`]) while armed.
//! Disarmed, it costs one relaxed load per allocation, so the timed parts stay fair; the mock's
//! threads are never counted (it is the server, not what is measured).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

/// Counts the allocations of the calling thread from now on.
pub fn count_this_thread() {
    COUNTED.with(|c| c.set(true));
}

pub struct Counting;

static ARMED: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn record(delta: isize) {
    // `try_with`: no counting while the thread-local itself is being set up or torn down.
    if ARMED.load(Relaxed) && COUNTED.try_with(Cell::get).unwrap_or(false) {
        let live = LIVE.fetch_add(delta, Relaxed) + delta;
        PEAK.fetch_max(live, Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// The most bytes the client's threads held at once above the level at the start, while `work`
/// ran.
pub async fn peak_during<F: std::future::Future>(work: F) -> (F::Output, usize) {
    LIVE.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    ARMED.store(true, Relaxed);
    let out = work.await;
    ARMED.store(false, Relaxed);
    (out, PEAK.load(Relaxed).max(0) as usize)
}
