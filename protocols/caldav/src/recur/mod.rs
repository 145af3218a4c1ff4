//! Recurrence sets (RFC 5545 §3.8.5, RFC 4791 §9.9): every instance of
//! every component, with overrides (RECURRENCE-ID, also RANGE=
//! THISANDFUTURE) and EXDATE applied, so a moved or excluded instance never
//! appears at its original time.

mod rule;

use std::collections::{HashMap, HashSet};

use calcard::common::timezone::Tz;
use calcard::icalendar::{ICalendarComponent, ICalendarParameterName, ICalendarProperty, ICalendarValue};
use chrono::NaiveDate;

use crate::ical::ParsedObject;
use crate::ical::parsed::is_recurrable;
use crate::ical::values::{PeriodEnd, prop, when_prop, whens_and_periods};
use crate::time::When;

use rule::expand_rule;
pub(crate) use rule::is_unbounded;

/// Most instances generated for one object per request (RFC 4791 §11: a
/// rule firing every second must not exhaust the server).
pub(crate) const MAX_INSTANCES: usize = 20_000;

/// One instance of a recurrence set (or the only one of a single event).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Instance {
    /// The component that describes it: the master or an override.
    pub(crate) comp: u32,
    /// Its start; `None` if the component has no DTSTART.
    pub(crate) start: Option<When>,
    /// The slot it fills in the recurrence set (RECURRENCE-ID); `None` for
    /// non-recurring components.
    pub(crate) rid: Option<When>,
    /// The end given by an RDATE period, which overrides DTEND/DURATION.
    pub(crate) period_end: Option<PeriodEnd>,
}

/// The instances of an object up to some date.
#[derive(Debug, Default)]
pub(crate) struct Instances {
    pub(crate) list: Vec<Instance>,
    /// A rule hit [`MAX_INSTANCES`] before the requested date: instances
    /// may be missing, callers must answer conservatively.
    pub(crate) truncated: bool,
}

/// All instances of recurring components starting no later than `until`
/// (Unix seconds), plus every non-recurring component and override.
pub(crate) fn instances(obj: &ParsedObject, floating: Tz, until: i64) -> Instances {
    let mut groups: HashMap<&str, Vec<(u32, &ICalendarComponent)>> = HashMap::new();
    for (id, comp) in obj.top_level().filter(|(_, c)| is_recurrable(&c.component_type)) {
        groups
            .entry(comp.uid().unwrap_or_default())
            .or_default()
            .push((id, comp));
    }
    let mut out = Instances::default();
    let mut groups: Vec<_> = groups.into_values().collect();
    groups.sort_by_key(|g| g.first().map(|(id, _)| *id));
    for group in groups {
        let set = RecurrenceSet::new(obj, &group, floating);
        set.expand(obj, floating, until, &mut out);
    }
    out
}

/// The master and overrides sharing one UID.
struct RecurrenceSet<'a> {
    masters: Vec<(u32, &'a ICalendarComponent)>,
    /// Exact overrides by the instant of their RECURRENCE-ID.
    overrides: HashMap<i64, (u32, When, Option<When>)>,
    /// RANGE=THISANDFUTURE overrides: (rid instant, id, shift in seconds).
    future: Vec<(i64, u32, i64)>,
}

