//! The spec loader survives arbitrary input (bounded case count, fixed configuration): a valid
//! spec with arbitrary JSON grafted in, or its text cut short, is accepted or rejected with a
//! message naming the file, never a panic.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;

use crate::support::arbitrary::json_value;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// The spec loader: a valid spec with arbitrary JSON grafted in, or its text cut short,
    /// is accepted or rejected with a message naming the file, never a panic.
    #[test]
    fn spec_parser_survives_mutations(value in json_value(), key in prop_oneof![Just("request"), Just("response"), Just("errors"), Just("pagination"), Just("waiters"), Just("name"), Just("idempotent")], cut in 0usize..2000) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs/cas/operations/ListUserCertificateOrder.json");
        let text = std::fs::read_to_string(path).expect("spec");
        let mut spec: Value = serde_json::from_str(&text).expect("json");
        spec[key] = value;
        let mutated = serde_json::to_string(&spec).expect("json");
        for candidate in [mutated.as_str(), &text[..cut.min(text.len())]] {
            let parsed = xtask::codegen::parse_json::<xtask::spec::OperationSpec>(candidate, "X.json");
            if let Err(e) = parsed {
                prop_assert!(e.to_string().starts_with("X.json"));
            }
        }
    }
}
