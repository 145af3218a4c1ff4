//! A small public element tree for building response content that is not a
//! plain string: CalDAV/CardDAV property values, precondition elements with
//! children, and similar. Rendered through the response writer, so its
//! namespaces are declared once at the document root.

use crate::qname::QName;
use crate::xml::writer::{Namespaces, UsesNamespaces, XmlWriter};

/// Element or character data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlNode {
    /// A child element.
    Element(XmlElement),
    /// Character data (escaped on output).
    Text(String),
}

/// An element with unqualified attributes and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlElement {
    /// Element name.
    pub name: QName,
    /// Attributes as `(name, value)`; names are written as given and must be
    /// plain XML names in no namespace (e.g. `name` on CalDAV's `comp`).
    pub attrs: Vec<(String, String)>,
    /// Content in order.
    pub children: Vec<XmlNode>,
}

impl XmlElement {
    /// An empty element.
    pub fn new(name: QName) -> Self {
        Self {
            name,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// `<D:href>href</D:href>`; `href` must already be percent-encoded.
    pub fn href(href: impl Into<String>) -> Self {
        Self::new(QName::dav("href")).with_text(href)
    }

    /// Adds an attribute.
    pub fn with_attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attrs.push((name.into(), value.into()));
        self
    }

    /// Appends a child element.
    pub fn with_child(mut self, child: XmlElement) -> Self {
        self.children.push(XmlNode::Element(child));
        self
    }

    /// Appends character data.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.children.push(XmlNode::Text(text.into()));
        self
    }

    /// This element as a whole XML document (a body such as CalDAV's `schedule-response`).
    pub fn to_document(&self) -> String {
        let mut ns = Namespaces::new();
        self.collect_namespaces(&mut ns);
        let mut w = XmlWriter::new(ns);
        self.write(&mut w);
        w.finish()
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        let attrs: Vec<(&str, &str)> = self.attrs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if self.children.is_empty() {
            w.empty_with(&self.name, &attrs);
            return;
        }
        w.start_with(&self.name, &attrs);
        for child in &self.children {
            child.write(w);
        }
        w.end(&self.name);
    }
}

impl XmlNode {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        match self {
            XmlNode::Element(e) => e.write(w),
            XmlNode::Text(t) => w.text(t),
        }
    }
}

impl From<XmlElement> for XmlNode {
    fn from(e: XmlElement) -> Self {
        XmlNode::Element(e)
    }
}

impl UsesNamespaces for XmlElement {
    fn collect_namespaces(&self, ns: &mut Namespaces) {
        ns.add(&self.name.ns);
        for child in &self.children {
            child.collect_namespaces(ns);
        }
    }
}

impl UsesNamespaces for XmlNode {
    fn collect_namespaces(&self, ns: &mut Namespaces) {
        if let XmlNode::Element(e) = self {
            e.collect_namespaces(ns);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::NS_CALDAV;

    #[test]
    fn renders_nested_elements_with_root_prefixes() {
        let set = XmlElement::new(QName::new(NS_CALDAV, "supported-calendar-component-set"))
            .with_child(XmlElement::new(QName::new(NS_CALDAV, "comp")).with_attr("name", "VEVENT"))
            .with_child(XmlElement::href("/a%20b/").with_text("&"));
        assert_eq!(
            set.to_document(),
            r#"<?xml version="1.0" encoding="utf-8"?><C:supported-calendar-component-set xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:comp name="VEVENT"/><D:href>/a%20b/&amp;</D:href></C:supported-calendar-component-set>"#
        );
    }
}
