//! The visitor's time zone (their setting, or UTC), for the pages that show or read times:
//! wall-clock times to instants and back, and the visitor's today.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone};

use super::page::Visitor;

/// The visitor's time zone, for chrono and for iCalendar.
pub struct Zone {
    pub tz: chrono_tz::Tz,
    /// The IANA name (`UTC` when the visitor set none).
    pub id: String,
    pub floating: caldav::FloatingZone,
}

impl Zone {
    pub fn of(v: &Visitor) -> Zone {
        let named = v.time_zone.as_deref().and_then(|id| {
            Some((
                id.parse::<chrono_tz::Tz>().ok()?,
                caldav::FloatingZone::from_id(id)?,
                id,
            ))
        });
        match named {
            Some((tz, floating, id)) => Zone {
                tz,
                id: id.to_owned(),
                floating,
            },
            None => Zone {
                tz: chrono_tz::UTC,
                id: "UTC".into(),
                floating: caldav::FloatingZone::utc(),
            },
        }
    }

    /// The instant of a wall-clock time (the earlier one in a fold, the time after a gap).
    pub fn instant(&self, local: NaiveDateTime) -> i64 {
        match self.tz.from_local_datetime(&local).earliest() {
            Some(t) => t.timestamp(),
            None => self
                .tz
                .from_local_datetime(&(local + TimeDelta::hours(1)))
                .earliest()
                .map_or_else(|| local.and_utc().timestamp(), |t| t.timestamp()),
        }
    }

    /// The instant `day` starts (an hour later where midnight falls into a gap).
    pub fn midnight(&self, day: NaiveDate) -> i64 {
        self.instant(day.and_time(NaiveTime::MIN))
    }

    /// The wall-clock time of an instant (Unix seconds).
    pub fn local(&self, at: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(at, 0)
            .map(|t| t.with_timezone(&self.tz).naive_local())
            .unwrap_or_default()
    }

    /// Today where the visitor is.
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now().with_timezone(&self.tz).date_naive()
    }

    /// The day of an instant (Unix seconds).
    pub fn day_of(&self, at: i64) -> Option<NaiveDate> {
        chrono::DateTime::from_timestamp(at, 0).map(|t| t.with_timezone(&self.tz).date_naive())
    }
}
