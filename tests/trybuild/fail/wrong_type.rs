// OrderId is a 64-bit integer, not a string.
async fn delete(client: &alibabacloud_cas::Client) {
    let _ = client.delete_certificate_request().order_id("123").send().await;
}

fn main() {}
