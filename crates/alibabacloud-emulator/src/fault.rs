//! Fault rules: which requests a fault strikes, and how it is planned. The fault stage
//! (`fault_stage.rs`) carries the plan out, between authenticate and dispatch.
//!
//! Tests register [`FaultRule`]s with [`crate::EmulatorHandle::inject`]. Every request that passed
//! authentication (so a retry, signed afresh, is judged afresh) is matched against the rules in
//! the order they were injected; the first rule that matches its action *and* fires decides the
//! fault. A request no rule fires for is answered normally.

use std::time::Duration;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// HTTP 400 `Throttling.User`. With `retry_after`, the answer carries
    /// `x-acs-retry-after` in milliseconds.
    ///
    /// Always answered **before** execution, whatever the rule's [`FaultTiming`]: throttling
    /// tells the caller that the request was not executed, so the emulator keeps that promise.
    Throttling {
        /// How long the caller is asked to wait before retrying.
        retry_after: Option<Duration>,
    },
    /// HTTP 503 `ServiceUnavailable` (in the real error envelope).
    ServiceUnavailable,
    /// HTTP 500 `InternalError` (in the real error envelope).
    InternalError,
    /// The normal answer, after this delay. Before execution, the delay comes first and the
    /// operation runs after it; if the client gives up and closes the connection meanwhile,
    /// the server drops the request and the operation never runs, and if the emulator shuts
    /// down meanwhile it answers 503 without executing. After execution, the operation runs
    /// first and its answer is held back (shutdown releases it). Use a long delay for a server
    /// that hangs.
    Delay(Duration),
    /// The connection is dropped without a single response byte.
    CloseBeforeAnswer,
    /// The status line, the headers (with the full `content-length`) and the first half of the
    /// body are sent, then the connection is dropped.
    CloseMidBody,
    /// A complete HTTP answer whose JSON body is cut in half; its `content-length` is that of
    /// the half actually sent.
    TruncatedBody,
    /// HTTP 200 with a plain-text body.
    NonJsonBody,
    /// HTTP 502 with an HTML error page, as a gateway in front of the service would send.
    HtmlErrorPage,
    /// HTTP 200 with JSON whose fields have the wrong types: every field of the real answer is
    /// replaced by a value of another type, `RequestId` becomes an object, and `OrderId` and
    /// `TotalCount` are always present (`{"x":1}` and `"many"`).
    WrongTypes,
}

/// When a fault strikes, relative to the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultTiming {
    /// The operation is not executed: no state change, no audit log entry.
    #[default]
    BeforeExecution,
    /// The operation **is** executed (state changes, audit log entry), then its answer is
    /// replaced by the fault. [`Fault::Throttling`] ignores this and strikes before.
    AfterExecution,
}

/// Which matching requests a rule strikes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultTrigger {
    /// The next `n` matching requests; the rule is then used up and removed.
    NextN(u32),
    /// Each matching request with probability `fraction` (0.0 to 1.0), drawn from a random
    /// generator seeded with `seed` (`fastrand::Rng::with_seed`), so a sequence of requests is
    /// struck the same way on every run.
    Fraction {
        /// The probability of striking one request.
        fraction: f64,
        /// The seed of the rule's own random generator.
        seed: u64,
    },
}

/// One fault rule: which action, what fault, when, and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// The action the rule applies to, such as `CreateCertificateRequest`; `None` for all.
    pub action: Option<String>,
    /// What goes wrong.
    pub fault: Fault,
    /// Before or after the operation is executed.
    pub timing: FaultTiming,
    /// Which matching requests are struck.
    pub trigger: FaultTrigger,
}

impl FaultRule {
    /// A rule for every action, striking before execution, with `trigger`.
    pub fn new(fault: Fault, trigger: FaultTrigger) -> Self {
        Self {
            action: None,
            fault,
            timing: FaultTiming::BeforeExecution,
            trigger,
        }
    }

