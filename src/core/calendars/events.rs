//! Events as the web UI's calendar shows and edits them: the occurrences of a range across
//! the calendars the actor sees (each reduced to what the actor may see), and events written
//! from a form — new, changed for the whole series or one occurrence, removed — through the
//! same PUT and DELETE rules as CalDAV (validation, the view's write right, the private-event
//! rule), each conditional on the entity tag it was read at, so a concurrent change from a
//! client is not overwritten (412).

use caldav::FloatingZone;
use caldav::compose::{self, ComposeError, EventFields, Invitee, MeetingFields};
use dav::{EntityTag, Preconditions, TagList};

use super::{CalendarRef, CalendarView, Calendars, PutObject};
use crate::core::{Error, ErrorKind, Principal, PrincipalKind, Result};

/// Most people and rooms one form invites.
const MAX_GUESTS: usize = 200;

fn invitee(p: &Principal, email: &str) -> Invitee {
    Invitee {
        email: email.to_owned(),
        name: Some(p.display_name.clone()),
        room: p.kind == PrincipalKind::Resource,
        partstat: "NEEDS-ACTION".into(),
    }
}

/// One occurrence on a calendar page.
#[derive(Debug, Clone)]
pub struct AgendaEntry {
    /// The index of its calendar in the list the page asked about.
    pub calendar: usize,
    /// The object's name in its calendar.
    pub object: String,
    pub occurrence: caldav::Occurrence,
}

/// Most objects one page reads from one calendar.
const PAGE_OBJECTS: usize = 5_000;

fn compose_error(e: ComposeError) -> Error {
    match e {
        ComposeError::Invalid(reason) => Error::invalid(reason),
        ComposeError::NoEvent | ComposeError::NoOccurrence => Error::not_found(),
        ComposeError::Unreadable(reason) => Error::internal(reason),
    }
}

pub(super) fn if_match(etag: &str) -> Preconditions {
    Preconditions {
        if_match: Some(TagList::Tags(vec![EntityTag {
            weak: false,
            opaque: etag.to_owned(),
        }])),
        ..Preconditions::default()
    }
}

