//! Out-of-office markers, which feed Portico's absence chart: an opaque
//! event that is categorised as absence, flagged by Portico's web UI, or
//! marked by Outlook's busy status.

use calcard::icalendar::{ICalendarComponent, ICalendarProperty, ICalendarTransparency};

use crate::ical::values::{entry_text, same_name};

/// Category names that mean "out of office".
const CATEGORIES: [&str; 2] = ["Out of office", "OOF"];

/// Whether the event marks its owner as away: TRANSP is OPAQUE (the
/// default, RFC 5545 §3.8.2.7) and one of: a CATEGORIES value "Out of
/// office"/"OOF", `X-PORTICO-OOF:TRUE`, or Outlook's
/// `X-MICROSOFT-CDO-BUSYSTATUS:OOF` / `X-MICROSOFT-CDO-INTENDEDSTATUS:OOF`.
pub(crate) fn is_out_of_office(event: &ICalendarComponent) -> bool {
    let transparent = event.transparency() == Some(&ICalendarTransparency::Transparent);
    if transparent {
        return false;
    }
    event.entries.iter().any(|e| match &e.name {
        ICalendarProperty::Categories => e.values.iter().any(|v| {
            v.as_text()
                .is_some_and(|t| t.split(',').any(|c| CATEGORIES.iter().any(|o| same_name(c.trim(), o))))
        }),
        ICalendarProperty::Other(name) => {
            let value = entry_text(e);
            let value = value.trim();
            (same_name(name, "X-PORTICO-OOF") && same_name(value, "TRUE"))
                || ((same_name(name, "X-MICROSOFT-CDO-BUSYSTATUS")
                    || same_name(name, "X-MICROSOFT-CDO-INTENDEDSTATUS"))
                    && same_name(value, "OOF"))
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::icalendar::ICalendar;

    fn ooo(props: &str) -> bool {
        let text = format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n{props}END:VEVENT\r\nEND:VCALENDAR\r\n");
        is_out_of_office(&ICalendar::parse(text).unwrap().components[1])
    }

    #[test]
    fn markers() {
        assert!(ooo("CATEGORIES:Out of office\r\n"));
        assert!(ooo("TRANSP:OPAQUE\r\nCATEGORIES:Work,oof\r\n"));
        assert!(ooo("X-PORTICO-OOF:TRUE\r\n"));
        assert!(ooo("X-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n"));
        assert!(ooo("X-MICROSOFT-CDO-INTENDEDSTATUS:OOF\r\n"));
    }

    #[test]
    fn non_markers() {
        assert!(!ooo(""));
        assert!(!ooo("TRANSP:TRANSPARENT\r\nCATEGORIES:Out of office\r\n"));
        assert!(!ooo("CATEGORIES:Office party\r\n"));
        assert!(!ooo("X-PORTICO-OOF:FALSE\r\n"));
        assert!(!ooo("X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"));
        assert!(!ooo("SUMMARY:OOF\r\n"));
    }
}
