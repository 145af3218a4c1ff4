//! Parses a request body into a small namespace-resolved element tree.
//! Public (as `dav::tree`) so sibling protocol crates (CalDAV, CardDAV)
//! parse their REPORT and MKCOL bodies with the same safety rules.
//!
//! Safety rules: UTF-8 only, no DOCTYPE (so no entity expansion), only the
//! five predefined entities and character references, every prefix must be
//! declared, nesting is bounded, and the document must be complete.
//!
//! Cost rules: parsing is linear in the body. Counts are bounded ([`MAX_ELEMENTS`],
//! [`MAX_ATTRIBUTES`] per element, [`MAX_NAMESPACE_DECLARATIONS`] per document), so that
//! neither memory nor prefix lookups grow with what a hostile body repeats; duplicate
//! attributes are found with a hash set, not by comparing every pair.

use std::collections::HashSet;

use quick_xml::NsReader;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::qname::{NS_XML, QName};
use crate::xml::error::XmlError;
use crate::xml::escape::{is_xml_char, is_xml_space};

/// Deepest element nesting accepted in a request body.
pub(crate) const MAX_DEPTH: usize = 100;
/// Most elements in one request body (a multiget of 10,000 hrefs has 20,000).
pub const MAX_ELEMENTS: usize = 100_000;
/// Most attributes on one element, namespace declarations included.
pub const MAX_ATTRIBUTES: usize = 100;
/// Most namespace declarations in one request body (clients send a handful).
pub const MAX_NAMESPACE_DECLARATIONS: usize = 500;

/// A parsed element. Names are resolved; the original prefixes are kept only
/// to re-serialise dead property values recognisably.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Resolved name.
    pub name: QName,
    /// Prefix as written (`None` for the default namespace).
    pub prefix: Option<String>,
    /// Attributes other than namespace declarations.
    pub attrs: Vec<Attr>,
    /// Content in document order.
    pub children: Vec<Node>,
    /// The `xml:lang` in scope on this element (its own or inherited).
    pub lang: Option<String>,
}

/// A parsed attribute with its resolved name and normalised value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Resolved name (no namespace for unprefixed attributes).
    pub name: QName,
    /// Prefix as written.
    pub prefix: Option<String>,
    /// Normalised, unescaped value.
    pub value: String,
}

/// Element content: child elements and character data (CDATA included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data.
    Text(String),
}

impl Element {
    /// Child elements in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The local name if this element is in the `DAV:` namespace.
    pub fn dav_local(&self) -> Option<&str> {
        (self.name.ns == crate::qname::NS_DAV).then_some(&*self.name.local)
    }

    /// An unqualified attribute's value (the attributes of DAV, CalDAV and
    /// CardDAV elements are in no namespace).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.ns.is_empty() && a.name.local == name)
            .map(|a| a.value.as_str())
    }

    /// The character data directly inside this element.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// Fails with [`XmlError::WrongRoot`] unless this element is `expected`.
    pub fn expect_name(&self, expected: &QName) -> Result<(), XmlError> {
        if &self.name == expected {
            Ok(())
        } else {
            Err(XmlError::WrongRoot {
                expected: expected.clone(),
                found: self.name.clone(),
            })
        }
    }
}

/// Parses a complete XML document and returns its root element.
pub fn parse_document(body: &[u8]) -> Result<Element, XmlError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = std::str::from_utf8(body).map_err(|_| XmlError::InvalidUtf8)?;
    let mut reader = NsReader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = false;
    config.check_end_names = true;
    config.check_comments = true;

    let mut builder = Builder::default();
    loop {
        let event = reader.read_event().map_err(malformed)?;
        match event {
            Event::Decl(decl) => builder.declaration(&decl, text.is_ascii())?,
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::PI(_) | Event::Comment(_) => builder.seen_content = true,
            Event::Start(start) => {
                let element = builder.read_start(&reader, &start)?;
                builder.open(element)?;
            }
            Event::Empty(start) => {
                let element = builder.read_start(&reader, &start)?;
                builder.open(element)?;
                builder.close()?;
            }
            Event::End(_) => builder.close()?,
            Event::Text(t) => builder.text(&t.xml10_content().map_err(malformed)?)?,
            Event::CData(c) => builder.cdata(&c.xml10_content().map_err(malformed)?)?,
            Event::GeneralRef(r) => builder.reference(resolve_reference(&r)?)?,
            Event::Eof => return builder.finish(),
        }
    }
}

