//! The calendar component kinds a calendar object resource can hold
//! (RFC 4791 §4.1, §5.2.3).

use std::fmt;

use calcard::icalendar::ICalendarComponentType;

/// VEVENT, VTODO, VJOURNAL or VFREEBUSY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    /// `VEVENT`.
    Event,
    /// `VTODO`.
    Todo,
    /// `VJOURNAL`.
    Journal,
    /// `VFREEBUSY`.
    FreeBusy,
}

impl ComponentKind {
    /// Every kind, in the order used for advertising.
    pub const ALL: [ComponentKind; 4] = [
        ComponentKind::Event,
        ComponentKind::Todo,
        ComponentKind::Journal,
        ComponentKind::FreeBusy,
    ];

    /// The iCalendar component name.
    pub fn name(self) -> &'static str {
        match self {
            ComponentKind::Event => "VEVENT",
            ComponentKind::Todo => "VTODO",
            ComponentKind::Journal => "VJOURNAL",
            ComponentKind::FreeBusy => "VFREEBUSY",
        }
    }

    /// Parses a component name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
    }

    pub(crate) fn of(kind: &ICalendarComponentType) -> Option<Self> {
        match kind {
            ICalendarComponentType::VEvent => Some(ComponentKind::Event),
            ICalendarComponentType::VTodo => Some(ComponentKind::Todo),
            ICalendarComponentType::VJournal => Some(ComponentKind::Journal),
            ICalendarComponentType::VFreebusy => Some(ComponentKind::FreeBusy),
            _ => None,
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in ComponentKind::ALL {
            assert_eq!(ComponentKind::from_name(kind.name()), Some(kind));
            let parsed = <ICalendarComponentType as calcard::common::IanaParse>::parse(kind.name().as_bytes()).unwrap();
            assert_eq!(ComponentKind::of(&parsed), Some(kind));
        }
        assert_eq!(ComponentKind::from_name("vevent"), Some(ComponentKind::Event));
        assert_eq!(ComponentKind::from_name("VTIMEZONE"), None);
        assert_eq!(ComponentKind::Todo.to_string(), "VTODO");
    }
}
