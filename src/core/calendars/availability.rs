//! When a meeting's people and rooms are free, for the event form's free/busy grid: each
//! one's busy periods in a range, as the actor may see them (the same rule as an outbox
//! free-busy request: calendars the actor sees at least as busy/free, busy periods only), and
//! the first slot of a meeting's length in working hours when nobody is busy. Also a person's
//! published free/busy for Outlook's "Internet Free/Busy" (`/freebusy/{login}.vfb`), to a
//! signed-in colleague under the same rule, or by a calendar's feed token for that calendar.

use caldav::BusyPeriod;
use caldav::compose::MeetingFields;
use chrono::{Datelike, TimeZone, Timelike, Weekday};

use crate::core::{Core, Error, Result, now, urls};

use super::{CalendarView, Calendars, Principal, PrincipalKind};

/// How far back and ahead a published free/busy reaches (Outlook reads about two months).
const PUBLISHED_PAST_SECONDS: i64 = 7 * 86_400;
const PUBLISHED_AHEAD_SECONDS: i64 = 60 * 86_400;

/// Working hours, in the asker's time zone, in which [`next_free_slot`] proposes meetings.
const DAY_STARTS_AT_HOUR: u32 = 9;
const DAY_ENDS_AT_HOUR: u32 = 18;
/// Proposed meetings start on the quarter hour.
const STEP_SECONDS: i64 = 15 * 60;
/// The widest range one grid or search reads.
pub const MAX_RANGE_SECONDS: i64 = 31 * 86_400;

/// One row of the grid: a person or room of the company and their busy periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    pub name: String,
    pub room: bool,
    /// Whether any of their calendars shows the actor busy/free (if none, `busy` is empty
    /// because nothing is known, not because they are free).
    pub shared: bool,
    pub busy: Vec<BusyPeriod>,
}

impl Calendars<'_> {
    /// The busy periods of `p`'s own calendars the actor may see as busy/free, in
    /// `[start, end)`, leaving out the meeting `uid` itself (it does not block itself); none
    /// when the actor may see none of them.
    pub(super) async fn busy_of(
        &self,
        p: &Principal,
        start: i64,
        end: i64,
        uid: Option<&str>,
    ) -> Result<Option<Vec<BusyPeriod>>> {
        let mut items = Vec::new();
        let mut shared = false;
        for c in self.listed(p).await? {
            if c.binding.is_some() || c.view < CalendarView::BusyOnly {
                continue;
            }
            shared = true;
            items.extend(
                self.free_busy_sources(&c, start, end)
                    .await?
                    .into_iter()
                    .filter(|i| uid.is_none_or(|u| i.uid != u)),
            );
        }
        let range = caldav::TimeRange { start, end };
        Ok(shared.then(|| {
            caldav::busy_periods(
                items.iter().map(|i| i.data.as_bytes()),
                &range,
                &caldav::FloatingZone::utc(),
            )
        }))
    }

    /// The organizer's and each invited colleague's and room's busy periods in `[start,
    /// end)` (at most [`MAX_RANGE_SECONDS`]); guests outside the company have no row.
    pub async fn availability(
        &self,
        meeting: &MeetingFields,
        start: i64,
        end: i64,
        uid: Option<&str>,
    ) -> Result<Vec<Availability>> {
        let end = end.min(start.saturating_add(MAX_RANGE_SECONDS));
        let mut rows = Vec::new();
        let mut seen = Vec::new();
        for who in std::iter::once(&meeting.organizer).chain(&meeting.attendees) {
            if who.email.is_empty() {
                continue;
            }
            let Some(p) = self.principal_for(&who.email).await? else {
                continue;
            };
            if seen.contains(&p.id) {
                continue;
            }
            seen.push(p.id);
            let busy = self.busy_of(&p, start, end, uid).await?;
            rows.push(Availability {
                shared: busy.is_some(),
                busy: busy.unwrap_or_default(),
                room: p.kind == PrincipalKind::Resource,
                name: p.display_name,
            });
        }
        Ok(rows)
    }
}

/// The calendar user address a published free/busy names.
fn address_of(p: &Principal) -> String {
    match &p.email {
        Some(e) => format!("mailto:{e}"),
        None => urls::principal_href(&p.login),
    }
}

impl Calendars<'_> {
    /// The person or room called `name` (a login, or an e-mail address as Outlook's
    /// `%NAME%@%SERVER%` gives it).
    async fn publisher(&self, name: &str) -> Result<Principal> {
        let found = if name.contains('@') {
            self.store().principal_by_email(name).await?
        } else {
            self.store().principal_by_login(name).await?
        };
        found
            .filter(|p| p.active && matches!(p.kind, PrincipalKind::User | PrincipalKind::Resource))
            .ok_or_else(Error::not_found)
    }

    /// `name`'s published free/busy (METHOD:PUBLISH) from a week ago to two months ahead:
    /// the busy periods of their calendars the actor may see as busy/free.
    pub async fn published_free_busy(&self, name: &str) -> Result<String> {
        let p = self.publisher(name).await?;
        let t = now();
        let (start, end) = (t - PUBLISHED_PAST_SECONDS, t + PUBLISHED_AHEAD_SECONDS);
        let busy = self.busy_of(&p, start, end, None).await?.ok_or_else(Error::forbidden)?;
        Ok(caldav::itip::freebusy_published(
            &address_of(&p),
            (start, end),
            &busy,
            t,
        ))
    }
}