fn malformed(e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed(e.to_string())
}

/// Accumulates the tree from parser events.
#[derive(Default)]
struct Builder {
    stack: Vec<Element>,
    root: Option<Element>,
    seen_content: bool,
    elements: usize,
    namespace_declarations: usize,
}

impl Builder {
    fn lang(&self) -> Option<&str> {
        self.stack.last().and_then(|e| e.lang.as_deref())
    }

    /// Builds an element (without children) from a start tag, within the count limits.
    fn read_start<R>(&mut self, reader: &NsReader<R>, start: &BytesStart<'_>) -> Result<Element, XmlError> {
        self.elements += 1;
        if self.elements > MAX_ELEMENTS {
            return Err(XmlError::TooMany {
                what: "XML elements",
                limit: MAX_ELEMENTS,
            });
        }
        let mut count = 0;
        for attr in start.attributes().with_checks(false) {
            let attr = attr.map_err(malformed)?;
            count += 1;
            if attr.key.as_namespace_binding().is_some() {
                self.namespace_declarations += 1;
            }
        }
        if count > MAX_ATTRIBUTES {
            return Err(XmlError::TooMany {
                what: "attributes on one element",
                limit: MAX_ATTRIBUTES,
            });
        }
        if self.namespace_declarations > MAX_NAMESPACE_DECLARATIONS {
            return Err(XmlError::TooMany {
                what: "namespace declarations",
                limit: MAX_NAMESPACE_DECLARATIONS,
            });
        }
        read_start(reader, start, self.lang())
    }

    /// The XML declaration: must come first; a non-UTF-8 encoding is
    /// accepted only when the body is ASCII (and so reads the same).
    fn declaration(&mut self, decl: &BytesDecl<'_>, ascii: bool) -> Result<(), XmlError> {
        if self.seen_content {
            return Err(XmlError::Malformed(
                "XML declaration is only allowed at the start".into(),
            ));
        }
        self.seen_content = true;
        if let Some(encoding) = decl.encoding() {
            let encoding = encoding.map_err(malformed)?;
            let encoding = String::from_utf8_lossy(&encoding).into_owned();
            let utf8 = encoding.eq_ignore_ascii_case("utf-8") || encoding.eq_ignore_ascii_case("utf8");
            if !utf8 && !ascii {
                return Err(XmlError::UnsupportedEncoding(encoding));
            }
        }
        Ok(())
    }

    fn open(&mut self, element: Element) -> Result<(), XmlError> {
        self.seen_content = true;
        if self.root.is_some() {
            return Err(XmlError::OutsideRoot);
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(XmlError::TooDeep(MAX_DEPTH));
        }
        self.stack.push(element);
        Ok(())
    }

    fn close(&mut self) -> Result<(), XmlError> {
        let element = self
            .stack
            .pop()
            .ok_or_else(|| XmlError::Malformed("end tag without start tag".into()))?;
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(element)),
            None => self.root = Some(element),
        }
        Ok(())
    }

    /// Character data; outside the root only white space is allowed.
    fn text(&mut self, s: &str) -> Result<(), XmlError> {
        self.seen_content = true;
        check_chars(s)?;
        match self.stack.last_mut() {
            Some(parent) => {
                push_text(parent, s);
                Ok(())
            }
            None if is_xml_space(s) => Ok(()),
            None => Err(XmlError::OutsideRoot),
        }
    }

    fn cdata(&mut self, s: &str) -> Result<(), XmlError> {
        if self.stack.is_empty() {
            return Err(XmlError::OutsideRoot);
        }
        self.text(s)
    }

    fn reference(&mut self, c: char) -> Result<(), XmlError> {
        let mut buf = [0u8; 4];
        self.cdata(c.encode_utf8(&mut buf))
    }

    fn finish(self) -> Result<Element, XmlError> {
        if let Some(open) = self.stack.last() {
            return Err(XmlError::Truncated(open.name.to_string()));
        }
        self.root.ok_or(XmlError::Empty)
    }
}

/// Appends text to an element, merging with a preceding text node.
fn push_text(parent: &mut Element, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Node::Text(last)) = parent.children.last_mut() {
        last.push_str(s);
    } else {
        parent.children.push(Node::Text(s.to_owned()));
    }
}

fn check_chars(s: &str) -> Result<(), XmlError> {
    match s.chars().find(|&c| !is_xml_char(c)) {
        Some(c) => Err(XmlError::InvalidChar(c.into())),
        None => Ok(()),
    }
}

