//! `DAV:sync-collection` (RFC 6578 §3) for CalDAV and CardDAV: the token format, its
//! check against the collection (403 `DAV:valid-sync-token` for one it did not issue), and
//! the answer built from a page of the change log that the service read — changed members,
//! removed ones as 404 (not on an initial sync, §3.4), a 507 on the collection when the page
//! was cut short (§3.6), and the token to continue from. It costs O(changes), never
//! O(collection).

use dav::{Multistatus, Status};
use http::StatusCode;

use crate::core::calendars::{Changes, Collection, Item};
use crate::edge::error::AppError;

/// The RFC 6578 token for a collection at a sequence number.
pub fn sync_token(collection_id: i64, seq: i64) -> String {
    format!("urn:portico:sync:{collection_id}:{seq}")
}

/// The sequence number in a token of this collection; None for anything else.
pub fn parse_sync_token(token: &str, collection_id: i64) -> Option<i64> {
    let rest = token.strip_prefix("urn:portico:sync:")?;
    let (id, seq) = rest.split_once(':')?;
    (id.parse::<i64>().ok()? == collection_id).then_some(())?;
    seq.parse::<i64>().ok().filter(|s| *s >= 0)
}

/// The point of `coll`'s log a client's token stands for (absent or empty: 0, an initial
/// sync); `what` names the collection in the refusal.
pub fn since(coll: &Collection, token: Option<&str>, what: &str) -> Result<i64, AppError> {
    match token.filter(|t| !t.is_empty()) {
        None => Ok(0),
        Some(token) => parse_sync_token(token, coll.id)
            .filter(|seq| *seq <= coll.sync_seq)
            .ok_or_else(|| AppError::Dav {
                status: StatusCode::FORBIDDEN,
                reason: format!("the sync token is not one this {what} issued"),
                condition: Some(dav::conditions::valid_sync_token()),
            }),
    }
}

/// Writes a page of changes into `ms`: each existing member through `respond`, each removed
/// one as 404 at `member_href`, the 507 when cut short, and the new token.
pub fn answer(
    ms: &mut Multistatus,
    coll: &Collection,
    page: &Changes,
    collection_href: String,
    member_href: impl Fn(&str) -> String,
    mut respond: impl FnMut(&Item) -> Result<dav::Response, AppError>,
) -> Result<(), AppError> {
    for (name, item) in &page.changes {
        match item {
            None if page.since == 0 => {}
            None => ms.push(dav::Response::status(member_href(name), Status::NOT_FOUND)),
            Some(item) => ms.push(respond(item)?),
        }
    }
    if page.truncated {
        ms.push(super::util::truncated(collection_href));
    }
    ms.set_sync_token(sync_token(coll.id, page.next));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_tokens_round_trip_per_collection() {
        let t = sync_token(7, 42);
        assert_eq!(parse_sync_token(&t, 7), Some(42));
        assert_eq!(parse_sync_token(&t, 8), None, "another collection's token");
        assert_eq!(parse_sync_token("http://other/sync/1", 7), None);
        assert_eq!(parse_sync_token("urn:portico:sync:7:-1", 7), None);
        assert_eq!(parse_sync_token("urn:portico:sync:7:x", 7), None);
    }
}
