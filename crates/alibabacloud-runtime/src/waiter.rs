//! Waiters: poll an operation until its answer reaches a wanted state.

use std::fmt;
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::config::CallOptions;
use crate::error::SdkError;
use crate::operation::Operation;

/// What one poll's answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acceptor {
    /// The wanted state: stop and return the answer.
    Success,
    /// A state the wanted one can no longer be reached from: stop with an error.
    Failure(String),
    /// Not there yet: poll again.
    Retry,
}

/// Classifies a polled value against the success and failure values.
pub fn classify(value: Option<&str>, success: &[&str], failure: &[&str]) -> Acceptor {
    match value {
        Some(v) if success.contains(&v) => Acceptor::Success,
        Some(v) if failure.contains(&v) => Acceptor::Failure(v.to_string()),
        _ => Acceptor::Retry,
    }
}

/// Delays and the time limit of a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterConfig {
    min_delay: Duration,
    max_delay: Duration,
    max_wait: Duration,
}

impl WaiterConfig {
    /// Delays start at `min_delay` and double up to `max_delay`; the wait ends after `max_wait`.
    pub fn new(min_delay: Duration, max_delay: Duration, max_wait: Duration) -> Self {
        Self {
            min_delay,
            max_delay: max_delay.max(min_delay),
            max_wait,
        }
    }

    fn delay(&self, attempt: u32) -> Duration {
        let exp = self.min_delay.saturating_mul(1u32 << attempt.min(16));
        let capped = exp.min(self.max_delay);
        // Jitter between the minimum delay and the capped exponential delay.
        let span = capped.saturating_sub(self.min_delay);
        let nanos = u64::try_from(span.as_nanos()).unwrap_or(u64::MAX);
        self.min_delay + Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// What the caller of a generated `wait_until_*` method chooses: how long to wait at most and,
/// optionally, the delays between polls. Delays left unset take the waiter's own defaults from
/// its spec.
///
/// A bare [`Duration`] converts into options with only `max_wait` set, so
/// `wait_until_x(Duration::from_secs(60))` keeps the spec's delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    max_wait: Duration,
    min_delay: Option<Duration>,
    max_delay: Option<Duration>,
}

impl WaitOptions {
    /// Waits at most `max_wait`, with the waiter's default delays.
    pub fn new(max_wait: Duration) -> Self {
        Self {
            max_wait,
            min_delay: None,
            max_delay: None,
        }
    }

    /// The first delay between polls (and the least one).
    pub fn with_min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = Some(delay);
        self
    }

    /// The longest delay between polls; delays double from the minimum up to it.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = Some(delay);
        self
    }

    /// The configuration of one wait: these options, with `default_min_delay` and
    /// `default_max_delay` where a delay was not chosen.
    pub fn config(self, default_min_delay: Duration, default_max_delay: Duration) -> WaiterConfig {
        WaiterConfig::new(
            self.min_delay.unwrap_or(default_min_delay),
            self.max_delay.unwrap_or(default_max_delay),
            self.max_wait,
        )
    }
}

impl From<Duration> for WaitOptions {
    fn from(max_wait: Duration) -> Self {
        Self::new(max_wait)
    }
}

/// Why a wait ended without reaching the wanted state.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<E> {
    /// The polled value reached a failure state.
    Failed {
        /// The value that ended the wait.
        state: String,
        /// How many polls were made.
        polls: u32,
    },
    /// `max_wait` passed first.
    TimedOut {
        /// The limit.
        max_wait: Duration,
        /// How many polls were made.
        polls: u32,
        /// The last value seen, if any.
        last_state: Option<String>,
    },
    /// A poll failed.
    Sdk(SdkError<E>),
}

impl<E: fmt::Display> fmt::Display for WaiterError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::Failed { state, polls } => {
                write!(
                    f,
                    "the wait failed: the state became `{state}` (after {polls} polls)"
                )
            }
            WaiterError::TimedOut {
                max_wait,
                polls,
                last_state,
            } => write!(
                f,
                "the wait timed out after {max_wait:?} and {polls} polls (last state: {})",
                last_state.as_deref().unwrap_or("none")
            ),
            WaiterError::Sdk(e) => write!(f, "a poll failed: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaiterError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::Sdk(e) => Some(e),
            _ => None,
        }
    }
}

/// Polls `input` until `acceptor` says success or failure, or `max_wait` passes.
/// `state` reads the polled value for error messages.
pub async fn wait<O, F>(
    client: &Client,
    input: &O,
    options: &CallOptions,
    config: WaiterConfig,
    acceptor: F,
) -> Result<O::Output, WaiterError<O::Error>>
where
    O: Operation,
    F: Fn(&O::Output) -> (Acceptor, Option<String>),
{
    let started = Instant::now();
    let mut polls = 0u32;
    let mut last_state: Option<String>;
    loop {
        polls += 1;
        let output = client
            .invoke(input, options)
            .await
            .map_err(WaiterError::Sdk)?;
        let (verdict, state) = acceptor(&output);
        match verdict {
            Acceptor::Success => return Ok(output),
            Acceptor::Failure(state) => return Err(WaiterError::Failed { state, polls }),
            Acceptor::Retry => last_state = state,
        }
        let delay = config.delay(polls - 1);
        let elapsed = started.elapsed();
        if elapsed >= config.max_wait {
            return Err(WaiterError::TimedOut {
                max_wait: config.max_wait,
                polls,
                last_state,
            });
        }
        tokio::time::sleep(delay.min(config.max_wait - elapsed)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify(Some("certificate"), &["certificate"], &["verify_fail"]),
            Acceptor::Success
        );
        assert_eq!(
            classify(Some("verify_fail"), &["certificate"], &["verify_fail"]),
            Acceptor::Failure("verify_fail".into())
        );
        assert_eq!(
            classify(Some("process"), &["certificate"], &["verify_fail"]),
            Acceptor::Retry
        );
        assert_eq!(classify(None, &["certificate"], &[]), Acceptor::Retry);
    }

    #[test]
    fn options_override_only_the_delays_they_set() {
        let (min, max) = (Duration::from_secs(2), Duration::from_secs(30));
        let wait = Duration::from_secs(60);
        assert_eq!(
            WaitOptions::from(wait).config(min, max),
            WaiterConfig::new(min, max, wait)
        );
        let short = Duration::from_millis(5);
        assert_eq!(
            WaitOptions::new(wait)
                .with_min_delay(short)
                .config(min, max),
            WaiterConfig::new(short, max, wait)
        );
        assert_eq!(
            WaitOptions::new(wait)
                .with_min_delay(short)
                .with_max_delay(short)
                .config(min, max),
            WaiterConfig::new(short, short, wait)
        );
    }

    #[test]
    fn delays_stay_within_bounds() {
        let c = WaiterConfig::new(
            Duration::from_millis(10),
            Duration::from_millis(50),
            Duration::from_secs(1),
        );
        for attempt in 0..30 {
            let d = c.delay(attempt);
            assert!(
                d >= Duration::from_millis(10) && d <= Duration::from_millis(50),
                "{d:?}"
            );
        }
    }
}
