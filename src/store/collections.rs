//! Calendar (and later address-book) collections, their objects and their change log.
//!
//! Every change to an object bumps the collection's `sync_seq` and records the item's latest
//! change in `item_changes` in the same transaction, whose first statement is that bump, so
//! SQLite takes its write lock up front and concurrent writers serialise. The sequence is
//! the collection's CTag and the basis of RFC 6578 sync tokens; tombstones are kept so any
//! token ever handed out stays valid.

use sqlx::FromRow;

use super::dead_props::{self, PropTable};
use super::documents::PropChange;
use super::{DeadProp, Dialect, Store, StoreError, is_unique_violation, now};

/// A card to store with its index values (property, value).
pub type IndexedCard<'a> = (NewItem<'a>, Vec<(&'static str, String)>);

/// One book's share of [`Store::replace_cards`]: the cards to store (each with its index
/// values) and the names to delete.
pub struct CardsWrite<'a> {
    pub collection_id: i64,
    pub written: &'a [IndexedCard<'a>],
    pub removed: &'a [&'a str],
}

/// The statement that stores an object (inserted, or replacing the one of its name), with
/// `$values` for its VALUES (the twelve columns [`bind_item!`] binds, in order).
macro_rules! item_upsert {
    ($values:literal) => {
        concat!(
            "INSERT INTO items (collection_id, name, uid, etag, component, data, time_start, time_end, is_oof, \
             modified_at, size, schedule_tag) VALUES ",
            $values,
            " ON CONFLICT (collection_id, name) DO UPDATE SET uid = excluded.uid, etag = excluded.etag, \
             component = excluded.component, data = excluded.data, time_start = excluded.time_start, \
             time_end = excluded.time_end, is_oof = excluded.is_oof, modified_at = excluded.modified_at, \
             size = excluded.size, schedule_tag = excluded.schedule_tag"
        )
    };
}

/// Binds an object's twelve columns of [`item_upsert!`] to `$q`.
macro_rules! bind_item {
    ($q:expr, $collection_id:expr, $item:expr, $at:expr) => {
        $q.bind($collection_id)
            .bind($item.name)
            .bind($item.uid)
            .bind($item.etag)
            .bind($item.component)
            .bind($item.data)
            .bind($item.time_start)
            .bind($item.time_end)
            .bind(i64::from($item.is_oof))
            .bind($at)
            .bind(i64::try_from($item.data.len()).unwrap_or(i64::MAX))
            .bind($item.schedule_tag)
    };
}

#[derive(Debug, Clone, FromRow)]
pub struct Collection {
    pub id: i64,
    pub owner_id: i64,
    pub kind: String,
    pub slug: String,
    pub displayname: Option<String>,
    pub description: Option<String>,
    pub color: Option<String>,
    pub timezone: Option<String>,
    pub components: String,
    pub visibility: String,
    pub sync_seq: i64,
    pub feed_token: Option<String>,
    pub created_at: i64,
}

macro_rules! collection_columns {
    () => {
        "id, owner_id, kind, slug, displayname, description, color, timezone, components, visibility, sync_seq, \
         feed_token, created_at"
    };
}

/// An object without its body (for listings and ETag checks).
#[derive(Debug, Clone, FromRow)]
pub struct ItemMeta {
    pub name: String,
    pub etag: String,
    pub component: String,
    pub modified_at: i64,
    pub size: i64,
    pub schedule_tag: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct Item {
    pub name: String,
    pub uid: String,
    pub etag: String,
    pub component: String,
    pub data: String,
    pub modified_at: i64,
    /// RFC 6638 §3.2.10 Schedule-Tag (scheduling object resources only).
    pub schedule_tag: Option<String>,
}

macro_rules! item_columns {
    () => {
        "name, uid, etag, component, data, modified_at, schedule_tag"
    };
}

pub struct NewCollection<'a> {
    pub owner_id: i64,
    pub kind: &'a str,
    pub slug: &'a str,
    pub displayname: Option<&'a str>,
    pub description: Option<&'a str>,
    pub color: Option<&'a str>,
    pub timezone: Option<&'a str>,
    pub components: &'a str,
}

/// Changes to a collection's own fields; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct CollectionUpdate {
    pub displayname: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub color: Option<Option<String>>,
    pub timezone: Option<Option<String>>,
}

