//! iTIP (RFC 5546) as CalDAV implicit scheduling (RFC 6638) needs it, free of IO: who
//! organizes an object and who attends it ([`meeting`]), and the objects a server derives from
//! a stored one — an attendee's copy ([`attendee_copy`]), the REQUEST, CANCEL and REPLY
//! messages for schedule inboxes ([`message`]), a cancelled copy ([`cancelled`]), and the
//! organizer's copy carrying the attendees' answers and delivery statuses ([`with_answers`],
//! [`with_statuses`]).
//!
//! No maintained crate implements iTIP on calcard's model, so these transforms are written
//! here, on calcard's tree: calcard parses and serialises (folding, escaping), this module
//! only moves properties and parameters. Components are matched across objects by their
//! RECURRENCE-ID as written (none: the master), which is how clients copy it.

use calcard::icalendar::{
    ICalendar, ICalendarComponentType, ICalendarEntry, ICalendarMethod, ICalendarParameter, ICalendarParameterName,
    ICalendarParameterValue, ICalendarParticipationStatus, ICalendarProperty, ICalendarStatus, ICalendarValue,
};

use crate::ObjectError;
use crate::ical::parsed::parse_calendar;

/// SCHEDULE-AGENT (RFC 6638 §7.1): who delivers to this calendar user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    /// The server (the default).
    Server,
    /// The client sends the messages itself: the server must not.
    Client,
    /// Nobody sends anything.
    None,
}

/// A calendar user named by an object: its address, as [`address_key`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub address: String,
    /// The CN parameter (a display name), when given.
    pub name: Option<String>,
    /// PARTSTAT (NEEDS-ACTION when absent).
    pub partstat: String,
    pub agent: Agent,
    /// SCHEDULE-FORCE-SEND was given (RFC 6638 §7.2).
    pub force_send: bool,
}

/// The scheduling facts of an object: its ORGANIZER and ATTENDEEs (each attendee once, as
/// the first component naming them has them), SEQUENCE and whether it is cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub uid: String,
    pub organizer: Party,
    pub attendees: Vec<Party>,
    pub sequence: i64,
    pub cancelled: bool,
}

impl Meeting {
    /// The attendee with this address.
    pub fn attendee(&self, address: &str) -> Option<&Party> {
        self.attendees.iter().find(|a| a.address == address)
    }
}

/// The iTIP methods a server sends to inboxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    Reply,
}

/// An attendee's answer for one component: its RECURRENCE-ID as written (none: the master)
/// and the PARTSTAT.
pub type Answer = (Option<String>, String);

/// The comparable form of a calendar user address: a `mailto:` address lower-cased without
/// its scheme, anything else (a principal URL) trimmed.
pub fn address_key(value: &str) -> String {
    let value = value.trim();
    match value.split_once(':') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mailto") => rest.trim().to_ascii_lowercase(),
        _ => value.to_string(),
    }
}

