//! The document library tree (`doc_nodes`), its versions and dead properties.
//!
//! Nodes are keyed by their decoded path below `/docs/` ("shared/Reports/q1.xlsx"); a
//! subtree is the node plus every path in the half-open range `[path + "/", path + "0")`
//! ('0' is the character after '/'), which both SQLite's binary collation and PostgreSQL's
//! `COLLATE "C"` order byte-wise, so subtree queries use the path index. Every write is one
//! transaction whose first statement writes, so SQLite takes its write lock up front.

use sqlx::FromRow;

use super::dead_props::{self, PropTable};
use super::locks::{DocLock, locks_covering_in};
use super::{Store, StoreError, now};
use crate::blobs::BlobRef;

/// A file or folder of the library. Its fields are in the order of `node_columns!`, which is
/// also how a listing reads them from one JSON array per node ([`Store::doc_children`]).
#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub struct DocNode {
    pub id: i64,
    pub path: String,
    pub parent: String,
    pub name: String,
    pub is_collection: i64,
    pub blob_sha256: Option<String>,
    pub size: i64,
    pub content_type: Option<String>,
    pub etag: String,
    pub version: i64,
    pub created_at: i64,
    pub modified_at: i64,
    /// The sizes of every version the file keeps, summed (what counts toward quota).
    pub stored_bytes: i64,
}

impl DocNode {
    pub fn is_collection(&self) -> bool {
        self.is_collection != 0
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct DocVersion {
    pub version: i64,
    pub blob_sha256: String,
    pub size: i64,
    pub content_type: Option<String>,
    pub author: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct DeadProp {
    pub ns: String,
    pub name: String,
    pub value_xml: String,
    pub lang: Option<String>,
}

/// What a PUT requires of the current state (from `If-Match` / `If-None-Match: *`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutCondition {
    Any,
    MatchEtag(String),
    MustNotExist,
}

#[derive(Debug, PartialEq, Eq)]
pub enum PutOutcome {
    Created {
        etag: String,
    },
    Replaced {
        etag: String,
        version: i64,
    },
    PreconditionFailed,
    ParentMissing,
    IsCollection,
    /// The lock check refused the locks in force at the time of the write.
    Locked,
}

/// New content for a file: its blob, type and author, and how many versions to keep (the
/// oldest beyond that are dropped in the same transaction).
pub struct NewContent<'a> {
    pub blob: &'a BlobRef,
    pub content_type: &'a str,
    pub author_id: i64,
    pub keep_versions: i64,
}

/// Decides, inside a write's transaction, whether the locks in force let it through: it
/// gets the live locks covering the path and, for a new file, those covering its parent.
/// The rule is the caller's; the store only reads the locks where the write happens.
pub type LockCheck<'a> = &'a (dyn Fn(&[DocLock], Option<&[DocLock]>) -> bool + Sync);

#[derive(Debug, PartialEq, Eq)]
pub enum MkcolOutcome {
    Created,
    Exists,
    ParentMissing,
}

/// One PROPPATCH instruction, already validated by the handler.
pub enum PropChange<'a> {
    Set {
        ns: &'a str,
        name: &'a str,
        value_xml: &'a str,
        lang: Option<&'a str>,
    },
    Remove {
        ns: &'a str,
        name: &'a str,
    },
}

impl<'a> From<&'a dav::PropPatchOp> for PropChange<'a> {
    fn from(op: &'a dav::PropPatchOp) -> Self {
        match op {
            dav::PropPatchOp::Set { name, value } => PropChange::Set {
                ns: &name.ns,
                name: &name.local,
                value_xml: value.xml(),
                lang: value.lang(),
            },
            dav::PropPatchOp::Remove { name } => PropChange::Remove {
                ns: &name.ns,
                name: &name.local,
            },
        }
    }
}

macro_rules! node_columns {
    () => {
        "id, path, parent, name, is_collection, blob_sha256, size, content_type, etag, version, created_at, modified_at, stored_bytes"
    };
}

/// The bounds of the strict descendants of `path`: `[path/, path0)`.
pub fn subtree_bounds(path: &str) -> (String, String) {
    (format!("{path}/"), format!("{path}0"))
}

/// The folder part of a path ("" for a top-level name).
pub fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

fn name_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(_, n)| n).unwrap_or(path)
}

