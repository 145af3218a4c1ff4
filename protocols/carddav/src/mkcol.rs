//! Extended MKCOL (RFC 5689; RFC 6352 §6.3.1) for address books: the body
//! is read by [`dav::mkcol`]; an address book is asked for when its
//! resource type includes `CARD:addressbook`, and it may carry
//! `DAV:displayname` and `CARD:addressbook-description`.

use dav::{MkcolRequest, QName};

use crate::names::{ADDRESSBOOK, ADDRESSBOOK_DESCRIPTION};

pub use dav::mkcol::parse_extended_mkcol;

/// Whether an extended MKCOL asks for an address book.
pub fn is_addressbook(request: &MkcolRequest) -> bool {
    request.has_resource_type(&ADDRESSBOOK)
}

/// The new book's `DAV:displayname` and `CARD:addressbook-description`, as
/// text (the description's `xml:lang` is on [`MkcolRequest::get`]'s value).
pub fn book_names(request: &MkcolRequest) -> (Option<String>, Option<String>) {
    (
        request.text(&QName::dav("displayname")),
        request.text(&ADDRESSBOOK_DESCRIPTION),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6352_example() {
        let r = parse_extended_mkcol(
            br#"<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype><D:displayname>Lisa's Contacts</D:displayname><C:addressbook-description xml:lang="en">My primary address book.</C:addressbook-description></D:prop></D:set></D:mkcol>"#,
        )
        .unwrap();
        assert!(is_addressbook(&r));
        assert_eq!(
            book_names(&r),
            (
                Some("Lisa's Contacts".to_owned()),
                Some("My primary address book.".to_owned())
            )
        );
    }

    #[test]
    fn other_collections() {
        let calendar = parse_extended_mkcol(
            br#"<mkcol xmlns="DAV:"><set><prop><resourcetype><collection/><calendar xmlns="urn:ietf:params:xml:ns:caldav"/></resourcetype></prop></set></mkcol>"#,
        )
        .unwrap();
        assert!(!is_addressbook(&calendar));
        assert_eq!(book_names(&calendar), (None, None));
    }
}
