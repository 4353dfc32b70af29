//! The stateful operations of SSL Certificates Service (`cas`, 2020-04-07): the DV certificate
//! order lifecycle and tags on orders. They override the generic handlers for these actions.

mod tags;

use std::collections::BTreeMap;
use std::time::SystemTime;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::ApiError;
use crate::state::{Order, OrderState, PageCursor, ValidateType, epoch_millis};

/// The product code a create uses when none is given.
const DEFAULT_PRODUCT_CODE: &str = "digicert-free-1-free";

/// The resource type of certificate application orders in the tag operations.
pub(crate) const ORDER_RESOURCE_TYPE: &str = "ORDER";
/// The page size of `ListTagResources` when `MaxResults` is not given.
const DEFAULT_MAX_RESULTS: i64 = 20;
/// The largest `MaxResults`.
const MAX_MAX_RESULTS: i64 = 100;

/// The operations the emulator implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    CreateCertificateRequest,
    CreateCertificateWithCsrRequest,
    CreateCertificateForPackageRequest,
    DescribeCertificateState,
    CancelOrderRequest,
    DeleteCertificateRequest,
    ListUserCertificateOrder,
    TagResources,
    ListTagResources,
}

impl Operation {
    fn from_action(action: &str) -> Option<Self> {
        Some(match action {
            "CreateCertificateRequest" => Self::CreateCertificateRequest,
            "CreateCertificateWithCsrRequest" => Self::CreateCertificateWithCsrRequest,
            "CreateCertificateForPackageRequest" => Self::CreateCertificateForPackageRequest,
            "DescribeCertificateState" => Self::DescribeCertificateState,
            "CancelOrderRequest" => Self::CancelOrderRequest,
            "DeleteCertificateRequest" => Self::DeleteCertificateRequest,
            "ListUserCertificateOrder" => Self::ListUserCertificateOrder,
            "TagResources" => Self::TagResources,
            "ListTagResources" => Self::ListTagResources,
            _ => return None,
        })
    }
}

/// What a CAS operation answers: its fields, or the error.
pub(crate) type Outcome = Result<Map<String, Value>, ApiError>;

/// Whether `action` is one of the stateful CAS operations.
#[cfg(test)]
pub(crate) fn handles(action: &str) -> bool {
    Operation::from_action(action).is_some()
}

/// Runs `action` when it is one of the stateful CAS operations: its answer and the order it
/// concerned. `None` leaves the action to the generic handler.
pub(crate) fn run(ctx: &Context, action: &str, caller: &Caller) -> Option<(Outcome, Option<i64>)> {
    let op = Operation::from_action(action)?;
    let params = Params(&caller.params);
    let mut order_id = None;
    let result = match op {
        Operation::CreateCertificateRequest
        | Operation::CreateCertificateWithCsrRequest
        | Operation::CreateCertificateForPackageRequest => create(ctx, op, &params, &mut order_id),
        Operation::DescribeCertificateState => describe(ctx, &params, &mut order_id),
        Operation::CancelOrderRequest => cancel(ctx, &params, &mut order_id),
        Operation::DeleteCertificateRequest => delete(ctx, &params, &mut order_id),
        Operation::ListUserCertificateOrder => list(ctx, &params),
        Operation::TagResources => tag_resources(ctx, &params, &mut order_id),
        Operation::ListTagResources => list_tag_resources(ctx, &params),
    };
    Some((result, order_id))
}

/// Typed access to the request parameters.
struct Params<'a>(&'a [(String, String)]);

