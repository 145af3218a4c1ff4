//! The composition root: the application state shared by every request and background job,
//! and its start-up (data directory, database, blob store, the first administrator). The
//! store and blob store are here for the services in [`Core`] and for tests that inspect
//! what was stored; adapters go through `core` (tests/layers.rs checks that they do).

use std::path::PathBuf;
use std::sync::Arc;

use crate::blobs::{BlobStore, FsBlobStore};
use crate::config::Config;
use crate::core::auth::{Authenticator, random_token};
use crate::core::calendars::AnswerLinks;
use crate::core::principals::NewAccount;
use crate::core::{Actor, Core, ErrorKind, PrincipalKind, Settings};
use crate::store::{Storage, Store, StoreError};

pub const ADMIN_LOGIN: &str = "admin";

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

pub struct App {
    pub config: Config,
    /// The services: every request, command and job acts through them.
    pub core: Core,
    pub store: Store,
    pub blobs: Arc<dyn BlobStore>,
    pub auth: Authenticator,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`server.trusted_proxies`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The counters `/metrics` reports.
    pub metrics: crate::metrics::Metrics,
}

impl App {
    /// Opens the data directory and database (applying migrations).
    pub async fn open(config: Config) -> Result<App, StartError> {
        let data = config.storage.data_dir.clone();
        std::fs::create_dir_all(&data).map_err(|source| StartError::DataDir {
            path: data.clone(),
            source,
        })?;
        check_writable(&data)?;
        let store = Store::connect(&config.database_url(), config.database.max_connections).await?;
        let blob_dir = data.join("blobs");
        let blobs =
            FsBlobStore::open_dir(&blob_dir).map_err(|source| StartError::DataDir { path: blob_dir, source })?;
        let ldap = match &config.ldap {
            Some(ldap) => Some((
                ldap.settings().map_err(|e| StartError::Other(format!("[ldap] {e}")))?,
                std::time::Duration::from_secs(config.directory.bind_cache_seconds),
            )),
            None => None,
        };
        let storage: Arc<dyn Storage> = Arc::new(store.clone());
        let auth = Authenticator::new(storage.clone(), &config.auth, ldap);
        let trusted_proxies = config
            .server
            .trusted_proxy_nets()
            .map_err(|e| StartError::Other(format!("server.trusted_proxies: {e}")))?;
        let blobs: Arc<dyn BlobStore> = Arc::new(blobs);
        let answer_links = match config.server.public_url.as_str() {
            "" => None,
            url => {
                let key = storage
                    .server_key("answer-links")
                    .await
                    .map_err(|e| StartError::Other(format!("the answer links' key: {e}")))?;
                AnswerLinks::new(url, &key)
            }
        };
        let settings = Settings {
            quota_bytes: config.documents.quota_bytes,
            department_quota_bytes: config.documents.department_quota_bytes,
            shared_quota_bytes: config.documents.shared_quota_bytes,
            max_versions: config.documents.max_versions,
            max_upload_bytes: config.server.max_upload_bytes,
            max_lock_seconds: config.documents.max_lock_seconds,
            default_lock_seconds: config.documents.default_lock_seconds,
            company_name: config.directory.company_name.clone(),
            mail_from: config.smtp.as_ref().map(|s| s.from.clone()),
            answer_links,
        };
        Ok(App {
            core: Core::new(storage, blobs.clone(), settings),
            trusted_proxies,
            metrics: crate::metrics::Metrics::new(),
            config,
            store,
            blobs,
            auth,
        })
    }

    /// Creates the `admin` account on first start. Its password comes from
    /// `PORTICO_ADMIN_PASSWORD`, or is generated and returned so the caller prints it once.
    pub async fn ensure_admin(&self, env_password: Option<String>) -> Result<Option<String>, StartError> {
        if self
            .core
            .principals(&Actor::system())
            .by_login(ADMIN_LOGIN)
            .await
            .map_err(|e| StartError::Other(e.to_string()))?
            .is_some()
        {
            return Ok(None);
        }
        let (password, generated) = match env_password.filter(|p| !p.is_empty()) {
            Some(p) => (p, false),
            None => (random_token(), true),
        };
        let system = Actor::system();
        let created = self
            .core
            .principals(&system)
            .create(NewAccount {
                kind: PrincipalKind::User,
                login: ADMIN_LOGIN,
                display_name: "Administrator",
                email: None,
                password: Some(&password),
                is_admin: true,
            })
            .await;
        match created {
            Ok(_) => Ok(generated.then_some(password)),
            // Another node created it first.
            Err(e) if e.kind == ErrorKind::Conflict => Ok(None),
            Err(e) => Err(StartError::Other(e.to_string())),
        }
    }
}

fn check_writable(dir: &std::path::Path) -> Result<(), StartError> {
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|source| StartError::DataDir {
            path: dir.to_owned(),
            source,
        })
}
