//! The `DAV:sync-collection` REPORT body (RFC 6578 §6.1): the client's
//! token, the sync level and an optional `DAV:limit`, plus the properties
//! to return for each changed member, read by the protocol crate that
//! knows its data element (calendar or address data).

use crate::report::{InvalidRequest, nresults};
use crate::xml::tree::Element;

/// `DAV:sync-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncLevel {
    /// `1`: members of the collection.
    One,
    /// `infinite`: members at any depth.
    Infinite,
}

/// `DAV:sync-collection`, with `P` the protocol's property request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCollection<P> {
    /// The client's token; `None` (empty element) for an initial sync.
    pub sync_token: Option<String>,
    /// Depth of the sync.
    pub sync_level: SyncLevel,
    /// `DAV:limit/DAV:nresults`.
    pub limit: Option<u32>,
    /// What to return for each changed member.
    pub props: P,
}

/// Reads a `DAV:sync-collection` root; `read_props` reads its property
/// part once the sync elements are known to be valid.
pub fn read_sync_collection<P, E>(
    root: &Element,
    read_props: impl FnOnce(&Element) -> Result<P, E>,
) -> Result<SyncCollection<P>, E>
where
    E: From<InvalidRequest>,
{
    let mut sync_token = None;
    let mut sync_level = None;
    let mut limit = None;
    for child in root.elements() {
        match child.dav_local() {
            Some("sync-token") => {
                let token = child.text().trim().to_owned();
                sync_token = (!token.is_empty()).then_some(token);
            }
            Some("sync-level") => {
                sync_level = Some(match child.text().trim() {
                    "1" => SyncLevel::One,
                    "infinite" | "infinity" => SyncLevel::Infinite,
                    other => {
                        return Err(InvalidRequest(format!("sync-level {other:?} must be 1 or infinite")).into());
                    }
                });
            }
            Some("limit") => {
                let n = child
                    .elements()
                    .find(|e| e.dav_local() == Some("nresults"))
                    .map(|e| nresults(&e.text()))
                    .transpose()?
                    .filter(|n| *n > 0)
                    .ok_or_else(|| InvalidRequest("limit needs a positive nresults".into()))?;
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
        props: read_props(root)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse_document;

    fn read(inner: &str) -> Result<SyncCollection<usize>, InvalidRequest> {
        let xml = format!(r#"<D:sync-collection xmlns:D="DAV:">{inner}</D:sync-collection>"#);
        let root = parse_document(xml.as_bytes()).unwrap();
        read_sync_collection(&root, |r| Ok(r.elements().count()))
    }

    #[test]
    fn initial_and_delta_syncs() {
        let s = read("<D:sync-token/><D:sync-level>1</D:sync-level><D:prop/>").unwrap();
        assert_eq!(
            s,
            SyncCollection {
                sync_token: None,
                sync_level: SyncLevel::One,
                limit: None,
                props: 3,
            }
        );
        let s = read(
            "<D:sync-token> http://x/t/5 </D:sync-token><D:sync-level>infinite</D:sync-level><D:limit><D:nresults>20</D:nresults></D:limit>",
        )
        .unwrap();
        assert_eq!(s.sync_token.as_deref(), Some("http://x/t/5"));
        assert_eq!((s.sync_level, s.limit), (SyncLevel::Infinite, Some(20)));
        assert_eq!(read("").unwrap().sync_level, SyncLevel::One);
    }

    #[test]
    fn bad_levels_and_limits() {
        assert_eq!(
            read("<D:sync-level>2</D:sync-level>"),
            Err(InvalidRequest("sync-level \"2\" must be 1 or infinite".into()))
        );
        for limit in ["", "<D:nresults>0</D:nresults>"] {
            assert_eq!(
                read(&format!("<D:limit>{limit}</D:limit>")),
                Err(InvalidRequest("limit needs a positive nresults".into()))
            );
        }
        assert_eq!(
            read("<D:limit><D:nresults>many</D:nresults></D:limit>"),
            Err(InvalidRequest("nresults \"many\" must be digits".into()))
        );
    }
}
