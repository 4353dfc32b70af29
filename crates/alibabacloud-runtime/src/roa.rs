//! ROA (resource-oriented) requests: an HTTP method, a path built from a template with
//! percent-encoded segments, and a JSON body.
//!
//! An ROA operation declares [`Operation::ROUTE`](crate::Operation::ROUTE) and writes its path
//! parameters (`write_path`) and JSON body (`write_body`); the runtime builds the path and the
//! body once per call, and V3 signs the method, the encoded path, the query, the headers and
//! the body hash like any other request.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ConstructionError;
use crate::params::Params;

/// The `content-type` of a JSON body, as the official SDKs send it.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The HTTP method of an ROA operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
    /// `PATCH`.
    Patch,
}

impl Method {
    /// The method as HTTP spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
            Method::Patch => reqwest::Method::PATCH,
        }
    }
}

/// How an ROA operation travels: its method and its path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The HTTP method.
    pub method: Method,
    /// The path template, such as `/clusters/{ClusterId}/nodepools`. Each `{Name}` is replaced
    /// by the path parameter `Name`, percent-encoded.
    pub path: &'static str,
}

/// Builds the request path from `template` and the path parameters in `params`.
///
/// Each value is percent-encoded as one segment (everything but `A-Z a-z 0-9 - _ . ~`), so a
/// `/` inside a value cannot change the route. An unset or empty value is an error: the
/// request would address another resource.
pub fn expand_path(template: &str, params: &Params) -> Result<String, ConstructionError> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(ConstructionError::new(format!(
                "the path template `{template}` has an unmatched `{{`"
            )));
        };
        let name = &after[..close];
        match params.get(name) {
            Some(value) if !value.is_empty() => {
                crate::encode::percent_encode_into(&mut out, value);
            }
            Some(_) => {
                return Err(ConstructionError::new(format!(
                    "path parameter `{name}` is empty"
                )));
            }
            None => {
                return Err(ConstructionError::new(format!(
                    "path parameter `{name}` is not set"
                )));
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The JSON body of an ROA request, written by an operation's `write_body`.
///
/// Keys written with [`JsonBody::field`] make a JSON object (`{}` when every one is unset, as
/// the official SDKs send it); [`JsonBody::whole`] makes the value itself the body (an array,
/// for instance). An operation that writes neither sends no body.
#[derive(Debug, Default)]
pub struct JsonBody {
    object: Option<serde_json::Map<String, serde_json::Value>>,
    whole: Option<serde_json::Value>,
}

fn encode_error(key: &str, e: serde_json::Error) -> ConstructionError {
    ConstructionError::new(format!(
        "body parameter `{key}` cannot be encoded as JSON: {e}"
    ))
}

impl JsonBody {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `value` under `key` of the body object; `None` writes nothing (but the body is
    /// still an object).
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: Option<&T>,
    ) -> Result<(), ConstructionError> {
        let object = self.object.get_or_insert_with(serde_json::Map::new);
        if let Some(value) = value {
            let value = serde_json::to_value(value).map_err(|e| encode_error(key, e))?;
            object.insert(key.to_string(), value);
        }
        Ok(())
    }

    /// Makes `value` the whole body (`name` is the parameter, for errors); `None` sends no body.
    pub fn whole<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: Option<&T>,
    ) -> Result<(), ConstructionError> {
        if let Some(value) = value {
            self.whole = Some(serde_json::to_value(value).map_err(|e| encode_error(name, e))?);
        }
        Ok(())
    }

    /// The encoded body, or `None` when there is none.
    pub fn into_bytes(self) -> Result<Option<Vec<u8>>, ConstructionError> {
        let value = match (self.whole, self.object) {
            (Some(whole), _) => whole,
            (None, Some(object)) => serde_json::Value::Object(object),
            (None, None) => return Ok(None),
        };
        serde_json::to_vec(&value)
            .map(Some)
            .map_err(|e| ConstructionError::new(format!("the body cannot be encoded: {e}")))
    }
}

/// ROA operations are signed with V3 only: V1 (`HMAC-SHA1` over the query) is the RPC
/// scheme, and the ROA products' own legacy scheme is not implemented.
pub(crate) fn check_scheme<O: crate::Operation>(
    version: crate::SignatureVersion,
) -> Result<(), ConstructionError> {
    if O::ROUTE.is_some() && version == crate::SignatureVersion::V1 {
        return Err(ConstructionError::new(format!(
            "{} is an ROA operation, which is signed with V3 (ACS3-HMAC-SHA256) only; the client is configured for V1",
            O::ACTION
        )));
    }
    Ok(())
}

/// Decodes the output of a 2xx answer whose body is empty (some ROA operations answer `202`
/// with nothing): as an empty object, or as JSON `null` for outputs that are the whole body.
pub(crate) fn decode_blank<T: DeserializeOwned>() -> Result<T, serde_json::Error> {
    serde_json::from_slice(b"{}").or_else(|_| serde_json::from_slice(b"null"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(list: &[(&str, &str)]) -> Params {
        let mut p = Params::new();
        for (k, v) in list {
            p.push(*k, *v);
        }
        p
    }

    #[test]
    fn path_values_are_encoded_per_segment() {
        let p = params(&[("ClusterId", "c/1 ä"), ("NodepoolId", "np-1~x")]);
        assert_eq!(
            expand_path("/clusters/{ClusterId}/nodepools/{NodepoolId}", &p).unwrap(),
            "/clusters/c%2F1%20%C3%A4/nodepools/np-1~x"
        );
        assert_eq!(expand_path("/templates", &p).unwrap(), "/templates");
    }

    #[test]
    fn unset_or_empty_path_values_are_errors() {
        let err = expand_path("/clusters/{ClusterId}", &Params::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot build the request: path parameter `ClusterId` is not set"
        );
        let err = expand_path("/clusters/{ClusterId}", &params(&[("ClusterId", "")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "cannot build the request: path parameter `ClusterId` is empty"
        );
        let err = expand_path("/clusters/{ClusterId", &params(&[("ClusterId", "a")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unmatched"), "{err}");
    }

    #[test]
    fn bodies() {
        let mut b = JsonBody::new();
        b.field("name", Some("n")).unwrap();
        b.field::<i32>("count", None).unwrap();
        b.field("tags", Some(&vec!["a", "b"])).unwrap();
        assert_eq!(
            b.into_bytes().unwrap().unwrap(),
            br#"{"name":"n","tags":["a","b"]}"#
        );
        let mut b = JsonBody::new();
        b.field::<i32>("count", None).unwrap();
        assert_eq!(b.into_bytes().unwrap().unwrap(), b"{}");
        let mut b = JsonBody::new();
        b.whole("body", Some(&vec![1, 2])).unwrap();
        assert_eq!(b.into_bytes().unwrap().unwrap(), b"[1,2]");
        let mut b = JsonBody::new();
        b.whole::<Vec<i32>>("body", None).unwrap();
        assert_eq!(b.into_bytes().unwrap(), None);
        assert_eq!(JsonBody::new().into_bytes().unwrap(), None);
    }

    #[test]
    fn blank_bodies_decode() {
        #[derive(serde::Deserialize, Debug, PartialEq, Default)]
        struct Obj {
            a: Option<i32>,
        }
        assert_eq!(decode_blank::<Obj>().unwrap(), Obj::default());
        assert_eq!(decode_blank::<Option<Vec<i32>>>().unwrap(), None);
    }
}