impl Params<'_> {
    /// The first non-empty value of `name`.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| ApiError::missing(name))
    }

    fn long(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::invalid(name, "It must be a 64-bit integer."))
            })
            .transpose()
    }

    fn required_long(&self, name: &str) -> Result<i64, ApiError> {
        self.long(name)?.ok_or_else(|| ApiError::missing(name))
    }

    /// The values of a `Name.N` list, ordered by `N`, empty values left out.
    fn list(&self, name: &str) -> Result<Vec<(u32, &str)>, ApiError> {
        let prefix = format!("{name}.");
        let mut out = Vec::new();
        for (key, value) in self.0 {
            let Some(index) = key.strip_prefix(&prefix) else {
                continue;
            };
            let n = parse_index(index).ok_or_else(|| {
                ApiError::invalid(key, "The list index must be a positive integer.")
            })?;
            if !value.is_empty() {
                out.push((n, value.as_str()));
            }
        }
        out.sort_by_key(|(n, _)| *n);
        Ok(out)
    }

    /// The `Tag.N.Key` / `Tag.N.Value` pairs, ordered by `N`; a value may be absent.
    fn tags(&self) -> Result<Vec<(String, Option<String>)>, ApiError> {
        let mut by_index: BTreeMap<u32, (Option<String>, Option<String>)> = BTreeMap::new();
        for (key, value) in self.0 {
            let Some(rest) = key.strip_prefix("Tag.") else {
                continue;
            };
            let (index, field) = rest.split_once('.').ok_or_else(|| {
                ApiError::invalid(key, "Tags are sent as Tag.N.Key and Tag.N.Value.")
            })?;
            let n = parse_index(index).ok_or_else(|| {
                ApiError::invalid(key, "The list index must be a positive integer.")
            })?;
            let entry = by_index.entry(n).or_default();
            match field {
                "Key" => entry.0 = Some(value.clone()),
                "Value" => entry.1 = Some(value.clone()),
                _ => {
                    return Err(ApiError::invalid(
                        key,
                        "Tags are sent as Tag.N.Key and Tag.N.Value.",
                    ));
                }
            }
        }
        let mut out = Vec::new();
        for (n, (key, value)) in by_index {
            let key = key
                .filter(|k| !k.is_empty())
                .ok_or_else(|| ApiError::missing(&format!("Tag.{n}.Key")))?;
            out.push((key, value));
        }
        Ok(out)
    }

    /// A value from a documented set.
    fn one_of(
        &self,
        name: &str,
        values: &[&'static str],
    ) -> Result<Option<&'static str>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => values
                .iter()
                .find(|x| **x == v)
                .map(|x| Some(*x))
                .ok_or_else(|| {
                    ApiError::invalid(name, &format!("It must be one of {}.", values.join(", ")))
                }),
        }
    }
}

/// `N` of `Name.N`: 1 or more, no sign or leading zero.
fn parse_index(text: &str) -> Option<u32> {
    if text.starts_with(['0', '+', '-']) {
        return None;
    }
    text.parse::<u32>().ok().filter(|n| *n >= 1)
}

fn validate_type(params: &Params<'_>, required: bool) -> Result<ValidateType, ApiError> {
    let value = params.one_of("ValidateType", &["DNS", "FILE"])?;
    match value {
        Some("FILE") => Ok(ValidateType::File),
        Some(_) => Ok(ValidateType::Dns),
        None if required => Err(ApiError::missing("ValidateType")),
        None => Ok(ValidateType::Dns),
    }
}

