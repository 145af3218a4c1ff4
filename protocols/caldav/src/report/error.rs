//! Why a REPORT body was refused, with the status and `DAV:error`
//! condition to answer (RFC 4791 §7.8, §9.7; RFC 6578 §3.2).

use dav::report::InvalidRequest;
use dav::text_match::TextMatchError;
use dav::{Precondition, XmlError};

use crate::conditions;
use crate::time::TimezoneError;

/// A REPORT request body that cannot be executed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Not well-formed XML (400).
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// Well-formed but not a valid request of its kind (400).
    #[error("{0}")]
    Invalid(String),
    /// The `C:filter` is invalid: unknown elements, bad nesting, bad
    /// time range (403 with `C:valid-filter`: a failed precondition of
    /// RFC 4791 §7.8, which CalDAV answers with 403, §1.3).
    #[error("invalid filter: {0}")]
    InvalidFilter(String),
    /// A text-match names an unsupported collation (403 with
    /// `C:supported-collation`).
    #[error("unsupported collation {0:?}")]
    UnsupportedCollation(String),
    /// `C:calendar-data` asks for another media type or version (403 with
    /// `C:supported-calendar-data`).
    #[error("unsupported calendar data {content_type} version {version}")]
    UnsupportedCalendarData {
        /// Requested `content-type`.
        content_type: String,
        /// Requested `version`.
        version: String,
    },
    /// `C:timezone` is not one valid VTIMEZONE (403 with
    /// `C:valid-calendar-data`).
    #[error(transparent)]
    InvalidTimezone(#[from] TimezoneError),
    /// `C:timezone-id` names an unknown zone (403 with `C:valid-timezone`,
    /// RFC 7809).
    #[error("unknown time zone {0:?}")]
    UnknownTimezoneId(String),
}

impl ReportError {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            ReportError::Xml(_) | ReportError::Invalid(_) => 400,
            ReportError::InvalidFilter(_)
            | ReportError::UnsupportedCollation(_)
            | ReportError::UnsupportedCalendarData { .. }
            | ReportError::InvalidTimezone(_)
            | ReportError::UnknownTimezoneId(_) => 403,
        }
    }

    /// The `DAV:error` condition to send with the status, if any.
    pub fn precondition(&self) -> Option<Precondition> {
        match self {
            ReportError::Xml(_) | ReportError::Invalid(_) => None,
            ReportError::InvalidFilter(_) => Some(conditions::valid_filter()),
            ReportError::UnsupportedCollation(_) => Some(conditions::supported_collation()),
            ReportError::UnsupportedCalendarData { .. } => Some(conditions::supported_calendar_data()),
            ReportError::InvalidTimezone(_) => Some(conditions::valid_calendar_data()),
            ReportError::UnknownTimezoneId(_) => Some(conditions::valid_timezone()),
        }
    }
}

impl From<InvalidRequest> for ReportError {
    fn from(e: InvalidRequest) -> Self {
        ReportError::Invalid(e.0)
    }
}

impl From<TextMatchError> for ReportError {
    fn from(e: TextMatchError) -> Self {
        match e {
            TextMatchError::UnsupportedCollation(name) => ReportError::UnsupportedCollation(name),
            TextMatchError::Invalid(msg) => ReportError::InvalidFilter(msg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_conditions() {
        let cases: [(ReportError, u16, Option<&str>); 7] = [
            (ReportError::Xml(XmlError::Empty), 400, None),
            (ReportError::Invalid("x".into()), 400, None),
            (ReportError::InvalidFilter("x".into()), 403, Some("valid-filter")),
            (
                ReportError::UnsupportedCollation("i;x".into()),
                403,
                Some("supported-collation"),
            ),
            (
                ReportError::UnsupportedCalendarData {
                    content_type: "application/json".into(),
                    version: "2.0".into(),
                },
                403,
                Some("supported-calendar-data"),
            ),
            (
                ReportError::InvalidTimezone(TimezoneError("x")),
                403,
                Some("valid-calendar-data"),
            ),
            (ReportError::UnknownTimezoneId("x".into()), 403, Some("valid-timezone")),
        ];
        for (error, status, condition) in cases {
            assert_eq!(error.status(), status);
            assert_eq!(
                error.precondition().map(|p| p.name.local.into_owned()).as_deref(),
                condition
            );
            assert!(!error.to_string().is_empty());
        }
    }
}
