//! V1 and V3 signatures of a `DeleteCertificateRequest`, each beside its cryptographic floor.
//!
//! The request is the real generated input (`OrderId`) flattened by its generated
//! `write_params`; V1 adds its 8 common parameters and `Signature` (10 query parameters in
//! all), V3 signs 6 `x-acs-*`/`host` headers plus the `OrderId` query.
//!
//! The floors are raw HMACs (key setup, update, finalize) over a string exactly as long as the
//! real string to sign, computed with the runtime's own public step functions.

use std::hint::black_box;

use alibabacloud_benches::{
    HOST, VERSION, credentials, criterion_config, fixed_context, offline_client,
};
use alibabacloud_runtime::signing::{
    self, RequestExtras, SignableRequest, SignatureOutput, SignatureVersion, SigningContext,
};
use alibabacloud_runtime::signing::{v1, v3};
use alibabacloud_runtime::{Operation, Params};
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

fn delete_params() -> Params {
    let input = offline_client()
        .delete_certificate_request()
        .order_id(123_451_222)
        .build();
    let mut params = Params::new();
    input.write_params(&mut params).expect("flattens");
    params
}

fn signable<'a>(params: &'a Params) -> SignableRequest<'a> {
    SignableRequest {
        method: "POST",
        path: "/",
        host: HOST,
        action: "DeleteCertificateRequest",
        version: VERSION,
        params,
        body: &[],
    }
}

