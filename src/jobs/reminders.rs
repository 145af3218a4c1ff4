//! The reminder job: once a minute, queues the reminders due since the last look
//! (`Calendars::queue_reminders`) in the durable outbox the mail job sends from. After a
//! start it looks back ten minutes, so reminders due while the server was down that long
//! still go out; the outbox keeps each reminder once, so looking again queues nothing twice.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::core::Actor;

/// How often the job looks.
const EVERY: Duration = Duration::from_secs(60);
/// How far back the first look reaches.
const CATCH_UP_SECONDS: i64 = 600;

/// Starts the job when `[smtp]` is configured.
pub fn spawn(app: Arc<App>) {
    if app.config.smtp.is_none() {
        return;
    }
    tokio::spawn(async move {
        let mut last = crate::core::now() - CATCH_UP_SECONDS;
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let now = crate::core::now();
            match app.core.calendars(&Actor::system()).queue_reminders(last, now).await {
                Ok(n) => {
                    last = now;
                    if n > 0 {
                        tracing::info!(reminders = n, "queued reminders");
                        app.metrics.job("reminders", true);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reminders could not be queued; trying again");
                    app.metrics.job("reminders", false);
                }
            }
        }
    });
}
