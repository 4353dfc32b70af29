//! Typed mocks for unit tests of code that calls the SDK: no I/O, no credentials, no signing.
//!
//! A [`Mock`] holds rules, one or more per operation. Each rule may match on the typed input
//! and answers with the operation's own output type or error type. A client built from
//! [`Mock::config`] asks the mock before anything else happens; a call no rule matches fails
//! with an error that names the operation. The mock records every input its rules saw, so a
//! test can check what the code under test sent.
//!
//! # Example: testing code that calls two operations
//!
//! The application code below applies for a certificate and reads the order's state. The test
//! answers both operations without a network, checks the input the code sent, and checks how
//! the code handles a typed service error.
//!
//! ```
//! use alibabacloud_cas::Client;
//! use alibabacloud_cas::operation::create_certificate_request::{
//!     CreateCertificateRequestInput, CreateCertificateRequestOutput,
//! };
//! use alibabacloud_cas::operation::describe_certificate_state::{
//!     DescribeCertificateStateError, DescribeCertificateStateInput,
//!     DescribeCertificateStateOutput, DescribeCertificateStateType,
//! };
//! use alibabacloud_mock::Mock;
//! use alibabacloud_cas::operation::create_certificate_request::CreateCertificateRequestValidateType;
//! use alibabacloud_runtime::{ErrorMetadata, OperationError as _};
//!
//! /// The application code under test: applies for a certificate, returns its state.
//! async fn apply(client: &Client, domain: &str) -> Result<String, String> {
//!     let order = client
//!         .create_certificate_request()
//!         .domain(domain)
//!         .email("admin@example.com")
//!         .phone("13800000000")
//!         .username("Admin")
//!         .validate_type("DNS")
//!         .send()
//!         .await
//!         .map_err(|e| e.to_string())?;
//!     let order_id = order.order_id.ok_or("no order id")?;
//!     match client.describe_certificate_state().order_id(order_id).send().await {
//!         Ok(state) => Ok(state.r#type.map(|t| t.as_str().to_string()).unwrap_or_default()),
//!         Err(e) if e.code() == Some("NotFoundOrder") => Ok("gone".to_string()),
//!         Err(e) => Err(e.to_string()),
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = Mock::new();
//! mock.on::<CreateCertificateRequestInput>()
//!     .matching(|input| input.domain.ends_with(".example.com"))
//!     .returns(|input| {
//!         let mut output = CreateCertificateRequestOutput::default();
//!         output.order_id = Some(if input.domain == "www.example.com" { 1 } else { 2 });
//!         output
//!     });
//! mock.on::<DescribeCertificateStateInput>()
//!     .matching(|input| input.order_id == 1)
//!     .returns(|_| {
//!         let mut output = DescribeCertificateStateOutput::default();
//!         output.r#type = Some(DescribeCertificateStateType::Certificate);
//!         output
//!     });
//! // Any other order: the service's error, typed as the operation's error enum.
//! mock.on::<DescribeCertificateStateInput>().fails(|_| {
//!     DescribeCertificateStateError::from_metadata(ErrorMetadata::new(
//!         404,
//!         "NotFoundOrder",
//!         "no such order",
//!     ))
//! });
//! let client = Client::new(mock.config().build().unwrap()).unwrap();
//!
//! assert_eq!(apply(&client, "www.example.com").await.unwrap(), "certificate");
//! assert_eq!(apply(&client, "api.example.com").await.unwrap(), "gone");
//! // No rule matches this domain: the call fails, naming the operation.
//! let unmatched = apply(&client, "www.example.org").await.unwrap_err();
//! assert!(unmatched.contains("CreateCertificateRequest"), "{unmatched}");
//!
//! // What the code sent, typed.
//! let sent = mock.requests::<CreateCertificateRequestInput>();
//! assert_eq!(sent.len(), 3);
//! assert_eq!(sent[0].validate_type, CreateCertificateRequestValidateType::Dns);
//! assert_eq!(sent[2].domain, "www.example.org");
//! assert_eq!(
//!     mock.actions(),
//!     [
//!         "CreateCertificateRequest",
//!         "DescribeCertificateState",
//!         "CreateCertificateRequest",
//!         "DescribeCertificateState",
//!         "CreateCertificateRequest",
//!     ]
//! );
//! # }
//! ```
#![deny(missing_docs)]

use std::any::{Any, TypeId};
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};

use alibabacloud_runtime::config::ConfigBuilder;
use alibabacloud_runtime::stub::{OperationStub, StubAnswer};
use alibabacloud_runtime::{Config, Credentials, Operation};

/// A set of rules that answer a client's calls, and the record of what it was asked.
///
/// Cloning shares the rules and the record.
#[derive(Clone, Default)]
pub struct Mock {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    rules: Mutex<Vec<Rule>>,
    /// Every call: the action and the typed input (cloned).
    calls: Mutex<Vec<Call>>,
}

struct Call {
    action: &'static str,
    input: Box<dyn Any + Send>,
}

type Matcher = Box<dyn Fn(&(dyn Any + Send + Sync)) -> bool + Send + Sync>;
type Responder = Box<dyn Fn(&(dyn Any + Send + Sync)) -> Option<StubAnswer> + Send + Sync>;
type Recorder = fn(&(dyn Any + Send + Sync)) -> Option<Box<dyn Any + Send>>;

struct Rule {
    operation: TypeId,
    matcher: Option<Matcher>,
    responder: Responder,
    /// Keeps a typed copy of an input of the rule's operation.
    recorder: Recorder,
    /// How many more calls the rule answers (`None`: any number).
    remaining: Option<usize>,
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mock")
            .field("rules", &lock(&self.inner.rules).len())
            .field("calls", &lock(&self.inner.calls).len())
            .finish()
    }
}

