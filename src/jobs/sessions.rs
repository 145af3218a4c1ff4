//! Purging expired browser sessions: once an hour, the rows of sessions past their expiry
//! (which no longer sign anyone in) are deleted, so the table holds live sessions only.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;

/// How often expired sessions are purged.
pub const EVERY: Duration = Duration::from_secs(3600);

/// Purges expired sessions every [`EVERY`] until the process ends, the first time at start.
pub fn spawn_schedule(app: Arc<App>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let result = app.auth.purge_expired_sessions().await;
            app.metrics.job("session_purge", result.is_ok());
            match result {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired sessions purged"),
                Err(e) => tracing::warn!(error = %e, "purging expired sessions failed; it runs again later"),
            }
        }
    });
}
