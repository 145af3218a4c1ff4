//! Time zones. [`FloatingZone`] pins all-day dates and floating times to
//! instants (RFC 4791 §7.3: from CALDAV:timezone, the collection's
//! CALDAV:calendar-timezone, or the server's choice — UTC here).
//! [`ZoneTable`] resolves the `TZID` parameters of one calendar object.
//!
//! A VTIMEZONE whose TZID is neither an IANA nor a Windows name (Outlook's "Customized Time
//! Zone", RFC 4791's `US-Eastern`) is read by its own rules: its standard and daylight
//! offsets and the yearly day and time of each change. The zone used is the IANA zone that
//! follows those rules exactly in [`REFERENCE_YEAR`] (so that recurrences keep their local
//! time across changes), else one with the same offsets in the same seasons, else (no
//! daylight time, or rules beyond "the n-th weekday of a month") the standard offset, fixed.
//! chrono-tz has no zone built from rules, and calcard resolves names only, so the match is
//! made here; it is cached per rule set.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarFrequency, ICalendarProperty, ICalendarValue,
    ICalendarWeekday,
};
use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone};

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
        resolve_vtimezone(&cal, vtimezone, &mut 1)
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
        let mut searches = MAX_RULE_SEARCHES;
        for vtimezone in cal.timezones() {
            if let (Some(id), Some(tz)) = (tzid(vtimezone), resolve_vtimezone(cal, vtimezone, &mut searches)) {
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

/// Most custom zones of one object matched by their rules (each match reads the IANA zones;
/// more fall back to their standard offset, so that an object full of made-up zones costs
/// little).
const MAX_RULE_SEARCHES: usize = 4;

fn resolve_vtimezone(cal: &ICalendar, vtimezone: &ICalendarComponent, searches: &mut usize) -> Option<Tz> {
    vtimezone
        .timezone()
        .map(|(_, tz)| tz)
        .filter(|tz| !tz.is_floating())
        .or_else(|| {
            let r = rules(cal, vtimezone)?;
            if *searches == 0 {
                return None;
            }
            *searches -= 1;
            zone_following(&r).map(Tz::Tz)
        })
        .or_else(|| standard_offset(cal, vtimezone))
}

/// The year in which a custom zone's rules are compared with the IANA zones'.
pub(crate) const REFERENCE_YEAR: i32 = 2026;

/// One yearly change of a custom zone: the `nth` (`-1`: last) `weekday` of `month`, at the
/// local `time` of the offset in force before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Change {
    month: u32,
    nth: i16,
    weekday: chrono::Weekday,
    time: NaiveTime,
    from: i32,
}

/// A custom zone's rules: offsets (seconds east of UTC) and the change into each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Rules {
    standard: i32,
    daylight: i32,
    to_daylight: Change,
    to_standard: Change,
}

fn weekday(w: ICalendarWeekday) -> chrono::Weekday {
    match w {
        ICalendarWeekday::Sunday => chrono::Weekday::Sun,
        ICalendarWeekday::Monday => chrono::Weekday::Mon,
        ICalendarWeekday::Tuesday => chrono::Weekday::Tue,
        ICalendarWeekday::Wednesday => chrono::Weekday::Wed,
        ICalendarWeekday::Thursday => chrono::Weekday::Thu,
        ICalendarWeekday::Friday => chrono::Weekday::Fri,
        ICalendarWeekday::Saturday => chrono::Weekday::Sat,
    }
}

fn offset_of(obs: &ICalendarComponent, name: &ICalendarProperty) -> Option<i32> {
    obs.property(name)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_partial_date_time)
        .and_then(offset_seconds)
}

