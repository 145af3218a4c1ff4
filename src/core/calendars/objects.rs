//! What is in a calendar: objects read as the actor may see them, written with the RFC 4791
//! §4.1 and §5.3.2.1 rules and the entity-tag conditions, and the change log behind sync.
//!
//! The client's bytes are stored and returned exactly as sent; the ETag is a digest of them,
//! so it changes only when the content does. A reader who may not see everything gets each
//! object reduced ([`visible_data`]) before anything else looks at it, so filters cannot
//! probe hidden text.

use std::borrow::Cow;
use std::collections::HashMap;

use caldav::Reduction;
use dav::Preconditions;
use sha2::{Digest, Sha256};

use crate::core::documents::check_preconditions;
use crate::core::{Error, ErrorKind, Result};
use crate::store::{Collection, Item, ItemCondition, ItemMeta, ItemPutOutcome, MovedFrom, NewItem};

use super::scheduling::Scheduled;
use super::{CalendarRef, CalendarView, Calendars};

/// What calendar objects may be, advertised on every calendar (RFC 4791 §5.2.5–§5.2.9).
pub const LIMITS: caldav::Limits = caldav::Limits::DEFAULT;

/// Most changes one sync answer lists; the client continues with the token.
const SYNC_PAGE_MAX: i64 = 1000;

/// A calendar object to store.
pub struct PutObject {
    pub bytes: bytes::Bytes,
    /// The request's media type, when it named one.
    pub content_type: Option<String>,
    pub preconditions: Preconditions,
    /// RFC 6638 §3.3 If-Schedule-Tag-Match: write only over the object with this Schedule-Tag.
    pub schedule_tag_match: Option<String>,
}

/// What a write left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub created: bool,
    pub etag: String,
    /// The server stored something else than the client sent (scheduling added delivery
    /// statuses): the answer must not give an ETag (RFC 4791 §5.3.4).
    pub altered: bool,
    /// The Schedule-Tag of a scheduling object resource (RFC 6638 §3.2.10).
    pub schedule_tag: Option<String>,
}

/// One page of a collection's changes after a sequence number (RFC 6578).
pub struct Changes {
    /// The sequence number the client's token stood for (0: initial sync).
    pub since: i64,
    /// Each changed member by name with its current item (`None`: removed).
    pub changes: Vec<(String, Option<Item>)>,
    /// Whether more changes follow this page.
    pub truncated: bool,
    /// The sequence number to continue from.
    pub next: i64,
}

/// A strong ETag for stored bytes.
pub fn etag_of(data: &[u8]) -> String {
    hex::encode(&Sha256::digest(data)[..20])
}

/// What a viewer may see of an object: everything for the owner and readers (private
/// events excepted), times and titles or times only for the reduced modes. RFC 5545
/// CLASS:PRIVATE/CONFIDENTIAL events are always reduced to busy for non-owners.
pub fn visible_data(view: CalendarView, data: &str) -> Result<Cow<'_, str>> {
    let reduction = match view {
        CalendarView::Owner => return Ok(Cow::Borrowed(data)),
        _ if caldav::is_private(data.as_bytes()) => Reduction::BusyOnly,
        CalendarView::Write | CalendarView::Read => return Ok(Cow::Borrowed(data)),
        CalendarView::Titles => Reduction::Titles,
        CalendarView::BusyOnly | CalendarView::None => Reduction::BusyOnly,
    };
    caldav::reduce(data.as_bytes(), reduction)
        .map(Cow::Owned)
        .map_err(|e| Error::internal(format!("reducing a stored object: {e}")))
}

/// `item` as `view` shows it. A reduced object gets an entity tag of its own, so that a
/// reduced copy written back cannot match the stored object's tag.
fn reduced(view: CalendarView, mut item: Item) -> Result<Item> {
    if let Cow::Owned(visible) = visible_data(view, &item.data)? {
        item.etag = etag_of(visible.as_bytes());
        item.data = visible;
    }
    Ok(item)
}

fn refused(e: caldav::ObjectError) -> Error {
    Error::with_condition(ErrorKind::Forbidden, e.precondition(), e.to_string())
}

/// How an object is written: under which condition, as the destination of a MOVE from
/// where, and with which Schedule-Tag.
struct How<'a> {
    condition: &'a ItemCondition,
    moved: Option<&'a MovedFrom<'a>>,
    schedule_tag: Option<&'a str>,
}

/// A COPY or MOVE.
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    pub is_move: bool,
    pub overwrite: bool,
}

