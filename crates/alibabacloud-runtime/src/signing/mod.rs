//! Request signing, behind the [`Signer`] trait so more schemes can be added.
//!
//! * [`v1`]: the classic RPC signature, `HMAC-SHA1` with `SignatureVersion=1.0`; everything
//!   travels in the query string.
//! * [`v3`]: `ACS3-HMAC-SHA256`, the official SDKs' current default; action, version, time and
//!   nonce travel as `x-acs-*` headers and the signature in `Authorization`.
//!
//! Each scheme exposes its intermediate strings (canonical query, string to sign, canonical
//! request) as public functions, so tests can check every step against the published worked
//! examples and the emulator can verify requests with the very same code.

use std::fmt;
use std::time::SystemTime;

use crate::credentials::Credentials;
use crate::params::Params;

pub mod v1;
pub mod v3;

/// Which signature scheme a client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureVersion {
    /// `HMAC-SHA1`, `SignatureVersion=1.0` (the official SDKs call this option "v2").
    V1,
    /// `ACS3-HMAC-SHA256`, the default of the official SDKs.
    #[default]
    V3,
}

impl SignatureVersion {
    /// The signer for this scheme.
    pub fn signer(self) -> &'static dyn Signer {
        match self {
            SignatureVersion::V1 => &v1::V1Signer,
            SignatureVersion::V3 => &v3::V3Signer,
        }
    }
}

/// What a signer needs to know about the request it signs.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The HTTP method, such as `POST`.
    pub method: &'a str,
    /// The path, `/` for every RPC operation.
    pub path: &'a str,
    /// The `host` header value: the endpoint host with `:port` when there is one.
    pub host: &'a str,
    /// The operation name, such as `DeleteCertificateRequest`.
    pub action: &'a str,
    /// The API version, such as `2020-04-07`.
    pub version: &'a str,
    /// The business parameters, unencoded and in any order (sorted ones, see [`Params::sort`],
    /// are signed without an extra allocation).
    pub params: &'a Params,
    /// The request body: empty, or the encoded form body whose parameters are in
    /// [`RequestExtras::form`] (empty for every `cas` operation).
    pub body: &'a [u8],
}

/// What a request carries besides its query parameters: the form body's parameters, the body's
/// content type and the operation's header parameters.
///
/// [`Signer::sign`] signs a request with none of them; [`Signer::sign_with`] takes them.
#[derive(Debug, Clone, Copy)]
pub struct RequestExtras<'a> {
    /// The parameters encoded in [`SignableRequest::body`], unencoded. V1 signs them together
    /// with the query parameters; V3 covers them through the body hash.
    pub form: &'a Params,
    /// The body's `content-type`, when there is a body. Both schemes return it among the
    /// headers to send; V3 signs it.
    pub content_type: Option<&'static str>,
    /// The operation's header parameters, lowercase names. V3 signs the `x-acs-*` ones (as the
    /// official SDKs do); the caller sends them all.
    pub headers: &'a Params,
}

static NO_PARAMS: Params = Params::new();

impl Default for RequestExtras<'_> {
    fn default() -> Self {
        Self {
            form: &NO_PARAMS,
            content_type: None,
            headers: &NO_PARAMS,
        }
    }
}

/// The per-attempt values that make each signature unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningContext {
    /// `YYYY-MM-DDThh:mm:ssZ`, UTC.
    pub timestamp: String,
    /// A value never used before with this access key.
    pub nonce: String,
}

impl SigningContext {
    /// A context for an attempt made now, with a fresh random nonce.
    pub fn fresh() -> Self {
        let fresh = AttemptContext::fresh();
        Self {
            timestamp: fresh.timestamp().to_string(),
            nonce: fresh.nonce().to_string(),
        }
    }
}

/// The same values as a [`SigningContext`], kept on the stack: what the client signs each
/// attempt with, without allocating.
#[derive(Clone, Copy)]
pub struct AttemptContext {
    timestamp: [u8; 20],
    nonce: [u8; 32],
}

