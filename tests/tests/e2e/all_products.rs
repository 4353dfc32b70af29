//! The multi-product emulator (`alibabacloud-emulator`): every operation of every product,
//! through its typed client with its required parameters, answered in process and over a
//! socket; the same calls with a required parameter removed, answered with the service's
//! missing-parameter code; and STS credentials handed out by the emulator's `AssumeRole`,
//! accepted by other products and refused once wrong or expired.

use std::path::{Path, PathBuf};

use alibabacloud_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig, InProcessEmulator,
    OrderState, stateful_operations,
};
use alibabacloud_every_operation::PRODUCTS;
use alibabacloud_every_operation::harness::{Case, Product, Target};
use alibabacloud_runtime::{Credentials, SignatureVersion};

use crate::support::products::{DropBodyKey, DropParameter, fields_arrive, in_process, socket};

/// The order id the `cas` specs' examples name; the tests put it into the emulator's state.
const EXAMPLE_ORDER_ID: i64 = 123_451_222;

/// Stateful operations whose input, with only the required parameters of the spec's examples,
/// the emulator's state refuses, and the code it answers: the tag examples name resources of
/// type `example` (the emulator keeps tags on orders, type `ORDER`, only), and an order for a
/// package needs a `Domain` or a `Csr` (neither is required alone).
const REFUSED_EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "cas",
        "CreateCertificateForPackageRequest",
        "MissingParameter",
    ),
    ("cas", "ListTagResources", "InvalidParameter"),
    ("cas", "TagResources", "InvalidParameter"),
];

fn is_stateful(product: &str, action: &str) -> bool {
    stateful_operations()
        .iter()
        .any(|(p, a)| *p == product && *a == action)
}

/// Puts the order the examples name in the state the operation needs.
fn prepare(emu: &InProcessEmulator, product: &str, action: &str) {
    if product != "cas" {
        return;
    }
    let state = match action {
        "DeleteCertificateRequest" => OrderState::Payed,
        _ => OrderState::DomainVerify,
    };
    emu.handle()
        .put_order(EXAMPLE_ORDER_ID, "example.com", state);
}

