//! Calendar objects (RFC 4791 §4.1, §5.3.2): GET, PUT with validation and the CalDAV
//! preconditions, DELETE; the object properties of listings; MKCALENDAR / extended MKCOL
//! and PROPPATCH of a calendar; and GET of a whole calendar as one iCalendar file.
//!
//! The client's bytes are stored and returned exactly as sent; the ETag is a digest of
//! them, so it changes only when the content does.

use dav::{Multistatus, NS_CALDAV, Precondition, PropPatchOp, PropertyValue, Propfind, QName, Status};
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;
use sha2::{Digest, Sha256};

use std::borrow::Cow;

use caldav::Reduction;

use crate::authz::{Action, CalendarView};
use crate::http::body::{Body, check_declared_length, empty, full, read_limited, status};
use crate::http::dav_util::{answer_propfind, multistatus_response};
use crate::http::error::AppError;
use crate::store::{
    Collection, CollectionUpdate, Item, ItemCondition, ItemPutOutcome, NewCollection, NewItem, PropChange, Store,
};

use super::collection::{self, LIMITS};
use super::{Cal, CalRef, paths};

pub const CALENDAR_DATA: QName = QName::new_static(NS_CALDAV, "calendar-data");
const OBJECT_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("getetag"),
    QName::dav("getcontenttype"),
    QName::dav("getcontentlength"),
    QName::dav("getlastmodified"),
];

fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

pub fn content_type(component: &str) -> String {
    format!("text/calendar; charset=utf-8; component={component}")
}

fn etag_of(data: &[u8]) -> String {
    hex::encode(&Sha256::digest(data)[..20])
}

/// A failed CalDAV precondition with its `DAV:error` body and a readable reason.
fn precondition(status: StatusCode, condition: Precondition, reason: String) -> AppError {
    AppError::Dav {
        status,
        reason,
        condition: Some(condition),
    }
}

/// A live property of an object in a listing or PROPFIND (bodies are not read for these).
fn object_value(item: &Item, name: &QName) -> Option<PropertyValue> {
    if name.ns != dav::NS_DAV {
        return None;
    }
    Some(match name.local.as_ref() {
        "resourcetype" => PropertyValue::ResourceType(vec![]),
        "getetag" => PropertyValue::Text(quoted(&item.etag)),
        "getcontenttype" => PropertyValue::Text(content_type(&item.component)),
        "getcontentlength" => PropertyValue::Text(item.data.len().to_string()),
        "getlastmodified" => PropertyValue::HttpDate(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(item.modified_at).unwrap_or(0)),
        ),
        _ => return None,
    })
}

/// An object's properties; `calendar_data` is its rendered form when a REPORT asked for
/// expansion or subsetting, else the stored bytes are returned.
pub fn object_response(c: &CalRef, item: &Item, request: &Propfind, calendar_data: Option<&str>) -> dav::Response {
    answer_propfind(c.object_href(&item.name), request, OBJECT_ALLPROP, |n| {
        if *n == CALENDAR_DATA {
            return Some(PropertyValue::Text(calendar_data.unwrap_or(&item.data).to_owned()));
        }
        object_value(item, n)
    })
}

/// Depth-1 members of a calendar: bodies are read only when calendar-data is asked for.
pub async fn list_objects(cal: &Cal<'_>, c: &CalRef, request: &Propfind, ms: &mut Multistatus) -> Result<(), AppError> {
    if super::wants_calendar_data(request) {
        for item in cal.store().items_all(c.coll.id).await? {
            let data = visible_data(c.view, &item.data)?;
            ms.push(object_response(c, &item, request, Some(&data)));
        }
        return Ok(());
    }
    for meta in cal.store().item_metas(c.coll.id).await? {
        let href = c.object_href(&meta.name);
        ms.push(answer_propfind(href, request, OBJECT_ALLPROP, |n| {
            if n.ns != dav::NS_DAV {
                return None;
            }
            Some(match n.local.as_ref() {
                "resourcetype" => PropertyValue::ResourceType(vec![]),
                "getetag" => PropertyValue::Text(quoted(&meta.etag)),
                "getcontenttype" => PropertyValue::Text(content_type(&meta.component)),
                "getcontentlength" => PropertyValue::Text(meta.size.to_string()),
                "getlastmodified" => PropertyValue::HttpDate(
                    std::time::UNIX_EPOCH
                        + std::time::Duration::from_secs(u64::try_from(meta.modified_at).unwrap_or(0)),
                ),
                _ => return None,
            })
        }));
    }
    Ok(())
}

