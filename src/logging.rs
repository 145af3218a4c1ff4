//! Structured logs with `tracing`: text or JSON to stderr, filtered by `log.level` or
//! `RUST_LOG`. Requests log method, path (never the query or credentials) and request id.

use tracing_subscriber::EnvFilter;

use crate::config::LogConfig;

pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if config.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // A second init (tests starting several servers) keeps the first subscriber.
    drop(result);
}
