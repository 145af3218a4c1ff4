//! Authentication: who is making this request.
//!
//! Protocol clients use HTTP Basic with either the account password (argon2id) or an app
//! password (a per-device secret the user can list and revoke); browsers use a session
//! cookie obtained from the login page. Windows sends `DOMAIN\user` or `user@domain`; both
//! resolve to `user` when no principal has the literal name. Failed attempts are throttled
//! per login and per IP. Successful password checks are cached briefly, keyed by a hash of
//! login, password and the stored hash, so a password change invalidates them at once.

pub mod password;
mod throttle;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::config::AuthConfig;
pub use crate::store::AppPassword;
use crate::store::{Principal, Storage, StoreError};
use throttle::Throttle;

const VERIFIED_TTL: Duration = Duration::from_secs(300);
const VERIFIED_MAX: usize = 10_000;
pub const SESSION_COOKIE: &str = "portico_session";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("authentication required")]
    Missing,
    #[error("invalid credentials")]
    Invalid,
    #[error("too many failed logins; retry in {retry_after} s")]
    Throttled { retry_after: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Authenticator {
    store: Arc<dyn Storage>,
    ldap: Option<(ldap_sync::Settings, Duration)>,
    throttle: Throttle,
    session_ttl: i64,
    verified: Mutex<HashMap<[u8; 32], Instant>>,
}

/// Strips a Windows domain: `CORP\alice` and `alice@corp.example` become `alice`.
pub fn strip_domain(login: &str) -> &str {
    let login = login.rsplit('\\').next().unwrap_or(login);
    login.split('@').next().unwrap_or(login)
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

impl Authenticator {
    /// `ldap` (with how long a successful bind is remembered) turns on domain-password logins
    /// for people synced from the directory.
    pub fn new(store: Arc<dyn Storage>, config: &AuthConfig, ldap: Option<(ldap_sync::Settings, Duration)>) -> Self {
        Authenticator {
            ldap,
            store,
            throttle: Throttle::new(throttle::Limits {
                per_pair: config.max_failures_per_user,
                per_ip: config.max_failures_per_ip,
                per_login: config.max_failures_per_login,
                window: Duration::from_secs(config.throttle_window_seconds),
            }),
            session_ttl: i64::try_from(config.session_ttl_seconds).unwrap_or(i64::MAX / 2),
            verified: Mutex::new(HashMap::new()),
        }
    }

    /// Checks an `Authorization: Basic …` header value.
    pub async fn basic(&self, header: &str, ip: IpAddr) -> Result<Principal, AuthError> {
        let encoded = header
            .strip_prefix("Basic ")
            .or_else(|| header.strip_prefix("basic "))
            .ok_or(AuthError::Missing)?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| AuthError::Invalid)?;
        let text = String::from_utf8(decoded).map_err(|_| AuthError::Invalid)?;
        let (login, password) = text.split_once(':').ok_or(AuthError::Invalid)?;
        self.password_login(login, password, ip).await
    }

    /// Checks a login name and a password (account or app password), with throttling.
    ///
    /// An app password is tried first and without the throttle: it is a random 160-bit
    /// secret, so trying one gains a guesser nothing, and a user's devices keep working
    /// while someone else's guesses slow down the account password (`throttle`).
    pub async fn password_login(&self, login: &str, password: &str, ip: IpAddr) -> Result<Principal, AuthError> {
        let key = strip_domain(login);
        let found = self.lookup(login).await?;
        if let Some((principal, _)) = &found
            && self
                .store
                .use_app_password(principal.id, &sha256_hex(password.as_bytes()))
                .await?
        {
            self.throttle.record_success(key, ip);
            return Ok(principal.clone());
        }
        if let Some(retry_after) = self.throttle.retry_after(key, ip) {
            return Err(AuthError::Throttled { retry_after });
        }
        let verified = match found {
            Some((principal, hash)) => self.account_password(principal, hash, login, password).await?,
            None => {
                password::verify_async(password.to_owned(), password::decoy_hash().to_owned()).await;
                None
            }
        };
        match verified {
            Some(p) => {
                self.throttle.record_success(key, ip);
                Ok(p)
            }
            None => {
                self.throttle.record_failure(key, ip);
                tracing::info!(login = %key, %ip, "failed login");
                Err(AuthError::Invalid)
            }
        }
    }

    /// Asks a signed-in user for their account password again (not an app password) before
    /// something that hands out credentials; throttled like a login.
    pub async fn confirm_password(&self, principal: &Principal, password: &str, ip: IpAddr) -> Result<(), AuthError> {
        if let Some(retry_after) = self.throttle.retry_after(&principal.login, ip) {
            return Err(AuthError::Throttled { retry_after });
        }
        let found = self
            .lookup(&principal.login)
            .await?
            .filter(|(p, _)| p.id == principal.id);
        let verified = match found {
            Some((p, hash)) => self.account_password(p, hash, &principal.login, password).await?,
            None => None,
        };
        if verified.is_some() {
            return Ok(());
        }
        self.throttle.record_failure(&principal.login, ip);
        Err(AuthError::Invalid)
    }

    /// The active principal a login names (`DOMAIN\user` and `user@domain` too), with its
    /// password hash.
    async fn lookup(&self, login: &str) -> Result<Option<(Principal, Option<String>)>, AuthError> {
        let mut found = self.store.password_hash(login).await?;
        if found.is_none() && strip_domain(login) != login {
            found = self.store.password_hash(strip_domain(login)).await?;
        }
        Ok(found.filter(|(p, _)| p.active))
    }

    /// Checks the account password: an LDAP bind for directory people, else the stored hash.
    async fn account_password(
        &self,
        principal: Principal,
        hash: Option<String>,
        login: &str,
        password: &str,
    ) -> Result<Option<Principal>, AuthError> {
        if principal.source == "ldap"
            && let Some((settings, ttl)) = &self.ldap
        {
            return self.directory_bind(settings, *ttl, principal, login, password).await;
        }
        let Some(hash) = hash else {
            password::verify_async(password.to_owned(), password::decoy_hash().to_owned()).await;
            return Ok(None);
        };
        let cache_key: [u8; 32] = Sha256::new()
            .chain_update(principal.login.as_bytes())
            .chain_update([0])
            .chain_update(password.as_bytes())
            .chain_update([0])
            .chain_update(hash.as_bytes())
            .finalize()
            .into();
        if self.recently_verified(&cache_key) {
            return Ok(Some(principal));
        }
        if password::verify_async(password.to_owned(), hash).await {
            self.remember_verified(cache_key);
            return Ok(Some(principal));
        }
        Ok(None)
    }

    /// A directory person signs in with their domain password: an LDAP bind as their entry
    /// (`DOMAIN\user` and `user@domain` work), remembered for `ttl` after it succeeds. The
    /// entry must be the same person (external id), so a reused login cannot sign in as them.
    async fn directory_bind(
        &self,
        settings: &ldap_sync::Settings,
        ttl: Duration,
        principal: Principal,
        login: &str,
        password: &str,
    ) -> Result<Option<Principal>, AuthError> {
        let cache_key: [u8; 32] = Sha256::new()
            .chain_update(b"ldap\0")
            .chain_update(principal.login.as_bytes())
            .chain_update([0])
            .chain_update(password.as_bytes())
            .finalize()
            .into();
        if self.verified_within(&cache_key, ttl) {
            return Ok(Some(principal));
        }
        match ldap_sync::bind_check(settings, login, password).await {
            Ok(ldap_sync::BindVerdict::Accepted { external_id, .. })
                if principal.external_id.is_some() && principal.external_id == external_id =>
            {
                self.remember_verified(cache_key);
                Ok(Some(principal))
            }
            Ok(_) => Ok(None),
            Err(e) => {
                tracing::warn!(error = %e, "LDAP bind check failed; login refused");
                Ok(None)
            }
        }
    }

    fn verified_within(&self, key: &[u8; 32], ttl: Duration) -> bool {
        let map = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).is_some_and(|at| at.elapsed() < ttl)
    }

    fn recently_verified(&self, key: &[u8; 32]) -> bool {
        let map = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).is_some_and(|at| at.elapsed() < VERIFIED_TTL)
    }

    fn remember_verified(&self, key: [u8; 32]) {
        let mut map = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= VERIFIED_MAX {
            map.retain(|_, at| at.elapsed() < VERIFIED_TTL);
            if map.len() >= VERIFIED_MAX {
                map.clear();
            }
        }
        map.insert(key, Instant::now());
    }

    /// Starts a browser session; returns the cookie token (only its hash is stored).
    pub async fn start_session(&self, principal: &Principal) -> Result<String, AuthError> {
        let token = random_token();
        self.store
            .create_session(&sha256_hex(token.as_bytes()), principal.id, self.session_ttl)
            .await?;
        Ok(token)
    }

    pub fn session_ttl(&self) -> i64 {
        self.session_ttl
    }

    /// The active principal behind a session token, if the session is live.
    pub async fn session(&self, token: &str) -> Result<Option<Principal>, AuthError> {
        let Some(id) = self.store.session_principal(&sha256_hex(token.as_bytes())).await? else {
            return Ok(None);
        };
        Ok(self.store.principal_by_id(id).await?.filter(|p| p.active))
    }

    pub async fn end_session(&self, token: &str) -> Result<(), AuthError> {
        Ok(self.store.delete_session(&sha256_hex(token.as_bytes())).await?)
    }

    /// Deletes the sessions that have expired (they no longer sign anyone in, but their rows
    /// would pile up); returns how many.
    pub async fn purge_expired_sessions(&self) -> Result<u64, AuthError> {
        Ok(self.store.purge_expired_sessions().await?)
    }

    /// The principal's app passwords (never their secrets).
    pub async fn app_passwords(&self, principal: &Principal) -> Result<Vec<AppPassword>, AuthError> {
        Ok(self.store.list_app_passwords(principal.id).await?)
    }

    /// Revokes one of the principal's app passwords; false when it has none of that id.
    pub async fn revoke_app_password(&self, principal: &Principal, id: i64) -> Result<bool, AuthError> {
        Ok(self.store.revoke_app_password(principal.id, id).await?)
    }

    /// Creates an app password; the secret is returned once and never stored in clear.
    pub async fn new_app_password(
        &self,
        principal: &Principal,
        label: &str,
    ) -> Result<(AppPassword, String), AuthError> {
        let secret = random_token();
        let record = self
            .store
            .create_app_password(principal.id, label, &sha256_hex(secret.as_bytes()))
            .await?;
        Ok((record, secret))
    }
}

/// 160 random bits as 32 lowercase base32 characters: easy to type, no ambiguous symbols.
pub fn random_token() -> String {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes);
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut out = String::with_capacity(32);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    out
}

/// Extracts the session token from a `Cookie` header.
pub fn session_token_from_cookies(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_windows_domains() {
        assert_eq!(strip_domain("CORP\\alice"), "alice");
        assert_eq!(strip_domain("alice@corp.example"), "alice");
        assert_eq!(strip_domain("alice"), "alice");
    }

    #[test]
    fn tokens_are_32_chars_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 32);
        assert_ne!(a, random_token());
    }

    #[test]
    fn finds_session_cookie() {
        assert_eq!(session_token_from_cookies("a=b; portico_session=tok; c=d"), Some("tok"));
        assert_eq!(session_token_from_cookies("portico_session="), None);
        assert_eq!(session_token_from_cookies("other=1"), None);
    }
}
