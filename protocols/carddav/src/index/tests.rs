//! The index selects every card the filter matches (a superset), and narrows only where
//! that is safe.

use super::*;
use crate::report::{Report, parse_report};
use crate::{Filter, matches};

const CARDS: [&str; 5] = [
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nFN:Jürgen Müller\r\nORG:Contoso;Sales\r\n\
     item1.EMAIL;TYPE=INTERNET,WORK:juergen.mueller@contoso.example\r\nTEL;TYPE=CELL:+49 30 1234\r\n\
     NICKNAME:Jü,Jay\r\nUID:card-1\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Cyrus Daboo\r\nN:Daboo;Cyrus;;;\r\nEMAIL;TYPE=home:cyrus@example.com\r\n\
     UID:card-2\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:ΟΔΟΣ Straße\r\nUID:card-3\r\nNOTE:no email here\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:José 100%_done\r\nTEL:+1 555 0100\r\nUID:card-4\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:e\u{301}tienne\r\nEMAIL:ETIENNE@EXAMPLE.COM\r\nUID:card-5\r\nEND:VCARD\r\n",
];

fn filter(inner: &str, test: &str) -> Filter {
    let body = format!(
        r#"<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop><C:filter test="{test}">{inner}</C:filter></C:addressbook-query>"#
    );
    match parse_report(body.as_bytes()) {
        Ok(Report::AddressbookQuery(q)) => q.filter,
        other => panic!("{other:?}"),
    }
}

