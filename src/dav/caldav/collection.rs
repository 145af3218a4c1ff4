//! Calendar collections: their properties (RFC 4791 §5.2, CalendarServer `getctag`, Apple
//! `calendar-color`, RFC 6578 `sync-token`), MKCALENDAR and extended MKCOL (RFC 4791 §5.3.1,
//! RFC 5689) and PROPPATCH: the request's property list becomes fields, a component set and
//! dead properties for `crate::core::calendars`.

use caldav::ComponentKind;
use dav::qname::{NS_APPLE_ICAL, NS_CALSERVER};
use dav::{Multistatus, NS_CALDAV, NS_DAV, PropPatchOp, PropValue, PropertyValue, QName, Status, XmlElement, XmlNode};
use http::{Response, StatusCode};
use hyper::body::Incoming;

use crate::core::Principal;
use crate::core::calendars::{Binding, CalendarRef, CalendarView, CollectionUpdate, DeadProp, LIMITS, PropChange};
use crate::dav::common::discovery::{
    OWNER_PRIVILEGES, READ_ONLY, READ_WRITE, common_value, privileges, supported_reports,
};
use crate::dav::common::sync::sync_token;
use crate::dav::common::util::multistatus_response;
use crate::edge::body::{Body, read_limited, status};
use crate::edge::error::AppError;

use super::{Cal, calendar_href, paths};

pub const CALENDAR: QName = QName::new_static(NS_CALDAV, "calendar");
pub const CALENDAR_DESCRIPTION: QName = QName::new_static(NS_CALDAV, "calendar-description");
pub const CALENDAR_TIMEZONE: QName = QName::new_static(NS_CALDAV, "calendar-timezone");
pub const CALENDAR_COLOR: QName = QName::new_static(NS_APPLE_ICAL, "calendar-color");
pub const SUPPORTED_COMPONENTS: QName = QName::new_static(NS_CALDAV, "supported-calendar-component-set");
pub const GETCTAG: QName = QName::new_static(NS_CALSERVER, "getctag");
pub const SYNC_TOKEN: QName = QName::dav("sync-token");
/// CalendarServer sharing: a calendar shared with the caller, in their home.
pub const SHARED: QName = QName::new_static(NS_CALSERVER, "shared");

pub const CALENDAR_REPORTS: [QName; 4] = [
    QName::new_static(NS_CALDAV, "calendar-query"),
    QName::new_static(NS_CALDAV, "calendar-multiget"),
    QName::new_static(NS_CALDAV, "free-busy-query"),
    QName::dav("sync-collection"),
];

/// The properties an `allprop` PROPFIND on a calendar returns (besides dead ones).
pub const CALENDAR_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("displayname"),
    CALENDAR_DESCRIPTION,
    CALENDAR_COLOR,
    SUPPORTED_COMPONENTS,
    GETCTAG,
    SYNC_TOKEN,
];

