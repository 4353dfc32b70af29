//! A raw HTTP/1.1 server on loopback that answers whatever a test scripts, byte for byte, and
//! records what it received; clients with STS credentials; and checks for secrets in text.

#![allow(dead_code)]

use std::error::Error as StdError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alibabacloud_cas::{Client, ConfigBuilder, Credentials, SdkError, SignatureVersion};
use alibabacloud_runtime::encode::{percent_decode, percent_encode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub const ACCESS_KEY_ID: &str = "hostile-access-key-id";
/// Characters that percent-encoding changes, so every encoded form differs from the raw one.
pub const SECRET: &str = "hostile+Secret/Value=";
pub const TOKEN: &str = "STS.hostile/Token+Value=";

pub const BOTH: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?').map(|(_, q)| q).unwrap_or("");
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| percent_decode(v)).flatten()
        })
    }

    /// The signature: `Signature=` of a V3 `Authorization` header, else the V1 parameter.
    pub fn signature(&self) -> Option<String> {
        if let Some(auth) = self.header("authorization") {
            let at = auth.find("Signature=")? + "Signature=".len();
            return Some(auth[at..].split(',').next().unwrap_or("").to_string());
        }
        self.param("Signature")
    }

    /// The STS token: the V3 header or the V1 parameter.
    pub fn token(&self) -> Option<String> {
        self.header("x-acs-security-token")
            .map(str::to_string)
            .or_else(|| self.param("SecurityToken"))
    }
}

/// What the server does with a request.
pub enum Reply {
    /// These bytes, then the connection is closed.
    Raw(Vec<u8>),
    /// The same, shared between requests instead of copied for each.
    Shared(Arc<Vec<u8>>),
    /// These bytes after a pause (a slow server).
    After(Duration, Vec<u8>),
    /// `head`, then `chunk` again and again, `interval` apart, until `total` bytes of body went
    /// out (forever when `None`) or the client hung up.
    Stream {
        head: Vec<u8>,
        chunk: Vec<u8>,
        total: Option<u64>,
        interval: Duration,
    },
}

/// A complete answer that closes the connection.
pub fn http(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Hostile\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(body);
    out
}

/// A JSON answer.
pub fn json(status: u16, body: &str) -> Reply {
    Reply::Raw(http(
        status,
        &[("content-type", "application/json;charset=utf-8")],
        body.as_bytes(),
    ))
}

type Script = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

/// The scripted server. Stops when dropped.
pub struct Hostile {
    pub addr: std::net::SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    /// Starts on 127.0.0.1:0; `script` decides each answer.
    pub async fn start(script: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Script = Arc::new(script);
        let record = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let script = script.clone();
                let record = record.clone();
                tokio::spawn(async move {
                    let _ = serve_one(stream, script, record).await;
                });
            }
        });
        Self { addr, seen, task }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }
}

async fn serve_one(
    mut stream: tokio::net::TcpStream,
    script: Script,
    record: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > 1 << 20 {
            return Ok(());
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let seen = Seen {
        method,
        target,
        headers,
        body,
        at: Instant::now(),
    };
    let reply = script(&seen);
    record.lock().expect("lock").push(seen);
    match reply {
        Reply::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await?;
        }
        Reply::Shared(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await?;
        }
        Reply::After(pause, bytes) => {
            tokio::time::sleep(pause).await;
            stream.write_all(&bytes).await?;
            stream.shutdown().await?;
        }
        Reply::Stream {
            head,
            chunk,
            total,
            interval,
        } => {
            stream.write_all(&head).await?;
            let mut sent = 0u64;
            while total.is_none_or(|t| sent < t) {
                let n = total.map_or(chunk.len(), |t| chunk.len().min((t - sent) as usize));
                stream.write_all(&chunk[..n]).await?;
                sent += n as u64;
                if !interval.is_zero() {
                    tokio::time::sleep(interval).await;
                }
            }
            stream.shutdown().await?;
        }
    }
    Ok(())
}

/// STS credentials for the hostile tests.
pub fn sts() -> Credentials {
    Credentials::with_security_token(ACCESS_KEY_ID, SECRET, TOKEN)
}

/// A client for `endpoint` with STS credentials and `version`, adjusted by `tune`.
pub fn client(
    endpoint: &str,
    version: SignatureVersion,
    tune: impl FnOnce(ConfigBuilder) -> ConfigBuilder,
) -> Client {
    let config = Client::config()
        .endpoint(endpoint)
        .credentials(sts())
        .signature_version(version);
    Client::new(tune(config).build().expect("config")).expect("client")
}

/// Everything an error shows: `Display`, `Debug`, and both for each error of the source chain.
pub fn error_texts<E: StdError + 'static>(err: &SdkError<E>) -> String {
    let mut out = format!("{err}\n{err:?}\n");
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    out
}

/// `input` percent-encoded with lower-case hex digits.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut rest = encoded;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or(&rest[at..]);
        out.push_str(&escape.to_ascii_lowercase());
        rest = &rest[at + escape.len()..];
    }
    out.push_str(rest);
    out
}

/// `value` raw, percent-encoded once and twice, with upper- and lower-case hex.
pub fn encodings(value: &str) -> Vec<String> {
    let once = percent_encode(value);
    let twice = percent_encode(&once);
    vec![
        value.to_string(),
        lower_hex(&once),
        lower_hex(&twice),
        once,
        twice,
    ]
}

/// Panics when `text` shows the secret, the token or one of `signatures` in any encoding.
pub fn assert_no_secret(text: &str, signatures: &[String], what: &str) {
    let mut values = vec![SECRET.to_string(), TOKEN.to_string()];
    values.extend(signatures.iter().filter(|s| !s.is_empty()).cloned());
    for value in values {
        for form in encodings(&value) {
            assert!(
                !text.contains(&form),
                "{what} shows a secret in the form `{form}`:\n{text}"
            );
        }
    }
}

/// The request id the hostile server answers with.
pub const REQUEST_ID: &str = "HOSTILE-REQUEST-ID";
