//! Open invitations: meetings in the actor's own calendars that a colleague organizes and the
//! actor has not answered yet (PARTSTAT NEEDS-ACTION, not cancelled, not over), for the home
//! page; and answering one, which writes the actor's copy through the ordinary PUT rules, so
//! that scheduling sends the REPLY exactly as it does for a calendar client's answer.

use caldav::itip::{self, Answer};

use crate::core::{Error, Result};
use crate::store::PrincipalKind;

use super::objects::PutObject;
use super::scheduling::is_address_of;
use super::{CalendarView, Calendars};
use crate::core::authz::Action;

/// Most open invitations listed.
const MAX_LISTED: usize = 50;

/// A meeting waiting for the actor's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The calendar (its slug in the actor's home) and the object's name there.
    pub calendar: String,
    pub name: String,
    pub etag: String,
    pub summary: String,
    /// When it starts (its first occurrence), Unix seconds.
    pub start: i64,
    /// The organizer's name as the invitation gives it, else their address.
    pub organizer: String,
}

/// An answer to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Accept,
    Tentative,
    Decline,
}

impl Reply {
    pub fn parse(s: &str) -> Option<Reply> {
        match s {
            "accept" => Some(Reply::Accept),
            "tentative" => Some(Reply::Tentative),
            "decline" => Some(Reply::Decline),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reply::Accept => "accept",
            Reply::Tentative => "tentative",
            Reply::Decline => "decline",
        }
    }

    pub(super) fn partstat(self) -> &'static str {
        match self {
            Reply::Accept => "ACCEPTED",
            Reply::Tentative => "TENTATIVE",
            Reply::Decline => "DECLINED",
        }
    }
}

impl Calendars<'_> {
    /// The actor's open invitations, the soonest first.
    pub async fn invitations(&self) -> Result<Vec<Invitation>> {
        let me = self.me().clone();
        if me.kind != PrincipalKind::User {
            return Ok(Vec::new());
        }
        let now = crate::core::now();
        let mut out = Vec::new();
        for coll in self.store().collections_of(me.id, "calendar").await? {
            for item in self.store().items_overlapping(coll.id, now, i64::MAX).await? {
                if !item.data.contains("NEEDS-ACTION") {
                    continue;
                }
                let Some(m) = itip::meeting(item.data.as_bytes()) else {
                    continue;
                };
                if m.cancelled || is_address_of(&me, &m.organizer.address) {
                    continue;
                }
                let Some(mine) = m.attendees.iter().find(|a| is_address_of(&me, &a.address)) else {
                    continue;
                };
                if mine.partstat != "NEEDS-ACTION" {
                    continue;
                }
                let Ok(object) = caldav::validate_object(item.data.as_bytes(), &[], &super::LIMITS) else {
                    continue;
                };
                out.push(Invitation {
                    calendar: coll.slug.clone(),
                    name: item.name,
                    etag: item.etag,
                    summary: object.summary.unwrap_or_default(),
                    start: object.index.start,
                    organizer: m.organizer.name.unwrap_or(m.organizer.address),
                });
            }
        }
        out.sort_by_key(|i| i.start);
        out.truncate(MAX_LISTED);
        Ok(out)
    }

    /// Answers an invitation in the actor's calendar `calendar` (its object `name`, as the page
    /// showed it: `etag`); 412 when it changed since.
    pub async fn answer_invitation(&self, calendar: &str, name: &str, etag: &str, reply: Reply) -> Result<()> {
        let me = self.me().clone();
        let c = self.calendar(&me.login, calendar, Action::Write).await?;
        if c.view() != CalendarView::Owner {
            return Err(Error::forbidden());
        }
        let item = self.object(&c, name).await?.ok_or_else(Error::not_found)?;
        let m = itip::meeting(item.data.as_bytes())
            .filter(|m| !is_address_of(&me, &m.organizer.address))
            .ok_or_else(|| Error::invalid("this event is not an invitation"))?;
        let address = m
            .attendees
            .iter()
            .find(|a| is_address_of(&me, &a.address))
            .map(|a| a.address.clone())
            .ok_or_else(|| Error::invalid("you are not invited to this event"))?;
        let answers: Vec<Answer> = itip::answers(item.data.as_bytes(), &address)
            .into_iter()
            .map(|(k, _)| (k, reply.partstat().to_owned()))
            .collect();
        let data = itip::with_answers(item.data.as_bytes(), &address, &answers, None)
            .map_err(|e| Error::internal(format!("answering an invitation: {e}")))?;
        let put = PutObject {
            bytes: data.into(),
            content_type: Some("text/calendar".into()),
            preconditions: super::events::if_match(etag),
            schedule_tag_match: None,
        };
        self.put_object(&c, name, put).await.map(|_| ())
    }
}
