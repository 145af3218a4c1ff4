//! What `/metrics` reports, in the Prometheus / OpenMetrics text format (written by the
//! `prometheus-client` crate): requests by method and status, their latency, the background
//! jobs' runs and outcomes, and the database pool. The HTTP layer and the jobs record into
//! one [`Metrics`], which the composition root owns.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The methods counted by name; everything else is `OTHER` (a client cannot grow the label
/// set without bound).
const METHODS: [&str; 17] = [
    "GET",
    "HEAD",
    "PUT",
    "POST",
    "DELETE",
    "OPTIONS",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "MKCALENDAR",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "REPORT",
    "ACL",
    "PATCH",
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
    outcome: &'static str,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Histogram,
    jobs: Family<JobLabels, Counter>,
    pool_size: Gauge,
    pool_idle: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("portico");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method and status",
            requests.clone(),
        );
        let latency = Histogram::new([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0]);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's head to its answer's head",
            latency.clone(),
        );
        let jobs = Family::<JobLabels, Counter>::default();
        registry.register("job_runs", "Background job runs, by job and outcome", jobs.clone());
        let pool_size = Gauge::default();
        registry.register("db_pool_connections", "Open database connections", pool_size.clone());
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            pool_idle.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            jobs,
            pool_size,
            pool_idle,
        }
    }

    /// One answered request.
    pub fn request(&self, method: &str, status: u16, seconds: f64) {
        let method = METHODS.iter().find(|m| **m == method).copied().unwrap_or("OTHER");
        self.requests.get_or_create(&RequestLabels { method, status }).inc();
        self.latency.observe(seconds);
    }

    /// One run of a background job (`ok` or `failed`).
    pub fn job(&self, job: &'static str, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.jobs.get_or_create(&JobLabels { job, outcome }).inc();
    }

    /// The text to answer `/metrics` with, the pool's state read now.
    pub fn render(&self, pool_size: u32, pool_idle: usize) -> String {
        self.pool_size.set(i64::from(pool_size));
        self.pool_idle.set(i64::try_from(pool_idle).unwrap_or(i64::MAX));
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_jobs_and_the_pool_are_reported() {
        let m = Metrics::new();
        m.request("PROPFIND", 207, 0.003);
        m.request("PROPFIND", 207, 0.2);
        m.request("BREW", 405, 0.001);
        m.job("blob_cleanup", true);
        let text = m.render(4, 3);
        assert!(
            text.contains("portico_http_requests_total{method=\"PROPFIND\",status=\"207\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("portico_http_requests_total{method=\"OTHER\",status=\"405\"} 1"),
            "{text}"
        );
        assert!(text.contains("portico_http_request_duration_seconds_count 3"), "{text}");
        assert!(
            text.contains("portico_job_runs_total{job=\"blob_cleanup\",outcome=\"ok\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("portico_db_pool_connections 4") && text.contains("portico_db_pool_idle_connections 3"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"));
    }
}
