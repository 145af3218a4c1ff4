//! Why a calendar object resource was refused, and the CalDAV precondition
//! each reason violates (RFC 4791 §5.3.2.1).

use dav::Precondition;

use crate::conditions;

/// A PUT/COPY/MOVE body that cannot be stored in a calendar collection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    /// Not parseable as one iCalendar object (`valid-calendar-data`).
    #[error("invalid iCalendar data: {0}")]
    Malformed(String),
    /// No VEVENT, VTODO, VJOURNAL or VFREEBUSY (`valid-calendar-data`).
    #[error("the calendar object contains no calendar component")]
    NoComponents,
    /// A component without UID (`valid-calendar-data`, RFC 5545 §3.6).
    #[error("{0} has no UID property")]
    MissingUid(String),
    /// A required property is missing (`valid-calendar-data`).
    #[error("{component} has no {property} property")]
    MissingProperty {
        /// Component name.
        component: String,
        /// Property name.
        property: &'static str,
    },
    /// A property value of the wrong type (`valid-calendar-data`).
    #[error("{component} has an invalid {property} value")]
    InvalidValue {
        /// Component name.
        component: String,
        /// Property name.
        property: String,
    },
    /// A `TZID` with neither a VTIMEZONE nor a known name
    /// (`valid-calendar-data`, RFC 5545 §3.2.19).
    #[error("time zone {0:?} is not defined by a VTIMEZONE")]
    UnknownTimezone(String),
    /// `METHOD` present (`valid-calendar-object-resource`, RFC 4791 §4.1).
    #[error("calendar object resources must not contain the METHOD property")]
    MethodPresent,
    /// More than one kind of component besides VTIMEZONE
    /// (`valid-calendar-object-resource`, RFC 4791 §4.1).
    #[error("a calendar object resource must not mix {0} and {1} components")]
    MixedComponents(String, String),
    /// Components with different UIDs, including an override whose UID
    /// differs from the master's (`valid-calendar-object-resource`).
    #[error("all components must have the same UID ({0:?} and {1:?} differ)")]
    DifferentUids(String, String),
    /// Two masters or two overrides of the same instance
    /// (`valid-calendar-object-resource`).
    #[error("the recurrence set defines {0} twice")]
    DuplicateInstance(String),
    /// A component with more than one RRULE (`valid-calendar-object-resource`;
    /// RFC 5545 §3.8.5.3 says it SHOULD NOT occur more than once).
    #[error("{0} has more than one RRULE property")]
    SeveralRules(String),
    /// More components (alarms and overrides included) than the server keeps in one
    /// object (`valid-calendar-object-resource`).
    #[error("a calendar object may have at most {0} components")]
    TooManyComponents(usize),
    /// A bounded recurrence set with more instances than `C:max-instances`.
    #[error("the recurrence set has more than {0} instances")]
    TooManyInstances(usize),
    /// More ATTENDEE properties in one instance than `C:max-attendees-per-instance`.
    #[error("an instance may have at most {0} attendees")]
    TooManyAttendees(usize),
    /// A date before `C:min-date-time`.
    #[error("{property} {value} is before {limit}, the earliest date accepted")]
    BeforeMinDate {
        /// Property name.
        property: String,
        /// Its value as sent.
        value: String,
        /// `C:min-date-time`.
        limit: String,
    },
    /// A date after `C:max-date-time`.
    #[error("{property} {value} is after {limit}, the latest date accepted")]
    AfterMaxDate {
        /// Property name.
        property: String,
        /// Its value as sent.
        value: String,
        /// `C:max-date-time`.
        limit: String,
    },
    /// The component kind is not accepted by the collection
    /// (`supported-calendar-component`).
    #[error("{0} components are not supported in this calendar")]
    UnsupportedComponent(String),
}

impl ObjectError {
    /// The `DAV:error` condition to return with the 403 response.
    pub fn precondition(&self) -> Precondition {
        match self {
            ObjectError::Malformed(_)
            | ObjectError::NoComponents
            | ObjectError::MissingUid(_)
            | ObjectError::MissingProperty { .. }
            | ObjectError::InvalidValue { .. }
            | ObjectError::UnknownTimezone(_) => conditions::valid_calendar_data(),
            ObjectError::MethodPresent
            | ObjectError::MixedComponents(..)
            | ObjectError::DifferentUids(..)
            | ObjectError::DuplicateInstance(_)
            | ObjectError::SeveralRules(_)
            | ObjectError::TooManyComponents(_) => conditions::valid_calendar_object_resource(),
            ObjectError::TooManyInstances(_) => conditions::max_instances(),
            ObjectError::TooManyAttendees(_) => conditions::max_attendees_per_instance(),
            ObjectError::BeforeMinDate { .. } => conditions::min_date_time(),
            ObjectError::AfterMaxDate { .. } => conditions::max_date_time(),
            ObjectError::UnsupportedComponent(_) => conditions::supported_calendar_component(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::NS_CALDAV;

    #[test]
    fn each_error_maps_to_its_precondition_and_reads_well() {
        let cases = [
            (ObjectError::Malformed("x".into()), "valid-calendar-data"),
            (ObjectError::NoComponents, "valid-calendar-data"),
            (ObjectError::MissingUid("VEVENT".into()), "valid-calendar-data"),
            (
                ObjectError::MissingProperty {
                    component: "VEVENT".into(),
                    property: "DTSTART",
                },
                "valid-calendar-data",
            ),
            (
                ObjectError::InvalidValue {
                    component: "VEVENT".into(),
                    property: "DTEND".into(),
                },
                "valid-calendar-data",
            ),
            (ObjectError::UnknownTimezone("X".into()), "valid-calendar-data"),
            (ObjectError::MethodPresent, "valid-calendar-object-resource"),
            (
                ObjectError::MixedComponents("VEVENT".into(), "VTODO".into()),
                "valid-calendar-object-resource",
            ),
            (
                ObjectError::DifferentUids("a".into(), "b".into()),
                "valid-calendar-object-resource",
            ),
            (
                ObjectError::DuplicateInstance("the master".into()),
                "valid-calendar-object-resource",
            ),
            (
                ObjectError::SeveralRules("VEVENT".into()),
                "valid-calendar-object-resource",
            ),
            (ObjectError::TooManyComponents(5), "valid-calendar-object-resource"),
            (ObjectError::TooManyInstances(5), "max-instances"),
            (ObjectError::TooManyAttendees(5), "max-attendees-per-instance"),
            (
                ObjectError::BeforeMinDate {
                    property: "DTSTART".into(),
                    value: "18000101".into(),
                    limit: "19000101T000000Z".into(),
                },
                "min-date-time",
            ),
            (
                ObjectError::AfterMaxDate {
                    property: "DTSTART".into(),
                    value: "30000101".into(),
                    limit: "21991231T235959Z".into(),
                },
                "max-date-time",
            ),
            (
                ObjectError::UnsupportedComponent("VTODO".into()),
                "supported-calendar-component",
            ),
        ];
        for (error, local) in cases {
            let p = error.precondition();
            assert_eq!((p.name.ns.as_ref(), p.name.local.as_ref()), (NS_CALDAV, local));
            assert!(!error.to_string().is_empty());
        }
        assert_eq!(
            ObjectError::MixedComponents("VEVENT".into(), "VTODO".into()).to_string(),
            "a calendar object resource must not mix VEVENT and VTODO components"
        );
    }
}
