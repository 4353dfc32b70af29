//! Rule order, limits, typed errors and the record, through a generated client.

use alibabacloud_cas::Client;
use alibabacloud_cas::operation::delete_certificate_request::{
    DeleteCertificateRequestError, DeleteCertificateRequestInput, DeleteCertificateRequestOutput,
};
use alibabacloud_cas::operation::describe_certificate_state::DescribeCertificateStateInput;
use alibabacloud_mock::Mock;

fn client(mock: &Mock) -> Client {
    Client::new(mock.config().build().expect("config")).expect("client")
}

fn deleted(request_id: &str) -> DeleteCertificateRequestOutput {
    let mut output = DeleteCertificateRequestOutput::default();
    output.request_id = Some(request_id.to_string());
    output
}

#[tokio::test]
async fn a_limited_rule_hands_over_to_the_next_one() {
    let mock = Mock::new();
    mock.on::<DeleteCertificateRequestInput>()
        .times(1)
        .returns(|_| deleted("first"));
    mock.on::<DeleteCertificateRequestInput>()
        .returns(|_| deleted("later"));
    let client = client(&mock);
    let ids: Vec<_> = [
        client.delete_certificate_request().order_id(1).send().await,
        client.delete_certificate_request().order_id(2).send().await,
        client.delete_certificate_request().order_id(3).send().await,
    ]
    .into_iter()
    .map(|r| r.expect("answered").request_id)
    .collect();
    assert_eq!(
        ids,
        [
            Some("first".into()),
            Some("later".into()),
            Some("later".into())
        ]
    );
    let orders: Vec<i64> = mock
        .requests::<DeleteCertificateRequestInput>()
        .iter()
        .map(|input| input.order_id)
        .collect();
    assert_eq!(orders, [1, 2, 3]);
}

#[tokio::test]
async fn a_code_of_the_table_becomes_its_typed_variant() {
    let mock = Mock::new();
    mock.on::<DeleteCertificateRequestInput>()
        .matching(|input| input.order_id == 7)
        .fails_with(404, "NotFoundOrder", "no such order");
    let err = client(&mock)
        .delete_certificate_request()
        .order_id(7)
        .send()
        .await
        .expect_err("the rule fails the call");
    assert!(matches!(
        err.service_error(),
        Some(DeleteCertificateRequestError::NotFoundOrder(_))
    ));
    assert_eq!(err.code(), Some("NotFoundOrder"));
}

#[tokio::test]
async fn an_operation_without_rules_fails_and_is_recorded() {
    let mock = Mock::new();
    mock.on::<DeleteCertificateRequestInput>()
        .returns(|_| deleted("x"));
    let err = client(&mock)
        .describe_certificate_state()
        .order_id(1)
        .send()
        .await
        .expect_err("no rule");
    assert!(
        err.to_string().contains("DescribeCertificateState"),
        "{err}"
    );
    assert_eq!(mock.actions(), ["DescribeCertificateState"]);
    // No rule of that operation could keep a typed copy.
    assert!(mock.requests::<DescribeCertificateStateInput>().is_empty());
    assert_eq!(mock.call_count(), 1);
}