fn create(
    ctx: &Context,
    op: Operation,
    params: &Params<'_>,
    order_id: &mut Option<i64>,
) -> Result<Map<String, Value>, ApiError> {
    // Required parameters in the catalog's order.
    let (domain, validate_type) = match op {
        Operation::CreateCertificateRequest => {
            let domain = params.required("Domain")?;
            params.required("Email")?;
            params.required("Phone")?;
            params.required("Username")?;
            (domain.to_string(), validate_type(params, true)?)
        }
        Operation::CreateCertificateWithCsrRequest => {
            let csr = params.required("Csr")?;
            params.required("Email")?;
            params.required("Phone")?;
            params.required("Username")?;
            (domain_of_csr(csr), validate_type(params, true)?)
        }
        _ => {
            // Nothing is required by the catalog, but the domain has to come from somewhere:
            // the Domain parameter or the CSR's common name.
            let domain = match (params.get("Domain"), params.get("Csr")) {
                (Some(domain), _) => domain.to_string(),
                (None, Some(csr)) => domain_of_csr(csr),
                (None, None) => return Err(ApiError::missing("Domain")),
            };
            (domain, validate_type(params, false)?)
        }
    };
    let product_code = params
        .get("ProductCode")
        .unwrap_or(DEFAULT_PRODUCT_CODE)
        .to_string();

    let mut st = ctx.lock();
    match st.quota {
        None => return Err(ApiError::no_package()),
        Some(0) => return Err(ApiError::no_remaining_count()),
        Some(n) => st.quota = Some(n - 1),
    }
    let id = st.next_order_id;
    st.next_order_id += 1;
    st.orders.insert(
        id,
        Order {
            id,
            domain,
            validate_type,
            product_code,
            state: OrderState::DomainVerify,
            polls: 0,
            created: SystemTime::now(),
            token: format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
            issued: None,
        },
    );
    *order_id = Some(id);
    Ok(object(json!({ "OrderId": id })))
}

fn describe(
    ctx: &Context,
    params: &Params<'_>,
    order_id: &mut Option<i64>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.required_long("OrderId")?;
    *order_id = Some(id);
    let mut st = ctx.lock();
    if !st.orders.contains_key(&id) {
        return Err(ApiError::order_not_found());
    }
    st.review_on_poll(id);
    let Some(order) = st.orders.get_mut(&id) else {
        return Err(ApiError::order_not_found());
    };
    order.polls = order.polls.saturating_add(1);
    let mut out = Map::new();
    out.insert("Type".into(), order.state.as_wire().into());
    out.insert("Domain".into(), order.domain.clone().into());
    out.insert("ValidateType".into(), order.validate_type.as_wire().into());
    match order.state {
        OrderState::DomainVerify => match order.validate_type {
            ValidateType::Dns => {
                let base = order.domain.strip_prefix("*.").unwrap_or(&order.domain);
                out.insert("RecordDomain".into(), format!("_dnsauth.{base}").into());
                out.insert("RecordType".into(), "TXT".into());
                out.insert("RecordValue".into(), order.token.clone().into());
            }
            ValidateType::File => {
                out.insert(
                    "Uri".into(),
                    "/.well-known/pki-validation/fileauth.txt".into(),
                );
                out.insert("Content".into(), order.token.clone().into());
            }
        },
        OrderState::Certificate => {
            if let Some(issued) = &order.issued {
                out.insert("CertId".into(), issued.cert_id.to_string().into());
                out.insert(
                    "Certificate".into(),
                    fake_pem(
                        "CERTIFICATE",
                        &format!("certificate {} {}", issued.cert_id, order.domain),
                    )
                    .into(),
                );
                out.insert(
                    "PrivateKey".into(),
                    fake_pem(
                        "RSA PRIVATE KEY",
                        &format!("private key {}", issued.cert_id),
                    )
                    .into(),
                );
            }
        }
        OrderState::Process | OrderState::VerifyFail | OrderState::Payed => {}
    }
    Ok(out)
}

fn cancel(
    ctx: &Context,
    params: &Params<'_>,
    order_id: &mut Option<i64>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.required_long("OrderId")?;
    *order_id = Some(id);
    let mut st = ctx.lock();
    let order = st
        .orders
        .get_mut(&id)
        .ok_or_else(ApiError::order_not_found)?;
    match order.state {
        OrderState::DomainVerify | OrderState::Process => {
            order.state = OrderState::Payed;
            Ok(Map::new())
        }
        other => Err(ApiError::order_state(other.as_wire())),
    }
}

