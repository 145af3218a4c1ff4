//! Property tests over the request parsers (the CI side of the fuzz campaign, docs/fuzzing.md):
//! arbitrary and structure-aware inputs never panic, and what parses keeps its invariants
//! (paths round-trip, parsed `If` headers are not empty). `PROPTEST_CASES` raises the case
//! count for a longer run.

use proptest::prelude::*;

/// XML made of the element and attribute names the parsers look for, nested at random, with
/// random text and broken tags among them.
fn dav_xml() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "D:propfind",
        "D:prop",
        "D:allprop",
        "D:include",
        "D:propname",
        "D:getetag",
        "D:displayname",
        "D:propertyupdate",
        "D:set",
        "D:remove",
        "D:lockinfo",
        "D:lockscope",
        "D:exclusive",
        "D:shared",
        "D:locktype",
        "D:write",
        "D:owner",
        "D:href",
        "x:custom",
        "D:resourcetype",
        "D:collection",
    ]);
    let leaf = (names.clone(), "[a-z<>&;\" ]{0,12}").prop_map(|(n, t)| format!("<{n}>{t}</{n}>"));
    leaf.prop_recursive(4, 64, 6, move |inner| {
        (names.clone(), prop::collection::vec(inner, 0..6), any::<bool>()).prop_map(|(n, kids, lang)| {
            let attr = if lang { " xml:lang=\"en\"" } else { "" };
            format!("<{n}{attr}>{}</{n}>", kids.concat())
        })
    })
}

/// `body` as a document: the namespaces declared on its root element.
fn document(body: &str) -> String {
    let declared = body.replacen('>', " xmlns:D=\"DAV:\" xmlns:x=\"urn:x\">", 1);
    format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>{declared}")
}

proptest! {
    #[test]
    fn xml_requests_never_panic(body in dav_xml(), cut in 0usize..400) {
        let doc = document(&body);
        let mut end = doc.len().min(cut);
        while !doc.is_char_boundary(end) {
            end -= 1;
        }
        for input in [body.as_str(), doc.as_str(), &doc[..end]] {
            let _ = dav::parse_propfind(input.as_bytes());
            let _ = dav::parse_proppatch(input.as_bytes());
            let _ = dav::parse_lockinfo(input.as_bytes());
            let _ = dav::tree::parse_document(input.as_bytes());
        }
    }

    #[test]
    fn xml_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = dav::parse_propfind(&bytes);
        let _ = dav::parse_proppatch(&bytes);
        let _ = dav::parse_lockinfo(&bytes);
    }

    #[test]
    fn if_headers_never_panic(value in r#"[<>()\[\]a-zA-Z0-9:/_.\-" W*]{0,80}"#) {
        if let Ok(h) = dav::IfHeader::parse(&value) {
            prop_assert!(!value.trim().is_empty());
            let _ = h.is_tagged();
        }
    }

    #[test]
    fn paths_round_trip(segments in prop::collection::vec("[^/\u{0}]{1,12}", 0..6), slash in any::<bool>()) {
        let segments: Vec<String> = segments.into_iter().filter(|s| s != "." && s != "..").collect();
        let href = dav::encode_href(&segments, slash);
        if let Ok(back) = dav::decode_path(&href) {
            // Decoding normalises to NFC: compare the normalised forms.
            use unicode_normalization::UnicodeNormalization;
            let nfc: Vec<String> = segments.iter().map(|s| s.nfc().collect()).collect();
            prop_assert_eq!(back, nfc);
        }
    }

    #[test]
    fn raw_paths_never_panic(raw in r"/[%a-zA-Z0-9./~\-\u{80}-\u{10FFFF}]{0,60}") {
        let _ = dav::decode_path(&raw);
    }
}