/// The scheduling components (VEVENT, VTODO) under the VCALENDAR, by id.
fn scheduling_ids(cal: &ICalendar) -> Vec<u32> {
    cal.components
        .first()
        .map(|root| {
            root.component_ids
                .iter()
                .copied()
                .filter(|&id| {
                    cal.component_by_id(id).is_some_and(|c| {
                        matches!(
                            c.component_type,
                            ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn param_text<'a>(entry: &'a ICalendarEntry, name: &ICalendarParameterName) -> Option<&'a str> {
    entry.parameter(name).and_then(ICalendarParameterValue::as_text)
}

fn party(entry: &ICalendarEntry) -> Option<Party> {
    let address = entry.values.first().and_then(ICalendarValue::as_text)?;
    let agent = match param_text(entry, &ICalendarParameterName::ScheduleAgent) {
        Some(a) if a.eq_ignore_ascii_case("CLIENT") => Agent::Client,
        Some(a) if a.eq_ignore_ascii_case("NONE") => Agent::None,
        _ => Agent::Server,
    };
    Some(Party {
        address: address_key(address),
        name: param_text(entry, &ICalendarParameterName::Cn).map(str::to_string),
        partstat: param_text(entry, &ICalendarParameterName::Partstat)
            .unwrap_or("NEEDS-ACTION")
            .to_ascii_uppercase(),
        agent,
        force_send: entry.has_parameter(&ICalendarParameterName::ScheduleForceSend),
    })
}

/// The RECURRENCE-ID of a component as written, the key that pairs components across objects.
fn recurrence_key(cal: &ICalendar, id: u32) -> Option<String> {
    let entry = cal.component_by_id(id)?.property(&ICalendarProperty::RecurrenceId)?;
    let mut out = String::new();
    entry.write_to(&mut out).ok()?;
    Some(out.trim_end().to_string())
}

/// What the scheduling components of an object say, ORGANIZER optional.
struct Facts {
    uid: String,
    organizer: Option<Party>,
    attendees: Vec<Party>,
    sequence: i64,
    cancelled: bool,
}

fn facts(cal: &ICalendar) -> Option<Facts> {
    let ids = scheduling_ids(cal);
    let mut organizer = None;
    let mut attendees: Vec<Party> = Vec::new();
    let mut sequence = 0;
    let mut uid = None;
    let mut cancelled = !ids.is_empty();
    for id in &ids {
        let Some(c) = cal.component_by_id(*id) else { continue };
        if organizer.is_none() {
            organizer = c.property(&ICalendarProperty::Organizer).and_then(party);
        }
        uid = uid.or_else(|| c.uid().map(str::to_string));
        sequence = sequence.max(
            c.property(&ICalendarProperty::Sequence)
                .and_then(|e| e.values.first())
                .and_then(ICalendarValue::as_integer)
                .unwrap_or(0),
        );
        cancelled &= matches!(c.status(), Some(ICalendarStatus::Cancelled));
        for a in c.properties(&ICalendarProperty::Attendee).filter_map(party) {
            if !attendees.iter().any(|b| b.address == a.address) {
                attendees.push(a);
            }
        }
    }
    Some(Facts {
        uid: uid?,
        organizer,
        attendees,
        sequence,
        cancelled,
    })
}

/// The scheduling facts of an object, or none when no component has an ORGANIZER.
pub fn meeting(data: &[u8]) -> Option<Meeting> {
    let f = facts(&parse_calendar(data).ok()?)?;
    Some(Meeting {
        uid: f.uid,
        organizer: f.organizer?,
        attendees: f.attendees,
        sequence: f.sequence,
        cancelled: f.cancelled,
    })
}

/// The properties whose change is news to attendees (when, how often, what, where, whether):
/// a write that changes none of them, nor who attends, nor SEQUENCE, is no new REQUEST.
const SIGNIFICANT: [ICalendarProperty; 14] = [
    ICalendarProperty::Url,
    ICalendarProperty::Attach,
    ICalendarProperty::Conference,
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Duration,
    ICalendarProperty::Due,
    ICalendarProperty::Rrule,
    ICalendarProperty::Rdate,
    ICalendarProperty::Exdate,
    ICalendarProperty::Status,
    ICalendarProperty::Summary,
    ICalendarProperty::Location,
    ICalendarProperty::Description,
];

/// Each scheduling component's significant properties and attendees, as sorted lines.
fn significant_lines(cal: &ICalendar) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = scheduling_ids(cal)
        .into_iter()
        .filter_map(|id| {
            let c = cal.component_by_id(id)?;
            let mut lines: Vec<String> = c
                .entries
                .iter()
                .filter(|e| SIGNIFICANT.contains(&e.name))
                .map(|e| {
                    let mut line = String::new();
                    let _ = e.write_to(&mut line);
                    line
                })
                .chain(c.properties(&ICalendarProperty::Attendee).filter_map(|e| {
                    let role = param_text(e, &ICalendarParameterName::Role).unwrap_or("REQ-PARTICIPANT");
                    party(e).map(|p| format!("ATTENDEE;ROLE={role}:{}", p.address))
                }))
                .collect();
            lines.push(recurrence_key(cal, id).unwrap_or_default());
            lines.sort();
            Some(lines)
        })
        .collect();
    // The zones' rules: redefining one moves the times that name it.
    let mut zones: Vec<String> = cal
        .components
        .iter()
        .filter(|c| {
            matches!(
                c.component_type,
                ICalendarComponentType::VTimezone | ICalendarComponentType::Standard | ICalendarComponentType::Daylight
            )
        })
        .flat_map(|c| c.entries.iter())
        .filter(|e| e.name != ICalendarProperty::LastModified)
        .map(|e| {
            let mut line = String::new();
            let _ = e.write_to(&mut line);
            line
        })
        .collect();
    zones.sort();
    out.push(zones);
    out.sort();
    out
}

/// Whether an organizer's new version `new` of `old` is news to its attendees: a change of
/// time, recurrence, status, title, place, description, links, attachments, attendees or their
/// roles, or of a time zone's rules (RFC 6638 §3.2.1.2 leaves
/// "significant" to the server). Alarms, DTSTAMP, X- properties and delivery statuses are not;
/// neither is text the server cannot parse (then it is news).
pub fn significant_change(old: &[u8], new: &[u8]) -> bool {
    match (parse_calendar(old), parse_calendar(new)) {
        (Ok(a), Ok(b)) => significant_lines(&a) != significant_lines(&b),
        _ => true,
    }
}

/// A meeting a write grantee organizes in someone else's calendar, made the calendar owner's
/// (RFC 5545 §3.2.18): every ORGANIZER becomes `organizer` (with `name` as CN) with SENT-BY
/// the grantee `sent_by`, and the grantee's own ATTENDEE line, where the owner has none,
/// becomes the owner's. `None` when an address holds characters no calendar user address has.
pub fn organized_for(data: &[u8], organizer: &str, name: Option<&str>, sent_by: &str) -> Option<String> {
    let bad = |a: &str| a.chars().any(|c| c.is_control() || matches!(c, '"' | ';' | ',' | ' '));
    if bad(organizer) || bad(sent_by) {
        return None;
    }
    let cn = name
        .map(|n| n.chars().filter(|c| *c != '"' && !c.is_control()).collect::<String>())
        .filter(|n| !n.trim().is_empty())
        .map(|n| format!(";CN=\"{}\"", n.trim()))
        .unwrap_or_default();
    let lines = format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nORGANIZER{cn};SENT-BY=\"{sent_by}\":{organizer}\r\n\
         ATTENDEE{cn};PARTSTAT=ACCEPTED;ROLE=CHAIR:{organizer}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let made = ICalendar::parse(&lines).ok()?;
    let event = made
        .components
        .iter()
        .find(|c| c.component_type == ICalendarComponentType::VEvent)?;
    let new_organizer = event.property(&ICalendarProperty::Organizer)?.clone();
    let owner_attendee = event.property(&ICalendarProperty::Attendee)?.clone();
    let mut cal = parsed(data).ok()?;
    let (owner_key, sender_key) = (address_key(organizer), address_key(sent_by));
    for id in scheduling_ids(&cal) {
        let comp = &mut cal.components[id as usize];
        let owner_attends = comp.entries.iter().any(|e| is_attendee_of(e, &owner_key));
        for e in &mut comp.entries {
            if e.name == ICalendarProperty::Organizer {
                *e = new_organizer.clone();
            } else if !owner_attends && is_attendee_of(e, &sender_key) {
                *e = owner_attendee.clone();
            }
        }
    }
    Some(cal.to_string())
}

/// The SEQUENCE of an object's series (its component without RECURRENCE-ID; else the
/// highest), to which a REPLY about the series is compared.
pub fn series_sequence(data: &[u8]) -> i64 {
    let Ok(cal) = parse_calendar(data) else {
        return 0;
    };
    let sequence_of = |c: &calcard::icalendar::ICalendarComponent| {
        c.property(&ICalendarProperty::Sequence)
            .and_then(|e| e.values.first())
            .and_then(ICalendarValue::as_integer)
            .unwrap_or(0)
    };
    let comps: Vec<_> = scheduling_ids(&cal)
        .into_iter()
        .filter_map(|id| cal.component_by_id(id))
        .collect();
    comps
        .iter()
        .find(|c| !c.has_property(&ICalendarProperty::RecurrenceId))
        .map(|c| sequence_of(c))
        .or_else(|| comps.iter().map(|c| sequence_of(c)).max())
        .unwrap_or(0)
}

/// An iTIP REPLY as it arrives from outside the company (iMIP): the ORGANIZER is optional,
/// since Exchange leaves it out of its replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingReply {
    pub uid: String,
    /// The ORGANIZER's address ([`address_key`]), when the reply names one.
    pub organizer: Option<String>,
    /// The attendees the reply answers for (normally one).
    pub attendees: Vec<Party>,
    pub sequence: i64,
}

/// The facts of an iTIP REPLY, or none when `data` is not a calendar with `METHOD:REPLY`, a
/// UID and an attendee.
pub fn incoming_reply(data: &[u8]) -> Option<IncomingReply> {
    let cal = parse_calendar(data).ok()?;
    let is_reply = cal.components.first()?.entries.iter().any(|e| {
        e.name == ICalendarProperty::Method
            && matches!(e.values.first(), Some(ICalendarValue::Method(ICalendarMethod::Reply)))
    });
    if !is_reply {
        return None;
    }
    let f = facts(&cal)?;
    if f.attendees.is_empty() {
        return None;
    }
    Some(IncomingReply {
        uid: f.uid,
        organizer: f.organizer.map(|o| o.address),
        attendees: f.attendees,
        sequence: f.sequence,
    })
}

/// Each scheduling component's answer of `attendee` (an [`address_key`]).
pub fn answers(data: &[u8], attendee: &str) -> Vec<Answer> {
    let Ok(cal) = parse_calendar(data) else {
        return Vec::new();
    };
    scheduling_ids(&cal)
        .into_iter()
        .filter_map(|id| {
            let c = cal.component_by_id(id)?;
            let a = c
                .properties(&ICalendarProperty::Attendee)
                .filter_map(party)
                .find(|p| p.address == attendee)?;
            Some((recurrence_key(&cal, id), a.partstat))
        })
        .collect()
}

fn parsed(data: &[u8]) -> Result<ICalendar, ObjectError> {
    parse_calendar(data)
}

fn is_attendee_of(entry: &ICalendarEntry, address: &str) -> bool {
    entry.name == ICalendarProperty::Attendee
        && entry
            .values
            .first()
            .and_then(ICalendarValue::as_text)
            .is_some_and(|v| address_key(v) == address)
}

fn set_param(entry: &mut ICalendarEntry, param: ICalendarParameter) {
    entry.params.retain(|p| p.name != param.name);
    entry.params.push(param);
}

fn partstat_param(partstat: &str) -> ICalendarParameter {
    let value = match partstat {
        "ACCEPTED" => ICalendarParticipationStatus::Accepted.into(),
        "DECLINED" => ICalendarParticipationStatus::Declined.into(),
        "TENTATIVE" => ICalendarParticipationStatus::Tentative.into(),
        "NEEDS-ACTION" => ICalendarParticipationStatus::NeedsAction.into(),
        "DELEGATED" => ICalendarParticipationStatus::Delegated.into(),
        "COMPLETED" => ICalendarParticipationStatus::Completed.into(),
        "IN-PROCESS" => ICalendarParticipationStatus::InProcess.into(),
        other => ICalendarParameterValue::Text(other.to_string()),
    };
    ICalendarParameter::new(ICalendarParameterName::Partstat, value)
}

/// Drops the parameters only the organizer's stored copy may carry (RFC 6638 §7.2–§7.3).
fn strip_delivery_params(cal: &mut ICalendar) {
    for c in &mut cal.components {
        for e in &mut c.entries {
            if matches!(e.name, ICalendarProperty::Attendee | ICalendarProperty::Organizer) {
                e.params.retain(|p| {
                    !matches!(
                        p.name,
                        ICalendarParameterName::ScheduleStatus | ICalendarParameterName::ScheduleForceSend
                    )
                });
            }
        }
    }
}

/// Detaches every VALARM of the scheduling components (alarms are each user's own).
fn drop_alarms(cal: &mut ICalendar) {
    for id in scheduling_ids(cal) {
        let kids: Vec<u32> = cal.components[id as usize].component_ids.clone();
        let kept = kids
            .into_iter()
            .filter(|k| cal.component_by_id(*k).map(|c| &c.component_type) != Some(&ICalendarComponentType::VAlarm))
            .collect();
        cal.components[id as usize].component_ids = kept;
    }
}

fn set_method(cal: &mut ICalendar, method: Option<Method>) {
    let Some(root) = cal.components.first_mut() else { return };
    root.entries.retain(|e| e.name != ICalendarProperty::Method);
    if let Some(m) = method {
        let value = match m {
            Method::Request => ICalendarMethod::Request,
            Method::Cancel => ICalendarMethod::Cancel,
            Method::Reply => ICalendarMethod::Reply,
        };
        let at = root
            .entries
            .iter()
            .position(|e| e.name == ICalendarProperty::Version)
            .map_or(0, |i| i + 1);
        root.entries.insert(
            at,
            ICalendarEntry {
                name: ICalendarProperty::Method,
                params: Vec::new(),
                values: vec![ICalendarValue::Method(value)],
            },
        );
    }
}

fn set_cancelled(cal: &mut ICalendar) {
    for id in scheduling_ids(cal) {
        let c = &mut cal.components[id as usize];
        c.entries.retain(|e| e.name != ICalendarProperty::Status);
        c.entries.push(ICalendarEntry {
            name: ICalendarProperty::Status,
            params: Vec::new(),
            values: vec![ICalendarValue::Status(ICalendarStatus::Cancelled)],
        });
    }
}

/// The copy of the organizer's object an attendee's calendar holds: no METHOD, no delivery
/// parameters, and the attendee's own VALARMs and TRANSP kept from their `previous` copy
/// (component by component) instead of the organizer's.
pub fn attendee_copy(organizer: &[u8], previous: Option<&[u8]>) -> Result<String, ObjectError> {
    let mut cal = parsed(organizer)?;
    set_method(&mut cal, None);
    strip_delivery_params(&mut cal);
    drop_alarms(&mut cal);
    if let Some(prev) = previous.and_then(|p| parse_calendar(p).ok()) {
        for id in scheduling_ids(&cal) {
            let key = recurrence_key(&cal, id);
            let Some(pid) = scheduling_ids(&prev)
                .into_iter()
                .find(|&p| recurrence_key(&prev, p) == key)
            else {
                continue;
            };
            let Some(pc) = prev.component_by_id(pid) else { continue };
            let transp: Vec<ICalendarEntry> = pc.properties(&ICalendarProperty::Transp).cloned().collect();
            let alarms: Vec<_> = pc
                .component_ids
                .iter()
                .filter_map(|k| prev.component_by_id(*k))
                .filter(|k| k.component_type == ICalendarComponentType::VAlarm && k.component_ids.is_empty())
                .cloned()
                .collect();
            let c = &mut cal.components[id as usize];
            if !transp.is_empty() {
                c.entries.retain(|e| e.name != ICalendarProperty::Transp);
                c.entries.extend(transp);
            }
            for alarm in alarms {
                let new_id = u32::try_from(cal.components.len()).unwrap_or(u32::MAX);
                cal.components.push(alarm);
                cal.components[id as usize].component_ids.push(new_id);
            }
        }
    }
    Ok(cal.to_string())
}

/// The iTIP message of `method` made from a stored object, for an inbox: METHOD set, no
/// alarms or delivery parameters. A CANCEL marks every component cancelled; with `only`, a
/// CANCEL names only that attendee (one removed from the meeting) and a REPLY only that
/// replying attendee.
pub fn message(data: &[u8], method: Method, only: Option<&str>) -> Result<String, ObjectError> {
    let mut cal = parsed(data)?;
    set_method(&mut cal, Some(method));
    strip_delivery_params(&mut cal);
    drop_alarms(&mut cal);
    if method == Method::Cancel {
        set_cancelled(&mut cal);
    }
    if let Some(who) = only {
        for id in scheduling_ids(&cal) {
            cal.components[id as usize]
                .entries
                .retain(|e| e.name != ICalendarProperty::Attendee || is_attendee_of(e, who));
        }
    }
    Ok(cal.to_string())
}

/// An attendee's copy after the organizer cancelled the meeting (or removed them from it).
pub fn cancelled(data: &[u8]) -> Result<String, ObjectError> {
    let mut cal = parsed(data)?;
    set_cancelled(&mut cal);
    Ok(cal.to_string())
}

/// An object with `attendee`'s answers applied to the components they name (a component the
/// object does not have is skipped): the organizer's copy after a reply (with SCHEDULE-STATUS
/// `status`), or an attendee's own copy when they answer from a form (no status).
pub fn with_answers(
    data: &[u8],
    attendee: &str,
    answers: &[Answer],
    status: Option<&str>,
) -> Result<String, ObjectError> {
    let mut cal = parsed(data)?;
    for id in scheduling_ids(&cal) {
        let key = recurrence_key(&cal, id);
        let Some((_, partstat)) = answers.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        for e in &mut cal.components[id as usize].entries {
            if is_attendee_of(e, attendee) {
                set_param(e, partstat_param(partstat));
                e.params.retain(|p| p.name != ICalendarParameterName::Rsvp);
                if let Some(status) = status {
                    set_param(
                        e,
                        ICalendarParameter::new(ICalendarParameterName::ScheduleStatus, status.to_string()),
                    );
                }
            }
        }
    }
    Ok(cal.to_string())
}

/// A delivery outcome for one attendee of the organizer's copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The attendee's [`address_key`].
    pub address: String,
    /// The SCHEDULE-STATUS code (RFC 6638 §3.2.9, RFC 5546 §3.6).
    pub status: &'static str,
    /// A PARTSTAT the server decided for them (a room's answer).
    pub partstat: Option<&'static str>,
}

/// The organizer's copy with each delivery's SCHEDULE-STATUS (and decided PARTSTAT) on the
/// attendee it names, and every SCHEDULE-FORCE-SEND removed (the server must not store it).
pub fn with_statuses(data: &[u8], deliveries: &[Delivery]) -> Result<String, ObjectError> {
    let mut cal = parsed(data)?;
    for c in &mut cal.components {
        for e in &mut c.entries {
            if !matches!(e.name, ICalendarProperty::Attendee | ICalendarProperty::Organizer) {
                continue;
            }
            e.params.retain(|p| p.name != ICalendarParameterName::ScheduleForceSend);
            let Some(d) = deliveries.iter().find(|d| is_attendee_of(e, &d.address)) else {
                continue;
            };
            set_param(
                e,
                ICalendarParameter::new(ICalendarParameterName::ScheduleStatus, d.status.to_string()),
            );
            if let Some(p) = d.partstat {
                set_param(e, partstat_param(p));
                e.params.retain(|p| p.name != ICalendarParameterName::Rsvp);
            }
        }
    }
    Ok(cal.to_string())
}

/// An outbox free-busy request (RFC 6638 §5, RFC 5546 §3.3.2): a VFREEBUSY with METHOD
/// REQUEST naming the organizer, the attendees asked about and the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeBusyRequest {
    pub uid: Option<String>,
    /// The ORGANIZER as written.
    pub organizer: String,
    /// The ATTENDEEs as written.
    pub attendees: Vec<String>,
    /// `[start, end)` in Unix seconds.
    pub start: i64,
    pub end: i64,
}

/// Reads a free-busy request; anything else (another METHOD or component, no range, no
/// organizer or attendee) is refused with what is missing.
pub fn freebusy_request(data: &[u8]) -> Result<FreeBusyRequest, ObjectError> {
    let obj = crate::ParsedObject::parse(data)?;
    let bad = |what: &str| ObjectError::Malformed(format!("a free-busy request needs {what}"));
    let method = obj
        .root()
        .property(&ICalendarProperty::Method)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text);
    if !method.is_some_and(|m| m.eq_ignore_ascii_case("REQUEST")) {
        return Err(bad("METHOD:REQUEST"));
    }
    let (_, fb) = obj
        .top_level()
        .find(|(_, c)| c.component_type == ICalendarComponentType::VFreebusy)
        .ok_or_else(|| bad("a VFREEBUSY component"))?;
    let floating = crate::time::FloatingZone::utc().tz();
    let at = |name: &ICalendarProperty| crate::ical::values::when_prop(fb, name, &obj.zones).map(|w| w.utc(floating));
    let (Some(start), Some(end)) = (at(&ICalendarProperty::Dtstart), at(&ICalendarProperty::Dtend)) else {
        return Err(bad("DTSTART and DTEND"));
    };
    if end <= start {
        return Err(bad("DTEND after DTSTART"));
    }
    let text = |e: &ICalendarEntry| e.values.first().and_then(ICalendarValue::as_text).map(str::to_string);
    let organizer = fb
        .property(&ICalendarProperty::Organizer)
        .and_then(text)
        .ok_or_else(|| bad("an ORGANIZER"))?;
    let attendees: Vec<String> = fb.properties(&ICalendarProperty::Attendee).filter_map(text).collect();
    if attendees.is_empty() {
        return Err(bad("at least one ATTENDEE"));
    }
    Ok(FreeBusyRequest {
        uid: fb.uid().map(str::to_string),
        organizer,
        attendees,
        start,
        end,
    })
}

/// A calendar user address as a property value: no line breaks can reach the output.
fn clean(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// The VFREEBUSY REPLY for one attendee of a request: their busy periods in its range.
pub fn freebusy_reply(req: &FreeBusyRequest, attendee: &str, busy: &[crate::BusyPeriod], dtstamp: i64) -> String {
    vfreebusy(
        "REPLY",
        req.uid.as_deref(),
        (req.start, req.end),
        (&req.organizer, Some(attendee)),
        busy,
        dtstamp,
    )
}

/// A calendar user's published free/busy (RFC 5545 §3.6.4, METHOD:PUBLISH), as Outlook's
/// "Internet Free/Busy" reads it: their busy periods in `range`.
pub fn freebusy_published(user: &str, range: (i64, i64), busy: &[crate::BusyPeriod], dtstamp: i64) -> String {
    vfreebusy("PUBLISH", None, range, (user, None), busy, dtstamp)
}

fn vfreebusy(
    method: &str,
    uid: Option<&str>,
    (start, end): (i64, i64),
    (organizer, attendee): (&str, Option<&str>),
    busy: &[crate::BusyPeriod],
    dtstamp: i64,
) -> String {
    use crate::format_utc;
    let mut out = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico//CalDAV//EN\r\nMETHOD:{method}\r\nBEGIN:VFREEBUSY\r\n"
    );
    if let Some(uid) = uid {
        out.push_str(&format!("UID:{}\r\n", clean(uid)));
    }
    out.push_str(&format!("DTSTAMP:{}\r\n", format_utc(dtstamp)));
    out.push_str(&format!(
        "DTSTART:{}\r\nDTEND:{}\r\n",
        format_utc(start),
        format_utc(end)
    ));
    out.push_str(&format!("ORGANIZER:{}\r\n", clean(organizer)));
    if let Some(a) = attendee {
        out.push_str(&format!("ATTENDEE:{}\r\n", clean(a)));
    }
    for p in busy {
        out.push_str(&format!(
            "FREEBUSY;FBTYPE={}:{}/{}\r\n",
            p.kind.fbtype(),
            format_utc(p.start),
            format_utc(p.end)
        ));
    }
    out.push_str("END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
    out
}

#[cfg(test)]
mod tests;
