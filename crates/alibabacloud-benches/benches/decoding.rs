//! Decoding answers into the generated types, each beside serde_json into a plain
//! `#[derive(Deserialize)]` struct with the same fields (strings for the generated enums,
//! `Option<i64>`/`Option<bool>` for the lenient scalars).
//!
//! * `delete_success`: the `DeleteCertificateRequest` success body.
//! * `error`: an error envelope through `ErrorMetadata::from_response` and the generated
//!   `DeleteCertificateRequestError::from_metadata`.
//! * `list_page_100`: a 100-item `ListUserCertificateOrder` page, every item field set.
//!
//! `*_client_path` adds what `Client::invoke` does on a success after decoding the output:
//! reading `RequestId` for tracing through `Operation::output_request_id` (it used to be a
//! second parse of the whole body).

use std::hint::black_box;

use alibabacloud_benches::plain::{PlainDelete, PlainError, PlainPage};
use alibabacloud_benches::{DELETE_SUCCESS_BODY, ERROR_BODY, criterion_config, list_page_body};
use alibabacloud_cas::operation::delete_certificate_request::{
    DeleteCertificateRequestError, DeleteCertificateRequestInput, DeleteCertificateRequestOutput,
};
use alibabacloud_cas::operation::list_user_certificate_order::{
    ListUserCertificateOrderInput, ListUserCertificateOrderOutput,
};
use alibabacloud_runtime::Operation;
use alibabacloud_runtime::{ErrorMetadata, OperationError};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench_success(c: &mut Criterion) {
    let body = DELETE_SUCCESS_BODY.as_bytes();
    let mut g = c.benchmark_group("decoding/delete_success");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("generated", |b| {
        b.iter(|| {
            serde_json::from_slice::<DeleteCertificateRequestOutput>(black_box(body))
                .expect("decodes")
        })
    });
    g.bench_function("generated_client_path", |b| {
        b.iter(|| {
            let out = serde_json::from_slice::<DeleteCertificateRequestOutput>(black_box(body))
                .expect("decodes");
            let id_len = DeleteCertificateRequestInput::output_request_id(&out).map(str::len);
            (out, id_len)
        })
    });
    g.bench_function("floor_plain_serde", |b| {
        b.iter(|| serde_json::from_slice::<PlainDelete>(black_box(body)).expect("decodes"))
    });
    g.finish();
}

fn bench_error(c: &mut Criterion) {
    let body = ERROR_BODY.as_bytes();
    let err = DeleteCertificateRequestError::from_metadata(
        ErrorMetadata::from_response(404, None, body).expect("envelope"),
    );
    assert!(matches!(
        err,
        DeleteCertificateRequestError::NotFoundOrder(_)
    ));
    let mut g = c.benchmark_group("decoding/error");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("generated", |b| {
        b.iter(|| {
            let meta = ErrorMetadata::from_response(404, None, black_box(body)).expect("envelope");
            DeleteCertificateRequestError::from_metadata(meta)
        })
    });
    g.bench_function("floor_plain_serde", |b| {
        b.iter(|| serde_json::from_slice::<PlainError>(black_box(body)).expect("decodes"))
    });
    g.bench_function("floor_plain_serde_keeping_body", |b| {
        b.iter(|| {
            let body = black_box(body);
            let kept = String::from_utf8(body.to_vec()).expect("UTF-8");
            (
                serde_json::from_slice::<PlainError>(body).expect("decodes"),
                kept,
            )
        })
    });
    g.finish();
}

fn bench_page(c: &mut Criterion) {
    let body = list_page_body(100);
    let body = body.as_bytes();
    let generated: ListUserCertificateOrderOutput =
        serde_json::from_slice(body).expect("generated decodes");
    let plain: PlainPage = serde_json::from_slice(body).expect("plain decodes");
    assert_eq!(
        generated.certificate_order_list.as_ref().map(Vec::len),
        plain.certificate_order_list.as_ref().map(Vec::len)
    );
    eprintln!("decoding/list_page_100: body {} bytes", body.len());
    let mut g = c.benchmark_group("decoding/list_page_100");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("generated", |b| {
        b.iter(|| {
            serde_json::from_slice::<ListUserCertificateOrderOutput>(black_box(body))
                .expect("decodes")
        })
    });
    g.bench_function("generated_client_path", |b| {
        b.iter(|| {
            let out = serde_json::from_slice::<ListUserCertificateOrderOutput>(black_box(body))
                .expect("decodes");
            let id_len = ListUserCertificateOrderInput::output_request_id(&out).map(str::len);
            (out, id_len)
        })
    });
    g.bench_function("floor_plain_serde", |b| {
        b.iter(|| serde_json::from_slice::<PlainPage>(black_box(body)).expect("decodes"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion_config();
    targets = bench_success, bench_error, bench_page
}
criterion_main!(benches);