impl AttemptContext {
    /// The time now and a fresh random nonce.
    pub fn fresh() -> Self {
        let mut nonce = [0u8; 32];
        hex_into(&nonce_bytes(), &mut nonce);
        Self {
            timestamp: crate::time::timestamp_bytes(SystemTime::now()),
            nonce,
        }
    }

    /// `YYYY-MM-DDThh:mm:ssZ`, UTC.
    pub fn timestamp(&self) -> &str {
        // Digits and ASCII punctuation only.
        std::str::from_utf8(&self.timestamp).unwrap_or_default()
    }

    /// 32 lowercase hex characters.
    pub fn nonce(&self) -> &str {
        // Hex digits only.
        std::str::from_utf8(&self.nonce).unwrap_or_default()
    }
}

impl fmt::Debug for AttemptContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptContext")
            .field("timestamp", &self.timestamp())
            .field("nonce", &self.nonce())
            .finish()
    }
}

/// 32 lowercase hex characters (128 random bits).
///
/// A nonce only has to be unique, not secret, so it comes from a fast thread-local generator
/// (wyrand, via fastrand) seeded once per thread from the operating system, instead of a system
/// call per request.
pub fn new_nonce() -> String {
    AttemptContext::fresh().nonce().to_string()
}

fn nonce_bytes() -> [u8; 16] {
    thread_local! {
        static RNG: std::cell::RefCell<fastrand::Rng> = std::cell::RefCell::new(seeded_rng());
    }
    let (a, b) = RNG.with(|rng| {
        let mut rng = rng.borrow_mut();
        (rng.u64(..), rng.u64(..))
    });
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    bytes
}

fn seeded_rng() -> fastrand::Rng {
    let mut seed = [0u8; 8];
    if getrandom::fill(&mut seed).is_err() {
        // No OS randomness: mix the clock into fastrand's own per-thread seed.
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        seed = (fastrand::u64(..) ^ nanos).to_le_bytes();
    }
    fastrand::Rng::with_seed(u64::from_le_bytes(seed))
}

/// Lowercase hex of `bytes`.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    hex_into(bytes, &mut out);
    // Hex digits only.
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the lowercase hex of `bytes` into the first `2 * bytes.len()` bytes of `out`.
pub(crate) fn hex_into(bytes: &[u8], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = HEX[(b >> 4) as usize];
        pair[1] = HEX[(b & 0xf) as usize];
    }
}

/// Feeds a hash in blocks of a few hundred bytes from a stack buffer, so many small pieces
/// (the lines of a canonical request) cost a handful of hash updates and no allocation.
pub(crate) struct Chunked<F: FnMut(&[u8])> {
    buf: [u8; 512],
    len: usize,
    sink: F,
}

impl<F: FnMut(&[u8])> Chunked<F> {
    pub(crate) fn new(sink: F) -> Self {
        Self {
            buf: [0; 512],
            len: 0,
            sink,
        }
    }

    pub(crate) fn push(&mut self, data: &[u8]) {
        if self.len + data.len() > self.buf.len() {
            self.flush();
            if data.len() > self.buf.len() {
                (self.sink)(data);
                return;
            }
        }
        self.buf[self.len..self.len + data.len()].copy_from_slice(data);
        self.len += data.len();
    }

    /// Pushes the encoding of an already percent-encoded query as V1's string to sign needs
    /// it: only `%`, `=` and `&` are escaped again.
    pub(crate) fn push_reencoded_query(&mut self, query: &[u8]) {
        for &b in query {
            if self.len + 3 > self.buf.len() {
                self.flush();
            }
            let escaped: &[u8; 3] = match b {
                b'%' => b"%25",
                b'=' => b"%3D",
                b'&' => b"%26",
                _ => {
                    self.buf[self.len] = b;
                    self.len += 1;
                    continue;
                }
            };
            self.buf[self.len..self.len + 3].copy_from_slice(escaped);
            self.len += 3;
        }
    }

    pub(crate) fn flush(&mut self) {
        if self.len > 0 {
            (self.sink)(&self.buf[..self.len]);
            self.len = 0;
        }
    }
}

