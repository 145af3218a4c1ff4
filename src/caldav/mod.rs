//! CalDAV (RFC 4791) under `/dav/`: discovery from the server root, principals, calendar
//! homes with a default calendar and task list, calendar collections and their objects,
//! and the REPORTs clients sync with (calendar-query, calendar-multiget, free-busy-query,
//! sync-collection).
//!
//! Submodules: `paths` (URL space), `discovery` (principal and home properties),
//! `collection` (calendar properties, MKCALENDAR, PROPPATCH), `objects` (GET/PUT/DELETE of
//! iCalendar objects), `reports`. iCalendar and CalDAV XML rules live in `protocols/caldav`.

mod acl;
mod collection;
mod discovery;
pub mod feed;
mod objects;
mod paths;
mod reports;

use dav::{Depth, Multistatus, Propfind};
use http::{HeaderMap, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::authz::{Action, CalendarFacts, CalendarOwner, CalendarView, Resource, calendar_view, can};
use crate::http::Ctx;
use crate::http::body::{Body, status};
use crate::http::dav_util::{answer_propfind, multistatus_response, options_response, propfind_depth, read_propfind};
use crate::http::error::AppError;
use crate::store::{Collection, Memberships, NewCollection, Principal, PrincipalKind, Store, Team};

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
const ALLOW_CALENDAR: &str = "OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, DELETE, REPORT";
const ALLOW_OBJECT: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND";

/// The default collections every user gets on first access: (slug, display name, components).
const DEFAULT_COLLECTIONS: [(&str, &str, &str); 2] = [("calendar", "Calendar", "VEVENT"), ("tasks", "Tasks", "VTODO")];

/// Per-request handle on what the CalDAV handlers share.
pub struct Cal<'a> {
    pub ctx: &'a Ctx,
    pub me: &'a Principal,
    /// The caller's department and groups, read once per request.
    memberships: tokio::sync::OnceCell<Memberships>,
}

/// How a calendar is reached through someone's home other than its owner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// A colleague's calendar the home's owner keeps among their favourites.
    Favorite,
    /// A calendar of the company, the owner's department or one of their workgroups.
    Team,
}

/// A calendar as a request addressed it: the calendar and its owner, how much of it the
/// caller sees, and the URL it was reached by — its own, or `{owner}~{slug}` in the
/// caller's home, so that hrefs in answers stay below the URL the client used.
#[derive(Clone)]
pub struct CalRef {
    pub owner: Principal,
    /// What kind of owner it is, for the calendar rule and the ACL.
    pub owner_kind: CalendarOwner,
    pub coll: Collection,
    pub view: CalendarView,
    home_login: String,
    segment: String,
    pub binding: Option<Binding>,
}

impl CalRef {
    pub fn href(&self) -> String {
        paths::calendar_href(&self.home_login, &self.segment)
    }

    pub fn object_href(&self, name: &str) -> String {
        paths::object_href(&self.home_login, &self.segment, name)
    }

    /// The calendar's own URL (in its owner's home).
    pub fn canonical_href(&self) -> String {
        paths::calendar_href(&self.owner.login, &self.coll.slug)
    }

    /// Whether `(login, segment)` names this calendar as addressed.
    pub fn is_addressed_as(&self, login: &str, segment: &str) -> bool {
        self.home_login == login && self.segment == segment
    }
}

/// The segment that names a bound calendar in a home: `{owner login}~{slug}`.
pub fn binding_segment(owner_login: &str, slug: &str) -> String {
    format!("{owner_login}~{slug}")
}

/// Where a favourite or team calendar shows in `home_login`'s home.
pub fn bound_calendar_href(home_login: &str, owner_login: &str, slug: &str) -> String {
    paths::calendar_href(home_login, &binding_segment(owner_login, slug))
}

/// A calendar the caller may at least see as free/busy (404 unknown, 403 hidden), by its
/// owner's login and slug; for APIs outside `/dav/`.
pub async fn calendar_for(ctx: &Ctx, me: &Principal, login: &str, slug: &str) -> Result<CalRef, AppError> {
    if slug.contains('~') {
        return Err(AppError::NotFound);
    }
    Cal::new(ctx, me).calendar(login, slug, Action::Read).await
}

