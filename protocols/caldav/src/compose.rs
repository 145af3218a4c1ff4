//! Events written from a form (the web UI's event editor): a new event, a change to the whole
//! series or to one occurrence, and removing one occurrence.
//!
//! Values are written as iCalendar lines (TEXT escaped per RFC 5545 §3.3.11, control
//! characters dropped) and parsed by calcard, which owns the object model and its output: the
//! finished object is calcard's serialisation (line folding, RFC 5545 §3.1), with a VTIMEZONE
//! for the zone the times are in (`add_missing_timezones`). What the form does not show (alarms,
//! X- properties) is kept as it was; the guest list adds and removes ATTENDEEs (keeping the
//! answers of those who stay) and names the ORGANIZER when it starts a meeting. A change to one occurrence becomes an override
//! (RECURRENCE-ID in the form of the series' DTSTART, RFC 5545 §3.8.4.4); removing one adds an
//! EXDATE. The caller stores the result through the normal PUT rules.

use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameterName,
    ICalendarParameterValue, ICalendarProperty, ICalendarValue,
};
use chrono::{NaiveDate, NaiveDateTime};

use crate::ical::ParsedObject;
use crate::ical::values::{entry_text, when_of};
use crate::time::{FloatingZone, When, local_to_utc, utc_naive, utc_to_local};

/// A start or end as the form gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTime {
    /// An all-day event's day (an end day is exclusive, as DTEND;VALUE=DATE is).
    Date(NaiveDate),
    /// A wall-clock time in the zone the caller names.
    Local(NaiveDateTime),
}

/// What the event form edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFields {
    pub summary: String,
    pub location: String,
    pub description: String,
    pub start: EventTime,
    pub end: EventTime,
    /// The RRULE value (`FREQ=WEEKLY`), or none for a single event.
    pub rrule: Option<String>,
    /// CLASS:PRIVATE (only the owner sees more than "busy").
    pub private: bool,
    /// Out of office (`X-PORTICO-OOF:TRUE`): the absence chart shows it.
    pub out_of_office: bool,
    /// Who is invited: none leaves ORGANIZER and ATTENDEEs as they are; an empty list of
    /// attendees makes the event no meeting.
    pub meeting: Option<MeetingFields>,
}

/// A person or room on the form's guest list, or the organizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    /// Their e-mail address (written as a `mailto:` URI).
    pub email: String,
    pub name: Option<String>,
    pub room: bool,
    /// Their answer as stored (NEEDS-ACTION for someone newly invited).
    pub partstat: String,
}

/// The organizer and attendees the form edits. An attendee already invited keeps their
/// answer and parameters; one newly listed is invited with PARTSTAT=NEEDS-ACTION and RSVP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFields {
    pub organizer: Invitee,
    pub attendees: Vec<Invitee>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ComposeError {
    #[error("the stored event cannot be read: {0}")]
    Unreadable(String),
    #[error("the object holds no event")]
    NoEvent,
    #[error("the event has no such occurrence")]
    NoOccurrence,
    #[error("{0}")]
    Invalid(&'static str),
}

/// The properties the form owns; the rest of a component is kept.
const OWNED: [ICalendarProperty; 11] = [
    ICalendarProperty::Summary,
    ICalendarProperty::Location,
    ICalendarProperty::Description,
    ICalendarProperty::Class,
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Duration,
    ICalendarProperty::Rrule,
    ICalendarProperty::Dtstamp,
    ICalendarProperty::LastModified,
    ICalendarProperty::Sequence,
];

/// Portico's out-of-office marker, which the form owns too.
const OOF: &str = "X-PORTICO-OOF";

fn owned(name: &ICalendarProperty) -> bool {
    OWNED.contains(name) || matches!(name, ICalendarProperty::Other(n) if n.eq_ignore_ascii_case(OOF))
}

/// RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newlines escaped; other control
/// characters dropped.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value in double quotes (RFC 5545 §3.2: no DQUOTE or control characters inside).
fn quoted_param(text: &str) -> String {
    let clean: String = text.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{}\"", clean.trim())
}

fn mailto(email: &str) -> Result<String, ComposeError> {
    let email = email.trim();
    let bad = email.is_empty()
        || email.matches('@').count() != 1
        || email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ':' | ';' | ',' | '"' | '<' | '>'));
    if bad {
        return Err(ComposeError::Invalid("a guest's address is not an e-mail address"));
    }
    Ok(format!("mailto:{email}"))
}

