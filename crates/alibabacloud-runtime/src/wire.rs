//! What one logical call sends besides the signature: query parameters, the form body and the
//! header parameters, written and checked once per call (not per attempt).

use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue};

use crate::error::ConstructionError;
use crate::operation::Operation;
use crate::params::Params;
use crate::signing::RequestExtras;

/// Headers the runtime sets itself; a header parameter may not replace them.
const RESERVED_HEADERS: &[&str] = &[
    "accept",
    "authorization",
    "content-length",
    "content-type",
    "host",
    "transfer-encoding",
    "user-agent",
    "x-acs-accesskey-id",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-security-token",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// The parts of a request that stay the same across the attempts of one call.
///
/// An operation without form or header parameters allocates nothing here beyond its query
/// parameters.
#[derive(Debug, Clone)]
pub(crate) struct RequestParts {
    /// Query parameters (`write_params`).
    pub params: Params,
    /// The request path: `/` for RPC, the expanded template for ROA.
    path: std::borrow::Cow<'static, str>,
    /// The body's content type, when there is a body.
    content_type: Option<&'static str>,
    /// Form parameters (`write_form`), unencoded, for the V1 string to sign.
    form: Params,
    /// The encoded form body; empty without form parameters.
    body: Bytes,
    /// Header parameters (`write_headers`) with checked, lowercase names, for V3 signing.
    headers: Params,
    /// The same headers, ready for the transport.
    header_values: Vec<(HeaderName, HeaderValue)>,
}

impl RequestParts {
    /// Writes and checks `input`'s query, form and header parameters.
    pub fn of<O: Operation>(input: &O) -> Result<Self, ConstructionError> {
        let mut params = Params::with_capacity(16);
        input.write_params(&mut params)?;
        // Sorted once here, signed without sorting on every attempt.
        params.sort();
        let mut form = Params::new();
        let mut path = std::borrow::Cow::Borrowed("/");
        let mut content_type = None;
        let body = match O::ROUTE {
            None => {
                input.write_form(&mut form)?;
                if form.is_empty() {
                    Bytes::new()
                } else {
                    content_type = Some(crate::encode::FORM_CONTENT_TYPE);
                    Bytes::from(crate::encode::form_urlencode(&form.clone().into_entries()))
                }
            }
            Some(route) => {
                let mut path_params = Params::new();
                input.write_path(&mut path_params)?;
                path = std::borrow::Cow::Owned(crate::roa::expand_path(route.path, &path_params)?);
                let mut json = crate::roa::JsonBody::new();
                input.write_body(&mut json)?;
                match json.into_bytes()? {
                    Some(bytes) => {
                        content_type = Some(crate::roa::JSON_CONTENT_TYPE);
                        Bytes::from(bytes)
                    }
                    None => Bytes::new(),
                }
            }
        };
        let mut written = Params::new();
        input.write_headers(&mut written)?;
        let (headers, header_values) = check_headers(written)?;
        Ok(Self {
            params,
            path,
            content_type,
            form,
            body,
            headers,
            header_values,
        })
    }

    /// The request path, encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The body to send (empty when there is none).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The header parameters to send.
    pub fn header_values(&self) -> &[(HeaderName, HeaderValue)] {
        &self.header_values
    }

    /// Adds a header parameter (an interceptor's), checked like those the operation writes.
    pub fn insert_header(&mut self, name: &str, value: &str) -> Result<(), ConstructionError> {
        let (name, header_value) = check_header(name, value, &self.header_values)?;
        self.headers.push(name.as_str(), value);
        self.header_values.push((name, header_value));
        Ok(())
    }

    /// The form parameters, content type and header parameters, for the signer.
    pub fn extras(&self) -> RequestExtras<'_> {
        RequestExtras {
            form: &self.form,
            content_type: self.content_type,
            headers: &self.headers,
        }
    }
}

/// Checks one header parameter against the rules and the headers already in `values`.
fn check_header(
    key: &str,
    value: &str,
    values: &[(HeaderName, HeaderValue)],
) -> Result<(HeaderName, HeaderValue), ConstructionError> {
    let name = HeaderName::from_bytes(key.as_bytes()).map_err(|_| {
        ConstructionError::new(format!(
            "header parameter `{key}` is not a valid HTTP header name"
        ))
    })?;
    if RESERVED_HEADERS.contains(&name.as_str()) {
        return Err(ConstructionError::new(format!(
            "header parameter `{key}` would replace the `{name}` header the SDK sets itself"
        )));
    }
    if values.iter().any(|(n, _)| *n == name) {
        return Err(ConstructionError::new(format!(
            "header parameter `{key}` is written more than once"
        )));
    }
    // `HeaderValue` would also take bytes above ASCII, which servers read differently.
    let sendable = value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
    let header_value = HeaderValue::from_str(value)
        .ok()
        .filter(|_| sendable)
        .ok_or_else(|| {
            ConstructionError::new(format!(
                "header parameter `{key}` has a value that cannot travel in an HTTP header \
                 (only visible ASCII characters, spaces and tabs can)"
            ))
        })?;
    Ok((name, header_value))
}

