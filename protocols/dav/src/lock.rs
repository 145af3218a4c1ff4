//! The lock model (RFC 4918 §6–7) — scope, active locks — and the XML that
//! describes locks: `DAV:lockdiscovery`, `DAV:supportedlock` and the LOCK
//! response body. Storage and conflict checks live in the server.

use crate::headers::{Depth, Timeout};
use crate::names;
use crate::prop_value::PropValue;
use crate::qname::QName;
use crate::xml::writer::{Namespaces, XmlWriter};

/// Exclusive or shared (§6.2). Only write locks exist (§7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockScope {
    /// At most one lock of this kind on a resource.
    Exclusive,
    /// May coexist with other shared locks.
    Shared,
}

impl LockScope {
    fn element(self) -> QName {
        match self {
            LockScope::Exclusive => QName::dav("exclusive"),
            LockScope::Shared => QName::dav("shared"),
        }
    }
}

/// A granted write lock, as reported in `DAV:activelock` (§14.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveLock {
    /// Lock token URI (`urn:uuid:…`), without angle brackets.
    pub token: String,
    /// Href of the lock root, already percent-encoded.
    pub root: String,
    /// `Zero` or `Infinity` (LOCK does not allow `One`).
    pub depth: Depth,
    /// Exclusive or shared.
    pub scope: LockScope,
    /// The owner content from the LOCK request, echoed verbatim.
    pub owner: Option<PropValue>,
    /// Time remaining (or granted, in a LOCK response).
    pub timeout: Timeout,
}

const PROP: QName = QName::dav("prop");
const ACTIVELOCK: QName = QName::dav("activelock");
const LOCKENTRY: QName = QName::dav("lockentry");
const LOCKSCOPE: QName = QName::dav("lockscope");
const LOCKTYPE: QName = QName::dav("locktype");
const WRITE: QName = QName::dav("write");
const DEPTH: QName = QName::dav("depth");
const OWNER: QName = QName::dav("owner");
const TIMEOUT: QName = QName::dav("timeout");
const LOCKTOKEN: QName = QName::dav("locktoken");
const LOCKROOT: QName = QName::dav("lockroot");
const HREF: QName = QName::dav("href");

/// The body of a successful LOCK response (§9.10.1):
/// `<D:prop><D:lockdiscovery>…</D:lockdiscovery></D:prop>`.
///
/// `include_lockroot: false` leaves out `DAV:lockroot`, which some
/// Microsoft Office versions fail to parse.
pub fn lock_response_body(locks: &[ActiveLock], include_lockroot: bool) -> String {
    let mut w = XmlWriter::new(Namespaces::new());
    w.start(&PROP);
    if locks.is_empty() {
        w.empty(&names::LOCKDISCOVERY);
    } else {
        w.start(&names::LOCKDISCOVERY);
        write_active_locks(&mut w, locks, include_lockroot);
        w.end(&names::LOCKDISCOVERY);
    }
    w.end(&PROP);
    w.finish()
}

/// Writes one `DAV:activelock` per lock, children in §14.1 order.
pub(crate) fn write_active_locks(w: &mut XmlWriter, locks: &[ActiveLock], include_lockroot: bool) {
    for lock in locks {
        w.start(&ACTIVELOCK);
        write_scope_and_type(w, lock.scope);
        w.text_element(&DEPTH, lock.depth.as_str());
        if let Some(owner) = &lock.owner {
            write_owner(w, owner);
        }
        w.text_element(&TIMEOUT, &lock.timeout.to_string());
        w.start(&LOCKTOKEN);
        w.text_element(&HREF, &lock.token);
        w.end(&LOCKTOKEN);
        if include_lockroot {
            w.start(&LOCKROOT);
            w.text_element(&HREF, &lock.root);
            w.end(&LOCKROOT);
        }
        w.end(&ACTIVELOCK);
    }
}

/// Writes the `DAV:supportedlock` content: exclusive and shared write locks.
pub(crate) fn write_supported_locks(w: &mut XmlWriter) {
    for scope in [LockScope::Exclusive, LockScope::Shared] {
        w.start(&LOCKENTRY);
        write_scope_and_type(w, scope);
        w.end(&LOCKENTRY);
    }
}