fn with_name(mut line: String, name: Option<&str>) -> String {
    if let Some(n) = name.filter(|n| !n.trim().is_empty()) {
        line.push_str(";CN=");
        line.push_str(&quoted_param(n));
    }
    line
}

fn organizer_line(o: &Invitee) -> Result<String, ComposeError> {
    Ok(format!(
        "{}:{}",
        with_name("ORGANIZER".into(), o.name.as_deref()),
        mailto(&o.email)?
    ))
}

fn attendee_line(a: &Invitee, chair: bool) -> Result<String, ComposeError> {
    let head = format!(
        "ATTENDEE;CUTYPE={};ROLE={};PARTSTAT={}{}",
        if a.room { "ROOM" } else { "INDIVIDUAL" },
        if chair { "CHAIR" } else { "REQ-PARTICIPANT" },
        if chair { "ACCEPTED" } else { "NEEDS-ACTION" },
        if chair { "" } else { ";RSVP=TRUE" },
    );
    Ok(format!("{}:{}", with_name(head, a.name.as_deref()), mailto(&a.email)?))
}

/// The lowercased address of an ORGANIZER or ATTENDEE entry (`mailto:` removed).
pub(crate) fn address_of(e: &ICalendarEntry) -> Option<String> {
    let v = e.values.first().and_then(ICalendarValue::as_text)?.trim();
    let v = v
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map_or(v, |_| &v[7..]);
    Some(v.to_ascii_lowercase())
}

fn param<'a>(e: &'a ICalendarEntry, name: &ICalendarParameterName) -> Option<&'a str> {
    e.parameter(name).and_then(ICalendarParameterValue::as_text)
}

fn invitee_of(e: &ICalendarEntry) -> Option<Invitee> {
    Some(Invitee {
        email: address_of(e)?,
        name: param(e, &ICalendarParameterName::Cn).map(str::to_owned),
        room: param(e, &ICalendarParameterName::Cutype).is_some_and(|t| t.eq_ignore_ascii_case("ROOM")),
        partstat: param(e, &ICalendarParameterName::Partstat)
            .unwrap_or("NEEDS-ACTION")
            .to_ascii_uppercase(),
    })
}

/// The guest list applied to a component (see [`MeetingFields`]).
fn apply_meeting(comp: &mut ICalendarComponent, meeting: Option<&MeetingFields>) -> Result<(), ComposeError> {
    let Some(m) = meeting else { return Ok(()) };
    if m.attendees.is_empty() {
        comp.entries
            .retain(|e| !matches!(e.name, ICalendarProperty::Organizer | ICalendarProperty::Attendee));
        return Ok(());
    }
    let organizer = m.organizer.email.trim().to_ascii_lowercase();
    let listed: Vec<String> = m
        .attendees
        .iter()
        .map(|a| a.email.trim().to_ascii_lowercase())
        .collect();
    comp.entries.retain(|e| {
        e.name != ICalendarProperty::Attendee || address_of(e).is_some_and(|a| a == organizer || listed.contains(&a))
    });
    let present: Vec<String> = comp
        .entries
        .iter()
        .filter(|e| e.name == ICalendarProperty::Attendee)
        .filter_map(address_of)
        .collect();
    let mut lines = Vec::new();
    if !comp.has_property(&ICalendarProperty::Organizer) {
        lines.push(organizer_line(&m.organizer)?);
    }
    if !present.contains(&organizer) {
        lines.push(attendee_line(&m.organizer, true)?);
    }
    let mut added: Vec<&str> = Vec::new();
    for (a, key) in m.attendees.iter().zip(&listed) {
        if *key != organizer && !present.contains(key) && !added.contains(&key.as_str()) {
            lines.push(attendee_line(a, false)?);
            added.push(key);
        }
    }
    comp.entries.extend(entries(&lines)?);
    Ok(())
}

/// The guest list of a component that names an ORGANIZER.
fn meeting_of(comp: &ICalendarComponent) -> Option<MeetingFields> {
    let organizer = comp.property(&ICalendarProperty::Organizer).and_then(invitee_of)?;
    let attendees = comp
        .properties(&ICalendarProperty::Attendee)
        .filter_map(invitee_of)
        .filter(|a| a.email != organizer.email)
        .collect();
    Some(MeetingFields { organizer, attendees })
}

