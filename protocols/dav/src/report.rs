//! The parts of REPORT request bodies (RFC 3253 §3.6) that CalDAV and
//! CardDAV share: the `DAV:prop`/`allprop`/`propname` choice, the hrefs of
//! a multiget, `yes`/`no` attributes, `nresults` (RFC 5323 §5.17), and the
//! `DAV:supported-report-set` value (RFC 3253 §3.1.5) advertising reports.

use crate::qname::QName;
use crate::request::distinct_names;
use crate::request::propfind::Propfind;
use crate::response::property::PropertyValue;
use crate::xml::node::{XmlElement, XmlNode};
use crate::xml::tree::Element;

/// A well-formed REPORT body that breaks its element grammar (400); the
/// message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRequest(pub String);

/// A `yes`/`no` attribute (`novalue`, `negate-condition`); absent is `no`.
pub fn yes_no(e: &Element, name: &str) -> Result<bool, InvalidRequest> {
    match e.attr(name).map(str::trim) {
        None | Some("no") => Ok(false),
        Some("yes") => Ok(true),
        Some(other) => Err(InvalidRequest(format!("{name}={other:?} must be yes or no"))),
    }
}

/// An `nresults` value: an unsigned decimal; values beyond `u32` are read
/// as `u32::MAX` (a server may disregard a limit anyway).
pub fn nresults(raw: &str) -> Result<u32, InvalidRequest> {
    let digits = raw.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidRequest(format!("nresults {digits:?} must be digits")));
    }
    Ok(digits.parse::<u32>().unwrap_or(u32::MAX))
}

/// Reads the property part of a REPORT root's children: one of `DAV:prop`,
/// `DAV:allprop` or `DAV:propname`, shaped like a PROPFIND so the server
/// answers both the same way; none at all reads as `allprop`. The
/// protocol's data element (`C:calendar-data`, `CARD:address-data`), when
/// listed in `DAV:prop`, is also read with `read_data`.
pub fn read_prop_request<D, E>(
    root: &Element,
    data: &QName,
    read_data: impl Fn(&Element) -> Result<D, E>,
) -> Result<(Propfind, Option<D>), E>
where
    E: From<InvalidRequest>,
{
    let mut found: Option<(Propfind, Option<D>)> = None;
    for child in root.elements() {
        let request = match child.dav_local() {
            Some("prop") => {
                let mut data_request = None;
                for p in child.elements().filter(|p| p.name == *data) {
                    data_request = Some(read_data(p)?);
                }
                let names =
                    distinct_names(child.elements().map(|p| &p.name)).map_err(|e| InvalidRequest(e.to_string()))?;
                (Propfind::Prop(names), data_request)
            }
            Some("allprop") => (Propfind::AllProp { include: Vec::new() }, None),
            Some("propname") => (Propfind::PropName, None),
            _ => continue,
        };
        if found.replace(request).is_some() {
            return Err(InvalidRequest("only one of prop, allprop or propname is allowed".into()).into());
        }
    }
    Ok(found.unwrap_or((Propfind::AllProp { include: Vec::new() }, None)))
}

/// The `DAV:href`s of a multiget report (`report` names it in the error):
/// at least one, none empty, trimmed and otherwise as sent.
pub fn read_hrefs(root: &Element, report: &str) -> Result<Vec<String>, InvalidRequest> {
    let hrefs: Vec<String> = root
        .elements()
        .filter(|e| e.dav_local() == Some("href"))
        .map(|e| e.text().trim().to_owned())
        .collect();
    if hrefs.is_empty() || hrefs.iter().any(String::is_empty) {
        return Err(InvalidRequest(format!("{report} needs non-empty DAV:href elements")));
    }
    Ok(hrefs)
}