/// Resolves `&name;` / `&#N;` / `&#xN;` to its character.
fn resolve_reference(r: &BytesRef<'_>) -> Result<char, XmlError> {
    if r.is_char_ref() {
        let c = r
            .resolve_char_ref()
            .map_err(malformed)?
            .ok_or_else(|| XmlError::Malformed("bad character reference".into()))?;
        return Ok(c);
    }
    let name = r.decode().map_err(malformed)?;
    match &*name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(XmlError::UnknownEntity(other.to_owned())),
    }
}

/// Builds an element (without children) from a start tag, resolving the
/// element and attribute names against the declarations in scope.
fn read_start<R>(reader: &NsReader<R>, start: &BytesStart<'_>, parent_lang: Option<&str>) -> Result<Element, XmlError> {
    let qname = start.name();
    let (resolved, local) = reader.resolve_element(qname);
    let name = QName::new(namespace(resolved)?, utf8(local.as_ref())?.to_owned());
    let prefix = qname
        .prefix()
        .map(|p| utf8(p.as_ref()).map(str::to_owned))
        .transpose()?;

    let mut attrs = Vec::new();
    let mut keys = HashSet::new();
    for attr in start.attributes().with_checks(false) {
        let attr = attr.map_err(malformed)?;
        let key = attr.key.into_inner();
        if !keys.insert(key) {
            return Err(XmlError::DuplicateAttribute(String::from_utf8_lossy(key).into_owned()));
        }
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        attrs.push(read_attr(reader, &attr)?);
    }
    let lang = attrs
        .iter()
        .find(|a| a.name.is(NS_XML, "lang"))
        .map(|a| a.value.clone())
        .or_else(|| parent_lang.map(str::to_owned));
    Ok(Element {
        name,
        prefix,
        attrs,
        children: Vec::new(),
        lang,
    })
}

fn read_attr<R>(reader: &NsReader<R>, attr: &Attribute<'_>) -> Result<Attr, XmlError> {
    let (resolved, local) = reader.resolve_attribute(attr.key);
    let name = QName::new(namespace(resolved)?, utf8(local.as_ref())?.to_owned());
    let prefix = attr
        .key
        .prefix()
        .map(|p| utf8(p.as_ref()).map(str::to_owned))
        .transpose()?;
    Ok(Attr {
        name,
        prefix,
        value: attribute_value(utf8(&attr.value)?)?,
    })
}

/// Attribute-value normalisation (XML 1.0 §3.3.3): literal white space
/// becomes a space before references are expanded, so `&#10;` survives.
fn attribute_value(raw: &str) -> Result<String, XmlError> {
    if raw.contains('<') {
        return Err(XmlError::Malformed("'<' in attribute value".into()));
    }
    let normalised = raw.replace("\r\n", " ").replace(['\t', '\n', '\r'], " ");
    let value = quick_xml::escape::unescape(&normalised).map_err(|e| match e {
        quick_xml::escape::EscapeError::UnrecognizedEntity(_, name) => XmlError::UnknownEntity(name),
        other => malformed(other),
    })?;
    check_chars(&value)?;
    Ok(value.into_owned())
}

