//! The `/dav/` URL space of CalDAV (and, later, CardDAV): what a request path names, and
//! the canonical hrefs of principals, homes, calendars and objects.

use dav::decode_path;

use crate::edge::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DavPath {
    /// `/dav/`
    Root,
    /// `/dav/principals/`, `/dav/principals/users/`
    PrincipalCollection,
    /// `/dav/principals/users/{login}/`
    Principal { login: String },
    /// `/dav/calendars/`
    CalendarRoot,
    /// `/dav/calendars/{login}/`
    CalendarHome { login: String },
    /// `/dav/calendars/{login}/inbox/`: the schedule inbox (RFC 6638 §2.2); `inbox` and
    /// `outbox` are never calendar slugs.
    Inbox { login: String },
    /// `/dav/calendars/{login}/inbox/{name}`
    InboxItem { login: String, name: String },
    /// `/dav/calendars/{login}/outbox/` (RFC 6638 §2.1)
    Outbox { login: String },
    /// `/dav/calendars/{login}/{slug}/`
    Calendar { login: String, slug: String },
    /// `/dav/calendars/{login}/{slug}/{name}`
    CalendarObject { login: String, slug: String, name: String },
}

impl DavPath {
    /// Parses the part of a request path after `/dav` (400 for unsafe paths, 404 for
    /// paths that name nothing).
    pub fn parse(below_dav: &str) -> Result<DavPath, AppError> {
        let raw = if below_dav.is_empty() { "/" } else { below_dav };
        let segments = decode_path(raw).map_err(|e| AppError::BadRequest(format!("invalid path: {e}")))?;
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        Ok(match s.as_slice() {
            [] => DavPath::Root,
            ["principals"] | ["principals", "users"] => DavPath::PrincipalCollection,
            ["principals", "users", login] => DavPath::Principal { login: (*login).into() },
            ["calendars"] => DavPath::CalendarRoot,
            ["calendars", login] => DavPath::CalendarHome { login: (*login).into() },
            ["calendars", login, "inbox"] => DavPath::Inbox { login: (*login).into() },
            ["calendars", login, "inbox", name] => DavPath::InboxItem {
                login: (*login).into(),
                name: (*name).into(),
            },
            ["calendars", login, "outbox"] => DavPath::Outbox { login: (*login).into() },
            ["calendars", login, slug] => DavPath::Calendar {
                login: (*login).into(),
                slug: (*slug).into(),
            },
            ["calendars", login, slug, name] => DavPath::CalendarObject {
                login: (*login).into(),
                slug: (*slug).into(),
                name: (*name).into(),
            },
            _ => return Err(AppError::NotFound),
        })
    }
}

pub use crate::core::urls::{
    DAV_PREFIX, calendar_home_href, calendar_href, inbox_href, inbox_item_href, object_href, outbox_href,
    principal_href, principals_href, root_href,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_url_space() {
        assert_eq!(DavPath::parse("/").unwrap(), DavPath::Root);
        assert_eq!(DavPath::parse("").unwrap(), DavPath::Root);
        assert_eq!(
            DavPath::parse("/principals/users/alice/").unwrap(),
            DavPath::Principal { login: "alice".into() }
        );
        assert_eq!(
            DavPath::parse("/calendars/alice/work/ev%201.ics").unwrap(),
            DavPath::CalendarObject {
                login: "alice".into(),
                slug: "work".into(),
                name: "ev 1.ics".into()
            }
        );
        assert!(matches!(DavPath::parse("/calendars/a/b/c/d"), Err(AppError::NotFound)));
        assert_eq!(
            DavPath::parse("/calendars/alice/inbox/").unwrap(),
            DavPath::Inbox { login: "alice".into() }
        );
        assert_eq!(
            DavPath::parse("/calendars/alice/outbox").unwrap(),
            DavPath::Outbox { login: "alice".into() }
        );
        assert!(matches!(
            DavPath::parse("/calendars/alice/inbox/m.ics"),
            Ok(DavPath::InboxItem { .. })
        ));
        assert!(matches!(
            DavPath::parse("/calendars/../x"),
            Err(AppError::BadRequest(_))
        ));
    }
}
