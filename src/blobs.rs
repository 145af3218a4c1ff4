//! Content-addressed blob storage behind the [`BlobStore`] trait (an S3 store comes later).
//!
//! [`FsBlobStore`] keeps each blob at `<root>/sha256/ab/cd/<hex>`. A write streams the body
//! into a temp file under `<root>/tmp` while hashing it, fsyncs it, renames it into place and
//! fsyncs the directories on the way to it, so a reader never sees a partial blob, a failed or
//! oversized upload leaves nothing behind, and a blob `put` returned survives a power loss.
//! Identical contents are stored once: when the blob exists already, its modification time is
//! set to now and the temp file is removed without being synced.
//!
//! Blobs are written before the transaction that refers to them, so a failed or refused write
//! leaves one behind, and deleting a file leaves its blobs. The cleanup
//! ([`crate::core::documents`]' `clean_blobs`) removes those, crash-safely, with the three
//! steps this store offers: [`BlobStore::candidates`] lists blobs untouched for a while,
//! [`BlobStore::set_aside`] renames one into `<root>/trash` (so no new write can reuse it: a
//! write of the same content then stores a fresh copy) and tells its modification time, and
//! [`BlobStore::discard`] or [`BlobStore::put_back`] ends it. Why that is safe against a
//! concurrent write of the same content is said at [`FsBlobStore::reuse`].

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// A blob set aside by [`BlobStore::set_aside`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetAside {
    /// Its last write (or reuse).
    pub modified: SystemTime,
    pub size: u64,
    /// When it was moved aside: by an earlier cleanup, or just now.
    pub since: SystemTime,
}

/// A stored blob: the hex SHA-256 of its content and its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("body exceeds the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("body could not be read: {0}")]
    Body(String),
    #[error("blob {0} not found")]
    NotFound(String),
    #[error("blob store I/O error: {0}")]
    Io(#[from] io::Error),
}

/// A stream of body chunks, as an HTTP body yields them.
pub type ChunkStream<'a> = Pin<Box<dyn Stream<Item = Result<Bytes, BlobError>> + Send + 'a>>;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait BlobStore: Send + Sync {
    /// Stores the stream's bytes, refusing more than `limit` bytes; nothing is kept on error.
    fn put<'a>(&'a self, body: ChunkStream<'a>, limit: u64) -> BoxFuture<'a, Result<BlobRef, BlobError>>;
    /// Opens a blob for reading.
    fn open<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<tokio::fs::File, BlobError>>;
    /// The digests of the blobs last written or reused before `before`, and of those a
    /// cleanup set aside and did not finish with (it stopped, or the process died).
    fn candidates(&self, before: SystemTime) -> BoxFuture<'_, Result<Vec<String>, BlobError>>;
    /// Moves a blob out of reach of new writes; answers its modification time, size and since
    /// when it is set aside, or `None` when it is gone. A blob set aside already stays so (and
    /// keeps its time of being set aside).
    fn set_aside<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<Option<SetAside>, BlobError>>;
    /// Brings a blob set aside back (something refers to it after all); nothing to do for a
    /// blob that is not set aside.
    fn put_back<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<(), BlobError>>;
    /// Deletes a blob set aside.
    fn discard<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<(), BlobError>>;
    /// The file holding a blob, for a store on the local file system (backups read it
    /// directly); `None` when the blob is missing.
    fn local_path(&self, sha256: &str) -> Option<PathBuf>;
}

pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    /// Uses (and creates) `root`; stale temp files from a crash are removed.
    pub fn open_dir(root: &Path) -> io::Result<FsBlobStore> {
        std::fs::create_dir_all(root.join("tmp"))?;
        std::fs::create_dir_all(root.join("sha256"))?;
        std::fs::create_dir_all(root.join("trash"))?;
        for entry in std::fs::read_dir(root.join("tmp"))? {
            let _ = std::fs::remove_file(entry?.path());
        }
        Ok(FsBlobStore { root: root.to_owned() })
    }

    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| {
            self.root
                .join("sha256")
                .join(&sha256[..2])
                .join(&sha256[2..4])
                .join(sha256)
        })
    }

    fn trash_of(&self, sha256: &str) -> Option<PathBuf> {
        self.path_of(sha256).map(|_| self.root.join("trash").join(sha256))
    }

    /// Streams the body into `temp`, hashing it; the file is returned open and not yet synced.
    async fn write_temp(
        &self,
        mut body: ChunkStream<'_>,
        limit: u64,
        temp: &Path,
    ) -> Result<(BlobRef, tokio::fs::File), BlobError> {
        let mut file = tokio::fs::File::create(temp).await?;
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(BlobError::TooLarge { limit });
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        let blob = BlobRef {
            sha256: hex::encode(hasher.finalize()),
            size,
        };
        Ok((blob, file))
    }

    /// Moves the complete temp file to `dest` durably: its content is synced before the
    /// rename, the directory entries on the way to the blob after it. Those are synced even
    /// when the blob or its directory existed already, since they may be another upload's
    /// that is not synced yet (a directory without changes syncs in microseconds).
    async fn place(file: tokio::fs::File, temp: &Path, dest: &Path) -> io::Result<()> {
        let leaf = dest
            .parent()
            .ok_or_else(|| io::Error::other("blob path without a directory"))?;
        if Self::reuse(dest).await? {
            drop(file);
            tokio::fs::remove_file(temp).await?;
        } else {
            tokio::fs::create_dir_all(leaf).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(temp, dest).await?;
        }
        // sha256/ab/cd (the blob), sha256/ab (cd/), sha256 (ab/)
        for dir in leaf.ancestors().take(3) {
            tokio::fs::File::open(dir).await?.sync_all().await?;
        }
        Ok(())
    }

    /// Whether the blob at `dest` (same content) can stand for a new write: it exists, and its
    /// modification time is now set to now, so a cleanup leaves it alone until the write has
    /// committed. The time is set through an open handle and the path checked afterwards to
    /// still name that file: a cleanup that set the blob aside before that check makes this
    /// answer `false` (and the write places its own copy); one that sets it aside after the
    /// check finds the new time and puts it back.
    async fn reuse(dest: &Path) -> io::Result<bool> {
        use std::os::unix::fs::MetadataExt;
        let dest = dest.to_owned();
        let touched = tokio::task::spawn_blocking(move || -> io::Result<bool> {
            let file = match std::fs::OpenOptions::new().write(true).open(&dest) {
                Ok(file) => file,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(e),
            };
            file.set_modified(SystemTime::now())?;
            let held = file.metadata()?;
            Ok(match std::fs::metadata(&dest) {
                Ok(now) => now.ino() == held.ino() && now.dev() == held.dev(),
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            })
        });
        touched.await.map_err(io::Error::other)?
    }
}

/// The digests of the blob files below `dir` (a fan-out tree, or `trash`) whose modification
/// time is before `before` (any time, with `None`).
fn blob_files(dir: &Path, depth: usize, before: Option<SystemTime>, out: &mut Vec<String>) -> io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if depth > 0 {
            blob_files(&entry.path(), depth - 1, before, out)?;
            continue;
        }
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let old = match before {
            None => true,
            Some(before) => match entry.metadata() {
                Ok(meta) => meta.modified()? < before,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(e),
            },
        };
        if old {
            out.push(name);
        }
    }
    Ok(())
}

impl BlobStore for FsBlobStore {
    fn put<'a>(&'a self, body: ChunkStream<'a>, limit: u64) -> BoxFuture<'a, Result<BlobRef, BlobError>> {
        Box::pin(async move {
            let temp = self.root.join("tmp").join(uuid::Uuid::new_v4().simple().to_string());
            let written = self.write_temp(body, limit, &temp).await;
            let (blob, file) = match written {
                Ok(written) => written,
                Err(e) => {
                    let _ = tokio::fs::remove_file(&temp).await;
                    return Err(e);
                }
            };
            let Some(dest) = self.path_of(&blob.sha256) else {
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(BlobError::Io(io::Error::other("invalid digest")));
            };
            match Self::place(file, &temp, &dest).await {
                Ok(()) => Ok(blob),
                Err(e) => {
                    let _ = tokio::fs::remove_file(&temp).await;
                    Err(e.into())
                }
            }
        })
    }

