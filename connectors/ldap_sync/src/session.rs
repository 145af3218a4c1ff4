//! One connection to the directory over ldap3: connect (plain, LDAPS or StartTLS with rustls
//! and ring), bind, paged and base-scope searches, each operation under the configured
//! timeout, and the mapping of ldap3's errors to [`DirectoryError`].

use std::sync::Arc;

use ldap3::controls::{Control, PagedResults, RawControl};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, SearchOptions, SearchResult};
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::config::{ConfigError, Settings};
use crate::entry::RawEntry;

/// The Simple Paged Results control (RFC 2696).
const PAGED_RESULTS_OID: &str = "1.2.840.113556.1.4.319";
/// LDAP result codes this crate tells apart.
pub(crate) const RC_INVALID_CREDENTIALS: u32 = 49;
pub(crate) const RC_NO_SUCH_OBJECT: u32 = 32;
const RC_SIZE_LIMIT_EXCEEDED: u32 = 4;

/// Why talking to the directory failed. Any of these aborts the pass: nothing is returned,
/// so nothing is applied.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("TLS setup for the directory failed: {0}")]
    Tls(String),
    #[error("cannot reach the directory at {url}: {source}")]
    Unreachable {
        url: String,
        #[source]
        source: Box<LdapError>,
    },
    #[error("the directory refused the bind as {dn:?} (result code {code}: {message})")]
    BindRefused { dn: String, code: u32, message: String },
    #[error("the directory did not answer within {seconds} s")]
    Timeout { seconds: u64 },
    #[error("the connection to the directory failed: {source}")]
    Connection {
        #[source]
        source: Box<LdapError>,
    },
    #[error("search {filter} under {base:?} failed (result code {code}: {message})")]
    Search {
        base: String,
        filter: String,
        code: u32,
        message: String,
    },
    #[error("unexpected answer from the directory: {0}")]
    Protocol(String),
}

pub(crate) struct Session<'s> {
    ldap: Ldap,
    settings: &'s Settings,
}

