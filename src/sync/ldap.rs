//! The directory sync job: reads a pass from LDAP / Active Directory (`protocols/ldap_sync`),
//! plans it against the people already stored, stores photos in the blob store, and applies
//! the plan in one transaction. A directory that is unreachable, refuses the bind or breaks
//! mid-pass changes nothing: the error is returned and recorded in the status row.
//!
//! A delta pass (uSNChanged on AD, modifyTimestamp on OpenLDAP) runs when a cursor exists and
//! the last full pass is recent; otherwise — or with `--full`, or when the directory server
//! changed — a full pass runs, which is also what finds deleted accounts.

use std::collections::HashMap;

use bytes::Bytes;
use ldap_sync::{Cursor, DeltaOutcome, DirectorySource, Ldap3Source, LdapConfig, SyncPass, plan};

use crate::app::App;
use crate::blobs::BlobError;
use crate::store::ApplySummary;

/// The status-row key of the configured directory.
pub const SOURCE: &str = "ldap";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("no [ldap] section in the configuration")]
    NotConfigured,
    #[error("LDAP configuration: {0}")]
    Config(#[from] ldap_sync::ConfigError),
    #[error("directory: {0}")]
    Directory(#[from] ldap_sync::DirectoryError),
    #[error(transparent)]
    Limit(#[from] ldap_sync::DeactivationLimitExceeded),
    #[error("storing a photo: {0}")]
    Photo(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What one pass did.
#[derive(Debug)]
pub struct PassReport {
    pub full: bool,
    pub summary: ApplySummary,
    pub skipped: usize,
}

/// Runs one pass and applies it; on failure the status row records the error.
pub async fn run(app: &App, force_full: bool) -> Result<PassReport, SyncError> {
    let config = app.config.ldap.as_ref().ok_or(SyncError::NotConfigured)?;
    match run_pass(app, config, force_full).await {
        Ok(report) => Ok(report),
        Err(e) => {
            if let Err(record) = app.store.record_directory_failure(SOURCE, &e.to_string()).await {
                tracing::error!(error = %record, "could not record the failed directory sync");
            }
            Err(e)
        }
    }
}

async fn run_pass(app: &App, config: &LdapConfig, force_full: bool) -> Result<PassReport, SyncError> {
    let source = Ldap3Source::new(config)?;
    let state = app.store.directory_state(SOURCE).await?;
    let full_every = i64::try_from(app.config.directory.full_sync_hours.saturating_mul(3600)).unwrap_or(i64::MAX);
    let full_due = state
        .as_ref()
        .and_then(|s| s.last_full_at)
        .is_none_or(|at| crate::store::now().saturating_sub(at) >= full_every);
    let cursor = state.and_then(|s| s.cursor).and_then(|c| Cursor::decode(&c).ok());
    let pass = match cursor {
        Some(cursor) if !force_full && !full_due => match source.delta_pass(&cursor).await? {
            DeltaOutcome::Changes(delta) => SyncPass::Delta(delta),
            DeltaOutcome::NeedsFullResync(reason) => {
                tracing::info!(?reason, "directory needs a full resync");
                SyncPass::Full(source.full_pass().await?)
            }
        },
        _ => SyncPass::Full(source.full_pass().await?),
    };
    let local = app.store.directory_people().await?;
    let planned = plan(&local, &pass);
    planned.check_deactivation_limit(&local, config.max_deactivate_percent)?;
    let mut photos = HashMap::new();
    for person in planned.create.iter().chain(planned.update.iter().map(|u| &u.person)) {
        if let Some(photo) = &person.photo {
            let chunk: Result<Bytes, BlobError> = Ok(Bytes::copy_from_slice(photo));
            let blob = app
                .blobs
                .put(Box::pin(futures_util::stream::iter([chunk])), 16 * 1024 * 1024)
                .await?;
            photos.insert(person.external_id.clone(), blob.sha256);
        }
    }
    let summary = app.store.apply_directory_plan(SOURCE, &planned, &photos).await?;
    crate::carddav::directory::refresh(app).await?;
    Ok(PassReport {
        full: planned.full,
        summary,
        skipped: planned.skipped.len(),
    })
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
            match run(&app, false).await {
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
