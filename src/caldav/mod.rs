//! CalDAV (RFC 4791) under `/dav/`: discovery from the server root, principals, calendar
//! homes with a default calendar and task list, calendar collections and their objects,
//! and the REPORTs clients sync with (calendar-query, calendar-multiget, free-busy-query,
//! sync-collection).
//!
//! Submodules: `paths` (URL space), `discovery` (principal and home properties),
//! `collection` (calendar properties, MKCALENDAR, PROPPATCH), `objects` (GET/PUT/DELETE of
//! iCalendar objects), `reports`. iCalendar and CalDAV XML rules live in `protocols/caldav`.

mod collection;
mod discovery;
pub mod feed;
mod objects;
mod paths;
mod reports;

use dav::{Depth, Multistatus, Propfind};
use http::{HeaderMap, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::authz::{Action, CalendarFacts, CalendarView, Resource, calendar_view, can};
use crate::http::Ctx;
use crate::http::body::{Body, empty};
use crate::http::dav_util::{answer_propfind, multistatus_response, options_response, propfind_depth, read_propfind};
use crate::http::error::AppError;
use crate::store::{Collection, NewCollection, Principal, Store};

pub use collection::{NS_CALSERVER, parse_sync_token, sync_token};
pub use paths::{DavPath, principal_href};

/// `current-user-privilege-set` for read-write or read-only access.
pub fn privileges_value(writable: bool) -> dav::PropertyValue {
    discovery::privileges(if writable {
        discovery::READ_WRITE
    } else {
        discovery::READ_ONLY
    })
}

/// `supported-report-set` with these reports.
pub fn reports_value(reports: &[dav::QName]) -> dav::PropertyValue {
    discovery::supported_reports(reports)
}

/// Compliance classes (RFC 4791 §5.1, RFC 5689 §3, RFC 3744 §7.2).
const DAV_CLASSES: &str = "1, 3, access-control, calendar-access, extended-mkcol";
const ALLOW_ROOT: &str = "OPTIONS, PROPFIND";
const ALLOW_HOME: &str = "OPTIONS, PROPFIND, MKCALENDAR, MKCOL";
const ALLOW_CALENDAR: &str = "OPTIONS, PROPFIND, PROPPATCH, DELETE, REPORT";
const ALLOW_OBJECT: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND";

/// The default collections every user gets on first access: (slug, display name, components).
const DEFAULT_COLLECTIONS: [(&str, &str, &str); 2] = [("calendar", "Calendar", "VEVENT"), ("tasks", "Tasks", "VTODO")];

/// Per-request handle on what the CalDAV handlers share.
pub struct Cal<'a> {
    pub ctx: &'a Ctx,
    pub me: &'a Principal,
}

