//! Walks the DV certificate-order lifecycle: create → describe → cancel → describe → delete,
//! then lists the account's orders.
//!
//! ```text
//! cargo run -p alibabacloud-cas --example quickstart                       # against an in-process emulator
//! cargo run -p alibabacloud-cas --example quickstart -- --endpoint https://cas.aliyuncs.com [--domain www.example.com] [--v1]
//! ```
//!
//! With `--endpoint`, credentials come from `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//! `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and `ALIBABA_CLOUD_SECURITY_TOKEN` for STS). On the real
//! service the create step uses one certificate of your resource plan; the cancel and delete
//! steps clean the order up again.

use std::error::Error;

use alibabacloud_cas::{Client, Credentials, SignatureVersion};
use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig,
};

struct Args {
    endpoint: Option<String>,
    domain: String,
    signature: SignatureVersion,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        endpoint: None,
        domain: "www.example.com".into(),
        signature: SignatureVersion::V3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--endpoint" => args.endpoint = Some(it.next().ok_or("--endpoint needs a URL")?),
            "--domain" => args.domain = it.next().ok_or("--domain needs a value")?,
            "--v1" => args.signature = SignatureVersion::V1,
            "--help" | "-h" => {
                return Err("usage: quickstart [--endpoint URL] [--domain DOMAIN] [--v1]".into());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), Box<dyn Error>> {
    // Without --endpoint, start the emulator in this process on a free loopback port.
    let (emulator, config) = match &args.endpoint {
        Some(endpoint) => (None, Client::config().endpoint(endpoint.as_str())),
        None => {
            let emu = Emulator::start(EmulatorConfig::default(), "127.0.0.1:0".parse()?).await?;
            println!("started the CAS emulator at {}", emu.endpoint());
            let config = Client::config()
                .endpoint(emu.endpoint())
                .credentials(Credentials::new(
                    DEFAULT_ACCESS_KEY_ID,
                    DEFAULT_ACCESS_KEY_SECRET,
                ));
            (Some(emu), config)
        }
    };
    let client = Client::new(config.signature_version(args.signature).build()?)?;

    let created = client
        .create_certificate_request()
        .domain(args.domain.as_str())
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .validate_type("DNS")
        .send()
        .await?;
    let order_id = created.order_id.ok_or("the service returned no OrderId")?;
    step(
        "CreateCertificateRequest",
        created.request_id.as_deref(),
        &format!("order {order_id}"),
    );

    let state = client
        .describe_certificate_state()
        .order_id(order_id)
        .send()
        .await?;
    let shown = state
        .r#type
        .as_ref()
        .map(|t| t.to_string())
        .unwrap_or_default();
    step(
        "DescribeCertificateState",
        state.request_id.as_deref(),
        &format!("state {shown}"),
    );
    if let (Some(domain), Some(value)) = (&state.record_domain, &state.record_value) {
        println!("    to verify the domain, add a TXT record {domain} = {value}");
    }

    let cancelled = client
        .cancel_order_request()
        .order_id(order_id)
        .send()
        .await?;
    step(
        "CancelOrderRequest",
        cancelled.request_id.as_deref(),
        "back to pending application",
    );

    let state = client
        .describe_certificate_state()
        .order_id(order_id)
        .send()
        .await?;
    let shown = state
        .r#type
        .as_ref()
        .map(|t| t.to_string())
        .unwrap_or_default();
    step(
        "DescribeCertificateState",
        state.request_id.as_deref(),
        &format!("state {shown}"),
    );

    let deleted = client
        .delete_certificate_request()
        .order_id(order_id)
        .send()
        .await?;
    step(
        "DeleteCertificateRequest",
        deleted.request_id.as_deref(),
        "deleted",
    );

    match client
        .delete_certificate_request()
        .order_id(order_id)
        .send()
        .await
    {
        Err(e) => step(
            "DeleteCertificateRequest",
            e.request_id(),
            &format!("again: {}", e.code().unwrap_or("?")),
        ),
        Ok(_) => println!("unexpected: a second delete succeeded"),
    }

    let list = client
        .list_user_certificate_order()
        .show_size(10)
        .send()
        .await?;
    step(
        "ListUserCertificateOrder",
        list.request_id.as_deref(),
        &format!("{} orders in the account", list.total_count.unwrap_or(0)),
    );

    if let Some(emu) = emulator {
        emu.shutdown().await;
    }
    Ok(())
}

fn step(action: &str, request_id: Option<&str>, what: &str) {
    println!(
        "{action:<26} {what:<40} request id {}",
        request_id.unwrap_or("-")
    );
}
