//! Why a REPORT body was refused, with the status and `DAV:error`
//! condition to answer (RFC 6352 §8.6, §8.7; RFC 6578 §3.2).

use dav::report::InvalidRequest;
use dav::text_match::TextMatchError;
use dav::{Precondition, QName, XmlElement, XmlError};

use crate::conditions;
use crate::names::NS_CARDDAV;

/// A REPORT request body that cannot be executed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Not well-formed XML (400).
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// Well-formed but not a valid request of its kind (400).
    #[error("{0}")]
    Invalid(String),
    /// The `CARD:filter` breaks its grammar: missing or bad names, bad
    /// attribute values, `is-not-defined` next to other tests (400).
    #[error("invalid filter: {0}")]
    InvalidFilter(String),
    /// A `CARD:prop-filter` or `CARD:param-filter` asks for a test the
    /// server does not support (403 with `CARD:supported-filter` naming it).
    #[error("unsupported {element} {name:?}: {reason}")]
    UnsupportedFilter {
        /// `prop-filter` or `param-filter`.
        element: &'static str,
        /// Its `name` attribute.
        name: String,
        /// What is not supported.
        reason: String,
    },
    /// A text-match names an unsupported collation (403 with
    /// `CARD:supported-collation`).
    #[error("unsupported collation {0:?}")]
    UnsupportedCollation(String),
    /// `CARD:address-data` asks for another media type or version (403
    /// with `CARD:supported-address-data`).
    #[error("unsupported address data {content_type} version {version}")]
    UnsupportedAddressData {
        /// Requested `content-type`.
        content_type: String,
        /// Requested `version`.
        version: String,
    },
}

impl ReportError {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            ReportError::Xml(_) | ReportError::Invalid(_) | ReportError::InvalidFilter(_) => 400,
            ReportError::UnsupportedFilter { .. }
            | ReportError::UnsupportedCollation(_)
            | ReportError::UnsupportedAddressData { .. } => 403,
        }
    }

    /// The `DAV:error` condition to send with the status, if any.
    pub fn precondition(&self) -> Option<Precondition> {
        match self {
            ReportError::Xml(_) | ReportError::Invalid(_) | ReportError::InvalidFilter(_) => None,
            ReportError::UnsupportedFilter { element, name, .. } => {
                let filter = XmlElement::new(QName::new(NS_CARDDAV, *element)).with_attr("name", name.clone());
                Some(conditions::supported_filter(vec![filter]))
            }
            ReportError::UnsupportedCollation(_) => Some(conditions::supported_collation()),
            ReportError::UnsupportedAddressData { .. } => Some(conditions::supported_address_data()),
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
        let unsupported = ReportError::UnsupportedFilter {
            element: "prop-filter",
            name: "BDAY".into(),
            reason: "time-range".into(),
        };
        let cases: [(ReportError, u16, Option<&str>); 6] = [
            (ReportError::Xml(XmlError::Empty), 400, None),
            (ReportError::Invalid("x".into()), 400, None),
            (ReportError::InvalidFilter("x".into()), 400, None),
            (unsupported.clone(), 403, Some("supported-filter")),
            (
                ReportError::UnsupportedCollation("i;x".into()),
                403,
                Some("supported-collation"),
            ),
            (
                ReportError::UnsupportedAddressData {
                    content_type: "application/vcard+json".into(),
                    version: "4.0".into(),
                },
                403,
                Some("supported-address-data"),
            ),
        ];
        for (error, status, condition) in cases {
            assert_eq!(error.status(), status);
            assert_eq!(
                error.precondition().map(|p| p.name.local.into_owned()).as_deref(),
                condition
            );
            assert!(!error.to_string().is_empty());
        }
        let body = unsupported.precondition().map(|p| p.to_body()).unwrap_or_default();
        assert!(body.contains(r#"<CARD:supported-filter><CARD:prop-filter name="BDAY"/></CARD:supported-filter>"#));
    }
}