/// `bytes` checked as an object of the calendar `c`: size, iCalendar and CalDAV rules, the
/// calendar's component set (each refusal with its RFC 4791 precondition), and UTF-8.
async fn validated(c: &CalendarRef, bytes: bytes::Bytes) -> Result<(caldav::CalendarObject, String)> {
    if bytes.len() as u64 > LIMITS.max_resource_size {
        return Err(Error::with_condition(
            ErrorKind::Forbidden,
            caldav::conditions::max_resource_size(),
            format!("a calendar object may have at most {} bytes", LIMITS.max_resource_size),
        ));
    }
    let allowed: Vec<caldav::ComponentKind> = c
        .coll
        .components
        .split(',')
        .filter_map(caldav::ComponentKind::from_name)
        .collect();
    // Parsing a megabyte of iCalendar is CPU work: off the async workers.
    let (object, bytes) = crate::core::cpu_work(bytes.len(), move || {
        let object = caldav::validate_object(&bytes, &allowed, &LIMITS);
        (object, bytes)
    })
    .await?;
    let object = object.map_err(refused)?;
    let data = String::from_utf8(bytes.to_vec()).map_err(|_| {
        Error::with_condition(
            ErrorKind::Forbidden,
            caldav::conditions::valid_calendar_data(),
            "calendar data must be UTF-8",
        )
    })?;
    Ok((object, data))
}

/// Reads the change log page after `since` (`limit` at most, never more than a server
/// page), with each changed item as it is now.
pub(crate) async fn read_changes(
    store: &dyn crate::store::Storage,
    coll: &Collection,
    since: i64,
    limit: Option<u32>,
) -> Result<Changes> {
    let page = limit.map_or(SYNC_PAGE_MAX, |l| i64::from(l).clamp(1, SYNC_PAGE_MAX));
    let mut log = store.changes_since(coll.id, since, page + 1).await?;
    let truncated = log.len() as i64 > page;
    log.truncate(usize::try_from(page).unwrap_or(usize::MAX));
    let next = if truncated {
        log.last().map_or(since, |c| c.seq)
    } else {
        coll.sync_seq
    };
    let present: Vec<&str> = log.iter().filter(|c| c.deleted == 0).map(|c| c.name.as_str()).collect();
    let mut items: HashMap<String, Item> = store
        .items_named(coll.id, &present)
        .await?
        .into_iter()
        .map(|i| (i.name.clone(), i))
        .collect();
    let changes = log
        .into_iter()
        .map(|change| {
            let item = if change.deleted != 0 {
                None
            } else {
                items.remove(&change.name)
            };
            (change.name, item)
        })
        .collect();
    Ok(Changes {
        since,
        changes,
        truncated,
        next,
    })
}

/// `found` (objects read by name, in any order) as the answer to `names`: each name with its
/// object or none, in the order asked; a name asked twice gets its object twice.
pub(crate) fn in_order_asked(names: &[&str], found: Vec<Item>) -> Vec<Option<Item>> {
    let mut found: HashMap<String, Item> = found.into_iter().map(|i| (i.name.clone(), i)).collect();
    let mut asked: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    for n in names {
        *asked.entry(n).or_default() += 1;
    }
    names
        .iter()
        .map(|n| match asked.get_mut(n) {
            // Copies for all but the last time a name is asked.
            Some(left) if *left > 1 => {
                *left -= 1;
                found.get(*n).cloned()
            }
            _ => found.remove(*n),
        })
        .collect()
}

