//! Flattening a request with 10 tags and a JSON-string parameter into its signed query.
//!
//! The request is the generated `CreateCertificateRequestInput` with all 6 scalar parameters
//! and 10 `Tags` (`Tags.N.Key` / `Tags.N.Value`), written by its generated `write_params`, plus
//! a `CertIds` JSON-string parameter (20 ids) written with `Params::push_json`, the call the
//! generated `ListCloudResources` makes for its `style: json` parameter. 27 business
//! parameters in all; V1 adds 9 more (common parameters and `Signature`).
//!
//! The floor is a hand-written V1 of the same parameters that borrows every value, formats
//! the tag keys into one reused buffer, sorts references, encodes into one buffer and signs
//! with raw HMAC-SHA1 + base64: the same output bytes with as little allocation as possible.

use std::hint::black_box;

use alibabacloud_benches::{
    ACCESS_KEY_ID, ACCESS_KEY_SECRET, HOST, VERSION, credentials, criterion_config, fixed_context,
    offline_client,
};
use alibabacloud_cas::operation::create_certificate_request::{
    CreateCertificateRequestInput, TagsItem,
};
use alibabacloud_runtime::encode::percent_encode_into;
use alibabacloud_runtime::signing::{SignableRequest, SignatureVersion, SigningContext};
use alibabacloud_runtime::{Operation, Params};
use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};

const ACTION: &str = "CreateCertificateRequest";

fn input() -> CreateCertificateRequestInput {
    let tags = (1..=10)
        .map(|i| TagsItem {
            key: Some(format!("team-{i}")),
            value: Some(format!("payments & billing/{i}")),
        })
        .collect();
    offline_client()
        .create_certificate_request()
        .domain("www.example.com")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Zhang San")
        .validate_type("DNS")
        .product_code("digicert-free-1-free")
        .tags(tags)
        .build()
}

fn cert_ids() -> Vec<i64> {
    (0..20).map(|i| 14_000_000 + i).collect()
}

/// What the runtime does before signing: the generated `write_params` plus one JSON parameter.
fn flatten(input: &CreateCertificateRequestInput, ids: &Vec<i64>) -> Params {
    let mut params = Params::new();
    input.write_params(&mut params).expect("flattens");
    params.push_json("CertIds", Some(ids)).expect("json");
    params
}

fn signable(params: &Params) -> SignableRequest<'_> {
    SignableRequest {
        method: "POST",
        path: "/",
        host: HOST,
        action: ACTION,
        version: VERSION,
        params,
        body: &[],
    }
}

/// The hand-written floor: V1 over the same parameters with borrowed values.
struct Floor {
    keys: String,
    key_ends: Vec<usize>,
    hmac_key: String,
    query: String,
    to_sign: String,
    json: String,
}

impl Floor {
    fn new() -> Self {
        Self {
            keys: String::with_capacity(256),
            key_ends: Vec::with_capacity(32),
            hmac_key: format!("{ACCESS_KEY_SECRET}&"),
            query: String::with_capacity(2048),
            to_sign: String::with_capacity(4096),
            json: String::with_capacity(256),
        }
    }

