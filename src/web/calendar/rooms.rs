//! `/calendar/rooms`: the free-rooms page. A GET form — a day, a start and an end time in the
//! visitor's time zone (the next full hour, one hour long, unless asked), how many people and
//! the equipment the rooms list — and its answer: the rooms free for the whole range that the
//! visitor may book, with their seats and equipment and a "book" link to the new-event form
//! with the room ticked and the times filled in; and the other rooms, apart, as not available
//! with the reason (busy, not the visitor's to book, too small, lacks the equipment).
//!
//! The answer comes from the same service call as `/api/rooms/free` (`free_rooms`), asked
//! once without filters and once per filter, so that each room's reason is known without
//! repeating the rule here; a room that is not free to the visitor at all is told apart as
//! busy or not theirs by its free/busy (`availability`, which every room shows). Plain GET
//! form: no script.

use std::collections::HashSet;

use askama::Template;
use caldav::compose::{Invitee, MeetingFields};
use chrono::{NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use http::{Response, StatusCode};

use crate::core::calendars::{Calendars, Room};
use crate::core::urls;
use crate::edge::Ctx;
use crate::edge::body::Body;
use crate::edge::error::AppError;
use crate::web::i18n::Lang;
use crate::web::page::{Page, Visitor, html};

use super::{Zone, parse_date, parse_time, room_about};

/// The most people one may ask a room for (as many seats as a room may state).
const MAX_PEOPLE: i64 = 100_000;

/// An equipment word the rooms list, as a box on the form.
struct EquipmentBox {
    word: String,
    checked: bool,
}

/// A room free for the whole range that the visitor may book.
struct FreeRoom {
    name: String,
    seats: String,
    equipment: String,
    /// The new-event form with this room and the range; none for a room without an address
    /// (a meeting cannot invite it).
    book: Option<String>,
}

/// A room that is not: why.
struct Unavailable {
    name: String,
    /// Its seats and equipment.
    about: String,
    reason: String,
}

struct Answer {
    /// The range asked, in words.
    when: String,
    free: Vec<FreeRoom>,
    unavailable: Vec<Unavailable>,
}

#[derive(Template)]
#[template(path = "calendar_rooms.html")]
struct RoomsPage {
    page: Page,
    error: Option<String>,
    /// The form's fields, as resolved (or as typed, with an error).
    date: String,
    start: String,
    end: String,
    people: String,
    equipment: Vec<EquipmentBox>,
    /// The company has no rooms at all.
    no_rooms: bool,
    answer: Option<Answer>,
}

/// The query as sent, each field trimmed (empty when absent).
#[derive(Default)]
struct Asked {
    date: String,
    start: String,
    end: String,
    people: String,
    equipment: Vec<String>,
}

impl Asked {
    fn parse(query: Option<&str>) -> Asked {
        let mut a = Asked::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let v = v.trim().to_owned();
            match k.as_ref() {
                "date" => a.date = v,
                "start" => a.start = v,
                "end" => a.end = v,
                "people" => a.people = v,
                "equipment" if !v.is_empty() => a.equipment.push(v),
                _ => {}
            }
        }
        a
    }
}

/// The range and the number of people asked, as wall-clock times (the end may be the midnight
/// after the day: an end of `00:00`), or the message that says what is wrong. Absent fields
/// take `next` (the next full hour), one hour long, ending at midnight at the latest.
fn checked(a: &Asked, next: NaiveDateTime, lang: Lang) -> Result<(NaiveDateTime, NaiveDateTime, i64), String> {
    let bad_date = || lang.t("calendar-bad-date");
    let bad_time = || lang.t("calendar-bad-time");
    let day = match a.date.as_str() {
        "" => next.date(),
        d => parse_date(d).ok_or_else(bad_date)?,
    };
    let start = day.and_time(match a.start.as_str() {
        "" => next.time(),
        t => parse_time(t).ok_or_else(bad_time)?,
    });
    let midnight = day.succ_opt().ok_or_else(bad_date)?.and_time(NaiveTime::MIN);
    let end = match a.end.as_str() {
        "" => start
            .checked_add_signed(TimeDelta::hours(1))
            .map_or(midnight, |e| e.min(midnight)),
        typed => match parse_time(typed).ok_or_else(bad_time)? {
            time if time == NaiveTime::MIN => midnight,
            time => day.and_time(time),
        },
    };
    if end <= start {
        return Err(lang.t("rooms-bad-range"));
    }
    let people = match a.people.as_str() {
        "" => 0,
        p => p
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=MAX_PEOPLE).contains(n))
            .ok_or_else(|| lang.t("rooms-bad-people"))?,
    };
    Ok((start, end, people))
}

