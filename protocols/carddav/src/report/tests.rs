//! REPORT bodies as clients send them, the RFC 6352 examples, and
//! refusals.

use super::*;
use crate::fixtures::{RFC_ANYOF_QUERY, RFC_NICKNAME_QUERY};
use crate::names::{ADDRESS_DATA, NS_CARDDAV};
use crate::version::VcardVersion;
use dav::Propfind;

/// RFC 6352 §8.6.5.
const RFC_LIMIT_QUERY: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:addressbook-query xmlns:D="DAV:"
                     xmlns:C="urn:ietf:params:xml:ns:carddav">
     <D:prop>
       <D:getetag/>
     </D:prop>
     <C:filter test="anyof">
       <C:prop-filter name="FN">
         <C:text-match collation="i;unicode-casemap"
                       match-type="contains"
         >daboo</C:text-match>
       </C:prop-filter>
     </C:filter>
     <C:limit>
       <C:nresults>2</C:nresults>
     </C:limit>
   </C:addressbook-query>"#;

/// RFC 6352 §8.7.1.
const RFC_MULTIGET: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:addressbook-multiget xmlns:D="DAV:"
                        xmlns:C="urn:ietf:params:xml:ns:carddav">
     <D:prop>
       <D:getetag/>
       <C:address-data>
         <C:prop name="VERSION"/>
         <C:prop name="UID"/>
         <C:prop name="NICKNAME"/>
         <C:prop name="EMAIL"/>
         <C:prop name="FN"/>
       </C:address-data>
     </D:prop>
     <D:href>/home/bernard/addressbook/vcf102.vcf</D:href>
     <D:href>/home/bernard/addressbook/vcf1.vcf</D:href>
   </C:addressbook-multiget>"#;

/// RFC 6352 §8.7.2: vCard 4.0 wanted.
const RFC_MULTIGET_V4: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:addressbook-multiget xmlns:D="DAV:"
                        xmlns:C="urn:ietf:params:xml:ns:carddav">
     <D:prop>
       <D:getetag/>
       <C:address-data content-type='text/vcard' version='4.0'/>
     </D:prop>
     <D:href>/home/bernard/addressbook/vcf3.vcf</D:href>
   </C:addressbook-multiget>"#;

/// Apple Contacts (macOS) fetching changed cards.
const APPLE_MULTIGET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<A:addressbook-multiget xmlns:A="urn:ietf:params:xml:ns:carddav">
  <B:prop xmlns:B="DAV:">
    <B:getetag/>
    <A:address-data/>
  </B:prop>
  <B:href xmlns:B="DAV:">/dav/addressbooks/anna/contacts/5B3B5A5E-5D0F-4C8E-9C1B-3F5C2B8E1A7D.vcf</B:href>
</A:addressbook-multiget>"#;

/// DAVx⁵ listing an address book.
const DAVX5_QUERY: &str = r#"<?xml version='1.0' encoding='UTF-8' ?><CARD:addressbook-query xmlns="DAV:" xmlns:CARD="urn:ietf:params:xml:ns:carddav"><prop><getetag /></prop><CARD:filter /></CARD:addressbook-query>"#;

/// Evolution searching by name or e-mail prefix (allof inside anyof).
const EVOLUTION_QUERY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop><D:getetag/><C:address-data content-type="text/vcard" version="3.0"><C:allprop/></C:address-data></D:prop>
  <C:filter test="anyof">
    <C:prop-filter name="FN" test="allof">
      <C:text-match match-type="contains">ärger</C:text-match>
      <C:text-match match-type="contains" negate-condition="yes">spam</C:text-match>
    </C:prop-filter>
    <C:prop-filter name="EMAIL"><C:text-match match-type="starts-with" collation="i;ascii-casemap">juergen</C:text-match></C:prop-filter>
  </C:filter>
</C:addressbook-query>"#;

