//! A DATE or DATE-TIME value as written in the iCalendar data, before it is
//! pinned to an instant: all-day dates and floating times need the query's
//! time zone (RFC 4791 §7.3), zoned times carry their own.

use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz;
use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike};

/// One date or date-time value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum When {
    /// `VALUE=DATE`: a whole day, floating.
    Date(NaiveDate),
    /// Local time without zone (RFC 5545 §3.3.5 form #1).
    Floating(NaiveDateTime),
    /// UTC (form #2); explicit numeric offsets are normalised to UTC.
    Utc(NaiveDateTime),
    /// Local time in a zone (form #3, `TZID=`).
    Zoned(NaiveDateTime, Tz),
}

impl When {
    /// The wall-clock value (midnight for dates, UTC time for UTC values).
    pub(crate) fn naive(&self) -> NaiveDateTime {
        match *self {
            When::Date(d) => d.and_time(chrono::NaiveTime::MIN),
            When::Floating(n) | When::Utc(n) | When::Zoned(n, _) => n,
        }
    }

    /// The same kind of value at another wall-clock time.
    pub(crate) fn with_naive(&self, naive: NaiveDateTime) -> When {
        match *self {
            When::Date(_) => When::Date(naive.date()),
            When::Floating(_) => When::Floating(naive),
            When::Utc(_) => When::Utc(naive),
            When::Zoned(_, tz) => When::Zoned(naive, tz),
        }
    }

    /// The same kind of value moved on the wall clock (unchanged if that
    /// leaves chrono's range).
    pub(crate) fn moved_by(&self, delta: TimeDelta) -> When {
        self.naive()
            .checked_add_signed(delta)
            .map_or(*self, |n| self.with_naive(n))
    }

    /// Whether the value depends on the query's time zone.
    pub(crate) fn is_floating(&self) -> bool {
        matches!(self, When::Date(_) | When::Floating(_))
    }

    /// Whether this is a DATE value.
    pub(crate) fn is_date(&self) -> bool {
        matches!(self, When::Date(_))
    }

    /// The instant in Unix seconds; floating values are read in `floating`.
    pub(crate) fn utc(&self, floating: Tz) -> i64 {
        match *self {
            When::Utc(n) => n.and_utc().timestamp(),
            When::Zoned(n, tz) => local_to_utc(tz, n),
            When::Date(_) | When::Floating(_) => local_to_utc(floating, self.naive()),
        }
    }

    /// Adds a nominal amount (days and weeks move the wall clock, RFC 5545
    /// §3.3.6) followed by an exact amount in seconds.
    pub(crate) fn add(&self, nominal_days: i64, exact_seconds: i64, floating: Tz) -> i64 {
        let moved = TimeDelta::try_days(nominal_days)
            .and_then(|d| self.naive().checked_add_signed(d))
            .map_or_else(|| self.utc(floating), |n| self.with_naive(n).utc(floating));
        moved.saturating_add(exact_seconds)
    }

    /// The value converted for output after expansion (RFC 4791 §9.6.5):
    /// zoned times become UTC, dates and floating times stay as they are.
    pub(crate) fn to_output(self) -> When {
        match self {
            When::Zoned(n, tz) => When::Utc(utc_naive(local_to_utc(tz, n))),
            other => other,
        }
    }

    /// The calcard value for this date or date-time.
    pub(crate) fn to_partial(self) -> PartialDateTime {
        let n = self.naive();
        let (year, month, day) = (n.year(), n.month(), n.day());
        let mut p = PartialDateTime {
            year: u16::try_from(year).ok(),
            month: u8::try_from(month).ok(),
            day: u8::try_from(day).ok(),
            ..PartialDateTime::default()
        };
        if !self.is_date() {
            p.hour = u8::try_from(n.hour()).ok();
            p.minute = u8::try_from(n.minute()).ok();
            p.second = u8::try_from(n.second()).ok();
        }
        if matches!(self, When::Utc(_)) {
            p.tz_hour = Some(0);
            p.tz_minute = Some(0);
        }
        p
    }
}

/// Unix seconds to a UTC wall-clock value (clamped to chrono's range).
pub(crate) fn utc_naive(ts: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.naive_utc())
        .unwrap_or(if ts < 0 { NaiveDateTime::MIN } else { NaiveDateTime::MAX })
}

