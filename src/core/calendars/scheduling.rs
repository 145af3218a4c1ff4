//! Implicit scheduling between the company's own calendar users (RFC 6638 §3.2).
//!
//! When the owner of a calendar organizes a meeting, their write delivers it: each internal
//! attendee gets a copy in their default calendar (kept in step with every later write, their
//! own alarms and TRANSP kept) and a REQUEST in their schedule inbox; an attendee taken off
//! the meeting, or everyone when it is cancelled or deleted, gets a cancelled copy and a
//! CANCEL. Rooms answer by themselves: ACCEPTED when the slot is free in their calendar,
//! DECLINED on a conflict (the check and the booking run under the room's lock) or when the
//! organizer may not book the room (`rooms`). The
//! organizer's copy gets each delivery's SCHEDULE-STATUS (and the rooms' PARTSTAT), so the
//! server changed what the client sent and the PUT answer carries no ETag (RFC 4791 §5.3.4).
//!
//! When the owner attends a meeting of a colleague, a change of their PARTSTAT (or deleting
//! their copy: DECLINED) is a REPLY: the organizer's copy takes the answer with
//! SCHEDULE-STATUS 2.0 and the organizer's inbox gets the REPLY.
//!
//! Schedule-Tags (RFC 6638 §3.2.10) change with consequential changes only: an organizer's
//! write and each delivery to an attendee get a new one; a reply applied to the organizer's
//! copy and an attendee's own write keep theirs, so an attendee's If-Schedule-Tag-Match
//! PUT fails only when the organizer changed the meeting meanwhile.
//!
//! Every write here and all it derives commit in one transaction (a [`UnitOfWork`]): a reader
//! sees the delivery right after the PUT, and a crash leaves all of it or none. SCHEDULE-AGENT
//! CLIENT or NONE (RFC 6638 §7.1) keeps the server out, on the ORGANIZER for replies and on
//! each ATTENDEE for deliveries.
//!
//! Colleagues who asked for it in their settings also get each REQUEST and CANCEL by mail.
//!
//! Guests outside the company (an address no principal has) get the REQUEST or CANCEL by mail
//! (iMIP, `imip`), queued in the same transaction in the durable outbox the mail job sends
//! from, and SCHEDULE-STATUS 1.1 (sent); without an SMTP server configured they get nothing
//! and no status.
//!
//! A guest's invitation carries signed answer links when the server has a public address
//! (`answer_links`); their answers, by link or by mailed REPLY, are taken in `guests`.
//!
//! A write grantee who organizes a meeting in someone else's calendar (their own address as
//! ORGANIZER, as clients write it) makes it the owner's: ORGANIZER the owner with SENT-BY the
//! grantee (`itip::organized_for`), delivered as the owner's.
//!
//! A recurring booking that conflicts with a room's other bookings in some instances only is
//! accepted but for those: they become overrides of the organizer's copy in which the room
//! declined, and the room's copy leaves them out (`caldav::booking`).
//!
//! Not yet here (issue 12): rooms that need a manager's approval.

use caldav::itip::{self, Agent, Answer, Delivery, Meeting, Method, Party};
use sha2::{Digest, Sha256};

use crate::core::{Error, Result, urls};
use crate::store::{Collection, Item, ItemCondition, ItemPutOutcome, NewItem, OwnedItem, UnitOfWork, UserSettings};

use super::answer_links;
use super::imip::{self, Letter, Parties, Reader};
use super::invitations::Reply;
use super::objects::{LIMITS, Written, etag_of};
use super::{CalendarRef, Calendars, Principal, PrincipalKind};

/// How far ahead a room looks for conflicts of an open-ended recurring booking.
const ROOM_HORIZON_SECONDS: i64 = 2 * 366 * 86_400;

/// SCHEDULE-STATUS codes (RFC 5546 §3.6).
const DELIVERED: &str = "1.2";
const SENT: &str = "1.1";
pub(super) const REPLY_APPLIED: &str = "2.0";

/// Whether a calendar user address names this principal: its e-mail (any case) or its
/// principal URL (absolute or not).
pub(super) fn is_address_of(p: &Principal, key: &str) -> bool {
    p.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(key))
        || key.ends_with(&urls::principal_href(&p.login))
        || key.ends_with(urls::principal_href(&p.login).trim_end_matches('/'))
}

