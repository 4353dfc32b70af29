//! Idempotency tokens (`ClientToken`) for operations that deduplicate retries.
//!
//! When an operation has a `ClientToken` parameter and the caller leaves it unset, generated
//! code fills it with [`idempotency_token`] once per logical call, before the first attempt, so
//! every retry of that call carries the same token and the service runs it at most once (as the
//! AWS SDKs do with idempotency tokens).

use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh random UUID version 4, lowercase `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
///
/// Also re-exported as `alibabacloud_runtime::idempotency_token`.
///
/// Unlike the signature nonce, a token that repeats would make the service treat a new call as
/// a retry of an old one and silently not run it, so the 122 random bits come from the
/// operating system's generator on every call (one system call per logical call, not per
/// attempt). Should that generator fail, the bits come from a thread-local generator mixed with
/// the clock and a process-wide counter instead.
pub fn idempotency_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = fallback_bytes();
    }
    format_uuid_v4(bytes)
}

/// Sets the version (4) and variant (`10xx`) bits and formats as 8-4-4-4-12 lowercase hex.
fn format_uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0x0f) as usize] as char);
    }
    out
}

fn fallback_bytes() -> [u8; 16] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let a = fastrand::u64(..) ^ nanos;
    let b = fastrand::u64(..) ^ count.rotate_left(32) ^ u64::from(std::process::id());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_uuid_v4(token: &str) {
        assert_eq!(token.len(), 36, "{token}");
        let groups: Vec<&str> = token.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12],
            "{token}"
        );
        assert!(
            token
                .bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "lowercase hex only: {token}"
        );
        assert_eq!(&groups[2][..1], "4", "version 4: {token}");
        assert!(
            matches!(&groups[3][..1], "8" | "9" | "a" | "b"),
            "RFC 4122 variant: {token}"
        );
    }

    #[test]
    fn tokens_are_lowercase_uuid_v4() {
        for _ in 0..256 {
            assert_uuid_v4(&idempotency_token());
        }
    }

    #[test]
    fn tokens_are_unique() {
        let tokens: std::collections::HashSet<String> =
            (0..10_000).map(|_| idempotency_token()).collect();
        assert_eq!(tokens.len(), 10_000);
    }

    #[test]
    fn formatting_sets_version_and_variant_bits() {
        assert_eq!(
            format_uuid_v4([0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(
            format_uuid_v4([0; 16]),
            "00000000-0000-4000-8000-000000000000"
        );
        let fallback = format_uuid_v4(fallback_bytes());
        assert_uuid_v4(&fallback);
        assert_ne!(fallback, format_uuid_v4(fallback_bytes()));
    }
}
