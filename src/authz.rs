//! Authorisation: the one place that decides whether a principal may act on a resource.
//!
//! Every handler asks [`can`] before touching data. Resource kinds grow with the features
//! (document folders, calendars, address books); each new kind gets its rule here.

use crate::store::Principal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
}

#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    /// The DAV entry point `/dav/`: every signed-in user may discover from it.
    DavRoot,
    /// The account settings (app passwords, sessions) of the named principal.
    Account { login: &'a str },
}

pub fn can(principal: &Principal, action: Action, resource: Resource<'_>) -> bool {
    if !principal.active {
        return false;
    }
    match resource {
        Resource::DavRoot => action == Action::Read,
        Resource::Account { login } => principal.login == login,
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

    #[test]
    fn dav_root_is_read_only() {
        let alice = user("alice", true);
        assert!(can(&alice, Action::Read, Resource::DavRoot));
        assert!(!can(&alice, Action::Write, Resource::DavRoot));
    }
}
