//! PROPFIND and PROPPATCH (RFC 4918 §9.1, §9.2) on library nodes, and the read-only
//! virtual folders `/docs/`, `/docs/users/`, `/docs/departments/`.
//!
//! Listings are built from one query for the children and one for all their dead
//! properties, so a Depth-1 PROPFIND costs a constant number of queries. `Depth: infinity`
//! is refused with `DAV:propfind-finite-depth` (§9.1); a missing Depth header is treated as 1.
//! Quota properties (RFC 4331) are live on personal drives, only when asked for by name.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dav::names;
use dav::{
    ActiveLock, Depth, LockScope, Multistatus, NS_DAV, NS_MS, Precondition, PropPatchOp, PropStat, PropValue, Property,
    PropertyValue, Propfind, QName, Response as DavResponse, Status, Timeout, parse_proppatch,
};
use http::{HeaderMap, HeaderValue, Method, Response, header};
use hyper::body::Incoming;

use crate::core::documents::{DeadProp, DocLock, DocNode, DocTarget, ListedNode, PropChange, VirtualDir, href_of};
use crate::dav::common::util::{multistatus_response, propfind_depth, quoted, read_propfind};
use crate::edge::body::{Body, full, read_limited};
use crate::edge::error::AppError;

use super::{ALLOW_VIRTUAL, Dav, options_response, parse_if};

const QUOTA_USED: QName = QName::dav("quota-used-bytes");
const QUOTA_AVAILABLE: QName = QName::dav("quota-available-bytes");
const WIN32_LAST_MODIFIED: &str = "Win32LastModifiedTime";

fn system_time(unix: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap_or(0))
}

/// Windows' MiniRedirector refuses a folder listing whose XML exceeds 1,000,000 bytes
/// (`FileAttributesLimitInBytes`), so its `allprop` gets only what Explorer shows: the
/// resource type, size, modification time and the Win32 attribute flags. About 300 bytes
/// an entry keeps a 3,000-file folder listable.
fn compact_allprop(headers: &HeaderMap) -> bool {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ua.contains("Microsoft-WebDAV-MiniRedir") || ua.contains("DavClnt")
}

const COMPACT_LIVE: [QName; 3] = [names::RESOURCETYPE, names::GETCONTENTLENGTH, names::GETLASTMODIFIED];
const WIN32_ATTRIBUTES: &str = "Win32FileAttributes";

/// Whether to leave `DAV:lockroot` out: some Microsoft Office versions fail to parse it.
pub fn omit_lockroot(headers: &HeaderMap) -> bool {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ua.contains("Microsoft Office") || ua.contains("MSOffice") || ua.contains("Microsoft-WebDAV-MiniRedir")
}

pub fn active_lock(lock: &DocLock) -> ActiveLock {
    ActiveLock {
        token: lock.token.clone(),
        root: href_of(&lock.path, false),
        depth: if lock.is_deep() { Depth::Infinity } else { Depth::Zero },
        scope: if lock.is_exclusive() {
            LockScope::Exclusive
        } else {
            LockScope::Shared
        },
        owner: lock.owner_xml.clone().map(|xml| PropValue::from_stored(xml, None)),
        timeout: Timeout::Seconds(u64::try_from(lock.expires_at - crate::core::now()).unwrap_or(0)),
    }
}

/// What is known about one node when rendering its properties.
struct NodeView<'a> {
    node: &'a DocNode,
    dead: &'a [DeadProp],
    locks: &'a [DocLock],
    quota: Option<(i64, i64)>,
}

