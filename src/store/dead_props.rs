//! Writing dead properties (RFC 4918 §4.3) of document nodes, of collections and of a user's
//! binding of a collection: the same upsert/delete over three tables, inside the caller's
//! transaction.

use super::StoreError;
use super::documents::PropChange;

/// Which table holds the properties, and so which owner column the id refers to.
#[derive(Clone, Copy)]
pub(crate) enum PropTable {
    /// `doc_props`, keyed by `node_id`.
    Documents,
    /// `collection_props`, keyed by `collection_id`.
    Collections,
    /// `binding_props`: keyed by `collection_id` and this user.
    Bindings { principal_id: i64 },
}

impl PropTable {
    fn upsert_sql(self) -> &'static str {
        match self {
            PropTable::Documents => {
                "INSERT INTO doc_props (node_id, ns, name, value_xml, lang) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (node_id, ns, name) DO UPDATE SET value_xml = excluded.value_xml, lang = excluded.lang"
            }
            PropTable::Collections => {
                "INSERT INTO collection_props (collection_id, ns, name, value_xml, lang) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (collection_id, ns, name) DO UPDATE SET value_xml = excluded.value_xml, lang = excluded.lang"
            }
            PropTable::Bindings { .. } => {
                "INSERT INTO binding_props (collection_id, ns, name, value_xml, lang, principal_id) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (principal_id, collection_id, ns, name) \
                 DO UPDATE SET value_xml = excluded.value_xml, lang = excluded.lang"
            }
        }
    }

    fn totals_sql(self) -> &'static str {
        match self {
            PropTable::Documents => {
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(value_xml)), 0) FROM doc_props WHERE node_id = $1"
            }
            PropTable::Collections => {
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(value_xml)), 0) FROM collection_props WHERE collection_id = $1"
            }
            PropTable::Bindings { .. } => {
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(value_xml)), 0) FROM binding_props \
                 WHERE collection_id = $1 AND principal_id = $2"
            }
        }
    }

    fn delete_sql(self) -> &'static str {
        match self {
            PropTable::Documents => "DELETE FROM doc_props WHERE node_id = $1 AND ns = $2 AND name = $3",
            PropTable::Collections => "DELETE FROM collection_props WHERE collection_id = $1 AND ns = $2 AND name = $3",
            PropTable::Bindings { .. } => {
                "DELETE FROM binding_props WHERE collection_id = $1 AND ns = $2 AND name = $3 AND principal_id = $4"
            }
        }
    }

    /// The user of a binding, bound after the statement's other parameters.
    fn principal(self) -> Option<i64> {
        match self {
            PropTable::Bindings { principal_id } => Some(principal_id),
            _ => None,
        }
    }
}

/// How many dead properties one resource may hold, and how many characters of values in all:
/// far above what clients set (Windows and Office a handful, Apple a dozen), far below what
/// would let one user fill the database.
pub const MAX_DEAD_PROPS: i64 = 1_000;
pub const MAX_DEAD_PROP_CHARS: i64 = 1 << 20;

/// Applies the changes in order (RFC 4918 §9.2) to the properties of `owner_id`; if the
/// resource would then hold more than the bounds allow, nothing is applied (the caller's
/// transaction is not committed).
pub(crate) async fn apply(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: PropTable,
    owner_id: i64,
    changes: &[PropChange<'_>],
) -> Result<(), StoreError> {
    for change in changes {
        match change {
            PropChange::Set {
                ns,
                name,
                value_xml,
                lang,
            } => {
                let query = sqlx::query(table.upsert_sql())
                    .bind(owner_id)
                    .bind(*ns)
                    .bind(*name)
                    .bind(*value_xml)
                    .bind(*lang);
                match table.principal() {
                    Some(p) => query.bind(p).execute(&mut **tx).await?,
                    None => query.execute(&mut **tx).await?,
                };
            }
            PropChange::Remove { ns, name } => {
                let query = sqlx::query(table.delete_sql()).bind(owner_id).bind(*ns).bind(*name);
                match table.principal() {
                    Some(p) => query.bind(p).execute(&mut **tx).await?,
                    None => query.execute(&mut **tx).await?,
                };
            }
        }
    }
    if changes.iter().any(|c| matches!(c, PropChange::Set { .. })) {
        let query = sqlx::query_as::<_, (i64, i64)>(table.totals_sql()).bind(owner_id);
        let (count, chars) = match table.principal() {
            Some(p) => query.bind(p).fetch_one(&mut **tx).await?,
            None => query.fetch_one(&mut **tx).await?,
        };
        if count > MAX_DEAD_PROPS || chars > MAX_DEAD_PROP_CHARS {
            return Err(StoreError::TooMuch(format!(
                "a resource holds at most {MAX_DEAD_PROPS} properties of {MAX_DEAD_PROP_CHARS} characters in all"
            )));
        }
    }
    Ok(())
}
