//! No access key secret, security token or signature appears in logs (captured at TRACE
//! level), in `Debug`/`Display` of the client, its configuration, the credentials, or errors.
//!
//! A binary of its own: it captures logs with a thread-scoped subscriber, and `tracing` caches
//! each callsite's interest process-wide from the first thread that reaches it, so a test
//! running beside it without a subscriber could switch the call span off for the whole process.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use alibabacloud_cas::{Client, Credentials, SignatureVersion};
use alibabacloud_cas_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, EmulatorConfig};

const TOKEN: &str = "STS.super-secret-security-token";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(text: &str, what: &str) {
    for secret in [
        DEFAULT_ACCESS_KEY_SECRET,
        TOKEN,
        "Signature=",
        "Credential=",
        "wrong-secret-value",
    ] {
        assert!(
            !text.contains(secret),
            "{what} contains `{secret}`:\n{text}"
        );
    }
}

#[test]
fn nothing_secret_in_trace_logs_debug_or_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let emu = crate::support::emulator::start(EmulatorConfig::default()).await;
        let mut shown = String::new();
        for (version, secret) in [
            (SignatureVersion::V1, DEFAULT_ACCESS_KEY_SECRET),
            (SignatureVersion::V3, DEFAULT_ACCESS_KEY_SECRET),
            (SignatureVersion::V1, "wrong-secret-value"),
            (SignatureVersion::V3, "wrong-secret-value"),
        ] {
            let creds = Credentials::with_security_token(DEFAULT_ACCESS_KEY_ID, secret, TOKEN);
            shown.push_str(&format!("{creds:?}\n"));
            let config = Client::config()
                .endpoint(emu.endpoint())
                .credentials(creds)
                .signature_version(version)
                .build()
                .expect("config");
            shown.push_str(&format!("{config:?}\n"));
            let client = Client::new(config).expect("client");
            shown.push_str(&format!("{client:?}\n"));
            // A success (or a typed service error) and a failing call.
            match client.list_user_certificate_order().send().await {
                Ok(out) => shown.push_str(&format!("{out:?}\n")),
                Err(e) => shown.push_str(&format!("{e}\n{e:?}\n")),
            }
            let err = client
                .delete_certificate_request()
                .order_id(1)
                .send()
                .await
                .expect_err("fails");
            shown.push_str(&format!("{err}\n{err:?}\n"));
        }
        emu.shutdown().await;
        assert_clean(&shown, "Debug/Display output");
    });
    let logs = String::from_utf8_lossy(&capture.0.lock().expect("lock")).into_owned();
    assert!(
        logs.contains("alibabacloud.call"),
        "the call span was logged:\n{logs}"
    );
    assert_clean(&logs, "TRACE logs");
}
