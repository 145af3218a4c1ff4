//! The `app_passwords` table: per-device secrets for sync clients, listable and revocable.
//!
//! Only the SHA-256 of a secret is stored. The secrets are 160-bit random strings made by
//! the server, so a fast hash is enough (argon2 is for human-chosen passwords).

use sqlx::FromRow;

use super::{Store, StoreError, now};

#[derive(Debug, Clone, FromRow)]
pub struct AppPassword {
    pub id: i64,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// App passwords: per-device secrets for sync clients.
#[async_trait::async_trait]
pub trait AppPasswordRepo: Send + Sync {
    async fn create_app_password(
        &self,
        principal_id: i64,
        label: &str,
        secret_sha256: &str,
    ) -> Result<AppPassword, StoreError>;

    async fn list_app_passwords(&self, principal_id: i64) -> Result<Vec<AppPassword>, StoreError>;

    /// Revokes one app password of `principal_id`; false when it was not theirs or is gone.
    async fn revoke_app_password(&self, principal_id: i64, id: i64) -> Result<bool, StoreError>;

    /// Finds the app password of `principal_id` with this secret hash and records its use.
    ///
    /// Looks first and writes only on a match: most Basic logins carry the account password,
    /// and an `UPDATE` that matches nothing still takes SQLite's write lock on every request.
    async fn use_app_password(&self, principal_id: i64, secret_sha256: &str) -> Result<bool, StoreError>;
}

#[async_trait::async_trait]
impl AppPasswordRepo for Store {
    async fn create_app_password(
        &self,
        principal_id: i64,
        label: &str,
        secret_sha256: &str,
    ) -> Result<AppPassword, StoreError> {
        let row = sqlx::query_as(
            "INSERT INTO app_passwords (principal_id, label, secret_sha256, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id, label, created_at, last_used_at",
        )
        .bind(principal_id)
        .bind(label)
        .bind(secret_sha256)
        .bind(now())
        .fetch_one(self.pool())
        .await?;
        Ok(row)
    }

    async fn list_app_passwords(&self, principal_id: i64) -> Result<Vec<AppPassword>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, label, created_at, last_used_at FROM app_passwords \
             WHERE principal_id = $1 ORDER BY id",
        )
        .bind(principal_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn revoke_app_password(&self, principal_id: i64, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM app_passwords WHERE id = $1 AND principal_id = $2")
            .bind(id)
            .bind(principal_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn use_app_password(&self, principal_id: i64, secret_sha256: &str) -> Result<bool, StoreError> {
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM app_passwords WHERE principal_id = $1 AND secret_sha256 = $2")
                .bind(principal_id)
                .bind(secret_sha256)
                .fetch_optional(self.pool())
                .await?;
        let Some((id,)) = found else {
            return Ok(false);
        };
        let done = sqlx::query("UPDATE app_passwords SET last_used_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