impl Calendars<'_> {
    /// The occurrences in `[start, end)` of every calendar in `calendars`, sorted by start,
    /// as the actor may see them (private events and reduced views show as "busy").
    pub async fn agenda(
        &self,
        calendars: &[CalendarRef],
        start: i64,
        end: i64,
        zone: &FloatingZone,
    ) -> Result<Vec<AgendaEntry>> {
        let range = caldav::TimeRange::new(Some(start), Some(end))
            .ok_or_else(|| Error::invalid("the range must end after it starts"))?;
        let mut objects = Vec::new();
        for (i, c) in calendars.iter().enumerate() {
            if c.view < CalendarView::BusyOnly {
                continue;
            }
            let items = self.objects_overlapping(c, start, end).await?;
            objects.extend(items.into_iter().take(PAGE_OBJECTS).map(|item| (i, item)));
        }
        let zone = *zone;
        crate::core::cpu_work(usize::MAX, move || {
            let mut out = Vec::new();
            for (calendar, item) in &objects {
                for occurrence in caldav::occurrences([item.data.as_bytes()], &range, &zone) {
                    out.push(AgendaEntry {
                        calendar: *calendar,
                        object: item.name.clone(),
                        occurrence,
                    });
                }
            }
            out.sort_by_key(|e| (e.occurrence.start, e.occurrence.end));
            out
        })
        .await
    }

    /// The event `name` as the actor may see it, and its occurrence due at `at` (its
    /// RECURRENCE-ID in Unix seconds), or its first occurrence.
    pub async fn occurrence(
        &self,
        c: &CalendarRef,
        name: &str,
        at: Option<i64>,
        zone: &FloatingZone,
    ) -> Result<Option<caldav::Occurrence>> {
        const YEAR: i64 = 400 * 86_400;
        let Some(item) = self.object(c, name).await? else {
            return Ok(None);
        };
        let range = match at {
            Some(t) => caldav::TimeRange::new(Some(t.saturating_sub(YEAR)), Some(t.saturating_add(YEAR))),
            None => caldav::TimeRange::new(None, None),
        }
        .ok_or_else(|| Error::invalid("no such occurrence"))?;
        let zone = *zone;
        crate::core::cpu_work(usize::MAX, move || {
            caldav::occurrences([item.data.as_bytes()], &range, &zone)
                .into_iter()
                .find(|o| at.is_none() || o.recurrence_id == at)
        })
        .await
    }

    /// The event form's guest list for an event in `c`: `people` (colleagues by login or
    /// e-mail address, guests outside the company by address; separated by commas,
    /// semicolons or white space) and `rooms` (by login), organized by the calendar's owner.
    pub async fn guest_list(&self, c: &CalendarRef, people: &str, rooms: &[String]) -> Result<MeetingFields> {
        let mut attendees: Vec<Invitee> = Vec::new();
        let words = people
            .split(|ch: char| ch == ',' || ch == ';' || ch.is_whitespace())
            .filter(|w| !w.is_empty());
        for word in words.take(MAX_GUESTS + 1) {
            let word = word.trim_matches(|ch| ch == '<' || ch == '>');
            let found = if word.contains('@') {
                let address: lettre::Address = word
                    .parse()
                    .map_err(|_| Error::invalid(format!("{word} is not an e-mail address")))?;
                match self.store().principal_by_email(address.as_ref()).await? {
                    Some(p) if p.active => invitee(&p, p.email.as_deref().unwrap_or(word)),
                    _ => Invitee {
                        email: address.to_string(),
                        name: None,
                        room: false,
                        partstat: "NEEDS-ACTION".into(),
                    },
                }
            } else {
                let p = self
                    .store()
                    .principal_by_login(word)
                    .await?
                    .filter(|p| p.active && p.kind == PrincipalKind::User)
                    .ok_or_else(|| {
                        Error::invalid(format!("{word} is neither a colleague's login nor an e-mail address"))
                    })?;
                let email = p
                    .email
                    .clone()
                    .ok_or_else(|| Error::invalid(format!("{} has no e-mail address to invite", p.display_name)))?;
                invitee(&p, &email)
            };
            attendees.push(found);
        }
        for login in rooms.iter().take(MAX_GUESTS + 1) {
            let p = self
                .store()
                .principal_by_login(login)
                .await?
                .filter(|p| p.active && p.kind == PrincipalKind::Resource)
                .ok_or_else(|| Error::invalid(format!("there is no room {login}")))?;
            let email = p
                .email
                .clone()
                .ok_or_else(|| Error::invalid(format!("{} has no e-mail address to invite", p.display_name)))?;
            attendees.push(invitee(&p, &email));
        }
        if attendees.len() > MAX_GUESTS {
            return Err(Error::invalid(format!(
                "a meeting invites at most {MAX_GUESTS} people and rooms"
            )));
        }
        let owner = &c.owner;
        let email = match (&owner.email, attendees.is_empty()) {
            (Some(e), _) => e.clone(),
            (None, true) => String::new(),
            (None, false) => {
                return Err(Error::invalid(format!(
                    "{} has no e-mail address, which a meeting's organizer needs",
                    owner.display_name
                )));
            }
        };
        Ok(MeetingFields {
            organizer: Invitee {
                email,
                name: Some(owner.display_name.clone()),
                room: false,
                partstat: "ACCEPTED".into(),
            },
            attendees,
        })
    }

    /// A new event in `c`; answers the object's name.
    pub async fn create_event(&self, c: &CalendarRef, fields: &EventFields, tzid: &str) -> Result<String> {
        let uid = format!("{}@portico", uuid::Uuid::new_v4());
        let text = compose::new_event(&uid, fields, tzid, crate::core::now()).map_err(compose_error)?;
        let name = format!("{}.ics", uuid::Uuid::new_v4().simple());
        let put = PutObject {
            bytes: text.into(),
            content_type: Some("text/calendar".into()),
            preconditions: Preconditions {
                if_none_match: Some(TagList::Any),
                ..Preconditions::default()
            },
            schedule_tag_match: None,
        };
        self.put_object(c, &name, put).await?;
        Ok(name)
    }

    /// The form's fields of the event `name` (its series), with the entity tag they were
    /// read at; for those who may write the calendar.
    pub async fn event_fields(
        &self,
        c: &CalendarRef,
        name: &str,
        zone: &FloatingZone,
    ) -> Result<(EventFields, String)> {
        self.writable(c, name).await?;
        let item = self.object(c, name).await?.ok_or_else(Error::not_found)?;
        let fields = compose::event_fields(item.data.as_bytes(), zone).map_err(compose_error)?;
        Ok((fields, item.etag))
    }

    /// Changes the event `name` as it was at `etag`: the whole series, or the occurrence due
    /// at `occurrence` (Unix seconds).
    #[allow(clippy::too_many_arguments)]
    pub async fn update_event(
        &self,
        c: &CalendarRef,
        name: &str,
        etag: &str,
        fields: &EventFields,
        tzid: &str,
        occurrence: Option<i64>,
        zone: &FloatingZone,
    ) -> Result<()> {
        let item = self.writable(c, name).await?;
        if item.etag != etag {
            return Err(Error::precondition_failed("the event changed meanwhile; open it again"));
        }
        let text = compose::update_event(item.data.as_bytes(), fields, tzid, occurrence, zone, crate::core::now())
            .map_err(compose_error)?;
        self.replace(c, name, etag, text).await
    }

    /// Removes the event `name` as it was at `etag`, or only its occurrence due at
    /// `occurrence`.
    pub async fn delete_event(
        &self,
        c: &CalendarRef,
        name: &str,
        etag: &str,
        occurrence: Option<i64>,
        zone: &FloatingZone,
    ) -> Result<()> {
        let item = self.writable(c, name).await?;
        if item.etag != etag {
            return Err(Error::precondition_failed("the event changed meanwhile; open it again"));
        }
        match occurrence {
            None => self.delete_object(c, name, &if_match(etag), None).await,
            Some(at) => {
                let text = compose::remove_occurrence(item.data.as_bytes(), at, zone, crate::core::now())
                    .map_err(compose_error)?;
                self.replace(c, name, etag, text).await
            }
        }
    }

    /// The stored event, for a writer of its calendar; a private event of someone else's
    /// calendar is the owner's alone to change (as over CalDAV).
    async fn writable(&self, c: &CalendarRef, name: &str) -> Result<crate::store::Item> {
        if c.view < CalendarView::Write {
            return Err(Error::forbidden());
        }
        let item = self.store().item(c.coll.id, name).await?.ok_or_else(Error::not_found)?;
        if c.view != CalendarView::Owner && caldav::is_private(item.data.as_bytes()) {
            return Err(Error::new(
                ErrorKind::Forbidden,
                "a private event can only be changed by the owner of its calendar",
            ));
        }
        Ok(item)
    }

    async fn replace(&self, c: &CalendarRef, name: &str, etag: &str, text: String) -> Result<()> {
        let put = PutObject {
            bytes: text.into(),
            content_type: Some("text/calendar".into()),
            preconditions: if_match(etag),
            schedule_tag_match: None,
        };
        self.put_object(c, name, put).await.map(|_| ())
    }
}
