// `build` needs every required parameter too, and names the missing one:
// CreateCertificateRequest without ValidateType does not build.
fn input(client: &alibabacloud_cas::Client) {
    let _ = client
        .create_certificate_request()
        .domain("www.example.com")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .build();
}

fn main() {}
