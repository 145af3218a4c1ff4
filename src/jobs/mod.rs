//! Background and on-demand jobs: the LDAP / Active Directory directory sync and the blob
//! cleanup of the document library.

pub mod blob_cleanup;
pub mod ldap;