fn stamp(now: i64) -> String {
    format!("{}Z", utc_naive(now).format("%Y%m%dT%H%M%S"))
}

/// `NAME;…:value` of a start or end in the zone `tzid` (UTC times get the `Z` form).
fn time_line(name: &str, t: EventTime, tzid: &str) -> String {
    match t {
        EventTime::Date(d) => format!("{name};VALUE=DATE:{}", d.format("%Y%m%d")),
        EventTime::Local(n) if tzid == "UTC" => format!("{name}:{}Z", n.format("%Y%m%dT%H%M%S")),
        EventTime::Local(n) => format!("{name};TZID={tzid}:{}", n.format("%Y%m%dT%H%M%S")),
    }
}

/// The lines of the form's fields (without RRULE for an occurrence).
fn field_lines(f: &EventFields, tzid: &str, with_rule: bool) -> Result<Vec<String>, ComposeError> {
    if f.summary.trim().is_empty() {
        return Err(ComposeError::Invalid("an event needs a title"));
    }
    let ordered = match (f.start, f.end) {
        (EventTime::Date(s), EventTime::Date(e)) => s < e,
        (EventTime::Local(s), EventTime::Local(e)) => s <= e,
        _ => {
            return Err(ComposeError::Invalid(
                "start and end must both be days or both be times",
            ));
        }
    };
    if !ordered {
        return Err(ComposeError::Invalid("the event must end after it starts"));
    }
    let mut lines = vec![
        format!("SUMMARY:{}", escape_text(&f.summary)),
        time_line("DTSTART", f.start, tzid),
        time_line("DTEND", f.end, tzid),
    ];
    if !f.location.trim().is_empty() {
        lines.push(format!("LOCATION:{}", escape_text(&f.location)));
    }
    if !f.description.trim().is_empty() {
        lines.push(format!("DESCRIPTION:{}", escape_text(&f.description)));
    }
    if f.private {
        lines.push("CLASS:PRIVATE".into());
    }
    if f.out_of_office {
        lines.push(format!("{OOF}:TRUE"));
    }
    if with_rule && let Some(rule) = f.rrule.as_deref().filter(|r| !r.trim().is_empty()) {
        if rule.contains(['\r', '\n', ':']) {
            return Err(ComposeError::Invalid("not a recurrence rule"));
        }
        lines.push(format!("RRULE:{rule}"));
    }
    Ok(lines)
}

/// Parses `lines` as the properties of one VEVENT, into calcard entries.
pub(crate) fn entries(lines: &[String]) -> Result<Vec<ICalendarEntry>, ComposeError> {
    let mut text = String::from("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n");
    for line in lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    let cal = ICalendar::parse(&text).map_err(|_| ComposeError::Invalid("the values do not make an event"))?;
    cal.components
        .into_iter()
        .find(|c| c.component_type == ICalendarComponentType::VEvent)
        .map(|c| c.entries)
        .ok_or(ComposeError::Invalid("the values do not make an event"))
}

pub(crate) fn finish(mut cal: ICalendar) -> String {
    cal.add_missing_timezones();
    cal.to_string()
}

/// A new event `uid` with the form's fields, times in the zone `tzid` (IANA, or `UTC`).
pub fn new_event(uid: &str, fields: &EventFields, tzid: &str, now: i64) -> Result<String, ComposeError> {
    let mut lines = vec![
        format!("UID:{}", escape_text(uid)),
        format!("DTSTAMP:{}", stamp(now)),
        format!("CREATED:{}", stamp(now)),
        format!("LAST-MODIFIED:{}", stamp(now)),
        "SEQUENCE:0".to_owned(),
    ];
    lines.extend(field_lines(fields, tzid, true)?);
    if let Some(m) = fields.meeting.as_ref().filter(|m| !m.attendees.is_empty()) {
        lines.push(organizer_line(&m.organizer)?);
        lines.push(attendee_line(&m.organizer, true)?);
        let mut seen = vec![m.organizer.email.trim().to_ascii_lowercase()];
        for a in &m.attendees {
            let key = a.email.trim().to_ascii_lowercase();
            if !seen.contains(&key) {
                lines.push(attendee_line(a, false)?);
                seen.push(key);
            }
        }
    }
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico//Web//EN\r\nBEGIN:VEVENT\r\n");
    for line in &lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    let cal = ICalendar::parse(&text).map_err(|_| ComposeError::Invalid("the values do not make an event"))?;
    Ok(finish(cal))
}

