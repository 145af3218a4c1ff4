//! `DAV:error` response bodies (RFC 4918 §16): precondition and
//! postcondition elements in `DAV:` or any other namespace (CalDAV's
//! `C:valid-calendar-data`, …), as whole bodies or inside a multistatus.

use crate::qname::{NS_PORTICO, QName};
use crate::xml::node::{XmlElement, XmlNode};
use crate::xml::writer::{Namespaces, UsesNamespaces, XmlWriter};

/// One condition code, rendered as an element inside `DAV:error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precondition {
    /// The condition element's name.
    pub name: QName,
    /// Its content (usually none, or `DAV:href`s).
    pub children: Vec<XmlNode>,
}

const ERROR: QName = QName::dav("error");
const MESSAGE: QName = QName::new_static(NS_PORTICO, "message");

impl Precondition {
    /// An empty condition element in any namespace.
    pub fn new(name: QName) -> Self {
        Self {
            name,
            children: Vec::new(),
        }
    }

    /// A condition listing hrefs (already percent-encoded).
    pub fn with_hrefs<S: AsRef<str>>(name: QName, hrefs: &[S]) -> Self {
        Self {
            name,
            children: hrefs.iter().map(|h| XmlElement::href(h.as_ref()).into()).collect(),
        }
    }

    /// `propfind-finite-depth` (§9.1): Depth: infinity PROPFIND refused.
    pub fn propfind_finite_depth() -> Self {
        Self::new(QName::dav("propfind-finite-depth"))
    }

    /// `lock-token-submitted` (§16) with the roots of the locks whose tokens
    /// were needed.
    pub fn lock_token_submitted<S: AsRef<str>>(lock_roots: &[S]) -> Self {
        Self::with_hrefs(QName::dav("lock-token-submitted"), lock_roots)
    }

    /// `no-conflicting-lock` (§16), optionally naming the conflicting
    /// locks' roots.
    pub fn no_conflicting_lock<S: AsRef<str>>(lock_roots: &[S]) -> Self {
        Self::with_hrefs(QName::dav("no-conflicting-lock"), lock_roots)
    }

    /// `lock-token-matches-request-uri` (§9.11.1): UNLOCK with a token that
    /// does not lock the request URI.
    pub fn lock_token_matches_request_uri() -> Self {
        Self::new(QName::dav("lock-token-matches-request-uri"))
    }

    /// `cannot-modify-protected-property` (§9.2.1).
    pub fn cannot_modify_protected_property() -> Self {
        Self::new(QName::dav("cannot-modify-protected-property"))
    }

    /// A complete `DAV:error` body holding only this condition.
    pub fn to_body(&self) -> String {
        error_body(std::slice::from_ref(self))
    }

    /// A complete `DAV:error` body with this condition and, after it, why in words as
    /// `P:message` in Portico's namespace (RFC 4918 §16 lets `DAV:error` carry elements
    /// of other namespaces, which clients ignore).
    pub fn to_body_with_message(&self, message: &str) -> String {
        let conditions = std::slice::from_ref(self);
        let mut ns = Namespaces::new();
        conditions.collect_namespaces(&mut ns);
        ns.add(NS_PORTICO);
        let mut w = XmlWriter::new(ns);
        w.start(&ERROR);
        write_conditions(&mut w, conditions);
        w.text_element(&MESSAGE, message);
        w.end(&ERROR);
        w.finish()
    }
}

/// A complete XML body `<D:error xmlns:D="DAV:">…</D:error>`.
pub fn error_body(conditions: &[Precondition]) -> String {
    let mut ns = Namespaces::new();
    conditions.collect_namespaces(&mut ns);
    let mut w = XmlWriter::new(ns);
    write_error(&mut w, conditions);
    w.finish()
}

/// `<D:error><D:propfind-finite-depth/></D:error>` (403 to Depth: infinity).
pub fn propfind_finite_depth() -> String {
    Precondition::propfind_finite_depth().to_body()
}

/// `<D:error><D:lock-token-submitted><D:href>…` (423) naming lock roots.
pub fn lock_token_submitted<S: AsRef<str>>(lock_roots: &[S]) -> String {
    Precondition::lock_token_submitted(lock_roots).to_body()
}

