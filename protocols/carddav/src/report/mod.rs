//! REPORT request bodies: parsing into typed requests, the filter model
//! and text matching.

mod error;
mod filter;
mod filter_parse;
mod kinds;
mod props;
pub(crate) mod xml;

pub use dav::{Collation, MatchType, SyncLevel, TextMatch};
pub use error::ReportError;
pub use filter::{Filter, ParamFilter, PropFilter, Test};
pub use kinds::{Multiget, Query, SyncCollection};
pub use props::{AddressDataRequest, PropRequest, PropSelector};

use dav::QName;
use dav::tree::parse_document;

use crate::names::{ADDRESSBOOK_MULTIGET, ADDRESSBOOK_QUERY, SYNC_COLLECTION};

/// A parsed REPORT body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// `CARD:addressbook-query` (RFC 6352 §8.6).
    AddressbookQuery(Query),
    /// `CARD:addressbook-multiget` (§8.7).
    AddressbookMultiget(Multiget),
    /// `DAV:sync-collection` (RFC 6578).
    SyncCollection(SyncCollection),
    /// Any other report, by root element name: answer 403
    /// `DAV:supported-report` (RFC 3253 §3.6) unless the server handles it
    /// (e.g. `DAV:expand-property`).
    Other(QName),
}

/// Parses a REPORT body.
pub fn parse_report(body: &[u8]) -> Result<Report, ReportError> {
    let root = parse_document(body)?;
    Ok(match root.name {
        ref n if *n == ADDRESSBOOK_QUERY => Report::AddressbookQuery(kinds::read_query(&root)?),
        ref n if *n == ADDRESSBOOK_MULTIGET => Report::AddressbookMultiget(kinds::read_multiget(&root)?),
        ref n if *n == SYNC_COLLECTION => Report::SyncCollection(kinds::read_sync(&root)?),
        other => Report::Other(other),
    })
}

#[cfg(test)]
mod tests;
