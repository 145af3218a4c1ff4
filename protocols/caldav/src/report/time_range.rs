//! Reads `start`/`end` attributes of `C:time-range`, `C:expand`,
//! `C:limit-recurrence-set` and `C:limit-freebusy-set` (RFC 4791 §9.6.5–7,
//! §9.9): UTC values, `start < end`.

use dav::tree::Element;

use crate::time::{TimeRange, parse_utc};

/// Whether both ends are required (expand and limit elements) or one may
/// be open (`C:time-range`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ends {
    Required,
    Optional,
}

/// The range, or a message saying what is wrong with it.
pub(crate) fn read_range(e: &Element, ends: Ends) -> Result<TimeRange, String> {
    let read = |name: &str| -> Result<Option<i64>, String> {
        match e.attr(name) {
            None => Ok(None),
            Some(v) => parse_utc(v)
                .map(Some)
                .ok_or_else(|| format!("{} {name}={v:?} is not a UTC date-time", e.name.local)),
        }
    };
    let (start, end) = (read("start")?, read("end")?);
    match (ends, start, end) {
        (_, None, None) => return Err(format!("{} needs a start or an end", e.name.local)),
        (Ends::Required, None, _) | (Ends::Required, _, None) => {
            return Err(format!("{} needs both start and end", e.name.local));
        }
        _ => {}
    }
    TimeRange::new(start, end).ok_or_else(|| format!("{} must start before it ends", e.name.local))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dav::tree::parse_document;

    fn read(xml: &str, ends: Ends) -> Result<TimeRange, String> {
        read_range(&parse_document(xml.as_bytes()).unwrap(), ends)
    }

    #[test]
    fn reads_open_and_closed_ranges() {
        let r = read(
            r#"<time-range start="20060104T000000Z" end="20060105T000000Z"/>"#,
            Ends::Required,
        )
        .unwrap();
        assert_eq!(r.end - r.start, 86_400);
        let open = read(r#"<time-range start="20060104T000000Z"/>"#, Ends::Optional).unwrap();
        assert_eq!(open.end, i64::MAX);
        let open = read(r#"<time-range end="20060104T000000Z"/>"#, Ends::Optional).unwrap();
        assert_eq!(open.start, i64::MIN);
    }

    #[test]
    fn rejects_bad_ranges() {
        for (xml, ends) in [
            (r#"<time-range/>"#, Ends::Optional),
            (r#"<expand start="20060104T000000Z"/>"#, Ends::Required),
            (r#"<time-range start="20060104"/>"#, Ends::Optional),
            (r#"<time-range start="20060104T000000"/>"#, Ends::Optional),
            (r#"<time-range start="yesterday"/>"#, Ends::Optional),
            (
                r#"<time-range start="20060105T000000Z" end="20060104T000000Z"/>"#,
                Ends::Optional,
            ),
            (
                r#"<time-range start="20060105T000000Z" end="20060105T000000Z"/>"#,
                Ends::Optional,
            ),
        ] {
            assert!(read(xml, ends).is_err(), "{xml}");
        }
    }
}
