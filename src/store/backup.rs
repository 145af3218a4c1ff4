//! What a backup needs of the database: a transactionally consistent copy of an SQLite
//! database taken while it serves (`VACUUM INTO`), and the blobs a database refers to.

use super::{Dialect, Store, StoreError};

/// What a backup reads of the database.
#[async_trait::async_trait]
pub trait BackupRepo: Send + Sync {
    /// Writes a consistent copy of the (SQLite) database to `path`, which must not exist;
    /// PostgreSQL is backed up with `pg_dump` (docs/operations.md).
    async fn snapshot_into(&self, path: &std::path::Path) -> Result<(), StoreError>;

    /// Every blob digest a file, a version or an employee photo refers to, sorted.
    async fn referenced_blobs(&self) -> Result<Vec<String>, StoreError>;
}

#[async_trait::async_trait]
impl BackupRepo for Store {
    async fn snapshot_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.dialect != Dialect::Sqlite {
            return Err(StoreError::Conflict(
                "a PostgreSQL database is backed up with pg_dump, then the data directory's blobs/ (docs/operations.md)"
                    .into(),
            ));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Conflict("the snapshot path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(self.pool()).await?;
        Ok(())
    }

    async fn referenced_blobs(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT blob_sha256 FROM doc_versions UNION SELECT blob_sha256 FROM doc_nodes WHERE blob_sha256 IS NOT NULL \
             UNION SELECT photo_sha256 FROM employees WHERE photo_sha256 IS NOT NULL ORDER BY 1",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }
}
