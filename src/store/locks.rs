//! WebDAV locks (`doc_locks`), RFC 4918 §6 and §7.
//!
//! A lock covers its path, and with depth infinity every path below it. Expired locks are
//! ignored by every query and swept when a lock is created. Creating a lock checks for
//! conflicts and inserts in one transaction; on PostgreSQL an advisory transaction lock
//! serialises lock creation so two nodes cannot both grant conflicting locks.

use sqlx::FromRow;

use super::documents::subtree_bounds;
use super::{Dialect, Store, StoreError, now};

#[derive(Debug, Clone, FromRow)]
pub struct DocLock {
    pub token: String,
    pub path: String,
    pub depth_infinity: i64,
    pub exclusive: i64,
    pub owner_xml: Option<String>,
    pub principal_id: i64,
    pub timeout_seconds: i64,
    pub expires_at: i64,
}

impl DocLock {
    pub fn is_exclusive(&self) -> bool {
        self.exclusive != 0
    }
    pub fn is_deep(&self) -> bool {
        self.depth_infinity != 0
    }
}

pub struct NewLock<'a> {
    pub token: &'a str,
    pub path: &'a str,
    pub deep: bool,
    pub exclusive: bool,
    pub owner_xml: Option<&'a str>,
    pub principal_id: i64,
    pub timeout_seconds: i64,
}

macro_rules! lock_columns {
    () => {
        "token, path, depth_infinity, exclusive, owner_xml, principal_id, timeout_seconds, expires_at"
    };
}

/// Locks on `path` itself or on an ancestor with depth infinity; `$1` is the path.
const COVERING: &str = concat!(
    "SELECT ",
    lock_columns!(),
    " FROM doc_locks WHERE expires_at > $2 AND (path = $1 OR \
     (depth_infinity = 1 AND substr($1, 1, length(path) + 1) = path || '/'))"
);

/// The live locks covering `path` and those covering its parent folder, read in one query
/// inside a write's transaction.
pub(super) async fn locks_covering_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    path: &str,
    t: i64,
) -> Result<(Vec<DocLock>, Vec<DocLock>), StoreError> {
    let parent = super::documents::parent_of(path);
    let sql = concat!(
        "SELECT ",
        lock_columns!(),
        " FROM doc_locks WHERE expires_at > $3 AND (path = $1 OR path = $2 OR \
         (depth_infinity = 1 AND substr($1, 1, length(path) + 1) = path || '/'))"
    );
    let all: Vec<DocLock> = sqlx::query_as(sql)
        .bind(path)
        .bind(parent)
        .bind(t)
        .fetch_all(&mut **tx)
        .await?;
    let covers = |l: &DocLock, p: &str| l.path == p || (l.is_deep() && p.starts_with(&format!("{}/", l.path)));
    let own = all.iter().filter(|l| covers(l, path)).cloned().collect();
    let of_parent = all.into_iter().filter(|l| covers(l, parent)).collect();
    Ok((own, of_parent))
}

/// WebDAV locks of the library.
#[async_trait::async_trait]
pub trait LockRepo: Send + Sync {
    /// The live locks that cover `path`.
    async fn doc_locks_covering(&self, path: &str) -> Result<Vec<DocLock>, StoreError>;

    /// The live locks on strict descendants of `path`.
    async fn doc_locks_below(&self, path: &str) -> Result<Vec<DocLock>, StoreError>;

    async fn doc_lock(&self, token: &str) -> Result<Option<DocLock>, StoreError>;

