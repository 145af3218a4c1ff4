//! Property values as they appear inside `DAV:prop` in responses, typed so
//! the server never assembles XML by hand.

use std::time::SystemTime;

use crate::dates::{http_date, rfc3339};
use crate::lock::{ActiveLock, write_active_locks, write_supported_locks};
use crate::prop_value::PropValue;
use crate::qname::QName;
use crate::xml::node::XmlNode;
use crate::xml::writer::{Namespaces, UsesNamespaces, XmlWriter};

/// A property name with the value to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Property name.
    pub name: QName,
    /// Value.
    pub value: PropertyValue,
}

/// How a property's value is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyValue {
    /// `<name/>`: PROPFIND `propname` results, 404/403/424 entries, and
    /// empty values.
    Empty,
    /// Character data, escaped (`displayname`, `getetag`, …).
    Text(String),
    /// One `DAV:href` (already percent-encoded).
    Href(String),
    /// Several `DAV:href`s (already percent-encoded).
    Hrefs(Vec<String>),
    /// `DAV:resourcetype` content: empty elements such as `DAV:collection`
    /// and CalDAV's `calendar`; empty for plain files.
    ResourceType(Vec<QName>),
    /// A dead property value, written back exactly as stored.
    Dead(PropValue),
    /// Structured content (CalDAV/CardDAV live properties and the like).
    Elements(Vec<XmlNode>),
    /// The resources an href-valued property names, each a `DAV:response` with their
    /// properties: an `expand-property` REPORT's answer (RFC 3253 §3.8).
    Responses(Vec<crate::response::multistatus::Response>),
    /// An HTTP-date (`getlastmodified`).
    HttpDate(SystemTime),
    /// An RFC 3339 date-time (`creationdate`).
    CreationDate(SystemTime),
    /// `DAV:lockdiscovery` content. `include_lockroot: false` omits
    /// `DAV:lockroot` for Microsoft Office.
    LockDiscovery {
        /// Locks covering the resource.
        locks: Vec<ActiveLock>,
        /// Whether to write `DAV:lockroot`.
        include_lockroot: bool,
    },
    /// `DAV:supportedlock`: exclusive and shared write locks.
    SupportedLock,
}

impl Property {
    /// A property with any value.
    pub fn new(name: QName, value: PropertyValue) -> Self {
        Self { name, value }
    }

    /// `<name/>`.
    pub fn empty(name: QName) -> Self {
        Self::new(name, PropertyValue::Empty)
    }

    /// A text value.
    pub fn text(name: QName, text: impl Into<String>) -> Self {
        Self::new(name, PropertyValue::Text(text.into()))
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        let name = &self.name;
        match &self.value {
            PropertyValue::Empty => w.empty(name),
            PropertyValue::Text(t) => w.text_element(name, t),
            PropertyValue::Href(h) => {
                w.start(name);
                w.text_element(&HREF, h);
                w.end(name);
            }
            PropertyValue::Hrefs(hrefs) => wrap(w, name, hrefs.is_empty(), |w| {
                for h in hrefs {
                    w.text_element(&HREF, h);
                }
            }),
            PropertyValue::ResourceType(types) => wrap(w, name, types.is_empty(), |w| {
                for t in types {
                    w.empty(t);
                }
            }),
            PropertyValue::Dead(value) => write_dead(w, name, value),
            PropertyValue::Elements(nodes) => wrap(w, name, nodes.is_empty(), |w| {
                for n in nodes {
                    n.write(w);
                }
            }),
            PropertyValue::Responses(responses) => wrap(w, name, responses.is_empty(), |w| {
                for r in responses {
                    r.write(w);
                }
            }),
            PropertyValue::HttpDate(t) => w.text_element(name, &http_date(*t)),
            PropertyValue::CreationDate(t) => w.text_element(name, &rfc3339(*t)),
            PropertyValue::LockDiscovery {
                locks,
                include_lockroot,
            } => wrap(w, name, locks.is_empty(), |w| {
                write_active_locks(w, locks, *include_lockroot);
            }),
            PropertyValue::SupportedLock => wrap(w, name, false, write_supported_locks),
        }
    }
}

