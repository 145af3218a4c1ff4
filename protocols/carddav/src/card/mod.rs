//! Address object resources: validation on PUT/COPY/MOVE (RFC 6352 §5.1,
//! §6.3.2.1) and the facts the server stores next to the client's bytes.

mod error;
pub(crate) mod parsed;
mod structure;
pub(crate) mod values;

pub use error::CardError;

use std::collections::HashSet;

use calcard::vcard::{VCardEntry, VCardProperty};

use crate::card::parsed::ParsedCard;
use crate::card::values::entry_text;
use crate::version::VcardVersion;

/// What the server stores about a valid address object resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The UID (unique per address book, RFC 6352 §5.1).
    pub uid: String,
    /// The version the card is written in.
    pub version: VcardVersion,
    /// FN, the name to display (may be empty).
    pub formatted_name: String,
    /// EMAIL values in order, without duplicates.
    pub emails: Vec<String>,
    /// TEL values in order, without duplicates.
    pub phones: Vec<String>,
    /// The organisation name (first ORG component), if any.
    pub organization: Option<String>,
    /// A contact group: `KIND:group` (4.0) or Apple's
    /// `X-ADDRESSBOOKSERVER-KIND:group` (3.0).
    pub is_group: bool,
}

/// Most properties one card may have: a person's card has dozens, and each property is
/// indexed and searched.
pub const MAX_PROPERTIES: usize = 2_000;

/// Validates a PUT/COPY/MOVE body for an address book collection and
/// extracts what the server stores: exactly one vCard 3.0 or 4.0 with a
/// UID and an FN, and at most [`MAX_PROPERTIES`] properties.
pub fn validate_card(bytes: &[u8]) -> Result<Card, CardError> {
    let ParsedCard { card, version } = ParsedCard::parse(bytes)?;
    if card.entries.len() > MAX_PROPERTIES {
        return Err(CardError::TooManyProperties(MAX_PROPERTIES));
    }
    let uid = card
        .uid()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or(CardError::MissingUid)?
        .to_owned();
    let formatted_name = card
        .property(&VCardProperty::Fn)
        .map(|e| entry_text(e, version).trim().to_owned())
        .ok_or(CardError::MissingFormattedName)?;
    let texts = |prop: VCardProperty| -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out: Vec<String> = Vec::new();
        for entry in card.properties(&prop) {
            let text = entry_text(entry, version).trim().to_owned();
            if !text.is_empty() && seen.insert(text.clone()) {
                out.push(text);
            }
        }
        out
    };
    let organization = card
        .property(&VCardProperty::Org)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned);
    let is_group = card.entries.iter().any(is_group_kind);
    Ok(Card {
        uid,
        version,
        formatted_name,
        emails: texts(VCardProperty::Email),
        phones: texts(VCardProperty::Tel),
        organization,
        is_group,
    })
}

fn is_group_kind(entry: &VCardEntry) -> bool {
    let kind =
        entry.name == VCardProperty::Kind || entry.name.as_str().eq_ignore_ascii_case("X-ADDRESSBOOKSERVER-KIND");
    kind && entry
        .values
        .first()
        .and_then(|v| v.as_text())
        .is_some_and(|k| k.trim().eq_ignore_ascii_case("group"))
}

#[cfg(test)]
mod tests;
