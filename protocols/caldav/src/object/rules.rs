//! The checks a calendar object resource must pass before it is stored
//! (RFC 4791 §4.1 and §5.3.2.1; RFC 5545 §3.6 for the required
//! properties and value types).

use std::collections::HashSet;

use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarPeriod, ICalendarProperty, ICalendarValue,
};

use crate::component::ComponentKind;
use crate::ical::ParsedObject;
use crate::ical::values::{entry_text, to_when, tzid, when_of};
use crate::limits::Limits;
use crate::object::ObjectError;
use crate::recur::bounded_count;

/// Properties that must hold a DATE or DATE-TIME when present.
const DATE_PROPERTIES: [ICalendarProperty; 8] = [
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Due,
    ICalendarProperty::RecurrenceId,
    ICalendarProperty::Completed,
    ICalendarProperty::Created,
    ICalendarProperty::Dtstamp,
    ICalendarProperty::LastModified,
];

/// The calendar components of the object (everything under VCALENDAR but
/// VTIMEZONE), checked against RFC 4791 §4.1 and the collection's
/// supported set. Returns the kind and the UID.
pub(crate) fn check(
    obj: &ParsedObject,
    allowed: &[ComponentKind],
    limits: &Limits,
) -> Result<(ComponentKind, String), ObjectError> {
    if obj.cal.components.len().saturating_sub(1) > limits.max_components {
        return Err(ObjectError::TooManyComponents(limits.max_components));
    }
    if obj.root().has_property(&ICalendarProperty::Method) {
        return Err(ObjectError::MethodPresent);
    }
    let mut kind: Option<(ComponentKind, &ICalendarComponent)> = None;
    // Another standard component (VAVAILABILITY, …); X- components are
    // allowed next to the calendar component (RFC 4791 §5.3.3).
    let mut other: Option<&str> = None;
    for (_, comp) in obj.top_level() {
        let Some(this) = ComponentKind::of(&comp.component_type) else {
            let name = comp.component_type.as_str();
            let extension = name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("X-"));
            if comp.component_type != ICalendarComponentType::VTimezone && !extension && other.is_none() {
                other = Some(name);
            }
            continue;
        };
        match kind {
            None => kind = Some((this, comp)),
            Some((first, _)) if first != this => {
                return Err(ObjectError::MixedComponents(first.name().into(), this.name().into()));
            }
            Some(_) => {}
        }
    }
    let Some((kind, _)) = kind else {
        return Err(match other {
            Some(name) => ObjectError::UnsupportedComponent(name.to_owned()),
            None => ObjectError::NoComponents,
        });
    };
    if let Some(name) = other {
        return Err(ObjectError::MixedComponents(kind.name().into(), name.to_owned()));
    }
    if !allowed.is_empty() && !allowed.contains(&kind) {
        return Err(ObjectError::UnsupportedComponent(kind.name().into()));
    }
    let components: Vec<&ICalendarComponent> = obj
        .top_level()
        .filter(|(_, c)| ComponentKind::of(&c.component_type).is_some())
        .map(|(_, c)| c)
        .collect();
    let uid = same_uid(&components)?;
    single_instances(obj, &components)?;
    for (id, comp) in obj.top_level() {
        if ComponentKind::of(&comp.component_type).is_some() {
            values(comp)?;
            timezones(obj, id)?;
            within_limits(obj, comp, limits)?;
        }
    }
    Ok((kind, uid))
}

/// Properties whose dates must lie within `C:min-date-time` and `C:max-date-time`.
const LIMITED_DATES: [ICalendarProperty; 6] = [
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Due,
    ICalendarProperty::RecurrenceId,
    ICalendarProperty::Rdate,
    ICalendarProperty::Exdate,
];

/// One RRULE at most, and the RFC 4791 §5.2.6–§5.2.9 limits of the collection.
fn within_limits(obj: &ParsedObject, comp: &ICalendarComponent, limits: &Limits) -> Result<(), ObjectError> {
    let name = comp.component_type.as_str();
    if comp.properties(&ICalendarProperty::Rrule).nth(1).is_some() {
        return Err(ObjectError::SeveralRules(name.to_owned()));
    }
    if comp.properties(&ICalendarProperty::Attendee).count() > limits.max_attendees_per_instance {
        return Err(ObjectError::TooManyAttendees(limits.max_attendees_per_instance));
    }
    for entry in comp.entries.iter().filter(|e| LIMITED_DATES.contains(&e.name)) {
        for value in &entry.values {
            let date = match value {
                ICalendarValue::PartialDateTime(d) => d,
                ICalendarValue::Period(
                    ICalendarPeriod::Range { start, .. } | ICalendarPeriod::Duration { start, .. },
                ) => start,
                _ => continue,
            };
            let Some(at) = to_when(date, tzid(entry), &obj.zones).map(|w| w.utc(Tz::UTC)) else {
                continue;
            };
            let out_of_range = |limit: i64| {
                (
                    entry.name.as_str().to_owned(),
                    entry_text(entry),
                    crate::format_utc(limit),
                )
            };
            if at < limits.min_date_time {
                let (property, value, limit) = out_of_range(limits.min_date_time);
                return Err(ObjectError::BeforeMinDate { property, value, limit });
            }
            if at > limits.max_date_time {
                let (property, value, limit) = out_of_range(limits.max_date_time);
                return Err(ObjectError::AfterMaxDate { property, value, limit });
            }
        }
    }
    if !comp.has_property(&ICalendarProperty::RecurrenceId)
        && bounded_count(obj, comp, limits.max_instances).is_some_and(|n| n > limits.max_instances)
    {
        return Err(ObjectError::TooManyInstances(limits.max_instances));
    }
    Ok(())
}