/// `DAV:supported-report-set` (RFC 3253 §3.1.5) listing `reports`.
pub fn supported_report_set(reports: &[QName]) -> PropertyValue {
    let report = |name: &QName| -> XmlNode {
        XmlElement::new(QName::dav("supported-report"))
            .with_child(XmlElement::new(QName::dav("report")).with_child(XmlElement::new(name.clone())))
            .into()
    };
    PropertyValue::Elements(reports.iter().map(report).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse_document;

    fn element(xml: &str) -> Element {
        parse_document(xml.as_bytes()).unwrap()
    }

    const DATA: QName = QName::new_static("urn:x", "data");

    fn props(inner: &str) -> Result<(Propfind, Option<String>), InvalidRequest> {
        let root = element(&format!(r#"<r xmlns:D="DAV:" xmlns:X="urn:x">{inner}</r>"#));
        read_prop_request(&root, &DATA, |e| Ok(e.text()))
    }

    #[test]
    fn prop_requests() {
        let (names, data) = props("<D:prop><D:getetag/><X:data>v</X:data><D:getetag/></D:prop>").unwrap();
        assert_eq!(names, Propfind::Prop(vec![QName::dav("getetag"), DATA]));
        assert_eq!(data.as_deref(), Some("v"));
        assert_eq!(props("<D:propname/>").unwrap(), (Propfind::PropName, None));
        assert_eq!(props("<D:allprop/>").unwrap().0, Propfind::AllProp { include: vec![] });
        assert_eq!(props("").unwrap().0, Propfind::AllProp { include: vec![] });
        assert!(props("<D:prop/><D:allprop/>").is_err());
        let root = element(r#"<r xmlns:D="DAV:" xmlns:X="urn:x"><D:prop><X:data/></D:prop></r>"#);
        let refused: Result<(Propfind, Option<()>), InvalidRequest> =
            read_prop_request(&root, &DATA, |_| Err(InvalidRequest("no".into())));
        assert_eq!(refused, Err(InvalidRequest("no".into())));
    }

    #[test]
    fn hrefs_and_flags() {
        let root = element(r#"<r xmlns:D="DAV:"><D:href> /a </D:href><D:href>/b</D:href></r>"#);
        assert_eq!(read_hrefs(&root, "m"), Ok(vec!["/a".to_owned(), "/b".to_owned()]));
        for xml in [r#"<r xmlns:D="DAV:"/>"#, r#"<r xmlns:D="DAV:"><D:href> </D:href></r>"#] {
            assert_eq!(
                read_hrefs(&element(xml), "m"),
                Err(InvalidRequest("m needs non-empty DAV:href elements".into()))
            );
        }
        let e = element(r#"<a v="yes" w="no" x="maybe"/>"#);
        assert_eq!(yes_no(&e, "v"), Ok(true));
        assert_eq!(yes_no(&e, "w"), Ok(false));
        assert_eq!(yes_no(&e, "absent"), Ok(false));
        assert!(yes_no(&e, "x").is_err());
    }

    #[test]
    fn nresults_digits_only() {
        assert_eq!(nresults(" 2\n"), Ok(2));
        assert_eq!(nresults("0"), Ok(0));
        assert_eq!(nresults("99999999999999999999"), Ok(u32::MAX));
        for bad in ["", "-1", "+1", "1.5", "two", "1 2"] {
            assert!(nresults(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn report_set() {
        use crate::response::multistatus::{Multistatus, PropStat, Response};
        use crate::response::property::Property;
        use crate::response::status::Status;
        let value = supported_report_set(&[
            QName::new_static(crate::NS_CARDDAV, "addressbook-query"),
            QName::dav("sync-collection"),
        ]);
        let mut ms = Multistatus::new();
        ms.push(Response::propstats(
            "/c/",
            vec![PropStat::new(
                Status::OK,
                vec![Property::new(QName::dav("supported-report-set"), value)],
            )],
        ));
        let xml = ms.render();
        assert!(
            xml.contains("<D:supported-report-set><D:supported-report><D:report><CARD:addressbook-query/></D:report></D:supported-report><D:supported-report><D:report><D:sync-collection/></D:report></D:supported-report></D:supported-report-set>"),
            "{xml}"
        );
    }
}