fn internal(e: caldav::ObjectError) -> Error {
    Error::internal(format!("deriving a scheduling message: {e}"))
}

/// Whether the text names an ORGANIZER anywhere (property names are case-insensitive).
fn names_organizer(data: &str) -> bool {
    data.as_bytes().windows(9).any(|w| w.eq_ignore_ascii_case(b"ORGANIZER"))
}

/// Whether scheduling delivers to a principal: an active person or room.
fn schedulable(p: &Principal) -> bool {
    p.active && matches!(p.kind, PrincipalKind::User | PrincipalKind::Resource)
}

/// A stored object's name for a delivered copy: a digest of its UID (URL-safe, stable).
fn copy_name(uid: &str) -> String {
    format!("{}.ics", hex::encode(&Sha256::digest(uid.as_bytes())[..16]))
}

/// A name for an inbox message.
fn message_name() -> String {
    format!("{}.ics", crate::core::auth::random_token())
}

/// How a PUT was handled by scheduling.
pub(super) enum Scheduled {
    /// Written, with everything it derived.
    Done(Written),
    /// Scheduling has nothing to do: store the object as sent, with this Schedule-Tag.
    Plain(Option<String>),
}

/// A fresh Schedule-Tag.
fn new_tag() -> String {
    crate::core::auth::random_token()
}

/// What a scheduling write owes one internal attendee.
struct Target {
    address: String,
    principal: Principal,
    /// Their default calendar (for a first copy).
    calendar: Collection,
}

/// The index of derived data, for the row that stores it.
fn indexed(data: &str) -> Result<caldav::CalendarObject> {
    caldav::validate_object(data.as_bytes(), &[], &LIMITS).map_err(internal)
}