/// What a viewer may see of an object: everything for the owner and readers (private
/// events excepted), times and titles or times only for the reduced modes. RFC 5545
/// CLASS:PRIVATE/CONFIDENTIAL events are always reduced to busy for non-owners.
pub fn visible_data(view: CalendarView, data: &str) -> Result<Cow<'_, str>, AppError> {
    let reduction = match view {
        CalendarView::Owner => return Ok(Cow::Borrowed(data)),
        _ if caldav::is_private(data.as_bytes()) => Reduction::BusyOnly,
        CalendarView::Write | CalendarView::Read => return Ok(Cow::Borrowed(data)),
        CalendarView::Titles => Reduction::Titles,
        CalendarView::BusyOnly | CalendarView::None => Reduction::BusyOnly,
    };
    caldav::reduce(data.as_bytes(), reduction)
        .map(Cow::Owned)
        .map_err(|e| AppError::Internal(format!("reducing a stored object: {e}")))
}

pub async fn get(cal: &Cal<'_>, c: &CalRef, name: &str, head: bool) -> Result<Response<Body>, AppError> {
    let item = cal.store().item(c.coll.id, name).await?.ok_or(AppError::NotFound)?;
    let data = visible_data(c.view, &item.data)?.into_owned();
    let len = data.len();
    let mut resp = Response::new(if head { empty() } else { full(data) });
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&content_type(&item.component)) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&quoted(&item.etag)) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

fn if_match(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    Some(v.trim_start_matches("W/").trim_matches('"').to_owned())
}

pub async fn put(
    cal: &Cal<'_>,
    c: &CalRef,
    name: &str,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let coll = &c.coll;
    let too_large = || {
        let reason = format!("a calendar object may have at most {} bytes", LIMITS.max_resource_size);
        precondition(StatusCode::FORBIDDEN, caldav::conditions::max_resource_size(), reason)
    };
    check_declared_length(headers, LIMITS.max_resource_size).map_err(|_| too_large())?;
    let bytes = read_limited(body, LIMITS.max_resource_size)
        .await
        .map_err(|e| match e {
            AppError::PayloadTooLarge(_) => too_large(),
            other => other,
        })?;
    let allowed: Vec<caldav::ComponentKind> = coll
        .components
        .split(',')
        .filter_map(caldav::ComponentKind::from_name)
        .collect();
    if let Some(ctype) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
        && !caldav::is_supported_media_type(ctype)
    {
        let reason = format!("calendar objects must be text/calendar, not {ctype}");
        return Err(precondition(
            StatusCode::FORBIDDEN,
            caldav::conditions::supported_calendar_data(),
            reason,
        ));
    }
    let (object, bytes) = crate::http::off_the_workers(move || {
        let object = caldav::validate_object(&bytes, &allowed, &LIMITS);
        (object, bytes)
    })
    .await?;
    let object = object.map_err(|e| precondition(StatusCode::FORBIDDEN, e.precondition(), e.to_string()))?;
    let data = String::from_utf8(bytes.to_vec()).map_err(|_| {
        precondition(
            StatusCode::FORBIDDEN,
            caldav::conditions::valid_calendar_data(),
            "calendar data must be UTF-8".into(),
        )
    })?;
    let condition = if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == b"*") {
        ItemCondition::MustNotExist
    } else if let Some(etag) = if_match(headers) {
        if etag == "*" {
            ItemCondition::MustExist
        } else {
            ItemCondition::MatchEtag(etag)
        }
    } else {
        ItemCondition::Any
    };
    let etag = etag_of(data.as_bytes());
    let new = NewItem {
        name,
        uid: &object.uid,
        etag: &etag,
        component: object.kind.name(),
        data: &data,
        time_start: object.index.start,
        time_end: object.index.end,
        is_oof: object.is_out_of_office,
    };
    let code = match cal.store().put_item(coll.id, &new, &condition).await? {
        ItemPutOutcome::Created => StatusCode::CREATED,
        ItemPutOutcome::Replaced => StatusCode::NO_CONTENT,
        ItemPutOutcome::PreconditionFailed => {
            return Err(AppError::PreconditionFailed(
                "the object changed meanwhile (If-Match / If-None-Match)".into(),
            ));
        }
        ItemPutOutcome::UidConflict { name: other } => {
            let href = c.object_href(&other);
            let reason = format!("another object of this calendar has UID {}", object.uid);
            return Err(precondition(
                StatusCode::CONFLICT,
                caldav::conditions::no_uid_conflict(&href),
                reason,
            ));
        }
    };
    let mut resp = status(code);
    if let Ok(v) = HeaderValue::from_str(&quoted(&etag)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

pub async fn delete(cal: &Cal<'_>, c: &CalRef, name: &str, headers: &HeaderMap) -> Result<Response<Body>, AppError> {
    let coll = &c.coll;
    let expected = if_match(headers);
    if cal.store().delete_item(coll.id, name, expected.as_deref()).await? {
        return Ok(status(StatusCode::NO_CONTENT));
    }
    match cal.store().item(coll.id, name).await? {
        Some(_) => Err(AppError::PreconditionFailed(
            "If-Match does not match the current ETag".into(),
        )),
        None => Err(AppError::NotFound),
    }
}

/// A PROPPATCH or MKCALENDAR property list split into column fields, the component set
/// (creation only) and dead properties; `Err` names the first property that cannot be set.
struct CalendarChanges<'a> {
    update: CollectionUpdate,
    components: Option<String>,
    dead: Vec<PropChange<'a>>,
}

