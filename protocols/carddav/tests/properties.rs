//! Property tests over vCard validation and indexing and the CardDAV REPORT parser (the CI
//! side of the fuzz campaign, docs/fuzzing.md): cards built from the property vocabulary
//! clients send, truncated at random, and arbitrary bytes, never panic; an accepted card has a
//! UID and indexes only the indexed properties.

use carddav::{INDEXED_PROPERTIES, index_values, parse_report, validate_card};
use proptest::prelude::*;

fn card() -> impl Strategy<Value = String> {
    let line = prop::sample::select(vec![
        "FN:Anna Petrova",
        "N:Petrova;Anna;;;",
        "EMAIL;TYPE=work:anna@example.com",
        "TEL;TYPE=cell:+7 495 123",
        "ORG:Northwind;Sales",
        "TITLE:Manager",
        "BDAY:1990-04-01",
        "BDAY:--0401",
        "NOTE:a\\, b\\n c",
        "ADR;TYPE=work:;;Main St 1;Moscow;;101000;Russia",
        "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=",
        "X-CUSTOM;PARAM=\"quoted\":value",
        "item1.EMAIL:grouped@example.com",
        "CATEGORIES:a,b,c",
        "BROKEN LINE",
        "UID:urn:uuid:1",
        "UID:",
        "VERSION:4.0",
        "N:",
        "TEL;VALUE=uri:tel:+1-555",
    ]);
    (
        prop::sample::select(vec!["3.0", "4.0", "2.1"]),
        prop::collection::vec(line, 0..14),
        any::<bool>(),
    )
        .prop_map(|(v, lines, uid)| {
            let mut c = format!("BEGIN:VCARD\r\nVERSION:{v}\r\n");
            if uid {
                c += "UID:prop-card\r\n";
            }
            for l in lines {
                c += l;
                c += "\r\n";
            }
            c + "END:VCARD\r\n"
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn cards_validate_and_index_without_panicking(text in card(), cut in 0usize..600) {
        let mut end = text.len().min(cut);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for input in [text.as_str(), &text[..end]] {
            if let Ok(card) = validate_card(input.as_bytes()) {
                prop_assert!(!card.uid.is_empty());
                for (prop, _) in index_values(input.as_bytes()) {
                    prop_assert!(INDEXED_PROPERTIES.contains(&prop), "{prop} is not an indexed property");
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = validate_card(&bytes);
        let _ = index_values(&bytes);
        let _ = parse_report(&bytes);
    }
}
