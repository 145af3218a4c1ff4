//! The event form's "Check availability": the form comes back with a free/busy grid of the
//! chosen day for the organizer and every invited colleague and room (half-hour cells, 08:00
//! to 20:00 in the visitor's time zone, the meeting's own time marked), and the next slot of
//! the meeting's length in working hours when all of them are free, with a button that moves
//! the form's times there. Plain form posts: no script.

use std::collections::HashMap;

use http::{Response, StatusCode};

use crate::core::authz::Action;
use crate::core::calendars::{Availability, MAX_RANGE_SECONDS, next_free_slot};
use crate::edge::Ctx;
use crate::edge::body::Body;
use crate::edge::error::AppError;

use super::{
    EventTime, Visitor, Zone, event_form_page, fields_from, form_again, room_boxes, shown_on_form, ticked_rooms,
};

/// The grid's first hour and its number of half-hour cells (08:00 to 20:00).
const GRID_FIRST_HOUR: i64 = 8;
const GRID_CELLS: i64 = 24;
const CELL_SECONDS: i64 = 30 * 60;
/// How far ahead the next free slot is looked for.
const SEARCH_DAYS: i64 = 14;

/// The free/busy grid under the form.
pub(super) struct Grid {
    pub day: String,
    /// Hour labels, each over two cells.
    pub hours: Vec<String>,
    pub rows: Vec<GridRow>,
    pub suggestion: Option<Suggestion>,
}

pub(super) struct GridRow {
    pub name: String,
    /// Their calendars are not shared with the visitor: the cells say nothing.
    pub unknown: bool,
    pub cells: Vec<GridCell>,
}

pub(super) struct GridCell {
    pub busy: bool,
    /// Within the meeting's own time.
    pub chosen: bool,
}

/// The next time everyone is free: its label and the instant the button sends.
pub(super) struct Suggestion {
    pub label: String,
    pub value: String,
}

fn hhmm(t: chrono::NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// `POST /calendar/new` or `/calendar/event` with `check` (or `slot`: move to that instant
/// first): the form again, with the grid.
pub(super) async fn check(
    ctx: &Ctx,
    v: &Visitor,
    form: &HashMap<String, String>,
    action: &'static str,
) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let zone = Zone::of(v);
    let mut form = form.clone();
    let service = ctx.app.core.calendars(&v.actor);
    let segment = form.get("cal").cloned().unwrap_or_default();
    let c = service.calendar(&v.principal().login, &segment, Action::Read).await?;
    let calendars = if action == "/calendar/new" {
        super::shown_calendars(ctx, v).await?
    } else {
        vec![c.clone()]
    };
    let title = lang.t(if action == "/calendar/new" {
        "calendar-new"
    } else {
        "calendar-edit"
    });
    let rooms = room_boxes(ctx, v).await?;
    let fields = match fields_from(&form, lang) {
        Ok(f) => f,
        Err(message) => {
            let f = form_again(&form, &calendars, v, action, rooms);
            return event_form_page(v, title, Some(f), None, Some(message), StatusCode::BAD_REQUEST);
        }
    };
    let (EventTime::Local(start), EventTime::Local(end)) = (fields.start, fields.end) else {
        let f = form_again(&form, &calendars, v, action, rooms);
        return event_form_page(
            v,
            title,
            Some(f),
            None,
            Some(lang.t("calendar-availability-all-day")),
            StatusCode::BAD_REQUEST,
        );
    };
    let length = (end - start)
        .num_seconds()
        .clamp(CELL_SECONDS / 2, MAX_RANGE_SECONDS / 2);
    let (mut start, mut end) = (zone.instant(start), zone.instant(end));
    if let Some(slot) = form.get("slot").and_then(|s| s.parse::<i64>().ok()) {
        start = slot;
        end = slot + length;
        let (s, e) = (zone.local(start), zone.local(end));
        form.insert("start_date".into(), s.date().format("%Y-%m-%d").to_string());
        form.insert("start_time".into(), hhmm(s));
        form.insert("end_date".into(), e.date().format("%Y-%m-%d").to_string());
        form.insert("end_time".into(), hhmm(e));
    }
    let guests = form.get("guests").cloned().unwrap_or_default();
    let meeting = match service.guest_list(&c, &guests, &ticked_rooms(&form)).await {
        Ok(m) => m,
        Err(e) => {
            let message = shown_on_form(e)?;
            let f = form_again(&form, &calendars, v, action, rooms);
            return event_form_page(v, title, Some(f), None, Some(message), StatusCode::BAD_REQUEST);
        }
    };
    // An existing meeting does not block itself.
    let uid = match form.get("name").filter(|n| !n.is_empty()) {
        Some(name) => service.object(&c, name).await?.map(|i| i.uid),
        None => None,
    };
    let day = zone.local(start).date();
    let grid_start = zone.midnight(day) + GRID_FIRST_HOUR * 3600;
    let from = start.max(crate::core::now());
    let until = from + SEARCH_DAYS * 86_400;
    // The grid's day and the search ahead are read apart: the day may be long past.
    let rows = service
        .availability(
            &meeting,
            grid_start,
            grid_start + GRID_CELLS * CELL_SECONDS,
            uid.as_deref(),
        )
        .await?;
    let ahead = service.availability(&meeting, from, until, uid.as_deref()).await?;
    let suggestion = next_free_slot(&ahead, from, length, until, zone.tz).map(|at| {
        let (s, e) = (zone.local(at), zone.local(at + length));
        Suggestion {
            label: format!("{} {}–{}", lang.date(s.date()), hhmm(s), hhmm(e)),
            value: at.to_string(),
        }
    });
    let grid = Grid {
        day: lang.date(day),
        hours: (0..GRID_CELLS / 2)
            .map(|h| format!("{:02}", GRID_FIRST_HOUR + h))
            .collect(),
        rows: rows.iter().map(|r| row(r, grid_start, start, end)).collect(),
        suggestion,
    };
    let mut f = form_again(&form, &calendars, v, action, rooms);
    f.grid = Some(grid);
    f.back = super::back_to(&day.format("%Y-%m-%d").to_string());
    event_form_page(v, title, Some(f), None, None, StatusCode::OK)
}

fn row(r: &Availability, grid_start: i64, start: i64, end: i64) -> GridRow {
    GridRow {
        name: r.name.clone(),
        unknown: !r.shared,
        cells: (0..GRID_CELLS)
            .map(|i| {
                let (a, b) = (grid_start + i * CELL_SECONDS, grid_start + (i + 1) * CELL_SECONDS);
                GridCell {
                    busy: r.busy.iter().any(|p| p.start < b && p.end > a),
                    chosen: start < b && end > a,
                }
            })
            .collect(),
    }
}