fn split_changes(ops: &[PropPatchOp], creating: bool) -> Result<CalendarChanges<'_>, QName> {
    let mut out = CalendarChanges {
        update: CollectionUpdate::default(),
        components: None,
        dead: Vec::new(),
    };
    for op in ops {
        let name = op.name();
        let text = match op {
            PropPatchOp::Set { value, .. } => Some(value.as_text().unwrap_or_default()),
            PropPatchOp::Remove { .. } => None,
        };
        if *name == QName::dav("displayname") {
            out.update.displayname = Some(text);
        } else if *name == collection::CALENDAR_DESCRIPTION {
            out.update.description = Some(text);
        } else if *name == collection::CALENDAR_COLOR {
            out.update.color = Some(text);
        } else if *name == collection::CALENDAR_TIMEZONE {
            out.update.timezone = Some(text);
        } else if *name == collection::SUPPORTED_COMPONENTS {
            // RFC 4791 §5.2.3: the component set is fixed once the calendar exists.
            let PropPatchOp::Set { value, .. } = op else {
                return Err(name.clone());
            };
            if !creating {
                return Err(name.clone());
            }
            let kinds = caldav::parse_supported_components(value).map_err(|_| name.clone())?;
            out.components = Some(kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join(","));
        } else if dav::names::is_protected(name) || *name == QName::dav("resourcetype") {
            return Err(name.clone());
        } else {
            out.dead.push(PropChange::from(op));
        }
    }
    Ok(out)
}

/// MKCALENDAR (RFC 4791 §5.3.1) or extended MKCOL with a calendar resourcetype (RFC 5689).
pub async fn make_calendar(
    cal: &Cal<'_>,
    login: &str,
    slug: &str,
    is_mkcalendar: bool,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    if slug.contains('~') {
        // `{owner}~{slug}` names favourites and team calendars bound in a home.
        return Err(AppError::Dav {
            status: StatusCode::FORBIDDEN,
            reason: "a calendar's name may not contain '~'".into(),
            condition: None,
        });
    }
    let owner = cal.home_owner(login, Action::Write).await?;
    let bytes = read_limited(body, cal.body_limit()).await?;
    let request = if is_mkcalendar {
        caldav::parse_mkcalendar(&bytes)
    } else {
        caldav::parse_extended_mkcol(&bytes)
    }
    .map_err(|e| AppError::BadRequest(format!("{}: {e}", if is_mkcalendar { "MKCALENDAR" } else { "MKCOL" })))?;
    if !is_mkcalendar && !request.has_resource_type(&caldav::names::CALENDAR) {
        let reason = "only calendar collections can be created in a calendar home".to_owned();
        return Err(precondition(
            StatusCode::FORBIDDEN,
            caldav::conditions::valid_resourcetype(),
            reason,
        ));
    }
    let ops: Vec<PropPatchOp> = request
        .props
        .iter()
        .map(|(name, value)| PropPatchOp::Set {
            name: name.clone(),
            value: value.clone(),
        })
        .collect();
    if cal.store().collection(owner.id, "calendar", slug).await?.is_some() {
        return Err(AppError::MethodNotAllowed {
            allow: super::ALLOW_CALENDAR,
        });
    }
    let changes = match split_changes(&ops, true) {
        Ok(c) => c,
        Err(bad) => return Ok(failed_props(paths::calendar_href(&owner.login, slug), &ops, &bad)),
    };
    let new = NewCollection {
        owner_id: owner.id,
        kind: "calendar",
        slug,
        displayname: changes.update.displayname.as_ref().and_then(|v| v.as_deref()),
        description: changes.update.description.as_ref().and_then(|v| v.as_deref()),
        color: changes.update.color.as_ref().and_then(|v| v.as_deref()),
        timezone: changes.update.timezone.as_ref().and_then(|v| v.as_deref()),
        // Without a component set, a calendar takes every kind (RFC 4791 §5.2.3), as
        // Radicale and Xandikos do.
        components: changes.components.as_deref().unwrap_or("VEVENT,VTODO,VJOURNAL"),
    };
    let coll = cal.store().create_collection(&new).await?;
    if !changes.dead.is_empty() {
        cal.store()
            .update_collection(coll.id, &CollectionUpdate::default(), &changes.dead)
            .await?;
    }
    Ok(status(StatusCode::CREATED))
}

