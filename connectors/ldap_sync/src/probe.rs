//! "Test connection": connect (with StartTLS or LDAPS as configured), bind as the service
//! account and count the people the user filter matches, within ten seconds, changing
//! nothing. A failure says which step failed, in terms an administrator acts on: the server
//! cannot be reached, TLS failed, the bind was refused, the base DN does not exist, the
//! filter was refused.

use std::io;
use std::time::{Duration, Instant};

use ldap3::LdapError;

use crate::config::{ConfigError, LdapConfig, Settings};
use crate::session::{DirectoryError, RC_INVALID_CREDENTIALS, RC_NO_SUCH_OBJECT, Session};

/// The longest a test takes, and the longest each of its steps may (the configured timeout
/// applies when it is shorter).
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);
/// Entries a test counts at most (their DNs only); past it the answer is "at least".
const PROBE_LIMIT: i32 = 1000;
/// The LDAP result code of a filter the server refuses.
const RC_FILTER_ERROR: u32 = 87;

/// A test that succeeded: how many entries the user filter matched, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeReport {
    pub matched: usize,
    /// False when a size limit (the test's or the server's) ended the count: at least
    /// `matched` entries match.
    pub complete: bool,
    pub elapsed: Duration,
}

/// Why a test failed. No variant carries the bind password.
#[derive(Debug, thiserror::Error)]
pub enum ProbeFailure {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot connect to {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("TLS with {url} failed: {detail}")]
    Tls { url: String, detail: String },
    #[error("the directory did not answer within {seconds} s")]
    Timeout { seconds: u64 },
    /// The connection broke after it was made, or the server answered something unexpected.
    #[error("the connection to the directory failed: {detail}")]
    Lost { detail: String },
    #[error("the directory refused the bind as {dn:?}: invalid credentials")]
    InvalidCredentials { dn: String },
    #[error("the directory refused the bind as {dn:?} (result code {code}: {message})")]
    BindRefused { dn: String, code: u32, message: String },
    #[error("the base DN {base:?} does not exist or cannot be read")]
    BaseNotFound { base: String },
    #[error("the directory refused the filter {filter}: {message}")]
    InvalidFilter { filter: String, message: String },
    #[error("the search failed (result code {code}: {message})")]
    Search { code: u32, message: String },
}

/// Tests the directory `config` describes: connects, binds with the configured account and
/// counts the entries of the user filter under the base DN (at most a thousand), within ten
/// seconds.
pub async fn test_connection(config: &LdapConfig) -> Result<ProbeReport, ProbeFailure> {
    let started = Instant::now();
    let mut settings = config.settings()?;
    settings.timeout = settings.timeout.min(PROBE_TIMEOUT);
    match tokio::time::timeout(PROBE_TIMEOUT, probe(&settings)).await {
        Ok(Ok((matched, complete))) => Ok(ProbeReport {
            matched,
            complete,
            elapsed: started.elapsed(),
        }),
        Ok(Err(failure)) => Err(failure),
        Err(_) => Err(ProbeFailure::Timeout {
            seconds: PROBE_TIMEOUT.as_secs(),
        }),
    }
}

async fn probe(settings: &Settings) -> Result<(usize, bool), ProbeFailure> {
    let mut session = Session::open(settings).await.map_err(|e| failure(settings, e))?;
    let counted = session
        .count(&settings.base_dn, &settings.user_filter, PROBE_LIMIT)
        .await;
    session.close().await;
    counted.map_err(|e| failure(settings, e))
}

/// The step a [`DirectoryError`] of a test failed at.
fn failure(settings: &Settings, error: DirectoryError) -> ProbeFailure {
    let url = settings.url.clone();
    let tls = settings.starttls || settings.url.to_ascii_lowercase().starts_with("ldaps://");
    match error {
        DirectoryError::Config(e) => ProbeFailure::Config(e),
        DirectoryError::Tls(detail) => ProbeFailure::Tls { url, detail },
        DirectoryError::Unreachable { source, .. } => match *source {
            LdapError::Timeout { .. } => ProbeFailure::Timeout {
                seconds: settings.timeout.as_secs(),
            },
            source if tls && is_tls_failure(&source) => ProbeFailure::Tls {
                url,
                detail: source.to_string(),
            },
            source => ProbeFailure::Connect {
                url,
                detail: source.to_string(),
            },
        },
        DirectoryError::Timeout { seconds } => ProbeFailure::Timeout { seconds },
        e @ (DirectoryError::Connection { .. } | DirectoryError::Protocol(_)) => {
            ProbeFailure::Lost { detail: e.to_string() }
        }
        DirectoryError::BindRefused {
            dn,
            code: RC_INVALID_CREDENTIALS,
            ..
        } => ProbeFailure::InvalidCredentials { dn },
        DirectoryError::BindRefused { dn, code, message } => ProbeFailure::BindRefused { dn, code, message },
        DirectoryError::Search {
            base,
            code: RC_NO_SUCH_OBJECT,
            ..
        } => ProbeFailure::BaseNotFound { base },
        DirectoryError::Search {
            filter,
            code: RC_FILTER_ERROR,
            message,
            ..
        } => ProbeFailure::InvalidFilter { filter, message },
        DirectoryError::Search { code, message, .. } => ProbeFailure::Search { code, message },
    }
}

/// Whether connecting failed in TLS rather than on the way to the server: rustls refused
/// the handshake (an unknown CA, a wrong name), the server hung up during it (it speaks no
/// TLS there), or the server refused StartTLS.
fn is_tls_failure(error: &LdapError) -> bool {
    match error {
        LdapError::Rustls { .. } | LdapError::DNSName { .. } | LdapError::LdapResult { .. } => true,
        LdapError::Io { source } => {
            source.kind() == io::ErrorKind::UnexpectedEof
                || source.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str, timeout_seconds: u64) -> LdapConfig {
        toml::from_str(&format!(
            "url = \"{url}\"\nbind_dn = \"cn=x,dc=corp,dc=test\"\nbind_password = \"secret-pw\"\n\
             base_dn = \"dc=corp,dc=test\"\nflavor = \"openldap\"\ntimeout_seconds = {timeout_seconds}"
        ))
        .expect("config")
    }

    #[tokio::test]
    async fn a_closed_port_cannot_be_connected_to() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("address")
            .port();
        match test_connection(&config(&format!("ldap://127.0.0.1:{closed}"), 30)).await {
            Err(ProbeFailure::Connect { url, detail }) => {
                assert!(url.ends_with(&closed.to_string()), "{url}");
                assert!(!detail.contains("secret-pw"), "{detail}");
            }
            other => panic!("expected Connect, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_server_that_never_answers_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        // Accepts and holds the connection, answering nothing.
        let silent = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept");
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(stream);
        });
        let started = Instant::now();
        let outcome = test_connection(&config(&format!("ldap://127.0.0.1:{port}"), 1)).await;
        assert!(
            matches!(outcome, Err(ProbeFailure::Timeout { seconds: 1 })),
            "{outcome:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        silent.abort();
    }
}
