//! Login with the domain password: find the user's entry with the service account, then
//! bind as that entry with the password given.
//!
//! An empty password is refused before anything is sent: a simple bind with a DN and an
//! empty password is an "unauthenticated bind" (RFC 4513 §5.1.2), which many servers answer
//! with success. Caching successful checks is left to the caller.

use crate::config::Settings;
use crate::person::{self, disabled_attribute};
use crate::session::{DirectoryError, RC_INVALID_CREDENTIALS, Session};

/// Why a login was refused. Callers should answer all of them the same way to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    EmptyPassword,
    /// Not a login this sync could have produced (after stripping the domain).
    InvalidLogin,
    UnknownUser,
    /// More than one entry has this login.
    Ambiguous,
    /// The account is disabled by the configured rule.
    Disabled,
    InvalidCredentials,
    /// The server refused the bind for another reason (account locked, password expired…).
    Refused {
        code: u32,
        message: String,
    },
}

/// The outcome of [`bind_check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindVerdict {
    Accepted {
        /// The normalised login (domain stripped, lowercased).
        login: String,
        dn: String,
        /// `None` if the entry's external id attribute could not be read.
        external_id: Option<String>,
    },
    Rejected(Rejection),
}

impl BindVerdict {
    pub fn is_accepted(&self) -> bool {
        matches!(self, BindVerdict::Accepted { .. })
    }
}

/// The login part of `DOMAIN\user`, `user@domain.tld` or `user`, lowercased; `None` if what
/// remains is not a valid Portico login.
pub fn normalize_login(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let after_domain = trimmed.rsplit_once('\\').map_or(trimmed, |(_, user)| user);
    let user = after_domain.split_once('@').map_or(after_domain, |(user, _)| user);
    let login = user.to_lowercase();
    person::valid_login(&login).then_some(login)
}

/// Checks a login and password against the directory. `Ok` carries the verdict; `Err` means
/// the directory could not be asked (unreachable, service account refused, timeout), which
/// callers should report as a server-side failure, not as wrong credentials.
pub async fn bind_check(settings: &Settings, login: &str, password: &str) -> Result<BindVerdict, DirectoryError> {
    if password.is_empty() {
        return Ok(BindVerdict::Rejected(Rejection::EmptyPassword));
    }
    let Some(login) = normalize_login(login) else {
        return Ok(BindVerdict::Rejected(Rejection::InvalidLogin));
    };
    let mut session = Session::open(settings).await?;
    let filter = format!(
        "(&{}({}={}))",
        settings.user_filter,
        settings.attrs.login,
        ldap3::ldap_escape(login.as_str())
    );
    let mut attrs = vec![settings.attrs.external_id.clone()];
    attrs.extend(disabled_attribute(&settings.disabled).map(str::to_owned));
    let mut found = session.search_paged(&settings.base_dn, &filter, &attrs).await?;
    let entry = match (found.pop(), found.is_empty()) {
        (None, _) => return Ok(BindVerdict::Rejected(Rejection::UnknownUser)),
        (Some(_), false) => return Ok(BindVerdict::Rejected(Rejection::Ambiguous)),
        (Some(entry), true) => entry,
    };
    if entry.dn.trim().is_empty() {
        return Ok(BindVerdict::Rejected(Rejection::UnknownUser));
    }
    if person::is_disabled(&entry, &settings.disabled).unwrap_or(true) {
        return Ok(BindVerdict::Rejected(Rejection::Disabled));
    }
    let (code, message) = session.simple_bind(&entry.dn, password).await?;
    session.close().await;
    Ok(match code {
        0 => BindVerdict::Accepted {
            login,
            external_id: person::external_id(&entry, settings).ok(),
            dn: entry.dn,
        },
        RC_INVALID_CREDENTIALS => BindVerdict::Rejected(Rejection::InvalidCredentials),
        code => BindVerdict::Rejected(Rejection::Refused { code, message }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_forms() {
        assert_eq!(normalize_login("alice").as_deref(), Some("alice"));
        assert_eq!(normalize_login("CORP\\Alice").as_deref(), Some("alice"));
        assert_eq!(normalize_login("alice@corp.test").as_deref(), Some("alice"));
        assert_eq!(
            normalize_login(" Alice.Smith@CORP.TEST ").as_deref(),
            Some("alice.smith")
        );
        assert_eq!(normalize_login("corp.test\\a_b-c").as_deref(), Some("a_b-c"));
        for bad in ["", "CORP\\", "@corp.test", "a*)(uid=*", "al ice", "alice\\", "x\u{301}"] {
            assert_eq!(normalize_login(bad), None, "{bad:?}");
        }
    }

    #[tokio::test]
    async fn empty_password_is_refused_without_asking() {
        // The URL points nowhere: an attempt to connect would be an error, not a verdict.
        let cfg: crate::LdapConfig =
            toml::from_str("url = \"ldap://127.0.0.1:1\"\nbase_dn = \"dc=corp,dc=test\"\nflavor = \"openldap\"")
                .expect("parses");
        let settings = cfg.settings().expect("valid");
        let verdict = bind_check(&settings, "alice", "").await.ok();
        assert_eq!(verdict, Some(BindVerdict::Rejected(Rejection::EmptyPassword)));
        let verdict = bind_check(&settings, "*", "pw").await.ok();
        assert_eq!(verdict, Some(BindVerdict::Rejected(Rejection::InvalidLogin)));
        assert!(matches!(
            bind_check(&settings, "alice", "pw").await,
            Err(DirectoryError::Unreachable { .. })
        ));
    }
}