/// The change an observance starts: its offsets, and a yearly rule of one month and one
/// n-th weekday (the form every real VTIMEZONE uses).
fn change_of(obs: &ICalendarComponent) -> Option<(i32, Change, Option<calcard::common::PartialDateTime>)> {
    let to = offset_of(obs, &ICalendarProperty::Tzoffsetto)?;
    let from = offset_of(obs, &ICalendarProperty::Tzoffsetfrom)?;
    let start = obs
        .property(&ICalendarProperty::Dtstart)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_partial_date_time)?;
    let time = NaiveTime::from_hms_opt(
        u32::from(start.hour.unwrap_or(0)),
        u32::from(start.minute.unwrap_or(0)),
        u32::from(start.second.unwrap_or(0)),
    )?;
    let rule = obs
        .properties(&ICalendarProperty::Rrule)
        .find_map(|e| match e.values.first() {
            Some(ICalendarValue::RecurrenceRule(r)) => Some(r),
            _ => None,
        })?;
    let ([month], [day]) = (rule.bymonth.as_slice(), rule.byday.as_slice()) else {
        return None;
    };
    if rule.freq != ICalendarFrequency::Yearly || !rule.bymonthday.is_empty() || month.is_leap() {
        return None;
    }
    let nth = day.ordwk.unwrap_or(1);
    if !(nth == -1 || (1..=5).contains(&nth)) {
        return None;
    }
    let change = Change {
        month: u32::from(month.month()),
        nth,
        weekday: weekday(day.weekday),
        time,
        from,
    };
    Some((to, change, Some(start.clone())))
}

/// The rules of a custom VTIMEZONE: its latest STANDARD and DAYLIGHT observances with
/// yearly rules (none without daylight time, or with rules of another form).
fn rules(cal: &ICalendar, vtimezone: &ICalendarComponent) -> Option<Rules> {
    let mut standard: Option<(i32, Change, Option<calcard::common::PartialDateTime>)> = None;
    let mut daylight: Option<(i32, Change, Option<calcard::common::PartialDateTime>)> = None;
    for obs in vtimezone.component_ids.iter().filter_map(|&id| cal.component_by_id(id)) {
        let slot = match obs.component_type {
            ICalendarComponentType::Standard => &mut standard,
            ICalendarComponentType::Daylight => &mut daylight,
            _ => continue,
        };
        if let Some(found) = change_of(obs)
            && slot.as_ref().is_none_or(|best| found.2 > best.2)
        {
            *slot = Some(found);
        }
    }
    let ((standard, to_standard, _), (daylight, to_daylight, _)) = (standard?, daylight?);
    (standard != daylight).then_some(Rules {
        standard,
        daylight,
        to_daylight,
        to_standard,
    })
}

/// The instant of a change in `year`.
fn change_at(c: &Change, year: i32) -> Option<i64> {
    let day = if c.nth > 0 {
        NaiveDate::from_weekday_of_month_opt(year, c.month, c.weekday, u8::try_from(c.nth).ok()?)?
    } else {
        let next_month = if c.month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, c.month + 1, 1)?
        };
        let last = next_month.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_sunday() - c.weekday.num_days_from_sunday()) % 7;
        last - chrono::Days::new(u64::from(back))
    };
    Some(day.and_time(c.time).and_utc().timestamp() - i64::from(c.from))
}

