//! `text-match` as CalDAV (RFC 4791 §9.7.5) and CardDAV (RFC 6352 §10.5.4)
//! define it: a text, a [`Collation`], `negate-condition` and the CardDAV
//! `match-type` (accepted in CalDAV filters too, where the default,
//! `contains`, is the only rule). Reading the element and evaluating it are
//! the same in both protocols; only the default collation differs.

use crate::collation::Collation;
use crate::xml::tree::Element;

/// How the text must occur in the value (`match-type`).
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
    /// Reads a `match-type` attribute value (case-sensitive, as registered).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim() {
            "equals" => Some(MatchType::Equals),
            "contains" => Some(MatchType::Contains),
            "starts-with" => Some(MatchType::StartsWith),
            "ends-with" => Some(MatchType::EndsWith),
            _ => None,
        }
    }

    /// Whether `needle` occurs in `hay` this way (both in canonical form).
    pub fn holds(self, hay: &str, needle: &str) -> bool {
        match self {
            MatchType::Equals => hay == needle,
            MatchType::Contains => hay.contains(needle),
            MatchType::StartsWith => hay.starts_with(needle),
            MatchType::EndsWith => hay.ends_with(needle),
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

/// A `text-match` element that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextMatchError {
    /// The `collation` attribute names an unsupported collation (403 with
    /// the protocol's `supported-collation`).
    #[error("unsupported collation {0:?}")]
    UnsupportedCollation(String),
    /// Child elements or a bad attribute value (the filter is invalid).
    #[error("{0}")]
    Invalid(String),
}

impl TextMatch {
    /// Reads a `text-match` element: `collation` (absent or `default`
    /// means `default`), `negate-condition` (`yes`/`no`), `match-type`
    /// (`contains` when absent) and the trimmed text.
    pub fn from_element(e: &Element, default: Collation) -> Result<Self, TextMatchError> {
        if let Some(child) = e.elements().next() {
            return Err(TextMatchError::Invalid(format!(
                "unexpected {} in text-match",
                child.name
            )));
        }
        let collation = match e.attr("collation") {
            None => default,
            Some(name) => Collation::from_name(name, default)
                .ok_or_else(|| TextMatchError::UnsupportedCollation(name.to_owned()))?,
        };
        let negate = crate::report::yes_no(e, "negate-condition").map_err(|e| TextMatchError::Invalid(e.0))?;
        let match_type = match e.attr("match-type") {
            None => MatchType::Contains,
            Some(v) => {
                MatchType::from_name(v).ok_or_else(|| TextMatchError::Invalid(format!("unknown match-type {v:?}")))?
            }
        };
        Ok(TextMatch {
            text: e.text().trim().to_owned(),
            collation,
            negate,
            match_type,
        })
    }

    /// Whether `value` satisfies the condition.
    pub fn matches(&self, value: &str) -> bool {
        self.matches_any(std::iter::once(value))
    }

    /// Whether the text occurs in any of `values` — or, negated, in none:
    /// a property or parameter with several values (`TYPE=WORK,VOICE`,
    /// `CATEGORIES:a,b`) "is set to" each of them.
    pub fn matches_any<'a>(&self, values: impl IntoIterator<Item = &'a str>) -> bool {
        let needle = self.collation.canonical(&self.text);
        let found = values
            .into_iter()
            .any(|value| self.match_type.holds(&self.collation.canonical(value), &needle));
        found != self.negate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse_document;

    fn tm(text: &str, collation: Collation) -> TextMatch {
        TextMatch {
            text: text.into(),
            collation,
            negate: false,
            match_type: MatchType::Contains,
        }
    }

    fn read(xml: &str, default: Collation) -> Result<TextMatch, TextMatchError> {
        TextMatch::from_element(&parse_document(xml.as_bytes()).unwrap(), default)
    }

    #[test]
    fn collations_in_matching() {
        assert!(tm("needs-action", Collation::AsciiCasemap).matches("NEEDS-ACTION"));
        assert!(!tm("ÄRGER", Collation::AsciiCasemap).matches("ärger"));
        assert!(tm("Ä", Collation::AsciiCasemap).matches("xÄx"));
        assert!(tm("ÄRGER", Collation::UnicodeCasemap).matches("so ein ärger"));
        assert!(tm("MÜLLER", Collation::UnicodeCasemap).matches("Jürgen Müller"));
        assert!(tm("田中", Collation::UnicodeCasemap).matches("田中 優希"));
        assert!(tm("DC6C50A0", Collation::Octet).matches("DC6C50A017428C5216A2F1CD@example.com"));
        assert!(!tm("dc6c50a0", Collation::Octet).matches("DC6C50A017428C5216A2F1CD@example.com"));
        assert!(tm("", Collation::Octet).matches("anything"));
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
    fn match_type_names() {
        assert_eq!(MatchType::from_name("starts-with"), Some(MatchType::StartsWith));
        assert_eq!(MatchType::from_name(" ends-with "), Some(MatchType::EndsWith));
        assert_eq!(MatchType::from_name("Equals"), None);
        assert_eq!(MatchType::from_name("regex"), None);
    }

    #[test]
    fn reading_elements() {
        let m = read(
            r#"<t collation="i;octet" negate-condition="yes" match-type="equals"> mailto:a@b </t>"#,
            Collation::AsciiCasemap,
        )
        .unwrap();
        assert_eq!(
            m,
            TextMatch {
                text: "mailto:a@b".into(),
                collation: Collation::Octet,
                negate: true,
                match_type: MatchType::Equals,
            }
        );
        let m = read("<t>x</t>", Collation::UnicodeCasemap).unwrap();
        assert_eq!(
            (m.collation, m.negate, m.match_type),
            (Collation::UnicodeCasemap, false, MatchType::Contains)
        );
        let m = read(r#"<t collation="default">x</t>"#, Collation::AsciiCasemap).unwrap();
        assert_eq!(m.collation, Collation::AsciiCasemap);
        assert_eq!(
            read(r#"<t collation="i;klingon">x</t>"#, Collation::AsciiCasemap),
            Err(TextMatchError::UnsupportedCollation("i;klingon".into()))
        );
        for bad in [
            r#"<t negate-condition="maybe">x</t>"#,
            r#"<t match-type="regex">x</t>"#,
            r#"<t>x<b/></t>"#,
        ] {
            assert!(
                matches!(read(bad, Collation::AsciiCasemap), Err(TextMatchError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