/// A new or replaced object with what the server indexed from it.
pub struct NewItem<'a> {
    pub name: &'a str,
    pub uid: &'a str,
    pub etag: &'a str,
    pub component: &'a str,
    pub data: &'a str,
    pub time_start: i64,
    pub time_end: i64,
    pub is_oof: bool,
    /// The Schedule-Tag to store (none: not a scheduling object resource).
    pub schedule_tag: Option<&'a str>,
}

/// The object a MOVE takes away: removed, if its entity tag still matches, in the
/// transaction that writes the destination.
#[derive(Debug, Clone, Copy)]
pub struct MovedFrom<'a> {
    pub collection_id: i64,
    pub name: &'a str,
    pub etag: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemCondition {
    Any,
    MatchEtag(String),
    /// `If-Match: *`: any current representation (RFC 9110 §13.1.1).
    MustExist,
    MustNotExist,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ItemPutOutcome {
    Created,
    Replaced,
    PreconditionFailed,
    /// Another object of the collection has this UID (RFC 4791 §5.3.2.1 no-uid-conflict).
    UidConflict {
        name: String,
    },
}

/// One entry of the change log: the item's name, when it last changed, and whether it is gone.
#[derive(Debug, Clone, FromRow)]
pub struct Change {
    pub name: String,
    pub seq: i64,
    pub deleted: i64,
}

impl Store {
    /// Writes an object and replaces its search-index values by `index` (an object written
    /// without any is indexed when a query next needs it); for a MOVE, removes its source.
    async fn put_indexed(
        &self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
        index: &[(&str, String)],
        moved: Option<&MovedFrom<'_>>,
    ) -> Result<ItemPutOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let outcome = put_in(&mut tx, collection_id, item, condition, index, moved).await?;
        if matches!(outcome, ItemPutOutcome::Created | ItemPutOutcome::Replaced) {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    async fn replace_book_cards(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        book: &CardsWrite<'_>,
    ) -> Result<(), StoreError> {
        let collection_id = book.collection_id;
        let seq = bump_seq(tx, collection_id).await?;
        for chunk in book.removed.chunks(bulk_rows(4)) {
            let mut p = Params::new(self.dialect);
            let sql = format!(
                "DELETE FROM items WHERE collection_id = {} AND name IN ({})",
                p.one(),
                p.rows(chunk.len(), 1)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(collection_id);
            for name in chunk {
                q = q.bind(*name);
            }
            q.execute(&mut **tx).await?;
            record_changes(tx, self.dialect, collection_id, chunk.iter().copied(), seq, true).await?;
        }
        let at = now();
        for chunk in book.written.chunks(bulk_rows(12)) {
            // The index rows of the cards replaced go first (an upsert keeps the item's id).
            let mut p = Params::new(self.dialect);
            let sql = format!(
                "DELETE FROM card_index WHERE item_id IN (SELECT id FROM items WHERE collection_id = {} AND name IN ({}))",
                p.one(),
                p.rows(chunk.len(), 1)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(collection_id);
            for (item, _) in chunk {
                q = q.bind(item.name);
            }
            q.execute(&mut **tx).await?;
            let sql = format!(
                concat!(item_upsert!("{}"), " RETURNING id, name"),
                Params::new(self.dialect).rows(chunk.len(), 12)
            );
            let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
            for (item, _) in chunk {
                q = bind_item!(q, collection_id, item, at);
            }
            let ids: std::collections::HashMap<String, i64> = q
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(|(id, n)| (n, id))
                .collect();
            let mut rows: Vec<(i64, &str, &str)> = Vec::new();
            for (item, index) in chunk {
                let id = *ids
                    .get(item.name)
                    .ok_or_else(|| StoreError::Conflict(format!("card {} was not stored", item.name)))?;
                rows.extend(index.iter().map(|(prop, value)| (id, *prop, value.as_str())));
            }
            for part in rows.chunks(bulk_rows(4)) {
                let sql = format!(
                    "INSERT INTO card_index (item_id, collection_id, prop, value) VALUES {}",
                    Params::new(self.dialect).rows(part.len(), 4)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (id, prop, value) in part {
                    q = q.bind(*id).bind(collection_id).bind(*prop).bind(*value);
                }
                q.execute(&mut **tx).await?;
            }
            record_changes(
                tx,
                self.dialect,
                collection_id,
                chunk.iter().map(|(item, _)| item.name),
                seq,
                false,
            )
            .await?;
        }
        Ok(())
    }
}

/// The body of an object write inside `tx`, which the caller commits (after `Created` or
/// `Replaced`) or drops.
pub(super) async fn put_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    collection_id: i64,
    item: &NewItem<'_>,
    condition: &ItemCondition,
    index: &[(&str, String)],
    moved: Option<&MovedFrom<'_>>,
) -> Result<ItemPutOutcome, StoreError> {
    let seq = bump_seq(tx, collection_id).await?;
    let current: Option<(String,)> = sqlx::query_as("SELECT etag FROM items WHERE collection_id = $1 AND name = $2")
        .bind(collection_id)
        .bind(item.name)
        .fetch_optional(&mut **tx)
        .await?;
    let ok = match (condition, &current) {
        (ItemCondition::Any, _) => true,
        (ItemCondition::MustNotExist, existing) => existing.is_none(),
        (ItemCondition::MustExist, existing) => existing.is_some(),
        (ItemCondition::MatchEtag(e), Some((etag,))) => e == etag,
        (ItemCondition::MatchEtag(_), None) => false,
    };
    if !ok {
        return Ok(ItemPutOutcome::PreconditionFailed);
    }
    // The source of a MOVE within the collection has the same UID and goes away.
    let leaving = moved.filter(|m| m.collection_id == collection_id).map(|m| m.name);
    let clash: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM items WHERE collection_id = $1 AND uid = $2 AND name <> $3 \
         AND ($4 IS NULL OR name <> $4)",
    )
    .bind(collection_id)
    .bind(item.uid)
    .bind(item.name)
    .bind(leaving)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((name,)) = clash {
        return Ok(ItemPutOutcome::UidConflict { name });
    }
    // The source of a MOVE goes first: in its own collection it holds the same UID.
    if let Some(from) = moved {
        let seq = bump_seq(tx, from.collection_id).await?;
        let gone = sqlx::query("DELETE FROM items WHERE collection_id = $1 AND name = $2 AND etag = $3")
            .bind(from.collection_id)
            .bind(from.name)
            .bind(from.etag)
            .execute(&mut **tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Ok(ItemPutOutcome::PreconditionFailed);
        }
        record_change(tx, from.collection_id, from.name, seq, true).await?;
    }
    let upsert = sqlx::query_as(concat!(
        item_upsert!("($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"),
        " RETURNING id"
    ));
    let (item_id,): (i64,) = bind_item!(upsert, collection_id, item, now())
        .fetch_one(&mut **tx)
        .await?;
    if current.is_some() {
        sqlx::query("DELETE FROM card_index WHERE item_id = $1")
            .bind(item_id)
            .execute(&mut **tx)
            .await?;
    }
    insert_index(tx, collection_id, item_id, index).await?;
    record_change(tx, collection_id, item.name, seq, false).await?;
    Ok(if current.is_some() {
        ItemPutOutcome::Replaced
    } else {
        ItemPutOutcome::Created
    })
}

/// Adds an object's search-index values.
async fn insert_index(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    collection_id: i64,
    item_id: i64,
    index: &[(&str, String)],
) -> Result<(), StoreError> {
    for (prop, value) in index {
        sqlx::query("INSERT INTO card_index (item_id, collection_id, prop, value) VALUES ($1, $2, $3, $4)")
            .bind(item_id)
            .bind(collection_id)
            .bind(*prop)
            .bind(value.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Takes the collection's next sequence number; the first statement of every object write.
pub(super) async fn bump_seq(tx: &mut sqlx::Transaction<'_, sqlx::Any>, collection_id: i64) -> Result<i64, StoreError> {
    let (seq,): (i64,) =
        sqlx::query_as("UPDATE collections SET sync_seq = sync_seq + 1 WHERE id = $1 RETURNING sync_seq")
            .bind(collection_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(seq)
}

/// Bound values per multi-row statement of [`Store::replace_cards`] and the directory's bulk
/// writes: far below the limits of SQLite (32,766) and PostgreSQL (65,535). On SQLite the
/// placeholders are anonymous ([`Params`]): sqlx looks a numbered one up by name, a linear
/// search per value, which made 1,200 numbered values a statement spend a quarter of a
/// directory import there.
const BULK_VALUES: usize = 960;

/// Rows of `width` values per multi-row statement.
pub(super) const fn bulk_rows(width: usize) -> usize {
    BULK_VALUES / width
}

/// The placeholders of a statement built at run time, handed out in the order the values are
/// bound: `$1, $2, …` on PostgreSQL, `?` on SQLite (see [`BULK_VALUES`]). Only placeholders:
/// every value is bound, so the statements built with it are safe from injection.
pub(super) struct Params {
    sqlite: bool,
    next: usize,
}

impl Params {
    pub(super) fn new(dialect: Dialect) -> Params {
        Params {
            sqlite: dialect == Dialect::Sqlite,
            next: 1,
        }
    }

    /// The next placeholder.
    pub(super) fn one(&mut self) -> String {
        if self.sqlite {
            "?".to_owned()
        } else {
            self.next += 1;
            format!("${}", self.next - 1)
        }
    }

    /// `(…), (…)`: `rows` groups of `width` placeholders (one group without parentheses when
    /// `width` is 1, for `IN (…)` lists).
    pub(super) fn rows(&mut self, rows: usize, width: usize) -> String {
        let mut out = String::new();
        for r in 0..rows {
            if r > 0 {
                out.push_str(", ");
            }
            let group: Vec<String> = (0..width).map(|_| self.one()).collect();
            if width == 1 {
                out.push_str(&group.join(""));
            } else {
                out.push('(');
                out.push_str(&group.join(", "));
                out.push(')');
            }
        }
        out
    }
}

/// [`record_change`] for many objects in one statement.
async fn record_changes<'n>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    dialect: Dialect,
    collection_id: i64,
    names: impl Iterator<Item = &'n str>,
    seq: i64,
    deleted: bool,
) -> Result<(), StoreError> {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO item_changes (collection_id, name, seq, deleted) VALUES {} \
         ON CONFLICT (collection_id, name) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted",
        Params::new(dialect).rows(names.len(), 4)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for name in names {
        q = q.bind(collection_id).bind(name).bind(seq).bind(i64::from(deleted));
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

pub(super) async fn record_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    collection_id: i64,
    name: &str,
    seq: i64,
    deleted: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO item_changes (collection_id, name, seq, deleted) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (collection_id, name) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted",
    )
    .bind(collection_id)
    .bind(name)
    .bind(seq)
    .bind(i64::from(deleted))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A grant on a collection: to a principal (user or group) or a department.
#[derive(Debug, Clone, FromRow)]
pub struct CollectionGrant {
    pub principal_id: Option<i64>,
    pub department_id: Option<i64>,
    pub level: i64,
}

/// An out-of-office event: whose, and when (the absence chart reads these).
#[derive(Debug, Clone, FromRow)]
pub struct Absence {
    pub login: String,
    pub display_name: String,
    pub item_name: String,
    /// The object, whose occurrences the caller works out (the stored times are the
    /// index's, widened for alarms and floating times).
    pub data: String,
}

/// Calendar and address-book collections, their objects, change log, grants and feeds.
#[async_trait::async_trait]
pub trait CollectionRepo: Send + Sync {
    async fn create_collection(&self, new: &NewCollection<'_>) -> Result<Collection, StoreError>;

    async fn collection(&self, owner_id: i64, kind: &str, slug: &str) -> Result<Option<Collection>, StoreError>;

    async fn collections_of(&self, owner_id: i64, kind: &str) -> Result<Vec<Collection>, StoreError>;

    /// Changes fields and dead properties of a collection atomically.
    async fn update_collection(
        &self,
        id: i64,
        update: &CollectionUpdate,
        props: &[PropChange<'_>],
    ) -> Result<(), StoreError>;

    async fn collection_props(&self, id: i64) -> Result<Vec<DeadProp>, StoreError>;

    async fn delete_collection(&self, id: i64) -> Result<(), StoreError>;

    async fn item(&self, collection_id: i64, name: &str) -> Result<Option<Item>, StoreError>;

    /// One object's name, ETag and size, without its body.
    /// The objects of a collection among `names` (those that exist, in no order): one query
    /// for a sync page's changed objects or a multiget's hrefs instead of one each.
    async fn items_named(&self, collection_id: i64, names: &[&str]) -> Result<Vec<Item>, StoreError>;

    async fn item_meta(&self, collection_id: i64, name: &str) -> Result<Option<ItemMeta>, StoreError>;

    /// The UID of the object stored under `name`, if there is one.
    async fn item_uid(&self, collection_id: i64, name: &str) -> Result<Option<String>, StoreError>;

    /// Names, ETags and sizes of every object, without reading bodies.
    async fn item_metas(&self, collection_id: i64) -> Result<Vec<ItemMeta>, StoreError>;

    async fn items_all(&self, collection_id: i64) -> Result<Vec<Item>, StoreError>;

    /// Objects whose indexed time span touches `[start, end]` (a superset of the matches,
    /// inclusive at both ends so instants on a boundary are kept; the filter decides exactly).
    async fn items_overlapping(&self, collection_id: i64, start: i64, end: i64) -> Result<Vec<Item>, StoreError>;

    /// Creates or replaces an object, bumping the collection's sequence and change log.
    async fn put_item(
        &self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
    ) -> Result<ItemPutOutcome, StoreError>;

    /// MOVE: writes `item` and removes the object it came from, in one transaction (the
    /// source changed meanwhile: `PreconditionFailed`, nothing written).
    async fn move_item(
        &self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
        from: &MovedFrom<'_>,
    ) -> Result<ItemPutOutcome, StoreError>;

    /// Creates or replaces a card with its search-index values (see `card_index`).
    async fn put_card(
        &self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
        index: &[(&str, String)],
    ) -> Result<ItemPutOutcome, StoreError>;

    /// Replaces directory books' cards in one transaction: in each book, each of `removed` is
    /// deleted and each of `written` (a card and its index values) is stored. Readers see the
    /// books as they were or as they are, never half rewritten. The directory writes thousands
    /// of cards at once, so this is done in multi-row statements ([`BULK_VALUES`]), under one
    /// step of each book's sequence; the cards are named by their UID, so no other card can
    /// hold one's UID.
    async fn replace_cards(&self, books: &[CardsWrite<'_>]) -> Result<(), StoreError>;

    /// Deletes an object (if its ETag matches `if_match`); false when it did not exist or
    /// the ETag differs (the caller tells which by reading first).
    async fn delete_item(&self, collection_id: i64, name: &str, if_match: Option<&str>) -> Result<bool, StoreError>;

    /// Changes after `since`, oldest first, at most `limit` (+1 so the caller can tell
    /// whether more remain).
    async fn changes_since(&self, collection_id: i64, since: i64, limit: i64) -> Result<Vec<Change>, StoreError>;

    async fn collection_grants(&self, collection_id: i64) -> Result<Vec<CollectionGrant>, StoreError>;

    /// Sets (or with `level` None removes) the grantee's access to a collection.
    async fn set_collection_grant(
        &self,
        collection_id: i64,
        grantee: super::Grantee,
        level: Option<super::AccessLevel>,
    ) -> Result<(), StoreError>;

    /// Sets who may see what of a calendar: `private`, `busy`, `titles` or `all`.
    async fn set_collection_visibility(&self, collection_id: i64, visibility: &str) -> Result<(), StoreError>;

    /// Sets or clears the secret token of a calendar's ICS feed.
    async fn set_feed_token(&self, collection_id: i64, token: Option<&str>) -> Result<(), StoreError>;

    async fn collection_by_feed_token(&self, token: &str) -> Result<Option<Collection>, StoreError>;

    async fn collection_by_id(&self, id: i64) -> Result<Option<Collection>, StoreError>;

    /// Objects with out-of-office events of a department's members — the department and every
    /// department below it — (or everyone's) whose time index overlaps the range, from their
    /// own calendars.
    async fn absences(&self, department_slug: Option<&str>, start: i64, end: i64) -> Result<Vec<Absence>, StoreError>;
}

#[async_trait::async_trait]
impl CollectionRepo for Store {
    async fn create_collection(&self, new: &NewCollection<'_>) -> Result<Collection, StoreError> {
        let sql = concat!(
            "INSERT INTO collections (owner_id, kind, slug, displayname, description, color, timezone, components, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ",
            collection_columns!()
        );
        sqlx::query_as(sql)
            .bind(new.owner_id)
            .bind(new.kind)
            .bind(new.slug)
            .bind(new.displayname)
            .bind(new.description)
            .bind(new.color)
            .bind(new.timezone)
            .bind(new.components)
            .bind(now())
            .fetch_one(self.pool())
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("a collection named {:?} exists", new.slug))
                } else {
                    e.into()
                }
            })
    }

    async fn collection(&self, owner_id: i64, kind: &str, slug: &str) -> Result<Option<Collection>, StoreError> {
        let sql = concat!(
            "SELECT ",
            collection_columns!(),
            " FROM collections WHERE owner_id = $1 AND kind = $2 AND slug = $3"
        );
        Ok(sqlx::query_as(sql)
            .bind(owner_id)
            .bind(kind)
            .bind(slug)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn collections_of(&self, owner_id: i64, kind: &str) -> Result<Vec<Collection>, StoreError> {
        let sql = concat!(
            "SELECT ",
            collection_columns!(),
            " FROM collections WHERE owner_id = $1 AND kind = $2 ORDER BY slug"
        );
        Ok(sqlx::query_as(sql)
            .bind(owner_id)
            .bind(kind)
            .fetch_all(self.pool())
            .await?)
    }

    async fn update_collection(
        &self,
        id: i64,
        update: &CollectionUpdate,
        props: &[PropChange<'_>],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE collections SET \
             displayname = CASE WHEN $1 = 1 THEN $2 ELSE displayname END, \
             description = CASE WHEN $3 = 1 THEN $4 ELSE description END, \
             color = CASE WHEN $5 = 1 THEN $6 ELSE color END, \
             timezone = CASE WHEN $7 = 1 THEN $8 ELSE timezone END WHERE id = $9",
        )
        .bind(i64::from(update.displayname.is_some()))
        .bind(update.displayname.clone().flatten())
        .bind(i64::from(update.description.is_some()))
        .bind(update.description.clone().flatten())
        .bind(i64::from(update.color.is_some()))
        .bind(update.color.clone().flatten())
        .bind(i64::from(update.timezone.is_some()))
        .bind(update.timezone.clone().flatten())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        dead_props::apply(&mut tx, PropTable::Collections, id, props).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn collection_props(&self, id: i64) -> Result<Vec<DeadProp>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT ns, name, value_xml, lang FROM collection_props WHERE collection_id = $1 ORDER BY ns, name",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn delete_collection(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM collections WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn item(&self, collection_id: i64, name: &str) -> Result<Option<Item>, StoreError> {
        let sql = concat!(
            "SELECT ",
            item_columns!(),
            " FROM items WHERE collection_id = $1 AND name = $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(collection_id)
            .bind(name)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn items_named(&self, collection_id: i64, names: &[&str]) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(names.len());
        for chunk in names.chunks(bulk_rows(1) - 1) {
            let mut p = Params::new(self.dialect);
            let sql = format!(
                "SELECT {} FROM items WHERE collection_id = {} AND name IN ({})",
                item_columns!(),
                p.one(),
                p.rows(chunk.len(), 1)
            );
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(collection_id);
            for name in chunk {
                q = q.bind(*name);
            }
            found.extend(q.fetch_all(self.pool()).await?);
        }
        Ok(found)
    }

    async fn item_meta(&self, collection_id: i64, name: &str) -> Result<Option<ItemMeta>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT name, etag, component, modified_at, size, schedule_tag FROM items WHERE collection_id = $1 AND name = $2",
        )
        .bind(collection_id)
        .bind(name)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn item_uid(&self, collection_id: i64, name: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT uid FROM items WHERE collection_id = $1 AND name = $2")
            .bind(collection_id)
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|(uid,)| uid))
    }

    async fn item_metas(&self, collection_id: i64) -> Result<Vec<ItemMeta>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT name, etag, component, modified_at, size, schedule_tag FROM items WHERE collection_id = $1 ORDER BY name",
        )
        .bind(collection_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn items_all(&self, collection_id: i64) -> Result<Vec<Item>, StoreError> {
        let sql = concat!(
            "SELECT ",
            item_columns!(),
            " FROM items WHERE collection_id = $1 ORDER BY name"
        );
        Ok(sqlx::query_as(sql).bind(collection_id).fetch_all(self.pool()).await?)
    }

    async fn items_overlapping(&self, collection_id: i64, start: i64, end: i64) -> Result<Vec<Item>, StoreError> {
        let sql = concat!(
            "SELECT ",
            item_columns!(),
            " FROM items WHERE collection_id = $1 AND time_start <= $2 AND time_end >= $3 ORDER BY name"
        );
        Ok(sqlx::query_as(sql)
            .bind(collection_id)
            .bind(end)
            .bind(start)
            .fetch_all(self.pool())
            .await?)
    }

    async fn put_item(
        &self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
    ) -> Result<ItemPutOutcome, StoreError> {
        self.put_indexed(collection_id, item, condition, &[], None).await
    }

    async fn move_item(
        &self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
        from: &MovedFrom<'_>,
    ) -> Result<ItemPutOutcome, StoreError> {
        self.put_indexed(collection_id, item, condition, &[], Some(from)).await
    }

    async fn put_card(
        &self,
        collection_id: i64,
        item: &NewItem<'_>,
        condition: &ItemCondition,
        index: &[(&str, String)],
    ) -> Result<ItemPutOutcome, StoreError> {
        self.put_indexed(collection_id, item, condition, index, None).await
    }

    async fn replace_cards(&self, books: &[CardsWrite<'_>]) -> Result<(), StoreError> {
        let books: Vec<&CardsWrite<'_>> = books
            .iter()
            .filter(|b| !b.written.is_empty() || !b.removed.is_empty())
            .collect();
        if books.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for book in books {
            self.replace_book_cards(&mut tx, book).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delete_item(&self, collection_id: i64, name: &str, if_match: Option<&str>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = bump_seq(&mut tx, collection_id).await?;
        let done =
            sqlx::query("DELETE FROM items WHERE collection_id = $1 AND name = $2 AND ($3 IS NULL OR etag = $3)")
                .bind(collection_id)
                .bind(name)
                .bind(if_match)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        record_change(&mut tx, collection_id, name, seq, true).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn changes_since(&self, collection_id: i64, since: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT name, seq, deleted FROM item_changes WHERE collection_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(collection_id)
        .bind(since)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    async fn collection_grants(&self, collection_id: i64) -> Result<Vec<CollectionGrant>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT principal_id, department_id, level FROM collection_grants WHERE collection_id = $1 \
             ORDER BY principal_id, department_id",
        )
        .bind(collection_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn set_collection_grant(
        &self,
        collection_id: i64,
        grantee: super::Grantee,
        level: Option<super::AccessLevel>,
    ) -> Result<(), StoreError> {
        let (principal, department) = match grantee {
            super::Grantee::Principal(id) => (Some(id), None),
            super::Grantee::Department(id) => (None, Some(id)),
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM collection_grants WHERE collection_id = $1 AND \
             COALESCE(principal_id, -1) = COALESCE($2, -1) AND COALESCE(department_id, -1) = COALESCE($3, -1)",
        )
        .bind(collection_id)
        .bind(principal)
        .bind(department)
        .execute(&mut *tx)
        .await?;
        if let Some(level) = level {
            sqlx::query(
                "INSERT INTO collection_grants (collection_id, principal_id, department_id, level) VALUES ($1, $2, $3, $4)",
            )
            .bind(collection_id)
            .bind(principal)
            .bind(department)
            .bind(level as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_collection_visibility(&self, collection_id: i64, visibility: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE collections SET visibility = $1 WHERE id = $2")
            .bind(visibility)
            .bind(collection_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn set_feed_token(&self, collection_id: i64, token: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE collections SET feed_token = $1 WHERE id = $2")
            .bind(token)
            .bind(collection_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn collection_by_feed_token(&self, token: &str) -> Result<Option<Collection>, StoreError> {
        let sql = concat!(
            "SELECT ",
            collection_columns!(),
            " FROM collections WHERE feed_token = $1"
        );
        Ok(sqlx::query_as(sql).bind(token).fetch_optional(self.pool()).await?)
    }

    async fn collection_by_id(&self, id: i64) -> Result<Option<Collection>, StoreError> {
        let sql = concat!("SELECT ", collection_columns!(), " FROM collections WHERE id = $1");
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(self.pool()).await?)
    }

    async fn absences(&self, department_slug: Option<&str>, start: i64, end: i64) -> Result<Vec<Absence>, StoreError> {
        Ok(sqlx::query_as(
            "WITH RECURSIVE within(id) AS (SELECT id FROM departments WHERE slug = $3 \
             UNION SELECT d.id FROM departments d JOIN within w ON d.parent_id = w.id) \
             SELECT p.login, p.display_name, i.name AS item_name, i.data FROM items i \
             JOIN collections c ON c.id = i.collection_id JOIN principals p ON p.id = c.owner_id \
             LEFT JOIN employees e ON e.principal_id = p.id \
             WHERE i.is_oof = 1 AND c.kind = 'calendar' AND p.active = 1 AND i.time_start < $1 AND i.time_end > $2 \
             AND ($3 IS NULL OR e.department_id IN (SELECT id FROM within)) ORDER BY p.login, i.name",
        )
        .bind(end)
        .bind(start)
        .bind(department_slug)
        .fetch_all(self.pool())
        .await?)
    }
}
