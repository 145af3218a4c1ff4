//! Validation of real client cards and every refusal.

use super::*;
use crate::fixtures::{APPLE, APPLE_GROUP, DAVX5, GOOGLE, OUTLOOK, RFC6350, THUNDERBIRD, all_samples};

#[test]
fn apple_contacts_card() {
    let card = validate_card(APPLE.as_bytes()).unwrap();
    assert_eq!(card.uid, "5B3B5A5E-5D0F-4C8E-9C1B-3F5C2B8E1A7D");
    assert_eq!(card.version, VcardVersion::V3);
    assert_eq!(card.formatted_name, "Jürgen Müller");
    assert_eq!(card.emails, ["juergen.mueller@contoso.example", "jm@example.org"]);
    assert_eq!(card.phones, ["+49 170 1234567", "+49 30 1234-0"]);
    assert_eq!(card.organization.as_deref(), Some("Contoso GmbH"));
    assert!(!card.is_group);
}

#[test]
fn apple_group_card() {
    let card = validate_card(APPLE_GROUP.as_bytes()).unwrap();
    assert!(card.is_group);
    assert!(card.emails.is_empty() && card.organization.is_none());
}

#[test]
fn other_clients() {
    let outlook = validate_card(OUTLOOK.as_bytes()).unwrap();
    assert_eq!(outlook.formatted_name, "Dr. Anna Schmidt");
    assert_eq!(outlook.emails.len(), 2);
    let tb = validate_card(THUNDERBIRD.as_bytes()).unwrap();
    assert_eq!(
        (tb.version, tb.uid.as_str()),
        (VcardVersion::V4, "4d2c1b6a-9e0f-4b8a-8c7d-2e1f0a9b8c7d")
    );
    assert_eq!(tb.phones, ["+46 70 123 45 67", "+46 8 123 456"]);
    let google = validate_card(GOOGLE.as_bytes()).unwrap();
    assert_eq!(google.emails, ["yuki.tanaka@example.jp"]);
    assert_eq!(validate_card(DAVX5.as_bytes()).unwrap().formatted_name, "Ole Hansen");
    let rfc = validate_card(RFC6350.as_bytes()).unwrap();
    assert_eq!(rfc.uid, "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519");
    assert_eq!(rfc.phones, ["tel:+1-418-656-9254;ext=102", "tel:+1-418-262-6501"]);
    assert!(!rfc.is_group);
    let group4 = "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Team\r\nMEMBER:urn:uuid:1\r\nUID:g\r\nEND:VCARD\r\n";
    assert!(validate_card(group4.as_bytes()).unwrap().is_group);
}

#[test]
fn every_sample_validates() {
    for sample in all_samples() {
        assert!(validate_card(sample.as_bytes()).is_ok(), "{sample}");
    }
}

#[test]
fn tolerated_variations() {
    // Late VERSION, empty FN, duplicated e-mail, BOM, no N.
    let card = "\u{feff}BEGIN:VCARD\r\nFN:\r\nEMAIL:a@b\r\nEMAIL:a@b\r\nVERSION:4.0\r\nUID: x \r\nEND:VCARD\r\n";
    let card = validate_card(card.as_bytes()).unwrap();
    assert_eq!(
        (card.uid.as_str(), card.formatted_name.as_str(), card.version),
        ("x", "", VcardVersion::V4)
    );
    assert_eq!(card.emails, ["a@b"]);
}

#[test]
fn refusals() {
    let ok = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nUID:1\r\nEND:VCARD\r\n";
    assert!(validate_card(ok.as_bytes()).is_ok());
    let cases: Vec<(Vec<u8>, CardError)> = vec![
        (b"".to_vec(), CardError::Empty),
        (b"BEGIN:VCARD\r\nFN:\xff\r\nEND:VCARD\r\n".to_vec(), CardError::NotUtf8),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_vec(),
            CardError::NotVcard,
        ),
        (format!("{ok}{ok}").into_bytes(), CardError::SeveralCards),
        (
            ok.replace("VERSION:3.0\r\n", "").into_bytes(),
            CardError::MissingVersion,
        ),
        (
            ok.replace("3.0", "2.1").into_bytes(),
            CardError::UnsupportedVersion("2.1".into()),
        ),
        (ok.replace("UID:1\r\n", "").into_bytes(), CardError::MissingUid),
        (ok.replace("UID:1", "UID:  ").into_bytes(), CardError::MissingUid),
        (ok.replace("FN:A\r\n", "").into_bytes(), CardError::MissingFormattedName),
    ];
    for (bytes, expected) in cases {
        assert_eq!(
            validate_card(&bytes),
            Err(expected),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
    }
    for broken in [
        ok.replace("END:VCARD\r\n", ""),
        ok.replace("FN:A", "BEGIN:VCARD"),
        ok.replace("END:VCARD", "END:VCALENDAR"),
        format!("{ok}NOTE:after\r\n"),
    ] {
        assert!(
            matches!(validate_card(broken.as_bytes()), Err(CardError::Malformed(_))),
            "{broken}"
        );
    }
    assert_eq!(
        validate_card(ok.replace("3.0", "2.1").as_bytes())
            .unwrap_err()
            .precondition()
            .name
            .local,
        "supported-address-data"
    );
    assert_eq!(
        validate_card(ok.replace("UID:1\r\n", "").as_bytes())
            .unwrap_err()
            .precondition()
            .name
            .local,
        "valid-address-data"
    );
}

#[test]
fn every_truncation_of_a_real_card_is_refused() {
    for sample in [APPLE, THUNDERBIRD] {
        let body = sample.trim_end();
        let end = body.rfind("END:VCARD").unwrap_or(0);
        for cut in 0..end {
            assert!(validate_card(&sample.as_bytes()[..cut]).is_err(), "{cut}");
        }
    }
}

#[test]
fn property_count_is_bounded_and_duplicates_are_dropped_in_linear_time() {
    let card = |emails: usize| {
        let lines: String = (0..emails).map(|i| format!("EMAIL:{}@x\r\n", i % 1000)).collect();
        format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u\r\nFN:F\r\n{lines}END:VCARD\r\n")
    };
    let ok = validate_card(card(MAX_PROPERTIES - 4).as_bytes()).unwrap();
    assert_eq!(ok.emails.len(), 1000, "repeats kept once");
    assert_eq!(
        validate_card(card(MAX_PROPERTIES).as_bytes()),
        Err(CardError::TooManyProperties(MAX_PROPERTIES))
    );
}
