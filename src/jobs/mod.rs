//! Background and on-demand jobs: the LDAP / Active Directory directory sync, the blob
//! cleanup of the document library, sending the mail outbox, queuing reminders, and purging
//! expired sessions.

pub mod blob_cleanup;
pub mod ldap;
pub mod mail;
pub mod reminders;
pub mod sessions;
