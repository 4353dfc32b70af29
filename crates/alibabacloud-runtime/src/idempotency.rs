//! Idempotency tokens: the value an unset `ClientToken` parameter gets.

/// A fresh random UUID (version 4, RFC 9562), lowercase `8-4-4-4-12` hex.
///
/// Generated operations with a `ClientToken` parameter call this once per call when the
/// caller leaves the token unset; every retry of that call sends the same token, so the
/// service can recognise the retry and run the operation at most once. The bits come from the
/// operating system's generator, so two clients never pick the same token by accident.
pub fn idempotency_token() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: fall back to the seeded thread-local generator of the nonces.
        let n = crate::signing::new_nonce();
        for (i, byte) in b.iter_mut().enumerate() {
            *byte = u8::from_str_radix(n.get(2 * i..2 * i + 2).unwrap_or("00"), 16).unwrap_or(0);
        }
    }
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let hex = crate::signing::hex_lower(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_version_4_uuids_and_fresh() {
        let a = idempotency_token();
        let b = idempotency_token();
        assert_ne!(a, b);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(
            a.chars()
                .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'))
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
    }
}