impl Calendars<'_> {
    /// The principal a calendar user address names (by principal URL or e-mail), whatever
    /// its kind and state.
    async fn principal_named(&self, address: &str) -> Result<Option<Principal>> {
        Ok(if let Some((_, rest)) = address.split_once("/principals/users/") {
            self.store().principal_by_login(rest.trim_end_matches('/')).await?
        } else if address.contains('@') {
            self.store().principal_by_email(address).await?
        } else {
            None
        })
    }

    /// The principal a calendar user address names, when it is an active person or room.
    pub(super) async fn principal_for(&self, address: &str) -> Result<Option<Principal>> {
        Ok(self.principal_named(address).await?.filter(schedulable))
    }

    /// Whether an address no principal has gets mail: a mail address, and SMTP configured.
    fn mails_guest(&self, address: &str) -> bool {
        self.core.settings().mail_from.is_some() && address.contains('@') && !address.contains('/')
    }

    /// A principal's schedule-default-calendar: its calendar `calendar`, else its first one
    /// that holds `kind`.
    pub async fn default_calendar(&self, p: &Principal, kind: &str) -> Result<Option<Collection>> {
        if p.kind == PrincipalKind::User {
            self.ensure_defaults(p).await?;
        }
        let all = self.store().collections_of(p.id, "calendar").await?;
        Ok(all
            .iter()
            .find(|c| c.slug == "calendar" && c.components.split(',').any(|k| k == kind))
            .or_else(|| all.iter().find(|c| c.components.split(',').any(|k| k == kind)))
            .cloned())
    }

    /// The attendees the server schedules for (SCHEDULE-AGENT=SERVER, not the organizer), each
    /// address looked up once: the company's people and rooms with their default calendars,
    /// and the guests outside it that get mail.
    async fn recipients<'m>(
        &self,
        attendees: impl Iterator<Item = &'m Party>,
        organizer: &Principal,
        kind: &str,
    ) -> Result<(Vec<Target>, Vec<&'m Party>)> {
        let mut targets: Vec<Target> = Vec::new();
        let mut guests = Vec::new();
        for a in attendees.filter(|a| a.agent == Agent::Server) {
            if is_address_of(organizer, &a.address) {
                continue;
            }
            match self.principal_named(&a.address).await? {
                Some(p) if schedulable(&p) && !targets.iter().any(|t| t.principal.id == p.id) => {
                    if let Some(calendar) = self.default_calendar(&p, kind).await? {
                        targets.push(Target {
                            address: a.address.clone(),
                            principal: p,
                            calendar,
                        });
                    }
                }
                None if self.mails_guest(&a.address) => guests.push(a),
                _ => {}
            }
        }
        Ok((targets, guests))
    }

    /// A PUT of `data` into `c` when scheduling applies to it; [`Scheduled::Plain`] when it
    /// does not (the caller stores the object as it is, with the Schedule-Tag given).
    pub(super) async fn put_scheduled(
        &self,
        c: &CalendarRef,
        name: &str,
        object: &caldav::CalendarObject,
        data: &str,
        condition: &ItemCondition,
    ) -> Result<Scheduled> {
        // Most objects are no meetings: a scan for the property name spares them a second parse.
        if !names_organizer(data) {
            return Ok(Scheduled::Plain(None));
        }
        let Some(m) = itip::meeting(data.as_bytes()) else {
            return Ok(Scheduled::Plain(None));
        };
        let old = self.store().item(c.coll.id, name).await?;
        let kept_tag = || {
            old.as_ref()
                .and_then(|o| o.schedule_tag.clone())
                .unwrap_or_else(new_tag)
        };
        let owner = &c.owner;
        if owner.kind != PrincipalKind::User || old.as_ref().is_some_and(|o| o.data == data) {
            return Ok(Scheduled::Plain(Some(kept_tag())));
        }
        let actor = self.me();
        if actor.id != owner.id
            && actor.kind == PrincipalKind::User
            && m.organizer.agent == Agent::Server
            && is_address_of(actor, &m.organizer.address)
        {
            // A write grantee organizes in the owner's calendar: the owner organizes, sent by
            // the grantee.
            let (Some(owner_email), Some(actor_email)) = (&owner.email, &actor.email) else {
                return Ok(Scheduled::Plain(None));
            };
            let Some(theirs) = itip::organized_for(
                data.as_bytes(),
                &format!("mailto:{owner_email}"),
                Some(&owner.display_name),
                &format!("mailto:{actor_email}"),
            ) else {
                return Err(Error::invalid("the organizer's address cannot be written"));
            };
            let object = indexed(&theirs)?;
            let Some(m) = itip::meeting(theirs.as_bytes()) else {
                return Ok(Scheduled::Plain(None));
            };
            let old_meeting = old.as_ref().and_then(|o| itip::meeting(o.data.as_bytes()));
            let news = is_news(old.as_ref(), old_meeting.as_ref(), &m, &theirs);
            let mut written = self
                .organize(c, name, &object, &theirs, &m, old_meeting.as_ref(), news, condition)
                .await?;
            written.altered = true;
            return Ok(Scheduled::Done(written));
        }
        if is_address_of(owner, &m.organizer.address) {
            if m.organizer.agent != Agent::Server {
                return Ok(Scheduled::Plain(Some(new_tag())));
            }
            let old_meeting = old.as_ref().and_then(|o| itip::meeting(o.data.as_bytes()));
            let news = is_news(old.as_ref(), old_meeting.as_ref(), &m, data);
            return self
                .organize(c, name, object, data, &m, old_meeting.as_ref(), news, condition)
                .await
                .map(Scheduled::Done);
        }
        let Some(me) = m.attendees.iter().find(|a| is_address_of(owner, &a.address)) else {
            return Ok(Scheduled::Plain(None));
        };
        let before = old
            .as_ref()
            .map(|o| itip::answers(o.data.as_bytes(), &me.address))
            .unwrap_or_default();
        let now = itip::answers(data.as_bytes(), &me.address);
        if now == before || m.organizer.agent != Agent::Server {
            return Ok(Scheduled::Plain(Some(kept_tag())));
        }
        let mut tx = self.store().begin_scheduling().await?;
        let written = write_own(&mut *tx, c, name, object, data, condition, &kept_tag()).await?;
        self.reply(&mut *tx, &m, &me.address, data, &now).await?;
        tx.commit().await?;
        Ok(Scheduled::Done(written))
    }

    /// The organizer's write and its deliveries (see the module doc).
    #[allow(clippy::too_many_arguments)]
    async fn organize(
        &self,
        c: &CalendarRef,
        name: &str,
        object: &caldav::CalendarObject,
        data: &str,
        m: &Meeting,
        old: Option<&Meeting>,
        news: bool,
        condition: &ItemCondition,
    ) -> Result<Written> {
        let kind = object.kind.name();
        let (targets, guests) = self.recipients(m.attendees.iter(), &c.owner, kind).await?;
        // Guests outside the company get mail: a first invitation, a new SEQUENCE (a change
        // that matters, RFC 5546 §2.1.4), SCHEDULE-FORCE-SEND or the cancellation; and a
        // CANCEL when taken off the meeting.
        let mut mail: Vec<(String, Method)> = Vec::new();
        let mut removed = Vec::new();
        if let Some(old) = old {
            for a in old.attendees.iter().filter(|a| a.agent == Agent::Server) {
                if m.attendee(&a.address).is_some_and(|n| n.agent == Agent::Server)
                    || is_address_of(&c.owner, &a.address)
                {
                    continue;
                }
                match self.principal_named(&a.address).await? {
                    Some(p) if schedulable(&p) => removed.push((a.address.clone(), p)),
                    None if m.attendee(&a.address).is_none() && self.mails_guest(&a.address) => {
                        mail.push((a.address.clone(), Method::Cancel));
                    }
                    _ => {}
                }
            }
        }
        for g in guests {
            let before = old.and_then(|o| o.attendee(&g.address));
            let changed = match old {
                None => true,
                Some(o) => before.is_none() || m.sequence > o.sequence || (m.cancelled && !o.cancelled),
            };
            if changed || g.force_send {
                let method = if m.cancelled { Method::Cancel } else { Method::Request };
                mail.push((g.address.clone(), method));
            }
        }
        let mut tx = self.store().begin_scheduling().await?;
        // Rooms decide first, each under its lock, in one order (no deadlock between two bookings).
        let mut rooms: Vec<&Target> = targets
            .iter()
            .filter(|t| t.principal.kind == PrincipalKind::Resource)
            .collect();
        rooms.sort_by_key(|t| t.calendar.id);
        let mut deliveries = Vec::new();
        // Rooms that accept a recurring booking except some instances, with those instances.
        let mut partly: Vec<(String, Vec<i64>)> = Vec::new();
        for room in rooms {
            let allowed = self.may_book(&c.owner, &room.principal).await?;
            tx.lock_collection(room.calendar.id).await?;
            let answer = if m.cancelled {
                RoomAnswer::Free
            } else if !allowed {
                RoomAnswer::Busy
            } else {
                room_answer(&mut *tx, room.calendar.id, &m.uid, data, &object.index).await?
            };
            if let RoomAnswer::Partly(instances) = &answer {
                partly.push((room.address.clone(), instances.clone()));
            }
            deliveries.push(Delivery {
                address: room.address.clone(),
                status: DELIVERED,
                partstat: Some(if answer == RoomAnswer::Busy {
                    "DECLINED"
                } else {
                    "ACCEPTED"
                }),
            });
        }
        for t in targets.iter().filter(|t| t.principal.kind == PrincipalKind::User) {
            deliveries.push(Delivery {
                address: t.address.clone(),
                status: DELIVERED,
                partstat: None,
            });
        }
        for (address, _) in mail.iter().filter(|(a, _)| m.attendee(a).is_some()) {
            deliveries.push(Delivery {
                address: address.clone(),
                status: SENT,
                partstat: None,
            });
        }
        let mut stored = if deliveries.is_empty() {
            data.to_string()
        } else {
            itip::with_statuses(data.as_bytes(), &deliveries).map_err(internal)?
        };
        for (address, instances) in &partly {
            stored =
                caldav::booking::decline_instances(stored.as_bytes(), address, instances, &caldav::FloatingZone::utc())
                    .map_err(|e| Error::internal(format!("declining a room's instances: {e}")))?;
        }
        let mut written = write_own(&mut *tx, c, name, object, &stored, condition, &new_tag()).await?;
        written.altered = stored != data;
        for t in &targets {
            let declined = deliveries
                .iter()
                .any(|d| d.address == t.address && d.partstat == Some("DECLINED"));
            let existing = tx.item_of_owner_by_uid(t.principal.id, &m.uid).await?;
            if declined && !m.cancelled {
                // A room keeps only the bookings it accepted.
                if let Some(e) = existing {
                    tx.delete(e.collection_id, &e.item.name, None).await?;
                }
                continue;
            }
            let copy = if m.cancelled {
                match &existing {
                    Some(e) => itip::cancelled(e.item.data.as_bytes()).map_err(internal)?,
                    None => continue,
                }
            } else {
                let copy = itip::attendee_copy(stored.as_bytes(), existing.as_ref().map(|e| e.item.data.as_bytes()))
                    .map_err(internal)?;
                if t.principal.kind == PrincipalKind::Resource {
                    // A room's calendar is busy only in the instances it accepted.
                    caldav::booking::without_declined(copy.as_bytes(), &t.address, &caldav::FloatingZone::utc())
                        .map_err(|e| Error::internal(format!("a room's copy: {e}")))?
                } else {
                    copy
                }
            };
            // A write that is no news to attendees (alarms, stamps, statuses: see
            // `itip::significant_change`) keeps their copy's Schedule-Tag and sends no REQUEST.
            let forced = m.attendee(&t.address).is_some_and(|a| a.force_send);
            let tell = news || m.cancelled || forced || existing.is_none();
            match &existing {
                Some(e) if e.item.data == copy => {}
                Some(e) => {
                    let tag = match (&e.item.schedule_tag, tell) {
                        (Some(kept), false) => kept.clone(),
                        _ => new_tag(),
                    };
                    put_derived(&mut *tx, e.collection_id, &e.item.name, &copy, &tag).await?;
                }
                None => put_derived(&mut *tx, t.calendar.id, &copy_name(&m.uid), &copy, &new_tag()).await?,
            }
            if t.principal.kind == PrincipalKind::User && tell {
                let method = if m.cancelled { Method::Cancel } else { Method::Request };
                let msg = itip::message(stored.as_bytes(), method, None).map_err(internal)?;
                deliver(&mut *tx, &t.principal, &m.uid, &msg).await?;
                let letter = Letter {
                    method,
                    update: method == Method::Request && existing.is_some(),
                    summary: object.summary.as_deref().unwrap_or(""),
                    itip: &msg,
                    links: Vec::new(),
                };
                self.mail_colleague(&mut *tx, &c.owner, &t.principal, &letter).await?;
            }
        }
        for (address, p) in &removed {
            let Some(e) = tx.item_of_owner_by_uid(p.id, &m.uid).await? else {
                continue;
            };
            if p.kind == PrincipalKind::Resource {
                tx.delete(e.collection_id, &e.item.name, None).await?;
                continue;
            }
            let copy = itip::cancelled(e.item.data.as_bytes()).map_err(internal)?;
            put_derived(&mut *tx, e.collection_id, &e.item.name, &copy, &new_tag()).await?;
            let msg = itip::message(e.item.data.as_bytes(), Method::Cancel, Some(address)).map_err(internal)?;
            deliver(&mut *tx, p, &m.uid, &msg).await?;
            let letter = Letter {
                method: Method::Cancel,
                update: false,
                summary: object.summary.as_deref().unwrap_or(""),
                itip: &msg,
                links: Vec::new(),
            };
            self.mail_colleague(&mut *tx, &c.owner, p, &letter).await?;
        }
        let summary = object.summary.as_deref().unwrap_or("");
        for (address, method) in &mail {
            let only = (*method == Method::Cancel && !m.cancelled).then_some(address.as_str());
            let msg = itip::message(stored.as_bytes(), *method, only).map_err(internal)?;
            let links = match method {
                Method::Request => self.answer_urls(
                    &c.owner,
                    (&m.uid, itip::series_sequence(stored.as_bytes())),
                    address,
                    object.index.end,
                ),
                _ => Vec::new(),
            };
            let letter = Letter {
                method: *method,
                // Invited before: an updated invitation.
                update: *method == Method::Request && old.is_some_and(|o| o.attendee(address).is_some()),
                summary,
                itip: &msg,
                links,
            };
            self.mail(&mut *tx, &c.owner, address, None, &letter).await?;
        }
        tx.commit().await?;
        Ok(written)
    }

    /// The signed accept, tentative and decline links for `guest`'s invitation to the meeting
    /// `uid` ending at `ends`, when the server has a public address to link to.
    fn answer_urls(
        &self,
        organizer: &Principal,
        (uid, sequence): (&str, i64),
        guest: &str,
        ends: i64,
    ) -> Vec<(Reply, String)> {
        let Some(links) = self.core.settings().answer_links.as_ref() else {
            return Vec::new();
        };
        let nonce = crate::core::auth::random_token();
        let expires = answer_links::expiry(crate::core::now(), ends);
        [Reply::Accept, Reply::Tentative, Reply::Decline]
            .into_iter()
            .map(|reply| {
                let claims = answer_links::Claims {
                    sequence,
                    organizer: organizer.id,
                    uid: uid.to_owned(),
                    guest: guest.to_owned(),
                    answer: reply.as_str().to_owned(),
                    nonce: nonce.clone(),
                    expires,
                };
                (reply, links.url(&claims))
            })
            .collect()
    }

    /// The iMIP mail of a delivery to a colleague who asked for invitations by e-mail too
    /// (their settings), without answer links: they answer in their calendar.
    async fn mail_colleague(
        &self,
        tx: &mut dyn UnitOfWork,
        organizer: &Principal,
        to: &Principal,
        letter: &Letter<'_>,
    ) -> Result<()> {
        let Some(email) = to.email.as_deref() else {
            return Ok(());
        };
        if self.core.settings().mail_from.is_none() {
            return Ok(());
        }
        let settings = self.store().user_settings(to.id).await?;
        if !settings.mail_invitations {
            return Ok(());
        }
        self.mail(tx, organizer, email, Some(&settings), letter).await
    }

    /// Queues an iMIP mail to `to` in the scheduling transaction, written in the language and
    /// time zone of the recipient's `settings` (a colleague's), else of the organizer's (a
    /// guest outside the company has none), else in English with UTC times.
    async fn mail(
        &self,
        tx: &mut dyn UnitOfWork,
        organizer: &Principal,
        to: &str,
        settings: Option<&UserSettings>,
        letter: &Letter<'_>,
    ) -> Result<()> {
        let Some(from) = self.core.settings().mail_from.as_deref() else {
            return Ok(());
        };
        let organizers = match settings {
            Some(s) if Reader::settled_by(s) => None,
            _ => Some(self.store().user_settings(organizer.id).await?),
        };
        let reader = Reader::of(&[settings, organizers.as_ref()]);
        let parties = Parties {
            from,
            person: (&organizer.display_name, organizer.email.as_deref()),
            to,
        };
        let mail = imip::compose(&parties, &reader, letter)?;
        Ok(tx.enqueue_mail(&mail.message_id, from, to, &mail.body).await?)
    }

    /// An attendee's answers (`answers`, from their copy `data`) applied to the organizer's
    /// copy, with a REPLY in the organizer's inbox, inside `tx`. An organizer outside the
    /// company, or whose copy is gone, gets nothing (iMIP comes with issue 12).
    async fn reply(
        &self,
        tx: &mut dyn UnitOfWork,
        m: &Meeting,
        me: &str,
        data: &str,
        answers: &[Answer],
    ) -> Result<()> {
        let Some(organizer) = self.principal_for(&m.organizer.address).await? else {
            return Ok(());
        };
        let Some(theirs) = tx.item_of_owner_by_uid(organizer.id, &m.uid).await? else {
            return Ok(());
        };
        let updated =
            itip::with_answers(theirs.item.data.as_bytes(), me, answers, Some(REPLY_APPLIED)).map_err(internal)?;
        let msg = itip::message(data.as_bytes(), Method::Reply, Some(me)).map_err(internal)?;
        take_reply(tx, &organizer, &theirs, &updated, &msg).await
    }

    /// A DELETE of an object when scheduling applies to it: the organizer's cancels the
    /// meeting for every internal attendee, an attendee's declines it. `false` when scheduling
    /// does not apply (the caller deletes as usual).
    pub(super) async fn delete_scheduled(&self, c: &CalendarRef, name: &str, if_match: Option<&str>) -> Result<bool> {
        let owner = &c.owner;
        if owner.kind != PrincipalKind::User {
            return Ok(false);
        }
        let Some(item) = self.store().item(c.coll.id, name).await? else {
            return Ok(false);
        };
        if !names_organizer(&item.data) {
            return Ok(false);
        }
        let Some(m) = itip::meeting(item.data.as_bytes()) else {
            return Ok(false);
        };
        if is_address_of(owner, &m.organizer.address) {
            if m.organizer.agent != Agent::Server || m.cancelled {
                return Ok(false);
            }
            let (targets, guests) = self.recipients(m.attendees.iter(), owner, "VEVENT").await?;
            let mut tx = self.store().begin_scheduling().await?;
            if !tx.delete(c.coll.id, name, if_match).await? {
                return Err(Error::precondition_failed("the object changed meanwhile"));
            }
            if guests.is_empty() && targets.is_empty() {
                tx.commit().await?;
                return Ok(true);
            }
            // One CANCEL for everyone, mailed to the guests and delivered to the colleagues.
            let msg = itip::message(item.data.as_bytes(), Method::Cancel, None).map_err(internal)?;
            let summary = indexed(&item.data)?.summary.unwrap_or_default();
            let letter = Letter {
                method: Method::Cancel,
                update: false,
                summary: &summary,
                itip: &msg,
                links: Vec::new(),
            };
            for g in &guests {
                self.mail(&mut *tx, owner, &g.address, None, &letter).await?;
            }
            for t in &targets {
                let Some(e) = tx.item_of_owner_by_uid(t.principal.id, &m.uid).await? else {
                    continue;
                };
                if t.principal.kind == PrincipalKind::Resource {
                    tx.delete(e.collection_id, &e.item.name, None).await?;
                    continue;
                }
                let copy = itip::cancelled(e.item.data.as_bytes()).map_err(internal)?;
                put_derived(&mut *tx, e.collection_id, &e.item.name, &copy, &new_tag()).await?;
                deliver(&mut *tx, &t.principal, &m.uid, &msg).await?;
                self.mail_colleague(&mut *tx, owner, &t.principal, &letter).await?;
            }
            tx.commit().await?;
            return Ok(true);
        }
        let Some(me) = m.attendees.iter().find(|a| is_address_of(owner, &a.address)) else {
            return Ok(false);
        };
        if m.organizer.agent != Agent::Server || m.cancelled {
            return Ok(false);
        }
        let declined: Vec<Answer> = itip::answers(item.data.as_bytes(), &me.address)
            .into_iter()
            .map(|(k, _)| (k, "DECLINED".to_string()))
            .collect();
        let answer = itip::with_answers(item.data.as_bytes(), &me.address, &declined, None).map_err(internal)?;
        let mut tx = self.store().begin_scheduling().await?;
        if !tx.delete(c.coll.id, name, if_match).await? {
            return Err(Error::precondition_failed("the object changed meanwhile"));
        }
        self.reply(&mut *tx, &m, &me.address, &answer, &declined).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Whether an organizer's write of `data` (the meeting `m`) over `old` is news to attendees:
/// a first write, a higher SEQUENCE, or a change they care about (`itip::significant_change`).
fn is_news(old: Option<&Item>, old_meeting: Option<&Meeting>, m: &Meeting, data: &str) -> bool {
    match (old, old_meeting) {
        (Some(o), Some(om)) => m.sequence > om.sequence || itip::significant_change(o.data.as_bytes(), data.as_bytes()),
        _ => true,
    }
}

fn new_item<'a>(
    name: &'a str,
    object: &'a caldav::CalendarObject,
    etag: &'a str,
    data: &'a str,
    schedule_tag: Option<&'a str>,
) -> NewItem<'a> {
    NewItem {
        schedule_tag,
        name,
        uid: &object.uid,
        etag,
        component: object.kind.name(),
        data,
        time_start: object.index.start,
        time_end: object.index.end,
        is_oof: object.is_out_of_office,
    }
}

