//! Scheduling storage: the `inbox_items` table (RFC 6638 schedule inboxes), the server's own
//! keys (`server_keys`) and the guests' used answer links (`answer_link_uses`), and
//! [`ScheduleTx`], the SQL unit of work ([`super::UnitOfWork`]) in which a meeting's write, its copies in attendees'
//! calendars, their inbox messages and a room's conflict check all commit together or not at
//! all.

use sqlx::FromRow;

use super::collections::{bump_seq, put_in, record_change};
use super::{Dialect, Item, ItemCondition, ItemPutOutcome, NewItem, Store, StoreError, now};

/// A message in a schedule inbox.
#[derive(Debug, Clone, FromRow)]
pub struct InboxItem {
    pub name: String,
    pub uid: String,
    pub etag: String,
    pub data: String,
    pub created_at: i64,
}

/// An object found by UID among a principal's calendars.
#[derive(Debug, Clone)]
pub struct OwnedItem {
    pub collection_id: i64,
    pub item: Item,
}

#[derive(FromRow)]
struct OwnedRow {
    collection_id: i64,
    name: String,
    uid: String,
    etag: String,
    component: String,
    data: String,
    modified_at: i64,
    schedule_tag: Option<String>,
}

impl From<OwnedRow> for OwnedItem {
    fn from(r: OwnedRow) -> Self {
        OwnedItem {
            collection_id: r.collection_id,
            item: Item {
                name: r.name,
                uid: r.uid,
                etag: r.etag,
                component: r.component,
                data: r.data,
                modified_at: r.modified_at,
                schedule_tag: r.schedule_tag,
            },
        }
    }
}

const OWNED_BY_UID: &str = "SELECT i.collection_id, i.name, i.uid, i.etag, i.component, i.data, i.modified_at, \
     i.schedule_tag \
     FROM items i JOIN collections c ON c.id = i.collection_id \
     WHERE c.owner_id = $1 AND c.kind = 'calendar' AND i.uid = $2 ORDER BY c.id LIMIT 1";

/// Schedule inboxes, the server keys and the start of a unit of work.
#[async_trait::async_trait]
pub trait SchedulingRepo: Send + Sync {
    /// Starts the unit of work of a scheduling write.
    async fn begin_scheduling(&self) -> Result<Box<dyn super::UnitOfWork>, StoreError>;

    /// The object with this UID in any calendar of `owner_id`.
    async fn item_of_owner_by_uid(&self, owner_id: i64, uid: &str) -> Result<Option<OwnedItem>, StoreError>;

    /// The server's secret called `name` (hex), made on first use. Two nodes making it at
    /// once keep the first one stored.
    async fn server_key(&self, name: &str) -> Result<String, StoreError>;

    /// The messages of a schedule inbox, oldest first.
    async fn inbox_items(&self, owner_id: i64) -> Result<Vec<InboxItem>, StoreError>;

    async fn inbox_item(&self, owner_id: i64, name: &str) -> Result<Option<InboxItem>, StoreError>;

    /// Removes a message (if its ETag matches `if_match`); false when there was none.
    async fn delete_inbox_item(&self, owner_id: i64, name: &str, if_match: Option<&str>) -> Result<bool, StoreError>;
}

#[async_trait::async_trait]
impl SchedulingRepo for Store {
    async fn begin_scheduling(&self) -> Result<Box<dyn super::UnitOfWork>, StoreError> {
        Ok(Box::new(ScheduleTx {
            tx: self.begin_write().await?,
            dialect: self.dialect,
        }))
    }

    async fn item_of_owner_by_uid(&self, owner_id: i64, uid: &str) -> Result<Option<OwnedItem>, StoreError> {
        let row: Option<OwnedRow> = sqlx::query_as(OWNED_BY_UID)
            .bind(owner_id)
            .bind(uid)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(Into::into))
    }

    async fn server_key(&self, name: &str) -> Result<String, StoreError> {
        let mut fresh = [0u8; 32];
        rand::fill(&mut fresh);
        sqlx::query("INSERT INTO server_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(hex::encode(fresh))
            .execute(self.pool())
            .await?;
        let (secret,): (String,) = sqlx::query_as("SELECT secret FROM server_keys WHERE name = $1")
            .bind(name)
            .fetch_one(self.pool())
            .await?;
        Ok(secret)
    }

    async fn inbox_items(&self, owner_id: i64) -> Result<Vec<InboxItem>, StoreError> {
        Ok(
            sqlx::query_as("SELECT name, uid, etag, data, created_at FROM inbox_items WHERE owner_id = $1 ORDER BY id")
                .bind(owner_id)
                .fetch_all(self.pool())
                .await?,
        )
    }

    async fn inbox_item(&self, owner_id: i64, name: &str) -> Result<Option<InboxItem>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT name, uid, etag, data, created_at FROM inbox_items WHERE owner_id = $1 AND name = $2",
        )
        .bind(owner_id)
        .bind(name)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn delete_inbox_item(&self, owner_id: i64, name: &str, if_match: Option<&str>) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM inbox_items WHERE owner_id = $1 AND name = $2 AND ($3 IS NULL OR etag = $3)")
                .bind(owner_id)
                .bind(name)
                .bind(if_match)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// One scheduling write in progress: everything done through it commits at once.
