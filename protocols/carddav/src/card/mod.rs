//! Address object resources: validation on PUT/COPY/MOVE (RFC 6352 §5.1,
//! §6.3.2.1) and the facts the server stores next to the client's bytes.

mod error;
pub(crate) mod parsed;
mod structure;
pub(crate) mod values;

pub use error::CardError;

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

/// Validates a PUT/COPY/MOVE body for an address book collection and
/// extracts what the server stores: exactly one vCard 3.0 or 4.0 with a
/// UID and an FN.
pub fn validate_card(bytes: &[u8]) -> Result<Card, CardError> {
    let ParsedCard { card, version } = ParsedCard::parse(bytes)?;
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
        let mut out: Vec<String> = Vec::new();
        for entry in card.properties(&prop) {
            let text = entry_text(entry, version).trim().to_owned();
            if !text.is_empty() && !out.contains(&text) {
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
