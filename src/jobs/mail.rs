//! The mail job: sends what the durable outbox (`mail_outbox`) holds through the configured
//! SMTP server (lettre, rustls), each delivery bounded by `smtp.timeout_seconds`. A message is
//! marked sent only after the server accepted it, so a crash in between sends it again — with
//! the same Message-ID, recognisably the same mail: at least once, never lost. A failure is
//! retried with back-off (30 s doubling to an hour; a permanent refusal, 5xx, once a day) and
//! logged.

use std::sync::Arc;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::app::App;
use crate::core::outbox::Outbox;
use crate::core::{Actor, Result};
use crate::store::OutgoingMail;

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(2);
/// Messages one look sends at most.
const BATCH: i64 = 50;

/// Starts the job when `[smtp]` is configured.
pub fn spawn(app: Arc<App>) {
    let Some(smtp) = app.config.smtp.clone() else {
        return;
    };
    let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url) {
        Ok(builder) => builder.timeout(Some(Duration::from_secs(smtp.timeout_seconds))).build(),
        Err(e) => {
            tracing::error!(error = %e, "smtp.url cannot be used: no mail is sent");
            return;
        }
    };
    let limit = Duration::from_secs(smtp.timeout_seconds);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLL);
        loop {
            tick.tick().await;
            let result = send_due(&app.core.outbox(&Actor::system()), &transport, limit).await;
            if let Err(e) = &result {
                tracing::warn!(error = %e, "mail outbox could not be read; trying again");
            }
            if let Ok(n) = result
                && n > 0
            {
                app.metrics.job("mail", true);
            }
        }
    });
}

/// Seconds before the next attempt after `attempts` failed ones.
fn backoff(attempts: i64, permanent: bool) -> i64 {
    if permanent {
        return 86_400;
    }
    30i64.saturating_mul(1 << attempts.clamp(0, 7)).min(3_600)
}

/// Sends the due messages; answers how many were handed to the SMTP server.
pub async fn send_due(
    outbox: &Outbox<'_>,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    limit: Duration,
) -> Result<usize> {
    let mut sent = 0;
    for m in outbox.due(BATCH).await? {
        match send_one(transport, &m, limit).await {
            Ok(()) => {
                outbox.sent(m.id).await?;
                tracing::info!(message_id = %m.message_id, recipient = %m.recipient, "mail sent");
                sent += 1;
            }
            Err((error, permanent)) => {
                tracing::warn!(message_id = %m.message_id, recipient = %m.recipient, attempts = m.attempts + 1, %error, "mail not sent; retrying later");
                outbox.failed(m.id, &error, backoff(m.attempts, permanent)).await?;
            }
        }
    }
    Ok(sent)
}

async fn send_one(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    m: &OutgoingMail,
    limit: Duration,
) -> Result<(), (String, bool)> {
    let from = m.sender.parse().map_err(|e| (format!("sender: {e}"), true))?;
    let to = m.recipient.parse().map_err(|e| (format!("recipient: {e}"), true))?;
    let envelope = Envelope::new(Some(from), vec![to]).map_err(|e| (format!("envelope: {e}"), true))?;
    match tokio::time::timeout(limit, transport.send_raw(&envelope, m.body.as_bytes())).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err((e.to_string(), e.is_permanent())),
        Err(_) => Err((format!("no answer within {} s", limit.as_secs()), false)),
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backs_off_to_an_hour() {
        assert_eq!(backoff(0, false), 30);
        assert_eq!(backoff(1, false), 60);
        assert_eq!(backoff(10, false), 3_600);
        assert_eq!(backoff(0, true), 86_400);
    }
}
