//! The backup archive: a tar file holding `manifest.json`, `portico.db` (a consistent SQLite
//! snapshot) and `blobs/sha256/ab/cd/<hex>` (the stored contents the snapshot refers to), and
//! its restore into a new data directory. Taking the snapshot is the store's and the
//! services' part ([`crate::core::system::backup`]); this module writes and reads the file.
//!
//! Restoring checks everything before the data directory is usable: only the three kinds of
//! entry are accepted (no other paths, no links), every blob's SHA-256 must match its name,
//! and the manifest's counts must match what was read; on any error the new directory is
//! removed again. The tar format comes from the `tar` crate.
//!
//! Both report their progress through a [`Progress`] (on stderr, when it is enabled).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The archive's format name, checked on restore.
pub const FORMAT: &str = "portico-backup-1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub version: String,
    pub created_at: i64,
    pub blobs: u64,
    pub blob_bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("not a Portico backup: {0}")]
    NotABackup(String),
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    #[error("{0} is not empty: restore into a new data directory")]
    NotEmpty(PathBuf),
}

/// How often at most a [`Progress`] prints a line.
const PROGRESS_INTERVAL: Duration = Duration::from_secs(1);

/// What a backup or a restore tells about its stored files on stderr when it is enabled: the
/// totals when it starts, then a line at most once a second as bytes are copied, e.g.
/// `backup: 1,234 of 5,678 stored files, 120.0 of 560.3 MiB`, and a summary when it is done.
/// Nothing goes to stdout. Writing to stderr never fails the job (errors are ignored).
#[derive(Debug)]
pub struct Progress {
    verb: &'static str,
    enabled: bool,
    started: Instant,
    last: Instant,
    files: u64,
    bytes: u64,
    total_files: u64,
    total_bytes: u64,
}

impl Progress {
    /// A reporter whose lines start with `verb` (`backup`, `restore`); silent unless `enabled`.
    pub fn new(verb: &'static str, enabled: bool) -> Progress {
        let now = Instant::now();
        Progress {
            verb,
            enabled,
            started: now,
            last: now,
            files: 0,
            bytes: 0,
            total_files: 0,
            total_bytes: 0,
        }
    }

    /// A reporter that prints nothing.
    /// A reporter that writes when `asked` (a `--progress` flag) or when stderr is a terminal.
    pub fn on_stderr(verb: &'static str, asked: bool) -> Progress {
        use std::io::IsTerminal;
        Progress::new(verb, asked || std::io::stderr().is_terminal())
    }

    pub fn silent() -> Progress {
        Progress::new("", false)
    }

    /// Prints `verb: text` (when enabled).
    pub fn note(&self, text: &str) {
        self.print(&format!("{}: {text}", self.verb));
    }

    /// The totals are known: prints the first line.
    fn start(&mut self, files: u64, bytes: u64) {
        (self.total_files, self.total_bytes) = (files, bytes);
        self.last = Instant::now();
        self.print(&self.line());
    }

    fn add_bytes(&mut self, n: u64) {
        self.bytes += n;
        self.tick();
    }

    fn file_done(&mut self) {
        self.files += 1;
        self.tick();
    }

    fn tick(&mut self) {
        if self.enabled && self.last.elapsed() >= PROGRESS_INTERVAL {
            self.last = Instant::now();
            self.print(&self.line());
        }
    }

    /// Prints the summary.
    fn finish(&self) {
        self.print(&format!(
            "{}: done, {} stored files, {} MiB, in {:.1} s",
            self.verb,
            thousands(self.files),
            mib(self.bytes),
            self.started.elapsed().as_secs_f64()
        ));
    }

    fn line(&self) -> String {
        format!(
            "{}: {} of {} stored files, {} of {} MiB",
            self.verb,
            thousands(self.files),
            thousands(self.total_files),
            mib(self.bytes),
            mib(self.total_bytes)
        )
    }

    fn print(&self, text: &str) {
        if self.enabled {
            let _ = writeln!(io::stderr().lock(), "{text}");
        }
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes as MiB with one decimal (and thousands separators).
fn mib(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).saturating_add(512 * 1024) / (1024 * 1024);
    format!("{}.{}", thousands(tenths / 10), tenths % 10)
}

/// A reader that counts what it reads into a [`Progress`].
struct Counted<'a, R> {
    inner: R,
    progress: &'a mut Progress,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add_bytes(n as u64);
        Ok(n)
    }
}

