//! `alibabacloud-emulator`: serves the chosen products (every one by default) until Ctrl-C.
//!
//! The first line of standard output is the base URL (`http://127.0.0.1:41234`); logs go to
//! standard error (`RUST_LOG` sets the filter, `info` by default).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use alibabacloud_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_QUOTA, Emulator, EmulatorConfig,
    ReviewPolicy,
};

/// A local emulator of Alibaba Cloud services: every operation of every product, one process.
///
/// Prints its base URL (http://127.0.0.1:PORT) as the first line of standard output, then
/// serves until Ctrl-C (or SIGTERM). Logs go to standard error; RUST_LOG sets the filter (info
/// by default).
///
/// Serving several products: one process answers every product given with --product (all of
/// them by default) on the same address; point each product's client at the printed URL. A
/// request is routed by its API version and action (x-acs-version/x-acs-action, or the
/// Version/Action parameters), ROA requests by method and path; where two served products
/// would take the same request, the first label of the Host header (ecs.example.test) picks.
/// Credentials from the emulated STS AssumeRole are accepted by every served product.
#[derive(clap::Parser)]
#[command(name = "alibabacloud-emulator", version, after_help = EXAMPLES)]
struct Args {
    /// A product to serve, by code; repeatable or comma-separated [default: every product,
    /// see --list-products]
    #[arg(long = "product", value_name = "CODE", value_delimiter = ',')]
    products: Vec<String>,

    /// Print the products the emulator knows (code and API version) and exit
    #[arg(long)]
    list_products: bool,

    /// Address to bind (port 0 picks a free port)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,

    /// An accepted access key id; repeatable, paired in order with --access-key-secret
    /// [default: emulator-access-key-id]
    #[arg(long = "access-key-id", value_name = "ID")]
    access_key_ids: Vec<String>,

    /// The secret of the access key id at the same position
    /// [default: emulator-access-key-secret]
    #[arg(long = "access-key-secret", value_name = "SECRET")]
    access_key_secrets: Vec<String>,

    /// Certificate applications the resource plan allows
    #[arg(long, value_name = "N", default_value_t = DEFAULT_QUOTA, conflicts_with = "no_quota")]
    quota: u32,

    /// Act as if no resource plan was bought (applications fail with NotFoundPackage)
    #[arg(long)]
    no_quota: bool,

    /// Decide every application after one status poll [default: manual review, never decided]
    #[arg(long, value_enum, value_name = "OUTCOME")]
    auto_review: Option<AutoReview>,
}

/// The outcome of automatic reviews.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum AutoReview {
    /// Issue the certificate
    Approve,
    /// Fail the review
    Reject,
}

/// The end of `--help`: serving one, two or three products.
const EXAMPLES: &str = "Examples:
  alibabacloud-emulator                                  every product
  alibabacloud-emulator --product ecs --product sts      ECS and STS
  alibabacloud-emulator --product ecs,sts,cas --listen 127.0.0.1:8080";

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    /// Serve on this address with this configuration.
    Serve(SocketAddr, EmulatorConfig),
    /// List the known products.
    ListProducts,
}

/// Reads the command line (without the program name): where to listen and how to configure
/// the emulator. `--help`, `--version` and mistakes come back as clap's errors, which print
/// themselves and exit with 0 or 2.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, clap::Error> {
    use clap::{CommandFactory as _, Parser as _};
    let args =
        Args::try_parse_from(std::iter::once("alibabacloud-emulator".to_string()).chain(args))?;
    if args.list_products {
        return Ok(Command::ListProducts);
    }
    let known = alibabacloud_emulator::products();
    let mut products: Vec<String> = Vec::new();
    for code in &args.products {
        let code = code.trim().to_ascii_lowercase();
        if !known.iter().any(|(c, _)| *c == code) {
            let names: Vec<&str> = known.iter().map(|(c, _)| *c).collect();
            return Err(Args::command().error(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "unknown product `{code}` for --product; known: {}",
                    names.join(", ")
                ),
            ));
        }
        if !products.contains(&code) {
            products.push(code);
        }
    }
    if args.access_key_ids.len() != args.access_key_secrets.len() {
        return Err(Args::command().error(
            clap::error::ErrorKind::WrongNumberOfValues,
            format!(
                "{} --access-key-id but {} --access-key-secret: give them in pairs",
                args.access_key_ids.len(),
                args.access_key_secrets.len()
            ),
        ));
    }
    let key_pairs = if args.access_key_ids.is_empty() {
        vec![(
            DEFAULT_ACCESS_KEY_ID.to_string(),
            DEFAULT_ACCESS_KEY_SECRET.to_string(),
        )]
    } else {
        args.access_key_ids
            .into_iter()
            .zip(args.access_key_secrets)
            .collect()
    };
    let review = match args.auto_review {
        None => ReviewPolicy::Manual,
        Some(outcome) => ReviewPolicy::Automatic {
            approve: outcome == AutoReview::Approve,
            after_polls: 1,
        },
    };
    let config = EmulatorConfig {
        products,
        key_pairs,
        quota: (!args.no_quota).then_some(args.quota),
        review,
        ..EmulatorConfig::default()
    };
    Ok(Command::Serve(args.listen, config))
}

