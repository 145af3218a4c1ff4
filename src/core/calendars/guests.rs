//! Answers from guests outside the company (iMIP, RFC 6047): the signed links in their
//! invitation mail (`answer_links`), and the iTIP REPLYs their calendar applications mail
//! back. Either updates the guest's PARTSTAT on the organizer's copy with SCHEDULE-STATUS 2.0
//! and puts a REPLY in the organizer's inbox, in one transaction.
//!
//! A mailed REPLY counts only for the attendee who sent it: its From address must be the
//! ATTENDEE it answers for, anything else is refused and logged. A REPLY need not name the
//! ORGANIZER (Exchange's do not): the meeting is then found by its UID among the calendars of
//! organizers who invited that guest. A REPLY older than the meeting (a lower SEQUENCE, RFC
//! 5546 §2.1.5, compared on the series) changes nothing. Colleagues and rooms answer in their
//! own calendars: a mail in their name is refused. A From address can be forged: the mail
//! connector should pass only mail its MTA authenticated (DKIM/DMARC).
//!
//! Reading replies from a mailbox (IMAP) is the CRM mailbox connector's part: it hands each
//! message to [`Calendars::mailed_reply`] as the system actor.

use caldav::itip::{self, Answer, Method};
use mail_parser::{MessageParser, MimeHeaders};

use crate::core::{Error, Result, now};
use crate::store::{OwnedItem, UnitOfWork};

use super::answer_links::{AnswerLinks, Claims, LinkError};
use super::invitations::Reply;
use super::scheduling::{REPLY_APPLIED, is_address_of, take_reply};
use super::{Calendars, Principal, PrincipalKind};

/// Largest mail read for a REPLY.
const MAX_MAIL_BYTES: usize = 4 * 1024 * 1024;

/// What became of a guest's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestAnswer {
    /// The organizer's copy took it.
    Applied,
    /// This link was used before: nothing changed.
    AlreadyUsed,
    /// The REPLY is older than the meeting, or the meeting is cancelled: nothing changed.
    Outdated,
}

/// What an answer link's page shows before the guest confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPage {
    pub summary: String,
    /// The meeting's (first) start, Unix seconds.
    pub start: i64,
    pub organizer: String,
    pub guest: String,
    pub reply: Reply,
}

fn meeting_gone() -> Error {
    Error::new(crate::core::ErrorKind::NotFound, "this meeting no longer exists")
}

fn link_refused(e: LinkError) -> Error {
    Error::forbidden_because(e.to_string())
}

fn internal(e: caldav::ObjectError) -> Error {
    Error::internal(format!("applying a guest's answer: {e}"))
}

/// The sender and the iTIP text of a mail: its first `text/calendar` (or `application/ics`) part.
fn calendar_of(mail: &[u8]) -> Result<(String, String)> {
    if mail.len() > MAX_MAIL_BYTES {
        return Err(Error::invalid("the mail is too large to be an invitation reply"));
    }
    let message = MessageParser::default()
        .parse(mail)
        .ok_or_else(|| Error::invalid("the mail cannot be read as MIME"))?;
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| Error::invalid("the mail has no From address"))?;
    let calendar = message
        .parts
        .iter()
        .find(|p| {
            p.content_type().is_some_and(|t| {
                let sub = t.subtype().unwrap_or("");
                (t.ctype().eq_ignore_ascii_case("text") && sub.eq_ignore_ascii_case("calendar"))
                    || (t.ctype().eq_ignore_ascii_case("application") && sub.eq_ignore_ascii_case("ics"))
            })
        })
        .and_then(|p| p.text_contents())
        .ok_or_else(|| Error::invalid("the mail carries no calendar part"))?;
    Ok((sender, calendar.to_owned()))
}

