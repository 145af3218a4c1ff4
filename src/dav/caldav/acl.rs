//! The RFC 3744 `acl` property of a calendar (§5.5), read-only: who has which privilege, as
//! Portico's rules decide it. ACEs name principals by href; a group principal's ACE applies
//! to its members (§2), so a department grant is shown as the department's team principal.
//! Only those who manage the calendar may read it (`read-acl`); the ACL method is not
//! supported, so every ACE is `protected`.

use dav::{NS_CALDAV, PropertyValue, QName, XmlElement, XmlNode};

use crate::core::calendars::{AclFacts, CalendarOwner, CalendarRef};

use super::paths;

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
pub fn calendar_acl(facts: &AclFacts, c: &CalendarRef) -> PropertyValue {
    let mut aces = Vec::new();
    let owner_href = paths::principal_href(&c.owner().login);
    match c.owner_kind() {
        CalendarOwner::Person => aces.push(ace(AcePrincipal::Owner, &[ALL])),
        CalendarOwner::Department { .. } => {
            if let Some(head) = &facts.head {
                aces.push(ace(AcePrincipal::Href(paths::principal_href(&head.login)), &[ALL]));
            }
            aces.push(ace(AcePrincipal::Href(owner_href), &[READ, WRITE]));
        }
        CalendarOwner::Workgroup => aces.push(ace(AcePrincipal::Href(owner_href), &[READ, WRITE])),
        CalendarOwner::Company => {}
    }
    for (login, writes) in &facts.grants {
        let privileges: &[QName] = if *writes { &[READ, WRITE] } else { &[READ] };
        aces.push(ace(AcePrincipal::Href(paths::principal_href(login)), privileges));
    }
    match c.collection().visibility.as_str() {
        "all" => aces.push(ace(AcePrincipal::Authenticated, &[READ])),
        "titles" | "busy" => aces.push(ace(AcePrincipal::Authenticated, &[READ_FREE_BUSY])),
        _ => {}
    }
    PropertyValue::Elements(aces)
}