/// `<D:error><D:no-conflicting-lock>…` (423 to LOCK) naming lock roots.
pub fn no_conflicting_lock<S: AsRef<str>>(lock_roots: &[S]) -> String {
    Precondition::no_conflicting_lock(lock_roots).to_body()
}

/// `<D:error><D:lock-token-matches-request-uri/></D:error>` (409 to UNLOCK).
pub fn lock_token_matches_request_uri() -> String {
    Precondition::lock_token_matches_request_uri().to_body()
}

/// `<D:error><D:cannot-modify-protected-property/></D:error>` (403).
pub fn cannot_modify_protected_property() -> String {
    Precondition::cannot_modify_protected_property().to_body()
}

/// Writes `<D:error>` with the conditions (nothing if there are none).
pub(crate) fn write_error(w: &mut XmlWriter, conditions: &[Precondition]) {
    if conditions.is_empty() {
        return;
    }
    w.start(&ERROR);
    write_conditions(w, conditions);
    w.end(&ERROR);
}

fn write_conditions(w: &mut XmlWriter, conditions: &[Precondition]) {
    for c in conditions {
        if c.children.is_empty() {
            w.empty(&c.name);
        } else {
            w.start(&c.name);
            for child in &c.children {
                child.write(w);
            }
            w.end(&c.name);
        }
    }
}

impl UsesNamespaces for [Precondition] {
    fn collect_namespaces(&self, ns: &mut Namespaces) {
        for c in self {
            ns.add(&c.name.ns);
            for child in &c.children {
                child.collect_namespaces(ns);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::NS_CALDAV;

    const DECL: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

    #[test]
    fn finite_depth() {
        assert_eq!(
            propfind_finite_depth(),
            format!(r#"{DECL}<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>"#)
        );
    }

    #[test]
    fn lock_token_submitted_with_hrefs() {
        assert_eq!(
            lock_token_submitted(&["/workspace/webdav/"]),
            format!(
                r#"{DECL}<D:error xmlns:D="DAV:"><D:lock-token-submitted><D:href>/workspace/webdav/</D:href></D:lock-token-submitted></D:error>"#
            )
        );
    }

    #[test]
    fn other_dav_conditions() {
        let body = error_body(&[
            Precondition::no_conflicting_lock::<&str>(&[]),
            Precondition::lock_token_matches_request_uri(),
            Precondition::cannot_modify_protected_property(),
        ]);
        assert_eq!(
            body,
            format!(
                r#"{DECL}<D:error xmlns:D="DAV:"><D:no-conflicting-lock/><D:lock-token-matches-request-uri/><D:cannot-modify-protected-property/></D:error>"#
            )
        );
    }

    #[test]
    fn body_helpers_match_preconditions() {
        assert_eq!(
            no_conflicting_lock(&["/a/"]),
            Precondition::no_conflicting_lock(&["/a/"]).to_body()
        );
        assert!(no_conflicting_lock(&["/a/"]).contains("<D:no-conflicting-lock><D:href>/a/</D:href>"));
        assert!(lock_token_matches_request_uri().contains("<D:lock-token-matches-request-uri/>"));
        assert!(cannot_modify_protected_property().contains("<D:cannot-modify-protected-property/>"));
    }

    #[test]
    fn condition_in_another_namespace() {
        let body = Precondition::new(QName::new(NS_CALDAV, "valid-calendar-data")).to_body();
        assert_eq!(
            body,
            format!(
                r#"{DECL}<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:valid-calendar-data/></D:error>"#
            )
        );
        let body = Precondition::new(QName::new("http://example.com/ns", "quota-exceeded")).to_body();
        assert!(body.contains(r#"xmlns:ns1="http://example.com/ns"><ns1:quota-exceeded/></D:error>"#));
    }

    #[test]
    fn a_message_follows_the_condition() {
        let body = Precondition::new(QName::new(NS_CALDAV, "max-instances")).to_body_with_message("more than 5 < 6");
        assert_eq!(
            body,
            format!(
                r#"{DECL}<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:P="urn:portico:dav"><C:max-instances/><P:message>more than 5 &lt; 6</P:message></D:error>"#
            )
        );
    }
}
