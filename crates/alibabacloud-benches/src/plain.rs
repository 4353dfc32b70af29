//! The decoding floors: plain `#[derive(Deserialize)]` structures with the same fields as the
//! generated outputs the `decoding` bench and the `decode_instructions` example decode
//! (`Option<String>` for the generated enums, `Option<i64>`/`Option<bool>` for the lenient
//! scalars).

use serde::Deserialize;

/// The `DeleteCertificateRequest` success body's one field.
#[derive(Deserialize)]
pub struct PlainDelete {
    #[serde(rename = "RequestId")]
    pub request_id: Option<String>,
}

/// The error envelope's fields.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlainError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
}

/// A `ListUserCertificateOrder` page.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlainPage {
    pub certificate_order_list: Option<Vec<PlainItem>>,
    pub current_page: Option<i64>,
    pub request_id: Option<String>,
    pub show_size: Option<i64>,
    pub total_count: Option<i64>,
}

/// One item of a [`PlainPage`].
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlainItem {
    pub algorithm: Option<String>,
    pub aliyun_order_id: Option<i64>,
    pub buy_date: Option<i64>,
    pub cert_end_time: Option<i64>,
    pub cert_start_time: Option<i64>,
    pub cert_type: Option<String>,
    pub certificate_id: Option<i64>,
    pub city: Option<String>,
    pub common_name: Option<String>,
    pub country: Option<String>,
    pub domain: Option<String>,
    pub domain_count: Option<i64>,
    pub domain_type: Option<String>,
    pub end_date: Option<String>,
    pub expired: Option<bool>,
    pub fingerprint: Option<String>,
    pub instance_id: Option<String>,
    pub issuer: Option<String>,
    pub name: Option<String>,
    pub order_id: Option<i64>,
    pub org_name: Option<String>,
    pub partner_order_id: Option<String>,
    pub product_code: Option<String>,
    pub product_name: Option<String>,
    pub province: Option<String>,
    pub resource_group_id: Option<String>,
    pub root_brand: Option<String>,
    pub sans: Option<String>,
    pub serial_no: Option<String>,
    pub sha2: Option<String>,
    pub source_type: Option<String>,
    pub start_date: Option<String>,
    pub status: Option<String>,
    pub trustee_status: Option<String>,
    pub upload: Option<bool>,
    pub wild_domain_count: Option<i64>,
}
