//! CalDAV (RFC 4791) under `/dav/`: discovery from the server root, principals, calendar
//! homes with a default calendar and task list, calendar collections and their objects,
//! and the REPORTs clients sync with (calendar-query, calendar-multiget, free-busy-query,
//! sync-collection).
//!
//! Each method parses its request, asks `crate::core::calendars` and renders the answer:
//! `propfind`, `collection` (calendar properties, MKCALENDAR, PROPPATCH), `objects`
//! (GET/PUT/DELETE of iCalendar objects, export), `reports`, `acl`, `feed`, `schedule` (the
//! RFC 6638 inbox and outbox). iCalendar and
//! CalDAV XML rules live in `protocols/caldav`.

mod acl;
mod collection;
mod copymove;
pub mod feed;
mod objects;
mod paths;
mod propfind;
mod reports;
mod schedule;

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::core::authz::{Action, Resource, can};
use crate::core::calendars::{CalendarRef, Calendars};
use crate::core::{Actor, ErrorKind};
use crate::dav::common::util::options_response;
use crate::edge::Ctx;
use crate::edge::body::{Body, status};
use crate::edge::error::AppError;

pub use paths::DavPath;
pub use propfind::server_root_propfind;

/// Compliance classes (RFC 4791 §5.1, RFC 5689 §3, RFC 3744 §7.2).
const DAV_CLASSES: &str = "1, 3, access-control, calendar-access, extended-mkcol";
/// With RFC 6638 `calendar-auto-schedule`, claimed when mail to guests outside the company
/// works (`[smtp]` configured): clients such as Thunderbird then leave all invitations to the
/// server. Without it they mail outside guests themselves, and the server still delivers to
/// colleagues and rooms.
const DAV_CLASSES_SCHEDULING: &str = "1, 3, access-control, calendar-access, extended-mkcol, calendar-auto-schedule";
const ALLOW_ROOT: &str = "OPTIONS, PROPFIND, REPORT";
const ALLOW_HOME: &str = "OPTIONS, PROPFIND, MKCALENDAR, MKCOL";
const ALLOW_CALENDAR: &str = "OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, DELETE, REPORT";
const ALLOW_OBJECT: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, COPY, MOVE";
const ALLOW_INBOX: &str = "OPTIONS, PROPFIND";
const ALLOW_MESSAGE: &str = "OPTIONS, GET, HEAD, DELETE, PROPFIND";
const ALLOW_OUTBOX: &str = "OPTIONS, PROPFIND, POST";

/// Per-request handle on what the CalDAV handlers share.
pub struct Cal<'a> {
    pub ctx: &'a Ctx,
    pub actor: &'a Actor,
    pub calendars: Calendars<'a>,
}

impl Cal<'_> {
    fn body_limit(&self) -> u64 {
        self.ctx.app.config.server.max_request_bytes
    }
}

/// The href of a calendar as it was addressed.
pub fn calendar_href(c: &CalendarRef) -> String {
    paths::calendar_href(c.home_login(), c.segment())
}

/// The href of an object of a calendar as it was addressed.
pub fn object_href(c: &CalendarRef, name: &str) -> String {
    paths::object_href(c.home_login(), c.segment(), name)
}

/// Where a favourite or team calendar shows in `home_login`'s home.
pub fn bound_calendar_href(home_login: &str, owner_login: &str, slug: &str) -> String {
    paths::calendar_href(home_login, &crate::core::calendars::binding_segment(owner_login, slug))
}