/// The scheduling user's own write, under the request's condition.
async fn write_own(
    tx: &mut dyn UnitOfWork,
    c: &CalendarRef,
    name: &str,
    object: &caldav::CalendarObject,
    data: &str,
    condition: &ItemCondition,
    schedule_tag: &str,
) -> Result<Written> {
    let etag = etag_of(data.as_bytes());
    let new = new_item(name, object, &etag, data, Some(schedule_tag));
    let outcome = tx.put(c.coll.id, &new, condition).await?;
    super::objects::written(c, object, outcome, etag, Some(schedule_tag))
}

/// A copy the server derived, stored whatever was there.
async fn put_derived(
    tx: &mut dyn UnitOfWork,
    collection_id: i64,
    name: &str,
    data: &str,
    schedule_tag: &str,
) -> Result<()> {
    let object = indexed(data)?;
    let etag = etag_of(data.as_bytes());
    let new = new_item(name, &object, &etag, data, Some(schedule_tag));
    match tx.put(collection_id, &new, &ItemCondition::Any).await? {
        ItemPutOutcome::Created | ItemPutOutcome::Replaced => Ok(()),
        other => Err(Error::internal(format!(
            "a delivered copy could not be stored: {other:?}"
        ))),
    }
}

/// A reply taken by the organizer's copy `theirs`: replaced by `updated` (when that differs,
/// and only if the copy is unchanged since it was read), and the REPLY `msg` in the
/// organizer's inbox.
pub(super) async fn take_reply(
    tx: &mut dyn UnitOfWork,
    organizer: &Principal,
    theirs: &OwnedItem,
    updated: &str,
    msg: &str,
) -> Result<()> {
    if updated != theirs.item.data {
        let object = indexed(updated)?;
        let etag = etag_of(updated.as_bytes());
        let new = new_item(
            &theirs.item.name,
            &object,
            &etag,
            updated,
            theirs.item.schedule_tag.as_deref(),
        );
        match tx
            .put(
                theirs.collection_id,
                &new,
                &ItemCondition::MatchEtag(theirs.item.etag.clone()),
            )
            .await?
        {
            ItemPutOutcome::Created | ItemPutOutcome::Replaced => {}
            _ => return Err(Error::precondition_failed("the organizer's copy changed meanwhile")),
        }
    }
    deliver(tx, organizer, &theirs.item.uid, msg).await
}

