//! Small helpers over `dav::tree` elements for CardDAV request bodies.

use dav::tree::Element;

use crate::names::NS_CARDDAV;

/// Whether `e` is `CARD:{local}`.
pub(crate) fn is_carddav(e: &Element, local: &str) -> bool {
    e.name.is(NS_CARDDAV, local)
}

/// A vCard property name as used in `name` attributes: an optional group
/// and a name (RFC 6350 §3.3: letters, digits and `-`), upper-cased.
pub(crate) fn property_name(e: &Element) -> Result<String, String> {
    let raw = e.attr("name").map(str::trim).unwrap_or_default();
    let (group, name) = split_group(raw);
    if !is_token(name) || group.is_some_and(|g| !is_token(g)) {
        return Err(format!("{} needs a vCard property name, not {raw:?}", e.name.local));
    }
    Ok(raw.to_ascii_uppercase())
}

/// A parameter name (`param-filter`), upper-cased.
pub(crate) fn parameter_name(e: &Element) -> Result<String, String> {
    let raw = e.attr("name").map(str::trim).unwrap_or_default();
    if !is_token(raw) {
        return Err(format!("param-filter needs a vCard parameter name, not {raw:?}"));
    }
    Ok(raw.to_ascii_uppercase())
}

/// `GROUP.NAME` → (`Some(GROUP)`, `NAME`); `NAME` → (`None`, `NAME`).
pub(crate) fn split_group(name: &str) -> (Option<&str>, &str) {
    match name.split_once('.') {
        Some((group, name)) => (Some(group), name),
        None => (None, name),
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use dav::tree::parse_document;

    fn element(xml: &str) -> Element {
        parse_document(xml.as_bytes()).unwrap()
    }

    #[test]
    fn helpers() {
        let e = element(
            r#"<C:a xmlns:C="urn:ietf:params:xml:ns:carddav" xmlns:x="urn:x" name="item1.email" x:name="q" novalue="yes">t<b/>u</C:a>"#,
        );
        assert!(is_carddav(&e, "a") && !is_carddav(&e, "b"));
        assert_eq!(property_name(&e).as_deref(), Ok("ITEM1.EMAIL"));
        assert!(parameter_name(&e).is_err());
        assert_eq!(split_group("X-ABC.TEL"), (Some("X-ABC"), "TEL"));
        assert_eq!(split_group("TEL"), (None, "TEL"));
    }

    #[test]
    fn bad_names_and_flags() {
        for xml in [
            r#"<a name=""/>"#,
            r#"<a/>"#,
            r#"<a name="A B"/>"#,
            r#"<a name=".TEL"/>"#,
            r#"<a name="a.b.c"/>"#,
        ] {
            assert!(property_name(&element(xml)).is_err(), "{xml}");
        }
        assert_eq!(parameter_name(&element(r#"<a name="type"/>"#)).as_deref(), Ok("TYPE"));
    }
}
