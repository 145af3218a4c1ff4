//! Background and on-demand synchronisation jobs (today: the LDAP / Active Directory
//! directory sync).

pub mod ldap;
