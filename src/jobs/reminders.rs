//! The reminder job: once a minute, queues the reminders due since its last complete pass
//! (`Calendars::queue_due_reminders`) in the durable outbox the mail job sends from. How far
//! it has got is kept in the database, so after a stop (a crash, an upgrade, a night off, up
//! to a day) it goes on from there and loses nothing; the outbox keeps each reminder once, so
//! looking again queues nothing twice.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::core::Actor;
use crate::core::calendars::MAX_REMINDERS_PER_PASS;

/// How often the job looks.
const EVERY: Duration = Duration::from_secs(60);

/// Starts the job when `[smtp]` is configured.
pub fn spawn(app: Arc<App>) {
    if app.config.smtp.is_none() {
        return;
    }
    tokio::spawn(async move {
        let system = Actor::system();
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let now = crate::core::now();
            let calendars = app.core.calendars(&system);
            match calendars.queue_due_reminders(now, MAX_REMINDERS_PER_PASS).await {
                Ok(n) => {
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