/// The namespace URI of a resolved name; an undeclared prefix is an error.
/// Namespace declarations are stored unescaped by the reader, so the value
/// is unescaped here.
fn namespace(resolved: ResolveResult<'_>) -> Result<String, XmlError> {
    match resolved {
        ResolveResult::Bound(ns) => {
            let raw = utf8(ns.as_ref())?;
            let value = quick_xml::escape::unescape(raw).map_err(malformed)?;
            Ok(value.into_owned())
        }
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(prefix) => Err(XmlError::UnboundPrefix(String::from_utf8_lossy(&prefix).into_owned())),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, XmlError> {
    std::str::from_utf8(bytes).map_err(|_| XmlError::InvalidUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::NS_DAV;

    fn parse(s: &str) -> Result<Element, XmlError> {
        parse_document(s.as_bytes())
    }

    #[test]
    fn resolves_arbitrary_prefixes_and_default_namespace() {
        let root = parse(
            r#"<?xml version="1.0" encoding="utf-8"?>
            <x:propfind xmlns:x="DAV:"><prop xmlns="DAV:"><q:a xmlns:q="urn:q"/><b/></prop></x:propfind>"#,
        )
        .unwrap();
        assert_eq!(root.name, QName::dav("propfind"));
        assert_eq!(root.prefix.as_deref(), Some("x"));
        let prop = root.elements().next().unwrap();
        assert_eq!(prop.name, QName::dav("prop"));
        let names: Vec<_> = prop.elements().map(|e| e.name.clone()).collect();
        assert_eq!(names, vec![QName::new("urn:q", "a"), QName::new(NS_DAV, "b")]);
    }

    #[test]
    fn empty_default_namespace_means_no_namespace() {
        let root = parse(r#"<a xmlns="DAV:"><b xmlns=""/></a>"#).unwrap();
        assert_eq!(root.elements().next().unwrap().name, QName::new("", "b"));
    }

    #[test]
    fn text_references_cdata_and_line_ends() {
        let root = parse("<a>x &amp; &lt;&#65536;&#x41;<![CDATA[<raw>]]>\r\ny</a>").unwrap();
        assert_eq!(root.text(), "x & <\u{10000}A<raw>\ny");
    }

    #[test]
    fn attributes_are_normalised_and_unescaped() {
        let root = parse("<a b=\"1\n2&#10;&quot;\" xml:lang=\"de\"><c/></a>").unwrap();
        assert_eq!(root.attrs[0].value, "1 2\n\"");
        assert_eq!(root.attrs[1].name, QName::new(NS_XML, "lang"));
        assert_eq!(root.lang.as_deref(), Some("de"));
        assert_eq!(root.elements().next().unwrap().lang.as_deref(), Some("de"));
    }

    #[test]
    fn namespace_declarations_are_not_attributes() {
        let root = parse(r#"<a xmlns="urn:x" xmlns:p="urn:p" p:k="v"/>"#).unwrap();
        assert_eq!(root.attrs.len(), 1);
        assert_eq!(root.attrs[0].name, QName::new("urn:p", "k"));
    }

    #[test]
    fn unqualified_attributes_and_direct_text() {
        let root = parse(r#"<a xmlns:x="urn:x" name="n" x:name="q">t<b>inner</b>u</a>"#).unwrap();
        assert_eq!(root.attr("name"), Some("n"));
        assert_eq!(root.attr("other"), None);
        assert_eq!(root.text(), "tu");
        let qualified = parse(r#"<a xmlns:x="urn:x" x:name="q"/>"#).unwrap();
        assert_eq!(qualified.attr("name"), None);
    }

    #[test]
    fn utf8_bom_is_skipped() {
        assert!(parse_document(b"\xEF\xBB\xBF<a/>").is_ok());
    }

    #[test]
    fn comments_and_processing_instructions_are_ignored() {
        let root = parse("<!-- c --><?pi x?><a><!-- c -->t<?pi?></a><!-- c -->").unwrap();
        assert_eq!(root.text(), "t");
    }

    #[test]
    fn ascii_body_may_declare_latin1() {
        assert!(parse(r#"<?xml version="1.0" encoding="ISO-8859-1"?><a>x</a>"#).is_ok());
    }

    // ---- rejections ----

    #[test]
    fn rejects_doctype_and_entity_expansion() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>"#;
        assert_eq!(parse(laughs), Err(XmlError::Doctype));
        assert_eq!(parse("<!DOCTYPE a><a/>"), Err(XmlError::Doctype));
    }

    #[test]
    fn rejects_unknown_entities() {
        assert_eq!(parse("<a>&nbsp;</a>"), Err(XmlError::UnknownEntity("nbsp".into())));
        assert_eq!(parse(r#"<a b="&x;"/>"#), Err(XmlError::UnknownEntity("x".into())));
    }

    #[test]
    fn rejects_truncated_documents() {
        assert!(matches!(parse("<a><b>"), Err(XmlError::Truncated(_))));
        assert!(matches!(parse("<a>text"), Err(XmlError::Truncated(_))));
        assert!(parse("<a><b></b").is_err());
        assert!(parse("<a").is_err());
        assert!(parse("<a b=\"x").is_err());
    }

    #[test]
    fn rejects_malformed_documents() {
        assert!(matches!(parse("<a></b>"), Err(XmlError::Malformed(_))));
        assert!(parse("</a>").is_err());
        assert!(parse("<a>&</a>").is_err());
        assert!(parse("<a b='1' b='2'/>").is_err());
        assert!(parse("<a b=1/>").is_err());
        assert!(parse("<a b='<'/>").is_err());
        assert!(parse("<a><!-- x -- y --></a>").is_err());
        assert!(parse("<a/><?xml version='1.0'?>").is_err());
    }

    #[test]
    fn rejects_content_outside_root() {
        assert_eq!(parse("<a/><b/>"), Err(XmlError::OutsideRoot));
        assert_eq!(parse("x<a/>"), Err(XmlError::OutsideRoot));
        assert_eq!(parse("<a/>x"), Err(XmlError::OutsideRoot));
        assert_eq!(parse("<a/>&amp;"), Err(XmlError::OutsideRoot));
    }

    #[test]
    fn rejects_empty_documents() {
        assert_eq!(parse(""), Err(XmlError::Empty));
        assert_eq!(parse("  \n"), Err(XmlError::Empty));
        assert_eq!(parse("<?xml version=\"1.0\"?><!-- only -->"), Err(XmlError::Empty));
    }

    #[test]
    fn rejects_undeclared_and_reset_prefixes() {
        assert_eq!(parse("<D:a/>"), Err(XmlError::UnboundPrefix("D".into())));
        assert_eq!(parse("<a p:x='1'/>"), Err(XmlError::UnboundPrefix("p".into())));
        // litmus propfind_invalid2: a prefix bound to the empty string.
        let body = r#"<D:propfind xmlns:D="DAV:"><D:prop><bar:foo xmlns:bar=""/></D:prop></D:propfind>"#;
        assert_eq!(parse(body), Err(XmlError::UnboundPrefix("bar".into())));
    }

    #[test]
    fn rejects_reserved_prefix_misuse() {
        assert!(parse(r#"<a xmlns:xml="urn:other"/>"#).is_err());
        assert!(parse(r#"<a xmlns:xmlns="urn:other"/>"#).is_err());
    }

    #[test]
    fn rejects_invalid_characters() {
        assert_eq!(parse("<a>&#1;</a>"), Err(XmlError::InvalidChar(1)));
        assert_eq!(parse("<a>\u{1}</a>"), Err(XmlError::InvalidChar(1)));
        assert!(parse("<a>&#0;</a>").is_err());
        assert!(parse("<a>&#xD800;</a>").is_err());
        assert_eq!(parse("<a b='&#2;'/>"), Err(XmlError::InvalidChar(2)));
    }

    #[test]
    fn rejects_non_utf8() {
        assert_eq!(parse_document(b"<a>\xff</a>"), Err(XmlError::InvalidUtf8));
        // UTF-16 with BOM
        assert_eq!(parse_document(b"\xFF\xFE<\0a\0/\0>\0"), Err(XmlError::InvalidUtf8));
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xc3\xa9</a>";
        assert_eq!(
            parse_document(latin1),
            Err(XmlError::UnsupportedEncoding("ISO-8859-1".into()))
        );
    }

    #[test]
    fn rejects_excessive_nesting() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep), Err(XmlError::TooDeep(MAX_DEPTH)));
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn counts_are_bounded() {
        let attrs: String = (0..=MAX_ATTRIBUTES).map(|i| format!(" a{i}=\"x\"")).collect();
        assert_eq!(
            parse(&format!("<a{attrs}/>")),
            Err(XmlError::TooMany {
                what: "attributes on one element",
                limit: MAX_ATTRIBUTES
            })
        );
        let fine: String = (0..MAX_ATTRIBUTES).map(|i| format!(" a{i}=\"x\"")).collect();
        assert_eq!(parse(&format!("<a{fine}/>")).unwrap().attrs.len(), MAX_ATTRIBUTES);

        let elements = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS));
        assert!(matches!(
            parse(&elements),
            Err(XmlError::TooMany {
                what: "XML elements",
                ..
            })
        ));
        let elements = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS - 1));
        assert_eq!(parse(&elements).unwrap().children.len(), MAX_ELEMENTS - 1);

        let declarations: String = (0..50).map(|i| format!(" xmlns:p{i}=\"urn:{i}\"")).collect();
        let nested = format!("{}{}", format!("<a{declarations}>").repeat(11), "</a>".repeat(11));
        assert!(matches!(
            parse(&nested),
            Err(XmlError::TooMany {
                what: "namespace declarations",
                ..
            })
        ));
    }

    #[test]
    fn duplicate_attributes_are_refused() {
        assert_eq!(
            parse(r#"<a x="1" y="2" x="3"/>"#),
            Err(XmlError::DuplicateAttribute("x".into()))
        );
        assert!(parse(r#"<a xmlns:p="urn:p" p:x="1" x="2"/>"#).is_ok());
    }
}
