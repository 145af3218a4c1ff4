//! Time ranges from requests (RFC 4791 §9.9): inclusive start, exclusive
//! end, UTC, either end may be open; and the iCalendar UTC form they use.

use chrono::NaiveDateTime;

use crate::time::when::utc_naive;

/// `[start, end)` in Unix seconds. An open start is `i64::MIN`, an open end
/// `i64::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    /// Inclusive start.
    pub start: i64,
    /// Exclusive end.
    pub end: i64,
}

impl TimeRange {
    /// A range; `None` unless `start < end` (RFC 4791 §9.9).
    pub fn new(start: Option<i64>, end: Option<i64>) -> Option<Self> {
        let range = Self {
            start: start.unwrap_or(i64::MIN),
            end: end.unwrap_or(i64::MAX),
        };
        (range.start < range.end).then_some(range)
    }

    /// The whole time line.
    pub fn unbounded() -> Self {
        Self {
            start: i64::MIN,
            end: i64::MAX,
        }
    }

    /// Whether the half-open interval `[start, end)` shares time with this
    /// range (an empty interval counts when its instant is inside).
    pub fn overlaps(&self, start: i64, end: i64) -> bool {
        if end <= start {
            self.start <= start && start < self.end
        } else {
            self.start < end && start < self.end
        }
    }
}

/// Parses an iCalendar "date with UTC time" (`20060104T000000Z`).
pub fn parse_utc(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text.strip_suffix('Z')?;
    if digits.len() != 15 || digits.as_bytes().get(8) != Some(&b'T') {
        return None;
    }
    NaiveDateTime::parse_from_str(digits, "%Y%m%dT%H%M%S")
        .ok()
        .map(|n| n.and_utc().timestamp())
}

/// Formats Unix seconds as an iCalendar "date with UTC time".
pub fn format_utc(ts: i64) -> String {
    utc_naive(ts).format("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_round_trip() {
        let ts = parse_utc("20060104T000000Z").unwrap();
        assert_eq!(ts, 1_136_332_800);
        assert_eq!(format_utc(ts), "20060104T000000Z");
        assert_eq!(parse_utc(" 20060104T000000Z\n"), Some(ts));
    }

    #[test]
    fn rejects_non_utc_and_malformed_values() {
        for bad in [
            "",
            "20060104T000000",
            "20060104",
            "2006-01-04T00:00:00Z",
            "20061304T000000Z",
            "20060104T250000Z",
            "20060104X000000Z",
            "+20060104T00000Z",
            "20060104T000000ZZ",
            "２００６0104T000000Z",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranges_require_start_before_end() {
        assert!(TimeRange::new(Some(1), Some(2)).is_some());
        assert!(TimeRange::new(Some(2), Some(2)).is_none());
        assert!(TimeRange::new(Some(3), Some(2)).is_none());
        assert_eq!(TimeRange::new(None, None), Some(TimeRange::unbounded()));
        assert_eq!(TimeRange::new(Some(5), None).unwrap().end, i64::MAX);
    }

    #[test]
    fn overlap_is_half_open() {
        let r = TimeRange::new(Some(10), Some(20)).unwrap();
        assert!(r.overlaps(5, 11));
        assert!(!r.overlaps(5, 10));
        assert!(!r.overlaps(20, 30));
        assert!(r.overlaps(19, 30));
        assert!(r.overlaps(10, 10));
        assert!(!r.overlaps(20, 20));
    }
}
