//! The RFC 3744 `acl` property of a calendar (§5.5), read-only: who has which privilege, as
//! Portico's rules decide it. ACEs name principals by href; a group principal's ACE applies
//! to its members (§2), so a department grant is shown as the department's team principal.
//! Only those who manage the calendar may read it (`read-acl`); the ACL method is not
//! supported, so every ACE is `protected`.

use dav::{NS_CALDAV, PropertyValue, QName, XmlElement, XmlNode};

use crate::authz::CalendarOwner;
use crate::http::error::AppError;
use crate::store::{AccessLevel, Store, Team};

use super::{CalRef, paths};

pub const ACL: QName = QName::dav("acl");

/// Who an ACE is about.
enum AcePrincipal {
    Href(String),
    /// `<D:property><D:owner/></D:property>`
    Owner,
    /// `<D:authenticated/>`: every signed-in user.
    Authenticated,
}

fn ace(who: AcePrincipal, privileges: &[QName]) -> XmlNode {
    let principal = XmlElement::new(QName::dav("principal")).with_child(match who {
        AcePrincipal::Href(h) => XmlElement::href(h),
        AcePrincipal::Owner => XmlElement::new(QName::dav("property")).with_child(XmlElement::new(QName::dav("owner"))),
        AcePrincipal::Authenticated => XmlElement::new(QName::dav("authenticated")),
    });
    let grant = privileges.iter().fold(XmlElement::new(QName::dav("grant")), |g, p| {
        g.with_child(XmlElement::new(QName::dav("privilege")).with_child(XmlElement::new(p.clone())))
    });
    XmlNode::Element(
        XmlElement::new(QName::dav("ace"))
            .with_child(principal)
            .with_child(grant)
            .with_child(XmlElement::new(QName::dav("protected"))),
    )
}

const ALL: QName = QName::dav("all");
const READ: QName = QName::dav("read");
const WRITE: QName = QName::dav("write");
const READ_FREE_BUSY: QName = QName::new_static(NS_CALDAV, "read-free-busy");

/// The calendar's ACL: owner (or team members and head), grants, then what the visibility
/// mode shows to every colleague.
pub async fn calendar_acl(store: &Store, c: &CalRef) -> Result<PropertyValue, AppError> {
    let mut aces = Vec::new();
    let owner_href = paths::principal_href(&c.owner.login);
    match c.owner_kind {
        CalendarOwner::Person => aces.push(ace(AcePrincipal::Owner, &[ALL])),
        CalendarOwner::Department { head_id, .. } => {
            if let Some(head) = match head_id {
                Some(id) => store.principal_by_id(id).await?,
                None => None,
            } {
                aces.push(ace(AcePrincipal::Href(paths::principal_href(&head.login)), &[ALL]));
            }
            aces.push(ace(AcePrincipal::Href(owner_href), &[READ, WRITE]));
        }
        CalendarOwner::Workgroup => aces.push(ace(AcePrincipal::Href(owner_href), &[READ, WRITE])),
        CalendarOwner::Company => {}
    }
    for grant in store.collection_grants(c.coll.id).await? {
        let login = match (grant.principal_id, grant.department_id) {
            (Some(id), _) => store.principal_by_id(id).await?.map(|p| p.login),
            (None, Some(id)) => store
                .department_slug(id)
                .await?
                .map(|slug| Team::Department(id).login(&slug)),
            (None, None) => None,
        };
        let Some(login) = login else { continue };
        let privileges: &[QName] = if grant.level >= AccessLevel::Write as i64 {
            &[READ, WRITE]
        } else {
            &[READ]
        };
        aces.push(ace(AcePrincipal::Href(paths::principal_href(&login)), privileges));
    }
    match c.coll.visibility.as_str() {
        "all" => aces.push(ace(AcePrincipal::Authenticated, &[READ])),
        "titles" | "busy" => aces.push(ace(AcePrincipal::Authenticated, &[READ_FREE_BUSY])),
        _ => {}
    }
    Ok(PropertyValue::Elements(aces))
}