/// The next full hour in the visitor's time zone.
fn next_full_hour(zone: &Zone) -> NaiveDateTime {
    let now = zone.local(crate::core::now());
    let hour = now.date().and_hms_opt(now.hour(), 0, 0).unwrap_or(now);
    hour.checked_add_signed(TimeDelta::hours(1)).unwrap_or(hour)
}

/// The equipment the rooms list, each word once (caselessly), in alphabetical order.
fn equipment_of(rooms: &[Room]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in rooms.iter().flat_map(|r| &r.details.equipment) {
        if !out.iter().any(|w| w.to_lowercase() == word.to_lowercase()) {
            out.push(word.clone());
        }
    }
    out.sort_by_key(|w| w.to_lowercase());
    out
}

fn hhmm(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// `GET /calendar/rooms?date=YYYY-MM-DD&start=HH:MM&end=HH:MM[&people=N][&equipment=WORD…]`
pub(super) async fn page(ctx: &Ctx, v: &Visitor, query: Option<&str>) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let zone = Zone::of(v);
    let asked = Asked::parse(query);
    let service = ctx.app.core.calendars(&v.actor);
    let rooms = service.rooms().await?;
    let offered = equipment_of(&rooms);
    // Words no room lists are no box on the form, and are left out.
    let wanted: Vec<String> = offered
        .iter()
        .filter(|w| asked.equipment.iter().any(|a| a.to_lowercase() == w.to_lowercase()))
        .cloned()
        .collect();
    let mut out = RoomsPage {
        page: v.page("/calendar", lang.t("rooms-title")),
        error: None,
        date: asked.date.clone(),
        start: asked.start.clone(),
        end: asked.end.clone(),
        people: asked.people.clone(),
        equipment: offered
            .into_iter()
            .map(|word| EquipmentBox {
                checked: wanted.contains(&word),
                word,
            })
            .collect(),
        no_rooms: rooms.is_empty(),
        answer: None,
    };
    let resolved = checked(&asked, next_full_hour(&zone), lang).and_then(|(start, end, people)| {
        let (from, to) = (zone.instant(start), zone.instant(end));
        // A start in a gap of the clocks can pass an end just after it.
        if to <= from {
            Err(lang.t("rooms-bad-range"))
        } else {
            Ok((start, end, people, from, to))
        }
    });
    let (start, end, people, from, to) = match resolved {
        Ok(r) => r,
        Err(message) => {
            out.error = Some(message);
            return html(StatusCode::BAD_REQUEST, &out);
        }
    };
    out.date = start.date().format("%Y-%m-%d").to_string();
    out.start = hhmm(start);
    out.end = hhmm(end);
    out.people = if people > 0 { people.to_string() } else { String::new() };
    let logins = |list: Vec<Room>| -> HashSet<String> { list.into_iter().map(|r| r.principal.login).collect() };
    let bookable = logins(service.free_rooms(from, to, 0, &[]).await?);
    let seated = if people > 0 {
        Some(logins(service.free_rooms(from, to, people, &[]).await?))
    } else {
        None
    };
    let equipped = if wanted.is_empty() {
        None
    } else {
        Some(logins(service.free_rooms(from, to, 0, &wanted).await?))
    };
    let left_out = |by: Option<&HashSet<String>>, login: &str| by.is_some_and(|s| !s.contains(login));
    let mut answer = Answer {
        when: format!("{} · {}–{}", lang.date(start.date()), hhmm(start), hhmm(end)),
        free: Vec::new(),
        unavailable: Vec::new(),
    };
    for room in &rooms {
        let login = &room.principal.login;
        let mut reasons: Vec<&str> = Vec::new();
        if bookable.contains(login) {
            if left_out(seated.as_ref(), login) {
                // Rooms whose seats are not stated count only when no number is asked.
                reasons.push(if room.details.capacity > 0 {
                    "rooms-reason-too-small"
                } else {
                    "rooms-reason-seats-unknown"
                });
            }
            if left_out(equipped.as_ref(), login) {
                reasons.push("rooms-reason-equipment");
            }
        } else {
            reasons.push(why_not(&service, room, from, to).await?);
        }
        if reasons.is_empty() {
            answer.free.push(free_row(lang, room, start, end));
        } else {
            answer.unavailable.push(Unavailable {
                name: room.principal.display_name.clone(),
                about: room_about(lang, &room.details),
                reason: reasons.iter().map(|key| lang.t(key)).collect::<Vec<_>>().join(", "),
            });
        }
    }
    out.answer = Some(answer);
    html(StatusCode::OK, &out)
}

