//! What a REPORT asks to return: the `DAV:prop`/`allprop`/`propname` part
//! and, inside it, `CARD:address-data` with its version and property
//! subsetting (RFC 6352 §10.4).

use dav::Propfind;
use dav::report::yes_no;
use dav::tree::Element;

use crate::names::ADDRESS_DATA;
use crate::report::ReportError;
use crate::report::xml::{is_carddav, property_name};
use crate::version::VcardVersion;

/// The properties requested, shaped like a PROPFIND so the server answers
/// both the same way; `CARD:address-data` (if asked for) is listed in
/// `props` and described by `address_data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropRequest {
    /// `DAV:prop` names, `allprop` or `propname`. A body without any of
    /// them is read as `allprop`.
    pub props: Propfind,
    /// How to render `CARD:address-data`, when requested.
    pub address_data: Option<AddressDataRequest>,
}

/// `CARD:address-data` in a request: the version and the vCard properties
/// to return.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressDataRequest {
    /// The `version` attribute; `None` returns each card in the version it
    /// is stored in.
    pub version: Option<VcardVersion>,
    /// `CARD:prop` subsetting; `None` (no `CARD:prop`, or `CARD:allprop`)
    /// returns every property.
    pub props: Option<Vec<PropSelector>>,
}

impl AddressDataRequest {
    /// Whether a card stored in `stored` version is returned byte for byte.
    pub fn is_whole_card(&self, stored: VcardVersion) -> bool {
        self.props.is_none() && self.version.is_none_or(|v| v == stored)
    }
}

/// `CARD:prop` (§10.4.2): a vCard property to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropSelector {
    /// Property name, upper case, possibly with a group (`X-ABC.TEL`
    /// matches only that group; `TEL` matches any group or none).
    pub name: String,
    /// `novalue="yes"`: name and parameters only.
    pub novalue: bool,
}

/// Reads the property part of a REPORT root's children.
pub(crate) fn read_prop_request(root: &Element) -> Result<PropRequest, ReportError> {
    let (props, address_data) = dav::report::read_prop_request(root, &ADDRESS_DATA, read_address_data)?;
    Ok(PropRequest { props, address_data })
}

fn read_address_data(e: &Element) -> Result<AddressDataRequest, ReportError> {
    let version = read_media_type(e)?;
    let mut props: Option<Vec<PropSelector>> = None;
    let mut all = false;
    for child in e.elements() {
        if is_carddav(child, "allprop") {
            all = true;
        } else if is_carddav(child, "prop") {
            let selector = PropSelector {
                name: property_name(child).map_err(ReportError::Invalid)?,
                novalue: yes_no(child, "novalue")?,
            };
            props.get_or_insert_with(Vec::new).push(selector);
        }
    }
    Ok(AddressDataRequest {
        version,
        props: if all { None } else { props },
    })
}

/// `content-type` must be `text/vcard` (RFC 6352 §10.4; `text/x-vcard` is
/// accepted too), `version` 3.0 or 4.0 when given.
fn read_media_type(e: &Element) -> Result<Option<VcardVersion>, ReportError> {
    let content_type = e.attr("content-type").unwrap_or("text/vcard");
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let vcard = media.eq_ignore_ascii_case("text/vcard") || media.eq_ignore_ascii_case("text/x-vcard");
    let version = match e.attr("version") {
        None => Ok(None),
        Some(v) => VcardVersion::from_name(v).map(Some).ok_or(()),
    };
    match version {
        Ok(version) if vcard => Ok(version),
        _ => Err(ReportError::UnsupportedAddressData {
            content_type: content_type.to_owned(),
            version: e.attr("version").unwrap_or_default().to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dav::QName;
    use dav::tree::parse_document;

    fn read(inner: &str) -> Result<PropRequest, ReportError> {
        let xml = format!(
            r#"<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">{inner}</C:addressbook-query>"#
        );
        read_prop_request(&parse_document(xml.as_bytes()).unwrap())
    }

    fn selector(name: &str, novalue: bool) -> PropSelector {
        PropSelector {
            name: name.into(),
            novalue,
        }
    }

    #[test]
    fn rfc_partial_retrieval() {
        let r = read(
            r#"<D:prop><D:getetag/><C:address-data><C:prop name="VERSION"/><C:prop name="uid"/>
               <C:prop name="X-ABC.TEL" novalue="yes"/></C:address-data></D:prop>"#,
        )
        .unwrap();
        assert_eq!(r.props, Propfind::Prop(vec![QName::dav("getetag"), ADDRESS_DATA]));
        let data = r.address_data.unwrap();
        assert_eq!(data.version, None);
        assert_eq!(
            data.props,
            Some(vec![
                selector("VERSION", false),
                selector("UID", false),
                selector("X-ABC.TEL", true)
            ])
        );
        assert!(!data.is_whole_card(VcardVersion::V3));
    }

    #[test]
    fn versions_and_whole_cards() {
        let r = read(r#"<D:prop><C:address-data content-type='text/vcard' version='4.0'/></D:prop>"#).unwrap();
        let data = r.address_data.unwrap();
        assert_eq!(data.version, Some(VcardVersion::V4));
        assert!(data.is_whole_card(VcardVersion::V4) && !data.is_whole_card(VcardVersion::V3));
        let r = read(r#"<D:prop><C:address-data><C:allprop/><C:prop name="FN"/></C:address-data></D:prop>"#).unwrap();
        assert_eq!(r.address_data.unwrap(), AddressDataRequest::default());
        let r = read(r#"<D:prop><C:address-data content-type="text/x-vcard; charset=utf-8" version="3.0"/></D:prop>"#)
            .unwrap();
        assert_eq!(r.address_data.unwrap().version, Some(VcardVersion::V3));
        assert_eq!(read("<D:propname/>").unwrap().props, Propfind::PropName);
        assert_eq!(read("").unwrap().props, Propfind::AllProp { include: vec![] });
        assert_eq!(read("<D:allprop/>").unwrap().address_data, None);
    }

    #[test]
    fn errors() {
        for inner in [
            r#"<D:prop><C:address-data content-type="application/vcard+json"/></D:prop>"#,
            r#"<D:prop><C:address-data version="2.1"/></D:prop>"#,
            r#"<D:prop><C:address-data content-type="text/calendar" version="4.0"/></D:prop>"#,
        ] {
            assert!(
                matches!(read(inner), Err(ReportError::UnsupportedAddressData { .. })),
                "{inner}"
            );
        }
        for inner in [
            "<D:prop/><D:allprop/>",
            r#"<D:prop><C:address-data><C:prop/></C:address-data></D:prop>"#,
            r#"<D:prop><C:address-data><C:prop name="A B"/></C:address-data></D:prop>"#,
            r#"<D:prop><C:address-data><C:prop name="FN" novalue="maybe"/></C:address-data></D:prop>"#,
        ] {
            assert!(matches!(read(inner), Err(ReportError::Invalid(_))), "{inner}");
        }
    }
}
