//! The calendar pages: `/calendar` (day, week and month views of the visitor's calendars,
//! team calendars and favourites, each in its colour), `/calendar/new` (a new event),
//! `/calendar/event` (an event: its details, and for those who may write it the form that
//! changes or deletes it, the whole series or one occurrence) and `/calendar/colors.css`
//! (the calendars' colours as a style sheet of our own origin, since the page policy allows
//! no inline styles), `/calendar/settings` (each own calendar's visibility, secret feed
//! link and grants to colleagues, groups and departments, and the colleagues' calendars kept
//! as favourites), and `/calendar/rooms` (the rooms free for a time, in `rooms.rs`). Everything
//! goes through [`crate::core::calendars`] as the visitor.
//!
//! Times are shown and entered in the visitor's time zone (UTC when they set none); the week
//! starts on Monday in Russian and on Sunday in English.

mod availability;
mod rooms;

use std::collections::HashMap;

use askama::Template;
use caldav::compose::{EventFields, EventTime};
use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta};

use super::zone::Zone;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::core::authz::Action;
use crate::core::calendars::{AccessLevel, CalendarRef, CalendarView, Room, RoomDetails};
use crate::core::{Error, ErrorKind};
use crate::edge::body::{Body, full, read_limited};
use crate::edge::error::AppError;
use crate::edge::{Ctx, redirect};

use super::documents::{GrantRow, grant_rows, grantee_of_key, named_grantee};
use super::i18n::Lang;
use super::page::{Page, Visitor, form_fields, html};
use super::pages::signed_in;

const FORM_LIMIT: u64 = 64 * 1024;

/// Colours for calendars that have none (or one that is not `#rrggbb`).
const PALETTE: [&str; 8] = [
    "#0b5cad", "#1a7f37", "#a40e26", "#8250df", "#bc4c00", "#0a7ea4", "#6e7781", "#bf3989",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Day,
    Week,
    Month,
}

impl View {
    fn parse(s: &str) -> View {
        match s {
            "day" => View::Day,
            "month" => View::Month,
            _ => View::Week,
        }
    }

    fn name(self) -> &'static str {
        match self {
            View::Day => "day",
            View::Week => "week",
            View::Month => "month",
        }
    }
}

/// The first day of the week holding `day`: Monday in Russian, Sunday in English.
fn week_start(day: NaiveDate, lang: Lang) -> NaiveDate {
    let back = match lang {
        Lang::Ru => day.weekday().num_days_from_monday(),
        Lang::En => day.weekday().num_days_from_sunday(),
    };
    day - TimeDelta::days(i64::from(back))
}

fn query_map(query: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A form's date; years outside 1–9999 (which iCalendar cannot write, and where a day or an
/// hour added would leave chrono's range) are refused.
fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1..=9999).contains(&d.year()))
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// `#rrggbb` (Apple's `#rrggbbaa` loses its alpha), or nothing.
fn css_color(color: Option<&str>) -> Option<String> {
    let hex = color?.trim().strip_prefix('#')?;
    let valid = (hex.len() == 6 || hex.len() == 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| format!("#{}", &hex[..6]))
}

/// A calendar's name as its list shows it: a colleague's carries their name.
fn calendar_label(c: &CalendarRef, me: i64) -> String {
    let own = c
        .collection()
        .displayname
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| c.collection().slug.clone());
    if c.owner().id == me {
        own
    } else {
        format!("{} — {}", c.owner().display_name, own)
    }
}

fn calendar_class(c: &CalendarRef) -> String {
    format!("cal-{}", c.collection().id)
}

#[derive(Clone)]
struct EventRow {
    time: String,
    title: String,
    class: String,
    href: String,
}

#[derive(Clone)]
struct DayCell {
    label: String,
    iso: String,
    today: bool,
    in_month: bool,
    events: Vec<EventRow>,
}

struct LegendRow {
    class: String,
    name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    page: Page,
    view: &'static str,
    heading: String,
    prev: String,
    next: String,
    today: String,
    date: String,
    weekdays: Vec<String>,
    /// Weeks of days (one week of one day for the day view).
    weeks: Vec<Vec<DayCell>>,
    legend: Vec<LegendRow>,
    can_create: bool,
}