impl<'s> Session<'s> {
    /// Connects (and upgrades with StartTLS if configured), without binding.
    pub async fn connect(settings: &'s Settings) -> Result<Session<'s>, DirectoryError> {
        let mut conn_settings = LdapConnSettings::new()
            .set_conn_timeout(settings.timeout)
            .set_starttls(settings.starttls);
        if settings.starttls || settings.url.to_ascii_lowercase().starts_with("ldaps://") {
            conn_settings = conn_settings.set_config(tls_config(settings)?);
        }
        let (conn, ldap) = LdapConnAsync::with_settings(conn_settings, &settings.url)
            .await
            .map_err(|source| DirectoryError::Unreachable {
                url: settings.url.clone(),
                source: Box::new(source),
            })?;
        // The connection task ends when the last `Ldap` handle is dropped or the server closes
        // the connection; operations then fail with a `Connection` error, which is all we need.
        tokio::spawn(async move {
            let _ = conn.drive().await;
        });
        Ok(Session { ldap, settings })
    }

    /// Connects and binds as the service account.
    pub async fn open(settings: &'s Settings) -> Result<Session<'s>, DirectoryError> {
        let mut session = Session::connect(settings).await?;
        if !settings.bind_dn.is_empty() {
            let (code, message) = session
                .simple_bind(&settings.bind_dn, settings.bind_password.expose())
                .await?;
            if code != 0 {
                return Err(DirectoryError::BindRefused {
                    dn: settings.bind_dn.clone(),
                    code,
                    message,
                });
            }
        }
        Ok(session)
    }

    /// A simple bind; returns the result code and diagnostic message.
    pub async fn simple_bind(&mut self, dn: &str, password: &str) -> Result<(u32, String), DirectoryError> {
        let result = self
            .ldap
            .with_timeout(self.settings.timeout)
            .simple_bind(dn, password)
            .await
            .map_err(|e| self.op_error(e))?;
        Ok((result.rc, result.text))
    }

    /// A subtree search under `base`, fetched page by page with the Simple Paged Results
    /// control. Any error, including a non-success result code on any page (e.g.
    /// sizeLimitExceeded), fails the whole search: callers never see part of a result.
    pub async fn search_paged(
        &mut self,
        base: &str,
        filter: &str,
        attrs: &[String],
    ) -> Result<Vec<RawEntry>, DirectoryError> {
        let mut entries = Vec::new();
        let mut cookie = Vec::new();
        loop {
            let control: RawControl = PagedResults {
                size: self.settings.page_size,
                cookie,
            }
            .into();
            let SearchResult(page, result) = self
                .ldap
                .with_controls(control)
                .with_timeout(self.settings.timeout)
                .search(base, Scope::Subtree, filter, attrs)
                .await
                .map_err(|e| self.op_error(e))?;
            if result.rc != 0 {
                return Err(DirectoryError::Search {
                    base: base.to_owned(),
                    filter: filter.to_owned(),
                    code: result.rc,
                    message: result.text,
                });
            }
            entries.extend(
                page.into_iter()
                    .map(|e| RawEntry::from_search_entry(SearchEntry::construct(e))),
            );
            cookie = paged_cookie(&result.ctrls)?;
            if cookie.is_empty() {
                return Ok(entries);
            }
        }
    }

    /// Reads one entry (base scope); `None` if it does not exist or does not match `filter`.
    pub async fn read(&mut self, dn: &str, filter: &str, attrs: &[String]) -> Result<Option<RawEntry>, DirectoryError> {
        let SearchResult(found, result) = self
            .ldap
            .with_timeout(self.settings.timeout)
            .search(dn, Scope::Base, filter, attrs)
            .await
            .map_err(|e| self.op_error(e))?;
        match result.rc {
            0 => Ok(found
                .into_iter()
                .next()
                .map(|e| RawEntry::from_search_entry(SearchEntry::construct(e)))),
            RC_NO_SUCH_OBJECT => Ok(None),
            code => Err(DirectoryError::Search {
                base: dn.to_owned(),
                filter: filter.to_owned(),
                code,
                message: result.text,
            }),
        }
    }

    /// Counts the entries matching `filter` under `base` (subtree) in one request without
    /// paging, reading their DNs only and at most `limit` of them: `(count, complete)`. When a
    /// size limit (`limit` or the server's own) ends the search, `complete` is false and the
    /// count is a lower bound.
    pub async fn count(&mut self, base: &str, filter: &str, limit: i32) -> Result<(usize, bool), DirectoryError> {
        let seconds = i32::try_from(self.settings.timeout.as_secs()).unwrap_or(i32::MAX);
        let SearchResult(found, result) = self
            .ldap
            .with_search_options(SearchOptions::new().sizelimit(limit).timelimit(seconds))
            .with_timeout(self.settings.timeout)
            .search(base, Scope::Subtree, filter, ["1.1"])
            .await
            .map_err(|e| self.op_error(e))?;
        match result.rc {
            0 => Ok((found.len(), true)),
            RC_SIZE_LIMIT_EXCEEDED => Ok((found.len(), false)),
            code => Err(DirectoryError::Search {
                base: base.to_owned(),
                filter: filter.to_owned(),
                code,
                message: result.text,
            }),
        }
    }

    /// Unbinds politely; the connection closes either way when the session is dropped.
    pub async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }

    fn op_error(&self, error: LdapError) -> DirectoryError {
        match error {
            LdapError::Timeout { .. } => DirectoryError::Timeout {
                seconds: self.settings.timeout.as_secs(),
            },
            source => DirectoryError::Connection {
                source: Box::new(source),
            },
        }
    }
}

/// The cookie of the paged-results response control; empty when the search is complete (or
/// the server ignored the control and sent everything at once).
fn paged_cookie(controls: &[Control]) -> Result<Vec<u8>, DirectoryError> {
    let Some(raw) = controls.iter().map(|c| &c.1).find(|raw| raw.ctype == PAGED_RESULTS_OID) else {
        return Ok(Vec::new());
    };
    let bad = || DirectoryError::Protocol("malformed paged results control".into());
    let value = raw.val.as_deref().ok_or_else(bad)?;
    let (_, tag) = ldap3::asn1::parse_tag(value).map_err(|_| bad())?;
    let mut parts = tag.expect_constructed().ok_or_else(bad)?.into_iter();
    let _size = parts.next().ok_or_else(bad)?;
    parts.next().and_then(|t| t.expect_primitive()).ok_or_else(bad)
}

/// rustls with the ring provider, trusting `tls_ca_file` or else the system's CAs.
fn tls_config(settings: &Settings) -> Result<Arc<ClientConfig>, DirectoryError> {
    let mut roots = RootCertStore::empty();
    match &settings.tls_ca_file {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| DirectoryError::Tls(format!("cannot read {}: {e}", path.display())))?;
            for cert in certs {
                let cert = cert.map_err(|e| DirectoryError::Tls(format!("{}: {e}", path.display())))?;
                roots
                    .add(cert)
                    .map_err(|e| DirectoryError::Tls(format!("{}: {e}", path.display())))?;
            }
            if roots.is_empty() {
                return Err(DirectoryError::Tls(format!("no certificate in {}", path.display())));
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(native.certs);
            if added == 0 {
                return Err(DirectoryError::Tls(
                    "no CA certificates in the system trust store; set ldap.tls_ca_file".into(),
                ));
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DirectoryError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(val: Option<Vec<u8>>) -> Control {
        Control(
            None,
            RawControl {
                ctype: PAGED_RESULTS_OID.into(),
                crit: false,
                val,
            },
        )
    }

    #[test]
    fn paged_cookie_parsing() {
        assert_eq!(paged_cookie(&[]).ok(), Some(Vec::new()));
        let with_cookie: RawControl = PagedResults {
            size: 0,
            cookie: vec![7, 8, 9],
        }
        .into();
        assert_eq!(paged_cookie(&[control(with_cookie.val)]).ok(), Some(vec![7, 8, 9]));
        let done: RawControl = PagedResults {
            size: 5,
            cookie: vec![],
        }
        .into();
        assert_eq!(paged_cookie(&[control(done.val)]).ok(), Some(Vec::new()));
        for junk in [
            None,
            Some(vec![]),
            Some(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
            Some(vec![0x04, 0x00]),
        ] {
            assert!(matches!(
                paged_cookie(&[control(junk)]),
                Err(DirectoryError::Protocol(_))
            ));
        }
    }
}