fn delete(
    ctx: &Context,
    params: &Params<'_>,
    order_id: &mut Option<i64>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.required_long("OrderId")?;
    *order_id = Some(id);
    let mut st = ctx.lock();
    let state = st
        .orders
        .get(&id)
        .map(|o| o.state)
        .ok_or_else(ApiError::order_not_found)?;
    match state {
        OrderState::VerifyFail | OrderState::Payed => {
            st.orders.remove(&id);
            st.tags.remove(&id);
            Ok(Map::new())
        }
        other => Err(ApiError::order_state(other.as_wire())),
    }
}

fn list(ctx: &Context, params: &Params<'_>) -> Result<Map<String, Value>, ApiError> {
    let current_page = params.long("CurrentPage")?.unwrap_or(1);
    if current_page < 1 {
        return Err(ApiError::invalid("CurrentPage", "It must be at least 1."));
    }
    let show_size = params.long("ShowSize")?.unwrap_or(50);
    if show_size < 1 {
        return Err(ApiError::invalid("ShowSize", "It must be at least 1."));
    }
    let status = params.one_of(
        "Status",
        &[
            "PAYED",
            "CHECKING",
            "CHECKED_FAIL",
            "ISSUED",
            "WILLEXPIRED",
            "EXPIRED",
            "NOTACTIVATED",
            "REVOKED",
        ],
    )?;
    let order_type = params
        .one_of("OrderType", &["CPACK", "BUY", "UPLOAD", "CERT"])?
        .unwrap_or("CPACK");
    let keyword = params.get("Keyword");

    let st = ctx.lock();
    let matching: Vec<&Order> = st
        .orders
        .values()
        .filter(|o| match order_type {
            // Every emulated order is an application against a resource plan.
            "CPACK" => true,
            // Certificates: the orders that were issued.
            "CERT" => o.state == OrderState::Certificate,
            _ => false,
        })
        .filter(|o| status.is_none_or(|s| o.state.list_status() == s))
        .filter(|o| keyword.is_none_or(|k| o.domain.contains(k)))
        .collect();
    let total = matching.len();
    let skip = usize::try_from((current_page - 1).saturating_mul(show_size)).unwrap_or(usize::MAX);
    let take = usize::try_from(show_size).unwrap_or(usize::MAX);
    let items: Vec<Value> = matching
        .into_iter()
        .skip(skip)
        .take(take)
        .map(|o| Value::Object(list_item(o)))
        .collect();
    Ok(object(json!({
        "CertificateOrderList": items,
        "CurrentPage": current_page,
        "ShowSize": show_size,
        "TotalCount": total,
    })))
}

/// `ResourceType` of the tag operations: only orders can be tagged.
fn resource_type(params: &Params<'_>) -> Result<(), ApiError> {
    let value = params.required("ResourceType")?;
    if value.eq_ignore_ascii_case(ORDER_RESOURCE_TYPE) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "ResourceType",
            &format!("It must be {ORDER_RESOURCE_TYPE}."),
        ))
    }
}

/// `ResourceId.N` as order ids.
fn resource_ids(params: &Params<'_>) -> Result<Vec<i64>, ApiError> {
    let ids = params.list("ResourceId")?;
    tags::check_resource_count(ids.len())?;
    ids.into_iter()
        .map(|(n, v)| {
            v.parse::<i64>().map_err(|_| {
                ApiError::invalid(&format!("ResourceId.{n}"), "It must be an order id.")
            })
        })
        .collect()
}

fn tag_resources(
    ctx: &Context,
    params: &Params<'_>,
    order_id: &mut Option<i64>,
) -> Result<Map<String, Value>, ApiError> {
    params.required("RegionId")?;
    let ids = resource_ids(params)?;
    if ids.is_empty() {
        return Err(ApiError::missing("ResourceId.1"));
    }
    resource_type(params)?;
    let tags = params.tags()?;
    if tags.is_empty() {
        return Err(ApiError::missing("Tag.1.Key"));
    }
    tags::check_tags(&tags)?;
    if let [only] = ids.as_slice() {
        *order_id = Some(*only);
    }
    let mut st = ctx.lock();
    if ids.iter().any(|id| !st.orders.contains_key(id)) {
        return Err(ApiError::order_not_found());
    }
    for id in &ids {
        tags::check_quota(st.tags.get(id), &tags)?;
    }
    for id in ids {
        let bound = st.tags.entry(id).or_default();
        for (key, value) in &tags {
            bound.insert(key.clone(), value.clone().unwrap_or_default());
        }
    }
    Ok(Map::new())
}

