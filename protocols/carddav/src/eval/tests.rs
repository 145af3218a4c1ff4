//! Filter evaluation on real cards: the RFC 6352 examples, every
//! collation and match type, anyof/allof, is-not-defined, negation,
//! parameters and groups.

use super::*;
use crate::fixtures::{
    APPLE, APPLE_GROUP, DAVX5, GOOGLE, OUTLOOK, RFC_ANYOF_QUERY, RFC_NICKNAME_QUERY, RFC6350, THUNDERBIRD, all_samples,
};
use crate::report::{Collation, MatchType, Report, Test, TextMatch, parse_report};

fn tm(text: &str) -> TextMatch {
    TextMatch {
        text: text.into(),
        collation: Collation::UnicodeCasemap,
        negate: false,
        match_type: MatchType::Contains,
    }
}

fn pf(name: &str, text_matches: Vec<TextMatch>) -> PropFilter {
    PropFilter {
        name: name.into(),
        test: Test::AnyOf,
        is_not_defined: false,
        text_matches,
        param_filters: Vec::new(),
    }
}

fn filter(test: Test, prop_filters: Vec<PropFilter>) -> Filter {
    Filter { test, prop_filters }
}

/// The samples a filter selects, by index into `all_samples()`.
fn selected(f: &Filter) -> Vec<usize> {
    all_samples()
        .iter()
        .enumerate()
        .filter(|(_, s)| matches(f, s.as_bytes()))
        .map(|(i, _)| i)
        .collect()
}

fn query_filter(body: &str) -> Filter {
    match parse_report(body.as_bytes()) {
        Ok(Report::AddressbookQuery(q)) => q.filter,
        other => panic!("{other:?}"),
    }
}

const CYRUS: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nNICKNAME:me\r\nUID:34222-232@example.com\r\nFN:Cyrus Daboo\r\nEMAIL:daboo@example.com\r\nEND:VCARD\r\n";
const DAVID: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nNICKNAME:me\r\nUID:34222-232@example.com\r\nFN:David Boo\r\nEMAIL:daboo@example.com\r\nEND:VCARD\r\n";
const OLIVER: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nNICKNAME:oliver\r\nUID:34222-23222@example.com\r\nFN:Oliver Daboo\r\nEMAIL:oliver@example.com\r\nEND:VCARD\r\n";

#[test]
fn rfc_examples() {
    let nickname = query_filter(RFC_NICKNAME_QUERY);
    assert!(matches(&nickname, CYRUS.as_bytes()));
    assert!(!matches(&nickname, OLIVER.as_bytes()));
    assert!(matches(&nickname, DAVX5.as_bytes()));
    let anyof = query_filter(RFC_ANYOF_QUERY);
    for card in [CYRUS, DAVID, OLIVER] {
        assert!(matches(&anyof, card.as_bytes()), "{card}");
    }
    assert!(!matches(&anyof, APPLE.as_bytes()));
}

#[test]
fn empty_filter_matches_every_card_and_garbage_none() {
    let all = Filter::default();
    assert_eq!(selected(&all), (0..all_samples().len()).collect::<Vec<_>>());
    assert!(!matches(&all, b"not a card"));
    let allof = filter(Test::AllOf, Vec::new());
    assert!(matches(&allof, GOOGLE.as_bytes()));
}

#[test]
fn unicode_casefolding_on_real_cards() {
    // APPLE's NOTE says "ÄRGER mit der Lieferung".
    let note = |text: &str, collation| {
        let mut t = tm(text);
        t.collation = collation;
        filter(Test::AnyOf, vec![pf("NOTE", vec![t])])
    };
    assert!(matches(&note("ärger", Collation::UnicodeCasemap), APPLE.as_bytes()));
    assert!(matches(&note("ÄRGER", Collation::UnicodeCasemap), APPLE.as_bytes()));
    assert!(!matches(&note("ärger", Collation::AsciiCasemap), APPLE.as_bytes()));
    assert!(matches(&note("ÄRGER mit", Collation::AsciiCasemap), APPLE.as_bytes()));
    assert!(!matches(&note("ärger", Collation::Octet), APPLE.as_bytes()));
    assert!(matches(&note("ÄRGER", Collation::Octet), APPLE.as_bytes()));
    let fname = filter(Test::AnyOf, vec![pf("FN", vec![tm("jürgen müller")])]);
    assert_eq!(selected(&fname), [0]);
}