fn write_scope_and_type(w: &mut XmlWriter, scope: LockScope) {
    w.start(&LOCKSCOPE);
    w.empty(&scope.element());
    w.end(&LOCKSCOPE);
    w.start(&LOCKTYPE);
    w.empty(&WRITE);
    w.end(&LOCKTYPE);
}

fn write_owner(w: &mut XmlWriter, owner: &PropValue) {
    let lang = owner.lang().map(|l| [("xml:lang", l)]);
    let attrs: &[(&str, &str)] = lang.as_ref().map_or(&[], |a| a.as_slice());
    if owner.xml().is_empty() {
        w.empty_with(&OWNER, attrs);
    } else {
        w.start_with(&OWNER, attrs);
        w.raw(owner.xml());
        w.end(&OWNER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::lockinfo::parse_lockinfo;

    const DECL: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

    fn lock(owner: Option<PropValue>) -> ActiveLock {
        ActiveLock {
            token: "urn:uuid:e71d4fae-5dec-22d6-fea5-00a0c91e6be4".into(),
            root: "/docs/Report%202026.docx".into(),
            depth: Depth::Zero,
            scope: LockScope::Exclusive,
            owner,
            timeout: Timeout::Seconds(3600),
        }
    }

    #[test]
    fn lock_response_with_lockroot() {
        let body = lock_response_body(&[lock(Some(PropValue::text("litmus test suite")))], true);
        assert_eq!(
            body,
            format!(
                "{DECL}<D:prop xmlns:D=\"DAV:\"><D:lockdiscovery><D:activelock>\
                 <D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>\
                 <D:depth>0</D:depth><D:owner>litmus test suite</D:owner>\
                 <D:timeout>Second-3600</D:timeout>\
                 <D:locktoken><D:href>urn:uuid:e71d4fae-5dec-22d6-fea5-00a0c91e6be4</D:href></D:locktoken>\
                 <D:lockroot><D:href>/docs/Report%202026.docx</D:href></D:lockroot>\
                 </D:activelock></D:lockdiscovery></D:prop>"
            )
        );
    }

    #[test]
    fn lock_response_without_lockroot_for_office() {
        let body = lock_response_body(&[lock(None)], false);
        assert!(!body.contains("lockroot"));
        assert!(!body.contains("owner"));
        assert!(body.ends_with("</D:locktoken></D:activelock></D:lockdiscovery></D:prop>"));
    }

    #[test]
    fn office_owner_round_trips() {
        let info = parse_lockinfo(
            br#"<?xml version="1.0" encoding="utf-8" ?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>CONTOSO\jdoe</D:href></D:owner></D:lockinfo>"#,
        )
        .unwrap()
        .unwrap();
        let mut l = lock(info.owner);
        l.scope = info.scope;
        l.depth = Depth::Infinity;
        l.timeout = Timeout::Infinite;
        let body = lock_response_body(&[l], false);
        assert!(body.contains(
            r#"<D:depth>infinity</D:depth><D:owner><D:href xmlns:D="DAV:">CONTOSO\jdoe</D:href></D:owner><D:timeout>Infinite</D:timeout>"#
        ));
    }

    #[test]
    fn owner_language_is_kept() {
        let owner = PropValue::from_stored("Jürgen".into(), Some("de".into()));
        let body = lock_response_body(&[lock(Some(owner))], true);
        assert!(body.contains(r#"<D:owner xml:lang="de">Jürgen</D:owner>"#));
        let empty = PropValue::from_stored(String::new(), Some("de".into()));
        let body = lock_response_body(&[lock(Some(empty))], true);
        assert!(body.contains(r#"<D:owner xml:lang="de"/>"#));
    }

    #[test]
    fn shared_locks_and_empty_discovery() {
        let mut a = lock(None);
        a.scope = LockScope::Shared;
        let mut b = a.clone();
        b.token = "urn:uuid:2".into();
        let body = lock_response_body(&[a, b], true);
        assert_eq!(body.matches("<D:shared/>").count(), 2);
        assert_eq!(
            lock_response_body(&[], true),
            format!(r#"{DECL}<D:prop xmlns:D="DAV:"><D:lockdiscovery/></D:prop>"#)
        );
    }
}
