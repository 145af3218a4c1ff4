//! The DAV adapters: CalDAV and CardDAV under `/dav/`, the document library as a WebDAV
//! drive under `/docs/`, and what they share ([`common`]). Each parses a request, asks a
//! service in `crate::core`, and renders the answer; the rules are the services'.

pub mod caldav;
pub mod carddav;
pub mod common;
pub mod webdav;