#[test]
fn every_match_type() {
    let email = |text: &str, match_type| {
        let mut t = tm(text);
        t.match_type = match_type;
        filter(Test::AnyOf, vec![pf("EMAIL", vec![t])])
    };
    assert_eq!(
        selected(&email("ANNA.SCHMIDT@FABRIKAM.EXAMPLE", MatchType::Equals)),
        [2]
    );
    assert_eq!(selected(&email("anna.schmidt", MatchType::Equals)), Vec::<usize>::new());
    assert_eq!(selected(&email("pia", MatchType::StartsWith)), [3]);
    assert_eq!(selected(&email("@example.org", MatchType::EndsWith)), [0]);
    assert_eq!(selected(&email("example", MatchType::Contains)), [0, 2, 3, 4, 5]);
}

#[test]
fn negate_condition() {
    let mut t = tm("example");
    t.negate = true;
    // Cards with some EMAIL not containing "example": viagenie.ca only.
    let f = filter(Test::AnyOf, vec![pf("EMAIL", vec![t])]);
    assert_eq!(selected(&f), [6]);
    // A card without EMAIL does not match a negated test either.
    assert!(!matches(&f, APPLE_GROUP.as_bytes()));
    // CATEGORIES "not set to" Friends.
    let mut t = tm("friends");
    t.match_type = MatchType::Equals;
    t.negate = true;
    let f = filter(Test::AnyOf, vec![pf("CATEGORIES", vec![t.clone()])]);
    assert!(!matches(&f, GOOGLE.as_bytes()));
    t.negate = false;
    assert!(matches(
        &filter(Test::AnyOf, vec![pf("CATEGORIES", vec![t])]),
        GOOGLE.as_bytes()
    ));
}

#[test]
fn anyof_and_allof() {
    let fabrikam = pf("ORG", vec![tm("fabrikam")]);
    let pia = pf("FN", vec![tm("pia")]);
    assert_eq!(
        selected(&filter(Test::AnyOf, vec![fabrikam.clone(), pia.clone()])),
        [2, 3]
    );
    assert_eq!(
        selected(&filter(Test::AllOf, vec![fabrikam.clone(), pia])),
        Vec::<usize>::new()
    );
    let schmidt = pf("N", vec![tm("schmidt")]);
    assert_eq!(selected(&filter(Test::AllOf, vec![fabrikam, schmidt])), [2]);
    // Inside one prop-filter: text-matches combine by its own test.
    let mut both = pf("EMAIL", vec![tm("anna"), tm("fabrikam")]);
    both.test = Test::AllOf;
    assert_eq!(selected(&filter(Test::AnyOf, vec![both.clone()])), [2]);
    both.text_matches[1] = tm("northwind");
    assert_eq!(selected(&filter(Test::AnyOf, vec![both.clone()])), Vec::<usize>::new());
    both.test = Test::AnyOf;
    assert_eq!(selected(&filter(Test::AnyOf, vec![both])), [2, 3]);
}

#[test]
fn is_not_defined_and_existence() {
    let mut no_photo = pf("PHOTO", Vec::new());
    no_photo.is_not_defined = true;
    assert_eq!(selected(&filter(Test::AnyOf, vec![no_photo])), [1, 2, 3, 4, 5]);
    assert_eq!(selected(&filter(Test::AnyOf, vec![pf("NICKNAME", Vec::new())])), [3, 5]);
    assert_eq!(
        selected(&filter(Test::AnyOf, vec![pf("X-ADDRESSBOOKSERVER-KIND", Vec::new())])),
        [1]
    );
}