/// Calls one case and checks it: success with every answered field decoded (stateful
/// operations: success, or the documented refusal).
async fn call_case(product: &Product, case: &Case, target: Target) -> Result<(), String> {
    let call = (product.call)(case.action, target)
        .ok_or_else(|| format!("{}: {}: no call", product.code, case.action))?;
    let result = call.await;
    let refused = REFUSED_EXAMPLES
        .iter()
        .find(|(p, a, _)| *p == product.code && *a == case.action);
    match (result, refused) {
        (Err(e), Some((_, _, code))) if e.contains(code) => Ok(()),
        (other, Some((_, _, code))) => Err(format!(
            "{}: {}: expected the refusal {code}, got {other:?}",
            product.code, case.action
        )),
        (Ok(_), None) if is_stateful(product.code, case.action) => Ok(()),
        (Ok(outcome), None) => {
            fields_arrive(case, &outcome).map_err(|e| format!("{}: {e}", product.code))
        }
        (Err(e), None) => Err(format!("{}: {}: {e}", product.code, case.action)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_every_product_succeeds_in_process() {
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    let mut failures = Vec::new();
    let mut calls = 0usize;
    let mut called = Vec::new();
    for product in PRODUCTS {
        for signature in [SignatureVersion::V3, SignatureVersion::V1] {
            for case in product.cases {
                // ROA operations are signed with V3 only (V1 fails before sending).
                if case.path != "/" && signature == SignatureVersion::V1 {
                    continue;
                }
                prepare(&emu, product.code, case.action);
                calls += 1;
                called.push((product.code.to_string(), case.action.to_string()));
                let target = in_process(&emu, product.code, signature);
                if let Err(e) = call_case(product, case, target).await {
                    failures.push(format!("{e} ({signature:?})"));
                }
            }
        }
    }
    let cases: usize = PRODUCTS.iter().map(|p| p.cases.len()).sum();
    assert!(cases > 800, "{cases} operations");
    assert!(calls > cases, "{calls} calls");
    assert!(
        failures.is_empty(),
        "{} of {calls} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Each call ran an operation: the audit log saw every one, in order, under its own
    // product (some actions, such as `DescribeRegions`, exist in several).
    let audited: Vec<(String, String)> = emu
        .handle()
        .audit_log()
        .into_iter()
        .map(|e| (e.product, e.action))
        .collect();
    assert_eq!(audited.len(), calls);
    assert!(
        audited == called,
        "the audit log differs from the calls made"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_serves_every_product_over_a_socket() {
    let emu = Emulator::start(
        EmulatorConfig::default(),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("the emulator starts");
    let endpoint = emu.endpoint();
    let mut failures = Vec::new();
    let mut calls = 0;
    for product in PRODUCTS {
        // The first generic operation of each product, with both schemes where RPC.
        let Some(case) = product
            .cases
            .iter()
            .find(|c| !is_stateful(product.code, c.action) && !c.anonymous)
        else {
            continue;
        };
        for signature in [SignatureVersion::V3, SignatureVersion::V1] {
            if case.path != "/" && signature == SignatureVersion::V1 {
                continue;
            }
            calls += 1;
            if let Err(e) = call_case(product, case, socket(&endpoint, signature)).await {
                failures.push(format!("{e} ({signature:?})"));
            }
        }
    }
    assert_eq!(emu.products().len(), PRODUCTS.len());
    emu.shutdown().await;
    assert!(calls >= PRODUCTS.len(), "{calls}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The code and status the spec says a missing `name` gets: the operation's own
/// `Missing<Name>`-style code when its error table lists one, else `MissingParameter` (400).
fn expected_missing(op: &xtask::ir::Operation, name: &str) -> (String, u16) {
    let candidates = [
        format!("Missing{name}"),
        format!("MissingParameter.{name}"),
        format!("MissingParam.{name}"),
        format!("MissingParamter.{name}"),
    ];
    for candidate in candidates {
        if let Some(e) = op.errors.iter().find(|e| e.code == candidate) {
            let status = e
                .http_statuses
                .iter()
                .copied()
                .find(|s| (400..500).contains(s))
                .unwrap_or(400);
            return (candidate, status);
        }
    }
    ("MissingParameter".to_string(), 400)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_required_parameter_gets_the_services_code() {
    let root = workspace_root();
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    let mut failures = Vec::new();
    let mut checked = 0usize;
    let mut specific = 0usize;
    for product in PRODUCTS {
        let spec = xtask::codegen::load_product(&root, &root.join("api-specs").join(product.code))
            .unwrap_or_else(|e| panic!("{} does not load: {e:?}", product.code));
        for case in product.cases {
            // RPC operations: their parameters travel in the query, which the interceptor edits.
            if case.path != "/" {
                continue;
            }
            let Some(op) = spec.operations.iter().find(|o| o.name == case.action) else {
                failures.push(format!(
                    "{}: {}: not in the spec",
                    product.code, case.action
                ));
                continue;
            };
            let Some(required) = op.input.iter().find(|f| f.required) else {
                continue;
            };
            prepare(&emu, product.code, case.action);
            let drop = DropParameter::new(&required.wire);
            let mut target = in_process(&emu, product.code, SignatureVersion::V3);
            target.interceptors.push(drop.shared());
            let Some(call) = (product.call)(case.action, target) else {
                failures.push(format!("{}: {}: no call", product.code, case.action));
                continue;
            };
            checked += 1;
            let result = call.await;
            let (code, status) = expected_missing(op, &required.wire);
            if code != "MissingParameter" {
                specific += 1;
            }
            let answered = drop.answered_code();
            if result.is_ok() || answered != Some((status, code.clone())) {
                failures.push(format!(
                    "{}: {} without {}: expected {status} {code}, got {answered:?}",
                    product.code, case.action, required.wire
                ));
            }
        }
    }
    assert!(checked > 500, "{checked} operations checked");
    assert!(
        specific > 0,
        "no operation has its own missing-parameter code"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_roa_body_without_a_required_key_gets_the_missing_parameter_code() {
    let root = workspace_root();
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    let cs = PRODUCTS.iter().find(|p| p.code == "cs").expect("cs");
    let spec = xtask::codegen::load_product(&root, &root.join("api-specs/cs"))
        .unwrap_or_else(|e| panic!("cs does not load: {e:?}"));
    let mut checked = 0;
    let mut failures = Vec::new();
    for op in &spec.operations {
        let Some(key) = op
            .input
            .iter()
            .find(|f| f.required && f.location == xtask::spec::Location::Body)
        else {
            continue;
        };
        let drop = DropBodyKey::new(&key.wire);
        let mut target = in_process(&emu, "cs", SignatureVersion::V3);
        target.interceptors.push(drop.shared());
        let result = (cs.call)(&op.name, target).expect("a call").await;
        checked += 1;
        // `cs` publishes no error table: the platform's code, in the ROA envelope.
        let answered = drop.answered_code();
        if result.is_ok() || answered != Some((400, "MissingParameter".to_string())) {
            failures.push(format!("{} without {}: {answered:?}", op.name, key.wire));
        }
    }
    assert!(checked >= 10, "{checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Product, action, the parameter replaced, what is sent instead, the expected status and code
/// (200: taken).
type BadValue = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    u16,
    &'static str,
);

#[tokio::test]
async fn wrong_types_values_outside_their_set_and_malformed_lists_are_refused() {
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    let cases: &[BadValue] = &[
        // An integer that is not one.
        (
            "ecs",
            "DescribeDisks",
            "PageSize",
            &[("PageSize", "many")],
            400,
            "InvalidParameter",
        ),
        // A boolean that is not one.
        (
            "ecs",
            "DescribeDisks",
            "Portable",
            &[("Portable", "yes")],
            400,
            "InvalidParameter",
        ),
        // A value outside the set.
        (
            "cas",
            "CreateWHClientCertificate",
            "Algorithm",
            &[("Algorithm", "DSA_1024")],
            400,
            "InvalidParameter",
        ),
        // A list index that is not a whole number from 1, and a list sent as one value.
        (
            "ecs",
            "DescribeDisks",
            "Tag",
            &[("Tag.0.Key", "k")],
            400,
            "InvalidParameter",
        ),
        (
            "ecs",
            "DescribeDisks",
            "AdditionalAttributes",
            &[("AdditionalAttributes", "x")],
            400,
            "InvalidParameter",
        ),
        // The same values, well-formed, are taken.
        (
            "ecs",
            "DescribeDisks",
            "PageSize",
            &[
                ("PageSize", "10"),
                ("Portable", "true"),
                ("Tag.1.Key", "k"),
                ("AdditionalAttributes.1", "x"),
            ],
            200,
            "",
        ),
        (
            "cas",
            "CreateWHClientCertificate",
            "Algorithm",
            &[("Algorithm", "ECC_256")],
            200,
            "",
        ),
    ];
    for (code, action, name, sent, status, expected) in cases {
        let product = PRODUCTS
            .iter()
            .find(|p| p.code == *code)
            .expect("the product");
        let edit = DropParameter::replacing(name, sent);
        let mut target = in_process(&emu, code, SignatureVersion::V3);
        target.interceptors.push(edit.shared());
        let result = (product.call)(action, target).expect("a call").await;
        if *status == 200 {
            assert!(result.is_ok(), "{action} with {sent:?}: {result:?}");
            continue;
        }
        assert!(result.is_err(), "{action} with {sent:?} was taken");
        assert_eq!(
            edit.answered_code(),
            Some((*status, expected.to_string())),
            "{action} with {sent:?}"
        );
    }
}

/// AssumeRole through the typed STS client; the credentials as the runtime takes them.
async fn assume_role(emu: &InProcessEmulator, duration: Option<i64>) -> Credentials {
    let config = alibabacloud_sts::Client::config()
        .endpoint(emu.endpoint_for("sts"))
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .transport(emu.clone())
        .build()
        .expect("config");
    let client = alibabacloud_sts::Client::new(config).expect("client");
    let mut request = client
        .assume_role()
        .role_arn("acs:ram::1234567890123456:role/deployer")
        .role_session_name("ci-run");
    if let Some(seconds) = duration {
        request = request.duration_seconds(seconds);
    }
    let output = request.send().await.expect("AssumeRole succeeds");
    let c = output.credentials.expect("credentials");
    let id = c.access_key_id.expect("an access key id");
    assert!(id.starts_with("STS."), "{id}");
    assert!(c.expiration.is_some());
    Credentials::with_security_token(
        id,
        c.access_key_secret.expect("a secret"),
        c.security_token.expect("a security token"),
    )
}

/// A `cas` client (another product) with `credentials`, through `emu`.
fn cas_client(
    emu: &InProcessEmulator,
    credentials: Credentials,
    signature: SignatureVersion,
) -> alibabacloud_cas::Client {
    let config = alibabacloud_cas::Client::config()
        .endpoint(emu.endpoint_for("cas"))
        .credentials(credentials)
        .signature_version(signature)
        .retry(alibabacloud_runtime::RetryConfig::disabled())
        .transport(emu.clone())
        .build()
        .expect("config");
    alibabacloud_cas::Client::new(config).expect("client")
}

#[tokio::test]
async fn assumed_role_credentials_are_accepted_and_their_token_checked() {
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    let assumed = assume_role(&emu, Some(900)).await;
    for signature in [SignatureVersion::V3, SignatureVersion::V1] {
        // Another product accepts them.
        let cas = cas_client(&emu, assumed.clone(), signature);
        cas.list_user_certificate_order()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{signature:?}: {e}"));
        // STS knows whose they are.
        let sts_config = alibabacloud_sts::Client::config()
            .endpoint(emu.endpoint_for("sts"))
            .credentials(assumed.clone())
            .signature_version(signature)
            .transport(emu.clone())
            .build()
            .expect("config");
        let sts = alibabacloud_sts::Client::new(sts_config).expect("client");
        let me = sts.get_caller_identity().send().await.expect("identity");
        assert_eq!(me.identity_type.as_deref(), Some("AssumedRoleUser"));
        assert_eq!(
            me.arn.as_deref(),
            Some("acs:ram::1234567890123456:assumed-role/deployer/ci-run")
        );
    }
    // Through every product's typed client: ECS, over the harness.
    let ecs = PRODUCTS.iter().find(|p| p.code == "ecs").expect("ecs");
    let mut target = in_process(&emu, "ecs", SignatureVersion::V3);
    target.credentials = assumed.clone();
    let call = (ecs.call)("DescribeRegions", target).expect("a call");
    call.await.expect("ECS accepts the assumed role");

    // The right key with another session's token.
    let other = assume_role(&emu, None).await;
    let (Some(token), Some(_)) = (other.security_token(), assumed.security_token()) else {
        panic!("both have tokens");
    };
    let mismatched = Credentials::with_security_token(
        assumed.access_key_id(),
        assumed.access_key_secret().expose(),
        token.expose(),
    );
    let err = cas_client(&emu, mismatched, SignatureVersion::V3)
        .list_user_certificate_order()
        .send()
        .await
        .expect_err("a token of another session");
    assert_eq!(
        err.code(),
        Some("InvalidSecurityToken.MismatchWithAccessKey")
    );
    // No token at all.
    let bare = Credentials::new(
        assumed.access_key_id(),
        assumed.access_key_secret().expose(),
    );
    let err = cas_client(&emu, bare, SignatureVersion::V1)
        .list_user_certificate_order()
        .send()
        .await
        .expect_err("no token");
    assert_eq!(err.code(), Some("InvalidSecurityToken.Malformed"));
    assert_eq!(err.http_status(), Some(400));

    // Once their time has passed they are refused.
    emu.handle().expire_sts_sessions();
    for signature in [SignatureVersion::V3, SignatureVersion::V1] {
        let err = cas_client(&emu, assumed.clone(), signature)
            .list_user_certificate_order()
            .send()
            .await
            .expect_err("expired");
        assert_eq!(
            err.code(),
            Some("InvalidSecurityToken.Expired"),
            "{signature:?}"
        );
        assert_eq!(err.http_status(), Some(400));
    }
}
