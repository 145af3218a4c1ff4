//! Configuration: one TOML file plus `PORTICO_*` environment overrides.
//!
//! Every key is declared in [`Config`] with `deny_unknown_fields`, so a typo in the file is an
//! error naming the key. Environment variables override file values: `PORTICO_SECTION__KEY`
//! (double underscore between section and key, e.g. `PORTICO_SERVER__LISTEN`). Variables with
//! that shape that name no known key are an error too; single-underscore variables such as
//! `PORTICO_ADMIN_PASSWORD` are not configuration keys and are read where they are used.
//! Every option is documented in `docs/configuration.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why the configuration could not be loaded; each message names the file or key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },
    #[error("config key {key}: {message}")]
    Invalid { key: &'static str, message: String },
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub documents: DocumentsConfig,
    pub directory: DirectoryConfig,
    /// The LDAP / Active Directory to sync the directory from (see docs/directory.md).
    pub ldap: Option<ldap_sync::LdapConfig>,
    /// Outgoing mail: invitations to guests outside the company (iMIP). Without it, such
    /// guests get nothing and their ATTENDEE no SCHEDULE-STATUS.
    pub smtp: Option<SmtpConfig>,
    pub log: LogConfig,
}

/// The SMTP server Portico sends through.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// `smtp://host:port` (plain, for a relay on the same host), `smtp://host:port?tls=starttls`
    /// or `smtps://host:port`; a user and password may be given as `smtp://user:pass@host`.
    pub url: String,
    /// The From address of the mail Portico sends, e.g. `calendar@example.com`.
    pub from: String,
    /// Seconds one delivery may take before it counts as failed (and is retried).
    #[serde(default = "default_smtp_timeout")]
    pub timeout_seconds: u64,
}

fn default_smtp_timeout() -> u64 {
    30
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub listen: String,
    /// PEM certificate chain; with `tls_key` it turns on HTTPS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key matching `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// Largest request body accepted for XML and form requests, in bytes.
    pub max_request_bytes: u64,
    /// Largest uploaded file (PUT body), in bytes.
    pub max_upload_bytes: u64,
    /// Seconds to let in-flight requests finish on shutdown.
    pub shutdown_grace_seconds: u64,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<String>,
    /// Seconds a connection may take to send a request head, and may stay idle between
    /// requests, before it is closed.
    pub header_timeout_seconds: u64,
    /// A bearer token that may read `/metrics` (administrators always may); empty: none.
    pub metrics_token: String,
    /// The address people reach the server at, e.g. `https://portico.example.com`: the start
    /// of the links in mail (guests' answer links). Empty: mail carries no links.
    pub public_url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// Directory holding the embedded database and the blob store.
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; empty means SQLite at `<data_dir>/portico.db`.
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Lifetime of a browser session, in seconds.
    pub session_ttl_seconds: u64,
    /// Failed logins of one user from one client address before it must wait (4 s, then
    /// doubling with each further failure, up to 15 minutes).
    pub max_failures_per_user: u32,
    /// Failed logins from one client address, across logins it never signed in with.
    pub max_failures_per_ip: u32,
    /// Failed logins of one user, across addresses that user never signed in from.
    pub max_failures_per_login: u32,
    /// Seconds without failures after which a counter (and its wait) is forgotten.
    pub throttle_window_seconds: u64,
    /// Mark the session cookie `Secure` even without TLS (behind a TLS-terminating proxy).
    pub secure_cookies: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    /// Space each user's personal drive may use, in bytes (every kept version counts).
    pub quota_bytes: u64,
    /// Space each department library may use, in bytes.
    pub department_quota_bytes: u64,
    /// Space the company library (`/docs/shared/`) may use, in bytes.
    pub shared_quota_bytes: u64,
    /// Versions kept per file; saving one more drops the oldest (and frees its space).
    pub max_versions: u64,
    /// Hours between blob cleanups while serving (0: only `portico docs cleanup`).
    pub blob_cleanup_hours: u64,
    /// Longest lock a client may take, in seconds (also the answer to `Timeout: Infinite`).
    pub max_lock_seconds: u64,
    /// Lock duration when the client asks for none.
    pub default_lock_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DirectoryConfig {
    /// Minutes between directory sync passes while serving (0: only `portico sync-ldap`).
    pub sync_interval_minutes: u64,
    /// Hours after which the next pass is a full one (finds deleted accounts).
    pub full_sync_hours: u64,
    /// Seconds a successful LDAP bind is remembered for logins.
    pub bind_cache_seconds: u64,
    /// The organisation name on directory cards (vCard ORG).
    pub company_name: String,
}

impl Default for DirectoryConfig {
    fn default() -> Self {
        DirectoryConfig {
            sync_interval_minutes: 15,
            full_sync_hours: 24,
            bind_cache_seconds: 300,
            company_name: "Portico".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A `tracing` filter such as `info` or `portico=debug,info`.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            tls_cert: None,
            tls_key: None,
            max_request_bytes: 10 * 1024 * 1024,
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            shutdown_grace_seconds: 10,
            trusted_proxies: Vec::new(),
            header_timeout_seconds: 30,
            metrics_token: String::new(),
            public_url: String::new(),
        }
    }
}

impl ServerConfig {
    /// `trusted_proxies` as address blocks: `10.0.0.1` (one address) or `10.0.0.0/8`.
    pub fn trusted_proxy_nets(&self) -> Result<Vec<ipnet::IpNet>, String> {
        self.trusted_proxies
            .iter()
            .map(|entry| {
                let entry = entry.trim();
                entry
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("{entry:?} is neither an address nor a CIDR block"))
            })
            .collect()
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            data_dir: PathBuf::from("data"),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: String::new(),
            max_connections: 8,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            session_ttl_seconds: 12 * 3600,
            max_failures_per_user: 10,
            max_failures_per_ip: 50,
            max_failures_per_login: 50,
            throttle_window_seconds: 300,
            secure_cookies: false,
        }
    }
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        DocumentsConfig {
            quota_bytes: 10 * 1024 * 1024 * 1024,
            department_quota_bytes: 100 * 1024 * 1024 * 1024,
            shared_quota_bytes: 500 * 1024 * 1024 * 1024,
            max_versions: 50,
            blob_cleanup_hours: 24,
            max_lock_seconds: 3600,
            default_lock_seconds: 3600,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
            format: "text".into(),
        }
    }
}