/// A 207 naming the property that could not be set (403) and the rest as not applied (424).
fn failed_props(href: String, ops: &[PropPatchOp], bad: &QName) -> Response<Body> {
    let results = ops.iter().map(|op| {
        let name = op.name().clone();
        let code = if name == *bad { Status::FORBIDDEN } else { Status(424) };
        (code, dav::Property::empty(name))
    });
    let mut ms = Multistatus::new();
    ms.push(dav::Response::grouped(href, results));
    let mut resp = multistatus_response(&ms);
    if ops.is_empty() {
        *resp.status_mut() = StatusCode::FORBIDDEN;
    }
    resp
}

/// The 207 of a PROPPATCH whose every instruction was applied.
fn all_applied(href: String, ops: &[PropPatchOp]) -> Response<Body> {
    let mut ms = Multistatus::new();
    ms.push(dav::Response::grouped(
        href,
        ops.iter()
            .map(|op| (Status::OK, dav::Property::empty(op.name().clone()))),
    ));
    multistatus_response(&ms)
}

/// PROPPATCH of a calendar: all or nothing (RFC 4918 §9.2).
pub async fn proppatch_calendar(cal: &Cal<'_>, c: &CalRef, body: Incoming) -> Result<Response<Body>, AppError> {
    let coll = &c.coll;
    let bytes = read_limited(body, cal.body_limit()).await?;
    let ops = dav::parse_proppatch(&bytes).map_err(|e| AppError::BadRequest(format!("PROPPATCH body: {e}")))?;
    let href = c.href();
    let changes = match split_changes(&ops, false) {
        Ok(c) => c,
        Err(bad) => return Ok(failed_props(href, &ops, &bad)),
    };
    cal.store()
        .update_collection(coll.id, &changes.update, &changes.dead)
        .await?;
    Ok(all_applied(href, &ops))
}

/// A calendar's objects as one iCalendar file, each reduced to what `view` shows (a GET on
/// the calendar, and the secret feed).
pub async fn calendar_text(store: &Store, coll: &Collection, view: CalendarView) -> Result<String, AppError> {
    let items = store.items_all(coll.id).await?;
    let mut visible = Vec::with_capacity(items.len());
    for item in &items {
        visible.push(visible_data(view, &item.data)?.into_owned());
    }
    let name = coll.displayname.as_deref().unwrap_or(&coll.slug);
    Ok(caldav::merge_objects(visible.iter().map(|v| v.as_bytes()), Some(name)))
}

/// GET of a calendar collection: the whole calendar as one iCalendar file (as Radicale and
/// SabreDAV's export answer), for "download calendar" links and simple subscribers. RFC 4791
/// leaves GET on a collection undefined.
pub async fn export(cal: &Cal<'_>, c: &CalRef, head: bool) -> Result<Response<Body>, AppError> {
    let text = calendar_text(cal.store(), &c.coll, c.view).await?;
    let len = text.len();
    let mut resp = Response::new(if head { empty() } else { full(text) });
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(resp)
}

/// PROPPATCH through a favourite or team binding: the caller's own view of the calendar
/// (Apple's colour and order, a name of their own) is stored for them alone, so sharees never
/// change the owner's calendar. Live calendar properties (component set, resourcetype,
/// protected ones) cannot be set this way.
pub async fn proppatch_binding(cal: &Cal<'_>, c: &CalRef, body: Incoming) -> Result<Response<Body>, AppError> {
    let bytes = read_limited(body, cal.body_limit()).await?;
    let ops = dav::parse_proppatch(&bytes).map_err(|e| AppError::BadRequest(format!("PROPPATCH body: {e}")))?;
    let href = c.href();
    if let Some(bad) = ops.iter().map(PropPatchOp::name).find(|name| {
        dav::names::is_protected(name)
            || **name == QName::dav("resourcetype")
            || **name == collection::SUPPORTED_COMPONENTS
    }) {
        let bad = bad.clone();
        return Ok(failed_props(href, &ops, &bad));
    }
    let changes: Vec<PropChange<'_>> = ops.iter().map(PropChange::from).collect();
    cal.store().update_binding_props(cal.me.id, c.coll.id, &changes).await?;
    Ok(all_applied(href, &ops))
}
