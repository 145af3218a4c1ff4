//! Where the next incremental pass starts, as a string the server stores between passes.
//!
//! The cursor also remembers which server and which configuration it belongs to, so that a
//! delta pass after a DC was replaced or restored, or after the mapping changed, asks for a
//! full pass instead of silently missing changes.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::dn;
use crate::person::person_attributes;

/// The state an incremental pass continues from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "flavor", rename_all = "snake_case", deny_unknown_fields)]
pub enum Cursor {
    /// Active Directory: `uSNChanged` above the `highestCommittedUSN` read at the start of
    /// the previous pass, valid only on the same DC (`dsServiceName`) with the same database
    /// (`invocationId` changes when the DC's database is restored).
    ActiveDirectory {
        scope: String,
        server: String,
        invocation_id: String,
        highest_usn: u64,
    },
    /// OpenLDAP: `modifyTimestamp` at or after `since` (generalized time, server clock).
    /// `server` is the `entryUUID` of the base entry, which changes when the database is
    /// rebuilt from scratch.
    #[serde(rename = "openldap")]
    OpenLdap {
        scope: String,
        server: String,
        since: String,
    },
}

/// A stored cursor that cannot be read (the server then runs a full pass).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable sync cursor: {0}")]
pub struct CursorError(String);

impl Cursor {
    /// The string to store.
    pub fn encode(&self) -> String {
        let value = match self {
            Cursor::ActiveDirectory {
                scope,
                server,
                invocation_id,
                highest_usn,
            } => serde_json::json!({
                "flavor": "active_directory",
                "scope": scope,
                "server": server,
                "invocation_id": invocation_id,
                "highest_usn": highest_usn,
            }),
            Cursor::OpenLdap { scope, server, since } => serde_json::json!({
                "flavor": "openldap",
                "scope": scope,
                "server": server,
                "since": since,
            }),
        };
        value.to_string()
    }

    /// Reads a string written by [`Cursor::encode`].
    pub fn decode(text: &str) -> Result<Cursor, CursorError> {
        serde_json::from_str(text).map_err(|e| CursorError(e.to_string()))
    }

    pub(crate) fn scope(&self) -> &str {
        match self {
            Cursor::ActiveDirectory { scope, .. } | Cursor::OpenLdap { scope, .. } => scope,
        }
    }
}

/// A fingerprint of everything that decides which entries a pass reads and how they map: a
/// cursor written under another configuration is not continued.
pub(crate) fn scope_fingerprint(settings: &Settings) -> String {
    let mut text = String::new();
    for part in [
        settings.base_dn.to_ascii_lowercase(),
        settings.user_filter.clone(),
        settings.group_filter.clone().unwrap_or_default(),
        format!("{:?}", settings.department_source),
        dn::key_of(&settings.ou_base),
        format!("{:?}", settings.attrs),
        format!("{:?}", settings.disabled),
        person_attributes(settings).join(","),
    ] {
        text.push_str(&part);
        text.push('\n');
    }
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let cursors = [
            Cursor::ActiveDirectory {
                scope: "abc".into(),
                server: "CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=corp,DC=test".into(),
                invocation_id: "8a1b...".into(),
                highest_usn: 12_345_678_901,
            },
            Cursor::OpenLdap {
                scope: "abc".into(),
                server: "5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a".into(),
                since: "20240131120005Z".into(),
            },
        ];
        for cursor in cursors {
            let text = cursor.encode();
            assert_eq!(Cursor::decode(&text), Ok(cursor), "{text}");
        }
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in [
            "",
            "{}",
            "usn:42",
            r#"{"flavor":"active_directory","scope":"x"}"#,
            r#"{"flavor":"openldap","scope":"x","server":"","since":"t","extra":1}"#,
        ] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }
}
