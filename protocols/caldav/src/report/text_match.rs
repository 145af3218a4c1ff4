//! `C:text-match` (RFC 4791 §9.7.5) and the collations of RFC 4790:
//! `i;octet`, `i;ascii-casemap` (the default) and `i;unicode-casemap`
//! (RFC 5051).

use unicode_normalization::UnicodeNormalization;

/// A collation from the IANA registry (RFC 4790).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collation {
    /// `i;ascii-casemap`: ASCII letters compare case-insensitively.
    AsciiCasemap,
    /// `i;unicode-casemap` (RFC 5051): Unicode case folding and NFKD.
    UnicodeCasemap,
    /// `i;octet`: byte for byte.
    Octet,
}

impl Collation {
    /// Every supported collation, for `C:supported-collation-set`.
    pub const ALL: [Collation; 3] = [Collation::AsciiCasemap, Collation::Octet, Collation::UnicodeCasemap];

    /// The registered identifier.
    pub fn name(self) -> &'static str {
        match self {
            Collation::AsciiCasemap => "i;ascii-casemap",
            Collation::UnicodeCasemap => "i;unicode-casemap",
            Collation::Octet => "i;octet",
        }
    }

    /// Looks up an identifier; `default` means `i;ascii-casemap` (RFC 4791
    /// §7.5). Identifiers compare case-insensitively (RFC 4790 §3.1).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("default") {
            return Some(Collation::AsciiCasemap);
        }
        Self::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(name))
    }

    /// The canonical form both sides are compared in.
    fn canonical(self, s: &str) -> String {
        match self {
            Collation::Octet => s.to_owned(),
            Collation::AsciiCasemap => s.to_ascii_uppercase(),
            Collation::UnicodeCasemap => {
                // RFC 5051 §2: case-map each character, then NFKD; the
                // decomposition may produce cased letters, so map again.
                let folded: String = s.chars().map(fold).collect();
                folded.nfkd().map(fold).collect()
            }
        }
    }
}

/// Simple case folding of one character: its single-character uppercase
/// form mapped back to lower case, so that e.g. `Σ`, `σ` and `ς` meet.
fn fold(c: char) -> char {
    let mut upper = c.to_uppercase();
    let up = match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    };
    let mut lower = up.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => up,
    }
}

/// How the text must occur in the value (RFC 6352 §10.5.4 `match-type`,
/// accepted here too; CalDAV's own rule is a substring match).
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
        let needle = self.collation.canonical(&self.text);
        let hay = self.collation.canonical(value);
        let found = match self.match_type {
            MatchType::Equals => hay == needle,
            MatchType::Contains => hay.contains(&needle),
            MatchType::StartsWith => hay.starts_with(&needle),
            MatchType::EndsWith => hay.ends_with(&needle),
        };
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
    fn ascii_casemap_folds_only_ascii() {
        let m = tm("needs-action", Collation::AsciiCasemap);
        assert!(m.matches("NEEDS-ACTION"));
        assert!(tm("ärger", Collation::AsciiCasemap).matches("ärger"));
        assert!(!tm("ÄRGER", Collation::AsciiCasemap).matches("ärger"));
    }

    #[test]
    fn unicode_casemap_folds_everything() {
        assert!(tm("ÄRGER", Collation::UnicodeCasemap).matches("so ein ärger"));
        assert!(tm("ärger", Collation::UnicodeCasemap).matches("ÄRGER"));
        // Decomposed input equals the precomposed form.
        assert!(tm("a\u{308}rger", Collation::UnicodeCasemap).matches("Ärger"));
        assert!(tm("ΟΔΟΣ", Collation::UnicodeCasemap).matches("οδος"));
        assert!(tm("σ", Collation::UnicodeCasemap).matches("ς"));
        assert!(tm("ﬁle", Collation::UnicodeCasemap).matches("FILE"));
        assert!(tm("straße", Collation::UnicodeCasemap).matches("STRAßE"));
        assert!(!tm("strasse", Collation::UnicodeCasemap).matches("straße"));
        assert!(tm("İ", Collation::UnicodeCasemap).matches("i̇"));
    }

    #[test]
    fn octet_is_exact() {
        assert!(tm("DC6C50A0", Collation::Octet).matches("DC6C50A017428C5216A2F1CD@example.com"));
        assert!(!tm("dc6c50a0", Collation::Octet).matches("DC6C50A017428C5216A2F1CD@example.com"));
    }

    #[test]
    fn negate_and_match_types() {
        let mut m = tm("CANCELLED", Collation::AsciiCasemap);
        m.negate = true;
        assert!(m.matches("NEEDS-ACTION"));
        assert!(!m.matches("cancelled"));
        let mut m = tm("meet", Collation::AsciiCasemap);
        for (kind, value, expected) in [
            (MatchType::Equals, "MEET", true),
            (MatchType::Equals, "meeting", false),
            (MatchType::StartsWith, "Meeting", true),
            (MatchType::StartsWith, "a meeting", false),
            (MatchType::EndsWith, "we meet", true),
            (MatchType::EndsWith, "meeting", false),
            (MatchType::Contains, "a meeting", true),
        ] {
            m.match_type = kind;
            assert_eq!(m.matches(value), expected, "{kind:?} {value}");
        }
        assert!(tm("", Collation::Octet).matches("anything"));
    }

    #[test]
    fn collation_names() {
        for c in Collation::ALL {
            assert_eq!(Collation::from_name(c.name()), Some(c));
        }
        assert_eq!(Collation::from_name("default"), Some(Collation::AsciiCasemap));
        assert_eq!(Collation::from_name("I;OCTET"), Some(Collation::Octet));
        assert_eq!(Collation::from_name("i;basic"), None);
        assert_eq!(Collation::from_name("i;*"), None);
        assert_eq!(MatchType::from_name("starts-with"), Some(MatchType::StartsWith));
        assert_eq!(MatchType::from_name("regex"), None);
    }
}
