//! Reminders by e-mail: the alarms (VALARM, any ACTION) of the own calendars of the users who
//! asked for them in their settings, mailed when they trigger. Each reminder's Message-ID is
//! a digest of what makes it one (user, calendar, UID, instance, alarm, trigger), and the
//! outbox keeps one message per Message-ID: a window looked at again (after a restart, or by
//! two nodes) queues nothing twice, and the mail job sends what is queued at least once.

use sha2::{Digest, Sha256};

use crate::core::{Error, Result};

use super::imip::Reader;
use super::{Calendars, PrincipalKind};

/// Most new reminders queued per pass (the rest come in the next).
pub const MAX_PER_PASS: usize = 10_000;
/// The job whose mark ([`crate::store::repos::JobRepo`]) says up to when every reminder is queued.
const JOB: &str = "reminders";
/// How far back the reminder job looks when it has no mark (its first start).
const FIRST_LOOK_BACK_SECONDS: i64 = 600;
/// How far back it looks at most after a stop: a reminder more than a day late helps nobody.
const MAX_LOOK_BACK_SECONDS: i64 = 86_400;

/// What one look at a range of time did.
struct Pass {
    /// Reminders queued that were not queued before.
    queued: usize,
    /// Whether the whole range was looked at (else `limit` new ones stopped the pass).
    complete: bool,
}

impl Calendars<'_> {
    /// Queues the reminders due in `(from, to]`; how many were new. The system actor only
    /// (the reminder job).
    pub async fn queue_reminders(&self, from: i64, to: i64) -> Result<usize> {
        Ok(self.reminders_in(from, to, usize::MAX).await?.queued)
    }

    /// The reminder job's pass at `now`: queues, at most `limit` new ones, the reminders due
    /// since the job's mark — the end of its last complete pass, kept in the database, so a
    /// stop of any length up to a day loses none — and moves the mark to `now` once the whole
    /// range was looked at (a pass cut short by `limit` leaves it, and the next pass goes on
    /// from the same place: what is queued already is not counted again). How many were new.
    /// The system actor only.
    pub async fn queue_due_reminders(&self, now: i64, limit: usize) -> Result<usize> {
        if !self.actor.is_system() {
            return Err(Error::forbidden());
        }
        let mark = self.store().job_mark(JOB).await?;
        let from = mark
            .unwrap_or(now - FIRST_LOOK_BACK_SECONDS)
            .clamp(now - MAX_LOOK_BACK_SECONDS, now);
        let pass = self.reminders_in(from, now, limit).await?;
        if pass.complete {
            self.store().set_job_mark(JOB, now).await?;
        }
        Ok(pass.queued)
    }

    async fn reminders_in(&self, from: i64, to: i64, limit: usize) -> Result<Pass> {
        if !self.actor.is_system() {
            return Err(Error::forbidden());
        }
        let Some(sender) = self.core.settings().mail_from.clone() else {
            return Ok(Pass {
                queued: 0,
                complete: true,
            });
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
                        if queued == limit {
                            return Ok(Pass {
                                queued,
                                complete: false,
                            });
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
        Ok(Pass { queued, complete: true })
    }
}
