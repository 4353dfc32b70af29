//! The ISO 8601 UTC timestamps (`YYYY-MM-DDThh:mm:ssZ`) that both signature schemes carry.
//!
//! Formatting runs on every request, so it is a few integer operations on the Unix time
//! rather than a general calendar library (see ARCHITECTURE.md).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Formats `time` as `YYYY-MM-DDThh:mm:ssZ` in UTC, truncated to whole seconds.
///
/// Times before 1970 are clamped to the Unix epoch.
pub fn format_timestamp(time: SystemTime) -> String {
    let bytes = timestamp_bytes(time);
    // Digits and ASCII punctuation only.
    std::str::from_utf8(&bytes)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// The text of [`format_timestamp`] as bytes on the stack (what signing uses every attempt).
pub fn timestamp_bytes(time: SystemTime) -> [u8; 20] {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    // Written digit by digit: this runs on every attempt, and `format!` costs more than the rest.
    let mut buf = *b"0000-00-00T00:00:00Z";
    let y = y.clamp(0, 9999) as u64;
    put_digits(&mut buf[0..4], y);
    put_digits(&mut buf[5..7], u64::from(m));
    put_digits(&mut buf[8..10], u64::from(d));
    put_digits(&mut buf[11..13], rem / 3600);
    put_digits(&mut buf[14..16], (rem % 3600) / 60);
    put_digits(&mut buf[17..19], rem % 60);
    buf
}

/// Writes `value` as zero-padded decimal digits filling `out`.
fn put_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` (UTC). Returns `None` for anything else.
pub fn parse_timestamp(input: &str) -> Option<SystemTime> {
    let b = input.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u64> {
        let s = input.get(range)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y as i64, mo as u32, d as u32);
    if days < 0 {
        return None;
    }
    let secs = days as u64 * 86_400 + h * 3600 + mi * 60 + s;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// The number of days of month `month` (1-12) of `year`, in the proleptic Gregorian calendar.
fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Converts milliseconds since the Unix epoch (as the service sends them) to a `SystemTime`.
pub fn from_epoch_millis(millis: i64) -> Option<SystemTime> {
    let millis = u64::try_from(millis).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_millis(millis))
}

// Howard Hinnant's days-from-civil algorithms (public domain), proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        // 2016-02-23T12:46:24Z, from the V1 worked example.
        let t = UNIX_EPOCH + Duration::from_secs(1_456_231_584);
        assert_eq!(format_timestamp(t), "2016-02-23T12:46:24Z");
        // A leap day.
        let t = UNIX_EPOCH + Duration::from_secs(1_709_208_000);
        assert_eq!(format_timestamp(t), "2024-02-29T12:00:00Z");
    }

    #[test]
    fn parse_round_trips_and_rejects_garbage() {
        for secs in [
            0u64,
            951_782_400,
            1_456_231_584,
            1_709_208_000,
            4_102_444_799,
            // 2000-02-29 and 2024-02-29: leap days are valid.
            951_782_400,
            1_709_164_800,
        ] {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(parse_timestamp(&format_timestamp(t)), Some(t));
        }
        for bad in [
            "",
            "2016-02-23 12:46:24Z",
            "2016-13-01T00:00:00Z",
            "2016-02-23T12:46:24",
            "2016-0a-23T12:46:24Z",
            "２016-02-23T12:46:24Z",
            // Impossible dates: no 31 February, no 29 February outside leap years.
            "2024-02-31T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-00-10T00:00:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn epoch_millis() {
        assert_eq!(
            from_epoch_millis(1_500),
            Some(UNIX_EPOCH + Duration::from_millis(1_500))
        );
        assert_eq!(from_epoch_millis(-1), None);
    }
}