fn list_tag_resources(ctx: &Context, params: &Params<'_>) -> Result<Map<String, Value>, ApiError> {
    let region = params.required("RegionId")?;
    resource_type(params)?;
    let mut ids = resource_ids(params)?;
    ids.sort_unstable();
    ids.dedup();
    let mut filters = params.tags()?;
    filters.sort();
    let max_results = params.long("MaxResults")?.unwrap_or(DEFAULT_MAX_RESULTS);
    if !(1..=MAX_MAX_RESULTS).contains(&max_results) {
        return Err(ApiError::invalid(
            "MaxResults",
            &format!("It must be from 1 to {MAX_MAX_RESULTS}."),
        ));
    }
    let page_size = usize::try_from(max_results).unwrap_or(1);
    // What identifies the query, so that a token is only accepted for the query it came from.
    let query = serde_json::to_string(&json!([region, ORDER_RESOURCE_TYPE, ids, filters]))
        .unwrap_or_default();

    let mut st = ctx.lock();
    let after = match params.get("NextToken") {
        None => None,
        Some(token) => {
            let cursor = st
                .page_tokens
                .get(token)
                .filter(|c| c.query == query)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "NextToken",
                        "The token was not issued for this query, or it expired.",
                    )
                })?;
            Some(cursor.after.clone())
        }
    };
    let start = after.as_ref().map_or(i64::MIN, |(id, _)| *id);
    let mut page: Vec<(i64, &String, &String)> = Vec::with_capacity(page_size + 1);
    'resources: for (id, bound) in st.tags.range(start..) {
        if !ids.is_empty() && ids.binary_search(id).is_err() {
            continue;
        }
        let carries_all = filters.iter().all(|(key, value)| {
            bound
                .get(key)
                .is_some_and(|v| value.as_ref().is_none_or(|want| want == v))
        });
        if !carries_all {
            continue;
        }
        for (key, value) in bound {
            if let Some((after_id, after_key)) = &after
                && (id, key) <= (after_id, after_key)
            {
                continue;
            }
            page.push((*id, key, value));
            if page.len() > page_size {
                break 'resources;
            }
        }
    }
    let more = page.len() > page_size;
    page.truncate(page_size);
    let items: Vec<Value> = page
        .iter()
        .map(|(id, key, value)| {
            json!({
                "ResourceId": id.to_string(),
                "ResourceType": ORDER_RESOURCE_TYPE,
                "TagKey": key,
                "TagValue": value,
            })
        })
        .collect();
    let last = page.last().map(|(id, key, _)| (*id, (*key).clone()));
    drop(page);
    let next_token = match (more, last) {
        (true, Some(after)) => st.page_tokens.issue(PageCursor { query, after }),
        _ => String::new(),
    };
    Ok(object(json!({
        "NextToken": next_token,
        "MaxResults": max_results,
        "TagResources": { "TagResource": items },
    })))
}