pub struct ScheduleTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    dialect: Dialect,
}

impl ScheduleTx {
    /// The transaction's connection, for the other table families' writes in this unit.
    pub(super) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// The writes of a unit of work: objects, inbox messages and answer links, in one transaction.
#[async_trait::async_trait]
pub trait ScheduleWrites: Send {
    /// Serialises the writers of one calendar (a room's bookings) until this commits. SQLite
    /// write transactions already run one at a time; PostgreSQL takes the row lock.
    async fn lock_collection(&mut self, collection_id: i64) -> Result<(), StoreError>;

    /// The objects of a calendar whose stored time index overlaps `[start, end]`.
    async fn items_overlapping(&mut self, collection_id: i64, start: i64, end: i64) -> Result<Vec<Item>, StoreError>;

    /// The object with this UID in any calendar of `owner_id`, as this transaction sees it.
    async fn item_of_owner_by_uid(&mut self, owner_id: i64, uid: &str) -> Result<Option<OwnedItem>, StoreError>;

    /// The owners of the calendars that hold an object with this UID.
    async fn owners_of_uid(&mut self, uid: &str) -> Result<Vec<i64>, StoreError>;

    /// Records the use of an answer link; false when it was used before.
    async fn use_answer_link(&mut self, nonce: &str, answer: &str) -> Result<bool, StoreError>;

    /// Whether a calendar has an object of this name.
    async fn has_item(&mut self, collection_id: i64, name: &str) -> Result<bool, StoreError>;

    /// Writes an object under `condition`, as `Store::put_item` does.
    async fn put(
        &mut self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
    ) -> Result<ItemPutOutcome, StoreError>;

    /// Deletes an object (if its ETag matches `if_match`); false when none was deleted.
    async fn delete(&mut self, collection_id: i64, name: &str, if_match: Option<&str>) -> Result<bool, StoreError>;

    /// Puts a message in a schedule inbox.
    async fn add_to_inbox(
        &mut self,
        owner_id: i64,
        name: &str,
        uid: &str,
        etag: &str,
        data: &str,
    ) -> Result<(), StoreError>;

    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl ScheduleWrites for ScheduleTx {
    async fn lock_collection(&mut self, collection_id: i64) -> Result<(), StoreError> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT id FROM collections WHERE id = $1 FOR UPDATE")
                .bind(collection_id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn items_overlapping(&mut self, collection_id: i64, start: i64, end: i64) -> Result<Vec<Item>, StoreError> {
        let sql = concat!(
            "SELECT ",
            item_columns!(),
            " FROM items WHERE collection_id = $1 AND time_start <= $3 AND time_end >= $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(collection_id)
            .bind(start)
            .bind(end)
            .fetch_all(&mut *self.tx)
            .await?)
    }

    async fn item_of_owner_by_uid(&mut self, owner_id: i64, uid: &str) -> Result<Option<OwnedItem>, StoreError> {
        let row: Option<OwnedRow> = sqlx::query_as(OWNED_BY_UID)
            .bind(owner_id)
            .bind(uid)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.map(Into::into))
    }

    async fn owners_of_uid(&mut self, uid: &str) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT c.owner_id FROM items i JOIN collections c ON c.id = i.collection_id \
             WHERE c.kind = 'calendar' AND i.uid = $1 ORDER BY c.owner_id LIMIT 10000",
        )
        .bind(uid)
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn use_answer_link(&mut self, nonce: &str, answer: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO answer_link_uses (nonce, answer, used_at) VALUES ($1, $2, $3) \
             ON CONFLICT (nonce, answer) DO NOTHING",
        )
        .bind(nonce)
        .bind(answer)
        .bind(now())
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn has_item(&mut self, collection_id: i64, name: &str) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM items WHERE collection_id = $1 AND name = $2")
            .bind(collection_id)
            .bind(name)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.is_some())
    }

    async fn put(
        &mut self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
    ) -> Result<ItemPutOutcome, StoreError> {
        put_in(&mut self.tx, collection_id, item, condition, &[], None).await
    }

    async fn delete(&mut self, collection_id: i64, name: &str, if_match: Option<&str>) -> Result<bool, StoreError> {
        let seq = bump_seq(&mut self.tx, collection_id).await?;
        let done =
            sqlx::query("DELETE FROM items WHERE collection_id = $1 AND name = $2 AND ($3 IS NULL OR etag = $3)")
                .bind(collection_id)
                .bind(name)
                .bind(if_match)
                .execute(&mut *self.tx)
                .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        record_change(&mut self.tx, collection_id, name, seq, true).await?;
        Ok(true)
    }

    async fn add_to_inbox(
        &mut self,
        owner_id: i64,
        name: &str,
        uid: &str,
        etag: &str,
        data: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO inbox_items (owner_id, name, uid, etag, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(owner_id)
        .bind(name)
        .bind(uid)
        .bind(etag)
        .bind(data)
        .bind(now())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }
}