impl<'a> Cal<'a> {
    pub fn new(ctx: &'a Ctx, me: &'a Principal) -> Cal<'a> {
        Cal {
            ctx,
            me,
            memberships: tokio::sync::OnceCell::new(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.ctx.app.store
    }

    fn body_limit(&self) -> u64 {
        self.ctx.app.config.server.max_request_bytes
    }

    async fn memberships(&self) -> Result<&Memberships, AppError> {
        Ok(self
            .memberships
            .get_or_try_init(|| self.store().memberships(self.me.id))
            .await?)
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

    /// What kind of owner a calendar has, for the calendar rule.
    async fn owner_kind(&self, owner: &Principal) -> Result<CalendarOwner, AppError> {
        Ok(match (owner.kind, owner.team) {
            (_, Some(Team::Company)) => CalendarOwner::Company,
            (_, Some(Team::Department(id))) => CalendarOwner::Department {
                id,
                head_id: self.store().department_head(id).await?,
            },
            (PrincipalKind::Group, None) => CalendarOwner::Workgroup,
            _ => CalendarOwner::Person,
        })
    }

    /// How much of a calendar the caller sees (ownership, team, grants, mode).
    async fn view_of(&self, owner_kind: CalendarOwner, coll: &Collection) -> Result<CalendarView, AppError> {
        if coll.owner_id == self.me.id {
            return Ok(CalendarView::Owner);
        }
        let grants = self.store().collection_grants(coll.id).await?;
        let facts = CalendarFacts {
            owner_id: coll.owner_id,
            owner: owner_kind,
            visibility: &coll.visibility,
            grants: &grants,
            memberships: self.memberships().await?,
        };
        Ok(calendar_view(self.me, &facts))
    }

    /// A calendar addressed as `/dav/calendars/{login}/{segment}/`, with the caller's access
    /// checked (403 without it) and how much of it they see. A segment `{owner}~{slug}` in
    /// the caller's own home is a favourite or team calendar bound there.
    async fn calendar(&self, login: &str, segment: &str, action: Action) -> Result<CalRef, AppError> {
        let (owner, owner_kind, coll, binding) = match segment.split_once('~') {
            Some((owner_login, slug)) => {
                if login != self.me.login {
                    return Err(AppError::NotFound);
                }
                let owner = self
                    .store()
                    .principal_by_login(owner_login)
                    .await?
                    .filter(|p| p.active && p.id != self.me.id)
                    .ok_or(AppError::NotFound)?;
                let coll = self
                    .store()
                    .collection(owner.id, "calendar", slug)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let kind = self.owner_kind(&owner).await?;
                let binding = if kind.has_member(owner.id, self.memberships().await?) {
                    Binding::Team
                } else if self.store().is_favorite(self.me.id, coll.id).await? {
                    Binding::Favorite
                } else {
                    return Err(AppError::NotFound);
                };
                (owner, kind, coll, Some(binding))
            }
            None => {
                let owner = self.home_owner(login, Action::Read).await?;
                let coll = self
                    .store()
                    .collection(owner.id, "calendar", segment)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let kind = self.owner_kind(&owner).await?;
                (owner, kind, coll, None)
            }
        };
        let view = self.view_of(owner_kind, &coll).await?;
        let allowed = match action {
            Action::Read => view >= CalendarView::BusyOnly,
            Action::Write => view >= CalendarView::Write,
            Action::Manage => view == CalendarView::Owner,
        };
        if !allowed {
            return Err(AppError::Forbidden);
        }
        Ok(CalRef {
            owner,
            owner_kind,
            coll,
            view,
            home_login: login.to_owned(),
            segment: segment.to_owned(),
            binding,
        })
    }

    /// The calendars bound in the caller's home (team calendars first, then favourites),
    /// each once, leaving out those the caller may no longer see.
    async fn bound_calendars(&self) -> Result<Vec<CalRef>, AppError> {
        let teams = self.store().team_calendars(self.me.id).await?;
        let favorites = self.store().favorites(self.me.id).await?;
        let mut out: Vec<CalRef> = Vec::new();
        let tagged = teams
            .into_iter()
            .map(|t| (t, Binding::Team))
            .chain(favorites.into_iter().map(|f| (f, Binding::Favorite)));
        for ((owner, coll), binding) in tagged {
            if owner.id == self.me.id || out.iter().any(|c| c.coll.id == coll.id) {
                continue;
            }
            let owner_kind = self.owner_kind(&owner).await?;
            let view = self.view_of(owner_kind, &coll).await?;
            if view == CalendarView::None {
                continue;
            }
            out.push(CalRef {
                segment: binding_segment(&owner.login, &coll.slug),
                home_login: self.me.login.clone(),
                owner,
                owner_kind,
                coll,
                view,
                binding: Some(binding),
            });
        }
        Ok(out)
    }
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
    let cal = Cal::new(ctx, me);
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
        (DavPath::Calendar { login, slug }, "PROPPATCH") => {
            let c = cal.calendar(login, slug, Action::Read).await?;
            match c.binding {
                // Through a binding, properties are the caller's own (colour, order, name).
                Some(_) => objects::proppatch_binding(&cal, &c, body).await,
                None if c.view == CalendarView::Owner => objects::proppatch_calendar(&cal, &c, body).await,
                None => Err(AppError::Forbidden),
            }
        }
        (DavPath::Calendar { login, slug }, "DELETE") => delete_calendar(&cal, login, slug).await,
        (DavPath::Calendar { login, slug }, "REPORT") => {
            let c = cal.calendar(login, slug, Action::Read).await?;
            reports::report(&cal, &c, body).await
        }
        (DavPath::Calendar { login, slug }, "GET" | "HEAD") => {
            let c = cal.calendar(login, slug, Action::Read).await?;
            objects::export(&cal, &c, parts.method == http::Method::HEAD).await
        }
        (DavPath::CalendarObject { login, slug, name }, "GET" | "HEAD") => {
            let c = cal.calendar(login, slug, Action::Read).await?;
            objects::get(&cal, &c, name, parts.method == http::Method::HEAD).await
        }
        (DavPath::CalendarObject { login, slug, name }, "PUT") => {
            let c = cal.calendar(login, slug, Action::Write).await?;
            objects::put(&cal, &c, name, headers, body).await
        }
        (DavPath::CalendarObject { login, slug, name }, "DELETE") => {
            let c = cal.calendar(login, slug, Action::Write).await?;
            objects::delete(&cal, &c, name, headers).await
        }
        (DavPath::CalendarHome { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_HOME }),
        (DavPath::Calendar { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_CALENDAR }),
        (DavPath::CalendarObject { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_OBJECT }),
        _ => Err(AppError::MethodNotAllowed { allow: ALLOW_ROOT }),
    }
}

/// DELETE of a calendar: its owner deletes it; through a favourite binding it leaves the
/// caller's favourites (Apple's "unsubscribe"); team calendars follow membership.
async fn delete_calendar(cal: &Cal<'_>, login: &str, slug: &str) -> Result<Response<Body>, AppError> {
    let c = cal.calendar(login, slug, Action::Read).await?;
    match c.binding {
        Some(Binding::Favorite) => {
            cal.store().remove_favorite(cal.me.id, c.coll.id).await?;
        }
        Some(Binding::Team) => {
            return Err(AppError::Dav {
                status: StatusCode::FORBIDDEN,
                reason: "a team calendar shows in the home of every member; it cannot be removed from it".into(),
                condition: None,
            });
        }
        None if c.view == CalendarView::Owner => cal.store().delete_collection(c.coll.id).await?,
        None => return Err(AppError::Forbidden),
    }
    Ok(status(StatusCode::NO_CONTENT))
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
                let mut listed = Vec::new();
                let owner_kind = cal.owner_kind(&owner).await?;
                for coll in cal.store().collections_of(owner.id, "calendar").await? {
                    let view = cal.view_of(owner_kind, &coll).await?;
                    if view == CalendarView::None {
                        continue;
                    }
                    listed.push(CalRef {
                        home_login: owner.login.clone(),
                        segment: coll.slug.clone(),
                        owner: owner.clone(),
                        owner_kind,
                        coll,
                        view,
                        binding: None,
                    });
                }
                if owner.id == me.id {
                    listed.extend(cal.bound_calendars().await?);
                }
                for c in &listed {
                    ms.push(calendar_response(cal, c, &request).await?);
                }
            }
        }
        DavPath::Calendar { login, slug } => {
            let c = cal.calendar(login, slug, Action::Read).await?;
            ms.push(calendar_response(cal, &c, &request).await?);
            if depth == Depth::One {
                objects::list_objects(cal, &c, &request, &mut ms).await?;
            }
        }
        DavPath::CalendarObject { login, slug, name } => {
            let c = cal.calendar(login, slug, Action::Read).await?;
            let item = cal.store().item(c.coll.id, name).await?.ok_or(AppError::NotFound)?;
            let data = objects::visible_data(c.view, &item.data)?;
            ms.push(objects::object_response(&c, &item, &request, Some(&data)));
        }
    }
    Ok(multistatus_response(&ms))
}

