//! RRULE expansion. calcard's date arithmetic is only reachable through
//! `ICalendar::expand_dates`, which counts instances rather than stopping
//! at a date and matches overrides by SEQUENCE. So it is fed a synthetic
//! one-event calendar with a floating DTSTART and the rule alone, and
//! asked for more instances until the wanted date is passed; zones,
//! EXDATE and overrides are applied by the caller.

use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarFrequency, ICalendarProperty,
    ICalendarRecurrenceRule, ICalendarValue,
};
use chrono::{NaiveDateTime, NaiveTime};

use crate::time::{When, utc_to_local};

/// First batch size; doubled until the date is reached or the cap hit.
const FIRST_BATCH: usize = 256;

/// Occurrences of one rule, as wall-clock times in the DTSTART's zone.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct RuleExpansion {
    pub(crate) starts: Vec<NaiveDateTime>,
    /// Stopped at the cap before reaching the wanted date.
    pub(crate) truncated: bool,
}

/// Expands `rule` from `start` until an occurrence starts after `until`
/// (Unix seconds), at most `cap` occurrences. `None` if calcard cannot
/// expand the rule (invalid BYxxx parts and the like).
pub(crate) fn expand_rule(
    rule: &ICalendarRecurrenceRule,
    start: &When,
    floating: Tz,
    until: i64,
    cap: usize,
) -> Option<RuleExpansion> {
    let mut rule = rule.clone();
    if let Some(limit) = rule.until.as_ref().and_then(|u| local_until(u, start, floating)) {
        if limit < start.naive() {
            // RFC 5545 §3.3.10: nothing after DTSTART.
            return Some(RuleExpansion::default());
        }
        rule.until = Some(floating_partial(limit));
    }
    let cal = synthetic(&rule, start.naive());
    let mut batch = first_batch(&rule, start.utc(floating), until)
        .clamp(FIRST_BATCH, cap.max(FIRST_BATCH))
        .min(cap.max(1));
    loop {
        let expanded = cal.expand_dates(Tz::Floating, batch);
        if !expanded.errors.is_empty() {
            return None;
        }
        let starts: Vec<NaiveDateTime> = expanded.events.iter().map(|e| e.start.naive_local()).collect();
        let exhausted = starts.len() < batch;
        let passed = starts
            .last()
            .is_some_and(|last| start.with_naive(*last).utc(floating) > until);
        if exhausted || passed || batch >= cap {
            return Some(RuleExpansion {
                starts,
                truncated: !exhausted && !passed,
            });
        }
        batch = batch.saturating_mul(2).min(cap);
    }
}

/// A first guess of how many occurrences reach `until`, so that the
/// expansion rarely has to start over: the number of periods times what
/// the BYxxx lists can multiply each period into (an overestimate).
fn first_batch(rule: &ICalendarRecurrenceRule, start: i64, until: i64) -> usize {
    let period = match rule.freq {
        ICalendarFrequency::Yearly => 365 * 86_400,
        ICalendarFrequency::Monthly => 28 * 86_400,
        ICalendarFrequency::Weekly => 7 * 86_400,
        ICalendarFrequency::Daily => 86_400,
        ICalendarFrequency::Hourly => 3_600,
        ICalendarFrequency::Minutely => 60,
        ICalendarFrequency::Secondly => 1,
    } * i64::from(rule.interval.unwrap_or(1).max(1));
    let periods = until.saturating_sub(start).max(0) / period + 2;
    let per_period = [
        rule.byday.len(),
        rule.bymonthday.len(),
        rule.byyearday.len(),
        rule.byweekno.len(),
        rule.bymonth.len(),
        rule.byhour.len(),
        rule.byminute.len(),
        rule.bysecond.len(),
    ]
    .iter()
    .map(|&n| i64::try_from(n.max(1)).unwrap_or(i64::MAX))
    .fold(1i64, i64::saturating_mul);
    let guess = periods.saturating_mul(per_period);
    let guess = rule.count.map_or(guess, |c| guess.min(i64::from(c)));
    usize::try_from(guess).unwrap_or(usize::MAX)
}

/// Whether the rule has no COUNT and no UNTIL.
pub(crate) fn is_unbounded(rule: &ICalendarRecurrenceRule) -> bool {
    rule.count.is_none() && rule.until.is_none()
}

/// UNTIL as a wall-clock time comparable with the DTSTART (RFC 5545
/// §3.3.10: UTC when DTSTART is zoned; a DATE means the whole day).
fn local_until(until: &PartialDateTime, start: &When, floating: Tz) -> Option<NaiveDateTime> {
    let value = until.to_date_time()?;
    if !until.has_time() {
        return Some(value.date_time.date().and_time(NaiveTime::from_hms_opt(23, 59, 59)?));
    }
    let Some(offset) = value.offset else {
        return Some(value.date_time);
    };
    let utc = value.date_time.and_utc().timestamp() - i64::from(offset.local_minus_utc());
    Some(match start {
        When::Utc(_) => crate::time::utc_naive(utc),
        When::Zoned(_, tz) => utc_to_local(*tz, utc),
        When::Date(_) | When::Floating(_) => utc_to_local(floating, utc),
    })
}