    fn open<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<tokio::fs::File, BlobError>> {
        Box::pin(async move {
            let path = self
                .path_of(sha256)
                .ok_or_else(|| BlobError::NotFound(sha256.to_owned()))?;
            match tokio::fs::File::open(&path).await {
                Ok(f) => Ok(f),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    // A cleanup may hold it aside for a moment before putting it back.
                    let aside = self.root.join("trash").join(sha256);
                    tokio::fs::File::open(&aside).await.map_err(|e| match e.kind() {
                        io::ErrorKind::NotFound => BlobError::NotFound(sha256.to_owned()),
                        _ => e.into(),
                    })
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    fn candidates(&self, before: SystemTime) -> BoxFuture<'_, Result<Vec<String>, BlobError>> {
        Box::pin(async move {
            let root = self.root.clone();
            let listed = tokio::task::spawn_blocking(move || -> io::Result<Vec<String>> {
                let mut out = Vec::new();
                blob_files(&root.join("trash"), 0, None, &mut out)?;
                blob_files(&root.join("sha256"), 2, Some(before), &mut out)?;
                out.sort();
                out.dedup();
                Ok(out)
            });
            let mut names = listed.await.map_err(io::Error::other)??;
            names.retain(|n| self.path_of(n).is_some());
            Ok(names)
        })
    }

    fn set_aside<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<Option<SetAside>, BlobError>> {
        Box::pin(async move {
            let (Some(path), Some(aside)) = (self.path_of(sha256), self.trash_of(sha256)) else {
                return Ok(None);
            };
            match tokio::fs::rename(&path, &aside).await {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
            match tokio::fs::metadata(&aside).await {
                // A rename sets the inode's change time (ctime), not its modification time:
                // the change time says since when it is set aside.
                Ok(meta) => Ok(Some(SetAside {
                    modified: meta.modified()?,
                    size: meta.len(),
                    since: changed_at(&meta),
                })),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn put_back<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let (Some(path), Some(aside)) = (self.path_of(sha256), self.trash_of(sha256)) else {
                return Ok(());
            };
            if !tokio::fs::try_exists(&aside).await? {
                return Ok(());
            }
            if let Some(leaf) = path.parent() {
                tokio::fs::create_dir_all(leaf).await?;
            }
            // A write of the same content may have placed a copy meanwhile: either is the blob.
            tokio::fs::rename(&aside, &path).await?;
            Ok(())
        })
    }

    fn local_path(&self, sha256: &str) -> Option<PathBuf> {
        [self.path_of(sha256), self.trash_of(sha256)]
            .into_iter()
            .flatten()
            .find(|p| p.is_file())
    }

    fn discard<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let Some(aside) = self.trash_of(sha256) else {
                return Ok(());
            };
            match tokio::fs::remove_file(&aside).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
    }
}

/// The inode's change time (the last rename, for a blob set aside).
fn changed_at(meta: &std::fs::Metadata) -> SystemTime {
    use std::os::unix::fs::MetadataExt;
    let secs = u64::try_from(meta.ctime()).unwrap_or(0);
    let nanos = u32::try_from(meta.ctime_nsec()).unwrap_or(0);
    SystemTime::UNIX_EPOCH + std::time::Duration::new(secs, nanos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn chunks(parts: Vec<Result<Bytes, BlobError>>) -> ChunkStream<'static> {
        Box::pin(futures_util::stream::iter(parts))
    }

    fn temp_files(dir: &Path) -> usize {
        std::fs::read_dir(dir.join("tmp")).unwrap().count()
    }

    #[tokio::test]
    async fn stores_and_reads_back_by_digest() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open_dir(dir.path()).unwrap();
        let blob = store
            .put(
                chunks(vec![
                    Ok(Bytes::from_static(b"hello ")),
                    Ok(Bytes::from_static(b"world")),
                ]),
                100,
            )
            .await
            .unwrap();
        assert_eq!(blob.size, 11);
        assert_eq!(blob.sha256, hex::encode(Sha256::digest(b"hello world")));
        let mut text = String::new();
        store
            .open(&blob.sha256)
            .await
            .unwrap()
            .read_to_string(&mut text)
            .await
            .unwrap();
        assert_eq!(text, "hello world");
        assert_eq!(temp_files(dir.path()), 0);
    }

    #[tokio::test]
    async fn identical_content_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open_dir(dir.path()).unwrap();
        let first = store
            .put(chunks(vec![Ok(Bytes::from_static(b"same"))]), 100)
            .await
            .unwrap();
        let again = store
            .put(chunks(vec![Ok(Bytes::from_static(b"same"))]), 100)
            .await
            .unwrap();
        assert_eq!(first, again);
        assert_eq!(temp_files(dir.path()), 0);
        let leaf = store.path_of(&first.sha256).unwrap();
        assert_eq!(std::fs::read_dir(leaf.parent().unwrap()).unwrap().count(), 1);
    }

    #[tokio::test]
    async fn oversized_body_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open_dir(dir.path()).unwrap();
        let err = store
            .put(
                chunks(vec![Ok(Bytes::from(vec![0u8; 50])), Ok(Bytes::from(vec![0u8; 51]))]),
                100,
            )
            .await;
        assert!(matches!(err, Err(BlobError::TooLarge { limit: 100 })));
        assert_eq!(temp_files(dir.path()), 0);
        let digest = hex::encode(Sha256::digest(vec![0u8; 101]));
        assert!(matches!(store.open(&digest).await, Err(BlobError::NotFound(_))));
    }

    #[tokio::test]
    async fn broken_body_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open_dir(dir.path()).unwrap();
        let err = store
            .put(
                chunks(vec![
                    Ok(Bytes::from_static(b"part")),
                    Err(BlobError::Body("truncated".into())),
                ]),
                100,
            )
            .await;
        assert!(matches!(err, Err(BlobError::Body(_))));
        assert_eq!(temp_files(dir.path()), 0);
    }