/// A calendar's PROPFIND answer; its `acl` is read only when asked for (RFC 3744 §5.5).
async fn calendar_response(cal: &Cal<'_>, c: &CalRef, request: &Propfind) -> Result<dav::Response, AppError> {
    let dead = cal.store().collection_props(c.coll.id).await?;
    let own = match c.binding {
        Some(_) => cal.store().binding_props(cal.me.id, c.coll.id).await?,
        None => Vec::new(),
    };
    let acl = match request {
        Propfind::Prop(names) if names.contains(&acl::ACL) && c.view == CalendarView::Owner => {
            Some(acl::calendar_acl(cal.store(), c).await?)
        }
        _ => None,
    };
    Ok(answer_propfind(c.href(), request, collection::CALENDAR_ALLPROP, |n| {
        if *n == acl::ACL {
            return acl.clone();
        }
        if let Some(mine) = own.iter().find(|d| d.ns == n.ns && d.name == n.local) {
            return Some(dav::PropertyValue::Dead(dav::PropValue::from_stored(
                mine.value_xml.clone(),
                mine.lang.clone(),
            )));
        }
        collection::calendar_value(cal.me, c, &dead, n)
    }))
}

/// Whether a PROPFIND needs object bodies (only when it asks for calendar-data).
pub fn wants_calendar_data(request: &Propfind) -> bool {
    matches!(request, Propfind::Prop(names) if names.contains(&objects::CALENDAR_DATA))
}