impl NodeView<'_> {
    fn dead(&self, name: &QName) -> Option<&DeadProp> {
        self.dead.iter().find(|d| d.ns == name.ns && d.name == name.local)
    }

    /// The value of a live property, if the node has it.
    fn live(&self, name: &QName, no_lockroot: bool) -> Option<PropertyValue> {
        let n = self.node;
        if name.ns != NS_DAV {
            return None;
        }
        Some(match name.local.as_ref() {
            "resourcetype" => PropertyValue::ResourceType(if n.is_collection() {
                vec![names::COLLECTION]
            } else {
                vec![]
            }),
            "displayname" => PropertyValue::Text(n.name.clone()),
            "creationdate" => PropertyValue::CreationDate(system_time(n.created_at)),
            "getlastmodified" => PropertyValue::HttpDate(system_time(n.modified_at)),
            "getcontentlength" if !n.is_collection() => PropertyValue::Text(n.size.to_string()),
            "getcontenttype" if !n.is_collection() => PropertyValue::Text(
                n.content_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".into()),
            ),
            "getetag" if !n.is_collection() => PropertyValue::Text(quoted(&n.etag)),
            "lockdiscovery" => PropertyValue::LockDiscovery {
                locks: self.locks.iter().map(active_lock).collect(),
                include_lockroot: !no_lockroot,
            },
            "supportedlock" => PropertyValue::SupportedLock,
            "quota-used-bytes" => PropertyValue::Text(self.quota?.0.to_string()),
            "quota-available-bytes" => PropertyValue::Text(self.quota?.1.to_string()),
            _ => return None,
        })
    }

    /// The value of any property: a dead value set by a client wins over a computed
    /// displayname or content type; other live properties cannot be shadowed.
    fn value(&self, name: &QName, no_lockroot: bool) -> Option<PropertyValue> {
        if let Some(d) = self.dead(name).filter(|_| !names::is_protected(name)) {
            return Some(PropertyValue::Dead(PropValue::from_stored(
                d.value_xml.clone(),
                d.lang.clone(),
            )));
        }
        self.live(name, no_lockroot)
    }

    fn response(&self, href: String, request: &Propfind, no_lockroot: bool, compact: bool) -> DavResponse {
        match request {
            Propfind::AllProp { include } if compact && include.is_empty() => {
                let mut props: Vec<Property> = COMPACT_LIVE
                    .iter()
                    .filter_map(|n| self.live(n, no_lockroot).map(|v| Property::new(n.clone(), v)))
                    .collect();
                let attributes = QName::new_static(NS_MS, WIN32_ATTRIBUTES);
                if let Some(v) = self.value(&attributes, no_lockroot) {
                    props.push(Property::new(attributes, v));
                }
                DavResponse::propstats(href, vec![PropStat::new(Status::OK, props)])
            }
            Propfind::Prop(wanted) => DavResponse::grouped(
                href,
                wanted.iter().map(|name| match self.value(name, no_lockroot) {
                    Some(v) => (Status::OK, Property::new(name.clone(), v)),
                    None => (Status::NOT_FOUND, Property::empty(name.clone())),
                }),
            ),
            Propfind::AllProp { include } => {
                let mut props: Vec<Property> = Vec::new();
                let mut seen: Vec<QName> = Vec::new();
                for name in names::LIVE_PROPERTIES.iter().chain(include.iter()) {
                    if seen.contains(name) {
                        continue;
                    }
                    seen.push(name.clone());
                    if let Some(v) = self.value(name, no_lockroot) {
                        props.push(Property::new(name.clone(), v));
                    }
                }
                for d in self.dead {
                    let name = QName::new(d.ns.clone(), d.name.clone());
                    if !seen.contains(&name) {
                        props.push(Property::new(
                            name,
                            PropertyValue::Dead(PropValue::from_stored(d.value_xml.clone(), d.lang.clone())),
                        ));
                    }
                }
                DavResponse::propstats(href, vec![PropStat::new(Status::OK, props)])
            }
            Propfind::PropName => {
                let mut props: Vec<Property> = names::LIVE_PROPERTIES
                    .iter()
                    .filter(|n| self.live(n, no_lockroot).is_some())
                    .map(|n| Property::empty(n.clone()))
                    .collect();
                props.extend(
                    self.dead
                        .iter()
                        .map(|d| QName::new(d.ns.clone(), d.name.clone()))
                        .filter(|n| !names::LIVE_PROPERTIES.contains(n))
                        .map(Property::empty),
                );
                DavResponse::propstats(href, vec![PropStat::new(Status::OK, props)])
            }
        }
    }
}

fn wants_quota(request: &Propfind) -> bool {
    match request {
        Propfind::Prop(names) | Propfind::AllProp { include: names } => {
            names.iter().any(|n| *n == QUOTA_USED || *n == QUOTA_AVAILABLE)
        }
        Propfind::PropName => false,
    }
}

pub async fn propfind(
    dav: &Dav<'_>,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let depth = propfind_depth(headers)?;
    let request = read_propfind(body, dav.ctx.app.config.server.max_request_bytes).await?;
    let listing = dav
        .docs
        .listing(target, depth == Depth::One, wants_quota(&request))
        .await?;
    let no_lockroot = omit_lockroot(headers);
    let compact = compact_allprop(headers);
    let mut ms = Multistatus::new();
    let render = |entry: &ListedNode, quota: Option<(i64, i64)>| {
        let view = NodeView {
            node: &entry.node,
            dead: &entry.dead,
            locks: &entry.locks,
            quota,
        };
        view.response(entry.href.clone(), &request, no_lockroot, compact)
    };
    ms.push(render(&listing.this, listing.quota));
    for child in &listing.children {
        ms.push(render(child, None));
    }
    Ok(multistatus_response(&ms))
}

