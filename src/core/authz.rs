//! Authorisation: the one place that decides whether a principal may act on a resource.
//!
//! Every handler asks [`can`] before touching data. Resource kinds grow with the features
//! (document folders, calendars, address books); each new kind gets its rule here.
//!
//! Document library defaults (grants add to them, inherited downwards):
//! - `shared/`: every user reads; administrators manage.
//! - `departments/{slug}/`: the department's members write; its head and administrators manage.
//! - `users/{login}/`: the owner manages; nobody else has access unless granted, not even
//!   administrators (a personal drive is private).

use crate::store::{AccessLevel, CollectionGrant, DocGrant, Memberships, Principal, PrincipalKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
    /// Change permissions, or act on a library root itself.
    Manage,
}

/// Which library a document path belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Library {
    Shared,
    Department { id: i64, head_id: Option<i64> },
    User { login: String },
}

/// Everything the document rule needs: the library and the grants covering the path.
#[derive(Debug, Clone)]
pub struct DocumentFacts<'a> {
    pub library: &'a Library,
    pub grants: &'a [DocGrant],
    pub memberships: &'a Memberships,
}

#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    /// The DAV entry point `/dav/`: every signed-in user may discover from it.
    DavRoot,
    /// The account settings (app passwords, sessions) of the named principal.
    Account { login: &'a str },
    /// A folder or file of the document library.
    Document(&'a DocumentFacts<'a>),
    /// A calendar home: anyone may look in (they see the calendars they may see); only
    /// the owner creates calendars there, and administrators in the homes of teams.
    CalendarHome { owner: &'a Principal },
    /// An address-book home: only its owner uses it (the directory books in it are the
    /// same for everyone and read-only).
    AddressBookHome { owner: &'a Principal },
    /// A schedule inbox or outbox (RFC 6638 §2.1–§2.2): the messages delivered to someone
    /// and the requests they send are theirs alone.
    ScheduleBox { owner: &'a Principal },
}

pub fn can(principal: &Principal, action: Action, resource: Resource<'_>) -> bool {
    if !principal.active {
        return false;
    }
    match resource {
        Resource::DavRoot => action == Action::Read,
        Resource::Account { login } => principal.login == login,
        Resource::CalendarHome { owner } => {
            action == Action::Read
                || owner.id == principal.id
                || (owner.kind == PrincipalKind::Group && principal.is_admin)
        }
        Resource::Document(facts) => document_level(principal, facts).is_some_and(|level| level >= needed(action)),
        Resource::AddressBookHome { owner } | Resource::ScheduleBox { owner } => owner.id == principal.id,
    }
}

/// How much of a calendar a principal sees, from nothing to everything (ordered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CalendarView {
    None,
    /// Times only: every event reads "Busy".
    BusyOnly,
    /// Times and titles.
    Titles,
    /// Everything, except CLASS:PRIVATE/CONFIDENTIAL events (reduced to busy).
    Read,
    /// Read, and change objects.
    Write,
    Owner,
}

impl CalendarView {
    /// What this view of a calendar lets its holder do: read from busy-only up, write with a
    /// write grant or membership, manage as its owner.
    pub fn allows(self, action: Action) -> bool {
        match action {
            Action::Read => self >= CalendarView::BusyOnly,
            Action::Write => self >= CalendarView::Write,
            Action::Manage => self == CalendarView::Owner,
        }
    }
}

/// Who owns a calendar, as far as the calendar rule is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarOwner {
    Person,
    /// A group principal: its members write; administrators manage.
    Workgroup,
    /// A department's team principal: its employees write; its head and administrators manage.
    Department {
        id: i64,
        head_id: Option<i64>,
    },
    /// The company's team principal: administrators manage; the rest is mode and grants.
    Company,
}

impl CalendarOwner {
    /// Whether someone with these memberships belongs to the owning team (everyone belongs to
    /// the company); `owner_id` is the owning principal's id.
    pub fn has_member(self, owner_id: i64, m: &Memberships) -> bool {
        match self {
            CalendarOwner::Person => false,
            CalendarOwner::Company => true,
            CalendarOwner::Department { id, .. } => m.department_id == Some(id),
            CalendarOwner::Workgroup => m.group_ids.contains(&owner_id),
        }
    }
}

/// What the calendar rule needs: the owner, the visibility mode, the grants.
#[derive(Debug, Clone)]
pub struct CalendarFacts<'a> {
    pub owner_id: i64,
    pub owner: CalendarOwner,
    /// `private`, `busy`, `titles` or `all`.
    pub visibility: &'a str,
    pub grants: &'a [CollectionGrant],
    pub memberships: &'a Memberships,
}

