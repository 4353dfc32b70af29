//! Edge cases through the real transport, V1 and V3, against a loopback server that recomputes
//! the signature of what it received: spaces and `* ~ + / % = &`, non-ASCII and 4-byte UTF-8,
//! lists of 10+ items (`Tag.10` sorts before `Tag.2`), empty values, an STS token, and a
//! secret containing `+ / = & %`.

use crate::support::loopback::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, LoopbackServer};
use alibabacloud_runtime::config::Config;
use alibabacloud_runtime::error::ConstructionError;
use alibabacloud_runtime::{
    CallOptions, Client, Credentials, ErrorMetadata, Operation, OperationError, Params,
    RetryConfig, SignatureVersion, ToParam,
};

#[derive(Debug)]
struct AnyError(ErrorMetadata);
impl std::fmt::Display for AnyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for AnyError {}
impl OperationError for AnyError {
    fn from_metadata(metadata: ErrorMetadata) -> Self {
        Self(metadata)
    }
    fn metadata(&self) -> &ErrorMetadata {
        &self.0
    }
}

struct Tag(&'static str, &'static str);
impl ToParam for Tag {
    fn write_param(&self, key: &str, out: &mut Params) {
        out.push(format!("{key}.Key"), self.0);
        out.push(format!("{key}.Value"), self.1);
    }
}

/// An operation whose parameters are the edge cases.
struct EdgeCases;
impl Operation for EdgeCases {
    const ACTION: &'static str = "EdgeCases";
    const IDEMPOTENT: bool = true;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("Space", "a b");
        out.write("Reserved", "* ~ + / % = & ? #");
        out.write("NonAscii", "证书 é");
        out.write("FourByte", "😀𝄞");
        out.write("Empty", "");
        let tags: Vec<Tag> = (1..=12).map(|_| Tag("k", "v w")).collect();
        out.write("Tag", &tags);
        out.push_json(
            "Json",
            Some(&serde_json::json!({"a": [1, "x y"], "b": "+/"})),
        )?;
        Ok(())
    }
}

const SERVICE: alibabacloud_runtime::ServiceInfo = alibabacloud_runtime::ServiceInfo {
    product: "cas",
    version: "2020-04-07",
    sdk_name: "edge-cases",
    sdk_version: "0",
    endpoints: alibabacloud_runtime::EndpointRules {
        default_host: "cas.aliyuncs.com",
        default_host_regions: &[],
        regional_hosts: &[],
        fallback_template: "cas.{region}.aliyuncs.com",
    },
};

#[tokio::test]
async fn edge_case_values_survive_signing_and_transport() {
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        for token in [None, Some("STS+token/with=specials&%")] {
            let server = LoopbackServer::start().await;
            let creds = match token {
                Some(t) => Credentials::with_security_token(ACCESS_KEY_ID, ACCESS_KEY_SECRET, t),
                None => Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
            };
            let config: Config = Config::builder()
                .endpoint(server.endpoint())
                .credentials(creds)
                .signature_version(version)
                .retry(RetryConfig::disabled())
                .build()
                .expect("config");
            let client = Client::new(SERVICE, config).expect("client");
            client
                .invoke(&EdgeCases, &CallOptions::new())
                .await
                .expect("accepted");

            let got = server.received();
            let r = &got[0];
            assert!(r.signature_ok, "{version:?} token={token:?}");
            let get = |k: &str| {
                r.params
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("Space"), Some("a b"));
            assert_eq!(get("Reserved"), Some("* ~ + / % = & ? #"));
            assert_eq!(get("NonAscii"), Some("证书 é"));
            assert_eq!(get("FourByte"), Some("😀𝄞"));
            assert_eq!(get("Empty"), Some(""));
            assert_eq!(get("Tag.10.Key"), Some("k"));
            assert_eq!(get("Tag.12.Value"), Some("v w"));
            assert_eq!(get("Json"), Some(r#"{"a":[1,"x y"],"b":"+/"}"#));
            assert_eq!(
                r.security_token.as_deref(),
                token,
                "{version:?}: the token travels signed"
            );
            server.stop().await;
        }
    }
}