const HREF: QName = QName::dav("href");

/// `<name/>` when `empty`, else `<name>…</name>` around `content`.
fn wrap(w: &mut XmlWriter, name: &QName, empty: bool, content: impl FnOnce(&mut XmlWriter)) {
    if empty {
        w.empty(name);
    } else {
        w.start(name);
        content(w);
        w.end(name);
    }
}

fn write_dead(w: &mut XmlWriter, name: &QName, value: &PropValue) {
    let lang = value.lang().map(|l| [("xml:lang", l)]);
    let attrs: &[(&str, &str)] = lang.as_ref().map_or(&[], |a| a.as_slice());
    if value.xml().is_empty() {
        w.empty_with(name, attrs);
    } else {
        w.start_with(name, attrs);
        w.raw(value.xml());
        w.end(name);
    }
}

impl UsesNamespaces for Property {
    fn collect_namespaces(&self, ns: &mut Namespaces) {
        ns.add(&self.name.ns);
        match &self.value {
            PropertyValue::ResourceType(types) => types.iter().for_each(|t| ns.add(&t.ns)),
            PropertyValue::Elements(nodes) => nodes.iter().for_each(|n| n.collect_namespaces(ns)),
            PropertyValue::Responses(responses) => responses.iter().for_each(|r| r.collect_namespaces(ns)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::{Depth, Timeout};
    use crate::lock::LockScope;
    use crate::names;
    use crate::qname::{NS_CALDAV, NS_MS};
    use crate::xml::node::XmlElement;
    use std::time::{Duration, UNIX_EPOCH};

    /// Renders properties inside `<D:prop>` and returns what is inside it.
    fn render(props: &[Property]) -> String {
        let mut ns = Namespaces::new();
        props.iter().for_each(|p| p.collect_namespaces(&mut ns));
        let mut w = XmlWriter::new(ns);
        let prop = QName::dav("prop");
        w.start(&prop);
        props.iter().for_each(|p| p.write(&mut w));
        w.end(&prop);
        let out = w.finish();
        let start = out.find('>').map(|i| i + 1).unwrap();
        let start = out[start..].find('>').map(|i| start + i + 1).unwrap();
        out[start..out.len() - "</D:prop>".len()].to_owned()
    }

    #[test]
    fn simple_values() {
        let t = UNIX_EPOCH + Duration::from_secs(1_768_209_302);
        let out = render(&[
            Property::text(names::DISPLAYNAME, "A & B <draft>"),
            Property::text(names::GETETAG, "\"abc\""),
            Property::empty(names::GETCONTENTTYPE),
            Property::text(names::GETCONTENTLANGUAGE, ""),
            Property::new(names::GETLASTMODIFIED, PropertyValue::HttpDate(t)),
            Property::new(names::CREATIONDATE, PropertyValue::CreationDate(t)),
        ]);
        assert_eq!(
            out,
            "<D:displayname>A &amp; B &lt;draft&gt;</D:displayname><D:getetag>\"abc\"</D:getetag>\
             <D:getcontenttype/><D:getcontentlanguage/>\
             <D:getlastmodified>Mon, 12 Jan 2026 09:15:02 GMT</D:getlastmodified>\
             <D:creationdate>2026-01-12T09:15:02Z</D:creationdate>"
        );
    }

    #[test]
    fn hrefs() {
        let out = render(&[
            Property::new(QName::dav("owner"), PropertyValue::Href("/p/u%20x/".into())),
            Property::new(
                QName::new(NS_CALDAV, "calendar-home-set"),
                PropertyValue::Hrefs(vec!["/a/".into(), "/b/".into()]),
            ),
            Property::new(QName::dav("group-membership"), PropertyValue::Hrefs(vec![])),
        ]);
        assert_eq!(
            out,
            "<D:owner><D:href>/p/u%20x/</D:href></D:owner>\
             <C:calendar-home-set><D:href>/a/</D:href><D:href>/b/</D:href></C:calendar-home-set>\
             <D:group-membership/>"
        );
    }

    #[test]
    fn resource_types() {
        let out = render(&[
            Property::new(names::RESOURCETYPE, PropertyValue::ResourceType(vec![])),
            Property::new(
                names::RESOURCETYPE,
                PropertyValue::ResourceType(vec![names::COLLECTION, QName::new(NS_CALDAV, "calendar")]),
            ),
        ]);
        assert_eq!(
            out,
            "<D:resourcetype/><D:resourcetype><D:collection/><C:calendar/></D:resourcetype>"
        );
    }

    #[test]
    fn dead_values_keep_namespaces_and_language() {
        let out = render(&[
            Property::new(
                QName::new(NS_MS, "Win32FileAttributes"),
                PropertyValue::Dead(PropValue::text("00000020")),
            ),
            Property::new(
                QName::new("http://webdav.org/neon/litmus/", "valnspace"),
                PropertyValue::Dead(PropValue::from_stored(
                    r#"<foo xmlns="bar"/>"#.into(),
                    Some("en".into()),
                )),
            ),
            Property::new(
                QName::new("", "nonamespace"),
                PropertyValue::Dead(PropValue::text("randomvalue")),
            ),
            Property::new(QName::new("urn:x", "empty"), PropertyValue::Dead(PropValue::default())),
        ]);
        assert_eq!(
            out,
            "<Z:Win32FileAttributes>00000020</Z:Win32FileAttributes>\
             <ns1:valnspace xml:lang=\"en\"><foo xmlns=\"bar\"/></ns1:valnspace>\
             <nonamespace>randomvalue</nonamespace><ns2:empty/>"
        );
    }

    #[test]
    fn structured_elements() {
        let comp = |n: &str| {
            XmlElement::new(QName::new(NS_CALDAV, "comp"))
                .with_attr("name", n)
                .into()
        };
        let out = render(&[Property::new(
            QName::new(NS_CALDAV, "supported-calendar-component-set"),
            PropertyValue::Elements(vec![comp("VEVENT"), comp("VTODO")]),
        )]);
        assert_eq!(
            out,
            r#"<C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set>"#
        );
    }

    #[test]
    fn lock_properties() {
        let lock = ActiveLock {
            token: "urn:uuid:1".into(),
            root: "/f".into(),
            depth: Depth::Infinity,
            scope: LockScope::Shared,
            owner: None,
            timeout: Timeout::Seconds(60),
        };
        let out = render(&[
            Property::new(
                names::LOCKDISCOVERY,
                PropertyValue::LockDiscovery {
                    locks: vec![lock],
                    include_lockroot: false,
                },
            ),
            Property::new(
                names::LOCKDISCOVERY,
                PropertyValue::LockDiscovery {
                    locks: vec![],
                    include_lockroot: true,
                },
            ),
            Property::new(names::SUPPORTEDLOCK, PropertyValue::SupportedLock),
        ]);
        assert_eq!(
            out,
            "<D:lockdiscovery><D:activelock><D:lockscope><D:shared/></D:lockscope>\
             <D:locktype><D:write/></D:locktype><D:depth>infinity</D:depth>\
             <D:timeout>Second-60</D:timeout><D:locktoken><D:href>urn:uuid:1</D:href></D:locktoken>\
             </D:activelock></D:lockdiscovery><D:lockdiscovery/>\
             <D:supportedlock><D:lockentry><D:lockscope><D:exclusive/></D:lockscope>\
             <D:locktype><D:write/></D:locktype></D:lockentry><D:lockentry>\
             <D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype>\
             </D:lockentry></D:supportedlock>"
        );
    }
}
