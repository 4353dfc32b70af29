//! Client CPU time and allocations per call: the SDK against raw reqwest sending the very same
//! request, alternately, in one process, against one loopback server.
//!
//! * The server (hyper 1, HTTP/1.1 keep-alive, the fixed `DeleteCertificateRequest` success
//!   body) runs on its own thread with its own runtime. Its CPU time is read from its thread
//!   clock and reported apart; it is never counted as the client's.
//! * The client side runs on a single-threaded tokio runtime on the main thread, so everything
//!   the client does (the SDK, reqwest, hyper, tokio's drivers) is the main thread's CPU time
//!   (`CLOCK_THREAD_CPUTIME_ID`) and its allocations (a counting allocator that counts on the
//!   main thread only). The process clock is read too, to show no client work ran elsewhere.
//! * The floor replays, with the same reqwest settings as the runtime (connect 5 s, read 10 s,
//!   pool idle 90 s), the exact request the SDK sends: the method, path, query and every header,
//!   in order, recorded once from a real SDK call by a capture server. Only the signature, date
//!   and nonce are fixed instead of fresh. Whatever the SDK costs above it is the SDK's own
//!   work. A default `reqwest::Client` replaying the V1 request is shown for reference.
//! * Each round runs N calls of every variant in turn (the order rotates from round to round),
//!   once with 1 call in flight and once with 64 (64 tasks that each make N/64 calls one after
//!   another). The ratio to the floor is taken within each round and the median reported, so
//!   slow drifts of the machine cancel out.
//!
//! For a profiler, `-- profile VARIANT [CALLS]` runs only one variant (`floor-v3`, `sdk-v3`,
//! `floor-v1`, `sdk-v1`, `default-v1`) with 64 in flight, after a warm-up.
//!
//! Run: `cargo bench -p alibabacloud-benches --bench cpu_per_call -- [ROUNDS] [CALLS]`
//! (defaults: 31 rounds of 1024 calls per variant and concurrency; short batches, so the two
//! sides of each ratio run close together in time).

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("cpu_per_call reads Linux thread CPU clocks; it only runs on Linux");
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use alibabacloud_benches::counting::{self, CountingAllocator};
    use alibabacloud_benches::cpu::{self, ThreadClock};
    use alibabacloud_benches::{
        CapturedRequest, DELETE_SUCCESS_BODY, capture_request, client_runtime, loopback_client,
        spawn_fixed_server_measured,
    };
    use alibabacloud_cas::{Client, SignatureVersion};
    use reqwest::header::{HeaderName, HeaderValue};

    #[global_allocator]
    static ALLOCATOR: CountingAllocator = CountingAllocator;

    const IN_FLIGHT: [usize; 2] = [1, 64];

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct PlainDelete {
        #[serde(rename = "RequestId")]
        request_id: Option<String>,
    }

    /// A request to replay: what the SDK sent, minus the headers hyper adds by itself.
    struct Replay {
        url: String,
        headers: Vec<(HeaderName, HeaderValue)>,
    }

    impl Replay {
        fn new(addr: std::net::SocketAddr, seen: &CapturedRequest) -> Self {
            assert_eq!(seen.method, http::Method::POST, "the SDK sends POST");
            Self {
                url: format!("http://{addr}{}", seen.path_and_query),
                headers: seen
                    .headers
                    .iter()
                    .filter(|(n, _)| *n != http::header::HOST && *n != http::header::CONTENT_LENGTH)
                    .cloned()
                    .collect(),
            }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Variant {
        FloorV3,
        SdkV3,
        FloorV1,
        SdkV1,
        DefaultClientV1,
    }

    const VARIANTS: [Variant; 5] = [
        Variant::FloorV3,
        Variant::SdkV3,
        Variant::FloorV1,
        Variant::SdkV1,
        Variant::DefaultClientV1,
    ];

    impl Variant {
        fn from_name(name: &str) -> Option<Self> {
            Some(match name {
                "floor-v3" => Variant::FloorV3,
                "sdk-v3" => Variant::SdkV3,
                "floor-v1" => Variant::FloorV1,
                "sdk-v1" => Variant::SdkV1,
                "default-v1" => Variant::DefaultClientV1,
                _ => return None,
            })
        }

        fn label(self) -> &'static str {
            match self {
                Variant::FloorV3 => "floor: raw reqwest, the SDK's V3 request",
                Variant::SdkV3 => "SDK, V3",
                Variant::FloorV1 => "floor: raw reqwest, the SDK's V1 request",
                Variant::SdkV1 => "SDK, V1",
                Variant::DefaultClientV1 => "reference: `reqwest::Client::new()`, V1 request",
            }
        }

        /// The floor this variant is compared with, if any.
        fn floor(self) -> Option<Variant> {
            match self {
                Variant::SdkV3 => Some(Variant::FloorV3),
                Variant::SdkV1 | Variant::DefaultClientV1 => Some(Variant::FloorV1),
                _ => None,
            }
        }
    }

    struct Ctx {
        /// The runtime's reqwest settings, for the floors.
        http: reqwest::Client,
        /// reqwest's defaults, for reference.
        http_default: reqwest::Client,
        v3: Client,
        v1: Client,
        replay_v3: Replay,
        replay_v1: Replay,
    }

    impl Ctx {
        async fn call(&self, variant: Variant) {
            match variant {
                Variant::FloorV3 => raw_call(&self.http, &self.replay_v3).await,
                Variant::SdkV3 => sdk_call(&self.v3).await,
                Variant::FloorV1 => raw_call(&self.http, &self.replay_v1).await,
                Variant::SdkV1 => sdk_call(&self.v1).await,
                Variant::DefaultClientV1 => raw_call(&self.http_default, &self.replay_v1).await,
            }
        }
    }

    async fn raw_call(http: &reqwest::Client, replay: &Replay) {
        let mut request = http.post(replay.url.as_str());
        for (name, value) in &replay.headers {
            request = request.header(name.clone(), value.clone());
        }
        let response = request.send().await.expect("raw call");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("raw body");
        let out: PlainDelete = serde_json::from_slice(&body).expect("raw decode");
        std::hint::black_box(out);
    }

    async fn sdk_call(client: &Client) {
        let out = client
            .delete_certificate_request()
            .order_id(1)
            .send()
            .await
            .expect("sdk call");
        std::hint::black_box(out);
    }

    /// One batch of calls of one variant, per call.
    #[derive(Debug, Clone, Copy)]
    struct Sample {
        client_cpu_us: f64,
        wall_us: f64,
        server_cpu_us: f64,
        other_cpu_us: f64,
        allocations: f64,
        bytes: f64,
    }

    fn batch(
        rt: &tokio::runtime::Runtime,
        ctx: &Arc<Ctx>,
        variant: Variant,
        calls: usize,
        in_flight: usize,
        server: Option<ThreadClock>,
    ) -> Sample {
        let per_task = (calls / in_flight).max(1);
        let total = (per_task * in_flight) as f64;
        let server0 = server.map(|c| c.now());
        let process0 = cpu::process();
        let wall0 = Instant::now();
        counting::start();
        let client0 = cpu::this_thread();
        rt.block_on(async {
            let tasks: Vec<_> = (0..in_flight)
                .map(|_| {
                    let ctx = ctx.clone();
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            ctx.call(variant).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("task");
            }
        });
        let client = cpu::this_thread() - client0;
        let counts = counting::stop();
        let wall = wall0.elapsed();
        let process = cpu::process() - process0;
        let server = match (server, server0) {
            (Some(clock), Some(start)) => clock.now() - start,
            _ => Duration::ZERO,
        };
        let per = |d: Duration| d.as_secs_f64() * 1e6 / total;
        Sample {
            client_cpu_us: per(client),
            wall_us: per(wall),
            server_cpu_us: per(server),
            other_cpu_us: per(process.saturating_sub(client + server)),
            allocations: counts.allocations as f64 / total,
            bytes: counts.bytes as f64 / total,
        }
    }

    fn median(values: &mut [f64]) -> f64 {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        if n == 0 {
            return f64::NAN;
        }
        if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        }
    }

    fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into())
    }

    fn utc_now() -> String {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        alibabacloud_runtime::time::format_timestamp(
            std::time::UNIX_EPOCH + Duration::from_secs(secs),
        )
    }

    pub fn main() {
        let numbers: Vec<usize> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .filter_map(|a| a.parse().ok())
            .collect();
        let args: Vec<String> = std::env::args().collect();
        let profile = args
            .iter()
            .position(|a| a == "profile")
            .map(|i| args.get(i + 1).and_then(|n| Variant::from_name(n)));
        let rounds = numbers.first().copied().unwrap_or(31).max(1);
        let calls = numbers.get(1).copied().unwrap_or(1024).max(64);

        let started = utc_now();
        let load_before = load_average();
        let (addr, server_clock) = spawn_fixed_server_measured(DELETE_SUCCESS_BODY);
        let rt = client_runtime();
        // reqwest is built with `rustls-no-provider`: bare clients need the provider installed.
        alibabacloud_runtime::tls::install_default_crypto_provider();

        // Record what the SDK sends, once per signature version, to replay it as the floor.
        let seen_v3 = capture_request(&rt, DELETE_SUCCESS_BODY, |a| async move {
            sdk_call(&loopback_client(a, SignatureVersion::V3)).await
        });
        let seen_v1 = capture_request(&rt, DELETE_SUCCESS_BODY, |a| async move {
            sdk_call(&loopback_client(a, SignatureVersion::V1)).await
        });
        let ctx = Arc::new(Ctx {
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .read_timeout(Duration::from_secs(10))
                .pool_idle_timeout(Duration::from_secs(90))
                .build()
                .expect("reqwest client"),
            http_default: reqwest::Client::new(),
            v3: loopback_client(addr, SignatureVersion::V3),
            v1: loopback_client(addr, SignatureVersion::V1),
            replay_v3: Replay::new(addr, &seen_v3),
            replay_v1: Replay::new(addr, &seen_v1),
        });

        if let Some(variant) = profile {
            let Some(variant) = variant else {
                eprintln!(
                    "profile needs a variant: floor-v3, sdk-v3, floor-v1, sdk-v1, default-v1"
                );
                std::process::exit(2);
            };
            let calls = numbers.first().copied().unwrap_or(20_000).max(64);
            batch(&rt, &ctx, variant, 1024, 64, server_clock);
            let s = batch(&rt, &ctx, variant, calls, 64, server_clock);
            println!(
                "{}: {calls} calls, 64 in flight: client CPU {:.2} µs/call, {:.1} allocations/call",
                variant.label(),
                s.client_cpu_us,
                s.allocations
            );
            return;
        }

        println!("# cpu_per_call: client CPU time and allocations per call");
        println!();
        println!(
            "Started {started}, load average {load_before}; {rounds} rounds of {calls} calls per variant and concurrency; server on its own thread."
        );
        for (name, seen) in [("V3", &seen_v3), ("V1", &seen_v1)] {
            let names: Vec<&str> = seen.headers.iter().map(|(n, _)| n.as_str()).collect();
            println!(
                "The SDK's {name} request, replayed by the floor: {} {} ({} bytes of path and query), headers: {}",
                seen.method,
                if seen.path_and_query.len() > 40 {
                    "/?…"
                } else {
                    seen.path_and_query.as_str()
                },
                seen.path_and_query.len(),
                names.join(", ")
            );
        }
        println!();

        let mut results: Vec<(usize, Variant, Vec<Sample>)> = Vec::new();
        for in_flight in IN_FLIGHT {
            // Warm up: open the connections, fill pools and lazily initialised state.
            for variant in VARIANTS {
                batch(&rt, &ctx, variant, calls / 4, in_flight, server_clock);
            }
            let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); VARIANTS.len()];
            for round in 0..rounds {
                for k in 0..VARIANTS.len() {
                    let i = (round + k) % VARIANTS.len();
                    samples[i].push(batch(
                        &rt,
                        &ctx,
                        VARIANTS[i],
                        calls,
                        in_flight,
                        server_clock,
                    ));
                }
            }
            for (i, variant) in VARIANTS.into_iter().enumerate() {
                results.push((in_flight, variant, std::mem::take(&mut samples[i])));
            }
        }

        println!(
            "| in flight | variant | client CPU µs/call, median [min–max] | ratio to its floor, median of rounds [min–max] | ratio of the fastest rounds | wall µs/call | server CPU µs/call | other threads µs/call | allocations/call | bytes/call |"
        );
        println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (in_flight, variant, samples) in &results {
            let column = |f: fn(&Sample) -> f64| -> Vec<f64> { samples.iter().map(f).collect() };
            let mut cpu_values = column(|s| s.client_cpu_us);
            let cpu_min = cpu_values.iter().copied().fold(f64::INFINITY, f64::min);
            let cpu_max = cpu_values.iter().copied().fold(0.0, f64::max);
            let cpu_median = median(&mut cpu_values);
            let floor_samples = variant
                .floor()
                .and_then(|floor| {
                    results
                        .iter()
                        .find(|(n, v, _)| n == in_flight && *v == floor)
                })
                .map(|(_, _, s)| s.as_slice());
            // The least disturbed round of each side: on a busy machine, other processes only
            // ever add CPU time (cache and scheduler effects), never remove it.
            let ratio_of_minimums = floor_samples.map(|f| {
                let floor_min = f
                    .iter()
                    .map(|s| s.client_cpu_us)
                    .fold(f64::INFINITY, f64::min);
                format!("{:.3}×", cpu_min / floor_min)
            });
            let ratio = floor_samples.map(|floor_samples| {
                let mut ratios: Vec<f64> = samples
                    .iter()
                    .zip(floor_samples)
                    .map(|(s, f)| s.client_cpu_us / f.client_cpu_us)
                    .collect();
                let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = ratios.iter().copied().fold(0.0, f64::max);
                (median(&mut ratios), lo, hi)
            });
            let ratio = match ratio {
                Some((m, lo, hi)) => format!("**{m:.3}×** [{lo:.3}–{hi:.3}]"),
                None => "1".into(),
            };
            println!(
                "| {in_flight} | {} | {cpu_median:.2} [{cpu_min:.2}–{cpu_max:.2}] | {ratio} | {} | {:.2} | {:.2} | {:.2} | {:.1} | {:.0} |",
                variant.label(),
                ratio_of_minimums.unwrap_or_else(|| "1".into()),
                median(&mut column(|s| s.wall_us)),
                median(&mut column(|s| s.server_cpu_us)),
                median(&mut column(|s| s.other_cpu_us)),
                median(&mut column(|s| s.allocations)),
                median(&mut column(|s| s.bytes)),
            );
        }
        println!();
        println!("Finished {}, load average {}.", utc_now(), load_average());
    }
}
