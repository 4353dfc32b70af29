// CreateCertificateRequest needs Domain, Email, Phone, Username and ValidateType; Phone is missing.
async fn create(client: &alibabacloud_cas::Client) {
    let _ = client
        .create_certificate_request()
        .domain("www.example.com")
        .email("admin@example.com")
        .username("Admin")
        .validate_type("DNS")
        .send()
        .await;
}

fn main() {}