/// Every component has a UID, and it is the same one (§4.1).
fn same_uid(components: &[&ICalendarComponent]) -> Result<String, ObjectError> {
    let mut uid: Option<&str> = None;
    for comp in components {
        let this = comp
            .uid()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| ObjectError::MissingUid(comp.component_type.as_str().to_owned()))?;
        match uid {
            None => uid = Some(this),
            Some(first) if first != this => return Err(ObjectError::DifferentUids(first.into(), this.into())),
            Some(_) => {}
        }
    }
    Ok(uid.unwrap_or_default().to_owned())
}

/// At most one master, and each RECURRENCE-ID once.
fn single_instances(obj: &ParsedObject, components: &[&ICalendarComponent]) -> Result<(), ObjectError> {
    let mut master = false;
    let mut seen = HashSet::new();
    for comp in components {
        match comp.property(&ICalendarProperty::RecurrenceId) {
            None if master => return Err(ObjectError::DuplicateInstance("the master component".into())),
            None => master = true,
            Some(entry) => {
                let Some(rid) = when_of(entry, &obj.zones) else {
                    continue; // reported by `values`
                };
                if !seen.insert(rid.utc(Tz::UTC)) {
                    let text = entry_text(entry);
                    return Err(ObjectError::DuplicateInstance(format!("RECURRENCE-ID {text}")));
                }
            }
        }
    }
    Ok(())
}

/// Required properties and value types (RFC 5545 §3.6.1, §3.8).
fn values(comp: &ICalendarComponent) -> Result<(), ObjectError> {
    let name = comp.component_type.as_str();
    let invalid = |property: &str| ObjectError::InvalidValue {
        component: name.to_owned(),
        property: property.to_owned(),
    };
    if comp.component_type == ICalendarComponentType::VEvent && !comp.has_property(&ICalendarProperty::Dtstart) {
        return Err(ObjectError::MissingProperty {
            component: name.to_owned(),
            property: "DTSTART",
        });
    }
    for entry in &comp.entries {
        let ok = match &entry.name {
            p if DATE_PROPERTIES.contains(p) => {
                matches!(entry.values.first(), Some(ICalendarValue::PartialDateTime(d)) if is_date(d))
            }
            ICalendarProperty::Rdate | ICalendarProperty::Exdate => entry.values.iter().all(|v| match v {
                ICalendarValue::PartialDateTime(d) => is_date(d),
                ICalendarValue::Period(ICalendarPeriod::Range { start, end }) => {
                    entry.name == ICalendarProperty::Rdate && is_date(start) && is_date(end)
                }
                ICalendarValue::Period(ICalendarPeriod::Duration { start, .. }) => {
                    entry.name == ICalendarProperty::Rdate && is_date(start)
                }
                _ => false,
            }),
            ICalendarProperty::Duration => matches!(entry.values.first(), Some(ICalendarValue::Duration(_))),
            ICalendarProperty::Rrule => matches!(entry.values.first(), Some(ICalendarValue::RecurrenceRule(_))),
            _ => true,
        };
        if !ok {
            return Err(invalid(entry.name.as_str()));
        }
    }
    Ok(())
}

/// A real calendar date (calcard keeps out-of-range fields).
fn is_date(p: &PartialDateTime) -> bool {
    p.has_date() && p.to_date_time().is_some()
}

/// Every TZID used in the component (and its alarms) resolves (RFC 5545
/// §3.2.19 wants a VTIMEZONE; a well-known IANA or Windows name is
/// accepted too).
fn timezones(obj: &ParsedObject, id: u32) -> Result<(), ObjectError> {
    let mut stack = vec![id];
    while let Some(id) = stack.pop() {
        let Some(comp) = obj.component(id) else {
            continue;
        };
        for entry in &comp.entries {
            if let Some(tzid) = entry.tz_id()
                && obj.zones.lookup(tzid).is_none()
            {
                return Err(ObjectError::UnknownTimezone(tzid.to_owned()));
            }
        }
        stack.extend(obj.children(id).map(|(child, _)| child));
    }
    Ok(())
}