/// The series (VEVENT without RECURRENCE-ID) of an object, with the ids of its overrides and
/// their RECURRENCE-IDs in Unix seconds.
pub(crate) struct Series {
    pub(crate) master: u32,
    pub(crate) start: Option<When>,
    pub(crate) start_tzid: Option<String>,
    pub(crate) overrides: Vec<(u32, i64)>,
}

pub(crate) fn series(obj: &ParsedObject, floating: &FloatingZone) -> Result<Series, ComposeError> {
    let events: Vec<(u32, &ICalendarComponent)> = obj
        .top_level()
        .filter(|(_, c)| c.component_type == ICalendarComponentType::VEvent)
        .collect();
    let (master, comp) = events
        .iter()
        .find(|(_, c)| !c.has_property(&ICalendarProperty::RecurrenceId))
        .copied()
        .ok_or(ComposeError::NoEvent)?;
    let dtstart = comp.property(&ICalendarProperty::Dtstart);
    let overrides = events
        .iter()
        .filter_map(|(id, c)| {
            let rid = c.property(&ICalendarProperty::RecurrenceId)?;
            Some((*id, when_of(rid, &obj.zones)?.utc(floating.tz())))
        })
        .collect();
    Ok(Series {
        master,
        start: dtstart.and_then(|e| when_of(e, &obj.zones)),
        start_tzid: dtstart.and_then(|e| e.tz_id()).map(str::to_owned),
        overrides,
    })
}

/// A RECURRENCE-ID or EXDATE line for the occurrence at `at`, in the form of the series'
/// DTSTART (RFC 5545 §3.8.4.4: the same value type and zone).
pub(crate) fn occurrence_line(name: &str, s: &Series, at: i64, floating: &FloatingZone) -> String {
    match s.start {
        Some(When::Date(_)) => format!("{name};VALUE=DATE:{}", utc_to_local(floating.tz(), at).format("%Y%m%d")),
        Some(When::Zoned(_, tz)) => match &s.start_tzid {
            Some(id) => format!("{name};TZID={id}:{}", utc_to_local(tz, at).format("%Y%m%dT%H%M%S")),
            None => format!("{name}:{}Z", utc_naive(at).format("%Y%m%dT%H%M%S")),
        },
        Some(When::Floating(_)) => format!("{name}:{}", utc_to_local(floating.tz(), at).format("%Y%m%dT%H%M%S")),
        Some(When::Utc(_)) | None => format!("{name}:{}Z", utc_naive(at).format("%Y%m%dT%H%M%S")),
    }
}

pub(crate) fn parse(existing: &[u8]) -> Result<ParsedObject, ComposeError> {
    ParsedObject::parse(existing).map_err(|e| ComposeError::Unreadable(e.to_string()))
}

fn sequence_of(comp: &ICalendarComponent) -> i64 {
    comp.property(&ICalendarProperty::Sequence)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_integer())
        .unwrap_or(0)
}

/// Replaces what the form owns in `comp` with `lines`, raising SEQUENCE.
fn rewrite(comp: &mut ICalendarComponent, lines: Vec<String>, now: i64) -> Result<(), ComposeError> {
    let sequence = sequence_of(comp) + 1;
    comp.entries.retain(|e| !owned(&e.name));
    let mut lines = lines;
    lines.push(format!("DTSTAMP:{}", stamp(now)));
    lines.push(format!("LAST-MODIFIED:{}", stamp(now)));
    lines.push(format!("SEQUENCE:{sequence}"));
    comp.entries.extend(entries(&lines)?);
    Ok(())
}

