//! The mail outbox as the mail job sees it: the messages due, and the outcome of each delivery
//! attempt. Only the system actor (the job) uses it; what goes into the outbox is decided by
//! scheduling (`calendars::scheduling`), in the transaction of the write that sends it.

use crate::core::{Actor, Core, Error, Result};
use crate::store::{OutgoingMail, Storage};

pub struct Outbox<'a> {
    core: &'a Core,
    actor: &'a Actor,
}

impl<'a> Outbox<'a> {
    pub(super) fn new(core: &'a Core, actor: &'a Actor) -> Self {
        Outbox { core, actor }
    }

    fn store(&self) -> Result<&dyn Storage> {
        if self.actor.is_system() {
            Ok(&*self.core.store)
        } else {
            Err(Error::forbidden())
        }
    }

    /// Unsent messages whose next attempt is due, oldest first, at most `limit`.
    pub async fn due(&self, limit: i64) -> Result<Vec<OutgoingMail>> {
        Ok(self.store()?.mail_due(limit).await?)
    }

    /// The SMTP server accepted the message.
    pub async fn sent(&self, id: i64) -> Result<()> {
        Ok(self.store()?.mail_sent(id).await?)
    }

    /// An attempt failed; the next waits `retry_in_seconds`.
    pub async fn failed(&self, id: i64, error: &str, retry_in_seconds: i64) -> Result<()> {
        Ok(self.store()?.mail_failed(id, error, retry_in_seconds).await?)
    }
}