fn prop(name: &str, test: &str, inner: &str) -> String {
    format!(r#"<C:prop-filter name="{name}" test="{test}">{inner}</C:prop-filter>"#)
}

fn tm(text: &str, attrs: &str) -> String {
    format!(r#"<C:text-match {attrs}>{text}</C:text-match>"#)
}

/// What `cards_by_index` selects, evaluated over a card's index values.
fn selects(q: &IndexQuery, values: &[(&'static str, String)]) -> bool {
    let term = |t: &IndexTerm| {
        values
            .iter()
            .any(|(p, v)| *p == t.prop && t.match_type.holds(v, &t.needle))
    };
    let clause = |c: &IndexClause| c.test.combine(c.terms.iter().map(term));
    q.test.combine(q.clauses.iter().map(clause))
}

/// Every matching card is selected; returns how many cards the index selects and how
/// many the filter matches.
fn check(f: &Filter) -> Option<(usize, usize)> {
    let q = index_query(f)?;
    let (mut selected, mut matched) = (0, 0);
    for card in CARDS {
        let chosen = selects(&q, &index_values(card.as_bytes()));
        let hit = matches(f, card.as_bytes());
        assert!(chosen || !hit, "the index misses a match: {f:?}\n{card}");
        selected += usize::from(chosen);
        matched += usize::from(hit);
    }
    Some((selected, matched))
}

#[test]
fn values_are_case_folded_candidates() {
    let values = index_values(CARDS[0].as_bytes());
    for (prop, value) in [
        ("FN", "jürgen müller"),
        ("N", "müller"),
        ("N", "jürgen"),
        ("ORG", "sales"),
        ("EMAIL", "juergen.mueller@contoso.example"),
        ("NICKNAME", "jay"),
        ("UID", "card-1"),
    ] {
        let value = Collation::UnicodeCasemap.canonical(value);
        assert!(
            values.iter().any(|(p, v)| *p == prop && *v == value),
            "{prop} {value} in {values:?}"
        );
    }
    assert!(values.iter().all(|(p, _)| INDEXED_PROPERTIES.contains(p)));
    assert!(index_values(b"not a card").is_empty());
}

#[test]
fn match_types_and_collations_select_every_match() {
    for (name, text, attrs, expected) in [
        ("FN", "MÜLLER", "", 1),
        ("FN", "müller", r#"match-type="ends-with""#, 1),
        ("FN", "jürgen müller", r#"match-type="equals""#, 1),
        ("FN", "cyrus", r#"match-type="starts-with""#, 1),
        ("N", "daboo", r#"match-type="equals""#, 1),
        ("EMAIL", "@example.com", r#"match-type="ends-with""#, 2),
        ("EMAIL", "example", r#"collation="i;ascii-casemap""#, 3),
        ("EMAIL", "ETIENNE", r#"collation="i;octet""#, 1),
        ("FN", "οδος", "", 1),
        ("FN", "Straße", r#"collation="i;octet" match-type="ends-with""#, 1),
        ("FN", "100%_", "", 1),
        ("FN", "100%x", "", 0),
        ("TEL", "555", "", 1),
        ("NICKNAME", "JAY", r#"match-type="equals""#, 1),
        ("ORG", "contoso", r#"match-type="starts-with""#, 1),
        ("UID", "card-", r#"match-type="starts-with""#, 5),
        ("FN", "", "", 5),
        ("ITEM1.EMAIL", "contoso", "", 1),
    ] {
        let f = filter(&prop(name, "anyof", &tm(text, attrs)), "anyof");
        let (selected, matched) = check(&f).unwrap_or_else(|| panic!("{name} {text} {attrs} not narrowed"));
        assert_eq!(matched, expected, "{name} {text} {attrs}");
        assert!(selected >= matched);
    }
}

#[test]
fn unsafe_filters_scan() {
    for (inner, test) in [
        // Negated: cards without the text match.
        (prop("FN", "anyof", &tm("müller", r#"negate-condition="yes""#)), "anyof"),
        // Unindexed property, absent property.
        (prop("NOTE", "anyof", &tm("email", "")), "anyof"),
        (prop("EMAIL", "anyof", "<C:is-not-defined/>"), "anyof"),
        (prop("FN", "anyof", ""), "anyof"),
        // One prop-filter of an anyof filter cannot be narrowed.
        (
            format!(
                "{}{}",
                prop("FN", "anyof", &tm("x", "")),
                prop("NOTE", "anyof", &tm("y", ""))
            ),
            "anyof",
        ),
        // A param-filter alone may match under anyof.
        (
            prop(
                "EMAIL",
                "anyof",
                &format!(r#"{}<C:param-filter name="TYPE"/>"#, tm("x", "")),
            ),
            "anyof",
        ),
        // A match that starts with a combining mark may not survive case folding.
        (
            prop("FN", "anyof", &tm("\u{301}tienne", r#"collation="i;octet""#)),
            "anyof",
        ),
    ] {
        assert_eq!(index_query(&filter(&inner, test)), None, "{inner} {test}");
    }
}

#[test]
fn anyof_and_allof() {
    let either = format!(
        "{}{}",
        prop("FN", "anyof", &tm("daboo", "")),
        prop("EMAIL", "anyof", &tm("contoso", ""))
    );
    let f = filter(&either, "anyof");
    assert_eq!(check(&f), Some((2, 2)));
    let q = index_query(&f).unwrap();
    assert_eq!((q.test, q.clauses.len()), (Test::AnyOf, 2));

    let both = format!(
        "{}{}{}",
        prop("FN", "anyof", &tm("e", "")),
        prop("EMAIL", "anyof", &tm("example", "")),
        prop("NOTE", "anyof", &tm("nothing", ""))
    );
    let f = filter(&both, "allof");
    let q = index_query(&f).unwrap();
    assert_eq!((q.test, q.clauses.len()), (Test::AllOf, 2), "NOTE does not narrow");
    assert_eq!(check(&f), Some((2, 0)));

    // Within an allof prop-filter, negated text-matches and param-filters only restrict.
    let inner = format!(
        r#"{}{}<C:param-filter name="TYPE"><C:text-match>work</C:text-match></C:param-filter>"#,
        tm("mueller", ""),
        tm("cyrus", r#"negate-condition="yes""#)
    );
    let f = filter(&prop("EMAIL", "allof", &inner), "anyof");
    let q = index_query(&f).unwrap();
    assert_eq!(q.clauses[0].terms.len(), 1);
    assert_eq!(check(&f), Some((1, 1)));
    let f = filter(
        &prop("FN", "anyof", &format!("{}{}", tm("daboo", ""), tm("müller", ""))),
        "anyof",
    );
    assert_eq!(check(&f), Some((2, 2)));
    let f = filter(
        &prop("FN", "allof", &format!("{}{}", tm("daboo", ""), tm("müller", ""))),
        "anyof",
    );
    assert_eq!(check(&f), Some((0, 0)));
}
