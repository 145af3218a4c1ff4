//! The REPORT bodies Portico answers on address books:
//! `CARD:addressbook-query`, `CARD:addressbook-multiget` (RFC 6352 §8.6,
//! §8.7) and `DAV:sync-collection` (RFC 6578 §6.1, read by `dav::sync`).

use dav::report::{nresults, read_hrefs};
use dav::sync::read_sync_collection;
use dav::tree::Element;

use crate::report::ReportError;
use crate::report::filter::Filter;
use crate::report::filter_parse::parse_filter;
use crate::report::props::{PropRequest, read_prop_request};
use crate::report::xml::is_carddav;

/// `CARD:addressbook-query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// What to return for each match.
    pub props: PropRequest,
    /// Which cards match.
    pub filter: Filter,
    /// `CARD:limit/CARD:nresults` (§8.6.1): return at most this many, then
    /// 507 on the request URI with `DAV:number-of-matches-within-limits`.
    pub limit: Option<u32>,
}

/// `CARD:addressbook-multiget`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multiget {
    /// What to return for each resource.
    pub props: PropRequest,
    /// The resources, as sent (percent-encoded paths or URLs).
    pub hrefs: Vec<String>,
}

/// `DAV:sync-collection` with CardDAV's property request.
pub type SyncCollection = dav::SyncCollection<PropRequest>;

pub(crate) fn read_query(root: &Element) -> Result<Query, ReportError> {
    let props = read_prop_request(root)?;
    let mut filter = None;
    let mut limit = None;
    for child in root.elements() {
        if is_carddav(child, "filter") {
            if filter.is_some() {
                return Err(ReportError::InvalidFilter("only one filter is allowed".into()));
            }
            filter = Some(parse_filter(child)?);
        } else if is_carddav(child, "limit") {
            if limit.is_some() {
                return Err(ReportError::Invalid("only one limit is allowed".into()));
            }
            let n = child
                .elements()
                .find(|e| is_carddav(e, "nresults"))
                .ok_or_else(|| ReportError::Invalid("limit needs nresults".into()))?;
            limit = Some(nresults(&n.text())?);
        }
    }
    let filter = filter.ok_or_else(|| ReportError::InvalidFilter("addressbook-query needs a filter".into()))?;
    Ok(Query { props, filter, limit })
}

pub(crate) fn read_multiget(root: &Element) -> Result<Multiget, ReportError> {
    let props = read_prop_request(root)?;
    let hrefs = read_hrefs(root, "addressbook-multiget")?;
    Ok(Multiget { props, hrefs })
}

pub(crate) fn read_sync(root: &Element) -> Result<SyncCollection, ReportError> {
    read_sync_collection(root, read_prop_request)
}