/// The wall-clock time in `tz` at a Unix instant.
pub(crate) fn utc_to_local(tz: Tz, ts: i64) -> NaiveDateTime {
    let utc = utc_naive(ts);
    let offset = i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc());
    utc.checked_add_signed(TimeDelta::seconds(offset)).unwrap_or(utc)
}

/// Resolves a local time in `tz` to Unix seconds. RFC 5545 §3.3.5: a time
/// that occurs twice means the first occurrence; a time skipped by a
/// transition is read with the offset in effect before the gap.
pub(crate) fn local_to_utc(tz: Tz, local: NaiveDateTime) -> i64 {
    let naive_secs = local.and_utc().timestamp();
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => dt.timestamp(),
        LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
        LocalResult::None => {
            // Walk back to a wall-clock time that exists; its offset is the
            // one before the gap.
            for hours in 1..=48 {
                let Some(earlier) = local.checked_sub_signed(TimeDelta::hours(hours)) else {
                    break;
                };
                if let Some(dt) = tz.from_local_datetime(&earlier).earliest() {
                    let offset = i64::from(dt.offset().fix().local_minus_utc());
                    return naive_secs - offset;
                }
            }
            naive_secs
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> Tz {
        "Europe/Berlin".parse().unwrap()
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S").unwrap()
    }

    fn ts(s: &str) -> i64 {
        dt(s).and_utc().timestamp()
    }

    #[test]
    fn zoned_times_follow_daylight_saving() {
        assert_eq!(
            When::Zoned(dt("20260105T090000"), berlin()).utc(Tz::UTC),
            ts("20260105T080000")
        );
        assert_eq!(
            When::Zoned(dt("20260705T090000"), berlin()).utc(Tz::UTC),
            ts("20260705T070000")
        );
    }

    #[test]
    fn gap_uses_offset_before_the_gap_and_fold_the_first_occurrence() {
        // 2026-03-29 02:30 does not exist in Berlin: read as +01:00.
        assert_eq!(local_to_utc(berlin(), dt("20260329T023000")), ts("20260329T013000"));
        // 2026-10-25 02:30 happens twice: the first one (+02:00).
        assert_eq!(local_to_utc(berlin(), dt("20261025T023000")), ts("20261025T003000"));
    }

    #[test]
    fn floating_values_use_the_given_zone() {
        let w = When::Floating(dt("20260105T090000"));
        assert_eq!(w.utc(Tz::UTC), ts("20260105T090000"));
        assert_eq!(w.utc(berlin()), ts("20260105T080000"));
        let d = When::Date(dt("20260105T000000").date());
        assert_eq!(d.utc(berlin()), ts("20260104T230000"));
        assert!(d.is_floating() && d.is_date());
    }

    #[test]
    fn nominal_days_keep_the_wall_clock_across_dst() {
        let w = When::Zoned(dt("20260328T090000"), berlin());
        // One day later is 09:00 CEST, only 23 hours later.
        assert_eq!(w.add(1, 0, Tz::UTC) - w.utc(Tz::UTC), 23 * 3600);
        assert_eq!(w.add(0, 3600, Tz::UTC) - w.utc(Tz::UTC), 3600);
    }

    #[test]
    fn output_form_converts_zones_to_utc() {
        let w = When::Zoned(dt("20260105T090000"), berlin()).to_output();
        assert_eq!(w, When::Utc(dt("20260105T080000")));
        let p = w.to_partial();
        assert_eq!((p.hour, p.tz_hour, p.tz_minute), (Some(8), Some(0), Some(0)));
        let d = When::Date(dt("20260105T000000").date()).to_partial();
        assert_eq!((d.day, d.hour), (Some(5), None));
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        let _ = utc_naive(i64::MAX);
        let _ = utc_naive(i64::MIN);
        let _ = utc_to_local(berlin(), i64::MAX);
        let _ = When::Utc(NaiveDateTime::MAX).add(i64::MAX, i64::MAX, Tz::UTC);
        for n in [NaiveDateTime::MAX, NaiveDateTime::MIN] {
            let _ = When::Zoned(n, berlin()).utc(Tz::UTC);
            let _ = When::Floating(n).utc(berlin());
            let _ = When::Zoned(n, berlin()).to_output().to_partial();
        }
    }
}
