// DeleteCertificateRequest without its required OrderId does not compile.
async fn delete(client: &alibabacloud_cas::Client) {
    let _ = client.delete_certificate_request().send().await;
}

fn main() {}