fn collection_etag() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A strong entity tag for file content: the digest identifies the bytes exactly.
pub fn content_etag(sha256: &str) -> String {
    sha256.get(..40).unwrap_or(sha256).to_owned()
}

impl Store {
    async fn doc_children_at_once(&self, parent: &str) -> Result<Vec<DocNode>, StoreError> {
        let sql = concat!(
            "SELECT json_group_array(json_array(",
            node_columns!(),
            ")) FROM doc_nodes WHERE parent = $1"
        );
        let (json,): (String,) = sqlx::query_as(sql).bind(parent).fetch_one(self.pool()).await?;
        // Each node an array in the order of the struct's fields.
        let mut nodes: Vec<DocNode> =
            serde_json::from_str(&json).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
        // ORDER BY name compares bytes (SQLite's BINARY collation), as `str` does.
        nodes.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        Ok(nodes)
    }
}

/// The document library: nodes, versions, dead properties and usage.
#[async_trait::async_trait]
pub trait DocumentRepo: Send + Sync {
    async fn doc_node(&self, path: &str) -> Result<Option<DocNode>, StoreError>;

    /// A folder's children by name. On SQLite they come as one JSON array in one row: sqlx
    /// hands each row from its SQLite worker thread to the caller with a wake-up, which made
    /// a quarter of a 10,000-file PROPFIND thread switches.
    async fn doc_children(&self, parent: &str) -> Result<Vec<DocNode>, StoreError>;

    /// The node and all its descendants, parents before children.
    async fn doc_subtree(&self, path: &str) -> Result<Vec<DocNode>, StoreError>;

    /// Creates a library root folder (a user's drive, a department's) if it is missing.
    async fn doc_ensure_root(&self, path: &str) -> Result<(), StoreError>;

    /// MKCOL: creates a folder whose parent folder exists.
    async fn doc_mkcol(&self, path: &str) -> Result<MkcolOutcome, StoreError>;

    /// PUT: stores `blob` as the new content of the file at `path`, keeping every version,
    /// if `condition` holds and `locks_allow` accepts the locks in force.
    async fn doc_put(
        &self,
        path: &str,
        content: &NewContent<'_>,
        condition: &PutCondition,
        locks_allow: LockCheck<'_>,
    ) -> Result<PutOutcome, StoreError>;

    /// Deletes a node and everything below it, with their locks and grants (a grant belongs to
    /// its folder: a new folder of the same name starts without it); returns the number of
    /// nodes.
    async fn doc_delete_tree(&self, path: &str) -> Result<u64, StoreError>;

    /// MOVE: renames a subtree in place (its versions, properties and grants follow); locks on
    /// the source are dropped (RFC 4918 §9.9.4: locks are not moved).
    async fn doc_move_tree(&self, from: &str, to: &str) -> Result<(), StoreError>;

    /// COPY: duplicates a node (and with `deep`, its subtree) under a new path, with dead
    /// properties; the copies start a fresh version history at version 1.
    async fn doc_copy_tree(&self, from: &str, to: &str, deep: bool, author_id: i64) -> Result<(), StoreError>;

    /// COPY or MOVE of `from` to `to`, replacing what is at `to` first when `replace`, all in
    /// one transaction: a crash leaves either the state before or the state after.
    async fn doc_transfer_tree(&self, from: &str, to: &str, how: Transfer, replace: bool) -> Result<(), StoreError>;

    async fn doc_versions(&self, node_id: i64) -> Result<Vec<DocVersion>, StoreError>;

    async fn doc_props(&self, node_id: i64) -> Result<Vec<DeadProp>, StoreError>;

    /// The dead properties of every child of `parent`, with the child's node id.
    async fn doc_props_of_children(&self, parent: &str) -> Result<Vec<(i64, DeadProp)>, StoreError>;

