//! The `sessions` table: browser sessions behind the session cookie (token hashes only).

use super::{Store, StoreError, now};

/// Browser sessions.
#[async_trait::async_trait]
pub trait SessionRepo: Send + Sync {
    async fn create_session(&self, token_sha256: &str, principal_id: i64, ttl_seconds: i64) -> Result<(), StoreError>;

    /// The principal id of an unexpired session.
    async fn session_principal(&self, token_sha256: &str) -> Result<Option<i64>, StoreError>;

    async fn delete_session(&self, token_sha256: &str) -> Result<(), StoreError>;

    /// Deletes expired sessions; returns how many.
    async fn purge_expired_sessions(&self) -> Result<u64, StoreError>;
}

#[async_trait::async_trait]
impl SessionRepo for Store {
    async fn create_session(&self, token_sha256: &str, principal_id: i64, ttl_seconds: i64) -> Result<(), StoreError> {
        let t = now();
        sqlx::query(
            "INSERT INTO sessions (token_sha256, principal_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_sha256)
        .bind(principal_id)
        .bind(t)
        .bind(t + ttl_seconds)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn session_principal(&self, token_sha256: &str) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT principal_id FROM sessions WHERE token_sha256 = $1 AND expires_at > $2")
                .bind(token_sha256)
                .bind(now())
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(id,)| id))
    }

    async fn delete_session(&self, token_sha256: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
            .bind(token_sha256)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn purge_expired_sessions(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
