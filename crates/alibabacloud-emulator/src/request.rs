//! Stage 1, parse: turns the raw HTTP request into decoded parameters.

use alibabacloud_runtime::encode::percent_decode;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};

use crate::error::ApiError;

/// Decoded `(name, value)` pairs, in the order received.
pub(crate) type Pairs = Vec<(String, String)>;

/// A request, decoded but not yet authenticated.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// `GET`, `POST`, or another method of an ROA operation.
    pub method: String,
    /// The path as sent (`/` for RPC), percent-encoded.
    pub path: String,
    /// The authority the request was sent to, when the URI carries one.
    pub authority: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The query parameters, in every reading the bytes allow: the first keeps `+` as a
    /// literal plus (Alibaba Cloud's own encoding never uses `+`); a second, present only when
    /// the raw query holds a `+`, reads it as a space (form-style encoders). Authentication
    /// keeps whichever reading the signature was computed over.
    pub query_readings: Vec<Pairs>,
    /// Parameters from an `application/x-www-form-urlencoded` body (`+` is a space there).
    pub form: Pairs,
}

impl Incoming {
    /// The value of header `name`, several values joined with `,`.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut values = self.headers.get_all(name).iter().peekable();
        values.peek()?;
        let joined = values
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(",");
        Some(joined)
    }

    /// The first value of `name` in the literal query reading, else in the form body.
    ///
    /// Before authentication this reads what the caller claims (to route the request); after
    /// it, use the parameters the signature covered.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query_readings
            .first()
            .into_iter()
            .flatten()
            .chain(self.form.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes method, query and form body.
pub(crate) fn parse(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Incoming, ApiError> {
    let known = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ];
    if !known.contains(method) {
        return Err(unsupported_method(method.as_str()));
    }
    let raw_query = uri.query().unwrap_or("");
    let mut query_readings = vec![decode_pairs(raw_query, false)?];
    if raw_query.contains('+') {
        query_readings.push(decode_pairs(raw_query, true)?);
    }
    let is_form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
        .unwrap_or(false);
    let form = if is_form && !body.is_empty() {
        let text = std::str::from_utf8(&body)
            .map_err(|_| ApiError::invalid("body", "The form body is not valid UTF-8."))?;
        decode_pairs(text, true)?
    } else {
        Vec::new()
    };
    Ok(Incoming {
        method: method.as_str().to_string(),
        path: uri.path().to_string(),
        authority: uri.authority().map(|a| a.as_str().to_string()),
        headers: headers.clone(),
        body,
        query_readings,
        form,
    })
}

/// `UnsupportedHTTPMethod`: RPC operations take `POST` or `GET`; ROA ones their own method.
pub(crate) fn unsupported_method(method: &str) -> ApiError {
    ApiError::new(
        405,
        "UnsupportedHTTPMethod",
        format!("The HTTP method {method} is not supported here; RPC operations take POST or GET."),
    )
}

/// Splits `a=1&b=2` and percent-decodes both sides; `plus_is_space` reads `+` as a space.
fn decode_pairs(raw: &str, plus_is_space: bool) -> Result<Pairs, ApiError> {
    let mut out = Vec::new();
    for segment in raw.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = segment.split_once('=').unwrap_or((segment, ""));
        let key = decode(k, plus_is_space)
            .ok_or_else(|| ApiError::invalid(k, "The parameter name is not valid UTF-8."))?;
        let value = decode(v, plus_is_space).ok_or_else(|| {
            ApiError::invalid(
                &key,
                "The parameter value is not valid percent-encoded UTF-8.",
            )
        })?;
        out.push((key, value));
    }
    Ok(out)
}

fn decode(input: &str, plus_is_space: bool) -> Option<String> {
    if plus_is_space && input.contains('+') {
        percent_decode(&input.replace('+', " "))
    } else {
        percent_decode(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_readings() {
        let uri: Uri = "/?a=x+y&b=%2B&c".parse().unwrap();
        let req = parse(&Method::POST, &uri, &HeaderMap::new(), Bytes::new()).unwrap();
        assert_eq!(req.query_readings.len(), 2);
        assert_eq!(req.query_readings[0][0].1, "x+y");
        assert_eq!(req.query_readings[1][0].1, "x y");
        assert_eq!(req.query_readings[1][1].1, "+");
        assert_eq!(req.query_readings[0][2], ("c".to_string(), String::new()));
    }

    #[test]
    fn form_body() {
        let uri: Uri = "/?a=1".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        let req = parse(
            &Method::POST,
            &uri,
            &headers,
            Bytes::from_static(b"Domain=a+b.com&X=%2A"),
        )
        .unwrap();
        assert_eq!(req.param("Domain"), Some("a b.com"));
        assert_eq!(req.param("X"), Some("*"));
        assert_eq!(req.param("a"), Some("1"));
        assert_eq!(req.query_readings.len(), 1);
    }

    #[test]
    fn rejects_other_methods_and_bad_utf8() {
        let uri: Uri = "/".parse().unwrap();
        let err = parse(&Method::OPTIONS, &uri, &HeaderMap::new(), Bytes::new()).unwrap_err();
        assert_eq!(err.status, 405);
        let uri: Uri = "/?a=%FF".parse().unwrap();
        let err = parse(&Method::GET, &uri, &HeaderMap::new(), Bytes::new()).unwrap_err();
        assert_eq!(err.code, "InvalidParameter");
    }
}
