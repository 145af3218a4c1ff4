//! Address data rendering: unchanged bytes, version conversion of real
//! cards with round trips of the key fields, and property subsetting.

use super::*;
use crate::fixtures::{APPLE, APPLE_GROUP, JPEG_BASE64, OUTLOOK, RFC6350, THUNDERBIRD, all_samples};
use crate::version::VcardVersion;
use crate::{Card, validate_card};

fn request(version: Option<VcardVersion>, props: Option<&[(&str, bool)]>) -> AddressDataRequest {
    AddressDataRequest {
        version,
        props: props.map(|list| {
            list.iter()
                .map(|(name, novalue)| PropSelector {
                    name: (*name).to_owned(),
                    novalue: *novalue,
                })
                .collect()
        }),
    }
}

fn render(card: &str, version: Option<VcardVersion>) -> String {
    render_address_data(card.as_bytes(), &request(version, None)).unwrap_or_else(|e| panic!("{e}"))
}

/// The fields that must survive a conversion.
fn key_fields(card: &Card) -> (String, String, Vec<String>, Vec<String>, Option<String>, bool) {
    (
        card.uid.clone(),
        card.formatted_name.clone(),
        card.emails.clone(),
        // 4.0 `tel:` URIs become plain numbers in 3.0.
        card.phones
            .iter()
            .map(|p| p.trim_start_matches("tel:").to_owned())
            .collect(),
        card.organization.clone(),
        card.is_group,
    )
}

#[test]
fn stored_bytes_come_back_unchanged() {
    for sample in all_samples() {
        assert_eq!(render(sample, None), sample);
        let version = validate_card(sample.as_bytes()).unwrap().version;
        assert_eq!(render(sample, Some(version)), sample);
    }
    // Not even parsed when nothing is asked for.
    assert_eq!(
        render_address_data(b"anything", &AddressDataRequest::default()).as_deref(),
        Ok("anything")
    );
    assert_eq!(
        render_address_data(b"\xff", &AddressDataRequest::default()),
        Err(CardError::NotUtf8)
    );
}