/// The object `existing` with the form's fields applied: to the whole series (`occurrence`
/// `None`), or to the occurrence that was due at `occurrence` (Unix seconds), which becomes
/// an override. A series whose start or rule changes loses its overrides and exceptions,
/// which belonged to the old times. Floating and all-day values are read in `floating`.
pub fn update_event(
    existing: &[u8],
    fields: &EventFields,
    tzid: &str,
    occurrence: Option<i64>,
    floating: &FloatingZone,
    now: i64,
) -> Result<String, ComposeError> {
    let obj = parse(existing)?;
    let s = series(&obj, floating)?;
    let master = obj.component(s.master).ok_or(ComposeError::NoEvent)?;
    let old_start = s.start.map(|w| w.utc(floating.tz()));
    let old_rule = master.property(&ICalendarProperty::Rrule).map(entry_text);
    let recurring = old_rule.is_some() || master.has_property(&ICalendarProperty::Rdate);
    let rid_line = occurrence.map(|at| occurrence_line("RECURRENCE-ID", &s, at, floating));
    let ParsedObject { mut cal, .. } = obj;
    match occurrence {
        None => {
            let lines = field_lines(fields, tzid, true)?;
            let new_start = match fields.start {
                EventTime::Date(d) => local_to_utc(floating.tz(), d.and_time(chrono::NaiveTime::MIN)),
                EventTime::Local(n) => {
                    let zone = FloatingZone::from_id(tzid).ok_or(ComposeError::Invalid("unknown time zone"))?;
                    local_to_utc(zone.tz(), n)
                }
            };
            let moved = Some(new_start) != old_start || fields.rrule.as_deref() != old_rule.as_deref();
            if moved {
                let drop_ids: Vec<u32> = s.overrides.iter().map(|(id, _)| *id).collect();
                if let Some(comp) = cal.components.get_mut(s.master as usize) {
                    comp.entries
                        .retain(|e| !matches!(e.name, ICalendarProperty::Exdate | ICalendarProperty::Rdate));
                }
                let comp = cal.components.get_mut(s.master as usize).ok_or(ComposeError::NoEvent)?;
                rewrite(comp, lines, now)?;
                apply_meeting(comp, fields.meeting.as_ref())?;
                cal.remove_component_ids(&drop_ids);
            } else {
                let comp = cal.components.get_mut(s.master as usize).ok_or(ComposeError::NoEvent)?;
                rewrite(comp, lines, now)?;
                apply_meeting(comp, fields.meeting.as_ref())?;
                // Moved occurrences have the series' guests too.
                for (id, _) in &s.overrides {
                    if let Some(comp) = cal.components.get_mut(*id as usize) {
                        apply_meeting(comp, fields.meeting.as_ref())?;
                    }
                }
            }
        }
        Some(at) => {
            if !recurring {
                return Err(ComposeError::NoOccurrence);
            }
            let mut lines = field_lines(fields, tzid, false)?;
            if let Some(&(id, _)) = s.overrides.iter().find(|(_, rid)| *rid == at) {
                let comp = cal.components.get_mut(id as usize).ok_or(ComposeError::NoEvent)?;
                rewrite(comp, lines, now)?;
                apply_meeting(comp, fields.meeting.as_ref())?;
            } else {
                let master = cal.components.get(s.master as usize).ok_or(ComposeError::NoEvent)?;
                let mut comp = ICalendarComponent {
                    component_type: ICalendarComponentType::VEvent,
                    entries: master
                        .entries
                        .iter()
                        .filter(|e| {
                            !owned(&e.name) && !matches!(e.name, ICalendarProperty::Exdate | ICalendarProperty::Rdate)
                        })
                        .cloned()
                        .collect(),
                    component_ids: Vec::new(),
                };
                lines.extend(rid_line);
                rewrite(&mut comp, lines, now)?;
                apply_meeting(&mut comp, fields.meeting.as_ref())?;
                let id = u32::try_from(cal.components.len()).map_err(|_| ComposeError::NoEvent)?;
                cal.components.push(comp);
                if let Some(root) = cal.components.first_mut() {
                    root.component_ids.push(id);
                }
            }
        }
    }
    Ok(finish(cal))
}

/// The object `existing` without the occurrence due at `at` (Unix seconds): an EXDATE on the
/// series, and its override, if it had one, removed.
pub fn remove_occurrence(existing: &[u8], at: i64, floating: &FloatingZone, now: i64) -> Result<String, ComposeError> {
    let obj = parse(existing)?;
    let s = series(&obj, floating)?;
    let master = obj.component(s.master).ok_or(ComposeError::NoEvent)?;
    if !master.has_property(&ICalendarProperty::Rrule) && !master.has_property(&ICalendarProperty::Rdate) {
        return Err(ComposeError::NoOccurrence);
    }
    let exdate = entries(&[
        occurrence_line("EXDATE", &s, at, floating),
        format!("DTSTAMP:{}", stamp(now)),
    ])?;
    let drop_ids: Vec<u32> = s
        .overrides
        .iter()
        .filter(|(_, rid)| *rid == at)
        .map(|(id, _)| *id)
        .collect();
    let ParsedObject { mut cal, .. } = obj;
    let comp = cal.components.get_mut(s.master as usize).ok_or(ComposeError::NoEvent)?;
    let sequence = sequence_of(comp) + 1;
    comp.entries
        .retain(|e| !matches!(e.name, ICalendarProperty::Dtstamp | ICalendarProperty::Sequence));
    comp.entries.extend(exdate);
    comp.entries.extend(entries(&[format!("SEQUENCE:{sequence}")])?);
    cal.remove_component_ids(&drop_ids);
    Ok(finish(cal))
}

