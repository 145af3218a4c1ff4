//! Schedule inbox and outbox over HTTP (RFC 6638 §2.1, §2.2, §5): PROPFIND of both boxes,
//! GET and DELETE of inbox messages, and the outbox's POST of free-busy requests answered
//! with a `C:schedule-response`. Who may use a box, and what goes in it, is
//! `crate::core::calendars`'.

use dav::{Depth, Multistatus, NS_CALDAV, PropertyValue, Propfind, QName, XmlElement, XmlNode};
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::Principal;
use crate::core::authz::Action;
use crate::core::calendars::{FreeBusyAnswer, InboxItem};
use crate::dav::common::discovery;
use crate::dav::common::util::{answer_propfind, preconditions, quoted, read_conditions};
use crate::edge::body::{Body, check_declared_length, empty, full, read_limited, status};
use crate::edge::error::AppError;

use super::{Cal, paths};

const SCHEDULE_INBOX: QName = QName::new_static(NS_CALDAV, "schedule-inbox");
const SCHEDULE_OUTBOX: QName = QName::new_static(NS_CALDAV, "schedule-outbox");
const BOX_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("displayname"),
    QName::dav("owner"),
];
const MESSAGE_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("getetag"),
    QName::dav("getcontenttype"),
    QName::dav("getcontentlength"),
];
/// The largest free-busy request the outbox reads.
const MAX_REQUEST_BYTES: u64 = 256 * 1024;

fn privilege(name: QName) -> XmlNode {
    XmlNode::Element(XmlElement::new(QName::dav("privilege")).with_child(XmlElement::new(name)))
}

/// The owner's privileges on a box: read and (inbox) remove, with the scheduling privilege
/// of RFC 6638 §6.1.
fn box_privileges(inbox: bool) -> PropertyValue {
    let mut set = vec![
        privilege(QName::dav("read")),
        privilege(QName::dav("read-current-user-privilege-set")),
    ];
    if inbox {
        set.push(privilege(QName::dav("unbind")));
        set.push(privilege(QName::new_static(NS_CALDAV, "schedule-deliver")));
    } else {
        set.push(privilege(QName::new_static(NS_CALDAV, "schedule-send")));
    }
    PropertyValue::Elements(set)
}

/// A box's properties; `default_calendar` is the inbox's `schedule-default-calendar-URL`.
fn box_value(
    me: &Principal,
    owner: &Principal,
    inbox: bool,
    default_calendar: Option<&str>,
    name: &QName,
) -> Option<PropertyValue> {
    if let Some(v) = discovery::common_value(me, name) {
        return Some(v);
    }
    Some(match (name.ns.as_ref(), name.local.as_ref()) {
        (dav::NS_DAV, "resourcetype") => PropertyValue::ResourceType(vec![
            dav::names::COLLECTION,
            if inbox { SCHEDULE_INBOX } else { SCHEDULE_OUTBOX },
        ]),
        (dav::NS_DAV, "displayname") => PropertyValue::Text(if inbox { "Inbox" } else { "Outbox" }.into()),
        (dav::NS_DAV, "owner") => PropertyValue::Href(paths::principal_href(&owner.login)),
        (dav::NS_DAV, "current-user-privilege-set") => box_privileges(inbox),
        (dav::NS_DAV, "supported-report-set") => discovery::supported_reports(&[]),
        (NS_CALDAV, "schedule-default-calendar-URL") if inbox => PropertyValue::Href(default_calendar?.to_owned()),
        _ => return None,
    })
}

fn message_value(m: &InboxItem, name: &QName) -> Option<PropertyValue> {
    if name.ns != dav::NS_DAV {
        return None;
    }
    Some(match name.local.as_ref() {
        "resourcetype" => PropertyValue::ResourceType(vec![]),
        "getetag" => PropertyValue::Text(quoted(&m.etag)),
        "getcontenttype" => PropertyValue::Text("text/calendar; charset=utf-8".into()),
        "getcontentlength" => PropertyValue::Text(m.data.len().to_string()),
        _ => return None,
    })
}

/// The inbox and outbox entries of a calendar home's Depth-1 listing (its owner's only).
pub async fn home_members(
    cal: &Cal<'_>,
    owner: &Principal,
    request: &Propfind,
    ms: &mut Multistatus,
) -> Result<(), AppError> {
    if owner.id != cal.actor.principal().id {
        return Ok(());
    }
    propfind_box(cal, &owner.login, true, Depth::Zero, request, ms).await?;
    propfind_box(cal, &owner.login, false, Depth::Zero, request, ms).await
}