/// `name`'s published free/busy by the feed token of one of their calendars (for those
/// without an account): that calendar's busy periods; none when the token is not of one of
/// `name`'s calendars.
pub async fn published_free_busy_by_token(core: &Core, name: &str, token: &str) -> Result<Option<String>> {
    let Some(coll) = core.store.collection_by_feed_token(token).await? else {
        return Ok(None);
    };
    let system = crate::core::Actor::system();
    let Ok(p) = core.calendars(&system).publisher(name).await else {
        return Ok(None);
    };
    if p.id != coll.owner_id {
        return Ok(None);
    }
    let t = now();
    let (start, end) = (t - PUBLISHED_PAST_SECONDS, t + PUBLISHED_AHEAD_SECONDS);
    let items = core.store.items_overlapping(coll.id, start, end).await?;
    let busy = caldav::busy_periods(
        items.iter().map(|i| i.data.as_bytes()),
        &caldav::TimeRange { start, end },
        &caldav::FloatingZone::utc(),
    );
    Ok(Some(caldav::itip::freebusy_published(
        &address_of(&p),
        (start, end),
        &busy,
        t,
    )))
}

/// The first start at or after `from` (rounded up to the quarter hour) of a slot `length`
/// seconds long, within working hours on a weekday in `zone`, that overlaps no busy period of
/// any row, before `until` (rows not shared with the asker do not count: nothing is known).
pub fn next_free_slot(rows: &[Availability], from: i64, length: i64, until: i64, zone: chrono_tz::Tz) -> Option<i64> {
    let length = length.max(STEP_SECONDS);
    let mut busy: Vec<(i64, i64)> = rows
        .iter()
        .flat_map(|r| r.busy.iter().map(|b| (b.start, b.end)))
        .collect();
    busy.sort_unstable();
    let mut t = round_up(from);
    while t.saturating_add(length) <= until {
        let local = zone.timestamp_opt(t, 0).single()?;
        let weekday = !matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
        let day_start = local
            .with_hour(DAY_STARTS_AT_HOUR)
            .and_then(|d| d.with_minute(0))
            .and_then(|d| d.with_second(0))?
            .timestamp();
        let day_end = day_start + i64::from(DAY_ENDS_AT_HOUR - DAY_STARTS_AT_HOUR) * 3600;
        if !weekday || t >= day_end || t + length > day_end {
            // The next day's start of working hours.
            let next = local.date_naive().succ_opt()?.and_hms_opt(DAY_STARTS_AT_HOUR, 0, 0)?;
            t = zone.from_local_datetime(&next).earliest()?.timestamp();
            continue;
        }
        if t < day_start {
            t = day_start;
            continue;
        }
        match busy.iter().find(|(s, e)| *s < t + length && *e > t) {
            Some((_, e)) => t = round_up(*e),
            None => return Some(t),
        }
    }
    None
}

fn round_up(t: i64) -> i64 {
    t.div_euclid(STEP_SECONDS) * STEP_SECONDS
        + if t.rem_euclid(STEP_SECONDS) == 0 {
            0
        } else {
            STEP_SECONDS
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use caldav::BusyKind;

    fn row(busy: &[(i64, i64)]) -> Availability {
        Availability {
            name: "x".into(),
            room: false,
            shared: true,
            busy: busy
                .iter()
                .map(|&(start, end)| BusyPeriod {
                    start,
                    end,
                    kind: BusyKind::Busy,
                })
                .collect(),
        }
    }

    // Monday 2030-03-04 00:00 UTC.
    const MONDAY: i64 = 1_898_812_800;
    const H: i64 = 3600;

    #[test]
    fn the_first_slot_everyone_has_free_in_working_hours() {
        let utc = chrono_tz::UTC;
        let a = row(&[(MONDAY + 9 * H, MONDAY + 10 * H)]);
        let b = row(&[(MONDAY + 10 * H, MONDAY + 11 * H + 600)]);
        // From 08:00: 09–10 and 10–11:10 are taken; 11:15 is the first free quarter.
        assert_eq!(
            next_free_slot(&[a.clone(), b.clone()], MONDAY + 8 * H, H, MONDAY + 7 * 86_400, utc),
            Some(MONDAY + 11 * H + 900)
        );
        // Nobody busy: at the start of working hours, or at `from` rounded up.
        assert_eq!(
            next_free_slot(&[], MONDAY, H, MONDAY + 86_400, utc),
            Some(MONDAY + 9 * H)
        );
        assert_eq!(
            next_free_slot(&[], MONDAY + 13 * H + 1, H, MONDAY + 86_400, utc),
            Some(MONDAY + 13 * H + 900)
        );
        // Too late on Friday: Monday morning.
        let friday = MONDAY + 4 * 86_400;
        assert_eq!(
            next_free_slot(&[], friday + 17 * H + 30 * 60, H, friday + 7 * 86_400, utc),
            Some(friday + 3 * 86_400 + 9 * H)
        );
        // Busy all week: none before the limit.
        let all = row(&[(MONDAY, MONDAY + 7 * 86_400)]);
        assert_eq!(next_free_slot(&[all], MONDAY, H, MONDAY + 7 * 86_400, utc), None);
    }

    #[test]
    fn working_hours_are_the_askers() {
        // 09:00 in Moscow is 06:00 UTC.
        let moscow: chrono_tz::Tz = "Europe/Moscow".parse().unwrap();
        assert_eq!(
            next_free_slot(&[], MONDAY, H, MONDAY + 86_400, moscow),
            Some(MONDAY + 6 * H)
        );
    }

    #[test]
    fn rounding_to_quarters() {
        assert_eq!(round_up(0), 0);
        assert_eq!(round_up(1), 900);
        assert_eq!(round_up(900), 900);
        assert_eq!(round_up(-1), 0);
    }
}
