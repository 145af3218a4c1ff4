//! The directory sync job: connects to LDAP / Active Directory (`connectors/ldap_sync`) and
//! lets `crate::core::directory` apply a pass, on demand (`portico sync-ldap`) or every
//! `directory.sync_interval_minutes` while serving. A directory that is unreachable, refuses
//! the bind or breaks mid-pass changes nothing: the error is returned and recorded. One pass
//! runs at a time: a tick that finds one running (started from the page) is skipped.

use ldap_sync::Ldap3Source;

use crate::app::App;
use crate::core::Actor;
use crate::core::directory::{PassReport, SyncClaim, SyncError};

/// The status-row key of the configured directory.
pub use crate::core::directory::LDAP_SOURCE as SOURCE;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("no [ldap] section in the configuration")]
    NotConfigured,
    #[error("LDAP configuration: {0}")]
    Config(#[from] ldap_sync::ConfigError),
    #[error(transparent)]
    Sync(#[from] SyncError),
}

/// Runs one pass and applies it, unless one is running already ([`SyncError::Busy`]).
pub async fn run(app: &App, force_full: bool) -> Result<PassReport, JobError> {
    let claim = app
        .core
        .directory(&Actor::system())
        .claim_sync()
        .map_err(SyncError::from)?
        .ok_or(SyncError::Busy)?;
    run_claimed(app, &claim, force_full).await
}

/// Runs one pass under `claim` ([`crate::core::directory::Directory::claim_sync`]) and applies it.
pub async fn run_claimed(app: &App, claim: &SyncClaim, force_full: bool) -> Result<PassReport, JobError> {
    let config = app.config.ldap.as_ref().ok_or(JobError::NotConfigured)?;
    let system = Actor::system();
    let directory = app.core.directory(&system);
    let source = match Ldap3Source::new(config) {
        Ok(s) => s,
        Err(e) => {
            if let Err(record) = directory.record_failure(&e.to_string()).await {
                tracing::error!(error = %record, "could not record the failed directory sync");
            }
            return Err(e.into());
        }
    };
    Ok(directory
        .sync_claimed(claim, &source, config, app.config.directory.full_sync_hours, force_full)
        .await?)
}

/// Runs passes every `directory.sync_interval_minutes` until the process ends.
pub fn spawn_schedule(app: std::sync::Arc<App>) {
    let minutes = app.config.directory.sync_interval_minutes;
    if app.config.ldap.is_none() || minutes == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(minutes.saturating_mul(60)));
        loop {
            tick.tick().await;
            let result = run(&app, false).await;
            if let Err(JobError::Sync(SyncError::Busy)) = result {
                tracing::info!("directory sync skipped: another pass is still running");
                continue;
            }
            app.metrics.job("directory_sync", result.is_ok());
            match result {
                Ok(r) => tracing::info!(
                    full = r.full,
                    created = r.summary.created,
                    updated = r.summary.updated,
                    deactivated = r.summary.deactivated,
                    "directory sync"
                ),
                Err(e) => tracing::warn!(error = %e, "directory sync failed; data left as it was"),
            }
        }
    });
}

/// Regenerates the directory address books (at start-up).
pub async fn refresh_books(app: &App) {
    match app.core.directory(&Actor::system()).refresh_books().await {
        Ok(r) => tracing::info!(
            written = r.written,
            removed = r.removed,
            "directory address books refreshed"
        ),
        Err(e) => tracing::warn!(error = %e, "could not refresh the directory address books"),
    }
}