impl Calendars<'_> {
    /// One object as the actor may see it.
    pub async fn object(&self, c: &CalendarRef, name: &str) -> Result<Option<Item>> {
        match self.store().item(c.coll.id, name).await? {
            Some(item) => Ok(Some(reduced(c.view, item)?)),
            None => Ok(None),
        }
    }

    /// The objects of `names` as the actor may see them, each name with its object if there
    /// is one, in the order asked (a multiget's hrefs).
    pub async fn objects_named(&self, c: &CalendarRef, names: &[&str]) -> Result<Vec<Option<Item>>> {
        let found = self.store().items_named(c.coll.id, names).await?;
        let found = found
            .into_iter()
            .map(|i| reduced(c.view, i))
            .collect::<Result<Vec<_>>>()?;
        Ok(in_order_asked(names, found))
    }

    /// Every object as the actor may see it.
    pub async fn objects(&self, c: &CalendarRef) -> Result<Vec<Item>> {
        let items = self.store().items_all(c.coll.id).await?;
        items.into_iter().map(|i| reduced(c.view, i)).collect()
    }

    /// Objects whose stored time index overlaps `[start, end]` (the candidates of a
    /// time-range query; the filter decides exactly), as the actor may see them.
    pub async fn objects_overlapping(&self, c: &CalendarRef, start: i64, end: i64) -> Result<Vec<Item>> {
        let items = self.store().items_overlapping(c.coll.id, start, end).await?;
        items.into_iter().map(|i| reduced(c.view, i)).collect()
    }

    /// The objects a free-busy query (RFC 4791 §7.10) reads: only their busy times reach the
    /// answer, which every reader may see, so they come unreduced.
    pub async fn free_busy_sources(&self, c: &CalendarRef, start: i64, end: i64) -> Result<Vec<Item>> {
        if c.view < CalendarView::BusyOnly {
            return Err(Error::forbidden());
        }
        Ok(self.store().items_overlapping(c.coll.id, start, end).await?)
    }

    /// The objects' names, ETags, sizes and kinds, without their bodies. Sizes are of the
    /// stored object: a reduced reader's listing reads the bodies instead.
    pub async fn object_metas(&self, c: &CalendarRef) -> Result<Vec<ItemMeta>> {
        Ok(self.store().item_metas(c.coll.id).await?)
    }

    /// The changes after `since` (RFC 6578), as the actor may see them. `since` must be a
    /// point of this calendar's log (the caller read it from a token it issued).
    pub async fn changes(&self, c: &CalendarRef, since: i64, limit: Option<u32>) -> Result<Changes> {
        if since > c.coll.sync_seq {
            return Err(Error::invalid("the sync token is from the future"));
        }
        let mut page = read_changes(self.store(), &c.coll, since, limit).await?;
        for (_, item) in &mut page.changes {
            if let Some(i) = item.take() {
                *item = Some(reduced(c.view, i)?);
            }
        }
        Ok(page)
    }

    /// The whole calendar as one iCalendar file, each object as the actor may see it.
    pub async fn export(&self, c: &CalendarRef) -> Result<String> {
        calendar_text(self.store(), &c.coll, c.view).await
    }

    /// PUT of an object: media type, size, iCalendar and CalDAV rules (with the RFC 4791
    /// precondition of each refusal), entity-tag conditions, and a unique UID.
    pub async fn put_object(&self, c: &CalendarRef, name: &str, put: PutObject) -> Result<Written> {
        if c.view < CalendarView::Write {
            return Err(Error::forbidden());
        }
        if let Some(ctype) = &put.content_type
            && !caldav::is_supported_media_type(ctype)
        {
            return Err(Error::with_condition(
                ErrorKind::Forbidden,
                caldav::conditions::supported_calendar_data(),
                format!("calendar objects must be text/calendar, not {ctype}"),
            ));
        }
        let (object, data) = validated(c, put.bytes).await?;
        if c.view != CalendarView::Owner
            && let Some(stored) = self.store().item(c.coll.id, name).await?
            && caldav::is_private(stored.data.as_bytes())
        {
            // The writer sees it reduced to busy: writing would replace what they cannot see.
            return Err(Error::forbidden_because(
                "a private event can only be changed by the owner of its calendar",
            ));
        }
        // RFC 4791 §5.3.2.1: a PUT may not change the UID of an existing resource.
        if let Some(stored_uid) = self.store().item_uid(c.coll.id, name).await?
            && stored_uid != object.uid
        {
            return Err(Error::with_condition(
                ErrorKind::Conflict,
                caldav::conditions::no_uid_conflict(&crate::core::urls::object_href(&c.home_login, &c.segment, name)),
                format!("the object here has UID {stored_uid}; a PUT cannot change it"),
            ));
        }
        let mut condition = self.pinned_condition(c, name, &put.preconditions).await?;
        if let Some(want) = &put.schedule_tag_match {
            // RFC 6638 §3.3: only over the object whose Schedule-Tag the client saw; the write
            // then requires that object's state, so a delivery meanwhile fails it.
            let stored = self.store().item_meta(c.coll.id, name).await?;
            match stored {
                Some(meta) if meta.schedule_tag.as_deref() == Some(want.as_str()) => {
                    condition = ItemCondition::MatchEtag(meta.etag);
                }
                _ => {
                    return Err(Error::precondition_failed(
                        "the Schedule-Tag changed (If-Schedule-Tag-Match): read the object again",
                    ));
                }
            }
        }
        let tag = match self.put_scheduled(c, name, &object, &data, &condition).await? {
            Scheduled::Done(written) => return Ok(written),
            Scheduled::Plain(tag) => tag,
        };
        let how = How {
            condition: &condition,
            moved: None,
            schedule_tag: tag.as_deref(),
        };
        self.store_object(c, name, &object, &data, how).await
    }

    /// COPY or MOVE of an object to `to_name` in the calendar `to` (RFC 4918 §9.8–§9.9, with
    /// the destination's RFC 4791 §5.3.2.1 preconditions). A MOVE writes the destination and
    /// removes the source in one transaction. Answers whether the destination was created.
    pub async fn copy_object(
        &self,
        from: &CalendarRef,
        name: &str,
        to: &CalendarRef,
        to_name: &str,
        t: Transfer,
    ) -> Result<bool> {
        let needed = if t.is_move {
            CalendarView::Write
        } else {
            CalendarView::Read
        };
        if from.view < needed || to.view < CalendarView::Write {
            return Err(Error::forbidden());
        }
        if from.coll.id == to.coll.id && name == to_name {
            return Err(Error::forbidden_because("the source and the destination are the same"));
        }
        let item = self
            .store()
            .item(from.coll.id, name)
            .await?
            .ok_or_else(Error::not_found)?;
        if from.view != CalendarView::Owner && caldav::is_private(item.data.as_bytes()) {
            return Err(Error::forbidden_because(
                "a private event can only be copied or moved by the owner of its calendar",
            ));
        }
        let existing = self.store().item_meta(to.coll.id, to_name).await?;
        if existing.is_some() && !t.overwrite {
            return Err(Error::precondition_failed("the Destination exists and Overwrite is F"));
        }
        let (object, data) = validated(to, bytes::Bytes::from(item.data.clone())).await?;
        let condition = match &existing {
            Some(meta) => ItemCondition::MatchEtag(meta.etag.clone()),
            None => ItemCondition::MustNotExist,
        };
        let moved = MovedFrom {
            collection_id: from.coll.id,
            name,
            etag: &item.etag,
        };
        let tag = t.is_move.then_some(item.schedule_tag.as_deref()).flatten();
        let how = How {
            condition: &condition,
            moved: t.is_move.then_some(&moved),
            schedule_tag: tag,
        };
        self.store_object(to, to_name, &object, &data, how)
            .await
            .map(|w| w.created)
    }

    /// Writes a validated object as `how` says (and, for a MOVE, removes its source in the
    /// same transaction).
    async fn store_object(
        &self,
        c: &CalendarRef,
        name: &str,
        object: &caldav::CalendarObject,
        data: &str,
        how: How<'_>,
    ) -> Result<Written> {
        let How {
            condition,
            moved,
            schedule_tag,
        } = how;
        let etag = etag_of(data.as_bytes());
        let new = NewItem {
            name,
            uid: &object.uid,
            etag: &etag,
            component: object.kind.name(),
            data,
            time_start: object.index.start,
            time_end: object.index.end,
            is_oof: object.is_out_of_office,
            schedule_tag,
        };
        let outcome = match moved {
            Some(from) => self.store().move_item(c.coll.id, &new, condition, from).await?,
            None => self.store().put_item(c.coll.id, &new, condition).await?,
        };
        written(c, object, outcome, etag, schedule_tag)
    }

    /// The store condition for a conditional write: the conditions are evaluated on the
    /// current state, which the write then requires, so a concurrent change fails it.
    async fn pinned_condition(&self, c: &CalendarRef, name: &str, pre: &Preconditions) -> Result<ItemCondition> {
        if pre.is_empty() {
            return Ok(ItemCondition::Any);
        }
        let current = self.store().item_meta(c.coll.id, name).await?.map(|m| m.etag);
        check_preconditions(pre, current.as_deref())?;
        Ok(match current {
            Some(etag) => ItemCondition::MatchEtag(etag),
            None => ItemCondition::MustNotExist,
        })
    }

    /// DELETE of an object (with RFC 6638 §3.3 If-Schedule-Tag-Match when given).
    pub async fn delete_object(
        &self,
        c: &CalendarRef,
        name: &str,
        pre: &Preconditions,
        schedule_tag_match: Option<&str>,
    ) -> Result<()> {
        if c.view < CalendarView::Write {
            return Err(Error::forbidden());
        }
        let current = self
            .store()
            .item_meta(c.coll.id, name)
            .await?
            .ok_or_else(Error::not_found)?;
        check_preconditions(pre, Some(&current.etag))?;
        if schedule_tag_match.is_some_and(|want| current.schedule_tag.as_deref() != Some(want)) {
            return Err(Error::precondition_failed(
                "the Schedule-Tag changed (If-Schedule-Tag-Match): read the object again",
            ));
        }
        let if_match = (!pre.is_empty() || schedule_tag_match.is_some()).then_some(current.etag.as_str());
        if self.delete_scheduled(c, name, if_match).await? {
            return Ok(());
        }
        delete_matching(self.store(), c.coll.id, name, if_match).await
    }
}

