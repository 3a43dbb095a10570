//! The SDK's metrics (feature `opentelemetry`), after the OpenTelemetry HTTP client semantic
//! conventions: `http.client.request.duration` for every attempt, and the SDK's own
//! `rizzitgo.client.*` instruments for calls, retries, tokens and limits. Without the
//! feature, or without a meter, every method is a no-op.

#[cfg(not(feature = "opentelemetry"))]
use crate::Operation;
#[cfg(not(feature = "opentelemetry"))]
use std::time::Duration;

/// How one attempt ended, for its duration's attributes.
#[cfg_attr(not(feature = "opentelemetry"), allow(dead_code))]
pub(crate) enum AttemptEnd<'a> {
    /// The gateway answered with this status.
    Answered(u16),
    /// No answer; `error.type` names why.
    Failed(&'a str),
}

#[cfg(feature = "opentelemetry")]
pub(crate) use otel::Metrics;

/// A fleet went over to its in-process fallback (Redis stopped answering). Counted on the
/// global meter provider's `rizzitgo-open-api` meter: a fleet is shared by clients that may
/// each have a meter of their own.
#[cfg(feature = "redis")]
pub(crate) fn fleet_fallback() {
    #[cfg(feature = "opentelemetry")]
    opentelemetry::global::meter("rizzitgo-open-api")
        .u64_counter("rizzitgo.client.fleet.fallbacks")
        .with_description("Switches of fleet mode to its in-process fallback (Redis unavailable).")
        .build()
        .add(1, &[]);
}

#[cfg(not(feature = "opentelemetry"))]
/// No metrics in this build.
#[derive(Clone, Debug, Default)]
pub(crate) struct Metrics;