#[test]
fn parameters() {
    let typed = |param: ParamFilter| {
        let mut f = pf("TEL", Vec::new());
        f.param_filters.push(param);
        filter(Test::AnyOf, vec![f])
    };
    let mut t = tm("cell");
    t.match_type = MatchType::Equals;
    let cell = ParamFilter {
        name: "TYPE".into(),
        is_not_defined: false,
        text_match: Some(t.clone()),
    };
    assert_eq!(selected(&typed(cell)), [0, 2, 3, 4, 5, 6]);
    t.negate = true;
    // A TEL whose TYPE is not CELL at all.
    let not_cell = ParamFilter {
        name: "TYPE".into(),
        is_not_defined: false,
        text_match: Some(t),
    };
    assert_eq!(selected(&typed(not_cell)), [0, 2, 3, 6]);
    let untyped = ParamFilter {
        name: "TYPE".into(),
        is_not_defined: true,
        text_match: None,
    };
    assert_eq!(selected(&typed(untyped)), Vec::<usize>::new());
    let valued = ParamFilter {
        name: "value".into(),
        is_not_defined: false,
        text_match: None,
    };
    assert_eq!(selected(&typed(valued)), [3, 6]);
    // Apple's 3.0 `type=pref` and Thunderbird's `PREF=1` are both there.
    let pref = |name: &str| {
        let mut f = pf("EMAIL", Vec::new());
        f.param_filters.push(ParamFilter {
            name: name.into(),
            is_not_defined: false,
            text_match: None,
        });
        filter(Test::AnyOf, vec![f])
    };
    assert_eq!(selected(&pref("PREF")), [3]);
    let mut type_pref = pref("TYPE");
    type_pref.prop_filters[0].param_filters[0].text_match = Some(tm("pref"));
    assert_eq!(selected(&type_pref), [0]);
}

#[test]
fn groups() {
    // `EMAIL` matches item1.EMAIL; `ITEM2.EMAIL` only that group.
    let plain = filter(Test::AnyOf, vec![pf("EMAIL", vec![tm("jm@example.org")])]);
    assert!(matches(&plain, APPLE.as_bytes()));
    let item2 = filter(Test::AnyOf, vec![pf("ITEM2.EMAIL", vec![tm("jm@example.org")])]);
    assert!(matches(&item2, APPLE.as_bytes()));
    let item1 = filter(Test::AnyOf, vec![pf("ITEM1.EMAIL", vec![tm("jm@example.org")])]);
    assert!(!matches(&item1, APPLE.as_bytes()));
    assert!(!matches(&item2, OUTLOOK.as_bytes()));
    let label = filter(Test::AnyOf, vec![pf("item1.x-ablabel", vec![tm("<Work>")])]);
    assert!(matches(&label, APPLE.as_bytes()));
    let mut absent = pf("ITEM9.EMAIL", Vec::new());
    absent.is_not_defined = true;
    assert!(matches(&filter(Test::AnyOf, vec![absent]), APPLE.as_bytes()));
}

#[test]
fn structured_values_and_dates() {
    let equals = |name: &str, text: &str| {
        let mut t = tm(text);
        t.match_type = MatchType::Equals;
        filter(Test::AnyOf, vec![pf(name, vec![t])])
    };
    assert!(matches(&equals("N", "Lindqvist"), THUNDERBIRD.as_bytes()));
    assert!(matches(&equals("N", "Lindqvist;Pia;;;"), THUNDERBIRD.as_bytes()));
    assert!(matches(&equals("ADR", "Zürich"), OUTLOOK.as_bytes()));
    assert!(matches(&equals("BDAY", "1979-11-23"), OUTLOOK.as_bytes()));
    assert!(matches(&equals("BDAY", "19880229"), THUNDERBIRD.as_bytes()));
    assert!(matches(&equals("URL", "https://blog.example.jp"), GOOGLE.as_bytes()));
    assert!(matches(
        &equals("UID", "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519"),
        RFC6350.as_bytes()
    ));
}