#[test]
fn conversions_keep_key_fields_both_ways() {
    for sample in all_samples() {
        let original = validate_card(sample.as_bytes()).unwrap();
        let other = match original.version {
            VcardVersion::V3 => VcardVersion::V4,
            VcardVersion::V4 => VcardVersion::V3,
        };
        let converted = render(sample, Some(other));
        let card = validate_card(converted.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{converted}"));
        assert_eq!(card.version, other);
        assert_eq!(key_fields(&card), key_fields(&original), "{converted}");
        let back = render(&converted, Some(original.version));
        let again = validate_card(back.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{back}"));
        assert_eq!(key_fields(&again), key_fields(&original), "{back}");
        // A second round trip is stable.
        assert_eq!(render(&render(&back, Some(other)), Some(original.version)), back);
    }
}

#[test]
fn apple_card_as_vcard_4() {
    let v4 = render(APPLE, Some(VcardVersion::V4));
    let unfolded = v4.replace("\r\n ", "");
    assert!(v4.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{v4}");
    assert!(
        unfolded.contains(&format!("PHOTO:data:image/jpeg;base64,{JPEG_BASE64}\r\n")),
        "{v4}"
    );
    assert!(
        unfolded.contains("item1.EMAIL;TYPE=INTERNET;PREF=1:juergen.mueller@contoso.example\r\n"),
        "{v4}"
    );
    assert!(unfolded.contains("item1.X-ABLabel:_$!<Work>!$_\r\n"), "{v4}");
    assert!(unfolded.contains("BDAY:--0314\r\n"), "{v4}");
    assert!(
        unfolded.contains("NOTE:ÄRGER mit der Lieferung\\, bitte anrufen\r\n"),
        "{v4}"
    );
    assert!(!v4.contains("ENCODING") && !v4.contains("CHARSET"), "{v4}");
    assert!(v4.lines().all(|l| l.len() <= 75), "{v4}");
    let group = render(APPLE_GROUP, Some(VcardVersion::V4));
    assert!(group.contains("KIND:group\r\n"), "{group}");
}

#[test]
fn thunderbird_card_as_vcard_3() {
    let v3 = render(THUNDERBIRD, Some(VcardVersion::V3));
    assert!(v3.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{v3}");
    assert!(v3.contains("EMAIL;TYPE=pref:pia.lindqvist@example.net\r\n"), "{v3}");
    assert!(v3.contains("BDAY;VALUE=DATE:1988-02-29\r\n"), "{v3}");
    assert!(v3.ends_with("END:VCARD\r\n"));
    let rfc = render(RFC6350, Some(VcardVersion::V3)).replace("\r\n ", "");
    assert!(
        rfc.contains(&format!("PHOTO;ENCODING=b;TYPE=JPEG:{JPEG_BASE64}\r\n")),
        "{rfc}"
    );
    assert!(
        rfc.contains("TEL;TYPE=WORK,VOICE,pref:+1-418-656-9254\\;ext=102\r\n"),
        "{rfc}"
    );
    assert!(rfc.contains("BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03\r\n"), "{rfc}");
    assert!(rfc.contains("X-ADDRESSBOOKSERVER-KIND:individual\r\n"), "{rfc}");
    assert!(
        rfc.contains("KEY;TYPE=WORK;VALUE=URI:http://www.viagenie.ca/simon.perreault/simon.asc\r\n"),
        "{rfc}"
    );
}

#[test]
fn rfc_subset_example() {
    let names = [
        ("VERSION", false),
        ("UID", false),
        ("NICKNAME", false),
        ("EMAIL", false),
        ("FN", false),
    ];
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cyrus Daboo\r\nN:Daboo;Cyrus\r\nADR;TYPE=POSTAL:;2822 Email HQ;Suite 2821;RFCVille;PA;15213;USA\r\nEMAIL;TYPE=INTERNET,PREF:cyrus@example.com\r\nNICKNAME:me\r\nNOTE:Example VCard.\r\nORG:Self Employed\r\nTEL;TYPE=WORK,VOICE:412 605 0499\r\nTEL;TYPE=FAX:412 605 0705\r\nURL:http://www.example.com\r\nUID:1234-5678-9000-1\r\nEND:VCARD\r\n";
    let out = render_address_data(card.as_bytes(), &request(None, Some(&names))).unwrap();
    assert_eq!(
        out,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cyrus Daboo\r\nEMAIL;TYPE=INTERNET,PREF:cyrus@example.com\r\nNICKNAME:me\r\nUID:1234-5678-9000-1\r\nEND:VCARD\r\n"
    );
}

#[test]
fn subsets_with_groups_and_novalue() {
    let out = render_address_data(
        APPLE.as_bytes(),
        &request(
            None,
            Some(&[("ITEM2.EMAIL", false), ("PHOTO", true), ("x-abuid", false)]),
        ),
    )
    .unwrap();
    assert_eq!(
        out,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nitem2.EMAIL;TYPE=INTERNET,HOME:jm@example.org\r\nPHOTO;TYPE=JPEG:\r\nX-ABUID:5B3B5A5E-5D0F-4C8E-9C1B-3F5C2B8E1A7D:ABPerson\r\nEND:VCARD\r\n"
    );
    let all_emails = render_address_data(APPLE.as_bytes(), &request(None, Some(&[("EMAIL", false)]))).unwrap();
    assert_eq!(all_emails.matches("EMAIL").count(), 2);
    let nothing = render_address_data(OUTLOOK.as_bytes(), &request(Some(VcardVersion::V4), Some(&[]))).unwrap();
    assert_eq!(nothing, "BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n");
    // Subsetting after conversion uses the output version's names.
    let kind = render_address_data(
        APPLE_GROUP.as_bytes(),
        &request(Some(VcardVersion::V4), Some(&[("KIND", false)])),
    )
    .unwrap();
    assert_eq!(kind, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nEND:VCARD\r\n");
}

#[test]
fn unreadable_stored_data() {
    let v4 = request(Some(VcardVersion::V4), None);
    assert_eq!(render_address_data(b"", &v4), Err(CardError::Empty));
    assert!(render_address_data(b"BEGIN:VCARD\r\nVERSION:2.1\r\nEND:VCARD\r\n", &v4).is_err());
}
