// The intended usage: required parameters by name, optional ones by name, in any order.
use alibabacloud_cas::operation::create_certificate_request::CreateCertificateRequestTag;
use alibabacloud_cas::operation::list_user_certificate_order::ListUserCertificateOrderStatus;
use alibabacloud_cas::{CallOptions, Client, RetryConfig};

#[allow(dead_code)]
async fn lifecycle(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let created = client
        .create_certificate_request()
        .product_code("digicert-free-1-free")
        .domain("www.example.com")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .validate_type("DNS")
        .tags(vec![CreateCertificateRequestTag { key: Some("env".into()), value: Some("test".into()) }])
        .send()
        .await?;
    let order_id = created.order_id.unwrap_or_default();
    client
        .delete_certificate_request()
        .order_id(order_id)
        .call_options(CallOptions::new().retry(RetryConfig::disabled()))
        .send()
        .await?;
    let _orders = client
        .list_user_certificate_order()
        .status(ListUserCertificateOrderStatus::Issued)
        .show_size(50)
        .send()
        .await?;
    let _input = client.delete_certificate_request().order_id(1).build();
    Ok(())
}

fn main() {}
