//! The canonical URLs of what Portico serves: principals, calendar and address-book homes,
//! calendars and their objects. They are identities as much as addresses — a calendar user's
//! address set, a `no-uid-conflict` precondition and an invitation name resources by them —
//! so the domain owns them and every adapter builds hrefs here.

use dav::encode_href;

/// Where the CalDAV and CardDAV URL space starts.
pub const DAV_PREFIX: &str = "/dav";

fn href(segments: &[&str], collection: bool) -> String {
    format!("{DAV_PREFIX}{}", encode_href(segments, collection))
}

pub fn root_href() -> String {
    format!("{DAV_PREFIX}/")
}

pub fn principals_href() -> String {
    href(&["principals", "users"], true)
}

pub fn principal_href(login: &str) -> String {
    href(&["principals", "users", login], true)
}

pub fn calendar_home_href(login: &str) -> String {
    href(&["calendars", login], true)
}

/// A calendar in a home: its slug in its owner's, or `{owner}~{slug}` bound in another's.
pub fn calendar_href(home_login: &str, segment: &str) -> String {
    href(&["calendars", home_login, segment], true)
}

pub fn object_href(home_login: &str, segment: &str, name: &str) -> String {
    href(&["calendars", home_login, segment, name], false)
}

/// The schedule inbox of a calendar user (RFC 6638 §2.2).
pub fn inbox_href(login: &str) -> String {
    href(&["calendars", login, "inbox"], true)
}

pub fn inbox_item_href(login: &str, name: &str) -> String {
    href(&["calendars", login, "inbox", name], false)
}

/// The schedule outbox of a calendar user (RFC 6638 §2.1).
pub fn outbox_href(login: &str) -> String {
    href(&["calendars", login, "outbox"], true)
}

pub fn addressbook_home_href(login: &str) -> String {
    href(&["addressbooks", login], true)
}

pub fn addressbook_href(login: &str, slug: &str) -> String {
    href(&["addressbooks", login, slug], true)
}

pub fn card_href(login: &str, slug: &str, name: &str) -> String {
    href(&["addressbooks", login, slug, name], false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_encoded() {
        assert_eq!(
            object_href("alice", "work", "a b.ics"),
            "/dav/calendars/alice/work/a%20b.ics"
        );
        assert_eq!(calendar_home_href("alice"), "/dav/calendars/alice/");
        assert_eq!(addressbook_home_href("bob"), "/dav/addressbooks/bob/");
        assert_eq!(principal_href("b c"), "/dav/principals/users/b%20c/");
    }
}
