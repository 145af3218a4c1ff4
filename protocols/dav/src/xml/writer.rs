//! Compact XML response writer: one XML declaration, no indentation, every
//! namespace used in the document declared once on the root element.
//!
//! Callers first collect the namespaces a document uses ([`Namespaces`]),
//! then stream elements. A name whose namespace was not collected still
//! renders correctly, with a local `xmlns:x` declaration on its element.

use crate::qname::{NS_DAV, NS_XML, QName, well_known_prefix};
use crate::xml::escape::{push_attr, push_text};

/// The namespace → prefix table declared on a document's root element.
/// `DAV:` is always present as `D`.
#[derive(Debug, Clone)]
pub(crate) struct Namespaces {
    list: Vec<(String, String)>,
    generated: usize,
}

impl Namespaces {
    pub(crate) fn new() -> Self {
        Self {
            list: vec![(NS_DAV.to_owned(), "D".to_owned())],
            generated: 0,
        }
    }

    /// Registers `ns`; no-namespace and `xml` need no declaration.
    pub(crate) fn add(&mut self, ns: &str) {
        if ns.is_empty() || ns == NS_XML || self.prefix(ns).is_some() {
            return;
        }
        let prefix = match well_known_prefix(ns) {
            Some(p) => p.to_owned(),
            None => {
                self.generated += 1;
                format!("ns{}", self.generated)
            }
        };
        self.list.push((ns.to_owned(), prefix));
    }

    fn prefix(&self, ns: &str) -> Option<&str> {
        if ns == NS_XML {
            return Some("xml");
        }
        self.list.iter().find(|(n, _)| n == ns).map(|(_, p)| p.as_str())
    }
}

/// Anything rendered through [`XmlWriter`] that can name the namespaces it
/// uses, so they can be declared once at the root.
pub(crate) trait UsesNamespaces {
    fn collect_namespaces(&self, ns: &mut Namespaces);
}

/// Streams a compact XML document into a `String`.
pub(crate) struct XmlWriter {
    out: String,
    ns: Namespaces,
    root_written: bool,
}

/// Prefix used for names whose namespace is not declared at the root.
const LOCAL_PREFIX: &str = "x";

impl XmlWriter {
    pub(crate) fn new(ns: Namespaces) -> Self {
        Self {
            out: String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#),
            ns,
            root_written: false,
        }
    }

    pub(crate) fn start(&mut self, name: &QName) {
        self.start_with(name, &[]);
    }

    pub(crate) fn start_with(&mut self, name: &QName, attrs: &[(&str, &str)]) {
        self.open_tag(name, attrs);
        self.out.push('>');
    }

    pub(crate) fn empty(&mut self, name: &QName) {
        self.empty_with(name, &[]);
    }

    pub(crate) fn empty_with(&mut self, name: &QName, attrs: &[(&str, &str)]) {
        self.open_tag(name, attrs);
        self.out.push_str("/>");
    }

    pub(crate) fn end(&mut self, name: &QName) {
        self.out.push_str("</");
        push_name(&mut self.out, &self.ns, name);
        self.out.push('>');
    }

    pub(crate) fn text(&mut self, s: &str) {
        push_text(&mut self.out, s);
    }

    /// Appends markup that is already well-formed and self-contained.
    pub(crate) fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// `<name>text</name>`, or `<name/>` for empty text.
    pub(crate) fn text_element(&mut self, name: &QName, text: &str) {
        if text.is_empty() {
            self.empty(name);
        } else {
            self.start(name);
            self.text(text);
            self.end(name);
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn open_tag(&mut self, name: &QName, attrs: &[(&str, &str)]) {
        self.out.push('<');
        let undeclared = push_name(&mut self.out, &self.ns, name);
        if !self.root_written {
            self.root_written = true;
            for (ns, prefix) in &self.ns.list {
                push_declaration(&mut self.out, prefix, ns);
            }
        }
        if undeclared {
            push_declaration(&mut self.out, LOCAL_PREFIX, &name.ns);
        }
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            push_attr(&mut self.out, value);
            self.out.push('"');
        }
    }
}

/// Writes `prefix:local` (or `local` for no namespace); returns whether the
/// namespace is not declared at the root and needs a local declaration.
fn push_name(out: &mut String, ns: &Namespaces, name: &QName) -> bool {
    if name.ns.is_empty() {
        out.push_str(&name.local);
        return false;
    }
    let (prefix, undeclared) = match ns.prefix(&name.ns) {
        Some(p) => (p, false),
        None => (LOCAL_PREFIX, true),
    };
    out.push_str(prefix);
    out.push(':');
    out.push_str(&name.local);
    undeclared
}

fn push_declaration(out: &mut String, prefix: &str, ns: &str) {
    out.push_str(" xmlns:");
    out.push_str(prefix);
    out.push_str("=\"");
    push_attr(out, ns);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::{NS_CALDAV, NS_MS};

    #[test]
    fn root_declares_collected_namespaces_once() {
        let mut ns = Namespaces::new();
        ns.add(NS_CALDAV);
        ns.add("http://example.com/a");
        ns.add("http://example.com/a");
        ns.add("");
        ns.add(NS_XML);
        let mut w = XmlWriter::new(ns);
        let root = QName::dav("multistatus");
        w.start(&root);
        w.empty(&QName::new(NS_CALDAV, "calendar"));
        w.text_element(&QName::new("http://example.com/a", "p"), "a<b");
        w.text_element(&QName::new("", "plain"), "");
        w.end(&root);
        assert_eq!(
            w.finish(),
            r#"<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:ns1="http://example.com/a"><C:calendar/><ns1:p>a&lt;b</ns1:p><plain/></D:multistatus>"#
        );
    }

    #[test]
    fn uncollected_namespace_is_declared_locally() {
        let mut w = XmlWriter::new(Namespaces::new());
        let root = QName::dav("prop");
        let other = QName::new(NS_MS, "Win32FileAttributes");
        w.start(&root);
        w.start_with(&other, &[("a", "\"")]);
        w.text("1");
        w.end(&other);
        w.end(&root);
        assert!(w.finish().ends_with(
            r#"<D:prop xmlns:D="DAV:"><x:Win32FileAttributes xmlns:x="urn:schemas-microsoft-com:" a="&quot;">1</x:Win32FileAttributes></D:prop>"#
        ));
    }
}
