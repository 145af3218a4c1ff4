//! Portico's CardDAV protocol layer (RFC 6352), free of IO. vCard 3.0 and
//! 4.0 parsing and writing come from calcard; XML request bodies go through
//! `dav::tree`. What CardDAV shares with CalDAV lives in `dav`: RFC 6578
//! sync-collection (`dav::sync`), collations and text-match
//! (`dav::collation`, `dav::text_match`), REPORT body parts (`dav::report`)
//! and extended MKCOL (`dav::mkcol`); this crate re-exports what its API
//! names.
//!
//! - Storing cards ([`card`]): [`validate_card`] checks a PUT body against
//!   RFC 6352 §5.1/§6.3.2.1 and returns a [`Card`] with the UID and the
//!   fields worth indexing, to store next to the client's bytes.
//! - REPORTs ([`report`]): [`parse_report`] → [`Report`]; filters are
//!   evaluated with [`matches`]; `CARD:address-data` is produced by
//!   [`render_address_data`] (stored bytes, or converted 3.0 ↔ 4.0, or
//!   reduced to some properties).
//! - The company directory ([`directory`]): [`directory_card`] writes a
//!   [`DirectoryPerson`] as a vCard 3.0 or 4.0.
//! - Creating address books ([`mkcol`]): [`parse_extended_mkcol`],
//!   [`is_addressbook`], [`book_names`].
//! - Content negotiation: [`is_supported_media_type`] for PUT,
//!   [`accept_version`] for GET.
//! - Properties and errors: [`properties`], [`conditions`], [`names`].
//!
//! The server's side of an addressbook-query: parse the body, run
//! [`matches`] on each card of the collection, stop after
//! [`Query::limit`] matches (507 on the collection with
//! [`conditions::number_of_matches_within_limits`]), and call
//! [`render_address_data`] for each match when `address_data` is asked
//! for. Errors carry their status and `DAV:error` condition
//! ([`ReportError::status`], [`ReportError::precondition`],
//! [`CardError::precondition`]).

pub mod card;
pub mod conditions;
pub mod directory;
mod eval;
pub mod index;
pub mod mkcol;
pub mod names;
pub mod properties;
mod render;
pub mod report;
mod version;

pub use card::{Card, CardError, validate_card};
pub use dav::MkcolRequest;
pub use directory::{DirectoryPerson, directory_card};
pub use eval::matches;
pub use index::{INDEXED_PROPERTIES, IndexClause, IndexQuery, IndexTerm, index_query, index_values};
pub use mkcol::{book_names, is_addressbook, parse_extended_mkcol};
pub use render::render_address_data;
pub use report::{
    AddressDataRequest, Collation, Filter, MatchType, Multiget, ParamFilter, PropFilter, PropRequest, PropSelector,
    Query, Report, ReportError, SyncCollection, SyncLevel, Test, TextMatch, parse_report,
};
pub use version::VcardVersion;

/// Whether a PUT's `Content-Type` is one the server stores in address
/// books: `text/vcard` (or the older `text/x-vcard`), any parameters, and
/// if a `version` parameter is given, 3.0 or 4.0 (RFC 6352 §6.3.2.1
/// `CARD:supported-address-data`).
pub fn is_supported_media_type(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim();
    let vcard = media.eq_ignore_ascii_case("text/vcard") || media.eq_ignore_ascii_case("text/x-vcard");
    vcard
        && parts.all(|param| match param.split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("version") => {
                VcardVersion::from_name(value.trim().trim_matches('"')).is_some()
            }
            _ => true,
        })
}

/// The vCard version a GET's `Accept` header prefers (RFC 6352 §5.1.1),
/// e.g. `text/vcard; version=4.0`: the supported `version` of the
/// `text/vcard` range with the highest quality. `None` when the header
/// names no version (or prefers a range without one): send the card as
/// stored.
pub fn accept_version(accept: &str) -> Option<VcardVersion> {
    let mut best: Option<(f32, Option<VcardVersion>)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim();
        let vcard = ["text/vcard", "text/x-vcard", "text/*", "*/*"]
            .iter()
            .any(|m| media.eq_ignore_ascii_case(m));
        if !vcard {
            continue;
        }
        let mut quality = 1.0_f32;
        let mut version = Ok(None);
        for param in parts {
            let Some((name, value)) = param.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            if name.trim().eq_ignore_ascii_case("q") {
                quality = value.parse().unwrap_or(0.0);
            } else if name.trim().eq_ignore_ascii_case("version") {
                version = VcardVersion::from_name(value).map(Some).ok_or(());
            }
        }
        if let Ok(version) = version
            && quality > 0.0
            && best.is_none_or(|(q, _)| quality > q)
        {
            best = Some((quality, version));
        }
    }
    best.and_then(|(_, version)| version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert!(is_supported_media_type("text/vcard"));
        assert!(is_supported_media_type("Text/VCard; charset=utf-8"));
        assert!(is_supported_media_type("text/vcard; version=4.0"));
        assert!(is_supported_media_type("text/x-vcard;version=\"3.0\""));
        assert!(!is_supported_media_type("text/vcard; version=2.1"));
        assert!(!is_supported_media_type("application/vcard+json"));
        assert!(!is_supported_media_type("text/calendar"));
        assert!(!is_supported_media_type(""));
    }

    #[test]
    fn accept_headers() {
        assert_eq!(accept_version("text/vcard; version=4.0"), Some(VcardVersion::V4));
        assert_eq!(accept_version("text/vcard;version=3.0"), Some(VcardVersion::V3));
        assert_eq!(
            accept_version("text/vcard;version=3.0;q=0.5, text/vcard;version=4.0"),
            Some(VcardVersion::V4)
        );
        assert_eq!(
            accept_version("text/vcard;version=4.0;q=0.9, text/vcard;version=3.0"),
            Some(VcardVersion::V3)
        );
        assert_eq!(
            accept_version("text/vcard;version=2.1, text/vcard;version=4.0;q=0.1"),
            Some(VcardVersion::V4)
        );
        assert_eq!(accept_version("text/vcard, text/vcard;version=4.0;q=0.5"), None);
        assert_eq!(accept_version("text/vcard;version=4.0;q=0"), None);
        assert_eq!(accept_version("*/*"), None);
        assert_eq!(accept_version("application/json"), None);
        assert_eq!(accept_version(""), None);
        assert_eq!(accept_version("text/vcard;q=x;version=4.0"), None);
    }
}

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod robustness;