impl<'a> RecurrenceSet<'a> {
    fn new(obj: &ParsedObject, group: &[(u32, &'a ICalendarComponent)], floating: Tz) -> Self {
        let mut set = Self {
            masters: Vec::new(),
            overrides: HashMap::new(),
            future: Vec::new(),
        };
        for &(id, comp) in group {
            let Some(rid_entry) = prop(comp, &ICalendarProperty::RecurrenceId) else {
                set.masters.push((id, comp));
                continue;
            };
            let Some(rid) = when_prop(comp, &ICalendarProperty::RecurrenceId, &obj.zones) else {
                continue;
            };
            let start = when_prop(comp, &ICalendarProperty::Dtstart, &obj.zones);
            let rid_at = rid.utc(floating);
            if rid_entry.has_parameter(&ICalendarParameterName::Range) {
                let shift = start.map_or(0, |s| s.utc(floating).saturating_sub(rid_at));
                set.future.push((rid_at, id, shift));
            }
            set.overrides.insert(rid_at, (id, rid, start));
        }
        set.future.sort_unstable();
        set
    }

    fn expand(&self, obj: &ParsedObject, floating: Tz, until: i64, out: &mut Instances) {
        let mut used = HashSet::new();
        for &(id, master) in &self.masters {
            let start = when_prop(master, &ICalendarProperty::Dtstart, &obj.zones);
            let recurring =
                master.has_property(&ICalendarProperty::Rrule) || master.has_property(&ICalendarProperty::Rdate);
            let (Some(start), true) = (start, recurring) else {
                out.list.push(Instance {
                    comp: id,
                    start,
                    rid: None,
                    period_end: None,
                });
                continue;
            };
            let (slots, truncated) = slots(obj, master, start, floating, until);
            out.truncated |= truncated;
            let excluded = Exclusions::of(obj, master, floating);
            for (at, slot, period_end) in slots {
                if let Some(&(ov, rid, ov_start)) = self.overrides.get(&at) {
                    used.insert(at);
                    out.list.push(Instance {
                        comp: ov,
                        start: ov_start.or(Some(slot)),
                        rid: Some(rid),
                        period_end: None,
                    });
                } else if excluded.contains(&slot, at) {
                    continue;
                } else if let Some(&(_, ov, shift)) = self.future.iter().rev().find(|(r, _, _)| *r < at) {
                    let moved = slot.moved_by(chrono::TimeDelta::try_seconds(shift).unwrap_or_default());
                    out.list.push(Instance {
                        comp: ov,
                        start: Some(moved),
                        rid: Some(slot),
                        period_end: None,
                    });
                } else {
                    out.list.push(Instance {
                        comp: id,
                        start: Some(slot),
                        rid: Some(slot),
                        period_end,
                    });
                }
            }
        }
        // Overrides of instances the master does not produce (or without a
        // master at all, RFC 4791 §4.1) still describe an instance.
        let mut orphans: Vec<_> = self.overrides.iter().filter(|(at, _)| !used.contains(*at)).collect();
        orphans.sort_by_key(|(at, _)| **at);
        for (_, &(id, rid, start)) in orphans {
            out.list.push(Instance {
                comp: id,
                start: start.or(Some(rid)),
                rid: Some(rid),
                period_end: None,
            });
        }
    }
}

/// How many instances the recurrence set of `master` has, counting no further than
/// `cap + 1`; `None` when its rule has neither COUNT nor UNTIL (an infinite set, which
/// RFC 5545 allows) or calcard cannot expand it.
pub(crate) fn bounded_count(obj: &ParsedObject, master: &ICalendarComponent, cap: usize) -> Option<usize> {
    let start = when_prop(master, &ICalendarProperty::Dtstart, &obj.zones)?;
    let mut count = 1usize;
    for entry in master.properties(&ICalendarProperty::Rrule) {
        let Some(ICalendarValue::RecurrenceRule(rule)) = entry.values.first() else {
            continue;
        };
        if is_unbounded(rule) {
            return None;
        }
        count = match rule.count {
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None => expand_rule(rule, &start, Tz::UTC, i64::MAX, cap.saturating_add(1))?
                .starts
                .len()
                .max(1),
        };
    }
    let rdates: usize = master
        .properties(&ICalendarProperty::Rdate)
        .map(|e| e.values.len())
        .sum();
    Some(count.saturating_add(rdates))
}

/// DTSTART, RRULE occurrences and RDATEs, in order, without duplicates.
fn slots(
    obj: &ParsedObject,
    master: &ICalendarComponent,
    start: When,
    floating: Tz,
    until: i64,
) -> (Vec<(i64, When, Option<PeriodEnd>)>, bool) {
    let mut slots = vec![(start, None)];
    let mut truncated = false;
    for entry in master.properties(&ICalendarProperty::Rrule) {
        let Some(ICalendarValue::RecurrenceRule(rule)) = entry.values.first() else {
            continue;
        };
        match expand_rule(rule, &start, floating, until, MAX_INSTANCES) {
            Some(x) => {
                truncated |= x.truncated;
                slots.extend(x.starts.into_iter().map(|n| (start.with_naive(n), None)));
            }
            // calcard cannot expand it: treat every later time as possible.
            None => truncated = true,
        }
    }
    let (rdates, periods) = whens_and_periods(master, &ICalendarProperty::Rdate, &obj.zones);
    slots.extend(rdates.into_iter().map(|w| (w, None)));
    slots.extend(periods.into_iter().map(|(w, end)| (w, Some(end))));
    let mut keyed: Vec<(i64, When, Option<PeriodEnd>)> =
        slots.into_iter().map(|(w, end)| (w.utc(floating), w, end)).collect();
    keyed.sort_by_key(|(at, _, _)| *at);
    keyed.dedup_by_key(|(at, _, _)| *at);
    (keyed, truncated)
}

/// EXDATE values: instants, and whole days for DATE values excluding
/// date-time instances (a common client shortcut).
struct Exclusions {
    instants: HashSet<i64>,
    days: HashSet<NaiveDate>,
}

impl Exclusions {
    fn of(obj: &ParsedObject, master: &ICalendarComponent, floating: Tz) -> Self {
        let (whens, _) = whens_and_periods(master, &ICalendarProperty::Exdate, &obj.zones);
        Self {
            instants: whens.iter().map(|w| w.utc(floating)).collect(),
            days: whens.iter().filter(|w| w.is_date()).map(|w| w.naive().date()).collect(),
        }
    }

    fn contains(&self, slot: &When, at: i64) -> bool {
        self.instants.contains(&at) || (!slot.is_date() && self.days.contains(&slot.naive().date()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(body: &str) -> ParsedObject {
        let text = format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n");
        ParsedObject::parse(text.as_bytes()).unwrap()
    }

    fn starts(o: &ParsedObject, until: i64) -> Vec<(u32, String)> {
        let mut v: Vec<_> = instances(o, Tz::UTC, until)
            .list
            .into_iter()
            .map(|i| (i.comp, crate::time::format_utc(i.start.unwrap().utc(Tz::UTC))))
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    }

    const WEEKLY: &str = "BEGIN:VEVENT\r\nUID:w\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE:20260112T090000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:w\r\nRECURRENCE-ID:20260119T090000Z\r\nDTSTART:20260121T140000Z\r\nDTEND:20260121T150000Z\r\nSEQUENCE:3\r\nEND:VEVENT\r\n";

    #[test]
    fn exdate_and_moved_override() {
        let o = obj(WEEKLY);
        assert_eq!(
            starts(&o, i64::MAX),
            vec![
                (1, "20260105T090000Z".into()),
                (2, "20260121T140000Z".into()),
                (1, "20260126T090000Z".into()),
            ]
        );
    }

    #[test]
    fn single_events_and_missing_dtstart() {
        let o = obj("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T090000Z\r\nEND:VEVENT\r\n");
        assert_eq!(starts(&o, 0), vec![(1, "20260105T090000Z".into())]);
        let o = obj("BEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\n");
        let list = instances(&o, Tz::UTC, 0).list;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].start, None);
    }

    #[test]
    fn rdates_periods_and_dedup() {
        let o = obj(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T090000Z\r\nRDATE:20260105T090000Z,20260107T090000Z\r\nRDATE;VALUE=PERIOD:20260109T090000Z/PT2H\r\nEND:VEVENT\r\n",
        );
        let list = instances(&o, Tz::UTC, i64::MAX).list;
        assert_eq!(list.len(), 3);
        assert!(list[2].period_end.is_some());
    }

    #[test]
    fn date_exdate_removes_the_whole_day() {
        let o = obj(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE;VALUE=DATE:20260106\r\nEND:VEVENT\r\n",
        );
        assert_eq!(starts(&o, i64::MAX).len(), 2);
    }

    #[test]
    fn zoned_exdate_matches_by_instant() {
        let o = obj(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:20260106T080000Z\r\nEND:VEVENT\r\n",
        );
        assert_eq!(
            starts(&o, i64::MAX),
            vec![(1, "20260105T080000Z".into()), (1, "20260107T080000Z".into())]
        );
    }

    #[test]
    fn utc_recurrence_id_matches_a_zoned_instance() {
        let o = obj(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID:20260106T080000Z\r\nDTSTART:20260106T150000Z\r\nEND:VEVENT\r\n",
        );
        assert_eq!(
            starts(&o, i64::MAX),
            vec![(1, "20260105T080000Z".into()), (2, "20260106T150000Z".into())]
        );
    }

    #[test]
    fn this_and_future_shifts_later_instances() {
        let o = obj(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T090000Z\r\nRRULE:FREQ=DAILY;COUNT=4\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20260106T090000Z\r\nDTSTART:20260106T110000Z\r\nEND:VEVENT\r\n",
        );
        assert_eq!(
            starts(&o, i64::MAX),
            vec![
                (1, "20260105T090000Z".into()),
                (2, "20260106T110000Z".into()),
                (2, "20260107T110000Z".into()),
                (2, "20260108T110000Z".into()),
            ]
        );
    }

    #[test]
    fn orphan_overrides_are_instances() {
        let o = obj(
            "BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID:20260106T090000Z\r\nDTSTART:20260106T110000Z\r\nEND:VEVENT\r\n",
        );
        assert_eq!(starts(&o, i64::MAX), vec![(1, "20260106T110000Z".into())]);
    }

    fn master_count(body: &str, cap: usize) -> Option<usize> {
        let o = obj(body);
        let (_, master) = o.top_level().next().unwrap();
        bounded_count(&o, master, cap)
    }

    #[test]
    fn bounded_counts() {
        let ev = |rule: &str| format!("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T090000Z\r\n{rule}END:VEVENT\r\n");
        assert_eq!(master_count(&ev(""), 10), Some(1));
        assert_eq!(master_count(&ev("RRULE:FREQ=DAILY;COUNT=7\r\n"), 10), Some(7));
        assert_eq!(master_count(&ev("RRULE:FREQ=DAILY;COUNT=70000\r\n"), 10), Some(70_000));
        assert_eq!(
            master_count(&ev("RRULE:FREQ=DAILY;UNTIL=20260108T090000Z\r\n"), 10),
            Some(4)
        );
        assert_eq!(
            master_count(&ev("RRULE:FREQ=SECONDLY;UNTIL=20270101T000000Z\r\n"), 10),
            Some(11),
            "counting stops after the cap"
        );
        assert_eq!(
            master_count(
                &ev("RRULE:FREQ=DAILY;COUNT=2\r\nRDATE:20270101T000000Z,20280101T000000Z\r\n"),
                10
            ),
            Some(4)
        );
        assert_eq!(master_count(&ev("RRULE:FREQ=SECONDLY\r\n"), 10), None, "unbounded");
    }

    #[test]
    fn unexpandable_rule_marks_truncation() {
        let o = obj(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T090000Z\r\nRRULE:FREQ=MONTHLY;BYSETPOS=400\r\nEND:VEVENT\r\n",
        );
        let x = instances(&o, Tz::UTC, i64::MAX);
        assert!(x.truncated);
        assert_eq!(x.list.len(), 1);
    }
}