    /// Grants a lock unless a conflicting one exists (an exclusive lock conflicts with any
    /// other; a shared one with exclusive ones). Returns the conflicting lock when refused.
    async fn doc_create_lock(&self, new: &NewLock<'_>) -> Result<Result<DocLock, DocLock>, StoreError>;

    /// Extends a live lock to `timeout_seconds` from now.
    async fn doc_refresh_lock(&self, token: &str, timeout_seconds: i64) -> Result<Option<DocLock>, StoreError>;

    async fn doc_delete_lock(&self, token: &str) -> Result<bool, StoreError>;
}

#[async_trait::async_trait]
impl LockRepo for Store {
    async fn doc_locks_covering(&self, path: &str) -> Result<Vec<DocLock>, StoreError> {
        Ok(sqlx::query_as(COVERING)
            .bind(path)
            .bind(now())
            .fetch_all(self.pool())
            .await?)
    }

    async fn doc_locks_below(&self, path: &str) -> Result<Vec<DocLock>, StoreError> {
        let (lo, hi) = subtree_bounds(path);
        let sql = concat!(
            "SELECT ",
            lock_columns!(),
            " FROM doc_locks WHERE expires_at > $1 AND path >= $2 AND path < $3"
        );
        Ok(sqlx::query_as(sql)
            .bind(now())
            .bind(lo)
            .bind(hi)
            .fetch_all(self.pool())
            .await?)
    }

    async fn doc_lock(&self, token: &str) -> Result<Option<DocLock>, StoreError> {
        let sql = concat!(
            "SELECT ",
            lock_columns!(),
            " FROM doc_locks WHERE token = $1 AND expires_at > $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(token)
            .bind(now())
            .fetch_optional(self.pool())
            .await?)
    }

    async fn doc_create_lock(&self, new: &NewLock<'_>) -> Result<Result<DocLock, DocLock>, StoreError> {
        let t = now();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM doc_locks WHERE expires_at <= $1")
            .bind(t)
            .execute(&mut *tx)
            .await?;
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(4242)")
                .execute(&mut *tx)
                .await?;
        }
        let mut existing: Vec<DocLock> = sqlx::query_as(COVERING)
            .bind(new.path)
            .bind(t)
            .fetch_all(&mut *tx)
            .await?;
        if new.deep {
            let (lo, hi) = subtree_bounds(new.path);
            let sql = concat!(
                "SELECT ",
                lock_columns!(),
                " FROM doc_locks WHERE path >= $1 AND path < $2"
            );
            existing.extend(
                sqlx::query_as::<_, DocLock>(sql)
                    .bind(lo)
                    .bind(hi)
                    .fetch_all(&mut *tx)
                    .await?,
            );
        }
        if let Some(conflict) = existing.into_iter().find(|l| new.exclusive || l.is_exclusive()) {
            return Ok(Err(conflict));
        }
        let lock = DocLock {
            token: new.token.to_owned(),
            path: new.path.to_owned(),
            depth_infinity: i64::from(new.deep),
            exclusive: i64::from(new.exclusive),
            owner_xml: new.owner_xml.map(str::to_owned),
            principal_id: new.principal_id,
            timeout_seconds: new.timeout_seconds,
            expires_at: t.saturating_add(new.timeout_seconds),
        };
        sqlx::query(
            "INSERT INTO doc_locks (token, path, depth_infinity, exclusive, owner_xml, principal_id, timeout_seconds, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&lock.token)
        .bind(&lock.path)
        .bind(lock.depth_infinity)
        .bind(lock.exclusive)
        .bind(&lock.owner_xml)
        .bind(lock.principal_id)
        .bind(lock.timeout_seconds)
        .bind(lock.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(lock))
    }

    async fn doc_refresh_lock(&self, token: &str, timeout_seconds: i64) -> Result<Option<DocLock>, StoreError> {
        let t = now();
        let sql = concat!(
            "UPDATE doc_locks SET timeout_seconds = $1, expires_at = $2 WHERE token = $3 AND expires_at > $4 RETURNING ",
            lock_columns!()
        );
        Ok(sqlx::query_as(sql)
            .bind(timeout_seconds)
            .bind(t.saturating_add(timeout_seconds))
            .bind(token)
            .bind(t)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn doc_delete_lock(&self, token: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM doc_locks WHERE token = $1")
            .bind(token)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
