//! Evaluates a `CARD:filter` against one card (RFC 6352 §10.5): each
//! prop-filter looks at the properties of its name (in any group unless it
//! names one); a property matches when its text-matches and param-filters
//! combine to true under the prop-filter's `test`, and the filter combines
//! its prop-filters the same way.

use calcard::vcard::VCardEntry;

use crate::card::parsed::ParsedCard;
use crate::card::values::{is_named, match_candidates, param_text};
use crate::report::xml::split_group;
use crate::report::{Filter, ParamFilter, PropFilter};
use crate::version::VcardVersion;

/// Whether a stored card matches an addressbook-query filter. A filter
/// without prop-filters matches every card; unparseable bytes match none.
pub fn matches(filter: &Filter, card: &[u8]) -> bool {
    ParsedCard::parse(card).is_ok_and(|parsed| matches_card(filter, &parsed))
}

fn matches_card(filter: &Filter, parsed: &ParsedCard) -> bool {
    filter.prop_filters.is_empty() || filter.test.combine(filter.prop_filters.iter().map(|f| prop(parsed, f)))
}

/// A prop-filter: some property of that name satisfies it (or, with
/// `is-not-defined`, there is none).
fn prop(parsed: &ParsedCard, f: &PropFilter) -> bool {
    let (group, name) = split_group(&f.name);
    let mut entries = parsed
        .card
        .entries
        .iter()
        .filter(|e| is_named(e, group, name))
        .peekable();
    if f.is_not_defined {
        return entries.peek().is_none();
    }
    if f.text_matches.is_empty() && f.param_filters.is_empty() {
        return entries.peek().is_some();
    }
    entries.any(|entry| property(entry, f, parsed.version))
}

/// The tests of a prop-filter on one property.
fn property(entry: &VCardEntry, f: &PropFilter, version: VcardVersion) -> bool {
    let candidates = if f.text_matches.is_empty() {
        Vec::new()
    } else {
        match_candidates(entry, version)
    };
    let texts = f
        .text_matches
        .iter()
        .map(|t| t.matches_any(candidates.iter().map(String::as_str)));
    let params = f.param_filters.iter().map(|p| param(entry, p));
    f.test.combine(texts.chain(params))
}

/// A param-filter on one property: the parameter exists (with a value
/// that satisfies the text-match), or, with `is-not-defined`, it does not.
fn param(entry: &VCardEntry, f: &ParamFilter) -> bool {
    let values: Vec<String> = entry
        .params
        .iter()
        .filter(|p| p.name.as_str().eq_ignore_ascii_case(&f.name))
        .map(|p| param_text(&p.value))
        .collect();
    if f.is_not_defined {
        return values.is_empty();
    }
    !values.is_empty()
        && f.text_match
            .as_ref()
            .is_none_or(|t| t.matches_any(values.iter().map(String::as_str)))
}

#[cfg(test)]
mod tests;