/// An iTIP message into a principal's schedule inbox.
async fn deliver(tx: &mut dyn UnitOfWork, to: &Principal, uid: &str, msg: &str) -> Result<()> {
    let etag = etag_of(msg.as_bytes());
    Ok(tx.add_to_inbox(to.id, &message_name(), uid, &etag, msg).await?)
}

/// How a room answers a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RoomAnswer {
    Free,
    Busy,
    /// A recurring booking free but for the instances starting at these times.
    Partly(Vec<i64>),
}

/// Whether a room's calendar has busy time overlapping the booking `data` (other than an
/// earlier version of the same booking), within its time index and the look-ahead horizon:
/// free, busy (a single event, or every instance), or busy in some instances of a series.
async fn room_answer(
    tx: &mut dyn UnitOfWork,
    calendar_id: i64,
    uid: &str,
    data: &str,
    index: &caldav::TimeIndex,
) -> Result<RoomAnswer> {
    let start = index.start;
    let end = index.end.min(start.saturating_add(ROOM_HORIZON_SECONDS));
    let others: Vec<_> = tx
        .items_overlapping(calendar_id, start, end)
        .await?
        .into_iter()
        .filter(|i| i.uid != uid)
        .collect();
    if others.is_empty() {
        return Ok(RoomAnswer::Free);
    }
    let range = caldav::TimeRange {
        start,
        end: end.saturating_add(1),
    };
    let zone = caldav::FloatingZone::utc();
    let theirs = caldav::busy_periods(others.iter().map(|i| i.data.as_bytes()), &range, &zone);
    let mine = caldav::occurrences([data.as_bytes()], &range, &zone);
    let clashing: Vec<&caldav::Occurrence> = mine
        .iter()
        .filter(|o| {
            theirs
                .iter()
                .any(|b| o.start < b.end && b.start < o.end.max(o.start + 1))
        })
        .collect();
    Ok(if clashing.is_empty() {
        RoomAnswer::Free
    } else if clashing.len() == mine.len() || clashing.iter().any(|o| o.recurrence_id.is_none()) {
        RoomAnswer::Busy
    } else {
        RoomAnswer::Partly(clashing.iter().filter_map(|o| o.recurrence_id).collect())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_organizer_in_any_case() {
        assert!(super::names_organizer("BEGIN:VEVENT\r\norganizer:mailto:a@x\r\n"));
        assert!(super::names_organizer("ORGANIZER;CN=A:mailto:a@x"));
        assert!(!super::names_organizer("BEGIN:VEVENT\r\nSUMMARY:Organize\r\n"));
    }
}