fn offset_at(tz: chrono_tz::Tz, t: i64) -> Option<i32> {
    let utc = chrono::DateTime::from_timestamp(t, 0)?.naive_utc();
    Some(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

/// The IANA zone that follows `r` (see the module doc).
fn zone_following(r: &Rules) -> Option<chrono_tz::Tz> {
    static FOUND: LazyLock<Mutex<HashMap<Rules, Option<chrono_tz::Tz>>>> = LazyLock::new(Default::default);
    if let Some(known) = FOUND.lock().ok().and_then(|m| m.get(r).copied()) {
        return known;
    }
    let found = search(r);
    // Full: the rules seen first stay (a flood of made-up zones does not evict real ones).
    if let Ok(mut m) = FOUND.lock()
        && m.len() < 256
    {
        m.insert(*r, found);
    }
    found
}

fn search(r: &Rules) -> Option<chrono_tz::Tz> {
    let (d, s) = (
        change_at(&r.to_daylight, REFERENCE_YEAR)?,
        change_at(&r.to_standard, REFERENCE_YEAR)?,
    );
    const HOUR: i64 = 3600;
    // Midway through each season (daylight time spans the new year south of the equator).
    const YEAR: i64 = 365 * 86_400;
    let (mid_daylight, mid_standard) = if d < s {
        ((d + s) / 2, (s + d + YEAR) / 2)
    } else {
        ((d + s + YEAR) / 2, (s + d) / 2)
    };
    let seasons = [(mid_daylight, r.daylight), (mid_standard, r.standard)];
    let changes = [
        (d - HOUR, r.standard),
        (d + HOUR, r.daylight),
        (s - HOUR, r.daylight),
        (s + HOUR, r.standard),
    ];
    let follows =
        |tz: &chrono_tz::Tz, probes: &[(i64, i32)]| probes.iter().all(|&(t, off)| offset_at(*tz, t) == Some(off));
    let named = || {
        chrono_tz::TZ_VARIANTS
            .iter()
            .filter(|tz| tz.name().contains('/') && !tz.name().starts_with("Etc/"))
    };
    named()
        .find(|tz| follows(tz, &seasons) && follows(tz, &changes))
        .or_else(|| named().find(|tz| follows(tz, &seasons)))
        .copied()
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

    /// Outlook's export of a zone its user customised: today's US rules under a made-up name.
    const CUSTOMIZED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTIMEZONE\r\n\
TZID:Customized Time Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\n\
TZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n\
DTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n\
END:DAYLIGHT\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";

    fn offset_in(zone: FloatingZone, y: i32, m: u32, d: u32) -> i32 {
        let Tz::Tz(tz) = zone.tz() else {
            panic!("{:?} is not a rule zone", zone.tz())
        };
        offset_at(
            tz,
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp(),
        )
        .unwrap()
    }

    #[test]
    fn a_custom_vtimezone_keeps_its_daylight_time() {
        let zone = FloatingZone::from_vcalendar(CUSTOMIZED).unwrap();
        assert_eq!(offset_in(zone, 2027, 1, 15), -5 * 3600);
        assert_eq!(offset_in(zone, 2027, 7, 15), -4 * 3600, "summer is daylight time");
        // Exactly the US dates: 8 March is before the second Sunday of March 2026, 9 March after.
        assert_eq!(offset_in(zone, 2026, 3, 7), -5 * 3600);
        assert_eq!(offset_in(zone, 2026, 3, 9), -4 * 3600);
        // RFC 4791's US-Eastern (the rules before 2007): no zone keeps them, so one with the
        // same offsets in the same seasons.
        let old = FloatingZone::from_vcalendar(US_EASTERN).unwrap();
        assert_eq!(
            (offset_in(old, 2026, 1, 15), offset_in(old, 2026, 7, 15)),
            (-5 * 3600, -4 * 3600)
        );
        // South of the equator: daylight time over the new year (Sydney's rules, renamed).
        let sydney = CUSTOMIZED
            .replace(
                "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500",
                "TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000",
            )
            .replace("BYDAY=1SU;BYMONTH=11", "BYDAY=1SU;BYMONTH=4")
            .replace(
                "DTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400",
                "DTSTART:16010101T020000\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100",
            )
            .replace("BYDAY=2SU;BYMONTH=3", "BYDAY=1SU;BYMONTH=10");
        let south = FloatingZone::from_vcalendar(&sydney).unwrap();
        assert_eq!(
            (offset_in(south, 2027, 1, 15), offset_in(south, 2027, 7, 15)),
            (11 * 3600, 10 * 3600)
        );
    }

    #[test]
    fn a_custom_vtimezone_without_daylight_time_is_its_offset() {
        let fixed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Plant time\r\nBEGIN:STANDARD\r\n\
DTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";
        let zone = FloatingZone::from_vcalendar(fixed).unwrap();
        assert_eq!(zone.tz(), Tz::Fixed(FixedOffset::east_opt(5 * 3600 + 1800).unwrap()));
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
