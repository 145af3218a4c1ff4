//! Reminders by e-mail: the alarms (VALARM, any ACTION) of the own calendars of the users who
//! asked for them in their settings, mailed when they trigger. Each reminder's Message-ID is
//! a digest of what makes it one (user, calendar, UID, instance, alarm, trigger), and the
//! outbox keeps one message per Message-ID: a window looked at again (after a restart, or by
//! two nodes) queues nothing twice, and the mail job sends what is queued at least once.

use sha2::{Digest, Sha256};

use crate::core::{Error, Result};

use super::imip::Reader;
use super::{Calendars, PrincipalKind};

/// Most reminders queued per pass (the rest come in the next).
const MAX_PER_PASS: usize = 10_000;

impl Calendars<'_> {
    /// Queues the reminders due in `(from, to]`; how many were new. The system actor only
    /// (the reminder job).
    pub async fn queue_reminders(&self, from: i64, to: i64) -> Result<usize> {
        if !self.actor.is_system() {
            return Err(Error::forbidden());
        }
        let Some(sender) = self.core.settings().mail_from.clone() else {
            return Ok(0);
        };
        let utc = caldav::FloatingZone::utc();
        let mut queued = 0;
        for id in self.store().users_with_mail_reminders().await? {
            let Some(user) = self.store().principal_by_id(id).await? else {
                continue;
            };
            let Some(email) = user
                .email
                .clone()
                .filter(|_| user.active && user.kind == PrincipalKind::User)
            else {
                continue;
            };
            // Written in the user's language, times in their zone (else English, UTC).
            let settings = self.store().user_settings(id).await?;
            let reader = Reader::of(&[Some(&settings)]);
            for coll in self.store().collections_of(id, "calendar").await? {
                for item in self.store().items_overlapping(coll.id, from, to).await? {
                    for due in caldav::reminders::alarms_due(item.data.as_bytes(), from, to, &utc) {
                        if queued == MAX_PER_PASS {
                            return Ok(queued);
                        }
                        let key = format!(
                            "{id}\n{}\n{}\n{:?}\n{}\n{}",
                            coll.id, item.uid, due.starts, due.alarm, due.at
                        );
                        let message_id = format!("<reminder-{}@portico>", hex::encode(&Sha256::digest(key)[..16]));
                        let body = super::imip::reminder(
                            (sender.as_str(), email.as_str()),
                            &message_id,
                            &reader,
                            due.summary.as_deref().unwrap_or(""),
                            due.starts,
                            due.location.as_deref(),
                        )?;
                        if self
                            .store()
                            .enqueue_mail_once(&message_id, &sender, &email, &body)
                            .await?
                        {
                            queued += 1;
                        }
                    }
                }
            }
        }
        Ok(queued)
    }
}