impl Config {
    /// Loads the file (if any), then applies `PORTICO_SECTION__KEY` variables from `env`.
    pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                text.parse::<toml::Table>().map_err(|e| ConfigError::Parse {
                    path: path.to_owned(),
                    message: e.message().to_owned(),
                })?
            }
            None => toml::Table::new(),
        };
        for (var, value) in env {
            let Some(rest) = var.strip_prefix("PORTICO_") else {
                continue;
            };
            let Some((section, key)) = rest.split_once("__") else {
                continue;
            };
            let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
            let entry = table
                .entry(section.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let toml::Value::Table(section_table) = entry else {
                return Err(ConfigError::Env {
                    var,
                    message: format!("{section} is not a section"),
                });
            };
            section_table.insert(key, env_value(&value));
        }
        let config: Config = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
            let path = file
                .map(Path::to_owned)
                .unwrap_or_else(|| PathBuf::from("<environment>"));
            ConfigError::Parse {
                path,
                message: e.message().to_owned(),
            }
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.server.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError::Invalid {
                key: "server.listen",
                message: format!("{:?} is not an address like 127.0.0.1:8080", self.server.listen),
            });
        }
        if self.server.tls_cert.is_some() != self.server.tls_key.is_some() {
            return Err(ConfigError::Invalid {
                key: "server.tls_cert",
                message: "tls_cert and tls_key must be set together".into(),
            });
        }
        let public = &self.server.public_url;
        if !public.is_empty()
            && (!(public.starts_with("https://") || public.starts_with("http://"))
                || public
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#'))
        {
            return Err(ConfigError::Invalid {
                key: "server.public_url",
                message: format!("{public:?} must be an http:// or https:// address without query"),
            });
        }
        if let Some(smtp) = &self.smtp {
            if !(smtp.url.starts_with("smtp://") || smtp.url.starts_with("smtps://")) {
                return Err(ConfigError::Invalid {
                    key: "smtp.url",
                    message: format!("{:?} must start with smtp:// or smtps://", smtp.url),
                });
            }
            if !smtp.from.contains('@') || smtp.from.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ConfigError::Invalid {
                    key: "smtp.from",
                    message: format!("{:?} is not an e-mail address", smtp.from),
                });
            }
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return Err(ConfigError::Invalid {
                key: "log.format",
                message: format!("{:?} is neither \"text\" nor \"json\"", self.log.format),
            });
        }
        if let Err(message) = self.server.trusted_proxy_nets() {
            return Err(ConfigError::Invalid {
                key: "server.trusted_proxies",
                message,
            });
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::Invalid {
                key: "database.max_connections",
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// The database URL in effect: the configured one, or SQLite inside the data directory.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.storage.data_dir.join("portico.db").display()
            )
        } else {
            self.database.url.clone()
        }
    }
}