/// Thunderbird's sync-collection on an address book.
const THUNDERBIRD_SYNC: &str = r#"<sync-collection xmlns="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><sync-token>http://portico.example/ns/sync/7</sync-token><sync-level>1</sync-level><prop><getetag/><card:address-data/></prop></sync-collection>"#;

fn parse(body: &str) -> Result<Report, ReportError> {
    parse_report(body.as_bytes())
}

#[test]
fn rfc_nickname_query() {
    let Ok(Report::AddressbookQuery(q)) = parse(RFC_NICKNAME_QUERY) else {
        panic!("not a query")
    };
    assert_eq!(q.props.props, Propfind::Prop(vec![QName::dav("getetag"), ADDRESS_DATA]));
    let names: Vec<String> = q
        .props
        .address_data
        .and_then(|d| d.props)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["VERSION", "UID", "NICKNAME", "EMAIL", "FN"]);
    assert_eq!(q.filter.test, Test::AnyOf);
    let pf = &q.filter.prop_filters[0];
    assert_eq!(pf.name, "NICKNAME");
    let tm = &pf.text_matches[0];
    assert_eq!(
        (tm.text.as_str(), tm.collation, tm.match_type),
        ("me", Collation::UnicodeCasemap, MatchType::Equals)
    );
    assert_eq!(q.limit, None);
}

#[test]
fn rfc_anyof_and_limit_queries() {
    let Ok(Report::AddressbookQuery(q)) = parse(RFC_ANYOF_QUERY) else {
        panic!()
    };
    let names: Vec<&str> = q.filter.prop_filters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["FN", "EMAIL"]);
    let Ok(Report::AddressbookQuery(q)) = parse(RFC_LIMIT_QUERY) else {
        panic!()
    };
    assert_eq!(q.limit, Some(2));
    assert_eq!(q.props.address_data, None);
}

#[test]
fn rfc_multigets() {
    let Ok(Report::AddressbookMultiget(m)) = parse(RFC_MULTIGET) else {
        panic!()
    };
    assert_eq!(
        m.hrefs,
        [
            "/home/bernard/addressbook/vcf102.vcf",
            "/home/bernard/addressbook/vcf1.vcf"
        ]
    );
    let Ok(Report::AddressbookMultiget(m)) = parse(RFC_MULTIGET_V4) else {
        panic!()
    };
    assert_eq!(
        m.props.address_data,
        Some(AddressDataRequest {
            version: Some(VcardVersion::V4),
            props: None
        })
    );
}

#[test]
fn client_bodies() {
    let Ok(Report::AddressbookMultiget(m)) = parse(APPLE_MULTIGET) else {
        panic!()
    };
    assert_eq!(m.props.address_data, Some(AddressDataRequest::default()));
    assert_eq!(m.hrefs.len(), 1);
    let Ok(Report::AddressbookQuery(q)) = parse(DAVX5_QUERY) else {
        panic!()
    };
    assert!(q.filter.prop_filters.is_empty() && q.props.address_data.is_none());
    let Ok(Report::AddressbookQuery(q)) = parse(EVOLUTION_QUERY) else {
        panic!()
    };
    assert_eq!(
        q.props.address_data,
        Some(AddressDataRequest {
            version: Some(VcardVersion::V3),
            props: None
        })
    );
    assert_eq!(q.filter.prop_filters[0].test, Test::AllOf);
    assert!(q.filter.prop_filters[0].text_matches[1].negate);
    let Ok(Report::SyncCollection(s)) = parse(THUNDERBIRD_SYNC) else {
        panic!()
    };
    assert_eq!(s.sync_token.as_deref(), Some("http://portico.example/ns/sync/7"));
    assert_eq!((s.sync_level, s.limit), (SyncLevel::One, None));
    assert!(s.props.address_data.is_some());
}

