//! The REPORT bodies Portico answers on address books:
//! `CARD:addressbook-query`, `CARD:addressbook-multiget` (RFC 6352 §8.6,
//! §8.7) and `DAV:sync-collection` (RFC 6578 §6.1).

use dav::tree::Element;

use crate::report::ReportError;
use crate::report::filter::Filter;
use crate::report::filter_parse::parse_filter;
use crate::report::props::{PropRequest, read_prop_request};
use crate::report::xml::{is_carddav, text};

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

/// `DAV:sync-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncLevel {
    /// `1`: members of the collection.
    One,
    /// `infinite`: members at any depth.
    Infinite,
}

/// `DAV:sync-collection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCollection {
    /// The client's token; `None` (empty element) for an initial sync.
    pub sync_token: Option<String>,
    /// Depth of the sync.
    pub sync_level: SyncLevel,
    /// `DAV:limit/DAV:nresults`.
    pub limit: Option<u32>,
    /// What to return for each changed member.
    pub props: PropRequest,
}

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
            limit = Some(nresults(&text(n))?);
        }
    }
    let filter = filter.ok_or_else(|| ReportError::InvalidFilter("addressbook-query needs a filter".into()))?;
    Ok(Query { props, filter, limit })
}

/// An unsigned decimal; values beyond `u32` are read as `u32::MAX` (the
/// server may disregard a limit anyway, §10.6.1).
fn nresults(raw: &str) -> Result<u32, ReportError> {
    let digits = raw.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ReportError::Invalid(format!("nresults {digits:?} must be digits")));
    }
    Ok(digits.parse::<u32>().unwrap_or(u32::MAX))
}

pub(crate) fn read_multiget(root: &Element) -> Result<Multiget, ReportError> {
    let props = read_prop_request(root)?;
    let hrefs: Vec<String> = root
        .elements()
        .filter(|e| e.dav_local() == Some("href"))
        .map(|e| text(e).trim().to_owned())
        .collect();
    if hrefs.is_empty() || hrefs.iter().any(String::is_empty) {
        return Err(ReportError::Invalid(
            "addressbook-multiget needs non-empty DAV:href elements".into(),
        ));
    }
    Ok(Multiget { props, hrefs })
}

pub(crate) fn read_sync(root: &Element) -> Result<SyncCollection, ReportError> {
    let mut sync_token = None;
    let mut sync_level = None;
    let mut limit = None;
    for child in root.elements() {
        match child.dav_local() {
            Some("sync-token") => {
                let token = text(child).trim().to_owned();
                sync_token = (!token.is_empty()).then_some(token);
            }
            Some("sync-level") => {
                sync_level = Some(match text(child).trim() {
                    "1" => SyncLevel::One,
                    "infinite" | "infinity" => SyncLevel::Infinite,
                    other => {
                        return Err(ReportError::Invalid(format!(
                            "sync-level {other:?} must be 1 or infinite"
                        )));
                    }
                });
            }
            Some("limit") => {
                let n = child
                    .elements()
                    .find(|e| e.dav_local() == Some("nresults"))
                    .map(|e| nresults(&text(e)))
                    .transpose()?
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ReportError::Invalid("limit needs a positive nresults".into()))?;
                limit = Some(n);
            }
            _ => {}
        }
    }
    Ok(SyncCollection {
        sync_token,
        // Older clients omit it; RFC 6578 §6.1 makes it required.
        sync_level: sync_level.unwrap_or(SyncLevel::One),
        limit,
        props: read_prop_request(root)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nresults_digits_only() {
        assert_eq!(nresults(" 2\n"), Ok(2));
        assert_eq!(nresults("0"), Ok(0));
        assert_eq!(nresults("99999999999999999999"), Ok(u32::MAX));
        for bad in ["", "-1", "+1", "1.5", "two", "1 2"] {
            assert!(nresults(bad).is_err(), "{bad}");
        }
    }
}
