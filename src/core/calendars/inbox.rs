//! Schedule inboxes (RFC 6638 §2.2): the REQUEST, CANCEL and REPLY messages scheduling
//! delivered to a calendar user, which only they list, read and remove.

use dav::Preconditions;

use crate::core::authz::{Action, Resource, can};
use crate::core::documents::check_preconditions;
use crate::core::{Error, Result};
use crate::store::InboxItem;

use super::{Calendars, Principal};

impl Calendars<'_> {
    /// The owner of the schedule inbox or outbox of `login`, when the actor is them (404 for
    /// unknown logins, 403 for anyone else).
    pub async fn schedule_box(&self, login: &str, action: Action) -> Result<Principal> {
        let owner = self.principal(login).await?;
        if !self.actor.is_system() && !can(self.me(), action, Resource::ScheduleBox { owner: &owner }) {
            return Err(Error::forbidden());
        }
        Ok(owner)
    }

    pub async fn inbox_items(&self, owner: &Principal) -> Result<Vec<InboxItem>> {
        Ok(self.store().inbox_items(owner.id).await?)
    }

    pub async fn inbox_item(&self, owner: &Principal, name: &str) -> Result<Option<InboxItem>> {
        Ok(self.store().inbox_item(owner.id, name).await?)
    }

    /// Removes a message under the request's conditions (404 when absent).
    pub async fn delete_inbox_item(&self, owner: &Principal, name: &str, pre: &Preconditions) -> Result<()> {
        let current = self
            .store()
            .inbox_item(owner.id, name)
            .await?
            .ok_or_else(Error::not_found)?;
        check_preconditions(pre, Some(&current.etag))?;
        let expected = (!pre.is_empty()).then_some(current.etag.as_str());
        if self.store().delete_inbox_item(owner.id, name, expected).await? {
            Ok(())
        } else {
            Err(Error::precondition_failed("the message changed or went meanwhile"))
        }
    }
}
