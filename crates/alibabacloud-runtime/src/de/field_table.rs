//! The key lookup of [`DecodeStruct`](super::DecodeStruct): a perfect hash over a structure's
//! wire names, seeded by `cargo xtask codegen` and built by the compiler.

/// The wire names of a [`DecodeStruct`](super::DecodeStruct), found through a perfect hash: the key's hash picks one
/// slot, and one comparison with the name in that slot says whether the key is known.
///
/// `cargo xtask codegen` picks, per structure, a seed and a power-of-two slot count under
/// which no two names share a slot; [`slot_table`] builds the slots at compile time and
/// refuses (a compile error) a seed that does not separate the names.
#[derive(Debug, Clone, Copy)]
pub struct FieldTable {
    names: &'static [(&'static str, u16)],
    slots: &'static [u16],
    seed: u64,
}

/// An unused slot of a [`FieldTable`].
const EMPTY_SLOT: u16 = u16::MAX;

impl FieldTable {
    /// A table over `names` (`(wire name, field index)`), with `slots` from [`slot_table`]
    /// built for the same `names` and `seed`.
    pub const fn new(
        names: &'static [(&'static str, u16)],
        slots: &'static [u16],
        seed: u64,
    ) -> Self {
        Self { names, slots, seed }
    }

    /// The field index of `key`; `None` for a key the structure does not know.
    #[inline]
    pub fn find(&self, key: &str) -> Option<u16> {
        let mask = self.slots.len().wrapping_sub(1);
        let slot = *self
            .slots
            .get(key_hash(self.seed, key.as_bytes()) as usize & mask)?;
        let (name, index) = self.names.get(usize::from(slot))?;
        same_bytes(name.as_bytes(), key.as_bytes()).then_some(*index)
    }
}

/// `a == b`, compared eight bytes at a time in line: wire names are short, and a call to
/// `memcmp` costs more than the comparison itself.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len >= 8 {
        let mut at = 0;
        while at + 8 < len {
            if read_u64(a, at) != read_u64(b, at) {
                return false;
            }
            at += 8;
        }
        read_u64(a, len - 8) == read_u64(b, len - 8)
    } else if len >= 4 {
        read_u32(a, 0) == read_u32(b, 0) && read_u32(a, len - 4) == read_u32(b, len - 4)
    } else {
        a == b
    }
}

/// The slots of a [`FieldTable`]: for each of the `M` slots (a power of two), the position in
/// `names` of the name whose hash lands there, or an unused mark.
///
/// # Panics
/// At compile time (it runs in a `const`), when `M` is not a power of two, when there are
/// `u16::MAX` names or more, or when two names share a slot under `seed`: the generated seed
/// is stale, and `cargo xtask codegen` picks a new one.
pub const fn slot_table<const M: usize>(names: &[(&str, u16)], seed: u64) -> [u16; M] {
    assert!(M.is_power_of_two(), "the slot count must be a power of two");
    assert!(
        names.len() < EMPTY_SLOT as usize,
        "too many names for one table"
    );
    let mut slots = [EMPTY_SLOT; M];
    let mut i = 0;
    while i < names.len() {
        let slot = key_hash(seed, names[i].0.as_bytes()) as usize & (M - 1);
        assert!(
            slots[slot] == EMPTY_SLOT,
            "two wire names share a slot under this seed: re-run `cargo xtask codegen`"
        );
        slots[slot] = i as u16;
        i += 1;
    }
    slots
}

const HASH_MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
const fn hash_mix(x: u64) -> u64 {
    // A folded multiply: both halves of the 128-bit product, so every input bit reaches the
    // low bits that pick the slot.
    let product = (x as u128).wrapping_mul(HASH_MULTIPLIER as u128);
    (product as u64) ^ ((product >> 64) as u64)
}

#[inline(always)]
const fn read_u64(b: &[u8], at: usize) -> u64 {
    match b.split_at(at).1.first_chunk::<8>() {
        Some(chunk) => u64::from_le_bytes(*chunk),
        None => 0,
    }
}

