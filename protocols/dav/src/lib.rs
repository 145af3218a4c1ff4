//! Portico's WebDAV protocol layer (RFC 4918, classes 1 and 2), free of IO.
//!
//! The HTTP handler feeds it raw header values, request bodies and paths;
//! it returns typed requests, and renders typed results into response
//! bodies. Storage, authorisation and lock bookkeeping stay in the server.
//!
//! - Request bodies ([`request`]): [`parse_propfind`], [`parse_proppatch`],
//!   [`parse_lockinfo`] — namespace-aware, DTDs refused.
//! - Headers ([`headers`], [`if_header`]): [`Depth`], [`parse_overwrite`],
//!   [`parse_timeout`], [`parse_lock_token`], [`parse_destination`],
//!   [`IfHeader`].
//! - Paths ([`path`]): [`decode_path`], [`encode_href`].
//! - The request-body parser itself ([`tree`]), for sibling protocol crates.
//! - What CalDAV and CardDAV share beyond RFC 4918: REPORT body parts and
//!   `DAV:supported-report-set` ([`report`]), RFC 6578 sync-collection
//!   ([`sync`]), RFC 4790 collations ([`collation`]) and `text-match`
//!   ([`text_match`]), extended MKCOL ([`mkcol`], RFC 5689) and the `DAV:`
//!   conditions of those RFCs ([`conditions`]).
//! - Responses ([`response`], [`lock`], [`error`]): [`Multistatus`],
//!   [`Property`], [`PropertyValue`], [`lock_response_body`],
//!   [`error::error_body`] / [`Precondition`].
//!
//! The main items are re-exported at the crate root. Every parser error
//! converts into [`DavError`]; all mean `400 Bad Request`.

pub mod collation;
pub mod conditions;
pub mod dates;
mod dav_error;
pub mod error;
pub mod headers;
pub mod if_header;
pub mod lock;
pub mod mkcol;
pub mod names;
pub mod path;
mod prop_value;
pub mod qname;
pub mod report;
pub mod request;
pub mod response;
pub mod sync;
pub mod text_match;
mod xml;

pub use collation::Collation;
pub use dates::{http_date, rfc3339};
pub use dav_error::DavError;
pub use error::Precondition;
pub use headers::{
    Depth, Destination, EntityTag, Evaluation, HeaderError, Preconditions, TagList, Timeout, parse_destination,
    parse_lock_token, parse_overwrite, parse_timeout,
};
pub use if_header::{IfHeader, IfHeaderError, ResourceState};
pub use lock::{ActiveLock, LockScope, lock_response_body};
pub use mkcol::MkcolRequest;
pub use path::{PathError, decode_path, encode_href};
pub use prop_value::PropValue;
pub use qname::{NS_CALDAV, NS_CARDDAV, NS_DAV, NS_MS, QName};
pub use request::lockinfo::{LockInfo, parse_lockinfo};
pub use request::principal_search::{
    ExpandProp, MatchKind, PrincipalReport, PrincipalSearch, SearchTerm, parse_principal_report,
};
pub use request::propfind::{Propfind, parse_propfind};
pub use request::proppatch::{PropPatchOp, parse_proppatch};
pub use response::multistatus::{Multistatus, PropStat, Response};
pub use response::property::{Property, PropertyValue};
pub use response::status::Status;
pub use sync::{SyncCollection, SyncLevel};
pub use text_match::{MatchType, TextMatch};
pub use xml::error::XmlError;
pub use xml::node::{XmlElement, XmlNode};
pub use xml::tree;