    /// Applies all PROPPATCH changes, and optionally a new modification time, atomically.
    async fn doc_proppatch(
        &self,
        node_id: i64,
        changes: &[PropChange<'_>],
        modified_at: Option<i64>,
    ) -> Result<(), StoreError>;

    /// Whether a file, a version or an employee photo refers to the blob `sha256` (the blob
    /// cleanup removes only blobs nothing refers to).
    async fn blob_referenced(&self, sha256: &str) -> Result<bool, StoreError>;

    /// Bytes stored in all libraries, every kept version counted.
    async fn doc_usage_total(&self) -> Result<i64, StoreError>;

    /// Bytes stored below the library root `root` ("users/alice", "departments/sales",
    /// "shared"), every kept version counted, for quota: one row of `doc_usage`, which
    /// triggers on `doc_nodes` keep equal to the sum of `stored_bytes` below the root
    /// (migrations 0009 and 0012).
    async fn doc_used_bytes(&self, root: &str) -> Result<i64, StoreError>;
}

#[async_trait::async_trait]
impl DocumentRepo for Store {
    async fn doc_node(&self, path: &str) -> Result<Option<DocNode>, StoreError> {
        let sql = concat!("SELECT ", node_columns!(), " FROM doc_nodes WHERE path = $1");
        Ok(sqlx::query_as(sql).bind(path).fetch_optional(self.pool()).await?)
    }

    async fn doc_children(&self, parent: &str) -> Result<Vec<DocNode>, StoreError> {
        if self.dialect == super::Dialect::Sqlite {
            return self.doc_children_at_once(parent).await;
        }
        let sql = concat!(
            "SELECT ",
            node_columns!(),
            " FROM doc_nodes WHERE parent = $1 ORDER BY name"
        );
        Ok(sqlx::query_as(sql).bind(parent).fetch_all(self.pool()).await?)
    }

    async fn doc_subtree(&self, path: &str) -> Result<Vec<DocNode>, StoreError> {
        let (lo, hi) = subtree_bounds(path);
        let sql = concat!(
            "SELECT ",
            node_columns!(),
            " FROM doc_nodes WHERE path = $1 OR (path >= $2 AND path < $3) ORDER BY path"
        );
        Ok(sqlx::query_as(sql)
            .bind(path)
            .bind(lo)
            .bind(hi)
            .fetch_all(self.pool())
            .await?)
    }