    /// The next `n` requests (of any action), before execution.
    pub fn next_n(n: u32, fault: Fault) -> Self {
        Self::new(fault, FaultTrigger::NextN(n))
    }

    /// Restricts the rule to one action.
    pub fn for_action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// Sets when the fault strikes.
    pub fn timing(mut self, timing: FaultTiming) -> Self {
        self.timing = timing;
        self
    }
}

/// A rule with its trigger's running state.
#[derive(Debug)]
struct ActiveRule {
    rule: FaultRule,
    /// `NextN`: how many strikes are left.
    remaining: u32,
    /// `Fraction`: the rule's own generator.
    rng: fastrand::Rng,
}

/// The injected rules, in injection order.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<ActiveRule>,
}

/// The fault chosen for one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Planned {
    pub fault: Fault,
    pub timing: FaultTiming,
}

impl Faults {
    pub fn inject(&mut self, rule: FaultRule) {
        let (remaining, seed) = match rule.trigger {
            FaultTrigger::NextN(n) => (n, 0),
            FaultTrigger::Fraction { seed, .. } => (0, seed),
        };
        if matches!(rule.trigger, FaultTrigger::NextN(0)) {
            return;
        }
        self.rules.push(ActiveRule {
            rule,
            remaining,
            rng: fastrand::Rng::with_seed(seed),
        });
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Picks the fault for a request of `action`, advancing the triggers it consults.
    pub fn pick(&mut self, action: Option<&str>) -> Option<Planned> {
        let mut chosen = None;
        for (index, active) in self.rules.iter_mut().enumerate() {
            if let Some(wanted) = &active.rule.action
                && action != Some(wanted.as_str())
            {
                continue;
            }
            let fires = match active.rule.trigger {
                FaultTrigger::NextN(_) => {
                    active.remaining = active.remaining.saturating_sub(1);
                    true
                }
                FaultTrigger::Fraction { fraction, .. } => active.rng.f64() < fraction,
            };
            if fires {
                chosen = Some(index);
                break;
            }
        }
        let index = chosen?;
        let rule = &self.rules[index].rule;
        let timing = match rule.fault {
            Fault::Throttling { .. } => FaultTiming::BeforeExecution,
            _ => rule.timing,
        };
        let planned = Planned {
            fault: rule.fault.clone(),
            timing,
        };
        if matches!(rule.trigger, FaultTrigger::NextN(_)) && self.rules[index].remaining == 0 {
            self.rules.remove(index);
        }
        Some(planned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_consulted_in_order_and_used_up() {
        let mut faults = Faults::default();
        faults.inject(FaultRule::next_n(0, Fault::InternalError));
        faults.inject(FaultRule::next_n(1, Fault::InternalError).for_action("A"));
        faults.inject(
            FaultRule::next_n(2, Fault::Throttling { retry_after: None })
                .timing(FaultTiming::AfterExecution),
        );
        let a = faults.pick(Some("A")).unwrap();
        assert_eq!(a.fault, Fault::InternalError);
        let b = faults.pick(Some("B")).unwrap();
        assert_eq!(
            b.timing,
            FaultTiming::BeforeExecution,
            "throttling is always before"
        );
        assert!(matches!(
            faults.pick(Some("A")).unwrap().fault,
            Fault::Throttling { .. }
        ));
        assert_eq!(faults.pick(Some("A")), None);
        assert_eq!(faults.pick(None), None);
    }

    #[test]
    fn fractions_are_seeded() {
        let draws = |seed| {
            let mut faults = Faults::default();
            faults.inject(FaultRule::new(
                Fault::ServiceUnavailable,
                FaultTrigger::Fraction {
                    fraction: 0.3,
                    seed,
                },
            ));
            (0..200)
                .map(|_| faults.pick(Some("X")).is_some())
                .collect::<Vec<_>>()
        };
        let a = draws(7);
        assert_eq!(a, draws(7));
        assert_ne!(a, draws(8));
        let hits = a.iter().filter(|h| **h).count();
        assert!((30..=90).contains(&hits), "{hits}");
    }
}