/// The owner sees everything; team calendars belong to their managers and members (see
/// [`CalendarOwner`]); a grant gives read or read-write; anyone else sees what the
/// visibility mode shows to colleagues.
pub fn calendar_view(principal: &Principal, facts: &CalendarFacts<'_>) -> CalendarView {
    if !principal.active {
        return CalendarView::None;
    }
    if principal.id == facts.owner_id {
        return CalendarView::Owner;
    }
    match facts.owner {
        CalendarOwner::Person => {}
        _ if principal.is_admin => return CalendarView::Owner,
        CalendarOwner::Department { head_id, .. } if head_id == Some(principal.id) => return CalendarView::Owner,
        // Company "members" (everyone) read by mode and grants; the other teams' members write.
        CalendarOwner::Company => {}
        team if team.has_member(facts.owner_id, facts.memberships) => return CalendarView::Write,
        CalendarOwner::Workgroup | CalendarOwner::Department { .. } => {}
    }
    let granted = facts
        .grants
        .iter()
        .filter(|g| match (g.principal_id, g.department_id) {
            (Some(p), _) => p == principal.id || facts.memberships.group_ids.contains(&p),
            (None, Some(d)) => facts.memberships.department_id == Some(d),
            (None, None) => false,
        })
        .map(|g| {
            if g.level >= AccessLevel::Write as i64 {
                CalendarView::Write
            } else {
                CalendarView::Read
            }
        })
        .max()
        .unwrap_or(CalendarView::None);
    let by_mode = match facts.visibility {
        "all" => CalendarView::Read,
        "titles" => CalendarView::Titles,
        "busy" => CalendarView::BusyOnly,
        _ => CalendarView::None,
    };
    granted.max(by_mode)
}

fn needed(action: Action) -> AccessLevel {
    match action {
        Action::Read => AccessLevel::Read,
        Action::Write => AccessLevel::Write,
        Action::Manage => AccessLevel::Manage,
    }
}

/// The principal's effective level on a document: the library default raised by grants.
pub fn document_level(principal: &Principal, facts: &DocumentFacts<'_>) -> Option<AccessLevel> {
    if !principal.active {
        return None;
    }
    let default = match facts.library {
        Library::Shared if principal.is_admin => Some(AccessLevel::Manage),
        Library::Shared => Some(AccessLevel::Read),
        Library::Department { head_id, .. } if principal.is_admin || *head_id == Some(principal.id) => {
            Some(AccessLevel::Manage)
        }
        Library::Department { id, .. } if facts.memberships.department_id == Some(*id) => Some(AccessLevel::Write),
        Library::Department { .. } => None,
        Library::User { login } if *login == principal.login => Some(AccessLevel::Manage),
        Library::User { .. } => None,
    };
    let granted = facts
        .grants
        .iter()
        .filter(|g| grant_applies(g, principal, facts.memberships))
        .filter_map(|g| AccessLevel::from_i64(g.level))
        .max();
    default.max(granted)
}