#[cfg(not(feature = "opentelemetry"))]
impl Metrics {
    pub(crate) fn attempt(&self, _: &'static Operation, _: AttemptEnd<'_>, _: Duration) {}
    pub(crate) fn call(&self, _: &'static Operation, _: &str, _: u32, _: Duration) {}
    pub(crate) fn retry(&self, _: &'static Operation, _: &'static str) {}
    pub(crate) fn reauthentication(&self, _: &'static Operation) {}
    pub(crate) fn retry_budget_exhausted(&self, _: &'static Operation) {}
    pub(crate) fn rate_limit_wait(&self, _: &'static Operation, _: Duration) {}
    pub(crate) fn token_fetch(&self, _: &str) {}
    pub(crate) fn cache_lookup(&self, _: &'static Operation, _: bool) {}
}

#[cfg(feature = "opentelemetry")]
mod otel {
    use super::AttemptEnd;
    use crate::Operation;
    use opentelemetry::KeyValue;
    use opentelemetry::metrics::{Counter, Histogram, Meter};
    use std::fmt;
    use std::sync::{Arc, RwLock};
    use std::time::Duration;

    /// The instruments of one client, shared by its clones.
    #[derive(Clone)]
    pub(crate) struct Metrics {
        source: Arc<Source>,
        /// `server.address` and `server.port` of the gateway.
        server: [KeyValue; 2],
    }

    /// Where the instruments come from.
    enum Source {
        /// The meter the builder was given.
        Given(Arc<Instruments>),
        /// The global meter provider's `rizzitgo-open-api` meter, whichever provider is set now:
        /// instruments made from the provider of the moment are remade when the application
        /// sets another (an instrument of the no-op provider the process starts with records
        /// nothing, ever), so the order of `set_meter_provider` and `build` does not matter.
        Global(RwLock<Resolved>),
    }

    struct Resolved {
        /// The provider they were made from (its address).
        provider: usize,
        instruments: Arc<Instruments>,
        /// The gauges that follow the provider too (the cache's, the pacing's): each registers
        /// its instruments on a meter.
        gauges: Vec<Gauges>,
    }

    /// Registers observable gauges on a meter (they hold weak references: they observe nothing
    /// once what they watch is gone).
    type Gauges = Arc<dyn Fn(&Meter) + Send + Sync>;

    fn global_provider() -> (
        usize,
        Arc<dyn opentelemetry::metrics::MeterProvider + Send + Sync>,
    ) {
        let provider = opentelemetry::global::meter_provider();
        (Arc::as_ptr(&provider) as *const () as usize, provider)
    }

    const METER: &str = "rizzitgo-open-api";

    struct Instruments {
        request_duration: Histogram<f64>,
        call_duration: Histogram<f64>,
        retries: Counter<u64>,
        reauthentications: Counter<u64>,
        budget_exhausted: Counter<u64>,
        rate_limit_waits: Histogram<f64>,
        token_fetches: Counter<u64>,
        cache_lookups: Counter<u64>,
    }

    impl fmt::Debug for Metrics {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Metrics").finish_non_exhaustive()
        }
    }

    /// Bucket bounds in seconds for the durations (the semantic conventions' advice).
    const SECONDS: [f64; 14] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    ];

    impl Metrics {
        /// The metrics of a client of `base_url`, on `meter`, or on the global provider's
        /// meter (followed when it changes) when `None`.
        pub(crate) fn new(meter: Option<&Meter>, base_url: &url::Url) -> Self {
            let source = match meter {
                Some(meter) => Source::Given(Arc::new(Instruments::new(meter))),
                None => {
                    let (provider, current) = global_provider();
                    Source::Global(RwLock::new(Resolved {
                        provider,
                        instruments: Arc::new(Instruments::new(&current.meter(METER))),
                        gauges: Vec::new(),
                    }))
                }
            };
            Self {
                source: Arc::new(source),
                server: [
                    KeyValue::new(
                        "server.address",
                        base_url.host_str().unwrap_or_default().to_owned(),
                    ),
                    KeyValue::new(
                        "server.port",
                        i64::from(base_url.port_or_known_default().unwrap_or_default()),
                    ),
                ],
            }
        }

        /// The instruments to record with now.
        fn instruments(&self) -> Arc<Instruments> {
            let resolved = match &*self.source {
                Source::Given(instruments) => return Arc::clone(instruments),
                Source::Global(resolved) => resolved,
            };
            let (provider, current) = global_provider();
            {
                let now = crate::sync::read(resolved);
                if now.provider == provider {
                    return Arc::clone(&now.instruments);
                }
            }
            let mut now = crate::sync::write(resolved);
            if now.provider != provider {
                let meter = current.meter(METER);
                now.instruments = Arc::new(Instruments::new(&meter));
                now.provider = provider;
                for gauges in &now.gauges {
                    gauges(&meter);
                }
                tracing::debug!("the global meter provider changed: the SDK's metrics follow it");
            }
            Arc::clone(&now.instruments)
        }

        /// The entries and bytes `cache` holds, observed while it lives.
        pub(crate) fn observe_cache(
            &self,
            meter: Option<&Meter>,
            cache: &Arc<crate::layers::ResponseCache>,
        ) {
            let cache = Arc::downgrade(cache);
            self.observe(
                meter,
                Arc::new(move |meter| {
                    if let Some(cache) = cache.upgrade() {
                        observe_cache_on(meter, &cache);
                    }
                }),
            );
        }

        /// The rate `pacing` learned, observed while it lives.
        pub(crate) fn observe_pacing(
            &self,
            meter: Option<&Meter>,
            pacing: &Arc<crate::limiter::Pacing>,
        ) {
            let pacing = Arc::downgrade(pacing);
            self.observe(
                meter,
                Arc::new(move |meter| {
                    if let Some(pacing) = pacing.upgrade() {
                        observe_pacing_on(meter, &pacing);
                    }
                }),
            );
        }

        /// Registers `gauges` on the client's meter, or on the global provider's, whichever is
        /// set (again when another is).
        fn observe(&self, meter: Option<&Meter>, gauges: Gauges) {
            match (&*self.source, meter) {
                (Source::Given(_), Some(meter)) => gauges(meter),
                (Source::Global(resolved), _) => {
                    // Under the lock: a provider set meanwhile re-registers it.
                    let mut now = crate::sync::write(resolved);
                    gauges(&global_provider().1.meter(METER));
                    now.gauges.push(gauges);
                }
                (Source::Given(_), None) => {}
            }
        }
    }

    impl Instruments {
        fn new(meter: &Meter) -> Self {
            let seconds = |name: &'static str, description: &'static str| {
                meter
                    .f64_histogram(name)
                    .with_unit("s")
                    .with_description(description)
                    .with_boundaries(SECONDS.to_vec())
                    .build()
            };
            let count = |name: &'static str, description: &'static str| {
                meter
                    .u64_counter(name)
                    .with_description(description)
                    .build()
            };
            Instruments {
                request_duration: seconds(
                    "http.client.request.duration",
                    "Duration of HTTP client requests (each attempt of a call).",
                ),
                call_duration: seconds(
                    "rizzitgo.client.call.duration",
                    "Duration of SDK calls, retries and waits included.",
                ),
                retries: count("rizzitgo.client.retries", "Attempts sent again, by reason."),
                reauthentications: count(
                    "rizzitgo.client.reauthentications",
                    "Calls replayed with a new token after a 401.",
                ),
                budget_exhausted: count(
                    "rizzitgo.client.retry_budget.exhausted",
                    "Retries not made because the client's retry budget was spent.",
                ),
                rate_limit_waits: seconds(
                    "rizzitgo.client.rate_limit.wait",
                    "Time attempts waited for the client-side rate limit.",
                ),
                token_fetches: count(
                    "rizzitgo.client.token.fetches",
                    "Access-token requests, by outcome.",
                ),
                cache_lookups: count(
                    "rizzitgo.client.cache.lookups",
                    "Response-cache lookups, by result (hit, miss).",
                ),
            }
        }
    }

    impl Metrics {
        fn operation(operation: &'static Operation) -> KeyValue {
            KeyValue::new("rizzitgo.operation", operation.name)
        }

        pub(crate) fn attempt(
            &self,
            operation: &'static Operation,
            end: AttemptEnd<'_>,
            took: Duration,
        ) {
            let mut attributes = vec![
                KeyValue::new("http.request.method", operation.method),
                Self::operation(operation),
                self.server[0].clone(),
                self.server[1].clone(),
            ];
            match end {
                AttemptEnd::Answered(status) => {
                    attributes.push(KeyValue::new(
                        "http.response.status_code",
                        i64::from(status),
                    ));
                    if status >= 400 {
                        attributes.push(KeyValue::new("error.type", status.to_string()));
                    }
                }
                AttemptEnd::Failed(why) => {
                    attributes.push(KeyValue::new("error.type", why.to_owned()))
                }
            }
            self.instruments()
                .request_duration
                .record(took.as_secs_f64(), &attributes);
        }

        pub(crate) fn call(
            &self,
            operation: &'static Operation,
            outcome: &str,
            attempts: u32,
            took: Duration,
        ) {
            self.instruments().call_duration.record(
                took.as_secs_f64(),
                &[
                    Self::operation(operation),
                    KeyValue::new("rizzitgo.outcome", outcome.to_owned()),
                    KeyValue::new("rizzitgo.attempts", i64::from(attempts)),
                ],
            );
        }

        pub(crate) fn retry(&self, operation: &'static Operation, reason: &'static str) {
            self.instruments().retries.add(
                1,
                &[
                    Self::operation(operation),
                    KeyValue::new("rizzitgo.retry.reason", reason),
                ],
            );
        }

        pub(crate) fn reauthentication(&self, operation: &'static Operation) {
            self.instruments()
                .reauthentications
                .add(1, &[Self::operation(operation)]);
        }

        pub(crate) fn retry_budget_exhausted(&self, operation: &'static Operation) {
            self.instruments()
                .budget_exhausted
                .add(1, &[Self::operation(operation)]);
        }

        pub(crate) fn rate_limit_wait(&self, operation: &'static Operation, waited: Duration) {
            self.instruments()
                .rate_limit_waits
                .record(waited.as_secs_f64(), &[Self::operation(operation)]);
        }

        pub(crate) fn token_fetch(&self, outcome: &str) {
            self.instruments()
                .token_fetches
                .add(1, &[KeyValue::new("rizzitgo.outcome", outcome.to_owned())]);
        }

        pub(crate) fn cache_lookup(&self, operation: &'static Operation, hit: bool) {
            let result = if hit { "hit" } else { "miss" };
            self.instruments().cache_lookups.add(
                1,
                &[
                    Self::operation(operation),
                    KeyValue::new("rizzitgo.cache.result", result),
                ],
            );
        }
    }

    /// The entries and bytes `cache` holds, observed on `meter` while it lives.
    fn observe_cache_on(meter: &Meter, cache: &Arc<crate::layers::ResponseCache>) {
        let held = move |cache: &std::sync::Weak<crate::layers::ResponseCache>| {
            cache.upgrade().map(|cache| cache.held())
        };
        let weak = Arc::downgrade(cache);
        let _entries = meter
            .u64_observable_gauge("rizzitgo.client.cache.entries")
            .with_description("Answers the response cache holds.")
            .with_callback(move |o| {
                if let Some((entries, _)) = held(&weak) {
                    o.observe(entries as u64, &[]);
                }
            })
            .build();
        let weak = Arc::downgrade(cache);
        let _bytes = meter
            .u64_observable_gauge("rizzitgo.client.cache.bytes")
            .with_unit("By")
            .with_description("Bytes the response cache holds.")
            .with_callback(move |o| {
                if let Some((_, bytes)) = held(&weak) {
                    o.observe(bytes, &[]);
                }
            })
            .build();
    }

    /// The learned rate of `pacing`, observed on `meter` while it lives and paces.
    fn observe_pacing_on(meter: &Meter, pacing: &Arc<crate::limiter::Pacing>) {
        let weak = Arc::downgrade(pacing);
        let _rate = meter
            .f64_observable_gauge("rizzitgo.client.pacing.rate")
            .with_unit("{request}/s")
            .with_description(
                "The rate adaptive pacing learned from the gateway's 429s (absent while unpaced).",
            )
            .with_callback(move |o| {
                if let Some(rate) = weak.upgrade().and_then(|pacing| pacing.rate()) {
                    o.observe(rate, &[]);
                }
            })
            .build();
    }
}