/// A calendar collection's property, or None if it has no such property.
pub fn calendar_value(me: &Principal, c: &CalendarRef, dead: &[DeadProp], name: &QName) -> Option<PropertyValue> {
    if let Some(v) = common_value(me, name) {
        return Some(v);
    }
    let coll = c.collection();
    let text = |v: &Option<String>| v.clone().map(PropertyValue::Text);
    let value = match (name.ns.as_ref(), name.local.as_ref()) {
        (NS_DAV, "resourcetype") => {
            let mut types = vec![dav::names::COLLECTION, CALENDAR];
            if c.binding().is_some() {
                types.push(SHARED);
            }
            Some(PropertyValue::ResourceType(types))
        }
        (NS_DAV, "displayname") => Some(PropertyValue::Text(display_name(c))),
        (NS_DAV, "owner") => Some(PropertyValue::Href(paths::principal_href(&c.owner().login))),
        (NS_DAV, "current-user-privilege-set") => Some(privileges(match c.view() {
            CalendarView::Owner => OWNER_PRIVILEGES,
            CalendarView::Write => READ_WRITE,
            _ => READ_ONLY,
        })),
        (NS_DAV, "supported-report-set") => Some(supported_reports(&CALENDAR_REPORTS)),
        (NS_DAV, "sync-token") => Some(PropertyValue::Text(sync_token(coll.id, coll.sync_seq))),
        (NS_CALDAV, "calendar-description") => text(&coll.description),
        (NS_CALDAV, "calendar-timezone") => text(&coll.timezone),
        (NS_CALDAV, "supported-calendar-component-set") => {
            let kinds: Vec<ComponentKind> = coll
                .components
                .split(',')
                .filter_map(ComponentKind::from_name)
                .collect();
            Some(caldav::properties::supported_calendar_component_set(&kinds))
        }
        (NS_CALDAV, "supported-calendar-data") => Some(caldav::properties::supported_calendar_data()),
        (NS_CALDAV, "supported-collation-set") => Some(caldav::properties::supported_collation_set()),
        (NS_CALDAV, "max-resource-size") => Some(PropertyValue::Text(LIMITS.max_resource_size.to_string())),
        (NS_CALDAV, "min-date-time") => Some(PropertyValue::Text(caldav::format_utc(LIMITS.min_date_time))),
        (NS_CALDAV, "max-date-time") => Some(PropertyValue::Text(caldav::format_utc(LIMITS.max_date_time))),
        (NS_CALDAV, "max-instances") => Some(PropertyValue::Text(LIMITS.max_instances.to_string())),
        (NS_CALDAV, "max-attendees-per-instance") => {
            Some(PropertyValue::Text(LIMITS.max_attendees_per_instance.to_string()))
        }
        (NS_APPLE_ICAL, "calendar-color") => text(&coll.color),
        (NS_CALSERVER, "getctag") => Some(PropertyValue::Text(format!("\"{}\"", coll.sync_seq))),
        (NS_CALSERVER, "shared-url") if c.binding().is_some() => {
            Some(PropertyValue::Href(paths::calendar_href(&c.owner().login, &coll.slug)))
        }
        (NS_CALSERVER, "invite") if c.binding().is_some() => Some(invite(c)),
        _ => None,
    };
    value.or_else(|| {
        dead.iter()
            .find(|d| d.ns == name.ns && d.name == name.local)
            .map(|d| PropertyValue::Dead(PropValue::from_stored(d.value_xml.clone(), d.lang.clone())))
    })
}

/// A favourite is named after its owner too ("Calendar (Bob Smith)"): every colleague's
/// default calendar is called the same.
fn display_name(c: &CalendarRef) -> String {
    let coll = c.collection();
    let own = coll.displayname.clone().unwrap_or_else(|| coll.slug.clone());
    match c.binding() {
        Some(Binding::Favorite) => format!("{own} ({})", c.owner().display_name),
        _ => own,
    }
}