impl Calendars<'_> {
    fn answer_links(&self) -> Result<&AnswerLinks> {
        self.core.settings().answer_links.as_ref().ok_or_else(Error::not_found)
    }

    /// The organizer's copy of a meeting and the meeting, when `organizer` still organizes it
    /// and it is not cancelled.
    async fn organizers_copy(
        &self,
        tx: &mut dyn UnitOfWork,
        organizer: &Principal,
        uid: &str,
    ) -> Result<Option<(OwnedItem, itip::Meeting)>> {
        let Some(copy) = tx.item_of_owner_by_uid(organizer.id, uid).await? else {
            return Ok(None);
        };
        Ok(itip::meeting(copy.item.data.as_bytes())
            .filter(|m| is_address_of(organizer, &m.organizer.address))
            .map(|m| (copy, m)))
    }

    async fn link_claims(&self, token: &str) -> Result<(Claims, Reply, Principal)> {
        let claims = self.answer_links()?.verify(token, now()).map_err(link_refused)?;
        let reply = claims.reply().ok_or_else(|| link_refused(LinkError::Invalid))?;
        let organizer = self
            .store()
            .principal_by_id(claims.organizer)
            .await?
            .filter(|p| p.active && p.kind == PrincipalKind::User)
            .ok_or_else(meeting_gone)?;
        Ok((claims, reply, organizer))
    }

    /// What the answer link `token` would answer, for its page. Anyone holding the link may
    /// see it: the token is the credential.
    pub async fn answer_link(&self, token: &str) -> Result<LinkPage> {
        let (claims, reply, organizer) = self.link_claims(token).await?;
        let copy = self
            .store()
            .item_of_owner_by_uid(organizer.id, &claims.uid)
            .await?
            .ok_or_else(meeting_gone)?;
        let invited = itip::meeting(copy.item.data.as_bytes())
            .filter(|m| is_address_of(&organizer, &m.organizer.address))
            .is_some_and(|m| m.attendee(&claims.guest).is_some());
        if !invited {
            return Err(Error::forbidden_because("you are no longer invited to this meeting"));
        }
        let object = caldav::validate_object(copy.item.data.as_bytes(), &[], &super::LIMITS).map_err(internal)?;
        Ok(LinkPage {
            summary: object.summary.unwrap_or_default(),
            start: object.index.start,
            organizer: organizer.display_name,
            guest: claims.guest,
            reply,
        })
    }

    /// Answers with the link `token`, once per answer of each mail. The token is the
    /// credential: it names the organizer, the meeting and the guest, under the server's key.
    pub async fn answer_by_link(&self, token: &str) -> Result<GuestAnswer> {
        let (claims, reply, organizer) = self.link_claims(token).await?;
        let mut tx = self.store().begin_scheduling().await?;
        let Some((copy, m)) = self.organizers_copy(&mut *tx, &organizer, &claims.uid).await? else {
            return Err(meeting_gone());
        };
        if m.attendee(&claims.guest).is_none() {
            return Err(Error::forbidden_because("you are no longer invited to this meeting"));
        }
        // A link from a mail about an earlier version of the meeting: the newest mail has links.
        if m.cancelled || itip::series_sequence(copy.item.data.as_bytes()) > claims.sequence {
            return Ok(GuestAnswer::Outdated);
        }
        if !tx.use_answer_link(&claims.nonce, &claims.answer).await? {
            return Ok(GuestAnswer::AlreadyUsed);
        }
        let answers: Vec<Answer> = itip::answers(copy.item.data.as_bytes(), &claims.guest)
            .into_iter()
            .map(|(k, _)| (k, reply.partstat().to_owned()))
            .collect();
        let updated = itip::with_answers(copy.item.data.as_bytes(), &claims.guest, &answers, Some(REPLY_APPLIED))
            .map_err(internal)?;
        let msg = itip::message(updated.as_bytes(), Method::Reply, Some(&claims.guest)).map_err(internal)?;
        take_reply(&mut *tx, &organizer, &copy, &updated, &msg).await?;
        tx.commit().await?;
        Ok(GuestAnswer::Applied)
    }

    /// Applies an iTIP REPLY a guest mailed (the whole RFC 5322 message), for the mail
    /// connector (the system actor only). Refused, and logged, when its sender is not the
    /// attendee it answers for.
    pub async fn mailed_reply(&self, mail: &[u8]) -> Result<GuestAnswer> {
        if !self.actor.is_system() {
            return Err(Error::forbidden());
        }
        let (sender, calendar) = calendar_of(mail)?;
        let reply = itip::incoming_reply(calendar.as_bytes())
            .ok_or_else(|| Error::invalid("the mail's calendar part is not an iTIP REPLY"))?;
        if !reply.attendees.iter().any(|a| a.address == sender) {
            tracing::warn!(
                sender = %sender,
                uid = %reply.uid,
                "refused a mailed REPLY: its sender is not the attendee it answers for"
            );
            return Err(Error::forbidden_because(
                "the sender of this reply is not the attendee it answers for",
            ));
        }
        // Colleagues and rooms answer in their own calendars; a mail cannot speak for them.
        if self.store().principal_by_email(&sender).await?.is_some() {
            tracing::warn!(sender = %sender, uid = %reply.uid, "refused a mailed REPLY in the name of a colleague or room");
            return Err(Error::forbidden_because(
                "colleagues and rooms answer in their own calendars, not by mail",
            ));
        }
        let mut tx = self.store().begin_scheduling().await?;
        let Some((organizer, copy, m)) = self.replied_meeting(&mut *tx, &reply, &sender).await? else {
            tracing::warn!(sender = %sender, uid = %reply.uid, "a mailed REPLY answers no meeting of ours");
            return Err(Error::new(
                crate::core::ErrorKind::NotFound,
                "this reply answers no meeting this server organizes for its sender",
            ));
        };
        if m.cancelled || itip::series_sequence(calendar.as_bytes()) < itip::series_sequence(copy.item.data.as_bytes())
        {
            return Ok(GuestAnswer::Outdated);
        }
        let answers = itip::answers(calendar.as_bytes(), &sender);
        let updated =
            itip::with_answers(copy.item.data.as_bytes(), &sender, &answers, Some(REPLY_APPLIED)).map_err(internal)?;
        let msg = itip::message(calendar.as_bytes(), Method::Reply, Some(&sender)).map_err(internal)?;
        take_reply(&mut *tx, &organizer, &copy, &updated, &msg).await?;
        tx.commit().await?;
        Ok(GuestAnswer::Applied)
    }

    /// The organizer, their copy and the meeting a REPLY from `guest` answers: by its
    /// ORGANIZER when it names one, else by UID among the copies whose owner organizes the
    /// meeting. Only meetings that invite `guest` count.
    async fn replied_meeting(
        &self,
        tx: &mut dyn UnitOfWork,
        reply: &itip::IncomingReply,
        guest: &str,
    ) -> Result<Option<(Principal, OwnedItem, itip::Meeting)>> {
        let organizers = match &reply.organizer {
            Some(address) => self.principal_for(address).await?.into_iter().collect::<Vec<_>>(),
            None => {
                let mut found = Vec::new();
                for id in tx.owners_of_uid(&reply.uid).await? {
                    if let Some(p) = self.store().principal_by_id(id).await? {
                        found.push(p);
                    }
                }
                found
            }
        };
        let mut matches = Vec::new();
        for organizer in organizers
            .into_iter()
            .filter(|p| p.active && p.kind == PrincipalKind::User)
        {
            if let Some((copy, m)) = self.organizers_copy(tx, &organizer, &reply.uid).await?
                && m.attendee(guest).is_some()
            {
                matches.push((organizer, copy, m));
            }
        }
        // Two organizers of one UID inviting the same guest: the reply cannot say whose.
        if matches.len() > 1 {
            tracing::warn!(uid = %reply.uid, guest = %guest, "a mailed REPLY matches several organizers; refused");
            return Ok(None);
        }
        Ok(matches.pop())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIL: &str = "From: Guest <Guest@Example.org>\r\nTo: alice@example.com\r\nSubject: Accepted\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain\r\n\r\nYes\r\n--b\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\r\nQkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNCkVORDpWQ0FMRU5EQVINCg==\r\n--b--\r\n";

    #[test]
    fn finds_the_sender_and_the_decoded_calendar_part() {
        let (sender, calendar) = calendar_of(MAIL.as_bytes()).unwrap();
        assert_eq!(sender, "guest@example.org");
        assert_eq!(calendar, "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n");
    }

    #[test]
    fn mail_without_sender_or_calendar_is_refused() {
        let no_calendar = MAIL.replace("text/calendar", "text/html");
        assert!(calendar_of(no_calendar.as_bytes()).is_err());
        let no_from = MAIL.replace("From: Guest <Guest@Example.org>\r\n", "");
        assert!(calendar_of(no_from.as_bytes()).is_err());
        assert!(calendar_of(b"").is_err());
        let mut big = MAIL.as_bytes().to_vec();
        big.resize(MAX_MAIL_BYTES + 1, b' ');
        assert!(calendar_of(&big[..MAX_MAIL_BYTES]).is_ok(), "the size alone is fine");
        assert!(calendar_of(&big).is_err());
    }
}