/// Locks a mutex, keeping the data of a thread that panicked while holding it (a failed
/// assertion in a rule must not hide the record).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Mock {
    /// A mock without rules: every call fails until rules are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a rule for operation `O` (its input type, such as `DeleteCertificateRequestInput`).
    ///
    /// Rules are tried in the order they were added; the first whose matcher accepts the input
    /// (and that has answers left) answers.
    pub fn on<O: Operation + Clone>(&self) -> RuleBuilder<'_, O> {
        RuleBuilder {
            mock: self,
            matcher: None,
            times: None,
            operation: PhantomData,
        }
    }

    /// A configuration builder whose clients ask this mock: fixed dummy credentials and a
    /// placeholder endpoint (neither is used). Add settings and build it.
    pub fn config(&self) -> ConfigBuilder {
        Config::builder()
            .credentials(Credentials::new(
                "mock-access-key-id",
                "mock-access-key-secret",
            ))
            .endpoint("http://mock.invalid")
            .stub(Arc::new(self.clone()))
    }

    /// The inputs of operation `O` the client sent, oldest first (matched by a rule or not).
    pub fn requests<O: Operation + Clone>(&self) -> Vec<O> {
        lock(&self.inner.calls)
            .iter()
            .filter_map(|call| call.input.downcast_ref::<O>().cloned())
            .collect()
    }

    /// The action of every call, oldest first.
    pub fn actions(&self) -> Vec<&'static str> {
        lock(&self.inner.calls)
            .iter()
            .map(|call| call.action)
            .collect()
    }

    /// How many calls the client made.
    pub fn call_count(&self) -> usize {
        lock(&self.inner.calls).len()
    }
}

impl OperationStub for Mock {
    fn answer(&self, action: &'static str, input: &(dyn Any + Send + Sync)) -> Option<StubAnswer> {
        let operation = input.type_id();
        let mut rules = lock(&self.inner.rules);
        let mut recorded = false;
        let mut answer = None;
        for rule in rules.iter_mut() {
            if rule.operation != operation {
                continue;
            }
            if !recorded {
                // Any rule of this operation knows its type and can keep a typed copy.
                recorded = true;
                if let Some(copy) = (rule.recorder)(input) {
                    lock(&self.inner.calls).push(Call {
                        action,
                        input: copy,
                    });
                }
            }
            if rule.remaining == Some(0) {
                continue;
            }
            if rule.matcher.as_ref().is_none_or(|matches| matches(input)) {
                if let Some(left) = rule.remaining.as_mut() {
                    *left -= 1;
                }
                answer = (rule.responder)(input);
                break;
            }
        }
        drop(rules);
        if !recorded {
            lock(&self.inner.calls).push(Call {
                action,
                input: Box::new(()),
            });
        }
        Some(answer.unwrap_or_else(|| {
            StubAnswer::Unmatched(format!(
                "the mock has no rule that matches this {action} call"
            ))
        }))
    }
}

/// Builds one rule; finish it with [`returns`](Self::returns), [`fails`](Self::fails) or
/// [`fails_with`](Self::fails_with).
#[must_use = "a rule is only added by returns, fails or fails_with"]
pub struct RuleBuilder<'m, O> {
    mock: &'m Mock,
    matcher: Option<Matcher>,
    times: Option<usize>,
    operation: PhantomData<fn(O)>,
}

impl<O> fmt::Debug for RuleBuilder<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleBuilder")
            .field("operation", &std::any::type_name::<O>())
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<O: Operation + Clone> RuleBuilder<'_, O> {
    /// Answers only inputs for which `matches` returns `true`.
    pub fn matching(mut self, matches: impl Fn(&O) -> bool + Send + Sync + 'static) -> Self {
        self.matcher = Some(Box::new(move |input| {
            input.downcast_ref::<O>().is_some_and(&matches)
        }));
        self
    }

    /// Answers at most `n` calls; later calls go to the next rule.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers with the output `respond` builds from the input.
    pub fn returns(self, respond: impl Fn(&O) -> O::Output + Send + Sync + 'static) {
        self.add(move |input| StubAnswer::Output(Box::new(respond(input))));
    }

    /// Answers with the operation's error `respond` builds from the input: the call fails with
    /// it as a service error.
    pub fn fails(self, respond: impl Fn(&O) -> O::Error + Send + Sync + 'static) {
        self.add(move |input| StubAnswer::Error(Box::new(respond(input))));
    }

    /// Answers with the service error `code` and HTTP status, as the client would decode it
    /// (the operation's error variant for a code of its table, else the catch-all).
    pub fn fails_with(self, http_status: u16, code: &str, message: &str) {
        let (code, message) = (code.to_string(), message.to_string());
        self.fails(move |_| {
            <O::Error as alibabacloud_runtime::OperationError>::from_metadata(
                alibabacloud_runtime::ErrorMetadata::new(
                    http_status,
                    code.clone(),
                    message.clone(),
                ),
            )
        });
    }

    fn add(self, reply: impl Fn(&O) -> StubAnswer + Send + Sync + 'static) {
        let responder: Responder = Box::new(move |input| input.downcast_ref::<O>().map(&reply));
        lock(&self.mock.inner.rules).push(Rule {
            operation: TypeId::of::<O>(),
            matcher: self.matcher,
            responder,
            recorder: record::<O>,
            remaining: self.times,
        });
    }
}

/// A typed copy of `input` when it is an `O`.
fn record<O: Operation + Clone>(input: &(dyn Any + Send + Sync)) -> Option<Box<dyn Any + Send>> {
    input
        .downcast_ref::<O>()
        .map(|typed| Box::new(typed.clone()) as Box<dyn Any + Send>)
}