fn hmac_sha1(key: &[u8], data: &[u8]) -> [u8; 20] {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn bench_v1(c: &mut Criterion) {
    let params = delete_params();
    let request = signable(&params);
    let creds = credentials();
    let ctx = fixed_context();

    // The real V1 string to sign, built with the runtime's public step functions.
    let all = v1::common_params(&request, &creds, &ctx);
    let query = signing::canonical_query(&all);
    let to_sign = v1::string_to_sign("POST", &query);
    let key = format!("{}&", creds.access_key_secret().expose());
    let floor_data = vec![b'a'; to_sign.len()];
    // The signer must produce exactly the signature the steps give.
    let signed = SignatureVersion::V1.signer().sign(&request, &creds, &ctx);
    assert!(signed.query.starts_with(&query));
    eprintln!(
        "signing/v1: {} query parameters incl. Signature, string to sign {} bytes, signed query {} bytes",
        all.len() + 1,
        to_sign.len(),
        signed.query.len()
    );

    let mut g = c.benchmark_group("signing/v1");
    g.bench_function("sign", |b| {
        let signer = SignatureVersion::V1.signer();
        b.iter(|| signer.sign(black_box(&request), black_box(&creds), black_box(&ctx)))
    });
    g.bench_function("sign_into", |b| {
        // What the client calls: the query into its URL buffer, the header values into one text.
        let signer = SignatureVersion::V1.signer();
        let extras = RequestExtras::default();
        b.iter(|| {
            let mut out = SignatureOutput::with_prefix(String::with_capacity(256));
            signer.sign_into(
                black_box(&request),
                &extras,
                Some(black_box(&creds)),
                &ctx.timestamp,
                &ctx.nonce,
                &mut out,
            );
            out
        })
    });
    g.bench_function("sign_with_fresh_context", |b| {
        let signer = SignatureVersion::V1.signer();
        b.iter(|| {
            let ctx = SigningContext::fresh();
            signer.sign(black_box(&request), black_box(&creds), &ctx)
        })
    });
    g.bench_function("floor_hmac_sha1", |b| {
        b.iter(|| hmac_sha1(black_box(key.as_bytes()), black_box(&floor_data)))
    });
    g.finish();

    // Where the time of `sign` goes: the runtime's public step functions one by one.
    let mut g = c.benchmark_group("signing/v1_steps");
    short(&mut g);
    g.bench_function("1_common_params", |b| {
        b.iter(|| v1::common_params(black_box(&request), &creds, &ctx))
    });
    g.bench_function("2_canonical_query", |b| {
        b.iter(|| signing::canonical_query(black_box(&all)))
    });
    g.bench_function("3_string_to_sign", |b| {
        b.iter(|| v1::string_to_sign("POST", black_box(&query)))
    });
    g.bench_function("4_signature_hmac_base64", |b| {
        b.iter(|| v1::signature(creds.access_key_secret().expose(), black_box(&to_sign)))
    });
    g.finish();
}

/// Shorter runs for the step breakdowns, which are stable at these sizes.
fn short(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    g.warm_up_time(std::time::Duration::from_millis(500));
    g.measurement_time(std::time::Duration::from_secs(1));
}

fn bench_v3(c: &mut Criterion) {
    let params = delete_params();
    let request = signable(&params);
    let creds = credentials();
    let ctx = fixed_context();

    // The real V3 canonical request and string to sign, from the runtime's step functions.
    let entries = request.params.clone().into_entries();
    let query = signing::canonical_query(&entries);
    let headers = [
        ("host", HOST),
        ("x-acs-action", "DeleteCertificateRequest"),
        ("x-acs-version", VERSION),
        ("x-acs-date", ctx.timestamp.as_str()),
        ("x-acs-signature-nonce", ctx.nonce.as_str()),
        ("x-acs-content-sha256", v3::EMPTY_BODY_SHA256),
    ];
    let (canonical, signed_headers) =
        v3::canonical_request("POST", "/", &query, &headers, v3::EMPTY_BODY_SHA256);
    let to_sign = v3::string_to_sign(&canonical);
    let key = creds.access_key_secret().expose().as_bytes().to_vec();
    let floor_data = vec![b'a'; to_sign.len()];
    let canonical_len_data = vec![b'a'; canonical.len()];
    let signed = SignatureVersion::V3.signer().sign(&request, &creds, &ctx);
    let expected_sig = v3::signature(creds.access_key_secret().expose(), &to_sign);
    assert!(
        signed
            .headers
            .iter()
            .any(|(n, v)| *n == "authorization" && v.ends_with(&expected_sig))
    );
    eprintln!(
        "signing/v3: canonical request {} bytes, string to sign {} bytes, {} headers out",
        canonical.len(),
        to_sign.len(),
        signed.headers.len()
    );

    let mut g = c.benchmark_group("signing/v3");
    g.bench_function("sign", |b| {
        let signer = SignatureVersion::V3.signer();
        b.iter(|| signer.sign(black_box(&request), black_box(&creds), black_box(&ctx)))
    });
    g.bench_function("sign_into", |b| {
        // What the client calls: the query into its URL buffer, the header values into one text.
        let signer = SignatureVersion::V3.signer();
        let extras = RequestExtras::default();
        b.iter(|| {
            let mut out = SignatureOutput::with_prefix(String::with_capacity(256));
            signer.sign_into(
                black_box(&request),
                &extras,
                Some(black_box(&creds)),
                &ctx.timestamp,
                &ctx.nonce,
                &mut out,
            );
            out
        })
    });
    g.bench_function("sign_with_fresh_context", |b| {
        let signer = SignatureVersion::V3.signer();
        b.iter(|| {
            let ctx = SigningContext::fresh();
            signer.sign(black_box(&request), black_box(&creds), &ctx)
        })
    });
    g.bench_function("floor_hmac_sha256", |b| {
        b.iter(|| hmac_sha256(black_box(&key), black_box(&floor_data)))
    });
    // V3 cannot avoid hashing the canonical request too: SHA-256 of a canonical-request-sized
    // string plus the HMAC is its true cryptographic floor.
    g.bench_function("floor_sha256_plus_hmac_sha256", |b| {
        assert_eq!(to_sign.len(), 17 + 64);
        b.iter(|| {
            let digest = Sha256::digest(black_box(&canonical_len_data));
            // 17 + 32 + 32 = 81 bytes: the string to sign's length, without hex formatting.
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(black_box(&key)).expect("key");
            mac.update(b"ACS3-HMAC-SHA256\n");
            mac.update(&digest);
            mac.update(&digest);
            <[u8; 32]>::from(mac.finalize().into_bytes())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("signing/v3_steps");
    short(&mut g);
    g.bench_function("1_canonical_query", |b| {
        b.iter(|| signing::canonical_query(black_box(&entries)))
    });
    g.bench_function("2_canonical_request", |b| {
        b.iter(|| {
            v3::canonical_request(
                "POST",
                "/",
                black_box(&query),
                black_box(&headers),
                v3::EMPTY_BODY_SHA256,
            )
        })
    });
    g.bench_function("3_string_to_sign_sha256_hex", |b| {
        b.iter(|| v3::string_to_sign(black_box(&canonical)))
    });
    g.bench_function("4_signature_hmac_hex", |b| {
        b.iter(|| v3::signature(creds.access_key_secret().expose(), black_box(&to_sign)))
    });
    g.bench_function("5_authorization", |b| {
        b.iter(|| {
            v3::authorization(
                creds.access_key_id(),
                black_box(&signed_headers),
                black_box(&expected_sig),
            )
        })
    });
    g.finish();
}

fn bench_context(c: &mut Criterion) {
    let now = std::time::SystemTime::now();
    let mut g = c.benchmark_group("signing/context");
    short(&mut g);
    g.bench_function("signing_context_fresh", |b| b.iter(SigningContext::fresh));
    g.bench_function("format_timestamp", |b| {
        b.iter(|| alibabacloud_runtime::time::format_timestamp(black_box(now)))
    });
    g.bench_function("new_nonce", |b| b.iter(signing::new_nonce));
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion_config();
    targets = bench_v1, bench_v3, bench_context
}
criterion_main!(benches);
