//! Secrets are wiped when dropped: an allocator that inspects every block it frees never sees
//! the access key secret or the security token once the credentials holding them are gone.
//! One test in its own process, because it installs its own global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::SystemTime;

use alibabacloud_runtime::Credentials;
use alibabacloud_runtime::credentials::Secret;

/// Counts the freed blocks that still contain the pattern being watched.
struct Inspecting;

static WATCHING: AtomicBool = AtomicBool::new(false);
static PATTERN: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static FREED_WITH_PATTERN: AtomicUsize = AtomicUsize::new(0);

fn contains(block: &[u8], pattern: &[u8]) -> bool {
    !pattern.is_empty() && block.windows(pattern.len()).any(|w| w == pattern)
}

unsafe impl GlobalAlloc for Inspecting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // `swap` keeps the lock below from re-entering this function while it is held.
        if WATCHING.swap(false, Ordering::SeqCst) {
            // SAFETY: the block is still allocated and `layout.size()` bytes long.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if let Ok(pattern) = PATTERN.try_lock() {
                if contains(block, &pattern) {
                    FREED_WITH_PATTERN.fetch_add(1, Ordering::SeqCst);
                }
            }
            WATCHING.store(true, Ordering::SeqCst);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Inspecting = Inspecting;

/// How many freed blocks held `pattern` while `f` ran.
fn freed_with(pattern: &str, f: impl FnOnce()) -> usize {
    *PATTERN.lock().expect("pattern") = pattern.as_bytes().to_vec();
    FREED_WITH_PATTERN.store(0, Ordering::SeqCst);
    WATCHING.store(true, Ordering::SeqCst);
    f();
    WATCHING.store(false, Ordering::SeqCst);
    FREED_WITH_PATTERN.load(Ordering::SeqCst)
}

#[test]
fn dropped_secrets_leave_no_copy_in_freed_memory() {
    // The detector works: a plain string is freed with its contents.
    let plain = "plain-3b9f1c-not-a-secret";
    assert_eq!(
        freed_with(plain, || drop(std::hint::black_box(plain.to_string()))),
        1
    );

    let secret = "access-key-secret-7d1e90aa";
    let token = "sts-security-token-5c2b11ef";
    for pattern in [secret, token] {
        let freed = freed_with(pattern, || {
            let creds = Credentials::with_security_token("id", secret, token);
            // Rebuilding for an expiry clones the secrets; both copies are dropped here.
            let later = creds.clone().with_expiry(SystemTime::UNIX_EPOCH);
            assert_eq!(later.access_key_secret().expose(), secret);
            drop(std::hint::black_box(creds));
            drop(std::hint::black_box(later));
            drop(std::hint::black_box(Secret::new(pattern)));
        });
        assert_eq!(freed, 0, "a freed block still held `{pattern}`");
    }
}
