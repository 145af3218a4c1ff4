//! The `user_settings` table: a user's language and time zone for the web UI, and whether
//! they also get colleagues' meeting invitations and their own reminders by e-mail.

use super::{Store, StoreError};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserSettings {
    pub locale: Option<String>,
    pub time_zone: Option<String>,
    pub mail_invitations: bool,
    pub mail_reminders: bool,
}

impl Store {
    async fn set_mail_choice(&self, upsert: &'static str, principal_id: i64, on: bool) -> Result<(), StoreError> {
        sqlx::query(upsert)
            .bind(principal_id)
            .bind(i64::from(on))
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// A user's settings.
#[async_trait::async_trait]
pub trait SettingsRepo: Send + Sync {
    async fn user_settings(&self, principal_id: i64) -> Result<UserSettings, StoreError>;

    /// Whether the user also gets colleagues' invitations by e-mail.
    async fn set_mail_invitations(&self, principal_id: i64, on: bool) -> Result<(), StoreError>;

    /// Whether the user gets their alarms by e-mail.
    async fn set_mail_reminders(&self, principal_id: i64, on: bool) -> Result<(), StoreError>;

    /// The users who get their alarms by e-mail.
    async fn users_with_mail_reminders(&self) -> Result<Vec<i64>, StoreError>;

    /// The language and time zone (the e-mail choices are kept).
    async fn set_user_settings(&self, principal_id: i64, s: &UserSettings) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl SettingsRepo for Store {
    async fn user_settings(&self, principal_id: i64) -> Result<UserSettings, StoreError> {
        let row: Option<(Option<String>, Option<String>, i64, i64)> = sqlx::query_as(
            "SELECT locale, time_zone, mail_invitations, mail_reminders FROM user_settings WHERE principal_id = $1",
        )
        .bind(principal_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(
            row.map_or_else(UserSettings::default, |(locale, time_zone, mail, reminders)| {
                UserSettings {
                    locale,
                    time_zone,
                    mail_invitations: mail != 0,
                    mail_reminders: reminders != 0,
                }
            }),
        )
    }

    async fn set_mail_invitations(&self, principal_id: i64, on: bool) -> Result<(), StoreError> {
        self.set_mail_choice(
            "INSERT INTO user_settings (principal_id, mail_invitations) VALUES ($1, $2) \
             ON CONFLICT (principal_id) DO UPDATE SET mail_invitations = $2",
            principal_id,
            on,
        )
        .await
    }

    async fn set_mail_reminders(&self, principal_id: i64, on: bool) -> Result<(), StoreError> {
        self.set_mail_choice(
            "INSERT INTO user_settings (principal_id, mail_reminders) VALUES ($1, $2) \
             ON CONFLICT (principal_id) DO UPDATE SET mail_reminders = $2",
            principal_id,
            on,
        )
        .await
    }

    async fn users_with_mail_reminders(&self) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT principal_id FROM user_settings WHERE mail_reminders <> 0 ORDER BY principal_id")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn set_user_settings(&self, principal_id: i64, s: &UserSettings) -> Result<(), StoreError> {
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