/// What a write's outcome means for the client.
pub(super) fn written(
    c: &CalendarRef,
    object: &caldav::CalendarObject,
    outcome: ItemPutOutcome,
    etag: String,
    schedule_tag: Option<&str>,
) -> Result<Written> {
    let done = |created| Written {
        created,
        etag: etag.clone(),
        altered: false,
        schedule_tag: schedule_tag.map(str::to_owned),
    };
    match outcome {
        ItemPutOutcome::Created => Ok(done(true)),
        ItemPutOutcome::Replaced => Ok(done(false)),
        ItemPutOutcome::PreconditionFailed => Err(Error::precondition_failed(
            "the object changed meanwhile (If-Match / If-None-Match)",
        )),
        ItemPutOutcome::UidConflict { name: other } => Err(Error::with_condition(
            ErrorKind::Conflict,
            caldav::conditions::no_uid_conflict(&crate::core::urls::object_href(&c.home_login, &c.segment, &other)),
            format!("another object of this calendar has UID {}", object.uid),
        )),
    }
}

/// Deletes an item under the request's conditions (404 when absent).
pub(crate) async fn delete_item(
    store: &dyn crate::store::Storage,
    coll: &Collection,
    name: &str,
    pre: &Preconditions,
) -> Result<()> {
    let current = store.item_meta(coll.id, name).await?.ok_or_else(Error::not_found)?;
    check_preconditions(pre, Some(&current.etag))?;
    let expected = (!pre.is_empty()).then_some(current.etag.as_str());
    delete_matching(store, coll.id, name, expected).await
}

