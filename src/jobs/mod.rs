//! Background and on-demand jobs: the LDAP / Active Directory directory sync, the blob
//! cleanup of the document library, and sending the mail outbox.

pub mod blob_cleanup;
pub mod ldap;
pub mod mail;
