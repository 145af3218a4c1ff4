//! Directory cards: exact output in both versions, determinism, and the
//! way back through validation, filters and conversion.

use super::*;
use crate::report::{Filter, MatchType, PropFilter, Test, TextMatch};
use crate::{AddressDataRequest, matches, render_address_data, validate_card};

const JPEG: [u8; 6] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];

fn anna() -> DirectoryPerson {
    DirectoryPerson {
        uid: "5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a".into(),
        login: "anna".into(),
        given_name: Some("Anna".into()),
        surname: Some("Schäfer".into()),
        display_name: Some("Anna Schäfer".into()),
        email: Some("anna.schaefer@corp.example".into()),
        phone: Some("+49 30 1234-100".into()),
        mobile: Some("+49 170 5550100".into()),
        title: Some("Head of Sales, EMEA".into()),
        company: Some("Contoso GmbH".into()),
        department: Some("Sales; Berlin".into()),
        birthday: Some("1984-07-09".into()),
        photo: Some(("image/jpeg".into(), JPEG.to_vec())),
        manager: Some(("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into(), "Max Mustermann".into())),
    }
}

#[test]
fn vcard_3_for_outlook_and_apple() {
    let card = directory_card(&anna(), VcardVersion::V3);
    assert_eq!(
        card,
        "BEGIN:VCARD\r
VERSION:3.0\r
PRODID:-//Portico//Directory//EN\r
UID:5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a\r
FN;CHARSET=UTF-8:Anna Schäfer\r
N;CHARSET=UTF-8:Schäfer;Anna;;;\r
ORG:Contoso GmbH;Sales\\; Berlin\r
TITLE:Head of Sales\\, EMEA\r
EMAIL;TYPE=INTERNET,WORK:anna.schaefer@corp.example\r
TEL;TYPE=WORK,VOICE:+49 30 1234-100\r
TEL;TYPE=CELL,VOICE:+49 170 5550100\r
BDAY:1984-07-09\r
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r
X-MANAGER:Max Mustermann\r
END:VCARD\r
"
    );
}

#[test]
fn vcard_4() {
    let card = directory_card(&anna(), VcardVersion::V4);
    assert_eq!(
        card,
        "BEGIN:VCARD\r
VERSION:4.0\r
PRODID:-//Portico//Directory//EN\r
KIND:INDIVIDUAL\r
UID:5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a\r
FN:Anna Schäfer\r
N:Schäfer;Anna;;;\r
ORG:Contoso GmbH;Sales\\; Berlin\r
TITLE:Head of Sales\\, EMEA\r
EMAIL;TYPE=WORK:anna.schaefer@corp.example\r
TEL;TYPE=WORK,VOICE:+49 30 1234-100\r
TEL;TYPE=CELL,VOICE:+49 170 5550100\r
BDAY:19840709\r
PHOTO:data:image/jpeg;base64,/9j/4AAQ\r
RELATED;TYPE=x-manager:urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\r
END:VCARD\r
"
    );
}

#[test]
fn deterministic() {
    for version in VcardVersion::ALL {
        assert_eq!(
            directory_card(&anna(), version),
            directory_card(&anna().clone(), version)
        );
    }
}

#[test]
fn cards_validate_and_match_in_both_versions() {
    for version in VcardVersion::ALL {
        let text = directory_card(&anna(), version);
        let card = validate_card(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(card.uid, "5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a");
        assert_eq!(card.version, version);
        assert_eq!(card.formatted_name, "Anna Schäfer");
        assert_eq!(card.emails, ["anna.schaefer@corp.example"]);
        assert_eq!(card.phones, ["+49 30 1234-100", "+49 170 5550100"]);
        assert_eq!(card.organization.as_deref(), Some("Contoso GmbH"));
        let filter = Filter {
            test: Test::AllOf,
            prop_filters: vec![PropFilter {
                name: "ORG".into(),
                test: Test::AnyOf,
                is_not_defined: false,
                text_matches: vec![TextMatch {
                    text: "sales; berlin".into(),
                    collation: crate::Collation::UnicodeCasemap,
                    negate: false,
                    match_type: MatchType::Equals,
                }],
                param_filters: Vec::new(),
            }],
        };
        assert!(matches(&filter, text.as_bytes()), "{text}");
    }
}

#[test]
fn generated_versions_convert_into_each_other() {
    let v3 = directory_card(&anna(), VcardVersion::V3);
    let v4 = directory_card(&anna(), VcardVersion::V4);
    let as_v4 = AddressDataRequest {
        version: Some(VcardVersion::V4),
        props: None,
    };
    let converted = render_address_data(v3.as_bytes(), &as_v4).unwrap();
    assert!(
        converted.contains("PHOTO:data:image/jpeg;base64,/9j/4AAQ\r\n"),
        "{converted}"
    );
    assert!(converted.contains("BDAY:19840709\r\n"), "{converted}");
    let as_v3 = AddressDataRequest {
        version: Some(VcardVersion::V3),
        props: None,
    };
    let converted = render_address_data(v4.as_bytes(), &as_v3).unwrap();
    assert!(
        converted.contains("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n"),
        "{converted}"
    );
    assert!(converted.contains("BDAY:1984-07-09\r\n"), "{converted}");
}

#[test]
fn sparse_people() {
    let minimal = DirectoryPerson {
        uid: "u1".into(),
        login: "jdoe".into(),
        ..DirectoryPerson::default()
    };
    let card = directory_card(&minimal, VcardVersion::V3);
    assert_eq!(
        card,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Portico//Directory//EN\r\nUID:u1\r\nFN:jdoe\r\nN:;;;;\r\nEND:VCARD\r\n"
    );
    assert!(validate_card(card.as_bytes()).is_ok());
    let named = DirectoryPerson {
        given_name: Some(" Jane ".into()),
        surname: Some("Doe".into()),
        display_name: Some("  ".into()),
        department: Some("IT".into()),
        birthday: Some("1990-02-30".into()),
        photo: Some(("".into(), Vec::new())),
        manager: Some(("".into(), "".into())),
        ..minimal.clone()
    };
    for version in VcardVersion::ALL {
        let card = directory_card(&named, version);
        assert!(card.contains("FN:Jane Doe\r\n"), "{card}");
        assert!(card.contains("ORG:;IT\r\n"), "{card}");
        assert!(!card.contains("BDAY") && !card.contains("PHOTO") && !card.contains("MANAGER"));
        assert!(!card.contains("RELATED"), "{card}");
    }
    let urn = DirectoryPerson {
        manager: Some(("urn:uuid:abc".into(), "Boss".into())),
        company: Some("Corp".into()),
        photo: Some(("Image/PNG".into(), b"\x89PNG".to_vec())),
        ..minimal.clone()
    };
    let card = directory_card(&urn, VcardVersion::V4);
    assert!(card.contains("RELATED;TYPE=x-manager:urn:uuid:abc\r\n"), "{card}");
    assert!(card.contains("ORG:Corp\r\n"), "{card}");
    assert!(card.contains("PHOTO:data:image/png;base64,iVBORw==\r\n"), "{card}");
    let card = directory_card(&urn, VcardVersion::V3);
    assert!(card.contains("PHOTO;ENCODING=b;TYPE=PNG:iVBORw==\r\n"), "{card}");
    let nameless = DirectoryPerson {
        uid: "only-uid".into(),
        ..DirectoryPerson::default()
    };
    assert!(directory_card(&nameless, VcardVersion::V4).contains("FN:only-uid\r\n"));
}

#[test]
fn birthdays() {
    assert!(birthday("1984-07-09").is_some());
    assert!(birthday("2000-02-29").is_some());
    for bad in [
        "1999-02-29",
        "1984-7-9",
        "84-07-09",
        "1984-07-09-01",
        "1984/07/09",
        "",
        "abcd-ef-gh",
        "1984-13-01",
    ] {
        assert!(birthday(bad).is_none(), "{bad}");
    }
}

#[test]
fn hostile_values_stay_inside_their_property() {
    let evil = DirectoryPerson {
        uid: "x\r\nEND:VCARD\r\nBEGIN:VCARD".into(),
        login: "l".into(),
        display_name: Some("Eve\nUID:other".into()),
        title: Some("a;b,c\\d:e".into()),
        email: Some("eve@example.com\r\nX-INJECTED:1".into()),
        manager: Some(("m".into(), "Boss\r\nEND:VCARD".into())),
        ..DirectoryPerson::default()
    };
    for version in VcardVersion::ALL {
        let text = directory_card(&evil, version);
        let card = validate_card(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(card.uid, "x\r\nEND:VCARD\r\nBEGIN:VCARD", "{text}");
        assert_eq!(card.formatted_name, "Eve\nUID:other");
        assert!(!text.contains("\nX-INJECTED"), "{text}");
    }
}
