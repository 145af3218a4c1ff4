//! Why a card was refused, and the CardDAV precondition each reason
//! violates (RFC 6352 §6.3.2.1).

use dav::Precondition;

use crate::conditions;

/// A PUT/COPY/MOVE body that cannot be stored in an address book, or stored
/// data that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// Not UTF-8 (`valid-address-data`; RFC 6350 §3.1).
    #[error("address data is not valid UTF-8")]
    NotUtf8,
    /// No content at all (`valid-address-data`).
    #[error("address data is empty")]
    Empty,
    /// Something other than a vCard, e.g. an iCalendar object
    /// (`valid-address-data`).
    #[error("address data must be a vCard (BEGIN:VCARD … END:VCARD)")]
    NotVcard,
    /// Broken structure: truncated, nested or mismatched components, text
    /// after the card (`valid-address-data`).
    #[error("malformed vCard: {0}")]
    Malformed(String),
    /// More than one vCard in the body (`valid-address-data`, RFC 6352
    /// §5.1: one vCard per resource).
    #[error("an address object resource must contain exactly one vCard")]
    SeveralCards,
    /// No VERSION property, or several (`valid-address-data`).
    #[error("the vCard must have exactly one VERSION property")]
    MissingVersion,
    /// A version other than 3.0 and 4.0 (`supported-address-data`).
    #[error("vCard version {0:?} is not supported: use 3.0 or 4.0")]
    UnsupportedVersion(String),
    /// No UID, or an empty one (`valid-address-data`, RFC 6352 §5.1).
    #[error("the vCard has no UID property")]
    MissingUid,
    /// No FN property (`valid-address-data`; RFC 2426 §3.1.1, RFC 6350
    /// §6.2.1).
    #[error("the vCard has no FN property")]
    MissingFormattedName,
    /// More properties than a card may have (`valid-address-data`).
    #[error("a vCard may have at most {0} properties")]
    TooManyProperties(usize),
}

impl CardError {
    /// The `DAV:error` condition to return with the 403 response.
    pub fn precondition(&self) -> Precondition {
        match self {
            CardError::UnsupportedVersion(_) => conditions::supported_address_data(),
            CardError::NotUtf8
            | CardError::Empty
            | CardError::NotVcard
            | CardError::Malformed(_)
            | CardError::SeveralCards
            | CardError::MissingVersion
            | CardError::MissingUid
            | CardError::MissingFormattedName
            | CardError::TooManyProperties(_) => conditions::valid_address_data(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::NS_CARDDAV;

    #[test]
    fn each_error_maps_to_its_precondition_and_reads_well() {
        let cases = [
            (CardError::NotUtf8, "valid-address-data"),
            (CardError::Empty, "valid-address-data"),
            (CardError::NotVcard, "valid-address-data"),
            (CardError::Malformed("x".into()), "valid-address-data"),
            (CardError::SeveralCards, "valid-address-data"),
            (CardError::MissingVersion, "valid-address-data"),
            (CardError::UnsupportedVersion("2.1".into()), "supported-address-data"),
            (CardError::MissingUid, "valid-address-data"),
            (CardError::MissingFormattedName, "valid-address-data"),
            (CardError::TooManyProperties(5), "valid-address-data"),
        ];
        for (error, local) in cases {
            let p = error.precondition();
            assert_eq!((p.name.ns.as_ref(), p.name.local.as_ref()), (NS_CARDDAV, local));
            assert!(!error.to_string().is_empty());
        }
        assert_eq!(
            CardError::UnsupportedVersion("2.1".into()).to_string(),
            "vCard version \"2.1\" is not supported: use 3.0 or 4.0"
        );
    }
}