pub async fn handle(ctx: &Ctx, actor: &Actor, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    if !can(actor.principal(), Action::Read, Resource::DavRoot) {
        return Err(AppError::Forbidden);
    }
    let cal = Cal {
        ctx,
        actor,
        calendars: ctx.app.core.calendars(actor),
    };
    let below = req.uri().path().strip_prefix(paths::DAV_PREFIX).unwrap_or("");
    let path = DavPath::parse(below)?;
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let headers = &parts.headers;
    let head = parts.method == http::Method::HEAD;
    let classes = if ctx.app.core.settings().mail_from.is_some() {
        DAV_CLASSES_SCHEDULING
    } else {
        DAV_CLASSES
    };
    match (&path, method.as_str()) {
        (
            DavPath::Root | DavPath::PrincipalCollection | DavPath::CalendarRoot | DavPath::Principal { .. },
            "OPTIONS",
        ) => Ok(options_response(classes, ALLOW_ROOT)),
        (DavPath::CalendarHome { .. }, "OPTIONS") => Ok(options_response(classes, ALLOW_HOME)),
        (DavPath::Calendar { .. }, "OPTIONS") => Ok(options_response(classes, ALLOW_CALENDAR)),
        (DavPath::CalendarObject { .. }, "OPTIONS") => Ok(options_response(classes, ALLOW_OBJECT)),
        (DavPath::Inbox { .. }, "OPTIONS") => Ok(options_response(classes, ALLOW_INBOX)),
        (DavPath::InboxItem { .. }, "OPTIONS") => Ok(options_response(classes, ALLOW_MESSAGE)),
        (DavPath::Outbox { .. }, "OPTIONS") => Ok(options_response(classes, ALLOW_OUTBOX)),
        (DavPath::InboxItem { login, name }, "GET" | "HEAD") => {
            schedule::get_message(&cal, login, name, headers, head).await
        }
        (DavPath::InboxItem { login, name }, "DELETE") => schedule::delete_message(&cal, login, name, headers).await,
        (DavPath::Outbox { login }, "POST") => schedule::post_outbox(&cal, login, headers, body).await,
        (_, "PROPFIND") => propfind::propfind(&cal, &path, headers, body).await,
        (
            DavPath::Root | DavPath::PrincipalCollection | DavPath::CalendarRoot | DavPath::Principal { .. },
            "REPORT",
        ) => {
            let href = parts.uri.path().to_owned();
            crate::dav::common::principal_search::report(ctx, actor, href, body).await
        }
        (DavPath::Calendar { login, slug }, "MKCALENDAR" | "MKCOL") => {
            let mkcalendar = method == "MKCALENDAR";
            collection::make_calendar(&cal, login, slug, mkcalendar, body)
                .await
                .map_err(|e| match e {
                    // RFC 4791 §5.3.1.1: MKCALENDAR where something exists fails its
                    // precondition (403); MKCOL there is 405 (RFC 4918 §9.3.1).
                    AppError::Domain(e) if e.kind == ErrorKind::NotAllowed && mkcalendar => AppError::Dav {
                        status: StatusCode::FORBIDDEN,
                        reason: e.reason,
                        condition: Some(caldav::conditions::resource_must_be_null()),
                    },
                    AppError::Domain(e) if e.kind == ErrorKind::NotAllowed => {
                        AppError::MethodNotAllowed { allow: ALLOW_CALENDAR }
                    }
                    other => other,
                })
        }
        // RFC 4791 §5.3.1.1 (and §5.3.2 for MKCOL): no collection inside a calendar.
        (DavPath::CalendarObject { login, slug, .. }, "MKCALENDAR" | "MKCOL") => {
            cal.calendars.calendar(login, slug, Action::Read).await?;
            Err(AppError::Dav {
                status: StatusCode::FORBIDDEN,
                reason: "calendars cannot hold collections".into(),
                condition: Some(caldav::conditions::calendar_collection_location_ok()),
            })
        }
        (DavPath::Calendar { login, slug }, "PROPPATCH") => {
            let c = cal.calendars.calendar(login, slug, Action::Read).await?;
            collection::proppatch(&cal, &c, body).await
        }
        (DavPath::Calendar { login, slug }, "DELETE") => {
            let c = cal.calendars.calendar(login, slug, Action::Read).await?;
            cal.calendars.delete_calendar(&c).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (DavPath::Calendar { login, slug }, "REPORT") => {
            let c = cal.calendars.calendar(login, slug, Action::Read).await?;
            reports::report(&cal, &c, body).await
        }
        (DavPath::Calendar { login, slug }, "GET" | "HEAD") => {
            let c = cal.calendars.calendar(login, slug, Action::Read).await?;
            objects::export(&cal, &c, head).await
        }
        (DavPath::CalendarObject { login, slug, name }, "GET" | "HEAD") => {
            let c = cal.calendars.calendar(login, slug, Action::Read).await?;
            objects::get(&cal, &c, name, headers, head).await
        }
        (DavPath::CalendarObject { login, slug, name }, "PUT") => {
            let c = cal.calendars.calendar(login, slug, Action::Write).await?;
            objects::put(&cal, &c, name, headers, body).await
        }
        (DavPath::CalendarObject { login, slug, name }, "COPY" | "MOVE") => {
            let action = if method == "MOVE" { Action::Write } else { Action::Read };
            let c = cal.calendars.calendar(login, slug, action).await?;
            copymove::copy_or_move(&cal, &c, name, headers, method == "MOVE").await
        }
        (DavPath::CalendarObject { login, slug, name }, "DELETE") => {
            let c = cal.calendars.calendar(login, slug, Action::Write).await?;
            objects::delete(&cal, &c, name, headers).await
        }
        (DavPath::CalendarHome { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_HOME }),
        (DavPath::Calendar { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_CALENDAR }),
        (DavPath::CalendarObject { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_OBJECT }),
        (DavPath::Inbox { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_INBOX }),
        (DavPath::InboxItem { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_MESSAGE }),
        (DavPath::Outbox { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_OUTBOX }),
        _ => Err(AppError::MethodNotAllowed { allow: ALLOW_ROOT }),
    }
}
