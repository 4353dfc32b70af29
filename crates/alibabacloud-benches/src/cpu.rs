//! Thread CPU clocks (Linux): how much CPU time one thread has used, read from the calling
//! thread or from another one.

use std::time::Duration;

fn read(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; `clock` is a clock id the kernel knows
    // (a constant or one `pthread_getcpuclockid` returned).
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`).
pub fn this_thread() -> Duration {
    read(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time all threads of the process have used (`CLOCK_PROCESS_CPUTIME_ID`).
pub fn process() -> Duration {
    read(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// The CPU clock of another thread of this process.
#[derive(Debug, Clone, Copy)]
pub struct ThreadClock(libc::clockid_t);

impl ThreadClock {
    /// The clock of the thread behind `handle`; `None` if the kernel refuses.
    pub fn of<T>(handle: &std::thread::JoinHandle<T>) -> Option<Self> {
        use std::os::unix::thread::JoinHandleExt as _;
        let mut clock: libc::clockid_t = 0;
        // SAFETY: the thread is alive (we hold its join handle) and `clock` is writable.
        let rc = unsafe { libc::pthread_getcpuclockid(handle.as_pthread_t(), &mut clock) };
        (rc == 0).then_some(Self(clock))
    }

    /// CPU time that thread has used so far.
    pub fn now(&self) -> Duration {
        read(self.0)
    }
}