fn grant_applies(grant: &DocGrant, principal: &Principal, m: &Memberships) -> bool {
    match (grant.principal_id, grant.department_id) {
        (Some(p), _) => p == principal.id || m.group_ids.contains(&p),
        (None, Some(d)) => m.department_id == Some(d),
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::PrincipalKind;

    fn user(login: &str, active: bool) -> Principal {
        Principal {
            id: 1,
            kind: PrincipalKind::User,
            login: login.into(),
            display_name: login.into(),
            email: None,
            is_admin: false,
            active,
            source: "local".into(),
            external_id: None,
            team: None,
        }
    }

    #[test]
    fn own_account_only() {
        let alice = user("alice", true);
        assert!(can(&alice, Action::Write, Resource::Account { login: "alice" }));
        assert!(!can(&alice, Action::Read, Resource::Account { login: "bob" }));
    }

    #[test]
    fn inactive_principal_may_do_nothing() {
        let gone = user("gone", false);
        assert!(!can(&gone, Action::Read, Resource::DavRoot));
        assert!(!can(&gone, Action::Read, Resource::Account { login: "gone" }));
    }

    fn grant(principal_id: Option<i64>, department_id: Option<i64>, level: AccessLevel) -> DocGrant {
        DocGrant {
            id: 1,
            path: "x".into(),
            principal_id,
            department_id,
            level: level as i64,
        }
    }

    fn level(p: &Principal, library: &Library, grants: &[DocGrant], m: &Memberships) -> Option<AccessLevel> {
        document_level(
            p,
            &DocumentFacts {
                library,
                grants,
                memberships: m,
            },
        )
    }

    #[test]
    fn personal_drive_is_private_even_from_admins() {
        let alice = user("alice", true);
        let mut admin = user("admin", true);
        admin.id = 2;
        admin.is_admin = true;
        let lib = Library::User { login: "alice".into() };
        let none = Memberships::default();
        assert_eq!(level(&alice, &lib, &[], &none), Some(AccessLevel::Manage));
        assert_eq!(level(&admin, &lib, &[], &none), None);
        let g = [grant(Some(2), None, AccessLevel::Read)];
        assert_eq!(level(&admin, &lib, &g, &none), Some(AccessLevel::Read));
    }

    #[test]
    fn department_members_write_others_need_a_grant() {
        let mut bob = user("bob", true);
        bob.id = 7;
        let lib = Library::Department {
            id: 3,
            head_id: Some(9),
        };
        let member = Memberships {
            department_id: Some(3),
            ..Default::default()
        };
        let outsider = Memberships {
            department_id: Some(4),
            group_ids: vec![11],
            ..Default::default()
        };
        assert_eq!(level(&bob, &lib, &[], &member), Some(AccessLevel::Write));
        assert_eq!(level(&bob, &lib, &[], &outsider), None);
        let via_group = [grant(Some(11), None, AccessLevel::Read)];
        assert_eq!(level(&bob, &lib, &via_group, &outsider), Some(AccessLevel::Read));
        let via_dept = [grant(None, Some(4), AccessLevel::Write)];
        assert_eq!(level(&bob, &lib, &via_dept, &outsider), Some(AccessLevel::Write));
        bob.id = 9;
        assert_eq!(
            level(&bob, &lib, &[], &outsider),
            Some(AccessLevel::Manage),
            "the head manages"
        );
    }

    #[test]
    fn shared_is_readable_by_all_writable_by_grant() {
        let carol = user("carol", true);
        let none = Memberships::default();
        let facts = DocumentFacts {
            library: &Library::Shared,
            grants: &[],
            memberships: &none,
        };
        assert!(can(&carol, Action::Read, Resource::Document(&facts)));
        assert!(!can(&carol, Action::Write, Resource::Document(&facts)));
        let g = [grant(Some(1), None, AccessLevel::Write)];
        let facts = DocumentFacts {
            library: &Library::Shared,
            grants: &g,
            memberships: &none,
        };
        assert!(can(&carol, Action::Write, Resource::Document(&facts)));
        assert!(!can(&carol, Action::Manage, Resource::Document(&facts)));
    }

    #[test]
    fn calendar_homes_are_open_to_look_into_and_closed_to_write() {
        let alice = user("alice", true);
        let mut bob = user("bob", true);
        bob.id = 2;
        assert!(can(&alice, Action::Write, Resource::CalendarHome { owner: &alice }));
        assert!(can(&bob, Action::Read, Resource::CalendarHome { owner: &alice }));
        assert!(!can(&bob, Action::Write, Resource::CalendarHome { owner: &alice }));
        // A workgroup's home is managed by administrators; a person's is theirs alone.
        let mut team = user("team", true);
        team.id = 9;
        team.kind = PrincipalKind::Group;
        let mut ada = user("ada", true);
        ada.id = 3;
        ada.is_admin = true;
        assert!(can(&ada, Action::Write, Resource::CalendarHome { owner: &team }));
        assert!(!can(&ada, Action::Write, Resource::CalendarHome { owner: &alice }));
        assert!(!can(&bob, Action::Write, Resource::CalendarHome { owner: &team }));
        // Schedule inboxes are their owner's alone, even for reading and even for admins.
        assert!(can(&alice, Action::Read, Resource::ScheduleBox { owner: &alice }));
        assert!(!can(&bob, Action::Read, Resource::ScheduleBox { owner: &alice }));
        assert!(!can(&ada, Action::Read, Resource::ScheduleBox { owner: &alice }));
    }

    #[test]
    fn calendar_views_follow_mode_and_grants() {
        let mut bob = user("bob", true);
        bob.id = 2;
        let none = Memberships::default();
        let view = |visibility: &str, grants: &[CollectionGrant]| {
            calendar_view(
                &bob,
                &CalendarFacts {
                    owner_id: 1,
                    owner: CalendarOwner::Person,
                    visibility,
                    grants,
                    memberships: &none,
                },
            )
        };
        assert_eq!(view("private", &[]), CalendarView::None);
        assert_eq!(view("busy", &[]), CalendarView::BusyOnly);
        assert_eq!(view("titles", &[]), CalendarView::Titles);
        assert_eq!(view("all", &[]), CalendarView::Read);
        let read = [CollectionGrant {
            principal_id: Some(2),
            department_id: None,
            level: 1,
        }];
        let write = [CollectionGrant {
            principal_id: Some(2),
            department_id: None,
            level: 2,
        }];
        let other = [CollectionGrant {
            principal_id: Some(3),
            department_id: None,
            level: 2,
        }];
        assert_eq!(view("private", &read), CalendarView::Read);
        assert_eq!(view("busy", &write), CalendarView::Write);
        assert_eq!(view("private", &other), CalendarView::None);
        let facts = CalendarFacts {
            owner_id: 1,
            owner: CalendarOwner::Person,
            visibility: "titles",
            grants: &[],
            memberships: &none,
        };
        assert!(calendar_view(&bob, &facts).allows(Action::Read));
        assert!(!calendar_view(&bob, &facts).allows(Action::Write));
        let facts = CalendarFacts {
            owner_id: 2,
            owner: CalendarOwner::Person,
            visibility: "private",
            grants: &[],
            memberships: &none,
        };
        assert!(calendar_view(&bob, &facts).allows(Action::Manage));
        // A grant to a department reaches its employees and nobody else.
        let dept = [CollectionGrant {
            principal_id: None,
            department_id: Some(7),
            level: 1,
        }];
        let in_sales = Memberships {
            department_id: Some(7),
            ..Memberships::default()
        };
        let in_support = Memberships {
            department_id: Some(8),
            ..Memberships::default()
        };
        let facts = |memberships| CalendarFacts {
            owner_id: 1,
            owner: CalendarOwner::Person,
            visibility: "private",
            grants: &dept,
            memberships,
        };
        assert_eq!(calendar_view(&bob, &facts(&in_sales)), CalendarView::Read);
        assert_eq!(calendar_view(&bob, &facts(&in_support)), CalendarView::None);
    }

    #[test]
    fn team_calendars_belong_to_members_and_managers() {
        let mut bob = user("bob", true);
        bob.id = 2;
        let view = |p: &Principal, owner: CalendarOwner, m: &Memberships, visibility: &str| {
            calendar_view(
                p,
                &CalendarFacts {
                    owner_id: 50,
                    owner,
                    visibility,
                    grants: &[],
                    memberships: m,
                },
            )
        };
        let none = Memberships::default();
        let in_dept = Memberships {
            department_id: Some(3),
            ..Default::default()
        };
        let in_group = Memberships {
            group_ids: vec![50],
            ..Default::default()
        };
        let dept = CalendarOwner::Department {
            id: 3,
            head_id: Some(9),
        };
        assert_eq!(view(&bob, dept, &in_dept, "private"), CalendarView::Write);
        assert_eq!(view(&bob, dept, &none, "private"), CalendarView::None);
        assert_eq!(view(&bob, dept, &none, "titles"), CalendarView::Titles);
        assert_eq!(
            view(&bob, CalendarOwner::Workgroup, &in_group, "private"),
            CalendarView::Write
        );
        assert_eq!(
            view(&bob, CalendarOwner::Workgroup, &in_dept, "busy"),
            CalendarView::BusyOnly
        );
        assert_eq!(view(&bob, CalendarOwner::Company, &in_group, "all"), CalendarView::Read);
        assert_eq!(
            view(&bob, CalendarOwner::Person, &in_group, "private"),
            CalendarView::None
        );
        let mut head = bob.clone();
        head.id = 9;
        assert_eq!(view(&head, dept, &none, "private"), CalendarView::Owner);
        let mut admin = bob.clone();
        admin.is_admin = true;
        assert_eq!(view(&admin, CalendarOwner::Company, &none, "all"), CalendarView::Owner);
        assert_eq!(
            view(&admin, CalendarOwner::Person, &none, "private"),
            CalendarView::None,
            "a person's calendar stays private from administrators"
        );
    }

    #[test]
    fn dav_root_is_read_only() {
        let alice = user("alice", true);
        assert!(can(&alice, Action::Read, Resource::DavRoot));
        assert!(!can(&alice, Action::Write, Resource::DavRoot));
    }
}