/// An environment value is read as a TOML literal when it is one (numbers, booleans),
/// otherwise as a plain string, so `PORTICO_SERVER__LISTEN=127.0.0.1:80` needs no quotes.
fn env_value(raw: &str) -> toml::Value {
    format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|v| !v.is_table())
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn defaults_without_file() {
        let c = Config::load(None, vec![]).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:8080");
        assert!(c.database_url().starts_with("sqlite://"));
    }

    #[test]
    fn unknown_key_is_named() {
        let f = write("[server]\nlisten = \"127.0.0.1:1\"\nlistn = 3\n");
        let err = Config::load(Some(f.path()), vec![]).unwrap_err().to_string();
        assert!(err.contains("listn"), "{err}");
    }

    #[test]
    fn unknown_section_is_named() {
        let f = write("[serverr]\nlisten = \"x\"\n");
        let err = Config::load(Some(f.path()), vec![]).unwrap_err().to_string();
        assert!(err.contains("serverr"), "{err}");
    }

    #[test]
    fn env_overrides_file() {
        let f = write("[server]\nlisten = \"127.0.0.1:1\"\n");
        let env = vec![
            ("PORTICO_SERVER__LISTEN".into(), "127.0.0.1:9".into()),
            ("PORTICO_AUTH__MAX_FAILURES_PER_USER".into(), "3".into()),
            ("PORTICO_ADMIN_PASSWORD".into(), "not a key".into()),
        ];
        let c = Config::load(Some(f.path()), env).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:9");
        assert_eq!(c.auth.max_failures_per_user, 3);
    }

    #[test]
    fn unknown_env_key_is_an_error() {
        let env = vec![("PORTICO_SERVER__LISTN".into(), "1".into())];
        let err = Config::load(None, env).unwrap_err().to_string();
        assert!(err.contains("listn"), "{err}");
    }

    #[test]
    fn smtp_from_the_environment_and_its_refusals() {
        let env = |url: &str, from: &str| {
            vec![
                ("PORTICO_SMTP__URL".to_owned(), url.to_owned()),
                ("PORTICO_SMTP__FROM".to_owned(), from.to_owned()),
            ]
        };
        let c = Config::load(None, env("smtp://127.0.0.1:25", "calendar@example.com")).unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.url.as_str(), smtp.timeout_seconds), ("smtp://127.0.0.1:25", 30));
        let err = Config::load(None, env("http://mail", "calendar@example.com"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("smtp.url"), "{err}");
        let err = Config::load(None, env("smtps://mail", "calendar"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("smtp.from"), "{err}");
        let only_url = vec![("PORTICO_SMTP__URL".to_owned(), "smtp://mail".to_owned())];
        assert!(Config::load(None, only_url).is_err(), "from is required");
    }

    #[test]
    fn bad_listen_address() {
        let env = vec![("PORTICO_SERVER__LISTEN".into(), "nowhere".into())];
        let err = Config::load(None, env).unwrap_err().to_string();
        assert!(err.contains("server.listen"), "{err}");
    }

    #[test]
    fn malformed_toml_names_file() {
        let f = write("[server\n");
        let err = Config::load(Some(f.path()), vec![]).unwrap_err().to_string();
        assert!(err.contains(&f.path().display().to_string()), "{err}");
    }

    #[test]
    fn missing_file_is_named() {
        let err = Config::load(Some(Path::new("/nonexistent/portico.toml")), vec![])
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/portico.toml"), "{err}");
    }
}
