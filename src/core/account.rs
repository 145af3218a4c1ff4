//! The actor's own account: the language and time zone the web UI uses for them.

use crate::core::{Actor, Core, Error, Result};
pub use crate::store::UserSettings;

/// The languages the web UI speaks.
pub const LOCALES: [&str; 2] = ["en", "ru"];

/// The actor's own settings.
pub struct Account<'a> {
    core: &'a Core,
    actor: &'a Actor,
}

impl<'a> Account<'a> {
    pub(super) fn new(core: &'a Core, actor: &'a Actor) -> Self {
        Account { core, actor }
    }

    fn signed_in(&self) -> Result<i64> {
        let p = self.actor.principal();
        if self.actor.is_system() || !p.active || p.id <= 0 {
            return Err(Error::forbidden());
        }
        Ok(p.id)
    }

    /// The actor's settings (defaults when they chose nothing).
    pub async fn settings(&self) -> Result<UserSettings> {
        let id = self.signed_in()?;
        Ok(self.core.store.user_settings(id).await?)
    }

    /// Chooses a language (`en`, `ru`, or `None` to follow the browser) and a time zone
    /// (an IANA name such as `Europe/Moscow`, or `None` for UTC).
    pub async fn set_settings(&self, locale: Option<&str>, time_zone: Option<&str>) -> Result<()> {
        let id = self.signed_in()?;
        if let Some(l) = locale
            && !LOCALES.contains(&l)
        {
            return Err(Error::invalid(format!(
                "language {l:?} must be one of {}",
                LOCALES.join(", ")
            )));
        }
        if let Some(tz) = time_zone
            && caldav::FloatingZone::from_id(tz).is_none()
        {
            return Err(Error::invalid(format!("{tz:?} is not a known time zone")));
        }
        let settings = UserSettings {
            locale: locale.map(str::to_owned),
            time_zone: time_zone.map(str::to_owned),
            mail_invitations: false,
            mail_reminders: false,
        };
        Ok(self.core.store.set_user_settings(id, &settings).await?)
    }

    /// Whether the actor gets the alarms of their calendars by e-mail.
    pub async fn set_mail_reminders(&self, on: bool) -> Result<()> {
        let id = self.signed_in()?;
        Ok(self.core.store.set_mail_reminders(id, on).await?)
    }

    /// Whether the actor also gets colleagues' meeting invitations by e-mail.
    pub async fn set_mail_invitations(&self, on: bool) -> Result<()> {
        let id = self.signed_in()?;
        Ok(self.core.store.set_mail_invitations(id, on).await?)
    }
}