#[inline(always)]
const fn read_u32(b: &[u8], at: usize) -> u64 {
    match b.split_at(at).1.first_chunk::<4>() {
        Some(chunk) => u32::from_le_bytes(*chunk) as u64,
        None => 0,
    }
}

/// The hash of a [`FieldTable`]: every byte of `key`, read eight at a time (the last read
/// overlaps the one before it), mixed with `seed` and the length.
///
/// `cargo xtask codegen` computes the same function when it picks seeds; a test compares the
/// two on many keys.
#[inline]
pub const fn key_hash(seed: u64, key: &[u8]) -> u64 {
    let len = key.len();
    let mut h = seed ^ (len as u64).wrapping_mul(HASH_MULTIPLIER);
    if len >= 8 {
        let mut at = 0;
        while at + 8 < len {
            h = hash_mix(h ^ read_u64(key, at));
            at += 8;
        }
        h = hash_mix(h ^ read_u64(key, len - 8));
    } else if len >= 4 {
        h = hash_mix(h ^ (read_u32(key, 0) << 32) ^ read_u32(key, len - 4));
    } else if len > 0 {
        h = hash_mix(
            h ^ ((key[0] as u64) << 16) ^ ((key[len / 2] as u64) << 8) ^ key[len - 1] as u64,
        );
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[(&str, u16)] = &[("Count", 1), ("Inner", 2), ("Name", 0)];

    /// The first seed under which `NAMES` take three different slots of `M`.
    fn separating_seed<const M: usize>() -> u64 {
        (0..)
            .find(|&seed| {
                let mut slots: Vec<u64> = NAMES
                    .iter()
                    .map(|(n, _)| key_hash(seed, n.as_bytes()) & (M as u64 - 1))
                    .collect();
                slots.sort_unstable();
                slots.dedup();
                slots.len() == NAMES.len()
            })
            .unwrap_or(0)
    }

    #[test]
    fn a_field_table_finds_its_names_and_nothing_else() {
        let seed = separating_seed::<8>();
        let slots: &'static [u16] = Box::leak(Box::new(slot_table::<8>(NAMES, seed)));
        let table = FieldTable::new(NAMES, slots, seed);
        assert_eq!(table.find("Name"), Some(0));
        assert_eq!(table.find("Count"), Some(1));
        assert_eq!(table.find("Inner"), Some(2));
        // Keys that are not names: whatever slot they land in, the comparison refuses them.
        for key in [
            "",
            "name",
            "Names",
            "Nam",
            "Count ",
            "X",
            "InnerCount",
            "RequestId",
        ] {
            assert_eq!(table.find(key), None, "{key:?}");
        }
        // A key hashing into each occupied slot but spelled differently is refused too.
        let mut found = 0;
        for i in 0..10_000 {
            let key = format!("k{i}");
            if let Some(index) = table.find(&key) {
                panic!("{key} found as field {index}");
            }
            let slot = key_hash(seed, key.as_bytes()) as usize & 7;
            found += usize::from(slots[slot] != EMPTY_SLOT);
        }
        assert!(found > 0, "some keys shared a slot with a name");
    }

    #[test]
    #[should_panic(expected = "share a slot")]
    fn a_seed_that_does_not_separate_the_names_is_refused() {
        // One slot for three names: no seed separates them.
        let _ = slot_table::<1>(NAMES, 0);
    }

    #[test]
    fn same_bytes_is_equality() {
        for len in 0..40usize {
            let a: Vec<u8> = (0..len).map(|b| b as u8 ^ 0x5a).collect();
            assert!(same_bytes(&a, &a.clone()));
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x80;
                assert!(!same_bytes(&a, &b), "len {len}, byte {at}");
            }
            assert!(!same_bytes(&a, &a[..len.saturating_sub(1)]) || len == 0);
        }
    }

    #[test]
    fn hashes_read_every_byte() {
        for len in 0..40 {
            let key: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(7)).collect();
            let h = key_hash(3, &key);
            for at in 0..len {
                let mut changed = key.clone();
                changed[at] ^= 1;
                assert_ne!(key_hash(3, &changed), h, "len {len}, byte {at}");
            }
        }
    }
}
