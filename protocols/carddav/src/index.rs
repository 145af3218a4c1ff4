//! The search index of address books: which values of a card the server
//! stores for narrowing an `addressbook-query` ([`index_values`]), and
//! which candidate condition a filter allows ([`index_query`]).
//!
//! The index holds, for the properties in [`INDEXED_PROPERTIES`] (in any
//! group), every value a text-match tests ([`crate::matches`] looks at the
//! same candidates), in the `i;unicode-casemap` canonical form. A query
//! answers with the cards the index selects, each still decided by
//! [`crate::matches`]: the index only has to select a superset of the
//! matches. [`index_query`] returns `None` (scan every card) whenever it
//! cannot promise that: `is-not-defined`, negated text-matches or
//! param-filters where they could make a card match without an indexed
//! value, unindexed properties, and collations whose matches the
//! case-folded value might not show.

use dav::{Collation, MatchType, TextMatch};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

use crate::card::parsed::ParsedCard;
use crate::card::values::match_candidates;
use crate::report::xml::split_group;
use crate::report::{Filter, PropFilter, Test};

/// The properties whose values are indexed.
pub const INDEXED_PROPERTIES: [&str; 7] = ["FN", "EMAIL", "TEL", "NICKNAME", "N", "ORG", "UID"];

/// Longest text-match the index is asked about; longer ones scan.
const MAX_NEEDLE_CHARS: usize = 1000;

/// The indexed values of a stored card: (property, canonical value) pairs
/// without duplicates. Unparseable bytes have none (and match no filter).
pub fn index_values(card: &[u8]) -> Vec<(&'static str, String)> {
    let Ok(parsed) = ParsedCard::parse(card) else {
        return Vec::new();
    };
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for entry in &parsed.card.entries {
        let Some(prop) = INDEXED_PROPERTIES
            .into_iter()
            .find(|p| entry.name.as_str().eq_ignore_ascii_case(p))
        else {
            continue;
        };
        for candidate in match_candidates(entry, parsed.version) {
            let value = Collation::UnicodeCasemap.canonical(&candidate);
            if seen.insert((prop, value.clone())) {
                out.push((prop, value));
            }
        }
    }
    out
}

/// A card is a candidate when some indexed value of `prop` holds `needle`
/// (canonical) the `match_type` way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexTerm {
    /// One of [`INDEXED_PROPERTIES`].
    pub prop: &'static str,
    /// How the needle must occur in the value.
    pub match_type: MatchType,
    /// The text-match's text in `i;unicode-casemap` canonical form.
    pub needle: String,
}

/// One prop-filter's terms, combined by its `test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexClause {
    /// `anyof`: one term suffices; `allof`: every term must hold.
    pub test: Test,
    /// At least one term.
    pub terms: Vec<IndexTerm>,
}

/// The candidate condition of a filter: its clauses combined by `test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexQuery {
    /// `anyof`: one clause suffices; `allof`: every clause must hold.
    pub test: Test,
    /// At least one clause.
    pub clauses: Vec<IndexClause>,
}

/// The condition every card matching `filter` satisfies on the index, or
/// `None` when the filter cannot be narrowed safely (scan every card).
pub fn index_query(filter: &Filter) -> Option<IndexQuery> {
    let clauses: Vec<Option<IndexClause>> = filter.prop_filters.iter().map(clause).collect();
    let clauses: Vec<IndexClause> = match filter.test {
        // Any prop-filter may make a card match: each must be narrowable.
        Test::AnyOf => clauses.into_iter().collect::<Option<_>>()?,
        // Every prop-filter must hold: the narrowable ones suffice.
        Test::AllOf => clauses.into_iter().flatten().collect(),
    };
    (!clauses.is_empty()).then_some(IndexQuery {
        test: filter.test,
        clauses,
    })
}

/// What one prop-filter requires of the index, if it requires something.
fn clause(f: &PropFilter) -> Option<IndexClause> {
    let (_, name) = split_group(&f.name);
    let prop = INDEXED_PROPERTIES.into_iter().find(|p| *p == name)?;
    if f.is_not_defined || f.text_matches.is_empty() {
        return None;
    }
    let terms: Vec<Option<IndexTerm>> = f.text_matches.iter().map(|t| term(prop, t)).collect();
    let terms: Vec<IndexTerm> = match f.test {
        // A param-filter or an unusable text-match alone may match a property.
        Test::AnyOf if !f.param_filters.is_empty() => return None,
        Test::AnyOf => terms.into_iter().collect::<Option<_>>()?,
        Test::AllOf => terms.into_iter().flatten().collect(),
    };
    (!terms.is_empty()).then_some(IndexClause { test: f.test, terms })
}

/// The index term of a text-match, when a match always shows in the index.
fn term(prop: &'static str, t: &TextMatch) -> Option<IndexTerm> {
    if t.negate || t.text.chars().count() > MAX_NEEDLE_CHARS {
        return None;
    }
    let safe = match t.collation {
        // The index compares exactly what the filter compares.
        Collation::UnicodeCasemap => true,
        // Values equal under these collations are equal case-folded; a match
        // inside a longer value stays inside it unless decomposition reorders
        // combining marks across its ends.
        Collation::AsciiCasemap | Collation::Octet => {
            t.match_type == MatchType::Equals || starts_and_ends_with_starters(&t.text)
        }
    };
    safe.then(|| IndexTerm {
        prop,
        match_type: t.match_type,
        needle: Collation::UnicodeCasemap.canonical(&t.text),
    })
}

/// Whether the decomposed text begins and ends with characters that
/// canonical reordering never moves (combining class 0).
fn starts_and_ends_with_starters(text: &str) -> bool {
    let decomposed: Vec<char> = text.nfkd().collect();
    match (decomposed.first(), decomposed.last()) {
        (Some(first), Some(last)) => canonical_combining_class(*first) == 0 && canonical_combining_class(*last) == 0,
        _ => true,
    }
}

#[cfg(test)]
mod tests;