/// Writes the archive at `out` (through a temp file renamed at the end): the manifest, the
/// database file `db` and each blob `(digest, path)`, reporting the blobs to `progress`.
pub fn write_archive(
    out: &Path,
    db: &Path,
    blobs: &[(String, PathBuf)],
    progress: &mut Progress,
) -> Result<Manifest, BackupError> {
    let temp = out.with_extension("partial");
    let result = (|| {
        let file = std::fs::File::create(&temp)?;
        let mut tar = tar::Builder::new(io::BufWriter::new(file));
        tar.mode(tar::HeaderMode::Deterministic);
        let blob_bytes = blobs
            .iter()
            .map(|(_, p)| std::fs::metadata(p).map(|m| m.len()))
            .sum::<io::Result<u64>>()?;
        let manifest = Manifest {
            format: FORMAT.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            created_at: crate::store::now(),
            blobs: blobs.len() as u64,
            blob_bytes,
        };
        let text = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, "manifest.json", text.as_slice())?;
        tar.append_path_with_name(db, "portico.db")?;
        progress.start(manifest.blobs, blob_bytes);
        for (sha, path) in blobs {
            let file = std::fs::File::open(path)?;
            let meta = file.metadata()?;
            let mut header = tar::Header::new_gnu();
            header.set_metadata_in_mode(&meta, tar::HeaderMode::Deterministic);
            let content = Counted {
                inner: file.take(meta.len()),
                progress: &mut *progress,
            };
            tar.append_data(&mut header, blob_entry(sha), content)?;
            progress.file_done();
        }
        let mut inner = tar.into_inner()?;
        inner.flush()?;
        inner.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(manifest)
    })();
    match result {
        Ok(m) => {
            std::fs::rename(&temp, out)?;
            progress.finish();
            Ok(m)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

fn blob_entry(sha: &str) -> String {
    format!("blobs/sha256/{}/{}/{sha}", &sha[..2], &sha[2..4])
}

/// Whether `name` is where a blob's entry goes (so a crafted archive cannot write elsewhere).
fn blob_digest(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("blobs/sha256/")?;
    let mut parts = rest.split('/');
    let (a, b, hex) = (parts.next()?, parts.next()?, parts.next()?);
    let valid = parts.next().is_none()
        && hex.len() == 64
        && hex.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        && a == &hex[..2]
        && b == &hex[2..4];
    valid.then_some(hex)
}

/// Restores `archive` into `data_dir` (created; it must not hold anything yet), reporting the
/// blobs to `progress`.
pub fn restore(archive: &Path, data_dir: &Path, progress: &mut Progress) -> Result<Manifest, BackupError> {
    if data_dir.exists() && std::fs::read_dir(data_dir)?.next().is_some() {
        return Err(BackupError::NotEmpty(data_dir.to_owned()));
    }
    std::fs::create_dir_all(data_dir)?;
    let result = restore_into(archive, data_dir, progress);
    if result.is_ok() {
        progress.finish();
    } else {
        let _ = std::fs::remove_dir_all(data_dir);
    }
    result
}

fn restore_into(archive: &Path, data_dir: &Path, progress: &mut Progress) -> Result<Manifest, BackupError> {
    let mut tar = tar::Archive::new(io::BufReader::new(std::fs::File::open(archive)?));
    let mut manifest: Option<Manifest> = None;
    let (mut database, mut blobs, mut bytes) = (false, 0u64, 0u64);
    for entry in tar.entries().map_err(|e| BackupError::NotABackup(e.to_string()))? {
        let mut entry = entry.map_err(|e| BackupError::Damaged(e.to_string()))?;
        if !entry.header().entry_type().is_file() {
            return Err(BackupError::Damaged("an entry that is not a file".into()));
        }
        let name = entry
            .path()
            .map_err(|e| BackupError::Damaged(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        match name.as_str() {
            "manifest.json" => {
                let mut text = Vec::new();
                entry.by_ref().take(64 * 1024).read_to_end(&mut text)?;
                let m: Manifest = serde_json::from_slice(&text).map_err(|e| BackupError::NotABackup(e.to_string()))?;
                if m.format != FORMAT {
                    return Err(BackupError::NotABackup(format!("format {:?}", m.format)));
                }
                progress.start(m.blobs, m.blob_bytes);
                manifest = Some(m);
            }
            "portico.db" => {
                let mut out = std::fs::File::create(data_dir.join("portico.db"))?;
                io::copy(&mut entry, &mut out)?;
                out.sync_all()?;
                database = true;
            }
            other => {
                let Some(sha) = blob_digest(other).map(str::to_owned) else {
                    return Err(BackupError::Damaged(format!("unexpected entry {other:?}")));
                };
                let dest = data_dir.join(other);
                if let Some(dir) = dest.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let mut out = std::fs::File::create(&dest)?;
                let mut hasher = Sha256::new();
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = entry.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                    out.write_all(&buf[..n])?;
                    bytes += n as u64;
                    progress.add_bytes(n as u64);
                }
                out.sync_all()?;
                if hex::encode(hasher.finalize()) != sha {
                    return Err(BackupError::Damaged(format!("blob {sha} does not match its content")));
                }
                blobs += 1;
                progress.file_done();
            }
        }
    }
    let manifest = manifest.ok_or_else(|| BackupError::NotABackup("no manifest".into()))?;
    if !database {
        return Err(BackupError::Damaged("no database".into()));
    }
    if blobs != manifest.blobs || bytes != manifest.blob_bytes {
        return Err(BackupError::Damaged(format!(
            "{blobs} blobs of {bytes} bytes, the manifest says {} of {}",
            manifest.blobs, manifest.blob_bytes
        )));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(mib(0), "0.0");
        assert_eq!(mib(300_000), "0.3");
        assert_eq!(mib(120 * 1024 * 1024), "120.0");
        assert_eq!(mib(2_000 * 1024 * 1024 + 512 * 1024), "2,000.5");
        let mut p = Progress::new("backup", false);
        p.start(5_678, 560 * 1024 * 1024);
        p.add_bytes(120 * 1024 * 1024);
        for _ in 0..1_234 {
            p.file_done();
        }
        assert_eq!(p.line(), "backup: 1,234 of 5,678 stored files, 120.0 of 560.0 MiB");
    }

    #[test]
    fn only_blob_paths_are_blob_entries() {
        let sha = "ab".repeat(32);
        assert_eq!(blob_digest(&blob_entry(&sha)), Some(sha.as_str()));
        assert_eq!(blob_digest("blobs/sha256/ab/ab/../../../etc"), None);
        assert_eq!(blob_digest(&format!("blobs/sha256/cd/ab/{sha}")), None, "wrong fan-out");
        assert_eq!(blob_digest("portico.db"), None);
    }

    #[test]
    fn a_damaged_or_foreign_archive_restores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        std::fs::write(&db, b"database").unwrap();
        let blob = dir.path().join("blob");
        std::fs::write(&blob, b"content").unwrap();
        let sha = hex::encode(Sha256::digest(b"content"));
        let archive = dir.path().join("backup.tar");
        let m = write_archive(&archive, &db, &[(sha.clone(), blob.clone())], &mut Progress::silent()).unwrap();
        assert_eq!((m.blobs, m.blob_bytes), (1, 7));
        let good = dir.path().join("restored");
        restore(&archive, &good, &mut Progress::silent()).unwrap();
        assert_eq!(std::fs::read(good.join("portico.db")).unwrap(), b"database");
        assert_eq!(std::fs::read(good.join(blob_entry(&sha))).unwrap(), b"content");
        // Into a directory that holds something: refused.
        assert!(matches!(
            restore(&archive, &good, &mut Progress::silent()),
            Err(BackupError::NotEmpty(_))
        ));
        // A blob whose content does not match its name: refused, and nothing is left.
        std::fs::write(&blob, b"tampered").unwrap();
        let bad = dir.path().join("bad.tar");
        write_archive(&bad, &db, &[(sha, blob)], &mut Progress::silent()).unwrap();
        let target = dir.path().join("from-bad");
        assert!(matches!(
            restore(&bad, &target, &mut Progress::silent()),
            Err(BackupError::Damaged(_))
        ));
        assert!(!target.exists());
        // Not a tar at all.
        let junk = dir.path().join("junk");
        std::fs::write(&junk, b"not an archive").unwrap();
        assert!(restore(&junk, &dir.path().join("from-junk"), &mut Progress::silent()).is_err());
    }
}