/// Checks each header parameter's name and value. Errors name the parameter, never its value
/// (it may be a token or an assertion).
fn check_headers(
    written: Params,
) -> Result<(Params, Vec<(HeaderName, HeaderValue)>), ConstructionError> {
    if written.is_empty() {
        return Ok((written, Vec::new()));
    }
    let mut checked = Params::with_capacity(written.len());
    let mut values = Vec::with_capacity(written.len());
    for (key, value) in written.into_entries() {
        let (name, header_value) = check_header(&key, &value, &values)?;
        checked.push(name.as_str(), value);
        values.push((name, header_value));
    }
    Ok((checked, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorMetadata;
    use crate::error::OperationError;

    #[derive(Debug)]
    struct AnyError(ErrorMetadata);
    impl std::fmt::Display for AnyError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.fmt(f)
        }
    }
    impl std::error::Error for AnyError {}
    impl OperationError for AnyError {
        fn from_metadata(metadata: ErrorMetadata) -> Self {
            Self(metadata)
        }
        fn metadata(&self) -> &ErrorMetadata {
            &self.0
        }
    }

    struct Op {
        form: Vec<(&'static str, &'static str)>,
        headers: Vec<(&'static str, &'static str)>,
    }

    impl Operation for Op {
        const ACTION: &'static str = "Test";
        const IDEMPOTENT: bool = true;
        type Output = serde_json::Value;
        type Error = AnyError;
        fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError> {
            out.push("Q", "1");
            Ok(())
        }
        fn write_form(&self, out: &mut Params) -> Result<(), ConstructionError> {
            for (k, v) in &self.form {
                out.push(*k, *v);
            }
            Ok(())
        }
        fn write_headers(&self, out: &mut Params) -> Result<(), ConstructionError> {
            for (k, v) in &self.headers {
                out.push(*k, *v);
            }
            Ok(())
        }
    }

    fn parts(
        form: Vec<(&'static str, &'static str)>,
        headers: Vec<(&'static str, &'static str)>,
    ) -> Result<RequestParts, String> {
        RequestParts::of(&Op { form, headers }).map_err(|e| e.to_string())
    }

    #[test]
    fn no_form_and_no_headers_means_no_body_and_no_extras() {
        let p = parts(vec![], vec![]).unwrap();
        assert!(p.body().is_empty());
        let extras = p.extras();
        assert!(extras.form.is_empty() && extras.headers.is_empty());
        assert_eq!(extras.content_type, None);
        assert_eq!(p.params.get("Q"), Some("1"));
    }

    #[test]
    fn form_parameters_become_the_body() {
        let p = parts(vec![("B", "x y"), ("A", "*")], vec![]).unwrap();
        assert_eq!(&p.body()[..], b"A=%2A&B=x+y");
        assert_eq!(
            p.extras().content_type,
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(p.extras().form.len(), 2);
    }

    #[test]
    fn header_parameters_are_checked_and_lowercased() {
        let p = parts(vec![], vec![("X-Acs-Trace", "abc"), ("X-Custom", "v")]).unwrap();
        assert_eq!(
            p.extras().headers.get_index(0).map(|e| e.0),
            Some("x-acs-trace")
        );
        assert_eq!(p.header_values()[1].0.as_str(), "x-custom");
        let secret = "line\nbreak-secret";
        let err = parts(vec![], vec![("X-Token", secret)]).unwrap_err();
        assert!(err.contains("`X-Token`"), "{err}");
        assert!(!err.contains("secret"), "the value must not appear: {err}");
        let err = parts(vec![], vec![("X-Token", "é")]).unwrap_err();
        assert!(err.contains("`X-Token`") && !err.contains('é'), "{err}");
        let err = parts(vec![], vec![("Bad Name", "v")]).unwrap_err();
        assert!(
            err.contains("`Bad Name` is not a valid HTTP header name"),
            "{err}"
        );
        let err = parts(vec![], vec![("X-Acs-Action", "Other")]).unwrap_err();
        assert!(
            err.contains("would replace the `x-acs-action` header"),
            "{err}"
        );
        let err = parts(vec![], vec![("X-A", "1"), ("x-a", "2")]).unwrap_err();
        assert!(err.contains("`x-a` is written more than once"), "{err}");
    }
}
