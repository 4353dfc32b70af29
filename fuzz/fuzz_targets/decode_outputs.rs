//! Arbitrary bytes through every operation's output decoder and the error decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;

const ACTIONS: &[&str] = &[
    "DeleteCertificateRequest",
    "DescribeCertificateState",
    "ListUserCertificateOrder",
    "ListCloudResources",
    "ListTagResources",
    "GetInstanceDetail",
    "ListInstances",
    "ListCert",
];

fuzz_target!(|data: &[u8]| {
    for action in ACTIONS {
        let _ = alibabacloud_cas::decode_output(action, data);
    }
    if let Err(e) = alibabacloud_cas::ErrorMetadata::from_response(500, None, data) {
        assert!(e.snippet().len() <= alibabacloud_cas::runtime::error::SNIPPET_LIMIT + 3);
    }
});