/// Everything below `/calendar`.
pub async fn calendar(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let path = req.uri().path().to_owned();
    let back = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let v = match signed_in(ctx, req.headers(), &back).await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    let query = query_map(req.uri().query());
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    let req_origin = || super::page::origin(ctx, req.headers());
    match (reading, path.as_str()) {
        (true, "/calendar") => view_page(ctx, &v, &query).await,
        (true, "/calendar/colors.css") => colors(ctx, &v).await,
        (true, "/calendar/new") => new_form(ctx, &v, &query).await,
        (true, "/calendar/event") => event_page(ctx, &v, &query).await,
        (true, "/calendar/rooms") => rooms::page(ctx, &v, req.uri().query()).await,
        (true, "/calendar/settings") => settings_page(ctx, &v, &req_origin(), None, StatusCode::OK).await,
        (false, "/calendar/settings") => {
            if *req.method() != Method::POST {
                return Err(AppError::MethodNotAllowed { allow: "GET, POST" });
            }
            let origin = req_origin();
            let form = form_fields(&read_limited(req.into_body(), FORM_LIMIT).await?);
            v.check_csrf(form.get("csrf").map(String::as_str))?;
            match settings_command(ctx, &v, &form).await {
                Ok(()) => Ok(redirect(StatusCode::SEE_OTHER, "/calendar/settings")),
                Err(e) if matches!(e.kind, ErrorKind::Invalid | ErrorKind::NotFound) => {
                    settings_page(ctx, &v, &origin, Some(e.reason), StatusCode::BAD_REQUEST).await
                }
                Err(e) if e.kind == ErrorKind::Forbidden => {
                    let message = v.lang.t("calendar-grant-forbidden");
                    settings_page(ctx, &v, &origin, Some(message), StatusCode::FORBIDDEN).await
                }
                Err(e) => Err(e.into()),
            }
        }
        (false, "/calendar/new" | "/calendar/event" | "/calendar/event/delete") => {
            if *req.method() != Method::POST {
                return Err(AppError::MethodNotAllowed { allow: "GET, POST" });
            }
            let form = form_fields(&read_limited(req.into_body(), FORM_LIMIT).await?);
            v.check_csrf(form.get("csrf").map(String::as_str))?;
            match path.as_str() {
                "/calendar/new" => create(ctx, &v, &form).await,
                "/calendar/event" => save(ctx, &v, &form).await,
                _ => delete(ctx, &v, &form).await,
            }
        }
        (false, "/calendar/invitation") => {
            if *req.method() != Method::POST {
                return Err(AppError::MethodNotAllowed { allow: "POST" });
            }
            let form = form_fields(&read_limited(req.into_body(), FORM_LIMIT).await?);
            v.check_csrf(form.get("csrf").map(String::as_str))?;
            let field = |k: &str| form.get(k).map_or("", String::as_str);
            let reply = crate::core::calendars::Reply::parse(field("answer"))
                .ok_or_else(|| AppError::BadRequest("answer must be accept, tentative or decline".into()))?;
            ctx.app
                .core
                .calendars(&v.actor)
                .answer_invitation(field("cal"), field("name"), field("etag"), reply)
                .await?;
            Ok(redirect(StatusCode::SEE_OTHER, "/"))
        }
        (false, "/calendar" | "/calendar/colors.css" | "/calendar/rooms") => {
            Err(AppError::MethodNotAllowed { allow: "GET" })
        }
        _ => Err(AppError::NotFound),
    }
}

/// The calendars the visitor's pages show: their own, team calendars and favourites.
async fn shown_calendars(ctx: &Ctx, v: &Visitor) -> Result<Vec<CalendarRef>, AppError> {
    let calendars = ctx.app.core.calendars(&v.actor);
    let me = calendars.home(&v.principal().login, Action::Read).await?;
    Ok(calendars
        .listed(&me)
        .await?
        .into_iter()
        .filter(|c| c.collection().components.split(',').any(|k| k == "VEVENT"))
        .collect())
}

/// Whether the visitor sees only that the time is taken.
fn busy_only(c: &CalendarRef, o: &caldav::Occurrence) -> bool {
    c.view() <= CalendarView::BusyOnly || (o.private && c.view() != CalendarView::Owner)
}

fn event_href(c: &CalendarRef, object: &str, at: Option<i64>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("cal", c.segment());
    s.append_pair("name", object);
    if let Some(at) = at {
        s.append_pair("at", &at.to_string());
    }
    format!("/calendar/event?{}", s.finish())
}

async fn view_page(ctx: &Ctx, v: &Visitor, query: &HashMap<String, String>) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let zone = Zone::of(v);
    let today = zone.today();
    let view = View::parse(query.get("view").map_or("", String::as_str));
    let date = query.get("date").and_then(|d| parse_date(d)).unwrap_or(today);
    let (first, days, prev, next) = match view {
        View::Day => (date, 1, date - TimeDelta::days(1), date + TimeDelta::days(1)),
        View::Week => (
            week_start(date, lang),
            7,
            date - TimeDelta::days(7),
            date + TimeDelta::days(7),
        ),
        View::Month => {
            let month_first = date.with_day(1).unwrap_or(date);
            let next_month = month_first + chrono::Months::new(1);
            let start = week_start(month_first, lang);
            let end = week_start(next_month - TimeDelta::days(1), lang) + TimeDelta::days(7);
            (
                start,
                (end - start).num_days(),
                month_first - chrono::Months::new(1),
                next_month,
            )
        }
    };
    let calendars = shown_calendars(ctx, v).await?;
    let start = zone.midnight(first);
    let end = zone.midnight(first + TimeDelta::days(days));
    let entries = ctx
        .app
        .core
        .calendars(&v.actor)
        .agenda(&calendars, start, end, &zone.floating)
        .await?;
    let mut cells = Vec::new();
    for i in 0..days {
        let day = first + TimeDelta::days(i);
        let (from, to) = (zone.midnight(day), zone.midnight(day + TimeDelta::days(1)));
        let events = entries
            .iter()
            .filter(|e| {
                let o = &e.occurrence;
                o.start < to && (o.end > from || (o.start == o.end && o.start >= from))
            })
            .filter_map(|e| {
                let c = calendars.get(e.calendar)?;
                let o = &e.occurrence;
                let time = if o.all_day {
                    lang.t("calendar-all-day")
                } else {
                    let begins = if o.start < from {
                        "…".to_owned()
                    } else {
                        zone.local(o.start).format("%H:%M").to_string()
                    };
                    let ends = if o.end > to {
                        "…".to_owned()
                    } else {
                        zone.local(o.end).format("%H:%M").to_string()
                    };
                    format!("{begins}–{ends}")
                };
                let title = if busy_only(c, o) {
                    lang.t("calendar-busy")
                } else {
                    o.summary.clone().unwrap_or_else(|| lang.t("calendar-no-title"))
                };
                Some(EventRow {
                    time,
                    title,
                    class: calendar_class(c),
                    href: event_href(c, &e.object, o.recurrence_id),
                })
            })
            .collect();
        cells.push(DayCell {
            label: match view {
                View::Month => day.day().to_string(),
                _ => format!(
                    "{}, {}",
                    lang.t(&format!("weekday-{}", day.weekday().number_from_monday())),
                    lang.day_month(day)
                ),
            },
            iso: day.format("%Y-%m-%d").to_string(),
            today: day == today,
            in_month: view != View::Month || day.month() == date.month(),
            events,
        });
    }
    let weeks = match view {
        View::Month => cells.chunks(7).map(<[DayCell]>::to_vec).collect(),
        _ => vec![cells],
    };
    let heading = match view {
        View::Day => lang.date(date),
        View::Week => format!("{} – {}", lang.day_month(first), lang.date(first + TimeDelta::days(6))),
        View::Month => format!("{} {}", lang.t(&format!("month-name-{}", date.month())), date.year()),
    };
    let me = v.principal().id;
    let page = CalendarPage {
        page: v.page("/calendar", lang.t("calendar-title")),
        view: view.name(),
        heading,
        prev: prev.format("%Y-%m-%d").to_string(),
        next: next.format("%Y-%m-%d").to_string(),
        today: today.format("%Y-%m-%d").to_string(),
        date: date.format("%Y-%m-%d").to_string(),
        weekdays: (0..7)
            .map(|i| {
                let day = first + TimeDelta::days(i);
                lang.t(&format!("weekday-short-{}", day.weekday().number_from_monday()))
            })
            .collect(),
        weeks,
        can_create: calendars.iter().any(|c| c.view() >= CalendarView::Write),
        legend: calendars
            .iter()
            .map(|c| LegendRow {
                class: calendar_class(c),
                name: calendar_label(c, me),
            })
            .collect(),
    };
    html(StatusCode::OK, &page)
}

