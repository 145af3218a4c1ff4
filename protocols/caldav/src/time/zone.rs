//! Time zones. [`FloatingZone`] pins all-day dates and floating times to
//! instants (RFC 4791 §7.3: from CALDAV:timezone, the collection's
//! CALDAV:calendar-timezone, or the server's choice — UTC here).
//! [`ZoneTable`] resolves the `TZID` parameters of one calendar object.

use std::collections::HashMap;

use calcard::common::timezone::Tz;
use calcard::icalendar::{ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarProperty, ICalendarValue};
use chrono::FixedOffset;

use crate::ical::structure::check_structure;

/// Why a `CALDAV:timezone` / `calendar-timezone` value was refused
/// (`CALDAV:valid-calendar-data`, RFC 4791 §5.3.1 and §7.8).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid time zone: {0}")]
pub struct TimezoneError(pub &'static str);

/// The zone used to read DATE values and floating DATE-TIME values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloatingZone(Tz);

impl Default for FloatingZone {
    fn default() -> Self {
        Self::utc()
    }
}

impl FloatingZone {
    /// UTC: the server's choice when neither the request nor the collection
    /// names a zone.
    pub fn utc() -> Self {
        Self(Tz::UTC)
    }

    /// A zone by name: IANA (`Europe/Berlin`) or Windows
    /// (`W. Europe Standard Time`), as for RFC 7809 `CALDAV:timezone-id`.
    pub fn from_id(id: &str) -> Option<Self> {
        id.parse::<Tz>().ok().filter(|tz| !tz.is_floating()).map(Self)
    }

    /// A zone from an iCalendar object holding exactly one VTIMEZONE (the
    /// text of `CALDAV:timezone` or `CALDAV:calendar-timezone`).
    pub fn from_vcalendar(text: &str) -> Result<Self, TimezoneError> {
        check_structure(text.as_bytes()).map_err(|_| TimezoneError("not a well-formed VCALENDAR"))?;
        let cal = ICalendar::parse(text).map_err(|_| TimezoneError("not an iCalendar object"))?;
        let mut zones = cal.timezones();
        let (Some(vtimezone), None) = (zones.next(), zones.next()) else {
            return Err(TimezoneError("exactly one VTIMEZONE is required"));
        };
        if cal.components.iter().skip(1).any(|c| {
            matches!(
                c.component_type,
                ICalendarComponentType::VEvent
                    | ICalendarComponentType::VTodo
                    | ICalendarComponentType::VJournal
                    | ICalendarComponentType::VFreebusy
            )
        }) {
            return Err(TimezoneError("only a VTIMEZONE is allowed"));
        }
        resolve_vtimezone(&cal, vtimezone)
            .map(Self)
            .ok_or(TimezoneError("the VTIMEZONE has no usable TZID or offsets"))
    }

    pub(crate) fn tz(&self) -> Tz {
        self.0
    }
}

/// `TZID` → zone for one calendar object.
#[derive(Debug, Default)]
pub(crate) struct ZoneTable {
    zones: HashMap<String, Tz>,
}

impl ZoneTable {
    /// Reads every VTIMEZONE: its TZID, `X-LIC-LOCATION` or Outlook's
    /// `X-MICROSOFT-CDO-TZID` when they name a known zone (calcard maps IANA
    /// and Windows names), otherwise its standard-time offset.
    pub(crate) fn build(cal: &ICalendar) -> Self {
        let mut zones = HashMap::new();
        for vtimezone in cal.timezones() {
            if let (Some(id), Some(tz)) = (tzid(vtimezone), resolve_vtimezone(cal, vtimezone)) {
                zones.insert(id.to_owned(), tz);
            }
        }
        Self { zones }
    }

    /// The zone for a `TZID` parameter: the object's VTIMEZONE, else a
    /// well-known name.
    pub(crate) fn lookup(&self, tzid: &str) -> Option<Tz> {
        self.zones
            .get(tzid)
            .copied()
            .or_else(|| tzid.parse::<Tz>().ok())
            .filter(|tz| !tz.is_floating())
    }
}

/// The `TZID` of a VTIMEZONE.
pub(crate) fn tzid(vtimezone: &ICalendarComponent) -> Option<&str> {
    vtimezone
        .property(&ICalendarProperty::Tzid)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
}

fn resolve_vtimezone(cal: &ICalendar, vtimezone: &ICalendarComponent) -> Option<Tz> {
    vtimezone
        .timezone()
        .map(|(_, tz)| tz)
        .filter(|tz| !tz.is_floating())
        .or_else(|| standard_offset(cal, vtimezone))
}

/// A custom zone calcard cannot name: use the offset of its most recent
/// STANDARD observance (or any observance) as a fixed offset.
fn standard_offset(cal: &ICalendar, vtimezone: &ICalendarComponent) -> Option<Tz> {
    let observances = vtimezone
        .component_ids
        .iter()
        .filter_map(|&id| cal.component_by_id(id))
        .filter(|c| {
            matches!(
                c.component_type,
                ICalendarComponentType::Standard | ICalendarComponentType::Daylight
            )
        });
    let mut best: Option<(bool, Option<calcard::common::PartialDateTime>, i32)> = None;
    for obs in observances {
        let standard = obs.component_type == ICalendarComponentType::Standard;
        let start = obs
            .property(&ICalendarProperty::Dtstart)
            .and_then(|e| e.values.first())
            .and_then(ICalendarValue::as_partial_date_time)
            .cloned();
        let Some(offset) = obs
            .property(&ICalendarProperty::Tzoffsetto)
            .and_then(|e| e.values.first())
            .and_then(ICalendarValue::as_partial_date_time)
            .and_then(offset_seconds)
        else {
            continue;
        };
        let better = match &best {
            None => true,
            Some((best_standard, best_start, _)) => (standard, &start) > (*best_standard, best_start),
        };
        if better {
            best = Some((standard, start, offset));
        }
    }
    let (_, _, seconds) = best?;
    if seconds == 0 {
        return Some(Tz::UTC);
    }
    FixedOffset::east_opt(seconds).map(Tz::Fixed)
}

fn offset_seconds(p: &calcard::common::PartialDateTime) -> Option<i32> {
    let hours = i32::from(p.tz_hour?);
    let minutes = i32::from(p.tz_minute.unwrap_or(0));
    let seconds = hours * 3600 + minutes * 60;
    (seconds < 86_400).then_some(if p.tz_minus { -seconds } else { seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    const US_EASTERN: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:US-Eastern\r\nLAST-MODIFIED:19870101T000000Z\r\nBEGIN:STANDARD\r\nDTSTART:19671029T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:Eastern Standard Time (US & Canada)\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19870405T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:Eastern Daylight Time (US & Canada)\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";

    #[test]
    fn names_resolve_iana_and_windows_zones() {
        assert!(FloatingZone::from_id("Europe/Berlin").is_some());
        assert_eq!(
            FloatingZone::from_id("W. Europe Standard Time"),
            FloatingZone::from_id("Europe/Berlin")
        );
        assert_eq!(FloatingZone::from_id("Not/AZone"), None);
        assert_eq!(FloatingZone::default(), FloatingZone::utc());
    }

    #[test]
    fn custom_vtimezone_falls_back_to_standard_offset() {
        let zone = FloatingZone::from_vcalendar(US_EASTERN).unwrap();
        assert_eq!(zone.tz(), Tz::Fixed(FixedOffset::west_opt(5 * 3600).unwrap()));
    }

    #[test]
    fn known_vtimezone_uses_the_real_zone() {
        let text = US_EASTERN.replace("TZID:US-Eastern", "TZID:America/New_York");
        let zone = FloatingZone::from_vcalendar(&text).unwrap();
        assert_eq!(Some(zone), FloatingZone::from_id("America/New_York"));
        let text = US_EASTERN.replace("TZID:US-Eastern", "TZID:Foo\r\nX-LIC-LOCATION:America/New_York");
        assert_eq!(
            FloatingZone::from_vcalendar(&text).ok(),
            FloatingZone::from_id("America/New_York")
        );
    }

    #[test]
    fn rejects_invalid_timezone_objects() {
        assert!(FloatingZone::from_vcalendar("").is_err());
        assert!(FloatingZone::from_vcalendar("garbage").is_err());
        assert!(FloatingZone::from_vcalendar("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n").is_err());
        let two = US_EASTERN.replace(
            "END:VCALENDAR",
            "BEGIN:VTIMEZONE\r\nTZID:X\r\nEND:VTIMEZONE\r\nEND:VCALENDAR",
        );
        assert!(FloatingZone::from_vcalendar(&two).is_err());
        let with_event = US_EASTERN.replace(
            "END:VCALENDAR",
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20060101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR",
        );
        assert!(FloatingZone::from_vcalendar(&with_event).is_err());
        let truncated = &US_EASTERN[..US_EASTERN.len() - 20];
        assert!(FloatingZone::from_vcalendar(truncated).is_err());
        let no_offsets = "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Custom\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";
        assert!(FloatingZone::from_vcalendar(no_offsets).is_err());
    }

    #[test]
    fn table_resolves_object_zones() {
        let cal = ICalendar::parse(US_EASTERN).unwrap();
        let table = ZoneTable::build(&cal);
        assert!(table.lookup("US-Eastern").is_some());
        assert!(table.lookup("Europe/Berlin").is_some());
        assert!(table.lookup("W. Europe Standard Time").is_some());
        assert!(table.lookup("Nowhere").is_none());
    }
}
