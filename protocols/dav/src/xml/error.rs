//! The error type for XML request bodies: not well-formed, refused for
//! safety (DTDs), or well-formed but not what the method expects.

use crate::qname::QName;

/// Why an XML request body was rejected. Every variant means
/// `400 Bad Request`; the message is readable enough to send to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The body is not valid UTF-8.
    #[error("request body is not valid UTF-8")]
    InvalidUtf8,
    /// The XML declaration names an encoding other than UTF-8 and the body
    /// is not plain ASCII.
    #[error("unsupported character encoding {0:?}: send UTF-8")]
    UnsupportedEncoding(String),
    /// The XML parser rejected the body.
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// A `<!DOCTYPE …>` was found; DTDs (and with them entity expansion)
    /// are refused.
    #[error("DOCTYPE declarations are not allowed")]
    Doctype,
    /// An element or attribute uses a prefix with no namespace declaration.
    #[error("undeclared namespace prefix {0:?}")]
    UnboundPrefix(String),
    /// A reference to an entity other than the five predefined ones.
    #[error("unknown entity &{0};")]
    UnknownEntity(String),
    /// A character that XML 1.0 does not allow (§2.2 `Char`).
    #[error("character U+{0:04X} is not allowed in XML")]
    InvalidChar(u32),
    /// The body ends while an element is still open.
    #[error("XML body ends before <{0}> is closed")]
    Truncated(String),
    /// The body holds no root element.
    #[error("XML body is empty")]
    Empty,
    /// Text or a second element outside the root element.
    #[error("content outside the root element")]
    OutsideRoot,
    /// Elements nested deeper than the parser allows.
    #[error("elements nested deeper than {0} levels")]
    TooDeep(usize),
    /// More of something than one request body may hold (elements, attributes of one
    /// element, namespace declarations, property names).
    #[error("more than {limit} {what} in one request")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// How many are allowed.
        limit: usize,
    },
    /// The same attribute twice on one element (XML 1.0 §3.1).
    #[error("attribute {0} appears twice on one element")]
    DuplicateAttribute(String),
    /// The root element is not the one the method expects.
    #[error("expected root element {expected}, found {found}")]
    WrongRoot {
        /// The root element the method requires.
        expected: QName,
        /// The root element the body has.
        found: QName,
    },
    /// A required child element is missing.
    #[error("<{parent}> must contain <{child}>")]
    Missing {
        /// Local name of the DAV: element that lacks the child.
        parent: &'static str,
        /// What it must contain.
        child: &'static str,
    },
    /// Well-formed, but breaks a rule of the method's body.
    #[error("{0}")]
    Invalid(&'static str),
}
