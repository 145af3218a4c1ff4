//! Re-serialises parsed element content as a self-contained XML fragment:
//! every element declares the namespace bindings it needs, so the fragment
//! means the same wherever it is embedded (provided no default namespace is
//! in scope there — the response writer never declares one).
//!
//! This is how dead property values (RFC 4918 §4.3) and lock owners keep
//! their namespaces, attributes, `xml:lang` and text across storage.

use crate::qname::NS_XML;
use crate::xml::escape::{push_attr, push_text};
use crate::xml::tree::{Element, Node};

/// Prefix bindings in effect in the output: `(prefix, namespace)`, where the
/// prefix `None` is the default namespace.
type Scope = Vec<(Option<String>, String)>;

/// Serialises `children` (the content of some element) as a fragment.
pub(crate) fn serialize_children(children: &[Node]) -> String {
    let mut out = String::new();
    let mut scope = Scope::new();
    for node in children {
        write_node(&mut out, node, &mut scope);
    }
    out
}

fn write_node(out: &mut String, node: &Node, scope: &mut Scope) {
    match node {
        Node::Text(t) => push_text(out, t),
        Node::Element(e) => write_element(out, e, scope),
    }
}

fn bound<'a>(scope: &'a Scope, prefix: Option<&str>) -> Option<&'a str> {
    scope
        .iter()
        .rev()
        .find(|(p, _)| p.as_deref() == prefix)
        .map(|(_, ns)| ns.as_str())
}

/// Adds a declaration of `prefix` → `ns` unless the output already has it.
fn declare(scope: &mut Scope, decls: &mut Vec<usize>, prefix: Option<&str>, ns: &str) {
    if prefix == Some("xml") {
        return;
    }
    let current = bound(scope, prefix).unwrap_or("");
    if current != ns {
        scope.push((prefix.map(str::to_owned), ns.to_owned()));
        decls.push(scope.len() - 1);
    }
}

fn write_element(out: &mut String, e: &Element, scope: &mut Scope) {
    let mark = scope.len();
    let mut decls = Vec::new();
    // An unprefixed element takes the default namespace: declare it (or
    // undeclare it with xmlns="" for a no-namespace element under one).
    let prefix = e.prefix.as_deref().filter(|_| !e.name.ns.is_empty());
    declare(scope, &mut decls, prefix, &e.name.ns);
    for a in &e.attrs {
        if let Some(p) = a.prefix.as_deref().filter(|_| !a.name.ns.is_empty()) {
            declare(scope, &mut decls, Some(p), &a.name.ns);
        }
    }

    let tag = qualified(prefix, &e.name.local);
    out.push('<');
    out.push_str(&tag);
    for &i in &decls {
        if let Some((p, ns)) = scope.get(i) {
            match p {
                Some(p) => {
                    out.push_str(" xmlns:");
                    out.push_str(p);
                }
                None => out.push_str(" xmlns"),
            }
            out.push_str("=\"");
            push_attr(out, ns);
            out.push('"');
        }
    }
    for a in &e.attrs {
        let prefix = if a.name.ns == NS_XML {
            Some("xml")
        } else {
            a.prefix.as_deref().filter(|_| !a.name.ns.is_empty())
        };
        out.push(' ');
        out.push_str(&qualified(prefix, &a.name.local));
        out.push_str("=\"");
        push_attr(out, &a.value);
        out.push('"');
    }
    if e.children.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        for child in &e.children {
            write_node(out, child, scope);
        }
        out.push_str("</");
        out.push_str(&tag);
        out.push('>');
    }
    scope.truncate(mark);
}

fn qualified(prefix: Option<&str>, local: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse_document;

    /// Serialises the content of the root's first child.
    fn inner(doc: &str) -> String {
        let root = parse_document(doc.as_bytes()).unwrap();
        let prop = root.elements().next().unwrap();
        serialize_children(&prop.children)
    }

    /// Parses `<w>fragment</w>` and serialises its content again.
    fn reparse(fragment: &str) -> Element {
        parse_document(format!("<w>{fragment}</w>").as_bytes()).unwrap()
    }

    #[test]
    fn plain_text_is_escaped() {
        assert_eq!(inner("<r><p>a &amp; b &lt; c</p></r>"), "a &amp; b &lt; c");
    }

    #[test]
    fn default_namespace_declared_where_used() {
        // litmus propvalnspace
        let doc = "<r xmlns='DAV:'><t:valnspace xmlns:t='http://webdav.org/neon/litmus/'><foo xmlns='bar'/></t:valnspace></r>";
        assert_eq!(inner(doc), r#"<foo xmlns="bar"/>"#);
    }

    #[test]
    fn inherited_prefixes_are_redeclared() {
        let doc = r#"<D:r xmlns:D="DAV:" xmlns:x="urn:x"><D:p><x:a><x:b D:k="v">t</x:b></x:a></D:p></D:r>"#;
        assert_eq!(
            inner(doc),
            r#"<x:a xmlns:x="urn:x"><x:b xmlns:D="DAV:" D:k="v">t</x:b></x:a>"#
        );
    }

    #[test]
    fn no_namespace_child_under_default_namespace_is_undeclared() {
        let doc = r#"<r><p><a xmlns="urn:a"><b xmlns=""/></a><c/></p></r>"#;
        assert_eq!(inner(doc), r#"<a xmlns="urn:a"><b xmlns=""/></a><c/>"#);
    }

    #[test]
    fn xml_lang_and_mixed_content_survive() {
        let doc = "<r><p>one <b xml:lang=\"fr\">deux\r\n</b> &#x10000; <![CDATA[<x>]]></p></r>";
        let out = inner(doc);
        assert_eq!(out, "one <b xml:lang=\"fr\">deux\n</b> \u{10000} &lt;x&gt;");
    }

    #[test]
    fn fragment_reparses_to_the_same_meaning() {
        let doc = r#"<r xmlns:z="urn:z"><p>
            <z:a z:at="1&#10;2" plain="&quot;q&quot;"><m xmlns="urn:m"><n/>txt &amp;</m></z:a>
            </p></r>"#;
        let fragment = inner(doc);
        let original = parse_document(doc.as_bytes()).unwrap();
        let original = original.elements().next().unwrap();
        let again = reparse(&fragment);
        assert_eq!(again.children, original.children);
    }

    #[test]
    fn many_namespaces_each_declared_once() {
        // litmus propmanyns style: siblings each carrying their own namespace.
        let doc = r#"<r><p><a:x xmlns:a="alpha"/><b:x xmlns:b="beta"/><a:y xmlns:a="alpha"><a:z/></a:y></p></r>"#;
        assert_eq!(
            inner(doc),
            r#"<a:x xmlns:a="alpha"/><b:x xmlns:b="beta"/><a:y xmlns:a="alpha"><a:z/></a:y>"#
        );
    }
}
