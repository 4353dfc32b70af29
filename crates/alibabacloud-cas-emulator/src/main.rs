//! `alibabacloud-cas-emulator`: runs the SSL Certificates Service emulator until Ctrl-C.
//!
//! The first line of standard output is the bound address (`127.0.0.1:41234`); logs go to
//! standard error (`RUST_LOG` sets the filter, `info` by default).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_QUOTA, Emulator, EmulatorConfig,
    ReviewPolicy,
};

const USAGE: &str = "\
Usage: alibabacloud-cas-emulator [OPTIONS]

A local emulator of Alibaba Cloud's SSL Certificates Service (cas, 2020-04-07).
Prints the bound address as the first line of standard output, then serves until Ctrl-C.

Options:
  --listen ADDR                 Address to bind [default: 127.0.0.1:0]
  --access-key-id ID            An accepted access key id (repeatable, paired in order
                                with --access-key-secret) [default: emulator-access-key-id]
  --access-key-secret SECRET    The secret of the access key id at the same position
                                [default: emulator-access-key-secret]
  --quota N                     Certificate applications the resource plan allows [default: 20]
  --no-quota                    Act as if no resource plan was bought
  --auto-review approve|reject  Decide every application after one status poll
                                [default: manual review, never decided]
  --help                        Print this help
";

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Help,
    Run(SocketAddr, EmulatorConfig),
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut ids = Vec::new();
    let mut secrets = Vec::new();
    let mut quota: Option<u32> = None;
    let mut no_quota = false;
    let mut review = ReviewPolicy::Manual;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--listen" => {
                let v = value("--listen")?;
                listen = v.parse().map_err(|_| {
                    format!("--listen: `{v}` is not an address such as 127.0.0.1:0")
                })?;
            }
            "--access-key-id" => ids.push(value("--access-key-id")?),
            "--access-key-secret" => secrets.push(value("--access-key-secret")?),
            "--quota" => {
                let v = value("--quota")?;
                quota = Some(
                    v.parse()
                        .map_err(|_| format!("--quota: `{v}` is not a non-negative integer"))?,
                );
            }
            "--no-quota" if inline.is_none() => no_quota = true,
            "--auto-review" => {
                review = match value("--auto-review")?.as_str() {
                    "approve" => ReviewPolicy::Automatic {
                        approve: true,
                        after_polls: 1,
                    },
                    "reject" => ReviewPolicy::Automatic {
                        approve: false,
                        after_polls: 1,
                    },
                    other => {
                        return Err(format!(
                            "--auto-review: `{other}` is neither `approve` nor `reject`"
                        ));
                    }
                };
            }
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    if ids.len() != secrets.len() {
        return Err(format!(
            "{} --access-key-id but {} --access-key-secret: give them in pairs",
            ids.len(),
            secrets.len()
        ));
    }
    if no_quota && quota.is_some() {
        return Err("--quota and --no-quota cannot be used together".into());
    }
    let key_pairs = if ids.is_empty() {
        vec![(
            DEFAULT_ACCESS_KEY_ID.to_string(),
            DEFAULT_ACCESS_KEY_SECRET.to_string(),
        )]
    } else {
        ids.into_iter().zip(secrets).collect()
    };
    let config = EmulatorConfig {
        key_pairs,
        quota: if no_quota {
            None
        } else {
            Some(quota.unwrap_or(DEFAULT_QUOTA))
        },
        review,
        ..EmulatorConfig::default()
    };
    Ok(Command::Run(listen, config))
}

fn main() -> ExitCode {
    let (listen, config) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(listen, config)) => (listen, config),
        Err(message) => {
            eprintln!("alibabacloud-cas-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
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
            eprintln!("alibabacloud-cas-emulator: cannot start the async runtime: {e}");
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
            eprintln!("alibabacloud-cas-emulator: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "{}", emulator.local_addr())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            tracing::warn!("cannot write the bound address to standard output");
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

    fn args(list: &[&str]) -> Result<Command, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults() {
        let Ok(Command::Run(listen, config)) = args(&[]) else {
            panic!("expected a run")
        };
        assert_eq!(listen.to_string(), "127.0.0.1:0");
        assert_eq!(config.quota, Some(DEFAULT_QUOTA));
        assert_eq!(config.key_pairs.len(), 1);
        assert_eq!(config.review, ReviewPolicy::Manual);
    }

    #[test]
    fn flags() {
        let Ok(Command::Run(listen, config)) = args(&[
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
        ]) else {
            panic!("expected a run")
        };
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
        let Ok(Command::Run(_, config)) = args(&["--no-quota"]) else {
            panic!("expected a run")
        };
        assert_eq!(config.quota, None);
        assert!(matches!(args(&["--help"]), Ok(Command::Help)));
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
        ] {
            assert!(args(bad).is_err(), "{bad:?}");
        }
    }
}
