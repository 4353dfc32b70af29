//! The seed and slot count of a structure's field table (`alibabacloud_runtime::de::FieldTable`).
//!
//! The runtime finds a received key with one hash and one comparison. The generator picks, for
//! each structure, the smallest power-of-two slot count (at least twice the number of names)
//! and the first seed under which no two wire names share a slot. The runtime builds the slots
//! from the seed at compile time and rejects a seed that does not separate the names, so a
//! difference between this copy of the hash and the runtime's is a compile error, never a
//! wrong lookup; `tests/tests/generator` also compares the two.

/// Seeds tried per slot count before the count doubles.
const SEEDS_PER_SIZE: u64 = 4096;

const HASH_MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(x: u64) -> u64 {
    // A folded multiply: both halves of the 128-bit product, so every input bit reaches the
    // low bits that pick the slot.
    let product = (x as u128).wrapping_mul(HASH_MULTIPLIER as u128);
    (product as u64) ^ ((product >> 64) as u64)
}

fn read_u64(b: &[u8], at: usize) -> u64 {
    let mut chunk = [0u8; 8];
    chunk.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(chunk)
}

fn read_u32(b: &[u8], at: usize) -> u64 {
    let mut chunk = [0u8; 4];
    chunk.copy_from_slice(&b[at..at + 4]);
    u64::from(u32::from_le_bytes(chunk))
}

/// The runtime's `de::key_hash`, computed here to pick seeds.
pub fn key_hash(seed: u64, key: &[u8]) -> u64 {
    let len = key.len();
    let mut h = seed ^ (len as u64).wrapping_mul(HASH_MULTIPLIER);
    if len >= 8 {
        let mut at = 0;
        while at + 8 < len {
            h = mix(h ^ read_u64(key, at));
            at += 8;
        }
        h = mix(h ^ read_u64(key, len - 8));
    } else if len >= 4 {
        h = mix(h ^ (read_u32(key, 0) << 32) ^ read_u32(key, len - 4));
    } else if len > 0 {
        h = mix(h
            ^ (u64::from(key[0]) << 16)
            ^ (u64::from(key[len / 2]) << 8)
            ^ u64::from(key[len - 1]));
    }
    h
}

/// Whether `seed` puts every name in a slot of its own among `slots` (a power of two).
fn separates(names: &[&str], slots: usize, seed: u64, used: &mut Vec<bool>) -> bool {
    used.clear();
    used.resize(slots, false);
    names.iter().all(|name| {
        let slot = key_hash(seed, name.as_bytes()) as usize & (slots - 1);
        !std::mem::replace(&mut used[slot], true)
    })
}

/// `(seed, slot count)` for `names`, which must be distinct (the IR's wire names of one
/// structure are). Deterministic: the same names always give the same answer.
///
/// Distinct names are separated long before the slot count reaches the square of their number;
/// names that are not distinct never are, and get seed 0 at that size, which the runtime's
/// compile-time check then reports.
pub fn seed_and_slots(names: &[&str]) -> (u64, usize) {
    let mut slots = (names.len() * 2).max(1).next_power_of_two();
    let give_up = (names.len() * names.len() * 4).max(slots);
    let mut used = Vec::new();
    loop {
        if let Some(seed) = (0..SEEDS_PER_SIZE).find(|&s| separates(names, slots, s, &mut used)) {
            return (seed, slots);
        }
        if slots >= give_up {
            return (0, slots);
        }
        slots *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_gets_its_own_slot() {
        let names: Vec<String> = (0..300).map(|i| format!("Field{i}Name")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for n in [0, 1, 2, 5, 36, 120, 300] {
            let (seed, slots) = seed_and_slots(&names[..n]);
            assert!(slots.is_power_of_two() && slots >= 2 * n);
            let mut used = Vec::new();
            assert!(separates(&names[..n], slots, seed, &mut used));
            assert_eq!(seed_and_slots(&names[..n]), (seed, slots), "deterministic");
        }
    }

    #[test]
    fn names_that_repeat_end_the_search() {
        let (seed, slots) = seed_and_slots(&["Name", "Name"]);
        assert_eq!(seed, 0);
        assert!(slots >= 16);
    }
}