    async fn doc_ensure_root(&self, path: &str) -> Result<(), StoreError> {
        let t = now();
        sqlx::query(
            "INSERT INTO doc_nodes (path, parent, name, is_collection, etag, created_at, modified_at) \
             VALUES ($1, $2, $3, 1, $4, $5, $5) ON CONFLICT (path) DO NOTHING",
        )
        .bind(path)
        .bind(parent_of(path))
        .bind(name_of(path))
        .bind(collection_etag())
        .bind(t)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn doc_mkcol(&self, path: &str) -> Result<MkcolOutcome, StoreError> {
        let t = now();
        let inserted = sqlx::query(
            "INSERT INTO doc_nodes (path, parent, name, is_collection, etag, created_at, modified_at) \
             SELECT $1, $2, $3, 1, $4, $5, $5 WHERE EXISTS \
             (SELECT 1 FROM doc_nodes WHERE path = $2 AND is_collection = 1) ON CONFLICT (path) DO NOTHING",
        )
        .bind(path)
        .bind(parent_of(path))
        .bind(name_of(path))
        .bind(collection_etag())
        .bind(t)
        .execute(self.pool())
        .await?;
        if inserted.rows_affected() > 0 {
            return Ok(MkcolOutcome::Created);
        }
        Ok(if self.doc_node(path).await?.is_some() {
            MkcolOutcome::Exists
        } else {
            MkcolOutcome::ParentMissing
        })
    }

    async fn doc_put(
        &self,
        path: &str,
        content: &NewContent<'_>,
        condition: &PutCondition,
        locks_allow: LockCheck<'_>,
    ) -> Result<PutOutcome, StoreError> {
        let NewContent {
            blob,
            content_type,
            author_id,
            keep_versions,
        } = *content;
        let t = now();
        let etag = content_etag(&blob.sha256);
        let size = i64::try_from(blob.size).unwrap_or(i64::MAX);
        let mut tx = self.begin_write().await?;
        // The writes below go through at once when no lock covers the file or its folder
        // (`$… = 1` adds that condition). When one does, the locks are read in this transaction
        // and `locks_allow` decides; a write it allows runs again without the condition.
        let mut fast = true;
        if *condition != PutCondition::MustNotExist {
            let expected = match condition {
                PutCondition::MatchEtag(e) => Some(e.as_str()),
                _ => None,
            };
            loop {
                let updated: Option<(i64, i64)> = sqlx::query_as(concat!(
                    "UPDATE doc_nodes SET blob_sha256 = $1, size = $2, content_type = $3, etag = $4, \
                     version = version + 1, modified_at = $5, stored_bytes = stored_bytes + $2 \
                     WHERE path = $6 AND is_collection = 0 AND ($7 IS NULL OR etag = $7) \
                     AND ($8 = 0 OR NOT EXISTS (SELECT 1 FROM doc_locks l WHERE l.expires_at > $5 AND ",
                    "(l.path = $6 OR (l.depth_infinity = 1 AND substr($6, 1, length(l.path) + 1) = l.path || '/')))) \
                     RETURNING id, version"
                ))
                .bind(&blob.sha256)
                .bind(size)
                .bind(content_type)
                .bind(&etag)
                .bind(t)
                .bind(path)
                .bind(expected)
                .bind(i64::from(fast))
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((id, version)) = updated {
                    insert_version(&mut tx, id, version, blob, size, content_type, author_id, t).await?;
                    prune_versions(&mut tx, id, version - keep_versions.max(1)).await?;
                    tx.commit().await?;
                    return Ok(PutOutcome::Replaced { etag, version });
                }
                let current: Option<(i64, String)> =
                    sqlx::query_as("SELECT is_collection, etag FROM doc_nodes WHERE path = $1")
                        .bind(path)
                        .fetch_optional(&mut *tx)
                        .await?;
                let blocked_by_locks = fast && matches!(&current, Some((0, e)) if expected.is_none_or(|x| x == e));
                if !blocked_by_locks {
                    break;
                }
                let (own, _) = locks_covering_in(&mut tx, path, t).await?;
                if !locks_allow(&own, None) {
                    return Ok(PutOutcome::Locked);
                }
                fast = false;
            }
        }
        let existing: Option<(i64, String)> =
            sqlx::query_as("SELECT is_collection, etag FROM doc_nodes WHERE path = $1")
                .bind(path)
                .fetch_optional(&mut *tx)
                .await?;
        match (existing, condition) {
            (Some((1, _)), _) => return Ok(PutOutcome::IsCollection),
            (Some(_), _) | (None, PutCondition::MatchEtag(_)) => return Ok(PutOutcome::PreconditionFailed),
            (None, _) => {}
        }
        loop {
            let inserted: Option<(i64,)> = sqlx::query_as(concat!(
                "INSERT INTO doc_nodes (path, parent, name, is_collection, blob_sha256, size, content_type, etag, \
                 version, created_at, modified_at, stored_bytes) \
                 SELECT $1, $2, $3, 0, $4, $5, $6, $7, 1, $8, $8, $5 WHERE EXISTS \
                 (SELECT 1 FROM doc_nodes WHERE path = $2 AND is_collection = 1) \
                 AND ($9 = 0 OR NOT EXISTS (SELECT 1 FROM doc_locks l WHERE l.expires_at > $8 AND ",
                "(l.path = $1 OR l.path = $2 OR (l.depth_infinity = 1 AND substr($1, 1, length(l.path) + 1) = l.path || '/')))) \
                 ON CONFLICT (path) DO NOTHING RETURNING id"
            ))
            .bind(path)
            .bind(parent_of(path))
            .bind(name_of(path))
            .bind(&blob.sha256)
            .bind(size)
            .bind(content_type)
            .bind(&etag)
            .bind(t)
            .bind(i64::from(fast))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id,)) = inserted {
                insert_version(&mut tx, id, 1, blob, size, content_type, author_id, t).await?;
                tx.commit().await?;
                return Ok(PutOutcome::Created { etag });
            }
            let parent_exists: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM doc_nodes WHERE path = $1 AND is_collection = 1")
                    .bind(parent_of(path))
                    .fetch_optional(&mut *tx)
                    .await?;
            if parent_exists.is_none() || !fast {
                return Ok(PutOutcome::ParentMissing);
            }
            let (own, parent) = locks_covering_in(&mut tx, path, t).await?;
            if !locks_allow(&own, Some(&parent)) {
                return Ok(PutOutcome::Locked);
            }
            fast = false;
        }
    }

    async fn doc_delete_tree(&self, path: &str) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = delete_tree_in(&mut tx, path).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn doc_move_tree(&self, from: &str, to: &str) -> Result<(), StoreError> {
        self.doc_transfer_tree(from, to, Transfer::Move, false).await
    }

    async fn doc_copy_tree(&self, from: &str, to: &str, deep: bool, author_id: i64) -> Result<(), StoreError> {
        self.doc_transfer_tree(from, to, Transfer::Copy { deep, author_id }, false)
            .await
    }

