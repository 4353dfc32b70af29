//! Property tests with bounded case counts and fixed seeds (proptest's default config with a
//! fixed number of cases): decoding of every operation's output and of error bodies, and the
//! signer against the emulator's verifier. The spec loader's properties are the generator's.

use std::path::Path;

use alibabacloud_cas::operation::create_certificate_request::TagsItem;
use alibabacloud_cas::{RetryConfig, SignatureVersion};
use proptest::prelude::*;

use crate::support::arbitrary::json_value;
use crate::support::emulator;

fn actions() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("root")
        .to_path_buf();
    let product = xtask::codegen::load_product(&root, &root.join("api-specs/cas")).expect("specs");
    product.operations.iter().map(|o| o.name.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any JSON body, or any bytes, decodes or fails cleanly for every one of the 87 outputs.
    #[test]
    fn every_output_decoder_survives_arbitrary_bodies(value in json_value(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let text = serde_json::to_vec(&value).expect("serializable");
        for action in actions() {
            prop_assert!(alibabacloud_cas::decode_output(&action, &text).is_some());
            prop_assert!(alibabacloud_cas::decode_output(&action, &bytes).is_some());
        }
        prop_assert!(alibabacloud_cas::decode_output("NoSuchAction", &text).is_none());
    }

    /// Error bodies: any input gives metadata or a malformed-response error, never a panic,
    /// and the snippet stays bounded.
    #[test]
    fn error_decoding_survives_arbitrary_bodies(value in json_value(), status in 400u16..600) {
        let body = serde_json::to_vec(&value).expect("serializable");
        match alibabacloud_cas::ErrorMetadata::from_response(status, None, &body) {
            Ok(meta) => prop_assert_eq!(meta.http_status(), status),
            Err(e) => {
                prop_assert_eq!(e.http_status(), status);
                prop_assert!(e.snippet().len() <= alibabacloud_cas::runtime::error::SNIPPET_LIMIT + 3);
            }
        }
    }
}

fn tag_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" *~+/%=&?#".to_string()),
        Just("é😀中文".to_string()),
        "\\PC{0,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the parameter values (unicode, reserved characters, empty strings, up to 15
    /// list items so `Tags.10` sorts before `Tags.2`), the emulator's verifier accepts what
    /// the client signs, with V1 and with V3.
    #[test]
    fn the_emulator_accepts_every_signature(
        domain in "\\PC{1,24}",
        tags in prop::collection::vec((tag_text(), tag_text()), 0..15),
        v1 in any::<bool>(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let result: Result<(), String> = rt.block_on(async {
            let emu = emulator::with_quota(1_000).await;
            let version = if v1 { SignatureVersion::V1 } else { SignatureVersion::V3 };
            let client = emulator::client(&emu, |c| c.signature_version(version).retry(RetryConfig::disabled()));
            let tags: Vec<TagsItem> = tags
                .into_iter()
                .map(|(k, v)| TagsItem { key: Some(k), value: Some(v) })
                .collect();
            let result = client
                .create_certificate_request()
                .domain(domain.as_str())
                .email("a@example.com")
                .phone("1")
                .username("u")
                .validate_type("DNS")
                .tags(tags)
                .send()
                .await;
            emu.shutdown().await;
            match result {
                Ok(_) => Ok(()),
                Err(e) => Err(format!("{version:?}: {e}")),
            }
        });
        prop_assert!(result.is_ok(), "{:?}", result);
    }
}
