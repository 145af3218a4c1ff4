//! The `user_settings` table: a user's language and time zone for the web UI.

use sqlx::FromRow;

use super::{Store, StoreError};

#[derive(Debug, Clone, Default, PartialEq, Eq, FromRow)]
pub struct UserSettings {
    pub locale: Option<String>,
    pub time_zone: Option<String>,
}

impl Store {
    pub async fn user_settings(&self, principal_id: i64) -> Result<UserSettings, StoreError> {
        let row: Option<UserSettings> =
            sqlx::query_as("SELECT locale, time_zone FROM user_settings WHERE principal_id = $1")
                .bind(principal_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.unwrap_or_default())
    }

    pub async fn set_user_settings(&self, principal_id: i64, s: &UserSettings) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_settings (principal_id, locale, time_zone) VALUES ($1, $2, $3) \
             ON CONFLICT (principal_id) DO UPDATE SET locale = $2, time_zone = $3",
        )
        .bind(principal_id)
        .bind(&s.locale)
        .bind(&s.time_zone)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