    async fn doc_transfer_tree(&self, from: &str, to: &str, how: Transfer, replace: bool) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        if replace {
            delete_tree_in(&mut tx, to).await?;
        }
        match how {
            Transfer::Move => move_tree_in(&mut tx, from, to).await?,
            Transfer::Copy { deep, author_id } => copy_tree_in(&mut tx, from, to, deep, author_id).await?,
        }
        tx.commit().await?;
        Ok(())
    }

    async fn doc_versions(&self, node_id: i64) -> Result<Vec<DocVersion>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT v.version, v.blob_sha256, v.size, v.content_type, p.login AS author, v.created_at \
             FROM doc_versions v LEFT JOIN principals p ON p.id = v.author_id \
             WHERE v.node_id = $1 ORDER BY v.version",
        )
        .bind(node_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn doc_props(&self, node_id: i64) -> Result<Vec<DeadProp>, StoreError> {
        Ok(
            sqlx::query_as("SELECT ns, name, value_xml, lang FROM doc_props WHERE node_id = $1 ORDER BY ns, name")
                .bind(node_id)
                .fetch_all(self.pool())
                .await?,
        )
    }

    async fn doc_props_of_children(&self, parent: &str) -> Result<Vec<(i64, DeadProp)>, StoreError> {
        let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT p.node_id, p.ns, p.name, p.value_xml, p.lang FROM doc_props p \
             JOIN doc_nodes n ON n.id = p.node_id WHERE n.parent = $1 ORDER BY p.node_id, p.ns, p.name",
        )
        .bind(parent)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, ns, name, value_xml, lang)| {
                (
                    id,
                    DeadProp {
                        ns,
                        name,
                        value_xml,
                        lang,
                    },
                )
            })
            .collect())
    }

    async fn doc_proppatch(
        &self,
        node_id: i64,
        changes: &[PropChange<'_>],
        modified_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE doc_nodes SET modified_at = COALESCE($1, modified_at) WHERE id = $2")
            .bind(modified_at)
            .bind(node_id)
            .execute(&mut *tx)
            .await?;
        dead_props::apply(&mut tx, PropTable::Documents, node_id, changes).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn blob_referenced(&self, sha256: &str) -> Result<bool, StoreError> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM doc_versions WHERE blob_sha256 = $1 \
             UNION ALL SELECT 1 FROM doc_nodes WHERE blob_sha256 = $1 \
             UNION ALL SELECT 1 FROM employees WHERE photo_sha256 = $1 LIMIT 1",
        )
        .bind(sha256)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    async fn doc_usage_total(&self) -> Result<i64, StoreError> {
        let (total,): (Option<i64>,) = sqlx::query_as("SELECT CAST(SUM(used_bytes) AS BIGINT) FROM doc_usage")
            .fetch_one(self.pool())
            .await?;
        Ok(total.unwrap_or(0))
    }

    async fn doc_used_bytes(&self, root: &str) -> Result<i64, StoreError> {
        let used: Option<(i64,)> = sqlx::query_as("SELECT used_bytes FROM doc_usage WHERE root = $1")
            .bind(root)
            .fetch_optional(self.pool())
            .await?;
        Ok(used.map_or(0, |(u,)| u))
    }
}

/// What [`Store::doc_transfer_tree`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    Move,
    Copy { deep: bool, author_id: i64 },
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

async fn delete_tree_in(tx: &mut Tx<'_>, path: &str) -> Result<u64, StoreError> {
    let (lo, hi) = subtree_bounds(path);
    let done = sqlx::query("DELETE FROM doc_nodes WHERE path = $1 OR (path >= $2 AND path < $3)")
        .bind(path)
        .bind(&lo)
        .bind(&hi)
        .execute(&mut **tx)
        .await?;
    for table in ["doc_locks", "doc_grants"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE path = $1 OR (path >= $2 AND path < $3)"
        )))
        .bind(path)
        .bind(&lo)
        .bind(&hi)
        .execute(&mut **tx)
        .await?;
    }
    Ok(done.rows_affected())
}