fn floating_partial(n: NaiveDateTime) -> PartialDateTime {
    When::Floating(n).to_partial()
}

/// `VCALENDAR { VEVENT { DTSTART (floating), RRULE } }`.
fn synthetic(rule: &ICalendarRecurrenceRule, start: NaiveDateTime) -> ICalendar {
    let event = ICalendarComponent {
        component_type: ICalendarComponentType::VEvent,
        entries: vec![
            ICalendarEntry::new(ICalendarProperty::Dtstart)
                .with_value(ICalendarValue::PartialDateTime(Box::new(floating_partial(start)))),
            ICalendarEntry::new(ICalendarProperty::Rrule)
                .with_value(ICalendarValue::RecurrenceRule(Box::new(rule.clone()))),
        ],
        component_ids: Vec::new(),
    };
    ICalendar {
        components: vec![
            ICalendarComponent {
                component_type: ICalendarComponentType::VCalendar,
                entries: Vec::new(),
                component_ids: vec![1],
            },
            event,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> ICalendarRecurrenceRule {
        let cal = ICalendar::parse(format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRRULE:{text}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ))
        .unwrap();
        match cal.components[1].entries[0].values.first() {
            Some(ICalendarValue::RecurrenceRule(r)) => (**r).clone(),
            other => panic!("not a rule: {other:?}"),
        }
    }

    fn n(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S").unwrap()
    }

    fn berlin() -> Tz {
        "Europe/Berlin".parse().unwrap()
    }

    #[test]
    fn weekly_with_count() {
        let start = When::Zoned(n("20260105T090000"), berlin());
        let x = expand_rule(&rule("FREQ=WEEKLY;COUNT=3"), &start, Tz::UTC, i64::MAX, 1000).unwrap();
        assert_eq!(
            x.starts,
            vec![n("20260105T090000"), n("20260112T090000"), n("20260119T090000")]
        );
        assert!(!x.truncated);
    }

    #[test]
    fn utc_until_is_compared_in_the_start_zone() {
        // 09:00 Berlin = 08:00Z; UNTIL 08:00Z on the 19th includes that day.
        let start = When::Zoned(n("20260105T090000"), berlin());
        let x = expand_rule(
            &rule("FREQ=WEEKLY;UNTIL=20260119T080000Z"),
            &start,
            Tz::UTC,
            i64::MAX,
            1000,
        )
        .unwrap();
        assert_eq!(x.starts.len(), 3);
        let x = expand_rule(
            &rule("FREQ=WEEKLY;UNTIL=20260119T075959Z"),
            &start,
            Tz::UTC,
            i64::MAX,
            1000,
        )
        .unwrap();
        assert_eq!(x.starts.len(), 2);
    }

    #[test]
    fn date_until_includes_the_day_and_until_before_start_is_empty() {
        let start = When::Date(n("20260105T000000").date());
        let x = expand_rule(&rule("FREQ=DAILY;UNTIL=20260107"), &start, Tz::UTC, i64::MAX, 1000).unwrap();
        assert_eq!(x.starts.len(), 3);
        let x = expand_rule(&rule("FREQ=DAILY;UNTIL=20250101"), &start, Tz::UTC, i64::MAX, 1000).unwrap();
        assert!(x.starts.is_empty());
    }

    #[test]
    fn infinite_rules_stop_after_the_wanted_date_or_the_cap() {
        let start = When::Utc(n("20200101T120000"));
        let until = When::Utc(n("20260101T000000")).utc(Tz::UTC);
        let x = expand_rule(&rule("FREQ=DAILY"), &start, Tz::UTC, until, 100_000).unwrap();
        assert!(!x.truncated);
        assert!(x.starts.len() > 2000);
        assert!(When::Utc(*x.starts.last().unwrap()).utc(Tz::UTC) > until);
        let x = expand_rule(&rule("FREQ=SECONDLY"), &start, Tz::UTC, until, 1000).unwrap();
        assert!(x.truncated);
        assert_eq!(x.starts.len(), 1000);
        assert!(is_unbounded(&rule("FREQ=DAILY")));
        assert!(!is_unbounded(&rule("FREQ=DAILY;COUNT=2")));
    }

    #[test]
    fn unexpandable_rules_are_reported() {
        let start = When::Utc(n("20200101T120000"));
        assert!(expand_rule(&rule("FREQ=MONTHLY;BYSETPOS=400"), &start, Tz::UTC, i64::MAX, 10).is_none());
    }
}
