//! The server side of `DAV:sync-collection` (RFC 6578 §3) shared by the CalDAV and CardDAV
//! handlers: the client's token is checked against the collection's change log, one page of
//! changes after it is read (at most the client's `DAV:limit`, never more than
//! `SYNC_PAGE_MAX`), and the answer lists changed members, removed ones as 404, a 507 on
//! the collection when the page was cut short, and the token to continue from. It costs
//! O(changes), never O(collection).

use dav::{Multistatus, Status};
use http::StatusCode;

use super::error::AppError;
use crate::caldav::{parse_sync_token, sync_token};
use crate::store::{Collection, Item, Store};

/// Most members one sync-collection answer lists; the client continues with the token.
const SYNC_PAGE_MAX: i64 = 1000;

/// One page of a collection's changes after a client's token.
pub struct SyncPage {
    collection_id: i64,
    /// The sequence number the client's token stands for (0: initial sync).
    since: i64,
    /// Each changed member by name with its current item (`None`: removed).
    changes: Vec<(String, Option<Item>)>,
    /// Whether more changes follow this page.
    truncated: bool,
    /// The sequence number the answer's token stands for.
    next: i64,
}

impl SyncPage {
    /// Reads the page after `token` (absent or empty: an initial sync). An unknown token is
    /// refused with 403 `DAV:valid-sync-token`; `what` names the collection in the reason.
    pub async fn read(
        store: &Store,
        coll: &Collection,
        token: Option<&str>,
        limit: Option<u32>,
        what: &str,
    ) -> Result<SyncPage, AppError> {
        let since = match token.filter(|t| !t.is_empty()) {
            None => 0,
            Some(token) => parse_sync_token(token, coll.id)
                .filter(|seq| *seq <= coll.sync_seq)
                .ok_or_else(|| AppError::Dav {
                    status: StatusCode::FORBIDDEN,
                    reason: format!("the sync token is not one this {what} issued"),
                    condition: Some(dav::conditions::valid_sync_token()),
                })?,
        };
        let page = limit.map_or(SYNC_PAGE_MAX, |l| i64::from(l).clamp(1, SYNC_PAGE_MAX));
        let mut log = store.changes_since(coll.id, since, page + 1).await?;
        let truncated = log.len() as i64 > page;
        log.truncate(usize::try_from(page).unwrap_or(usize::MAX));
        let next = if truncated {
            log.last().map_or(since, |c| c.seq)
        } else {
            coll.sync_seq
        };
        let mut changes = Vec::with_capacity(log.len());
        for change in log {
            let item = if change.deleted != 0 {
                None
            } else {
                store.item(coll.id, &change.name).await?
            };
            changes.push((change.name, item));
        }
        Ok(SyncPage {
            collection_id: coll.id,
            since,
            changes,
            truncated,
            next,
        })
    }

    /// Writes the page into `ms`: each existing member through `respond`, each removed one
    /// as 404 at `member_href` (not on an initial sync, which lists only what exists,
    /// §3.4), a 507 at `collection_href` with `DAV:number-of-matches-within-limits` when the
    /// page was cut short (§3.6), and the new token.
    pub fn answer(
        &self,
        ms: &mut Multistatus,
        collection_href: String,
        member_href: impl Fn(&str) -> String,
        mut respond: impl FnMut(&Item) -> Result<dav::Response, AppError>,
    ) -> Result<(), AppError> {
        for (name, item) in &self.changes {
            match item {
                None if self.since == 0 => {}
                None => ms.push(dav::Response::status(member_href(name), Status::NOT_FOUND)),
                Some(item) => ms.push(respond(item)?),
            }
        }
        if self.truncated {
            ms.push(crate::http::dav_util::truncated(collection_href));
        }
        ms.set_sync_token(sync_token(self.collection_id, self.next));
        Ok(())
    }
}
