//! PROPFIND and PROPPATCH (RFC 4918 §9.1, §9.2) on library nodes, and the read-only
//! virtual folders `/docs/`, `/docs/users/`, `/docs/departments/`.
//!
//! Listings are built from one query for the children and one for all their dead
//! properties, so a Depth-1 PROPFIND costs a constant number of queries. `Depth: infinity`
//! is refused with `DAV:propfind-finite-depth` (§9.1); a missing Depth header is treated as 1.
//! Quota properties (RFC 4331) are live on personal drives, only when asked for by name.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dav::names;
use dav::{
    ActiveLock, Depth, LockScope, Multistatus, NS_DAV, NS_MS, Precondition, PropPatchOp, PropStat, PropValue, Property,
    PropertyValue, Propfind, QName, Response as DavResponse, Status, Timeout, parse_proppatch,
};
use http::{HeaderMap, HeaderValue, Method, Response, header};
use hyper::body::Incoming;

use crate::authz::Action;
use crate::http::body::{Body, full, read_limited};
use crate::http::dav_util::{multistatus_response, propfind_depth, read_propfind};
use crate::http::error::AppError;
use crate::store::{AccessLevel, DeadProp, DocLock, DocNode, Principal, PropChange};

use super::conditions::{Scope, check_write, lock_root_href};
use super::locate::{DocTarget, Target, VirtualDir, load_node, resolve};
use super::read::quoted;
use super::{ALLOW_VIRTUAL, Dav, access, options_response};

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
        root: lock_root_href(&lock.path),
        depth: if lock.is_deep() { Depth::Infinity } else { Depth::Zero },
        scope: if lock.is_exclusive() {
            LockScope::Exclusive
        } else {
            LockScope::Shared
        },
        owner: lock.owner_xml.clone().map(|xml| PropValue::from_stored(xml, None)),
        timeout: Timeout::Seconds(u64::try_from(lock.expires_at - crate::store::now()).unwrap_or(0)),
    }
}

/// What is known about one node when rendering its properties.
struct NodeView<'a> {
    node: &'a DocNode,
    dead: &'a [DeadProp],
    locks: Vec<&'a DocLock>,
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
                locks: self.locks.iter().map(|l| active_lock(l)).collect(),
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
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    access::require(dav.store(), principal, target, Action::Read).await?;
    let depth = propfind_depth(headers)?;
    let request = read_propfind(body, dav.ctx.app.config.server.max_request_bytes).await?;
    let node = load_node(dav.store(), target).await?.ok_or(AppError::NotFound)?;
    let store = dav.store();
    let quota = if wants_quota(&request) && node.is_collection() && target.drive_owner().is_some() {
        let used = store.doc_used_bytes(&target.root).await?;
        let quota = i64::try_from(dav.ctx.app.config.documents.quota_bytes).unwrap_or(i64::MAX);
        Some((used, (quota - used).max(0)))
    } else {
        None
    };
    let no_lockroot = omit_lockroot(headers);
    let compact = compact_allprop(headers);
    let own_dead = store.doc_props(node.id).await?;
    let covering = store.doc_locks_covering(&target.path).await?;
    let mut ms = Multistatus::new();
    let view = NodeView {
        node: &node,
        dead: &own_dead,
        locks: covering.iter().collect(),
        quota,
    };
    ms.push(view.response(target.href(node.is_collection()), &request, no_lockroot, compact));
    if depth == Depth::One && node.is_collection() {
        let children = store.doc_children(&target.path).await?;
        let mut dead_by_node: HashMap<i64, Vec<DeadProp>> = HashMap::new();
        for (node_id, prop) in store.doc_props_of_children(&target.path).await? {
            dead_by_node.entry(node_id).or_default().push(prop);
        }
        let below = store.doc_locks_below(&target.path).await?;
        let inherited: Vec<&DocLock> = covering.iter().filter(|l| l.is_deep()).collect();
        let mut segments = target.segments.clone();
        for child in &children {
            segments.push(child.name.clone());
            let mut locks = inherited.clone();
            locks.extend(below.iter().filter(|l| l.path == child.path));
            let dead = dead_by_node.get(&child.id).map(Vec::as_slice).unwrap_or(&[]);
            let view = NodeView {
                node: child,
                dead,
                locks,
                quota: None,
            };
            let href = format!(
                "{}{}",
                super::locate::PREFIX,
                dav::path::encode_href(&segments, child.is_collection())
            );
            ms.push(view.response(href, &request, no_lockroot, compact));
            segments.pop();
        }
    }
    Ok(multistatus_response(&ms))
}

