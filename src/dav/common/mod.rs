//! The DAV server parts CalDAV, CardDAV and WebDAV share: PROPFIND answering, Depth,
//! OPTIONS, conditional headers and protocol errors ([`util`]), discovery and principal
//! properties ([`discovery`]), the principal REPORTs ([`principal_search`]), and RFC 6578 sync
//! ([`sync`]).

pub mod discovery;
pub mod principal_search;
pub mod sync;
pub mod util;
