//! Date formats used in properties: RFC 1123 (HTTP-date) for
//! `getlastmodified` (§15.7) and RFC 3339 for `creationdate` (§15.1).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 9999-12-31T23:59:59Z, the last instant both formats can express.
const MAX_SECS: u64 = 253_402_300_799;

/// Whole seconds since the epoch, clamped to 1970..=9999 (formatting must
/// never fail or panic, whatever time the store holds).
fn clamped_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()).min(MAX_SECS)
}

/// `Mon, 12 Jan 2026 09:15:02 GMT`.
pub fn http_date(t: SystemTime) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(clamped_secs(t)))
}

/// `2026-01-12T09:15:02Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = clamped_secs(t);
    let (year, month, day) = civil_from_days(secs / 86_400);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01, counting in
/// 400-year eras that start on 0000-03-01 (so leap days end each era year).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    const DAYS_1970_FROM_0000_03_01: u64 = 719_468;
    const DAYS_PER_ERA: u64 = 146_097;
    let z = days + DAYS_1970_FROM_0000_03_01;
    let era = z / DAYS_PER_ERA;
    let day_of_era = z % DAYS_PER_ERA;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn http_dates() {
        assert_eq!(http_date(at(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(at(1_768_209_302)), "Mon, 12 Jan 2026 09:15:02 GMT");
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(1_768_209_302)), "2026-01-12T09:15:02Z");
        assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(at(951_868_799)), "2000-02-29T23:59:59Z");
        assert_eq!(rfc3339(at(4_107_542_400)), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn agrees_with_httpdate_day_by_day() {
        // Every 7th day for ~300 years, the calendar date must match.
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        for day in (0..110_000u64).step_by(7) {
            let t = at(day * 86_400 + 3_661);
            let ours = rfc3339(t);
            let theirs = http_date(t);
            let (y, rest) = ours.split_at(4);
            let m: usize = rest[1..3].parse().unwrap();
            let d = &rest[4..6];
            assert_eq!(&theirs[5..16], format!("{d} {} {y}", months[m - 1]), "day {day}");
            assert!(ours.ends_with("T01:01:01Z"));
        }
    }

    #[test]
    fn out_of_range_times_are_clamped() {
        let before = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(rfc3339(before), "1970-01-01T00:00:00Z");
        assert_eq!(http_date(before), "Thu, 01 Jan 1970 00:00:00 GMT");
        let far = at(MAX_SECS + 1_000_000);
        assert_eq!(rfc3339(far), "9999-12-31T23:59:59Z");
        assert_eq!(http_date(far), "Fri, 31 Dec 9999 23:59:59 GMT");
    }
}
