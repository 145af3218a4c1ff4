//! A parsed card: calcard's model plus the version it was written in.

use calcard::vcard::VCard;

use crate::card::CardError;
use crate::card::structure::check_structure;
use crate::version::VcardVersion;

/// One vCard, parsed once and then validated, matched or rendered.
#[derive(Debug, Clone)]
pub(crate) struct ParsedCard {
    pub(crate) card: VCard,
    pub(crate) version: VcardVersion,
}

impl ParsedCard {
    /// Parses stored or submitted bytes: structure, version and syntax.
    /// [`crate::validate_card`] adds the CardDAV rules (UID, FN).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, CardError> {
        let layout = check_structure(bytes)?;
        let version = VcardVersion::from_name(&layout.version).ok_or(CardError::UnsupportedVersion(layout.version))?;
        let card = VCard::parse(layout.text.as_ref()).map_err(|_| CardError::NotVcard)?;
        Ok(Self { card, version })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::vcard::VCardProperty;

    #[test]
    fn parses_versions_and_refuses_others() {
        let v3 = ParsedCard::parse(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n").unwrap();
        assert_eq!(v3.version, VcardVersion::V3);
        assert!(v3.card.property(&VCardProperty::Fn).is_some());
        let v4 = ParsedCard::parse(b"BEGIN:VCARD\nVERSION:4.0\nFN:A\nEND:VCARD\n").unwrap();
        assert_eq!(v4.version, VcardVersion::V4);
        let v21 = ParsedCard::parse(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nEND:VCARD\r\n");
        assert_eq!(v21.map(|p| p.version), Err(CardError::UnsupportedVersion("2.1".into())));
    }
}
