//! `CARD:text-match` (RFC 6352 §10.5.4) and the collations of §8.3:
//! `i;unicode-casemap` (RFC 5051, the default), `i;ascii-casemap` and
//! `i;octet` (RFC 4790).

use unicode_normalization::UnicodeNormalization;

/// A collation from the IANA registry (RFC 4790).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collation {
    /// `i;unicode-casemap` (RFC 5051): Unicode case mapping and NFKD; the
    /// CardDAV default.
    UnicodeCasemap,
    /// `i;ascii-casemap`: ASCII letters compare case-insensitively.
    AsciiCasemap,
    /// `i;octet`: byte for byte.
    Octet,
}

impl Collation {
    /// Every supported collation, for `CARD:supported-collation-set`.
    pub const ALL: [Collation; 3] = [Collation::AsciiCasemap, Collation::Octet, Collation::UnicodeCasemap];

    /// The registered identifier.
    pub fn name(self) -> &'static str {
        match self {
            Collation::UnicodeCasemap => "i;unicode-casemap",
            Collation::AsciiCasemap => "i;ascii-casemap",
            Collation::Octet => "i;octet",
        }
    }

    /// Looks up an identifier; `default` means `i;unicode-casemap` (RFC 6352
    /// §8.3). Identifiers compare case-insensitively (RFC 4790 §3.1);
    /// wildcards are not collations.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("default") {
            return Some(Collation::UnicodeCasemap);
        }
        Self::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(name))
    }

    /// The form both sides are compared in.
    fn canonical(self, s: &str) -> String {
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

/// `match-type` (RFC 6352 §10.5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MatchType {
    /// The whole value.
    Equals,
    /// Anywhere in the value (the default).
    #[default]
    Contains,
    /// At the start.
    StartsWith,
    /// At the end.
    EndsWith,
}

impl MatchType {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name.trim() {
            "equals" => Some(MatchType::Equals),
            "contains" => Some(MatchType::Contains),
            "starts-with" => Some(MatchType::StartsWith),
            "ends-with" => Some(MatchType::EndsWith),
            _ => None,
        }
    }
}

/// A text condition on a property or parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    /// The text to look for.
    pub text: String,
    /// How to compare characters.
    pub collation: Collation,
    /// `negate-condition="yes"`: match when the text does *not* occur.
    pub negate: bool,
    /// Where the text must occur.
    pub match_type: MatchType,
}

impl TextMatch {
    /// Whether `value` satisfies the condition.
    pub fn matches(&self, value: &str) -> bool {
        self.matches_any(std::iter::once(value))
    }

    /// Whether the text occurs in any of `values` — or, negated, in none:
    /// a property or parameter with several values (`TYPE=WORK,VOICE`,
    /// `CATEGORIES:a,b`) "is set to" each of them.
    pub(crate) fn matches_any<'a>(&self, values: impl IntoIterator<Item = &'a str>) -> bool {
        let needle = self.collation.canonical(&self.text);
        let found = values.into_iter().any(|value| {
            let hay = self.collation.canonical(value);
            match self.match_type {
                MatchType::Equals => hay == needle,
                MatchType::Contains => hay.contains(&needle),
                MatchType::StartsWith => hay.starts_with(&needle),
                MatchType::EndsWith => hay.ends_with(&needle),
            }
        });
        found != self.negate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm(text: &str, collation: Collation) -> TextMatch {
        TextMatch {
            text: text.into(),
            collation,
            negate: false,
            match_type: MatchType::Contains,
        }
    }

    #[test]
    fn unicode_casemap_folds_everything() {
        assert!(tm("ÄRGER", Collation::UnicodeCasemap).matches("so ein ärger"));
        assert!(tm("ärger", Collation::UnicodeCasemap).matches("ÄRGER mit der Lieferung"));
        assert!(tm("a\u{308}rger", Collation::UnicodeCasemap).matches("Ärger"));
        assert!(tm("MÜLLER", Collation::UnicodeCasemap).matches("Jürgen Müller"));
        assert!(tm("ΟΔΟΣ", Collation::UnicodeCasemap).matches("οδος"));
        assert!(tm("σ", Collation::UnicodeCasemap).matches("ς"));
        assert!(tm("ﬁle", Collation::UnicodeCasemap).matches("FILE"));
        assert!(tm("straße", Collation::UnicodeCasemap).matches("STRAßE"));
        assert!(!tm("strasse", Collation::UnicodeCasemap).matches("straße"));
        assert!(tm("田中", Collation::UnicodeCasemap).matches("田中 優希"));
    }

    #[test]
    fn ascii_casemap_folds_only_ascii() {
        assert!(tm("mueller", Collation::AsciiCasemap).matches("JUERGEN.MUELLER@CONTOSO.EXAMPLE"));
        assert!(tm("ärger", Collation::AsciiCasemap).matches("ärger"));
        assert!(!tm("ÄRGER", Collation::AsciiCasemap).matches("ärger"));
        assert!(tm("Ä", Collation::AsciiCasemap).matches("xÄx"));
    }

    #[test]
    fn octet_is_exact() {
        assert!(tm("Müller", Collation::Octet).matches("Jürgen Müller"));
        assert!(!tm("müller", Collation::Octet).matches("Jürgen Müller"));
        assert!(!tm("ÄRGER", Collation::Octet).matches("ärger"));
    }

    #[test]
    fn match_types_and_negation() {
        let mut m = tm("daboo", Collation::UnicodeCasemap);
        for (kind, value, expected) in [
            (MatchType::Equals, "DABOO", true),
            (MatchType::Equals, "Cyrus Daboo", false),
            (MatchType::StartsWith, "Daboo, Cyrus", true),
            (MatchType::StartsWith, "Cyrus Daboo", false),
            (MatchType::EndsWith, "Cyrus Daboo", true),
            (MatchType::EndsWith, "daboo@example.com", false),
            (MatchType::Contains, "cyrus.DABOO@example.com", true),
            (MatchType::Contains, "cyrus@example.com", false),
        ] {
            m.match_type = kind;
            m.negate = false;
            assert_eq!(m.matches(value), expected, "{kind:?} {value}");
            m.negate = true;
            assert_eq!(m.matches(value), !expected, "negated {kind:?} {value}");
        }
        assert!(tm("", Collation::Octet).matches("anything"));
    }

    #[test]
    fn several_values() {
        let mut m = tm("PERSON", Collation::AsciiCasemap);
        m.match_type = MatchType::Equals;
        assert!(m.matches_any(["work", "person"]));
        m.negate = true;
        assert!(!m.matches_any(["work", "person"]));
        assert!(m.matches_any(["work"]));
        assert!(m.matches_any([]));
    }

    #[test]
    fn collation_names() {
        for c in Collation::ALL {
            assert_eq!(Collation::from_name(c.name()), Some(c));
        }
        assert_eq!(Collation::from_name("default"), Some(Collation::UnicodeCasemap));
        assert_eq!(Collation::from_name(" I;OCTET "), Some(Collation::Octet));
        assert_eq!(Collation::from_name("i;basic"), None);
        assert_eq!(Collation::from_name("i;*"), None);
        assert_eq!(MatchType::from_name("ends-with"), Some(MatchType::EndsWith));
        assert_eq!(MatchType::from_name("Equals"), None);
    }
}
