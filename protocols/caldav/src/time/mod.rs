//! Dates, times, zones and ranges.

mod range;
mod when;
mod zone;

pub use range::{TimeRange, format_utc, parse_utc};
pub(crate) use when::{When, local_to_utc, utc_naive, utc_to_local};
pub use zone::{FloatingZone, TimezoneError};
pub(crate) use zone::{ZoneTable, tzid};