/// CalendarServer sharing's `invite` for a sharee: who shares the calendar and the caller's
/// access to it (caldav-sharing §5.2.2), which Apple clients read to show a shared calendar
/// as such and read-only where it is.
fn invite(c: &CalendarRef) -> PropertyValue {
    let cs = |local: &'static str| XmlElement::new(QName::new_static(NS_CALSERVER, local));
    let access = if c.view() >= CalendarView::Write {
        "read-write"
    } else {
        "read"
    };
    let organizer = cs("organizer")
        .with_child(XmlElement::href(paths::principal_href(&c.owner().login)))
        .with_child(cs("common-name").with_text(c.owner().display_name.clone()));
    let user = cs("user")
        .with_child(cs("invite-accepted"))
        .with_child(cs("access").with_child(cs(access)));
    PropertyValue::Elements(vec![XmlNode::Element(organizer), XmlNode::Element(user)])
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
        } else if *name == CALENDAR_DESCRIPTION {
            out.update.description = Some(text);
        } else if *name == CALENDAR_COLOR {
            out.update.color = Some(text);
        } else if *name == CALENDAR_TIMEZONE {
            out.update.timezone = Some(text);
        } else if *name == SUPPORTED_COMPONENTS {
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

/// 403 `C:valid-calendar-data` unless every `C:calendar-timezone` set is an iCalendar object
/// with exactly one VTIMEZONE (RFC 4791 §5.2.2, and §5.3.1.1 for MKCALENDAR): nothing of the
/// request is applied then.
fn check_timezones(ops: &[PropPatchOp]) -> Result<(), AppError> {
    for op in ops {
        if let PropPatchOp::Set { name, value } = op
            && *name == CALENDAR_TIMEZONE
            && let Err(e) = caldav::parse_calendar_timezone(value)
        {
            return Err(AppError::Dav {
                status: StatusCode::FORBIDDEN,
                reason: format!("calendar-timezone: {e}"),
                condition: Some(caldav::conditions::valid_calendar_data()),
            });
        }
    }
    Ok(())
}

/// MKCALENDAR (RFC 4791 §5.3.1) or extended MKCOL with a calendar resourcetype (RFC 5689).
pub async fn make_calendar(
    cal: &Cal<'_>,
    login: &str,
    slug: &str,
    is_mkcalendar: bool,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    cal.calendars.may_create(login, slug).await?;
    let bytes = read_limited(body, cal.body_limit()).await?;
    let request = if is_mkcalendar {
        caldav::parse_mkcalendar(&bytes)
    } else {
        caldav::parse_extended_mkcol(&bytes)
    }
    .map_err(|e| AppError::BadRequest(format!("{}: {e}", if is_mkcalendar { "MKCALENDAR" } else { "MKCOL" })))?;
    if !is_mkcalendar && !request.has_resource_type(&caldav::names::CALENDAR) {
        return Err(AppError::Dav {
            status: StatusCode::FORBIDDEN,
            reason: "only calendar collections can be created in a calendar home".into(),
            condition: Some(caldav::conditions::valid_resourcetype()),
        });
    }
    let ops: Vec<PropPatchOp> = request
        .props
        .iter()
        .map(|(name, value)| PropPatchOp::Set {
            name: name.clone(),
            value: value.clone(),
        })
        .collect();
    check_timezones(&ops)?;
    let changes = match split_changes(&ops, true) {
        Ok(c) => c,
        Err(bad) => return Ok(failed_props(paths::calendar_href(login, slug), &ops, &bad)),
    };
    cal.calendars
        .make_calendar(
            login,
            slug,
            &changes.update,
            changes.components.as_deref(),
            &changes.dead,
        )
        .await?;
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

/// PROPPATCH of a calendar, all or nothing (RFC 4918 §9.2). Through a favourite or team
/// binding only dead properties can be set; they are the caller's own.
pub async fn proppatch(cal: &Cal<'_>, c: &CalendarRef, body: Incoming) -> Result<Response<Body>, AppError> {
    if c.binding().is_none() && c.view() != CalendarView::Owner {
        return Err(AppError::Forbidden);
    }
    let bytes = read_limited(body, cal.body_limit()).await?;
    let ops = dav::parse_proppatch(&bytes).map_err(|e| AppError::BadRequest(format!("PROPPATCH body: {e}")))?;
    let href = calendar_href(c);
    let changes = match c.binding() {
        Some(_) => {
            if let Some(bad) = ops.iter().map(PropPatchOp::name).find(|name| {
                dav::names::is_protected(name) || **name == QName::dav("resourcetype") || **name == SUPPORTED_COMPONENTS
            }) {
                let bad = bad.clone();
                return Ok(failed_props(href, &ops, &bad));
            }
            CalendarChanges {
                update: CollectionUpdate::default(),
                components: None,
                dead: ops.iter().map(PropChange::from).collect(),
            }
        }
        None => {
            check_timezones(&ops)?;
            match split_changes(&ops, false) {
                Ok(c) => c,
                Err(bad) => return Ok(failed_props(href, &ops, &bad)),
            }
        }
    };
    cal.calendars.update_calendar(c, &changes.update, &changes.dead).await?;
    Ok(all_applied(href, &ops))
}