impl Cal<'_> {
    pub fn store(&self) -> &Store {
        &self.ctx.app.store
    }

    fn body_limit(&self) -> u64 {
        self.ctx.app.config.server.max_request_bytes
    }

    /// The owner of a calendar home, with the caller's access checked: 404 for unknown
    /// owners, 403 without the right.
    async fn home_owner(&self, login: &str, action: Action) -> Result<Principal, AppError> {
        let owner = self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.active)
            .ok_or(AppError::NotFound)?;
        if !can(self.me, action, Resource::CalendarHome { owner: &owner }) {
            return Err(AppError::Forbidden);
        }
        if owner.id == self.me.id {
            self.ensure_defaults(&owner).await?;
        }
        Ok(owner)
    }

    /// Creates the default calendar and task list the first time a user's home is used.
    async fn ensure_defaults(&self, owner: &Principal) -> Result<(), AppError> {
        let key = format!("calendars/{}", owner.id);
        if self
            .ctx
            .app
            .known_doc_roots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&key)
        {
            return Ok(());
        }
        if self.store().collections_of(owner.id, "calendar").await?.is_empty() {
            for (slug, name, components) in DEFAULT_COLLECTIONS {
                let new = NewCollection {
                    owner_id: owner.id,
                    kind: "calendar",
                    slug,
                    displayname: Some(name),
                    description: None,
                    color: None,
                    timezone: None,
                    components,
                };
                match self.store().create_collection(&new).await {
                    Ok(_) | Err(crate::store::StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        self.ctx
            .app
            .known_doc_roots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key);
        Ok(())
    }

    /// How much of a calendar the caller sees (mode, grants, ownership).
    async fn view_of(&self, coll: &Collection) -> Result<CalendarView, AppError> {
        if coll.owner_id == self.me.id {
            return Ok(CalendarView::Owner);
        }
        let grants = self.store().collection_grants(coll.id).await?;
        let memberships = self.store().memberships(self.me.id).await?;
        let facts = CalendarFacts {
            owner_id: coll.owner_id,
            visibility: &coll.visibility,
            grants: &grants,
            memberships: &memberships,
        };
        Ok(calendar_view(self.me, &facts))
    }

    /// A calendar of `login` with the caller's access checked (403 without it), and how
    /// much of it they see.
    async fn calendar(
        &self,
        login: &str,
        slug: &str,
        action: Action,
    ) -> Result<(Principal, Collection, CalendarView), AppError> {
        let owner = self.home_owner(login, Action::Read).await?;
        let coll = self
            .store()
            .collection(owner.id, "calendar", slug)
            .await?
            .ok_or(AppError::NotFound)?;
        let view = self.view_of(&coll).await?;
        let facts_allow = match action {
            Action::Read => view >= CalendarView::BusyOnly,
            Action::Write => view >= CalendarView::Write,
            Action::Manage => view == CalendarView::Owner,
        };
        if !facts_allow {
            return Err(AppError::Forbidden);
        }
        Ok((owner, coll, view))
    }
}

fn status(code: StatusCode) -> Response<Body> {
    let mut resp = Response::new(empty());
    *resp.status_mut() = code;
    resp
}

/// PROPFIND on `/`: what a client needs to find its principal (RFC 5397).
pub async fn server_root_propfind(
    ctx: &Ctx,
    me: &Principal,
    req: Request<Incoming>,
) -> Result<Response<Body>, AppError> {
    let (parts, body) = req.into_parts();
    propfind_depth(&parts.headers)?;
    let request = read_propfind(body, ctx.app.config.server.max_request_bytes).await?;
    let mut ms = Multistatus::new();
    ms.push(answer_propfind(
        "/".into(),
        &request,
        discovery::COLLECTION_ALLPROP,
        |n| discovery::plain_collection_value(me, "Portico", None, n),
    ));
    Ok(multistatus_response(&ms))
}

pub async fn handle(ctx: &Ctx, me: &Principal, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    if !can(me, Action::Read, Resource::DavRoot) {
        return Err(AppError::Forbidden);
    }
    let cal = Cal { ctx, me };
    let below = req.uri().path().strip_prefix(paths::DAV_PREFIX).unwrap_or("");
    let path = DavPath::parse(below)?;
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let headers = &parts.headers;
    match (&path, method.as_str()) {
        (
            DavPath::Root | DavPath::PrincipalCollection | DavPath::CalendarRoot | DavPath::Principal { .. },
            "OPTIONS",
        ) => Ok(options_response(DAV_CLASSES, ALLOW_ROOT)),
        (DavPath::CalendarHome { .. }, "OPTIONS") => Ok(options_response(DAV_CLASSES, ALLOW_HOME)),
        (DavPath::Calendar { .. }, "OPTIONS") => Ok(options_response(DAV_CLASSES, ALLOW_CALENDAR)),
        (DavPath::CalendarObject { .. }, "OPTIONS") => Ok(options_response(DAV_CLASSES, ALLOW_OBJECT)),
        (_, "PROPFIND") => propfind(&cal, &path, headers, body).await,
        (DavPath::Calendar { login, slug }, "MKCALENDAR" | "MKCOL") => {
            objects::make_calendar(&cal, login, slug, method == "MKCALENDAR", body).await
        }
        (DavPath::Calendar { login, slug }, "PROPPATCH") => objects::proppatch_calendar(&cal, login, slug, body).await,
        (DavPath::Calendar { login, slug }, "DELETE") => {
            let (_, coll, _) = cal.calendar(login, slug, Action::Manage).await?;
            cal.store().delete_collection(coll.id).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (DavPath::Calendar { login, slug }, "REPORT") => reports::report(&cal, login, slug, body).await,
        (DavPath::CalendarObject { login, slug, name }, "GET" | "HEAD") => {
            objects::get(&cal, login, slug, name, parts.method == http::Method::HEAD).await
        }
        (DavPath::CalendarObject { login, slug, name }, "PUT") => {
            objects::put(&cal, login, slug, name, headers, body).await
        }
        (DavPath::CalendarObject { login, slug, name }, "DELETE") => {
            objects::delete(&cal, login, slug, name, headers).await
        }
        (DavPath::CalendarHome { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_HOME }),
        (DavPath::Calendar { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_CALENDAR }),
        (DavPath::CalendarObject { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_OBJECT }),
        _ => Err(AppError::MethodNotAllowed { allow: ALLOW_ROOT }),
    }
}

async fn propfind(
    cal: &Cal<'_>,
    path: &DavPath,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let depth = propfind_depth(headers)?;
    let request = read_propfind(body, cal.body_limit()).await?;
    let me = cal.me;
    let mut ms = Multistatus::new();
    match path {
        DavPath::Root => {
            ms.push(answer_propfind(
                paths::root_href(),
                &request,
                discovery::COLLECTION_ALLPROP,
                |n| discovery::plain_collection_value(me, "Portico", None, n),
            ));
            if depth == Depth::One {
                ms.push(answer_propfind(
                    paths::principals_href(),
                    &request,
                    discovery::COLLECTION_ALLPROP,
                    |n| discovery::plain_collection_value(me, "Principals", None, n),
                ));
                ms.push(answer_propfind(
                    paths::calendar_home_href(&me.login),
                    &request,
                    discovery::COLLECTION_ALLPROP,
                    |n| discovery::plain_collection_value(me, "Calendars", Some(&me.login), n),
                ));
            }
        }
        DavPath::PrincipalCollection | DavPath::CalendarRoot => {
            let href = if *path == DavPath::CalendarRoot {
                "/dav/calendars/".to_owned()
            } else {
                paths::principals_href()
            };
            ms.push(answer_propfind(href, &request, discovery::COLLECTION_ALLPROP, |n| {
                discovery::plain_collection_value(me, "Principals", None, n)
            }));
            if depth == Depth::One && *path == DavPath::PrincipalCollection {
                ms.push(answer_propfind(
                    paths::principal_href(&me.login),
                    &request,
                    discovery::PRINCIPAL_ALLPROP,
                    |n| discovery::principal_value(me, me, n),
                ));
            }
        }
        DavPath::Principal { login } => {
            let who = cal
                .store()
                .principal_by_login(login)
                .await?
                .filter(|p| p.active)
                .ok_or(AppError::NotFound)?;
            ms.push(answer_propfind(
                paths::principal_href(&who.login),
                &request,
                discovery::PRINCIPAL_ALLPROP,
                |n| discovery::principal_value(me, &who, n),
            ));
        }
        DavPath::CalendarHome { login } => {
            let owner = cal.home_owner(login, Action::Read).await?;
            ms.push(answer_propfind(
                paths::calendar_home_href(&owner.login),
                &request,
                discovery::COLLECTION_ALLPROP,
                |n| discovery::plain_collection_value(me, &owner.display_name, Some(&owner.login), n),
            ));
            if depth == Depth::One {
                for coll in cal.store().collections_of(owner.id, "calendar").await? {
                    if cal.view_of(&coll).await? == CalendarView::None {
                        continue;
                    }
                    let dead = cal.store().collection_props(coll.id).await?;
                    ms.push(answer_propfind(
                        paths::calendar_href(&owner.login, &coll.slug),
                        &request,
                        collection::CALENDAR_ALLPROP,
                        |n| collection::calendar_value(me, &owner.login, &coll, &dead, n),
                    ));
                }
            }
        }
        DavPath::Calendar { login, slug } => {
            let (owner, coll, view) = cal.calendar(login, slug, Action::Read).await?;
            let dead = cal.store().collection_props(coll.id).await?;
            ms.push(answer_propfind(
                paths::calendar_href(&owner.login, &coll.slug),
                &request,
                collection::CALENDAR_ALLPROP,
                |n| collection::calendar_value(me, &owner.login, &coll, &dead, n),
            ));
            if depth == Depth::One {
                objects::list_objects(cal, &owner, &coll, view, &request, &mut ms).await?;
            }
        }
        DavPath::CalendarObject { login, slug, name } => {
            let (owner, coll, view) = cal.calendar(login, slug, Action::Read).await?;
            let item = cal.store().item(coll.id, name).await?.ok_or(AppError::NotFound)?;
            let data = objects::visible_data(view, &item.data)?;
            ms.push(objects::object_response(&owner, &coll, &item, &request, Some(&data)));
        }
    }
    Ok(multistatus_response(&ms))
}

/// Whether a PROPFIND needs object bodies (only when it asks for calendar-data).
pub fn wants_calendar_data(request: &Propfind) -> bool {
    matches!(request, Propfind::Prop(names) if names.contains(&objects::CALENDAR_DATA))
}