#[test]
fn sync_variants() {
    let body = r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>infinite</D:sync-level><D:limit><D:nresults>50</D:nresults></D:limit><D:prop><D:getetag/></D:prop></D:sync-collection>"#;
    let Ok(Report::SyncCollection(s)) = parse(body) else {
        panic!()
    };
    assert_eq!(
        (s.sync_token, s.sync_level, s.limit),
        (None, SyncLevel::Infinite, Some(50))
    );
    let no_level = r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:prop/></D:sync-collection>"#;
    assert!(matches!(
        parse(no_level),
        Ok(Report::SyncCollection(SyncCollection {
            sync_level: SyncLevel::One,
            ..
        }))
    ));
}

#[test]
fn other_reports() {
    let body = r#"<D:expand-property xmlns:D="DAV:"><D:property name="principal-URL"/></D:expand-property>"#;
    assert_eq!(parse(body), Ok(Report::Other(QName::dav("expand-property"))));
    let caldav = r#"<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#;
    assert!(matches!(parse(caldav), Ok(Report::Other(_))));
}

#[test]
fn refusals() {
    let q = |inner: &str| {
        format!(r#"<C:addressbook-query xmlns:D="DAV:" xmlns:C="{NS_CARDDAV}">{inner}</C:addressbook-query>"#)
    };
    for (body, status) in [
        (q("<D:prop><D:getetag/></D:prop>"), 400),
        (q("<C:filter/><C:filter/>"), 400),
        (q("<C:filter/><C:limit/>"), 400),
        (q("<C:filter/><C:limit><C:nresults>x</C:nresults></C:limit>"), 400),
        (
            q("<C:filter/><C:limit><C:nresults>1</C:nresults></C:limit><C:limit><C:nresults>1</C:nresults></C:limit>"),
            400,
        ),
        (q(r#"<C:filter test="nope"/>"#), 400),
        (
            q(
                r#"<C:filter><C:prop-filter name="FN"><C:text-match collation="i;x">a</C:text-match></C:prop-filter></C:filter>"#,
            ),
            403,
        ),
        (
            q(r#"<C:filter><C:prop-filter name="BDAY"><C:time-range/></C:prop-filter></C:filter>"#),
            403,
        ),
        (q(r#"<D:prop><C:address-data version="2.1"/></D:prop><C:filter/>"#), 403),
        (
            format!(
                r#"<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="{NS_CARDDAV}"><D:prop/></C:addressbook-multiget>"#
            ),
            400,
        ),
        (
            format!(
                r#"<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="{NS_CARDDAV}"><D:href> </D:href></C:addressbook-multiget>"#
            ),
            400,
        ),
        (
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-level>2</D:sync-level></D:sync-collection>"#.to_owned(),
            400,
        ),
        (
            r#"<D:sync-collection xmlns:D="DAV:"><D:limit><D:nresults>0</D:nresults></D:limit></D:sync-collection>"#
                .to_owned(),
            400,
        ),
        ("<C:addressbook-query".to_owned(), 400),
        (String::new(), 400),
    ] {
        let err = parse(&body).expect_err(&body);
        assert_eq!(err.status(), status, "{body}: {err}");
    }
}

#[test]
fn truncated_and_mutated_bodies_never_panic() {
    const NASTY: [u8; 10] = [b'<', b'>', b'&', b'"', b'/', b':', b'=', b' ', 0, 0xFF];
    for seed in [
        RFC_NICKNAME_QUERY,
        RFC_ANYOF_QUERY,
        EVOLUTION_QUERY,
        RFC_MULTIGET,
        THUNDERBIRD_SYNC,
    ] {
        let bytes = seed.as_bytes();
        for end in 0..bytes.len() {
            let _ = parse_report(&bytes[..end]);
        }
        for i in (0..bytes.len()).step_by(3) {
            for b in NASTY {
                let mut mutated = bytes.to_vec();
                mutated[i] = b;
                let _ = parse_report(&mutated);
            }
        }
    }
}