/// Where [`Signer::sign_into`] writes a signed request: the query, appended to a prefix the
/// caller chose (so a client builds its URL in one buffer), and the header values back to back
/// in one text, so a transport can share them instead of copying each.
#[derive(Clone, Default)]
pub struct SignatureOutput {
    url: String,
    query_start: usize,
    values: String,
    headers: HeaderList,
}

/// The headers of a [`SignatureOutput`]: lowercase names and where each value lies in the
/// header text.
#[derive(Clone, Copy, Default)]
pub struct HeaderList {
    /// The most a signer writes is 9 (V3 with a body and a security token).
    items: [(&'static str, usize, usize); 12],
    len: usize,
}

impl HeaderList {
    /// Each header's name and the byte range of its value in the header text.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, std::ops::Range<usize>)> + '_ {
        self.items[..self.len]
            .iter()
            .map(|&(name, start, end)| (name, start..end))
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl SignatureOutput {
    /// An empty output.
    pub fn new() -> Self {
        Self::default()
    }

    /// An output whose query follows `prefix` (such as `https://host/?`) in the same buffer.
    pub fn with_prefix(prefix: String) -> Self {
        Self {
            query_start: prefix.len(),
            url: prefix,
            values: String::new(),
            headers: HeaderList::default(),
        }
    }

    /// The percent-encoded query the signer wrote.
    pub fn query(&self) -> &str {
        self.url.get(self.query_start..).unwrap_or_default()
    }

    /// The headers to send, with their values.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.headers
            .iter()
            .map(|(name, range)| (name, self.values.get(range).unwrap_or_default()))
    }

    /// The buffers: the prefix followed by the query, the header text, and where each header
    /// value lies in that text.
    pub fn into_parts(self) -> (String, String, HeaderList) {
        (self.url, self.values, self.headers)
    }

    /// As the owned [`SignedRequest`] of [`Signer::sign`].
    pub fn to_signed_request(&self) -> SignedRequest {
        SignedRequest {
            query: self.query().to_string(),
            headers: self
                .headers()
                .map(|(name, value)| (name, value.to_string()))
                .collect(),
        }
    }

    pub(crate) fn query_buf(&mut self) -> &mut String {
        &mut self.url
    }

    pub(crate) fn reserve_values(&mut self, additional: usize) {
        self.values.reserve(additional);
    }

    /// Appends a header whose value `write` appends to the header text.
    pub(crate) fn push_header_with(&mut self, name: &'static str, write: impl FnOnce(&mut String)) {
        let start = self.values.len();
        write(&mut self.values);
        let end = self.values.len();
        match self.headers.items.get_mut(self.headers.len) {
            Some(slot) => {
                *slot = (name, start, end);
                self.headers.len += 1;
            }
            // Unreachable with this crate's signers (see `HeaderList::items`).
            None => unreachable!("a signer wrote more headers than HeaderList holds"),
        }
    }

    /// Appends a header with `value`.
    pub(crate) fn push_header(&mut self, name: &'static str, value: &str) {
        self.push_header_with(name, |text| text.push_str(value));
    }
}

impl fmt::Debug for SignatureOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query (V1) and the authorization header (V3) carry the signature and the token.
        f.debug_struct("SignatureOutput")
            .field("query", &"** redacted **")
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A signed request, ready for the transport.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The complete, percent-encoded query string (without the leading `?`).
    pub query: String,
    /// Headers to send, lowercase names.
    pub headers: Vec<(&'static str, String)>,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query (V1) and the authorization header (V3) carry the signature and the token.
        f.debug_struct("SignedRequest")
            .field("query", &"** redacted **")
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A signature scheme.
pub trait Signer: Send + Sync + fmt::Debug {
    /// Which scheme this is.
    fn version(&self) -> SignatureVersion;

    /// Signs `request` with its form body and header parameters (`extras`) and `credentials`
    /// (`None` for an anonymous operation, see [`Signer::sign_with`]) at `timestamp` with
    /// `nonce`, writing the query and the headers into `out`. This is what the client calls on
    /// every attempt; for a request without form or signed header parameters it allocates
    /// nothing beyond growing `out`'s buffers.
    fn sign_into(
        &self,
        request: &SignableRequest<'_>,
        extras: &RequestExtras<'_>,
        credentials: Option<&Credentials>,
        timestamp: &str,
        nonce: &str,
        out: &mut SignatureOutput,
    );

    /// Signs `request`, whose parameters all travel in the query, with `credentials`, using
    /// the nonce and timestamp in `context`.
    fn sign(
        &self,
        request: &SignableRequest<'_>,
        credentials: &Credentials,
        context: &SigningContext,
    ) -> SignedRequest {
        self.sign_with(
            request,
            &RequestExtras::default(),
            Some(credentials),
            context,
        )
    }

    /// Signs `request` with its form body and header parameters (`extras`).
    ///
    /// With `credentials` `None` the request is prepared for an anonymous operation: the
    /// scheme's common parameters (action, version, timestamp, nonce, and the body hash under
    /// V3) but no access key id, no signature and no security token.
    fn sign_with(
        &self,
        request: &SignableRequest<'_>,
        extras: &RequestExtras<'_>,
        credentials: Option<&Credentials>,
        context: &SigningContext,
    ) -> SignedRequest {
        let mut out = SignatureOutput::new();
        self.sign_into(
            request,
            extras,
            credentials,
            &context.timestamp,
            &context.nonce,
            &mut out,
        );
        out.to_signed_request()
    }
}

/// Calls `f` with every pair of `params` and `extra` in sorted order (key, then value, byte
/// order). `extra` must be sorted already. Sorted `params` need no allocation.
pub(crate) fn for_each_sorted<'p>(
    params: &'p Params,
    extra: &[(&'p str, &'p str)],
    f: impl FnMut(&'p str, &'p str),
) {
    if params.is_sorted() {
        merge_sorted(params.entries(), extra, f);
    } else {
        let mut sorted: Vec<(&str, &str)> = params.entries().collect();
        sorted.sort_unstable();
        merge_sorted(sorted.into_iter(), extra, f);
    }
}

fn merge_sorted<'p>(
    a: impl Iterator<Item = (&'p str, &'p str)>,
    b: &[(&'p str, &'p str)],
    mut f: impl FnMut(&'p str, &'p str),
) {
    let mut b = b.iter().copied().peekable();
    for pair in a {
        while let Some(&next) = b.peek() {
            if next < pair {
                f(next.0, next.1);
                b.next();
            } else {
                break;
            }
        }
        f(pair.0, pair.1);
    }
    for (k, v) in b {
        f(k, v);
    }
}

/// Appends the canonical query of `params` plus `extra` (sorted) to `out`: sorted pairs,
/// `encode(key)=encode(value)` joined with `&`.
pub(crate) fn write_canonical_query(out: &mut String, params: &Params, extra: &[(&str, &str)]) {
    let start = out.len();
    let extra_len: usize = extra.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    // Room for some escapes up front; most values are plain ASCII.
    out.reserve(params.text_len() * 5 / 4 + params.len() * 2 + extra_len * 5 / 4);
    for_each_sorted(params, extra, |k, v| {
        if out.len() > start {
            out.push('&');
        }
        crate::encode::percent_encode_into(out, k);
        out.push('=');
        crate::encode::percent_encode_into(out, v);
    });
}

/// Sorts `pairs` by key in byte order and joins `encode(key)=encode(value)` with `&`.
///
/// This is V1's canonicalized query and V3's canonical query string.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut sorted: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    sorted.sort_unstable();
    // Room for some escapes up front; most values are plain ASCII.
    let mut out = String::with_capacity(
        sorted
            .iter()
            .map(|(k, v)| (k.len() + v.len()) * 5 / 4 + 2)
            .sum(),
    );
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        crate::encode::percent_encode_into(&mut out, k);
        out.push('=');
        crate::encode::percent_encode_into(&mut out, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_in_byte_order() {
        let q = canonical_query(&[
            ("Tag.2.Key", "b"),
            ("Tag.10.Key", "a"),
            ("a", "x"),
            ("B", "y"),
        ]);
        assert_eq!(q, "B=y&Tag.10.Key=a&Tag.2.Key=b&a=x");
    }

    fn owned(list: &[(&str, &str)]) -> Params {
        Params::from_pairs(list)
    }

    /// A form body, a query parameter and two header parameters, signed with both schemes; the
    /// expected values were computed independently (Python `hashlib`/`hmac`/`urllib`, following
    /// the algorithm as written down, the form body being Python's `urlencode` of the sorted
    /// pairs, as the official Python SDK builds it).
    #[test]
    fn form_body_and_header_known_answers() {
        let params = owned(&[("RegionId", "cn-hangzhou")]);
        let form = owned(&[
            ("RoleArn", "acs:ram::123456789012****:role/a b"),
            ("DurationSeconds", "3600"),
        ]);
        let headers = owned(&[("x-acs-trace", "abc"), ("x-custom", "zzz")]);
        let body = crate::encode::form_urlencode(&form.clone().into_entries());
        let request = SignableRequest {
            method: "POST",
            path: "/",
            host: "sts.aliyuncs.com",
            action: "AssumeRole",
            version: "2015-04-01",
            params: &params,
            body: body.as_bytes(),
        };
        let extras = RequestExtras {
            form: &form,
            content_type: Some(crate::encode::FORM_CONTENT_TYPE),
            headers: &headers,
        };
        let creds = Credentials::new("testid", "testsecret");
        let context = SigningContext {
            timestamp: "2026-12-07T06:00:00Z".into(),
            nonce: "3156853299f313e23d1673dc12e1703d".into(),
        };

        let v3 = v3::V3Signer.sign_with(&request, &extras, Some(&creds), &context);
        assert_eq!(v3.query, "RegionId=cn-hangzhou");
        let header = |signed: &SignedRequest, name: &str| {
            signed
                .headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            header(&v3, "authorization").as_deref(),
            Some(
                "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;x-acs-action;\
                 x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-trace;x-acs-version,\
                 Signature=1e1d52e1b07c66c8749c7f16a5b458c1410c88ca3ba253f265315464daa66484"
            )
        );
        assert_eq!(
            header(&v3, "content-type").as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        // Header parameters are the caller's to send; the signer only signs them.
        assert_eq!(header(&v3, "x-acs-trace"), None);

        let v1 = v1::V1Signer.sign_with(&request, &extras, Some(&creds), &context);
        assert_eq!(
            v1.query,
            "AccessKeyId=testid&Action=AssumeRole&Format=JSON&RegionId=cn-hangzhou&\
             SignatureMethod=HMAC-SHA1&SignatureNonce=3156853299f313e23d1673dc12e1703d&\
             SignatureVersion=1.0&Timestamp=2026-12-07T06%3A00%3A00Z&Version=2015-04-01&\
             Signature=tzMRtqYaLnPAZ6vzFNeNrEkZH7Q%3D"
        );
        assert_eq!(
            v1.headers,
            vec![(
                "content-type",
                "application/x-www-form-urlencoded".to_string()
            )]
        );
    }

    #[test]
    fn anonymous_requests_carry_no_key_signature_or_token() {
        let params = owned(&[("RoleArn", "r")]);
        let request = SignableRequest {
            method: "POST",
            path: "/",
            host: "sts.aliyuncs.com",
            action: "AssumeRoleWithOIDC",
            version: "2015-04-01",
            params: &params,
            body: &[],
        };
        let context = SigningContext {
            timestamp: "2026-12-07T06:00:00Z".into(),
            nonce: "n1".into(),
        };
        let extras = RequestExtras::default();
        let v1 = v1::V1Signer.sign_with(&request, &extras, None, &context);
        assert_eq!(
            v1.query,
            "Action=AssumeRoleWithOIDC&Format=JSON&RoleArn=r&SignatureNonce=n1&\
             Timestamp=2026-12-07T06%3A00%3A00Z&Version=2015-04-01"
        );
        assert!(v1.headers.is_empty());
        let v3 = v3::V3Signer.sign_with(&request, &extras, None, &context);
        assert_eq!(v3.query, "RoleArn=r");
        let names: Vec<&str> = v3.headers.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "host",
                "x-acs-action",
                "x-acs-version",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-content-sha256"
            ]
        );
    }

    #[test]
    fn nonces_are_fresh() {
        let a = new_nonce();
        let b = new_nonce();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
