//! The collations of RFC 4790 that CalDAV and CardDAV text matching use:
//! `i;octet`, `i;ascii-casemap` and `i;unicode-casemap` (RFC 5051), with
//! their registered names, the canonical form values are compared in, and
//! the `supported-collation-set` property value that advertises them.

use unicode_normalization::UnicodeNormalization;

use crate::qname::QName;
use crate::response::property::PropertyValue;
use crate::xml::node::XmlElement;

/// A collation from the IANA registry (RFC 4790).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collation {
    /// `i;ascii-casemap`: ASCII letters compare case-insensitively (the
    /// CalDAV default, RFC 4791 §7.5).
    AsciiCasemap,
    /// `i;unicode-casemap` (RFC 5051): Unicode case mapping and NFKD (the
    /// CardDAV default, RFC 6352 §8.3).
    UnicodeCasemap,
    /// `i;octet`: byte for byte.
    Octet,
}

impl Collation {
    /// Every supported collation, in the order `supported-collation-set`
    /// lists them.
    pub const ALL: [Collation; 3] = [Collation::AsciiCasemap, Collation::Octet, Collation::UnicodeCasemap];

    /// The registered identifier.
    pub fn name(self) -> &'static str {
        match self {
            Collation::AsciiCasemap => "i;ascii-casemap",
            Collation::UnicodeCasemap => "i;unicode-casemap",
            Collation::Octet => "i;octet",
        }
    }

    /// Looks up an identifier; `default` means the protocol's `default`
    /// collation. Identifiers compare case-insensitively (RFC 4790 §3.1);
    /// wildcards are not collations.
    pub fn from_name(name: &str, default: Collation) -> Option<Self> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("default") {
            return Some(default);
        }
        Self::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(name))
    }

    /// The form both sides of a comparison are brought to: two strings are
    /// equal under the collation exactly when their canonical forms are, and
    /// one contains (starts, ends with) the other likewise.
    pub fn canonical(self, s: &str) -> String {
        match self {
            Collation::Octet => s.to_owned(),
            Collation::AsciiCasemap => s.to_ascii_uppercase(),
            // RFC 5051 §2: map each character's case, decompose (NFKD), and
            // map again, since decomposition can produce cased characters.
            Collation::UnicodeCasemap => s.chars().map(case_map).nfkd().map(case_map).collect(),
        }
    }
}

/// One character's simple case mapping: the lower-case form of its
/// single-character upper-case form, so `Ä`/`ä` and `Σ`/`σ`/`ς` meet.
/// Characters whose mappings expand (`ß` → `SS`) stay as they are.
fn case_map(c: char) -> char {
    let upper = single(c.to_uppercase()).unwrap_or(c);
    single(upper.to_lowercase()).unwrap_or(upper)
}

/// The only character of a mapping, if it has exactly one.
fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    match (chars.next(), chars.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// A `supported-collation-set` value (RFC 4791 §7.5.1, RFC 6352 §8.3.1):
/// one `element` (the protocol's `supported-collation`) per collation.
pub fn supported_collation_set(element: &QName) -> PropertyValue {
    PropertyValue::Elements(
        Collation::ALL
            .iter()
            .map(|c| XmlElement::new(element.clone()).with_text(c.name()).into())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(collation: Collation, a: &str, b: &str) -> bool {
        collation.canonical(a) == collation.canonical(b)
    }

    #[test]
    fn ascii_casemap_folds_only_ascii() {
        assert!(same(Collation::AsciiCasemap, "needs-action", "NEEDS-ACTION"));
        assert!(same(Collation::AsciiCasemap, "ärger", "ärger"));
        assert!(!same(Collation::AsciiCasemap, "ÄRGER", "ärger"));
    }

    #[test]
    fn unicode_casemap_folds_and_decomposes() {
        assert!(same(Collation::UnicodeCasemap, "ÄRGER", "ärger"));
        assert!(same(Collation::UnicodeCasemap, "a\u{308}rger", "Ärger"));
        assert!(same(Collation::UnicodeCasemap, "ΟΔΟΣ", "οδος"));
        assert!(same(Collation::UnicodeCasemap, "σ", "ς"));
        assert!(same(Collation::UnicodeCasemap, "ﬁle", "FILE"));
        assert!(same(Collation::UnicodeCasemap, "straße", "STRAßE"));
        assert!(!same(Collation::UnicodeCasemap, "strasse", "straße"));
        assert!(same(Collation::UnicodeCasemap, "İ", "i̇"));
    }

    #[test]
    fn octet_is_exact() {
        assert!(same(Collation::Octet, "Müller", "Müller"));
        assert!(!same(Collation::Octet, "müller", "Müller"));
    }

    #[test]
    fn names_and_defaults() {
        for c in Collation::ALL {
            assert_eq!(Collation::from_name(c.name(), Collation::Octet), Some(c));
        }
        assert_eq!(
            Collation::from_name("default", Collation::AsciiCasemap),
            Some(Collation::AsciiCasemap)
        );
        assert_eq!(
            Collation::from_name("Default", Collation::UnicodeCasemap),
            Some(Collation::UnicodeCasemap)
        );
        assert_eq!(
            Collation::from_name(" I;OCTET ", Collation::AsciiCasemap),
            Some(Collation::Octet)
        );
        assert_eq!(Collation::from_name("i;basic", Collation::AsciiCasemap), None);
        assert_eq!(Collation::from_name("i;*", Collation::AsciiCasemap), None);
    }

    #[test]
    fn collation_set_lists_every_collation() {
        let PropertyValue::Elements(nodes) = supported_collation_set(&QName::new("urn:x", "supported-collation"))
        else {
            panic!("not elements");
        };
        assert_eq!(nodes.len(), Collation::ALL.len());
    }
}
