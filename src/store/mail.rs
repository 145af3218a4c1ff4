//! The `mail_outbox` table: mail waiting to be sent (iMIP invitations), written in the
//! transaction that decides to send it ([`OutboxWrites::enqueue_mail`]) and taken off by the mail
//! job once the SMTP server accepted it. A failed attempt is retried later with back-off.

use sqlx::FromRow;

use super::{ScheduleTx, Store, StoreError, now};

/// A message to send.
#[derive(Debug, Clone, FromRow)]
pub struct OutgoingMail {
    pub id: i64,
    pub message_id: String,
    /// The envelope sender.
    pub sender: String,
    /// The envelope recipient.
    pub recipient: String,
    /// The whole RFC 5322 message.
    pub body: String,
    pub attempts: i64,
}

/// What the outbox holds, for `/metrics` and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxCounts {
    pub waiting: i64,
    pub sent: i64,
}

/// Mail queued in a unit of work, sent only if it commits.
#[async_trait::async_trait]
pub trait OutboxWrites: Send {
    /// Queues a message, sent once this transaction commits.
    async fn enqueue_mail(
        &mut self,
        message_id: &str,
        sender: &str,
        recipient: &str,
        body: &str,
    ) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl OutboxWrites for ScheduleTx {
    async fn enqueue_mail(
        &mut self,
        message_id: &str,
        sender: &str,
        recipient: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        let at = now();
        sqlx::query(
            "INSERT INTO mail_outbox (message_id, sender, recipient, body, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(message_id)
        .bind(sender)
        .bind(recipient)
        .bind(body)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

/// The mail outbox, as the sending job sees it.
#[async_trait::async_trait]
pub trait MailRepo: Send + Sync {
    /// Queues a message unless one with its Message-ID was queued before (a reminder found
    /// again after a restart); true when it was queued now.
    async fn enqueue_mail_once(
        &self,
        message_id: &str,
        sender: &str,
        recipient: &str,
        body: &str,
    ) -> Result<bool, StoreError>;

    /// Unsent messages whose next attempt is due, oldest first.
    async fn mail_due(&self, limit: i64) -> Result<Vec<OutgoingMail>, StoreError>;

    async fn mail_sent(&self, id: i64) -> Result<(), StoreError>;

    /// Records a failed attempt; the next one waits `retry_in_seconds`.
    async fn mail_failed(&self, id: i64, error: &str, retry_in_seconds: i64) -> Result<(), StoreError>;

    async fn mail_counts(&self) -> Result<OutboxCounts, StoreError>;
}

#[async_trait::async_trait]
impl MailRepo for Store {
    async fn enqueue_mail_once(
        &self,
        message_id: &str,
        sender: &str,
        recipient: &str,
        body: &str,
    ) -> Result<bool, StoreError> {
        let at = now();
        let done = sqlx::query(
            "INSERT INTO mail_outbox (message_id, sender, recipient, body, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (message_id) DO NOTHING",
        )
        .bind(message_id)
        .bind(sender)
        .bind(recipient)
        .bind(body)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn mail_due(&self, limit: i64) -> Result<Vec<OutgoingMail>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, message_id, sender, recipient, body, attempts FROM mail_outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
        )
        .bind(now())
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    async fn mail_sent(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn mail_failed(&self, id: i64, error: &str, retry_in_seconds: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(now().saturating_add(retry_in_seconds))
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn mail_counts(&self) -> Result<OutboxCounts, StoreError> {
        let (waiting,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
            .fetch_one(self.pool())
            .await?;
        let (sent,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL")
            .fetch_one(self.pool())
            .await?;
        Ok(OutboxCounts { waiting, sent })
    }
}