    fn sign_v1(
        &mut self,
        input: &CreateCertificateRequestInput,
        ids: &[i64],
        ctx: &SigningContext,
    ) -> usize {
        use std::fmt::Write as _;
        self.keys.clear();
        self.key_ends.clear();
        self.json.clear();
        // Tag keys into one buffer.
        let tags = input.tags.as_deref().unwrap_or(&[]);
        for (i, _) in tags.iter().enumerate() {
            let _ = write!(self.keys, "Tags.{}.Key", i + 1);
            self.key_ends.push(self.keys.len());
            let _ = write!(self.keys, "Tags.{}.Value", i + 1);
            self.key_ends.push(self.keys.len());
        }
        // The JSON parameter, written by hand.
        self.json.push('[');
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.json.push(',');
            }
            let _ = write!(self.json, "{id}");
        }
        self.json.push(']');
        let mut refs: Vec<(&str, &str)> = Vec::with_capacity(40);
        let mut start = 0;
        let mut ends = self.key_ends.iter();
        for t in tags {
            let end = *ends.next().expect("key");
            refs.push((&self.keys[start..end], t.key.as_deref().unwrap_or("")));
            start = end;
            let end = *ends.next().expect("value");
            refs.push((&self.keys[start..end], t.value.as_deref().unwrap_or("")));
            start = end;
        }
        refs.push(("Domain", &input.domain));
        refs.push(("Email", &input.email));
        refs.push(("Phone", &input.phone));
        refs.push((
            "ProductCode",
            input.product_code.as_ref().map_or("", |p| p.as_str()),
        ));
        refs.push(("Username", &input.username));
        refs.push(("ValidateType", input.validate_type.as_str()));
        refs.push(("CertIds", &self.json));
        refs.push(("Action", ACTION));
        refs.push(("Version", VERSION));
        refs.push(("Format", "JSON"));
        refs.push(("AccessKeyId", ACCESS_KEY_ID));
        refs.push(("SignatureMethod", "HMAC-SHA1"));
        refs.push(("SignatureVersion", "1.0"));
        refs.push(("SignatureNonce", &ctx.nonce));
        refs.push(("Timestamp", &ctx.timestamp));
        refs.sort_unstable();
        self.query.clear();
        for (i, (k, v)) in refs.iter().enumerate() {
            if i > 0 {
                self.query.push('&');
            }
            percent_encode_into(&mut self.query, k);
            self.query.push('=');
            percent_encode_into(&mut self.query, v);
        }
        self.to_sign.clear();
        self.to_sign.push_str("POST&%2F&");
        percent_encode_into(&mut self.to_sign, &self.query);
        let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(self.hmac_key.as_bytes())
            .expect("any key length");
        mac.update(self.to_sign.as_bytes());
        let mut sig = [0u8; 28];
        let n = base64::engine::general_purpose::STANDARD
            .encode_slice(mac.finalize().into_bytes(), &mut sig)
            .expect("fits");
        self.query.push_str("&Signature=");
        percent_encode_into(
            &mut self.query,
            std::str::from_utf8(&sig[..n]).expect("ascii"),
        );
        self.query.len()
    }
}

fn bench(c: &mut Criterion) {
    let input = input();
    let ids = cert_ids();
    let creds = credentials();
    let ctx = fixed_context();
    let pre = flatten(&input, &ids);

    // The floor must produce the very same signed query as the runtime.
    let v1 = SignatureVersion::V1
        .signer()
        .sign(&signable(&pre), &creds, &ctx);
    let mut floor = Floor::new();
    floor.sign_v1(&input, &ids, &ctx);
    assert_eq!(floor.query, v1.query, "floor and runtime disagree");
    eprintln!(
        "request_building: {} business parameters, V1 signed query {} bytes",
        pre.len(),
        v1.query.len()
    );

    let mut g = c.benchmark_group("request_building");
    g.bench_function("flatten_only", |b| {
        b.iter(|| flatten(black_box(&input), black_box(&ids)))
    });
    g.bench_function("sign_v1_preflattened", |b| {
        let signer = SignatureVersion::V1.signer();
        b.iter(|| signer.sign(&signable(black_box(&pre)), &creds, &ctx))
    });
    g.bench_function("flatten_and_sign_v1", |b| {
        let signer = SignatureVersion::V1.signer();
        b.iter(|| {
            let params = flatten(black_box(&input), black_box(&ids));
            signer.sign(&signable(&params), &creds, &ctx)
        })
    });
    g.bench_function("flatten_and_sign_v3", |b| {
        let signer = SignatureVersion::V3.signer();
        b.iter(|| {
            let params = flatten(black_box(&input), black_box(&ids));
            signer.sign(&signable(&params), &creds, &ctx)
        })
    });
    g.bench_function("floor_hand_written_v1", |b| {
        b.iter(|| floor.sign_v1(black_box(&input), black_box(&ids), &ctx))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion_config();
    targets = bench
}
criterion_main!(benches);
