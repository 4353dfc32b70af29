//! Arbitrary text through the operation-spec parser: an error names the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = xtask::codegen::parse_json::<xtask::spec::OperationSpec>(text, "F.json") {
            assert!(e.to_string().starts_with("F.json"));
        }
    }
});