/// The form's fields of the series in `existing`, times in `zone`.
pub fn event_fields(existing: &[u8], zone: &FloatingZone) -> Result<EventFields, ComposeError> {
    let obj = parse(existing)?;
    let s = series(&obj, zone)?;
    let comp = obj.component(s.master).ok_or(ComposeError::NoEvent)?;
    let text = |name: ICalendarProperty| comp.property(&name).map(entry_text).unwrap_or_default();
    let start = s.start.ok_or(ComposeError::NoEvent)?;
    let end = comp
        .property(&ICalendarProperty::Dtend)
        .and_then(|e| when_of(e, &obj.zones));
    let local = |w: When| match w {
        When::Date(d) => EventTime::Date(d),
        other => EventTime::Local(utc_to_local(zone.tz(), other.utc(zone.tz()))),
    };
    let end = match (start, end) {
        (_, Some(end)) => local(end),
        (When::Date(d), None) => EventTime::Date(d.succ_opt().unwrap_or(d)),
        (other, None) => local(other),
    };
    Ok(EventFields {
        summary: text(ICalendarProperty::Summary),
        location: text(ICalendarProperty::Location),
        description: text(ICalendarProperty::Description),
        start: local(start),
        end,
        rrule: comp.property(&ICalendarProperty::Rrule).map(entry_text),
        private: crate::object::is_private_component(comp),
        out_of_office: crate::object::is_out_of_office_component(comp),
        meeting: meeting_of(comp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TimeRange, occurrences, parse_utc};

    const NOW: i64 = 1_796_000_000;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn weekly() -> EventFields {
        EventFields {
            summary: "Planning; weekly, with \\ and\nnewline".into(),
            location: "Room 1".into(),
            description: String::new(),
            start: EventTime::Local(at("2026-11-02 09:00")),
            end: EventTime::Local(at("2026-11-02 10:00")),
            rrule: Some("FREQ=WEEKLY;COUNT=4".into()),
            private: false,
            out_of_office: false,
            meeting: None,
        }
    }

    fn starts(text: &str) -> Vec<(String, String)> {
        let range = TimeRange::new(parse_utc("20261101T000000Z"), parse_utc("20261201T000000Z")).unwrap();
        occurrences([text.as_bytes()], &range, &FloatingZone::utc())
            .into_iter()
            .map(|o| (crate::format_utc(o.start), o.summary.unwrap_or_default()))
            .collect()
    }

    fn valid(text: &str) {
        let limits = crate::Limits::DEFAULT;
        crate::validate_object(text.as_bytes(), &[crate::ComponentKind::Event], &limits)
            .unwrap_or_else(|e| panic!("{e}: {text}"));
    }

    #[test]
    fn a_new_event_is_valid_with_its_zone() {
        let text = new_event("u1@portico", &weekly(), "Europe/Moscow", NOW).unwrap();
        valid(&text);
        assert!(text.contains("BEGIN:VTIMEZONE"), "{text}");
        assert!(text.contains("DTSTART;TZID=Europe/Moscow:20261102T090000"), "{text}");
        // Moscow is UTC+3: 09:00 there is 06:00 UTC, each week.
        let got = starts(&text);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0].0, "20261102T060000Z");
        assert_eq!(got[0].1, weekly().summary, "escaped and read back");
        let back = event_fields(text.as_bytes(), &FloatingZone::from_id("Europe/Moscow").unwrap()).unwrap();
        assert_eq!(back, weekly());
    }

    #[test]
    fn all_day_and_utc_events() {
        let fields = EventFields {
            start: EventTime::Date(NaiveDate::from_ymd_opt(2026, 11, 4).unwrap()),
            end: EventTime::Date(NaiveDate::from_ymd_opt(2026, 11, 6).unwrap()),
            rrule: None,
            private: true,
            ..weekly()
        };
        let text = new_event("u2", &fields, "UTC", NOW).unwrap();
        valid(&text);
        assert!(
            text.contains("DTSTART;VALUE=DATE:20261104") && text.contains("CLASS:PRIVATE"),
            "{text}"
        );
        let timed = EventFields {
            rrule: None,
            ..weekly()
        };
        assert!(
            new_event("u3", &timed, "UTC", NOW)
                .unwrap()
                .contains("DTSTART:20261102T090000Z")
        );
    }

    #[test]
    fn the_form_refuses_what_makes_no_event() {
        let mut f = weekly();
        f.summary = "  ".into();
        assert!(matches!(new_event("u", &f, "UTC", NOW), Err(ComposeError::Invalid(_))));
        let mut f = weekly();
        f.end = EventTime::Local(at("2026-11-02 08:00"));
        assert!(matches!(new_event("u", &f, "UTC", NOW), Err(ComposeError::Invalid(_))));
        let mut f = weekly();
        f.end = EventTime::Date(NaiveDate::from_ymd_opt(2026, 11, 3).unwrap());
        assert!(matches!(new_event("u", &f, "UTC", NOW), Err(ComposeError::Invalid(_))));
        let mut f = weekly();
        f.rrule = Some("FREQ=DAILY\r\nATTENDEE:mailto:x@y".into());
        assert!(matches!(new_event("u", &f, "UTC", NOW), Err(ComposeError::Invalid(_))));
    }

    #[test]
    fn one_occurrence_is_moved_then_removed() {
        let original = new_event("u4", &weekly(), "UTC", NOW).unwrap();
        let third = parse_utc("20261116T090000Z").unwrap();
        let moved = EventFields {
            summary: "Planning (moved)".into(),
            start: EventTime::Local(at("2026-11-16 14:00")),
            end: EventTime::Local(at("2026-11-16 15:00")),
            ..weekly()
        };
        let text = update_event(
            original.as_bytes(),
            &moved,
            "UTC",
            Some(third),
            &FloatingZone::utc(),
            NOW,
        )
        .unwrap();
        valid(&text);
        assert!(text.contains("RECURRENCE-ID:20261116T090000Z"), "{text}");
        let got = starts(&text);
        assert_eq!(got[2], ("20261116T140000Z".to_owned(), "Planning (moved)".to_owned()));
        assert_eq!(got.len(), 4);
        // Editing the same occurrence again changes the override, not a second one.
        let again = update_event(text.as_bytes(), &moved, "UTC", Some(third), &FloatingZone::utc(), NOW).unwrap();
        assert_eq!(again.matches("RECURRENCE-ID").count(), 1, "{again}");
        // Removing it: an EXDATE and no override.
        let removed = remove_occurrence(again.as_bytes(), third, &FloatingZone::utc(), NOW).unwrap();
        valid(&removed);
        assert!(!removed.contains("RECURRENCE-ID"), "{removed}");
        assert!(removed.contains("EXDATE:20261116T090000Z"), "{removed}");
        assert_eq!(starts(&removed).len(), 3);
        // A single event has no occurrences to edit or remove.
        let single = new_event(
            "u5",
            &EventFields {
                rrule: None,
                ..weekly()
            },
            "UTC",
            NOW,
        )
        .unwrap();
        assert_eq!(
            remove_occurrence(single.as_bytes(), third, &FloatingZone::utc(), NOW),
            Err(ComposeError::NoOccurrence)
        );
    }

    #[test]
    fn changing_the_series_keeps_what_the_form_does_not_show() {
        let client = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//client//EN\r\nBEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261102T090000Z\r\nDTEND:20261102T100000Z\r\nSUMMARY:Old\r\nSEQUENCE:3\r\nATTENDEE:mailto:bob@example.com\r\nX-CLIENT:kept\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let fields = EventFields {
            summary: "New".into(),
            rrule: None,
            ..weekly()
        };
        let text = update_event(client.as_bytes(), &fields, "UTC", None, &FloatingZone::utc(), NOW).unwrap();
        valid(&text);
        for kept in [
            "ATTENDEE:mailto:bob@example.com",
            "X-CLIENT:kept",
            "BEGIN:VALARM",
            "SEQUENCE:4",
            "SUMMARY:New",
        ] {
            assert!(text.contains(kept), "{kept} in {text}");
        }
        assert!(!text.contains("SUMMARY:Old"), "{text}");
    }

    fn invitee(email: &str, name: &str, room: bool) -> Invitee {
        Invitee {
            email: email.into(),
            name: Some(name.into()),
            room,
            partstat: "NEEDS-ACTION".into(),
        }
    }

    fn meeting(attendees: Vec<Invitee>) -> Option<MeetingFields> {
        Some(MeetingFields {
            organizer: invitee("alice@example.com", "Alice \"A\" Archer", false),
            attendees,
        })
    }

    #[test]
    fn the_guest_list_invites_keeps_answers_and_removes() {
        let fields = EventFields {
            rrule: None,
            meeting: meeting(vec![
                invitee("bob@example.com", "Bob", false),
                invitee("Room-1@example.com", "Room 1", true),
                invitee("bob@example.com", "Bob again", false),
            ]),
            ..weekly()
        };
        let text = new_event("m1", &fields, "UTC", NOW).unwrap();
        valid(&text);
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains("ORGANIZER;CN=\"Alice A Archer\":mailto:alice@example.com"),
            "{unfolded}"
        );
        assert!(unfolded.contains("ROLE=CHAIR;PARTSTAT=ACCEPTED"), "{unfolded}");
        assert!(
            unfolded.contains("CUTYPE=ROOM") && unfolded.contains("mailto:Room-1@example.com"),
            "{unfolded}"
        );
        assert_eq!(unfolded.matches("mailto:bob@example.com").count(), 1, "{unfolded}");
        let back = event_fields(text.as_bytes(), &FloatingZone::utc())
            .unwrap()
            .meeting
            .unwrap();
        assert_eq!(back.organizer.email, "alice@example.com");
        assert_eq!(back.attendees.len(), 2);
        assert!(back.attendees[1].room);

        // Bob answered; the room goes, carol comes: bob keeps his answer.
        let answered = text
            .replace("\r\n ", "")
            .replace("PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Bob:", "PARTSTAT=ACCEPTED;CN=Bob:");
        assert!(answered.contains("PARTSTAT=ACCEPTED;CN=Bob:"), "{text}");
        let changed = EventFields {
            rrule: None,
            meeting: meeting(vec![
                invitee("BOB@example.com", "Bob", false),
                invitee("carol@example.com", "Carol", false),
            ]),
            ..weekly()
        };
        let text = update_event(answered.as_bytes(), &changed, "UTC", None, &FloatingZone::utc(), NOW).unwrap();
        valid(&text);
        let back = event_fields(text.as_bytes(), &FloatingZone::utc())
            .unwrap()
            .meeting
            .unwrap();
        let got: Vec<(&str, &str)> = back
            .attendees
            .iter()
            .map(|a| (a.email.as_str(), a.partstat.as_str()))
            .collect();
        assert_eq!(
            got,
            [("bob@example.com", "ACCEPTED"), ("carol@example.com", "NEEDS-ACTION")]
        );

        // No guests left: no meeting. No guest list: left as it was.
        let plain = EventFields {
            rrule: None,
            meeting: meeting(Vec::new()),
            ..weekly()
        };
        let none = update_event(text.as_bytes(), &plain, "UTC", None, &FloatingZone::utc(), NOW).unwrap();
        assert!(!none.contains("ORGANIZER") && !none.contains("ATTENDEE"), "{none}");
        let untouched = EventFields {
            rrule: None,
            ..weekly()
        };
        let kept = update_event(text.as_bytes(), &untouched, "UTC", None, &FloatingZone::utc(), NOW).unwrap();
        assert_eq!(kept.matches("ATTENDEE").count(), 3, "{kept}");
    }

    #[test]
    fn a_guest_address_must_be_an_address() {
        for bad in [
            "",
            "bob",
            "bob@x:evil",
            "a@b@c",
            "bob@example.com\r\nATTENDEE:x",
            "bob @x.com",
        ] {
            let fields = EventFields {
                meeting: meeting(vec![invitee(bad, "B", false)]),
                ..weekly()
            };
            assert!(
                matches!(new_event("m", &fields, "UTC", NOW), Err(ComposeError::Invalid(_))),
                "{bad:?}"
            );
        }
    }
}
