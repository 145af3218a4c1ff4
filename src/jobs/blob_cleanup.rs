//! The blob cleanup while serving: every `documents.blob_cleanup_hours`, the blobs nothing
//! refers to and nothing wrote for [`GRACE`] are deleted (the rule is the documents service's
//! `clean_blobs`). `portico docs cleanup` runs one by hand.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::core::Actor;

/// How long a blob is left alone after it was written or reused: longer than any write takes
/// from the end of its upload to its commit.
pub const GRACE: Duration = Duration::from_secs(3600);

/// Runs a cleanup every `documents.blob_cleanup_hours` until the process ends.
pub fn spawn_schedule(app: Arc<App>) {
    let hours = app.config.documents.blob_cleanup_hours;
    if hours == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(hours.saturating_mul(3600)));
        loop {
            tick.tick().await;
            let result = app.core.documents(&Actor::system()).clean_blobs(GRACE).await;
            app.metrics.job("blob_cleanup", result.is_ok());
            match result {
                Ok(done) => tracing::info!(
                    examined = done.examined,
                    removed = done.removed,
                    set_aside = done.set_aside,
                    freed_bytes = done.freed_bytes,
                    "blob cleanup"
                ),
                Err(e) => tracing::warn!(error = %e, "blob cleanup failed; it runs again later"),
            }
        }
    });
}
