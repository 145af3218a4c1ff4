//! `CARD:address-data` in REPORT responses (RFC 6352 §10.4) and GET with
//! content negotiation (§5.1.1): the stored bytes, or the card rewritten
//! in another version and/or reduced to the requested properties.

mod convert;

use calcard::vcard::VCard;

use crate::card::CardError;
use crate::card::parsed::ParsedCard;
use crate::card::values::is_named;
use crate::report::xml::split_group;
use crate::report::{AddressDataRequest, PropSelector};

/// The address data to return for one stored card. Without subsetting,
/// and in the stored version (or with no version asked for), the stored
/// bytes come back unchanged; otherwise the card is converted to the
/// requested version (3.0 ↔ 4.0) and then reduced to the `CARD:prop`s.
pub fn render_address_data(card: &[u8], request: &AddressDataRequest) -> Result<String, CardError> {
    if request.props.is_none() && request.version.is_none() {
        return unchanged(card);
    }
    let ParsedCard {
        card: mut vcard,
        version,
    } = ParsedCard::parse(card)?;
    if request.is_whole_card(version) {
        return unchanged(card);
    }
    let target = request.version.unwrap_or(version);
    convert::convert(&mut vcard, version, target);
    if let Some(selectors) = &request.props {
        subset(&mut vcard, selectors);
    }
    let mut out = String::new();
    vcard
        .write_to(&mut out, target.to_calcard())
        .map_err(|_| CardError::Malformed("the card cannot be written".into()))?;
    Ok(out)
}

fn unchanged(card: &[u8]) -> Result<String, CardError> {
    String::from_utf8(card.to_vec()).map_err(|_| CardError::NotUtf8)
}

/// Keeps the selected properties (RFC 6352 §10.4.2); `novalue` keeps the
/// name and parameters only. VERSION is always written.
fn subset(card: &mut VCard, selectors: &[PropSelector]) {
    card.entries.retain_mut(|entry| {
        let selected = selectors.iter().find(|s| {
            let (group, name) = split_group(&s.name);
            is_named(entry, group, name)
        });
        match selected {
            Some(s) if s.novalue => {
                entry.values.clear();
                true
            }
            Some(_) => true,
            None => false,
        }
    });
}

#[cfg(test)]
mod tests;
