//! The schedule outbox (RFC 6638 §5): free-busy requests for colleagues and rooms, answered
//! from each of their calendars the asker may see at least as busy/free (the visibility mode
//! and grants decide; a private calendar contributes nothing), with busy periods only.

use caldav::itip;

use crate::core::{Error, ErrorKind, Result};

use super::scheduling::is_address_of;
use super::{Calendars, Principal, PrincipalKind};

/// The answer for one attendee of a free-busy request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeBusyAnswer {
    /// The attendee as the request wrote it.
    pub recipient: String,
    /// The REQUEST-STATUS (RFC 5546 §3.6): `2.0;Success` or why not.
    pub status: &'static str,
    /// The VFREEBUSY REPLY, for a known calendar user.
    pub calendar_data: Option<String>,
}

/// At most this many attendees per request, and this long a range.
const MAX_RECIPIENTS: usize = 100;
const MAX_RANGE_SECONDS: i64 = 366 * 86_400;

impl Calendars<'_> {
    /// A POST of a free-busy request to the outbox of `owner` (the actor). The ORGANIZER must
    /// be one of the actor's addresses (`organizer-allowed`).
    pub async fn free_busy_request(&self, owner: &Principal, data: &[u8]) -> Result<Vec<FreeBusyAnswer>> {
        let req = itip::freebusy_request(data).map_err(|e| {
            Error::with_condition(
                ErrorKind::Forbidden,
                caldav::conditions::valid_scheduling_message(),
                e.to_string(),
            )
        })?;
        if !is_address_of(owner, &itip::address_key(&req.organizer)) {
            return Err(Error::with_condition(
                ErrorKind::Forbidden,
                caldav::conditions::organizer_allowed(),
                "the ORGANIZER of a request sent from this outbox must be its owner",
            ));
        }
        if req.attendees.len() > MAX_RECIPIENTS || req.end - req.start > MAX_RANGE_SECONDS {
            return Err(Error::invalid(format!(
                "a free-busy request may name at most {MAX_RECIPIENTS} attendees and one year"
            )));
        }
        let now = crate::store::now();
        let mut out = Vec::with_capacity(req.attendees.len());
        for attendee in &req.attendees {
            let answer = match self.principal_for(&itip::address_key(attendee)).await? {
                Some(p) if p.kind != PrincipalKind::Group => {
                    let busy = self.busy_of(&p, req.start, req.end, None).await?.unwrap_or_default();
                    FreeBusyAnswer {
                        recipient: attendee.clone(),
                        status: "2.0;Success",
                        calendar_data: Some(itip::freebusy_reply(&req, attendee, &busy, now)),
                    }
                }
                _ => FreeBusyAnswer {
                    recipient: attendee.clone(),
                    status: "3.7;Invalid calendar user",
                    calendar_data: None,
                },
            };
            out.push(answer);
        }
        Ok(out)
    }
}