/// PROPPATCH: all instructions succeed or none is applied (§9.2).
pub async fn proppatch(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    access::require(dav.store(), principal, target, Action::Write).await?;
    let bytes = read_limited(body, dav.ctx.app.config.server.max_request_bytes).await?;
    let ops = parse_proppatch(&bytes).map_err(|e| AppError::BadRequest(format!("PROPPATCH body: {e}")))?;
    let node = load_node(dav.store(), target).await?.ok_or(AppError::NotFound)?;
    // Windows and Office set their Win32 timestamps without the lock token; letting only
    // those through keeps a locked document's content and other properties protected.
    let only_win32 = !ops.is_empty() && ops.iter().all(|op| op.name().ns == NS_MS);
    if !only_win32 {
        check_write(dav.store(), principal, headers, target, Scope::Resource).await?;
    }
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
        .map(|op| match op {
            PropPatchOp::Set { name, value } => {
                if name.is(NS_MS, WIN32_LAST_MODIFIED)
                    && let Some(t) = value.as_text().and_then(|t| httpdate::parse_http_date(t.trim()).ok())
                {
                    modified_at = t
                        .duration_since(UNIX_EPOCH)
                        .ok()
                        .and_then(|d| i64::try_from(d.as_secs()).ok());
                }
                PropChange::from(op)
            }
            PropPatchOp::Remove { .. } => PropChange::from(op),
        })
        .collect();
    dav.store().doc_proppatch(node.id, &changes, modified_at).await?;
    let mut ms = Multistatus::new();
    ms.push(DavResponse::grouped(
        href,
        ops.iter().map(|op| (Status::OK, Property::empty(op.name().clone()))),
    ));
    Ok(multistatus_response(&ms))
}

/// The library roots a virtual folder lists, as (href, display name), filtered to those
/// the principal may read.
async fn virtual_children(
    dav: &Dav<'_>,
    principal: &Principal,
    dir: VirtualDir,
) -> Result<Vec<(String, String)>, AppError> {
    let candidates: Vec<Vec<String>> = match dir {
        VirtualDir::Root => vec![vec!["shared".into()], vec!["departments".into()], vec!["users".into()]],
        VirtualDir::Users => {
            let mut logins: Vec<String> = dav
                .store()
                .doc_granted_roots(principal.id, "users/")
                .await?
                .into_iter()
                .filter_map(|p| {
                    p.strip_prefix("users/")
                        .and_then(|r| r.split('/').next())
                        .map(str::to_owned)
                })
                .collect();
            logins.push(principal.login.clone());
            logins.sort();
            logins.dedup();
            logins.into_iter().map(|l| vec!["users".into(), l]).collect()
        }
        VirtualDir::Departments => dav
            .store()
            .department_slugs()
            .await?
            .into_iter()
            .map(|s| vec!["departments".into(), s])
            .collect(),
    };
    let mut out = Vec::new();
    for segments in candidates {
        let name = segments.last().cloned().unwrap_or_default();
        let href = format!("{}{}", super::locate::PREFIX, dav::path::encode_href(&segments, true));
        match resolve(dav.store(), segments).await? {
            Target::Virtual(_) => out.push((href, name)),
            Target::Doc(doc) => {
                // Any access to the root, or a grant somewhere inside it, makes it listable.
                let readable = access::level(dav.store(), principal, &doc)
                    .await?
                    .is_some_and(|l| l >= AccessLevel::Read)
                    || !dav
                        .store()
                        .doc_granted_roots(principal.id, &format!("{}/", doc.root))
                        .await?
                        .is_empty();
                if readable {
                    out.push((href, name));
                }
            }
        }
    }
    Ok(out)
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
    principal: &Principal,
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
                for (href, name) in virtual_children(dav, principal, dir).await? {
                    ms.push(virtual_view(href, &name, &request));
                }
            }
            Ok(multistatus_response(&ms))
        }
        "GET" | "HEAD" => {
            let mut html = format!(
                "<!doctype html><html lang=en><meta charset=utf-8><title>{0}</title><h1>{0}</h1><ul>",
                dir.href()
            );
            for (href, name) in virtual_children(dav, principal, dir).await? {
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}/</a></li>",
                    crate::http::escape_html(&href),
                    crate::http::escape_html(&name)
                ));
            }
            html.push_str("</ul></html>");
            let mut resp = Response::new(if *method == Method::HEAD {
                crate::http::body::empty()
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
