//! PROPFIND under `/dav/` and on the server root (RFC 4918 §9.1, RFC 4791 §6, RFC 5397):
//! the roots, the principal collection, principals, calendar homes (with the calendars the
//! caller may see, and in their own home the bound team calendars and favourites),
//! calendars with their objects, single objects, and the schedule inbox and outbox.

use dav::{Depth, Multistatus, Propfind};
use http::{HeaderMap, Request, Response};
use hyper::body::Incoming;

use crate::core::Actor;
use crate::core::authz::Action;
use crate::core::calendars::{CalendarRef, CalendarView};
use crate::dav::common::discovery;
use crate::dav::common::util::{answer_propfind, multistatus_response, propfind_depth, read_propfind};
use crate::edge::Ctx;
use crate::edge::body::Body;
use crate::edge::error::AppError;

use super::{Cal, DavPath, acl, calendar_href, collection, objects, paths, schedule};

/// PROPFIND on `/`: what a client needs to find its principal (RFC 5397).
pub async fn server_root_propfind(
    ctx: &Ctx,
    actor: &Actor,
    req: Request<Incoming>,
) -> Result<Response<Body>, AppError> {
    let me = actor.principal();
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

pub async fn propfind(
    cal: &Cal<'_>,
    path: &DavPath,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let depth = propfind_depth(headers)?;
    let request = read_propfind(body, cal.body_limit()).await?;
    let me = cal.actor.principal();
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
            let who = cal.calendars.principal(login).await?;
            ms.push(answer_propfind(
                paths::principal_href(&who.login),
                &request,
                discovery::PRINCIPAL_ALLPROP,
                |n| discovery::principal_value(me, &who, n),
            ));
        }
        DavPath::CalendarHome { login } => {
            let owner = cal.calendars.home(login, Action::Read).await?;
            ms.push(answer_propfind(
                paths::calendar_home_href(&owner.login),
                &request,
                discovery::COLLECTION_ALLPROP,
                |n| discovery::plain_collection_value(me, &owner.display_name, Some(&owner.login), n),
            ));
            if depth == Depth::One {
                for c in &cal.calendars.listed(&owner).await? {
                    ms.push(calendar_response(cal, c, &request).await?);
                }
                schedule::home_members(cal, &owner, &request, &mut ms).await?;
            }
        }
        DavPath::Calendar { login, slug } => {
            let c = cal.calendars.calendar(login, slug, Action::Read).await?;
            ms.push(calendar_response(cal, &c, &request).await?);
            if depth == Depth::One {
                objects::list_objects(cal, &c, &request, &mut ms).await?;
            }
        }
        DavPath::CalendarObject { login, slug, name } => {
            let c = cal.calendars.calendar(login, slug, Action::Read).await?;
            let item = cal.calendars.object(&c, name).await?.ok_or(AppError::NotFound)?;
            ms.push(objects::object_response(&c, &item, &request, None));
        }
        DavPath::Inbox { login } => schedule::propfind_box(cal, login, true, depth, &request, &mut ms).await?,
        DavPath::Outbox { login } => schedule::propfind_box(cal, login, false, depth, &request, &mut ms).await?,
        DavPath::InboxItem { login, name } => schedule::propfind_message(cal, login, name, &request, &mut ms).await?,
    }
    Ok(multistatus_response(&ms))
}

/// A calendar's PROPFIND answer; its `acl` is read only when asked for (RFC 3744 §5.5).
async fn calendar_response(cal: &Cal<'_>, c: &CalendarRef, request: &Propfind) -> Result<dav::Response, AppError> {
    let dead = cal.calendars.properties(c).await?;
    let own = cal.calendars.binding_properties(c).await?;
    let acl = match request {
        Propfind::Prop(names) if names.contains(&acl::ACL) && c.view() == CalendarView::Owner => {
            Some(acl::calendar_acl(&cal.calendars.acl(c).await?, c))
        }
        _ => None,
    };
    Ok(answer_propfind(
        calendar_href(c),
        request,
        collection::CALENDAR_ALLPROP,
        |n| {
            if *n == acl::ACL {
                return acl.clone();
            }
            if let Some(mine) = own.iter().find(|d| d.ns == n.ns && d.name == n.local) {
                return Some(dav::PropertyValue::Dead(dav::PropValue::from_stored(
                    mine.value_xml.clone(),
                    mine.lang.clone(),
                )));
            }
            collection::calendar_value(cal.actor.principal(), c, &dead, n)
        },
    ))
}

/// Whether a PROPFIND needs object bodies (only when it asks for calendar-data).
pub fn wants_calendar_data(request: &Propfind) -> bool {
    matches!(request, Propfind::Prop(names) if names.contains(&objects::CALENDAR_DATA))
}