fn list_item(order: &Order) -> Map<String, Value> {
    let wildcard = order.domain.starts_with("*.");
    let mut item = object(json!({
        "OrderId": order.id,
        "InstanceId": format!("cas-ivauto-{}", order.id),
        "Domain": order.domain,
        "CommonName": order.domain,
        "Sans": order.domain,
        "Status": order.state.list_status(),
        "CertType": "DV",
        "ProductCode": order.product_code,
        "ProductName": "DigiCert DV SSL",
        "RootBrand": "DigiCert",
        "Algorithm": "RSA",
        "BuyDate": epoch_millis(order.created),
        "SourceType": "cpack",
        "DomainType": if wildcard { "WILDCARD" } else { "ONE" },
        "DomainCount": if wildcard { 0 } else { 1 },
        "WildDomainCount": if wildcard { 1 } else { 0 },
        "TrusteeStatus": "unTrustee",
        "Upload": false,
        "Expired": false,
    }));
    if let Some(issued) = &order.issued {
        item.insert("CertificateId".into(), issued.cert_id.into());
        item.insert("Name".into(), format!("cert-{}", issued.cert_id).into());
        item.insert("Issuer".into(), "DigiCert Inc".into());
        item.insert(
            "CertStartTime".into(),
            epoch_millis(issued.not_before).into(),
        );
        item.insert("CertEndTime".into(), epoch_millis(issued.not_after).into());
        item.insert("StartDate".into(), date_of(issued.not_before).into());
        item.insert("EndDate".into(), date_of(issued.not_after).into());
        item.insert("SerialNo".into(), format!("{:032x}", issued.cert_id).into());
    }
    item
}

/// `YYYY-MM-DD` in UTC.
fn date_of(t: SystemTime) -> String {
    let mut s = alibabacloud_runtime::time::format_timestamp(t);
    s.truncate(10);
    s
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A PEM block around `text`; not a real certificate or key, only shaped like one.
fn fake_pem(label: &str, text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("emulator {text}"));
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----"));
    out
}

/// The subject common name of a PEM (or bare base64 DER) CSR, or a placeholder when the CSR
/// cannot be read: the emulator accepts any non-empty CSR.
fn domain_of_csr(csr: &str) -> String {
    common_name(csr).unwrap_or_else(|| "csr.emulator.invalid".to_string())
}

fn common_name(csr: &str) -> Option<String> {
    let b64: String = csr
        .lines()
        .filter(|l| !l.trim_start().starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    // OID 2.5.4.3 (commonName), then a string: tag, short- or long-form length, bytes.
    const CN_OID: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x03];
    let at = der.windows(CN_OID.len()).position(|w| w == CN_OID)? + CN_OID.len();
    let tag = *der.get(at)?;
    if !matches!(tag, 0x0c | 0x13 | 0x14 | 0x16) {
        return None;
    }
    let (len, start) = match *der.get(at + 1)? {
        n if n < 0x80 => (n as usize, at + 2),
        0x81 => (*der.get(at + 2)? as usize, at + 3),
        _ => return None,
    };
    let bytes = der.get(start..start.checked_add(len)?)?;
    let cn = std::str::from_utf8(bytes).ok()?.trim().to_string();
    (!cn.is_empty()).then_some(cn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_common_name_of_a_csr() {
        // A real CSR for CN=*.example.org (P-256 key, generated with openssl).
        let csr = "-----BEGIN CERTIFICATE REQUEST-----
MIHSMHoCAQAwGDEWMBQGA1UEAwwNKi5leGFtcGxlLm9yZzBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABJkOpYPJ4j6TB7Pan+0pUW5wmMSxKuKia86WeSYH0U92xf20
7i3YAdEQV3H3bDxSxxvqoYMLLsphrFfDNyE4+06gADAKBggqhkjOPQQDAgNIADBF
AiAO6PfUsHMTSx1Sw48uwPJXCZZuM4lvW06eZKBc/4CpSgIhAK1jTY1+ExNGHvBH
m7Ak4KHP2xEfQHt5pw8ysI++1BQz
-----END CERTIFICATE REQUEST-----";
        assert_eq!(domain_of_csr(csr), "*.example.org");
        assert_eq!(domain_of_csr("not a csr"), "csr.emulator.invalid");
    }

    #[test]
    fn fake_pem_shape() {
        let pem = fake_pem("CERTIFICATE", "x");
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.ends_with("\n-----END CERTIFICATE-----"));
    }
}