/// PROPFIND on the inbox (with its messages at Depth 1) or the outbox.
pub async fn propfind_box(
    cal: &Cal<'_>,
    login: &str,
    inbox: bool,
    depth: Depth,
    request: &Propfind,
    ms: &mut Multistatus,
) -> Result<(), AppError> {
    let owner = cal.calendars.schedule_box(login, Action::Read).await?;
    let me = cal.actor.principal();
    let default = match inbox {
        true => cal
            .calendars
            .default_calendar(&owner, "VEVENT")
            .await?
            .map(|c| paths::calendar_href(&owner.login, &c.slug)),
        false => None,
    };
    let href = if inbox {
        paths::inbox_href(&owner.login)
    } else {
        paths::outbox_href(&owner.login)
    };
    ms.push(answer_propfind(href, request, BOX_ALLPROP, |n| {
        box_value(me, &owner, inbox, default.as_deref(), n)
    }));
    if inbox && depth == Depth::One {
        for m in cal.calendars.inbox_items(&owner).await? {
            ms.push(message_response(&owner, &m, request));
        }
    }
    Ok(())
}

fn message_response(owner: &Principal, m: &InboxItem, request: &Propfind) -> dav::Response {
    answer_propfind(
        paths::inbox_item_href(&owner.login, &m.name),
        request,
        MESSAGE_ALLPROP,
        |n| message_value(m, n),
    )
}

/// The owner of the inbox of `login` (as the actor may use it) and its message `name`.
async fn message(cal: &Cal<'_>, login: &str, name: &str) -> Result<(Principal, InboxItem), AppError> {
    let owner = cal.calendars.schedule_box(login, Action::Read).await?;
    let m = cal
        .calendars
        .inbox_item(&owner, name)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((owner, m))
}

/// PROPFIND on one inbox message.
pub async fn propfind_message(
    cal: &Cal<'_>,
    login: &str,
    name: &str,
    request: &Propfind,
    ms: &mut Multistatus,
) -> Result<(), AppError> {
    let (owner, m) = message(cal, login, name).await?;
    ms.push(message_response(&owner, &m, request));
    Ok(())
}

pub async fn get_message(
    cal: &Cal<'_>,
    login: &str,
    name: &str,
    headers: &HeaderMap,
    head: bool,
) -> Result<Response<Body>, AppError> {
    let (_, m) = message(cal, login, name).await?;
    if let Some(not_modified) = read_conditions(headers, &m.etag, m.created_at)? {
        return Ok(not_modified);
    }
    let len = m.data.len();
    let etag = quoted(&m.etag);
    let mut resp = Response::new(if head { empty() } else { full(m.data) });
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

pub async fn delete_message(
    cal: &Cal<'_>,
    login: &str,
    name: &str,
    headers: &HeaderMap,
) -> Result<Response<Body>, AppError> {
    let owner = cal.calendars.schedule_box(login, Action::Write).await?;
    cal.calendars
        .delete_inbox_item(&owner, name, &preconditions(headers)?)
        .await?;
    Ok(status(StatusCode::NO_CONTENT))
}

fn caldav_element(local: &'static str) -> XmlElement {
    XmlElement::new(QName::new_static(NS_CALDAV, local))
}

/// The `C:schedule-response` body (RFC 6638 §10.1) of a free-busy request's answers.
fn schedule_response(answers: &[FreeBusyAnswer]) -> String {
    let mut root = caldav_element("schedule-response");
    for a in answers {
        let mut response = caldav_element("response")
            .with_child(caldav_element("recipient").with_child(XmlElement::href(a.recipient.clone())))
            .with_child(caldav_element("request-status").with_text(a.status));
        if let Some(data) = &a.calendar_data {
            response = response.with_child(caldav_element("calendar-data").with_text(data.clone()));
        }
        root = root.with_child(response);
    }
    root.to_document()
}

/// POST to an outbox: a free-busy request (RFC 6638 §5).
pub async fn post_outbox(
    cal: &Cal<'_>,
    login: &str,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let owner = cal.calendars.schedule_box(login, Action::Write).await?;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !caldav::is_supported_media_type(ctype) {
        return Err(AppError::Dav {
            status: StatusCode::FORBIDDEN,
            reason: format!("a scheduling request must be text/calendar, not {ctype:?}"),
            condition: Some(caldav::conditions::supported_calendar_data()),
        });
    }
    check_declared_length(headers, MAX_REQUEST_BYTES)?;
    let bytes = read_limited(body, MAX_REQUEST_BYTES).await?;
    let answers = cal.calendars.free_busy_request(&owner, &bytes).await?;
    let mut resp = Response::new(full(schedule_response(&answers)));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    Ok(resp)
}