/// Deletes an item whose ETag is `if_match` (any when none): 412 when it changed meanwhile,
/// 404 when it went.
async fn delete_matching(
    store: &dyn crate::store::Storage,
    collection_id: i64,
    name: &str,
    if_match: Option<&str>,
) -> Result<()> {
    if store.delete_item(collection_id, name, if_match).await? {
        Ok(())
    } else if store.item_meta(collection_id, name).await?.is_some() {
        Err(Error::precondition_failed("the object changed meanwhile"))
    } else {
        Err(Error::not_found())
    }
}

/// A calendar's objects as one iCalendar file, each reduced to what `view` shows (a GET on
/// the calendar, and the secret feed).
async fn calendar_text(store: &dyn crate::store::Storage, coll: &Collection, view: CalendarView) -> Result<String> {
    let items = store.items_all(coll.id).await?;
    let mut visible = Vec::with_capacity(items.len());
    for item in &items {
        visible.push(visible_data(view, &item.data)?.into_owned());
    }
    let name = coll.displayname.as_deref().unwrap_or(&coll.slug);
    Ok(caldav::merge_objects(visible.iter().map(|v| v.as_bytes()), Some(name)))
}

/// The secret feed of a calendar (`/ical/{token}.ics`): the token is the credential, and
/// the feed shows what the visibility mode shows colleagues — everything for `all`, times
/// and titles for `titles`, times only for `busy` and `private` — and private events only
/// as busy. `None` for an unknown token.
pub async fn feed(core: &crate::core::Core, token: &str) -> Result<Option<String>> {
    let Some(coll) = core.store.collection_by_feed_token(token).await? else {
        return Ok(None);
    };
    let view = match coll.visibility.as_str() {
        "all" => CalendarView::Read,
        "titles" => CalendarView::Titles,
        _ => CalendarView::BusyOnly,
    };
    Ok(Some(calendar_text(&*core.store, &coll, view).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str) -> Item {
        Item {
            name: name.into(),
            uid: name.into(),
            etag: name.into(),
            component: "VEVENT".into(),
            data: String::new(),
            modified_at: 0,
            schedule_tag: None,
        }
    }

    #[test]
    fn objects_come_back_in_the_order_asked() {
        let names = ["a", "missing", "b", "a"];
        let got: Vec<Option<String>> = in_order_asked(&names, vec![item("b"), item("a")])
            .into_iter()
            .map(|i| i.map(|i| i.name))
            .collect();
        assert_eq!(got, [Some("a".into()), None, Some("b".into()), Some("a".into())]);
        assert!(in_order_asked(&[], Vec::new()).is_empty());
    }
}