async fn move_tree_in(tx: &mut Tx<'_>, from: &str, to: &str) -> Result<(), StoreError> {
    let (lo, hi) = subtree_bounds(from);
    let cut = i64::try_from(from.chars().count()).unwrap_or(i64::MAX) + 1;
    sqlx::query("UPDATE doc_nodes SET path = $1, parent = $2, name = $3 WHERE path = $4")
        .bind(to)
        .bind(parent_of(to))
        .bind(name_of(to))
        .bind(from)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE doc_nodes SET path = $1 || substr(path, CAST($2 AS INTEGER)), \
         parent = $1 || substr(parent, CAST($2 AS INTEGER)) \
         WHERE path >= $3 AND path < $4",
    )
    .bind(to)
    .bind(cut)
    .bind(&lo)
    .bind(&hi)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM doc_locks WHERE path = $1 OR (path >= $2 AND path < $3)")
        .bind(from)
        .bind(&lo)
        .bind(&hi)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE doc_grants SET path = $1 WHERE path = $2")
        .bind(to)
        .bind(from)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE doc_grants SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4")
        .bind(to)
        .bind(cut)
        .bind(&lo)
        .bind(&hi)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn copy_tree_in(tx: &mut Tx<'_>, from: &str, to: &str, deep: bool, author_id: i64) -> Result<(), StoreError> {
    let (lo, hi) = subtree_bounds(from);
    let sql = concat!(
        "SELECT ",
        node_columns!(),
        " FROM doc_nodes WHERE path = $1 OR ($4 = 1 AND path >= $2 AND path < $3) ORDER BY path"
    );
    let nodes: Vec<DocNode> = sqlx::query_as(sql)
        .bind(from)
        .bind(&lo)
        .bind(&hi)
        .bind(i64::from(deep))
        .fetch_all(&mut **tx)
        .await?;
    let t = now();
    for node in nodes {
        let new_path = format!("{to}{}", &node.path[from.len()..]);
        let etag = if node.is_collection() {
            collection_etag()
        } else {
            node.etag.clone()
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO doc_nodes (path, parent, name, is_collection, blob_sha256, size, content_type, etag, \
             version, created_at, modified_at, stored_bytes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $6) RETURNING id",
        )
        .bind(&new_path)
        .bind(parent_of(&new_path))
        .bind(name_of(&new_path))
        .bind(node.is_collection)
        .bind(&node.blob_sha256)
        .bind(node.size)
        .bind(&node.content_type)
        .bind(etag)
        .bind(i64::from(!node.is_collection()))
        .bind(t)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO doc_props (node_id, ns, name, value_xml, lang) \
             SELECT $1, ns, name, value_xml, lang FROM doc_props WHERE node_id = $2",
        )
        .bind(id)
        .bind(node.id)
        .execute(&mut **tx)
        .await?;
        if let Some(sha) = &node.blob_sha256 {
            let blob = BlobRef {
                sha256: sha.clone(),
                size: u64::try_from(node.size).unwrap_or(0),
            };
            let ctype = node.content_type.as_deref().unwrap_or("application/octet-stream");
            insert_version(tx, id, 1, &blob, node.size, ctype, author_id, t).await?;
        }
    }
    Ok(())
}

/// Drops the versions of a file up to `through` (the oldest, beyond what it keeps) and takes
/// their sizes off its stored bytes; their blobs are left to the blob cleanup.
async fn prune_versions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    node_id: i64,
    through: i64,
) -> Result<(), StoreError> {
    if through < 1 {
        return Ok(());
    }
    let dropped: Vec<(i64,)> =
        sqlx::query_as("DELETE FROM doc_versions WHERE node_id = $1 AND version <= $2 RETURNING size")
            .bind(node_id)
            .bind(through)
            .fetch_all(&mut **tx)
            .await?;
    let freed: i64 = dropped.iter().map(|(size,)| size).sum();
    if freed != 0 {
        sqlx::query("UPDATE doc_nodes SET stored_bytes = stored_bytes - $1 WHERE id = $2")
            .bind(freed)
            .bind(node_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    node_id: i64,
    version: i64,
    blob: &BlobRef,
    size: i64,
    content_type: &str,
    author_id: i64,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO doc_versions (node_id, version, blob_sha256, size, content_type, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(node_id)
    .bind(version)
    .bind(&blob.sha256)
    .bind(size)
    .bind(content_type)
    .bind(author_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(parent_of("shared/a/b.txt"), "shared/a");
        assert_eq!(parent_of("shared"), "");
        assert_eq!(name_of("shared/a/b.txt"), "b.txt");
        assert_eq!(subtree_bounds("shared/a"), ("shared/a/".into(), "shared/a0".into()));
    }
}
