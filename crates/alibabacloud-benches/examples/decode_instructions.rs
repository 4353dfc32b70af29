//! Decodes one fixture `N` times, for counting instructions: unlike time, an instruction count
//! does not move with the machine's load, so it can tell a 5 % change. This machine's VM has
//! no hardware counters (`perf stat -e instructions` reports `<not supported>`), so the count
//! comes from callgrind:
//!
//! ```text
//! cargo build --release -p alibabacloud-benches --example decode_instructions
//! ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!          target/release/examples/decode_instructions "$1" "$2" 2>&1 | sed -n 's/.*Collected : //p'; }
//! for case in delete delete-plain error error-plain error-plain-body; do
//!   echo "$case $(( ($(ir $case 20000) - $(ir $case 0)) / 20000 ))"
//! done
//! for case in page page-plain; do echo "$case $(( ($(ir $case 200) - $(ir $case 0)) / 200 ))"; done
//! ```
//!
//! Instructions per decode = (count at `N` − count at 0) / `N`; the count at 0 is the process's
//! own start (and, for `page`, building the body). Cases: `delete`, `error`, `page` (the
//! generated decoders, as in the `decoding` bench), `*-plain` (their serde-derive floors) and
//! `error-plain-body` (the error floor plus an owned UTF-8 copy of the body, which an SDK error
//! keeps for its `body()`).

use std::hint::black_box;
use std::process::ExitCode;

use alibabacloud_benches::plain::{PlainDelete, PlainError, PlainPage};
use alibabacloud_benches::{DELETE_SUCCESS_BODY, ERROR_BODY, list_page_body};
use alibabacloud_cas::operation::delete_certificate_request::{
    DeleteCertificateRequestError, DeleteCertificateRequestOutput,
};
use alibabacloud_cas::operation::list_user_certificate_order::ListUserCertificateOrderOutput;
use alibabacloud_runtime::{ErrorMetadata, OperationError};

fn repeat(n: u64, mut decode: impl FnMut() -> bool) -> bool {
    (0..n).all(|_| black_box(decode()))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(case), Some(Ok(n))) = (args.get(1), args.get(2).map(|n| n.parse::<u64>())) else {
        eprintln!("usage: decode_instructions <delete|error|page>[-plain] <N>");
        return ExitCode::FAILURE;
    };
    let page = list_page_body(100);
    let delete = DELETE_SUCCESS_BODY.as_bytes();
    let error = ERROR_BODY.as_bytes();
    let page = page.as_bytes();
    let ok = match case.as_str() {
        "delete" => repeat(n, || {
            serde_json::from_slice::<DeleteCertificateRequestOutput>(black_box(delete)).is_ok()
        }),
        "delete-plain" => repeat(n, || {
            serde_json::from_slice::<PlainDelete>(black_box(delete)).is_ok()
        }),
        "error" => repeat(n, || {
            ErrorMetadata::from_response(404, None, black_box(error))
                .map(DeleteCertificateRequestError::from_metadata)
                .is_ok()
        }),
        "error-plain" => repeat(n, || {
            serde_json::from_slice::<PlainError>(black_box(error)).is_ok()
        }),
        "error-plain-body" => repeat(n, || {
            let body = black_box(error);
            let kept = String::from_utf8(body.to_vec()).ok();
            serde_json::from_slice::<PlainError>(body).is_ok() && black_box(kept).is_some()
        }),
        "page" => repeat(n, || {
            serde_json::from_slice::<ListUserCertificateOrderOutput>(black_box(page)).is_ok()
        }),
        "page-plain" => repeat(n, || {
            serde_json::from_slice::<PlainPage>(black_box(page)).is_ok()
        }),
        other => {
            eprintln!("unknown case `{other}`");
            return ExitCode::FAILURE;
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("a decode failed");
        ExitCode::FAILURE
    }
}
