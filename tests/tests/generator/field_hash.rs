//! The generator picks each structure's field-table seed with its own copy of the runtime's key
//! hash (`xtask::emit::perfect_hash`). A difference would only be a compile error in generated
//! code (the runtime rebuilds the table and rejects a seed that does not separate the names),
//! but it is caught here first, on arbitrary keys and seeds.

use proptest::prelude::*;

proptest! {
    #[test]
    fn the_generator_and_the_runtime_hash_keys_alike(
        key in proptest::collection::vec(any::<u8>(), 0..48),
        seed in any::<u64>(),
    ) {
        prop_assert_eq!(
            xtask::emit::perfect_hash::key_hash(seed, &key),
            alibabacloud_runtime::de::key_hash(seed, &key)
        );
    }
}

#[test]
fn a_generated_seed_separates_the_names_in_the_runtime_too() {
    let names = [
        "Algorithm",
        "AliyunOrderId",
        "BuyDate",
        "CertEndTime",
        "CertStartTime",
        "CertType",
        "CertificateId",
        "City",
        "CommonName",
        "Country",
        "Domain",
        "RequestId",
        "Id",
        "A",
    ];
    let (seed, slots) = xtask::emit::perfect_hash::seed_and_slots(&names);
    let runtime_slots: std::collections::BTreeSet<usize> = names
        .iter()
        .map(|n| alibabacloud_runtime::de::key_hash(seed, n.as_bytes()) as usize & (slots - 1))
        .collect();
    assert_eq!(
        runtime_slots.len(),
        names.len(),
        "every name in a slot of its own"
    );
}