/// PROPPATCH: all instructions succeed or none is applied (§9.2).
pub async fn proppatch(
    dav: &Dav<'_>,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let bytes = read_limited(body, dav.ctx.app.config.server.max_request_bytes).await?;
    let ops = parse_proppatch(&bytes).map_err(|e| AppError::BadRequest(format!("PROPPATCH body: {e}")))?;
    let node = dav.docs.node(target).await?.ok_or(AppError::NotFound)?;
    let href = target.href(node.is_collection());
    let protected: Vec<&QName> = ops
        .iter()
        .map(PropPatchOp::name)
        .filter(|n| names::is_protected(n))
        .collect();
    if !protected.is_empty() {
        let results = ops.iter().map(|op| {
            let name = op.name().clone();
            let status = if names::is_protected(&name) {
                Status::FORBIDDEN
            } else {
                Status(424)
            };
            (status, Property::empty(name))
        });
        let mut ms = Multistatus::new();
        ms.push(DavResponse::grouped(href, results).with_error(Precondition::cannot_modify_protected_property()));
        return Ok(multistatus_response(&ms));
    }
    let mut modified_at = None;
    let changes: Vec<PropChange<'_>> = ops
        .iter()
        .map(|op| {
            if let PropPatchOp::Set { name, value } = op
                && name.is(NS_MS, WIN32_LAST_MODIFIED)
                && let Some(t) = value.as_text().and_then(|t| httpdate::parse_http_date(t.trim()).ok())
            {
                modified_at = t
                    .duration_since(UNIX_EPOCH)
                    .ok()
                    .and_then(|d| i64::try_from(d.as_secs()).ok());
            }
            PropChange::from(op)
        })
        .collect();
    // Windows and Office set their Win32 timestamps without the lock token.
    let only_win32 = !ops.is_empty() && ops.iter().all(|op| op.name().ns == NS_MS);
    dav.docs
        .proppatch(target, &changes, modified_at, !only_win32, parse_if(headers)?.as_ref())
        .await?;
    let mut ms = Multistatus::new();
    ms.push(DavResponse::grouped(
        href,
        ops.iter().map(|op| (Status::OK, Property::empty(op.name().clone()))),
    ));
    Ok(multistatus_response(&ms))
}

fn virtual_view(href: String, name: &str, request: &Propfind) -> DavResponse {
    let props = |with_values: bool| -> Vec<Property> {
        vec![
            Property::new(
                names::RESOURCETYPE,
                if with_values {
                    PropertyValue::ResourceType(vec![names::COLLECTION])
                } else {
                    PropertyValue::Empty
                },
            ),
            Property::new(
                names::DISPLAYNAME,
                if with_values {
                    PropertyValue::Text(name.into())
                } else {
                    PropertyValue::Empty
                },
            ),
        ]
    };
    match request {
        Propfind::AllProp { .. } => DavResponse::propstats(href, vec![PropStat::new(Status::OK, props(true))]),
        Propfind::PropName => DavResponse::propstats(href, vec![PropStat::new(Status::OK, props(false))]),
        Propfind::Prop(wanted) => DavResponse::grouped(
            href,
            wanted
                .iter()
                .map(|n| match props(true).into_iter().find(|p| p.name == *n) {
                    Some(p) => (Status::OK, p),
                    None => (Status::NOT_FOUND, Property::empty(n.clone())),
                }),
        ),
    }
}

/// `/docs/`, `/docs/users/`, `/docs/departments/`: read-only listings.
pub async fn virtual_dir(
    dav: &Dav<'_>,
    dir: VirtualDir,
    method: &Method,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    match method.as_str() {
        "OPTIONS" => Ok(options_response(ALLOW_VIRTUAL)),
        "PROPFIND" => {
            let depth = propfind_depth(headers)?;
            let request = read_propfind(body, dav.ctx.app.config.server.max_request_bytes).await?;
            let title = dir
                .href()
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("docs")
                .to_owned();
            let mut ms = Multistatus::new();
            ms.push(virtual_view(dir.href().to_owned(), &title, &request));
            if depth == Depth::One {
                for entry in dav.docs.virtual_children(dir).await? {
                    ms.push(virtual_view(entry.href, &entry.name, &request));
                }
            }
            Ok(multistatus_response(&ms))
        }
        "GET" | "HEAD" => {
            let mut html = format!(
                "<!doctype html><html lang=en><meta charset=utf-8><title>{0}</title><h1>{0}</h1><ul>",
                dir.href()
            );
            for entry in dav.docs.virtual_children(dir).await? {
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}/</a></li>",
                    crate::edge::escape_html(&entry.href),
                    crate::edge::escape_html(&entry.name)
                ));
            }
            html.push_str("</ul></html>");
            let mut resp = Response::new(if *method == Method::HEAD {
                crate::edge::body::empty()
            } else {
                full(html)
            });
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            Ok(resp)
        }
        _ => Err(AppError::MethodNotAllowed { allow: ALLOW_VIRTUAL }),
    }
}