    #[tokio::test]
    async fn rejects_non_digest_names() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open_dir(dir.path()).unwrap();
        assert!(matches!(
            store.open("../../etc/passwd").await,
            Err(BlobError::NotFound(_))
        ));
    }

    async fn put_text(store: &FsBlobStore, text: &'static str) -> BlobRef {
        store
            .put(chunks(vec![Ok(Bytes::from_static(text.as_bytes()))]), 100)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn writing_content_that_is_set_aside_stores_a_fresh_copy() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open_dir(dir.path()).unwrap();
        let blob = put_text(&store, "same").await;
        assert!(store.set_aside(&blob.sha256).await.unwrap().is_some());
        assert_eq!(put_text(&store, "same").await, blob);
        assert!(store.path_of(&blob.sha256).unwrap().exists(), "a copy of its own");
        store.discard(&blob.sha256).await.unwrap();
        assert!(store.open(&blob.sha256).await.is_ok());
        assert_eq!(std::fs::read_dir(dir.path().join("trash")).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn reusing_a_blob_renews_its_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open_dir(dir.path()).unwrap();
        let blob = put_text(&store, "old").await;
        let long_ago = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(store.path_of(&blob.sha256).unwrap())
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        assert_eq!(store.candidates(an_hour_ago).await.unwrap(), vec![blob.sha256.clone()]);
        assert_eq!(put_text(&store, "old").await, blob);
        assert!(store.candidates(an_hour_ago).await.unwrap().is_empty());
        let SetAside { modified, size, .. } = store.set_aside(&blob.sha256).await.unwrap().unwrap();
        assert!(modified > an_hour_ago);
        assert_eq!(size, 3);
        store.put_back(&blob.sha256).await.unwrap();
        store.put_back(&blob.sha256).await.unwrap();
        assert!(store.open(&blob.sha256).await.is_ok());
    }
}