fn main() -> ExitCode {
    let (listen, config) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve(listen, config)) => (listen, config),
        Ok(Command::ListProducts) => {
            let mut stdout = std::io::stdout().lock();
            for (code, version) in alibabacloud_emulator::products() {
                if writeln!(stdout, "{code}\t{version}").is_err() {
                    return ExitCode::FAILURE;
                }
            }
            return ExitCode::SUCCESS;
        }
        // Prints the help or version to standard output (exit 0), or the mistake to standard
        // error (exit 2).
        Err(e) => e.exit(),
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("alibabacloud-emulator: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(listen, config))
}

async fn run(listen: SocketAddr, config: EmulatorConfig) -> ExitCode {
    tracing::info!(?config, "starting");
    let emulator = match Emulator::start(config, listen).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("alibabacloud-emulator: cannot serve on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "{}", emulator.endpoint())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            tracing::warn!("cannot write the base URL to standard output");
        }
    }
    wait_for_stop().await;
    tracing::info!("stopping");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// Ctrl-C (SIGINT), or SIGTERM on Unix.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    r = tokio::signal::ctrl_c() => {
                        if let Err(e) = r {
                            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
                            std::future::pending::<()>().await;
                        }
                    }
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for SIGTERM"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for Ctrl-C; serving until killed");
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<(SocketAddr, EmulatorConfig), clap::Error> {
        match parse_args(list.iter().map(|s| s.to_string()))? {
            Command::Serve(listen, config) => Ok((listen, config)),
            Command::ListProducts => Ok((
                "0.0.0.0:1".parse().expect("an address"),
                EmulatorConfig::default(),
            )),
        }
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory as _;
        Args::command().debug_assert();
    }

    #[test]
    fn help_lists_every_option() {
        use clap::CommandFactory as _;
        let help = Args::command().render_long_help().to_string();
        for option in [
            "--product",
            "--list-products",
            "Serving several products",
            "--product ecs --product sts",
            "Examples:\n  alibabacloud-emulator ",
            "--listen",
            "--access-key-id",
            "--access-key-secret",
            "--quota",
            "--no-quota",
            "--auto-review",
            "approve",
            "reject",
            "--help",
            "--version",
        ] {
            assert!(help.contains(option), "{option} missing from:\n{help}");
        }
        let help = args(&["--help"]).expect_err("help is not a run");
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
    }

    #[test]
    fn defaults() {
        let (listen, config) = args(&[]).expect("a run");
        assert_eq!(listen.to_string(), "127.0.0.1:0");
        assert_eq!(config.quota, Some(DEFAULT_QUOTA));
        assert_eq!(
            config.key_pairs,
            [(
                DEFAULT_ACCESS_KEY_ID.to_string(),
                DEFAULT_ACCESS_KEY_SECRET.to_string()
            )]
        );
        assert_eq!(config.review, ReviewPolicy::Manual);
        assert!(config.products.is_empty(), "every product by default");
    }

    #[test]
    fn products() {
        let (_, config) =
            args(&["--product", "ecs", "--product=STS,cas", "--product", "ecs"]).expect("a run");
        assert_eq!(config.products, ["ecs", "sts", "cas"]);
        let err = args(&["--product", "nope"]).expect_err("unknown");
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("unknown product `nope`"), "{err}");
        assert!(matches!(
            parse_args(["--list-products".to_string()]),
            Ok(Command::ListProducts)
        ));
    }

    #[test]
    fn flags() {
        let (listen, config) = args(&[
            "--listen",
            "127.0.0.1:9000",
            "--access-key-id",
            "a",
            "--access-key-secret=sa",
            "--access-key-id=b",
            "--access-key-secret",
            "sb",
            "--quota",
            "3",
            "--auto-review",
            "reject",
        ])
        .expect("a run");
        assert_eq!(listen.port(), 9000);
        assert_eq!(
            config.key_pairs,
            [("a".into(), "sa".into()), ("b".into(), "sb".into())]
        );
        assert_eq!(config.quota, Some(3));
        assert_eq!(
            config.review,
            ReviewPolicy::Automatic {
                approve: false,
                after_polls: 1
            }
        );
        let (_, config) = args(&["--no-quota"]).expect("a run");
        assert_eq!(config.quota, None);
        let (_, config) = args(&["--auto-review", "approve"]).expect("a run");
        assert_eq!(
            config.review,
            ReviewPolicy::Automatic {
                approve: true,
                after_polls: 1
            }
        );
    }

    #[test]
    fn bad_flags() {
        for bad in [
            &["--bogus"][..],
            &["--listen"],
            &["--listen", "nowhere"],
            &["--quota", "-1"],
            &["--quota", "1", "--no-quota"],
            &["--auto-review", "maybe"],
            &["--access-key-id", "a"],
            &["--no-quota=yes"],
        ] {
            let err = args(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad:?} was accepted"));
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        }
        let err = args(&["--access-key-id", "a"]).expect_err("unpaired");
        assert!(err.to_string().contains("give them in pairs"), "{err}");
    }
}
