//! The vCard versions CardDAV resources may use here: 3.0 (RFC 2426) and
//! 4.0 (RFC 6350).

use calcard::vcard::VCardVersion;

/// A supported vCard version. The default, 3.0, is what generated cards
/// (the directory) use unless a client asks for 4.0: Outlook add-ins and
/// many phones read only 3.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VcardVersion {
    /// vCard 3.0 (RFC 2426): what Apple Contacts, Google and Outlook
    /// add-ins write.
    #[default]
    V3,
    /// vCard 4.0 (RFC 6350): what Thunderbird writes.
    V4,
}

impl VcardVersion {
    /// Both versions, oldest first.
    pub const ALL: [VcardVersion; 2] = [VcardVersion::V3, VcardVersion::V4];

    /// The `VERSION` value and the `version` attribute of
    /// `CARD:address-data-type` (`3.0`, `4.0`).
    pub fn as_str(self) -> &'static str {
        match self {
            VcardVersion::V3 => "3.0",
            VcardVersion::V4 => "4.0",
        }
    }

    /// Reads `3.0` or `4.0` (surrounding white space ignored).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == name.trim())
    }

    pub(crate) fn to_calcard(self) -> VCardVersion {
        match self {
            VcardVersion::V3 => VCardVersion::V3_0,
            VcardVersion::V4 => VCardVersion::V4_0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in VcardVersion::ALL {
            assert_eq!(VcardVersion::from_name(v.as_str()), Some(v));
        }
        assert_eq!(VcardVersion::from_name(" 4.0\r\n"), Some(VcardVersion::V4));
        assert_eq!(VcardVersion::from_name("2.1"), None);
        assert_eq!(VcardVersion::from_name("4"), None);
        assert_eq!(VcardVersion::V3.to_calcard(), VCardVersion::V3_0);
        assert_eq!(VcardVersion::V4.to_calcard(), VCardVersion::V4_0);
        assert_eq!(VcardVersion::default(), VcardVersion::V3);
    }
}
