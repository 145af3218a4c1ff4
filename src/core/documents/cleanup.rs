//! The blob cleanup: removes the blobs nothing refers to any more (deleted files, dropped
//! versions, uploads that were refused or cut off, replaced photos), crash-safely.
//!
//! Blobs are written before the transaction that refers to them, so a blob untouched for less
//! than a grace period may belong to a write still in flight and is left alone. For an older
//! one nothing refers to, the cleanup sets it aside (see [`crate::blobs`]), reads its time
//! again (a write that reused it meanwhile has just set it), asks the database a second time,
//! and keeps it set aside — still readable — until the grace has passed once more since then;
//! a later cleanup that finds it still unreferenced deletes it; anything else puts it back.
//! So a blob outlives its last reference by at least the grace, which is what a backup that
//! copies the blobs after a database dump needs (docs/operations.md). A cleanup that dies part way leaves
//! blobs set aside, which the next one finishes (putting back what is referenced), and a
//! reader finds a blob set aside too, so nothing is lost either way.

use std::time::{Duration, SystemTime};

use super::Documents;
use crate::core::{Error, Result};

/// What one cleanup did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleanup {
    /// Blobs old enough to be looked at.
    pub examined: u64,
    /// Blobs nothing refers to, set aside until the grace has passed again.
    pub set_aside: u64,
    /// Blobs deleted, and their bytes.
    pub removed: u64,
    pub freed_bytes: u64,
}

impl Documents<'_> {
    /// Deletes the blobs nothing refers to that are older than `grace`; administrators and
    /// the system only.
    pub async fn clean_blobs(&self, grace: Duration) -> Result<Cleanup> {
        self.actor.require_admin()?;
        let blobs = &self.core.blobs;
        let before = SystemTime::now().checked_sub(grace).unwrap_or(SystemTime::UNIX_EPOCH);
        let mut done = Cleanup::default();
        for sha256 in blobs.candidates(before).await.map_err(Error::internal)? {
            done.examined += 1;
            if self.store().blob_referenced(&sha256).await? {
                // A blob set aside by an earlier cleanup goes back; others stay where they are.
                blobs.put_back(&sha256).await.map_err(Error::internal)?;
                continue;
            }
            let Some(aside) = blobs.set_aside(&sha256).await.map_err(Error::internal)? else {
                continue;
            };
            if aside.modified >= before || self.store().blob_referenced(&sha256).await? {
                blobs.put_back(&sha256).await.map_err(Error::internal)?;
                continue;
            }
            // The grace counts again from when nothing referred to it any more (at the latest,
            // when it was set aside): a backup copying the blobs after a database dump taken
            // before the file was deleted still finds it. Set aside, it stays readable.
            if aside.since.checked_add(grace).is_none_or(|due| due > SystemTime::now()) {
                done.set_aside += 1;
                continue;
            }
            blobs.discard(&sha256).await.map_err(Error::internal)?;
            done.removed += 1;
            done.freed_bytes += aside.size;
        }
        Ok(done)
    }
}
