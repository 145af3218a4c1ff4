//! The application state shared by every request and background job, and its start-up:
//! data directory, database, blob store, the first administrator.

use std::path::PathBuf;
use std::sync::Arc;

use crate::auth::{Authenticator, password, random_token};
use crate::blobs::{BlobStore, FsBlobStore};
use crate::config::Config;
use crate::store::{NewPrincipal, PrincipalKind, Store, StoreError};

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
    pub store: Store,
    pub blobs: Arc<dyn BlobStore>,
    pub auth: Authenticator,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`server.trusted_proxies`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Document library roots known to exist (they are never deleted), so requests skip
    /// the existence check after the first.
    pub known_doc_roots: std::sync::Mutex<std::collections::HashSet<String>>,
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
        let auth = Authenticator::new(store.clone(), &config.auth, ldap);
        let trusted_proxies = config
            .server
            .trusted_proxy_nets()
            .map_err(|e| StartError::Other(format!("server.trusted_proxies: {e}")))?;
        Ok(App {
            trusted_proxies,
            config,
            store,
            blobs: Arc::new(blobs),
            auth,
            known_doc_roots: Default::default(),
        })
    }

    /// Creates the `admin` account on first start. Its password comes from
    /// `PORTICO_ADMIN_PASSWORD`, or is generated and returned so the caller prints it once.
    pub async fn ensure_admin(&self, env_password: Option<String>) -> Result<Option<String>, StartError> {
        if self.store.principal_by_login(ADMIN_LOGIN).await?.is_some() {
            return Ok(None);
        }
        let (password, generated) = match env_password.filter(|p| !p.is_empty()) {
            Some(p) => (p, false),
            None => (random_token(), true),
        };
        let hash = password::hash(&password).map_err(|e| StartError::Other(e.to_string()))?;
        let created = self
            .store
            .create_principal(NewPrincipal {
                kind: PrincipalKind::User,
                login: ADMIN_LOGIN,
                display_name: "Administrator",
                email: None,
                password_hash: Some(&hash),
                is_admin: true,
            })
            .await;
        match created {
            Ok(_) => Ok(generated.then_some(password)),
            // Another node created it first.
            Err(StoreError::Conflict(_)) => Ok(None),
            Err(e) => Err(e.into()),
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