/// Why a room the visitor cannot book for the range (no filters) is not free to them: busy
/// in its free/busy, else it is not theirs to book. The message's id.
async fn why_not(service: &Calendars<'_>, room: &Room, from: i64, to: i64) -> Result<&'static str, AppError> {
    let address = room
        .principal
        .email
        .clone()
        .unwrap_or_else(|| urls::principal_href(&room.principal.login));
    // A "meeting" of the room alone: its row of the availability grid.
    let meeting = MeetingFields {
        organizer: Invitee {
            email: String::new(),
            name: None,
            room: false,
            partstat: "ACCEPTED".into(),
        },
        attendees: vec![Invitee {
            email: address,
            name: None,
            room: true,
            partstat: "NEEDS-ACTION".into(),
        }],
    };
    let rows = service.availability(&meeting, from, to, None).await?;
    Ok(match rows.first() {
        Some(r) if r.shared && !r.busy.is_empty() => "rooms-reason-busy",
        Some(r) if r.shared => "rooms-reason-not-yours",
        // Nothing of its calendar is shown to the visitor: nothing is known.
        _ => "calendar-not-shared",
    })
}

fn free_row(lang: Lang, room: &Room, start: NaiveDateTime, end: NaiveDateTime) -> FreeRoom {
    let details = &room.details;
    FreeRoom {
        name: room.principal.display_name.clone(),
        seats: if details.capacity > 0 {
            lang.t_count("calendar-room-seats", details.capacity)
        } else {
            lang.t("rooms-not-stated")
        },
        equipment: if details.equipment.is_empty() {
            lang.t("rooms-no-equipment")
        } else {
            details.equipment.join(", ")
        },
        book: room.principal.email.is_some().then(|| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("room", &room.principal.login);
            q.append_pair("date", &start.date().format("%Y-%m-%d").to_string());
            q.append_pair("start", &hhmm(start));
            q.append_pair("end", &hhmm(end));
            format!("/calendar/new?{}", q.finish())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    fn asked(query: &str) -> Result<(NaiveDateTime, NaiveDateTime, i64), String> {
        checked(&Asked::parse(Some(query)), at("2030-03-04 23:00"), Lang::En)
    }

    #[test]
    fn absent_fields_take_the_next_hour_and_an_end_of_midnight_is_the_days_end() {
        assert_eq!(asked(""), Ok((at("2030-03-04 23:00"), at("2030-03-05 00:00"), 0)));
        assert_eq!(
            asked("date=2030-03-06&start=10:30&people=%204"),
            Ok((at("2030-03-06 10:30"), at("2030-03-06 11:30"), 4))
        );
        assert_eq!(
            asked("date=2030-03-06&start=22:00&end=00:00"),
            Ok((at("2030-03-06 22:00"), at("2030-03-07 00:00"), 0))
        );
    }

    #[test]
    fn bad_fields_say_what_is_wrong() {
        assert_eq!(asked("date=2030-13-01"), Err(Lang::En.t("calendar-bad-date")));
        assert_eq!(asked("start=25:00"), Err(Lang::En.t("calendar-bad-time")));
        assert_eq!(
            asked("date=2030-03-06&start=11:00&end=10:00"),
            Err(Lang::En.t("rooms-bad-range"))
        );
        for people in ["many", "-1", "100001"] {
            assert_eq!(
                asked(&format!("people={people}")),
                Err(Lang::En.t("rooms-bad-people")),
                "{people}"
            );
        }
    }
}