/// `/calendar/colors.css`: each shown calendar's colour.
async fn colors(ctx: &Ctx, v: &Visitor) -> Result<Response<Body>, AppError> {
    let mut css = String::new();
    for (i, c) in shown_calendars(ctx, v).await?.iter().enumerate() {
        let color = css_color(c.collection().color.as_deref()).unwrap_or_else(|| PALETTE[i % PALETTE.len()].to_owned());
        css.push_str(&format!(".{} {{ border-left-color: {color}; }}\n", calendar_class(c)));
    }
    let mut resp = Response::new(full(css));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(resp)
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The event form, new or existing.
#[derive(Template)]
#[template(path = "calendar_event.html")]
struct EventPage {
    page: Page,
    error: Option<String>,
    /// Read-only details (for those who may not change the event).
    details: Option<Details>,
    form: Option<EventForm>,
}

struct Details {
    when: String,
    location: String,
    description: String,
    calendar: String,
}

/// A room on the form, ticked when invited.
struct RoomBox {
    login: String,
    name: String,
    /// Seats and equipment.
    about: String,
    checked: bool,
}

/// An invited person or room and their answer, as the form lists them.
struct GuestRow {
    name: String,
    answer: String,
}

struct EventForm {
    action: &'static str,
    /// Whether the form edits the guest list (not for an invitation from someone else).
    edits_guests: bool,
    /// People invited (logins or addresses), as typed.
    guests: String,
    rooms: Vec<RoomBox>,
    /// Everyone invited with their answer (an existing meeting).
    answers: Vec<GuestRow>,
    /// The free/busy grid, after "Check availability".
    grid: Option<availability::Grid>,
    calendars: Vec<Choice>,
    title: String,
    location: String,
    description: String,
    all_day: bool,
    start_date: String,
    start_time: String,
    end_date: String,
    end_time: String,
    repeats: Vec<Choice>,
    rrule_kept: String,
    private: bool,
    out_of_office: bool,
    /// For an existing event.
    cal: String,
    name: String,
    etag: String,
    at: String,
    recurring: bool,
    back: String,
}

const REPEATS: [(&str, &str); 5] = [
    ("", "calendar-repeat-none"),
    ("FREQ=DAILY", "calendar-repeat-daily"),
    ("FREQ=WEEKLY", "calendar-repeat-weekly"),
    ("FREQ=MONTHLY", "calendar-repeat-monthly"),
    ("FREQ=YEARLY", "calendar-repeat-yearly"),
];

fn repeat_choices(lang: Lang, current: Option<&str>) -> (Vec<Choice>, String) {
    let current = current.unwrap_or("");
    let mut out: Vec<Choice> = REPEATS
        .iter()
        .map(|(value, key)| Choice {
            value: (*value).to_owned(),
            label: lang.t(key),
            selected: *value == current,
        })
        .collect();
    let kept = if out.iter().any(|c| c.selected) {
        String::new()
    } else {
        out.push(Choice {
            value: "keep".into(),
            label: lang.t("calendar-repeat-custom"),
            selected: true,
        });
        current.to_owned()
    };
    (out, kept)
}

/// The calendars the visitor may add events to, `selected` first chosen.
fn writable_choices(calendars: &[CalendarRef], selected: &str, me: i64) -> Vec<Choice> {
    calendars
        .iter()
        .filter(|c| c.view() >= CalendarView::Write)
        .map(|c| Choice {
            value: c.segment().to_owned(),
            label: calendar_label(c, me),
            selected: c.segment() == selected,
        })
        .collect()
}

fn times_of(fields: &EventFields) -> (bool, String, String, String, String) {
    match (fields.start, fields.end) {
        (EventTime::Date(s), EventTime::Date(e)) => {
            let last = if e > s { e - TimeDelta::days(1) } else { s };
            (
                true,
                s.format("%Y-%m-%d").to_string(),
                "09:00".into(),
                last.format("%Y-%m-%d").to_string(),
                "10:00".into(),
            )
        }
        (s, e) => {
            let local = |t: EventTime| match t {
                EventTime::Local(n) => n,
                EventTime::Date(d) => d.and_time(NaiveTime::MIN),
            };
            let (s, e) = (local(s), local(e));
            (
                false,
                s.date().format("%Y-%m-%d").to_string(),
                s.time().format("%H:%M").to_string(),
                e.date().format("%Y-%m-%d").to_string(),
                e.time().format("%H:%M").to_string(),
            )
        }
    }
}

fn back_to(day: &str) -> String {
    format!("/calendar?date={day}")
}

/// `GET /calendar/new?date=…&cal=…[&start=HH:MM][&end=HH:MM][&room=LOGIN]`: the free-rooms
/// page's "book" links fill in the times and tick the room. An end at or before the start is
/// on the next day; without times the form says 09:00–10:00.
async fn new_form(ctx: &Ctx, v: &Visitor, query: &HashMap<String, String>) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let zone = Zone::of(v);
    let day = query.get("date").and_then(|d| parse_date(d)).unwrap_or(zone.today());
    let calendars = shown_calendars(ctx, v).await?;
    let chosen = query.get("cal").map_or("calendar", String::as_str);
    let (repeats, rrule_kept) = repeat_choices(lang, None);
    let iso = day.format("%Y-%m-%d").to_string();
    let start = query
        .get("start")
        .and_then(|t| parse_time(t))
        .or_else(|| NaiveTime::from_hms_opt(9, 0, 0))
        .unwrap_or(NaiveTime::MIN);
    let end = query
        .get("end")
        .and_then(|t| parse_time(t))
        .unwrap_or_else(|| start + TimeDelta::hours(1));
    let end_day = if end <= start {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    let invited: Vec<String> = query.get("room").cloned().into_iter().collect();
    let rooms = boxes_of(v, ctx.app.core.calendars(&v.actor).rooms().await?, &invited);
    let form = EventForm {
        action: "/calendar/new",
        edits_guests: true,
        guests: String::new(),
        rooms,
        answers: Vec::new(),
        grid: None,
        calendars: writable_choices(&calendars, chosen, v.principal().id),
        title: String::new(),
        location: String::new(),
        description: String::new(),
        all_day: false,
        start_date: iso.clone(),
        start_time: start.format("%H:%M").to_string(),
        end_date: end_day.format("%Y-%m-%d").to_string(),
        end_time: end.format("%H:%M").to_string(),
        repeats,
        rrule_kept,
        private: false,
        out_of_office: false,
        cal: String::new(),
        name: String::new(),
        etag: String::new(),
        at: String::new(),
        recurring: false,
        back: back_to(&iso),
    };
    event_form_page(v, lang.t("calendar-new"), Some(form), None, None, StatusCode::OK)
}

/// The rooms the form offers, none ticked.
async fn room_boxes(ctx: &Ctx, v: &Visitor) -> Result<Vec<RoomBox>, AppError> {
    Ok(boxes_of(v, ctx.app.core.calendars(&v.actor).rooms().await?, &[]))
}

/// The rooms a meeting can invite (those with an e-mail address, their calendar user
/// address) as the form shows them, those in `invited` (logins) ticked.
fn boxes_of(v: &Visitor, rooms: Vec<Room>, invited: &[String]) -> Vec<RoomBox> {
    rooms
        .into_iter()
        .filter(|r| r.principal.email.is_some())
        .map(|r| RoomBox {
            checked: invited.contains(&r.principal.login),
            about: room_about(v.lang, &r.details),
            login: r.principal.login,
            name: r.principal.display_name,
        })
        .collect()
}

/// A room's seats (when stated) and equipment in a few words: `4 seats · projector`.
fn room_about(lang: Lang, details: &RoomDetails) -> String {
    let mut about: Vec<String> = Vec::new();
    if details.capacity > 0 {
        about.push(lang.t_count("calendar-room-seats", details.capacity));
    }
    about.extend(details.equipment.iter().cloned());
    about.join(" · ")
}

/// The logins of the rooms ticked on a sent form (fields `room.{login}`).
fn ticked_rooms(form: &HashMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("room."))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

fn answer_label(lang: Lang, partstat: &str) -> String {
    lang.t(match partstat {
        "ACCEPTED" => "partstat-accepted",
        "DECLINED" => "partstat-declined",
        "TENTATIVE" => "partstat-tentative",
        "DELEGATED" => "partstat-delegated",
        _ => "partstat-needs-action",
    })
}

fn event_form_page(
    v: &Visitor,
    title: String,
    form: Option<EventForm>,
    details: Option<Details>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response<Body>, AppError> {
    let page = EventPage {
        page: v.page("/calendar", title),
        error,
        details,
        form,
    };
    html(status, &page)
}

/// The form's fields as an event, or the message that says what is wrong.
fn fields_from(form: &HashMap<String, String>, lang: Lang) -> Result<EventFields, String> {
    let get = |k: &str| form.get(k).map_or("", |s| s.as_str());
    let start_day = parse_date(get("start_date")).ok_or_else(|| lang.t("calendar-bad-date"))?;
    let end_day = match get("end_date").trim() {
        "" => start_day,
        d => parse_date(d).ok_or_else(|| lang.t("calendar-bad-date"))?,
    };
    let all_day = form.contains_key("all_day");
    let (start, end) = if all_day {
        (
            EventTime::Date(start_day),
            EventTime::Date(end_day.max(start_day) + TimeDelta::days(1)),
        )
    } else {
        let start_time = parse_time(get("start_time")).ok_or_else(|| lang.t("calendar-bad-time"))?;
        let start = start_day.and_time(start_time);
        let end = match get("end_time").trim() {
            "" => start + TimeDelta::hours(1),
            t => end_day.and_time(parse_time(t).ok_or_else(|| lang.t("calendar-bad-time"))?),
        };
        (EventTime::Local(start), EventTime::Local(end))
    };
    let rrule = match get("repeat") {
        "keep" => Some(get("rrule_kept").to_owned()).filter(|r| !r.is_empty()),
        "" => None,
        chosen => Some(
            REPEATS
                .iter()
                .find(|(value, _)| *value == chosen)
                .map(|(value, _)| (*value).to_owned())
                .ok_or_else(|| lang.t("calendar-bad-repeat"))?,
        ),
    };
    Ok(EventFields {
        summary: get("title").chars().take(500).collect(),
        location: get("location").chars().take(500).collect(),
        description: get("description").chars().take(10_000).collect(),
        start,
        end,
        rrule,
        private: form.contains_key("private"),
        out_of_office: form.contains_key("out_of_office"),
        meeting: None,
    })
}

/// The form as it was sent, to show again with an error.
fn form_again(
    form: &HashMap<String, String>,
    calendars: &[CalendarRef],
    v: &Visitor,
    action: &'static str,
    rooms: Vec<RoomBox>,
) -> EventForm {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (mut repeats, _) = repeat_choices(v.lang, None);
    let chosen = get("repeat");
    if chosen == "keep" {
        repeats.push(Choice {
            value: "keep".into(),
            label: v.lang.t("calendar-repeat-custom"),
            selected: true,
        });
    }
    for r in &mut repeats {
        r.selected = r.value == chosen;
    }
    let ticked = ticked_rooms(form);
    EventForm {
        action,
        edits_guests: form.contains_key("guests_shown"),
        guests: get("guests"),
        rooms: rooms
            .into_iter()
            .map(|r| RoomBox {
                checked: ticked.contains(&r.login),
                ..r
            })
            .collect(),
        answers: Vec::new(),
        grid: None,
        calendars: writable_choices(calendars, &get("cal"), v.principal().id),
        title: get("title"),
        location: get("location"),
        description: get("description"),
        all_day: form.contains_key("all_day"),
        start_date: get("start_date"),
        start_time: get("start_time"),
        end_date: get("end_date"),
        end_time: get("end_time"),
        repeats,
        rrule_kept: get("rrule_kept"),
        private: form.contains_key("private"),
        out_of_office: form.contains_key("out_of_office"),
        cal: get("cal"),
        name: get("name"),
        etag: get("etag"),
        at: get("at"),
        recurring: form.contains_key("recurring"),
        back: back_to(&get("start_date")),
    }
}

/// The form as it was sent, again, with what is wrong (400); `(action, title key)`.
fn refused(
    form: &HashMap<String, String>,
    calendars: &[CalendarRef],
    v: &Visitor,
    (action, title): (&'static str, &str),
    rooms: Vec<RoomBox>,
    message: String,
) -> Result<Response<Body>, AppError> {
    let f = form_again(form, calendars, v, action, rooms);
    event_form_page(
        v,
        v.lang.t(title),
        Some(f),
        None,
        Some(message),
        StatusCode::BAD_REQUEST,
    )
}

/// A refusal the form can show (bad values, a change made meanwhile), or the error.
fn shown_on_form(e: Error) -> Result<String, AppError> {
    match e.kind {
        ErrorKind::Invalid | ErrorKind::PreconditionFailed | ErrorKind::Conflict => Ok(e.reason),
        ErrorKind::Forbidden if e.condition.is_some() => Ok(e.reason),
        _ => Err(e.into()),
    }
}

/// `POST /calendar/new`
async fn create(ctx: &Ctx, v: &Visitor, form: &HashMap<String, String>) -> Result<Response<Body>, AppError> {
    if form.contains_key("check") || form.contains_key("slot") {
        return availability::check(ctx, v, form, "/calendar/new").await;
    }
    let lang = v.lang;
    let zone = Zone::of(v);
    let calendars = shown_calendars(ctx, v).await?;
    let rooms = room_boxes(ctx, v).await?;
    let again = |message: String| refused(form, &calendars, v, ("/calendar/new", "calendar-new"), rooms, message);
    let mut fields = match fields_from(form, lang) {
        Ok(f) => f,
        Err(message) => return again(message),
    };
    let segment = form.get("cal").map_or("", String::as_str);
    let service = ctx.app.core.calendars(&v.actor);
    let c = service.calendar(&v.principal().login, segment, Action::Write).await?;
    let guests = form.get("guests").map_or("", String::as_str);
    fields.meeting = match service.guest_list(&c, guests, &ticked_rooms(form)).await {
        Ok(m) => Some(m),
        Err(e) => return again(shown_on_form(e)?),
    };
    match service.create_event(&c, &fields, &zone.id).await {
        Ok(_) => Ok(redirect(StatusCode::SEE_OTHER, &back_to(&day_of(&fields)))),
        Err(e) => again(shown_on_form(e)?),
    }
}

fn day_of(fields: &EventFields) -> String {
    match fields.start {
        EventTime::Date(d) => d.format("%Y-%m-%d").to_string(),
        EventTime::Local(n) => n.date().format("%Y-%m-%d").to_string(),
    }
}

/// `GET /calendar/event?cal=…&name=…[&at=…]`
async fn event_page(ctx: &Ctx, v: &Visitor, query: &HashMap<String, String>) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let zone = Zone::of(v);
    let segment = query.get("cal").map_or("", String::as_str);
    let name = query.get("name").map_or("", String::as_str);
    let at = query.get("at").and_then(|a| a.parse::<i64>().ok());
    let service = ctx.app.core.calendars(&v.actor);
    let c = service.calendar(&v.principal().login, segment, Action::Read).await?;
    let occurrence = service
        .occurrence(&c, name, at, &zone.floating)
        .await?
        .ok_or(AppError::NotFound)?;
    let busy = busy_only(&c, &occurrence);
    let when = describe_when(&occurrence, &zone, lang);
    let title = if busy {
        lang.t("calendar-busy")
    } else {
        occurrence
            .summary
            .clone()
            .unwrap_or_else(|| lang.t("calendar-no-title"))
    };
    let back = back_to(&zone.local(occurrence.start).date().format("%Y-%m-%d").to_string());
    let may_change = c.view() >= CalendarView::Write && !(occurrence.private && c.view() != CalendarView::Owner);
    if !may_change {
        let details = Details {
            when,
            location: if busy {
                String::new()
            } else {
                occurrence.location.clone().unwrap_or_default()
            },
            description: if busy {
                String::new()
            } else {
                occurrence.description.clone().unwrap_or_default()
            },
            calendar: calendar_label(&c, v.principal().id),
        };
        return event_form_page(v, title, None, Some(details), None, StatusCode::OK);
    }
    let (series, etag) = service.event_fields(&c, name, &zone.floating).await?;
    let recurring = series.rrule.is_some() && occurrence.recurrence_id.is_some();
    // One occurrence shows its own times; the form's other fields are the series'.
    let mut fields = series.clone();
    if recurring {
        fields.summary = occurrence.summary.clone().unwrap_or_default();
        fields.location = occurrence.location.clone().unwrap_or_default();
        fields.description = occurrence.description.clone().unwrap_or_default();
        (fields.start, fields.end) = if occurrence.all_day {
            let (s, e) = (zone.local(occurrence.start).date(), zone.local(occurrence.end).date());
            (EventTime::Date(s), EventTime::Date(e.max(s + TimeDelta::days(1))))
        } else {
            (
                EventTime::Local(zone.local(occurrence.start)),
                EventTime::Local(zone.local(occurrence.end)),
            )
        };
    }
    let (all_day, start_date, start_time, end_date, end_time) = times_of(&fields);
    let (repeats, rrule_kept) = repeat_choices(lang, series.rrule.as_deref());
    let calendars = vec![c.clone()];
    // The owner's own meeting (or no meeting yet): the form edits its guests.
    let owner_email = c.owner().email.as_deref().unwrap_or("");
    let edits_guests = series
        .meeting
        .as_ref()
        .is_none_or(|m| m.organizer.email.eq_ignore_ascii_case(owner_email));
    let invited = series
        .meeting
        .as_ref()
        .map(|m| m.attendees.as_slice())
        .unwrap_or_default();
    let all_rooms = ctx.app.core.calendars(&v.actor).rooms().await?;
    let is_room = |r: &Room, email: &str| {
        r.principal
            .email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
    };
    let room_logins: Vec<String> = all_rooms
        .iter()
        .filter(|r| invited.iter().any(|a| is_room(r, &a.email)))
        .map(|r| r.principal.login.clone())
        .collect();
    let guests = invited
        .iter()
        .filter(|a| !all_rooms.iter().any(|r| is_room(r, &a.email)))
        .map(|a| a.email.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let answers = invited
        .iter()
        .map(|a| GuestRow {
            name: a.name.clone().unwrap_or_else(|| a.email.clone()),
            answer: answer_label(lang, &a.partstat),
        })
        .collect();
    let form = EventForm {
        action: "/calendar/event",
        edits_guests,
        guests,
        rooms: boxes_of(v, all_rooms, &room_logins),
        answers,
        grid: None,
        calendars: writable_choices(&calendars, c.segment(), v.principal().id),
        title: fields.summary,
        location: fields.location,
        description: fields.description,
        all_day,
        start_date,
        start_time,
        end_date,
        end_time,
        repeats,
        rrule_kept,
        private: fields.private,
        out_of_office: fields.out_of_office,
        cal: c.segment().to_owned(),
        name: name.to_owned(),
        etag,
        at: if recurring {
            at.map(|a| a.to_string()).unwrap_or_default()
        } else {
            String::new()
        },
        recurring,
        back,
    };
    event_form_page(v, title, Some(form), None, None, StatusCode::OK)
}

fn describe_when(o: &caldav::Occurrence, zone: &Zone, lang: Lang) -> String {
    let (s, e) = (zone.local(o.start), zone.local(o.end));
    if o.all_day {
        let last = (e - TimeDelta::days(1)).date().max(s.date());
        if last == s.date() {
            format!("{} · {}", lang.date(s.date()), lang.t("calendar-all-day"))
        } else {
            format!(
                "{} – {} · {}",
                lang.date(s.date()),
                lang.date(last),
                lang.t("calendar-all-day")
            )
        }
    } else if s.date() == e.date() {
        format!("{} · {}–{}", lang.date(s.date()), s.format("%H:%M"), e.format("%H:%M"))
    } else {
        format!(
            "{} {} – {} {}",
            lang.date(s.date()),
            s.format("%H:%M"),
            lang.date(e.date()),
            e.format("%H:%M")
        )
    }
}

/// The series' new times when the form of one occurrence is saved for all of them: the
/// series moves by as much as the occurrence was moved, and takes its new length.
fn moved_series(series: &EventFields, shown: &EventFields, sent: &EventFields) -> (EventTime, EventTime) {
    let instant = |t: EventTime| match t {
        EventTime::Local(n) => n,
        EventTime::Date(d) => d.and_time(NaiveTime::MIN),
    };
    let shift = instant(sent.start) - instant(shown.start);
    let length = instant(sent.end) - instant(sent.start);
    match (series.start, sent.start) {
        (EventTime::Date(d), EventTime::Date(_)) => {
            let start = d + TimeDelta::days(shift.num_days());
            (
                EventTime::Date(start),
                EventTime::Date(start + TimeDelta::days(length.num_days().max(1))),
            )
        }
        (EventTime::Local(n), EventTime::Local(_)) => {
            (EventTime::Local(n + shift), EventTime::Local(n + shift + length))
        }
        // All-day became timed or the other way round: the sent times, on the series' first day.
        (first, _) => {
            let day = instant(first).date();
            let moved = |t: EventTime| match t {
                EventTime::Local(n) => {
                    EventTime::Local(day.and_time(n.time()) + (n.date() - instant(sent.start).date()))
                }
                EventTime::Date(x) => EventTime::Date(day + (x - instant(sent.start).date())),
            };
            (moved(sent.start), moved(sent.end))
        }
    }
}

/// `POST /calendar/event`: save the form, for the whole series or one occurrence.
async fn save(ctx: &Ctx, v: &Visitor, form: &HashMap<String, String>) -> Result<Response<Body>, AppError> {
    if form.contains_key("check") || form.contains_key("slot") {
        return availability::check(ctx, v, form, "/calendar/event").await;
    }
    let lang = v.lang;
    let zone = Zone::of(v);
    let get = |k: &str| form.get(k).map_or("", |s| s.as_str());
    let service = ctx.app.core.calendars(&v.actor);
    let c = service.calendar(&v.principal().login, get("cal"), Action::Read).await?;
    let calendars = vec![c.clone()];
    let rooms = room_boxes(ctx, v).await?;
    let again = |message: String| {
        refused(
            form,
            &calendars,
            v,
            ("/calendar/event", "calendar-edit"),
            rooms,
            message,
        )
    };
    let mut fields = match fields_from(form, lang) {
        Ok(f) => f,
        Err(message) => return again(message),
    };
    // Only the owner's own meetings (or events that are none yet) take a guest list; an
    // invitation from someone else keeps theirs, whatever the form sent.
    let organizes = || async {
        let (series, _) = service.event_fields(&c, get("name"), &zone.floating).await?;
        let owner = c.owner().email.as_deref().unwrap_or("");
        Ok::<bool, Error>(
            series
                .meeting
                .as_ref()
                .is_none_or(|m| m.organizer.email.eq_ignore_ascii_case(owner)),
        )
    };
    if form.contains_key("guests_shown") && organizes().await? {
        fields.meeting = match service.guest_list(&c, get("guests"), &ticked_rooms(form)).await {
            Ok(m) => Some(m),
            Err(e) => return again(shown_on_form(e)?),
        };
    }
    let at = get("at").parse::<i64>().ok();
    let occurrence = at.filter(|_| get("scope") != "all");
    if let (Some(at), None) = (at, occurrence) {
        // The form showed one occurrence's times; the series moves by as much.
        let (series, _) = service.event_fields(&c, get("name"), &zone.floating).await?;
        let shown = service.occurrence(&c, get("name"), Some(at), &zone.floating).await?;
        if let Some(o) = shown {
            let shown_fields = EventFields {
                start: if o.all_day {
                    EventTime::Date(zone.local(o.start).date())
                } else {
                    EventTime::Local(zone.local(o.start))
                },
                end: if o.all_day {
                    EventTime::Date(zone.local(o.end).date())
                } else {
                    EventTime::Local(zone.local(o.end))
                },
                ..series.clone()
            };
            (fields.start, fields.end) = moved_series(&series, &shown_fields, &fields);
        }
    }
    let result = service
        .update_event(
            &c,
            get("name"),
            get("etag"),
            &fields,
            &zone.id,
            occurrence,
            &zone.floating,
        )
        .await;
    match result {
        Ok(()) => Ok(redirect(StatusCode::SEE_OTHER, &back_to(&day_of(&fields)))),
        Err(e) => again(shown_on_form(e)?),
    }
}

/// `POST /calendar/event/delete`: the whole event, or one occurrence.
async fn delete(ctx: &Ctx, v: &Visitor, form: &HashMap<String, String>) -> Result<Response<Body>, AppError> {
    let zone = Zone::of(v);
    let get = |k: &str| form.get(k).map_or("", |s| s.as_str());
    let service = ctx.app.core.calendars(&v.actor);
    let c = service.calendar(&v.principal().login, get("cal"), Action::Read).await?;
    let occurrence = get("at").parse::<i64>().ok().filter(|_| get("scope") != "all");
    service
        .delete_event(&c, get("name"), get("etag"), occurrence, &zone.floating)
        .await?;
    let back = parse_date(get("start_date")).map_or_else(
        || "/calendar".to_owned(),
        |d| back_to(&d.format("%Y-%m-%d").to_string()),
    );
    Ok(redirect(StatusCode::SEE_OTHER, &back))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_in_russian_and_sunday_in_english() {
        let wednesday = NaiveDate::from_ymd_opt(2026, 12, 9).unwrap_or_default();
        assert_eq!(
            week_start(wednesday, Lang::Ru),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default()
        );
        assert_eq!(
            week_start(wednesday, Lang::En),
            NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
        );
    }

    #[test]
    fn dates_outside_the_years_icalendar_writes_are_refused() {
        assert_eq!(parse_date("2030-03-04"), NaiveDate::from_ymd_opt(2030, 3, 4));
        // chrono reads these, and one more day or hour would panic.
        for far in [
            "262142-12-31",
            "+262142-12-31",
            "10000-01-01",
            "0000-01-01",
            "-0001-01-01",
        ] {
            assert_eq!(parse_date(far), None, "{far}");
        }
    }

    #[test]
    fn only_plain_colours_reach_the_style_sheet() {
        assert_eq!(css_color(Some("#FF0000")), Some("#FF0000".into()));
        assert_eq!(css_color(Some("#112233ff")), Some("#112233".into()));
        assert_eq!(css_color(Some("red; } body { display:none")), None);
        assert_eq!(css_color(Some("#12345")), None);
        assert_eq!(css_color(None), None);
    }

    #[test]
    fn saving_one_occurrence_for_all_moves_the_series_by_as_much() {
        let at = |d: &str| chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M").unwrap_or_default();
        let series = EventFields {
            summary: "x".into(),
            location: String::new(),
            description: String::new(),
            start: EventTime::Local(at("2026-11-02 09:00")),
            end: EventTime::Local(at("2026-11-02 10:00")),
            rrule: Some("FREQ=WEEKLY".into()),
            private: false,
            out_of_office: false,
            meeting: None,
        };
        let shown = EventFields {
            start: EventTime::Local(at("2026-11-16 09:00")),
            end: EventTime::Local(at("2026-11-16 10:00")),
            ..series.clone()
        };
        let sent = EventFields {
            start: EventTime::Local(at("2026-11-16 11:30")),
            end: EventTime::Local(at("2026-11-16 13:00")),
            ..series.clone()
        };
        assert_eq!(
            moved_series(&series, &shown, &sent),
            (
                EventTime::Local(at("2026-11-02 11:30")),
                EventTime::Local(at("2026-11-02 13:00"))
            )
        );
    }
}

struct OwnRow {
    /// The owner's login and the calendar's slug: what the forms name it by.
    login: String,
    slug: String,
    name: String,
    visibility: String,
    feed: String,
    grants: Vec<GrantRow>,
}

struct FavoriteRow {
    login: String,
    slug: String,
    name: String,
}

#[derive(Template)]
#[template(path = "calendar_settings.html")]
struct SettingsPage {
    page: Page,
    error: Option<String>,
    own: Vec<OwnRow>,
    modes: Vec<Choice>,
    favorites: Vec<FavoriteRow>,
}

const MODES: [(&str, &str); 4] = [
    ("private", "calendar-visibility-private"),
    ("busy", "calendar-visibility-busy"),
    ("titles", "calendar-visibility-titles"),
    ("all", "calendar-visibility-all"),
];

/// `/calendar/settings`: each own calendar's visibility, feed link and grants, and the
/// favourites.
async fn settings_page(
    ctx: &Ctx,
    v: &Visitor,
    origin: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let me = v.principal().id;
    let service = ctx.app.core.calendars(&v.actor);
    let calendars = shown_calendars(ctx, v).await?;
    let mut own = Vec::new();
    for c in calendars
        .iter()
        .filter(|c| c.view() == CalendarView::Owner && c.owner().id == me)
    {
        own.push(OwnRow {
            login: c.owner().login.clone(),
            slug: c.segment().to_owned(),
            name: calendar_label(c, me),
            visibility: c.collection().visibility.clone(),
            feed: c
                .collection()
                .feed_token
                .as_ref()
                .map(|t| format!("{origin}/ical/{t}.ics"))
                .unwrap_or_default(),
            grants: grant_rows(lang, "calendar", &service.grants(c).await?),
        });
    }
    let favorites = service
        .favorites()
        .await?
        .iter()
        .map(|c| FavoriteRow {
            login: c.owner().login.clone(),
            slug: c.collection().slug.clone(),
            name: calendar_label(c, me),
        })
        .collect();
    let page = SettingsPage {
        page: v.page("/calendar", lang.t("calendar-settings")),
        error,
        own,
        modes: MODES
            .iter()
            .map(|(value, key)| Choice {
                value: (*value).to_owned(),
                label: lang.t(key),
                selected: false,
            })
            .collect(),
        favorites,
    };
    let mut resp = html(StatusCode::OK, &page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// A settings form: visibility, feed on or off, a grant given, changed or removed (`login`
/// names the calendar's owner, the visitor when absent), favourite added or removed.
async fn settings_command(ctx: &Ctx, v: &Visitor, form: &HashMap<String, String>) -> Result<(), Error> {
    let get = |k: &str| form.get(k).map_or("", |s| s.trim());
    let calendars = ctx.app.core.calendars(&v.actor);
    let me = v.principal().login.clone();
    match get("action") {
        "grant" | "grant-remove" => {
            let owner = match get("login") {
                "" => me.as_str(),
                login => login,
            };
            let c = calendars.managed(owner, get("calendar")).await?;
            let (grantee, level) = if get("action") == "grant" {
                let level = match get("level") {
                    "read" => AccessLevel::Read,
                    "write" => AccessLevel::Write,
                    _ => return Err(Error::invalid(v.lang.t("calendar-grant-bad-level"))),
                };
                (
                    named_grantee(ctx, v, "calendar", get("who"), get("name")).await?,
                    Some(level),
                )
            } else {
                (grantee_of_key(get("grantee"))?, None)
            };
            calendars.set_grant(&c, grantee, level).await
        }
        "visibility" => {
            let c = calendars.managed(&me, get("calendar")).await?;
            calendars.set_visibility(&c, get("mode")).await
        }
        "feed-on" | "feed-off" => {
            let c = calendars.managed(&me, get("calendar")).await?;
            calendars.set_feed(&c, get("action") == "feed-on").await.map(|_| ())
        }
        "favorite-add" => {
            calendars
                .add_favorite(get("login"), get("calendar").trim_matches('/'))
                .await
        }
        "favorite-remove" => calendars.remove_favorite(get("login"), get("calendar")).await,
        _ => Err(Error::invalid("unknown command")),
    }
}
