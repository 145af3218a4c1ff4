//! The search index of address books (`card_index`): the case-folded values of each card's
//! FN, EMAIL, TEL, NICKNAME, N, ORG and UID, written with the card (`Store::put_card`), and
//! the candidate cards of an addressbook-query read from it. Cards stored without index
//! values (before the table existed, or through `Store::put_item`) are indexed the next
//! time a query of their book needs the index. Which values and which conditions are safe
//! is the CardDAV crate's call (`carddav::index_values`, `carddav::index_query`).

use carddav::{IndexQuery, IndexTerm, MatchType, Test};

use super::collections::Item;
use super::{Store, StoreError};

/// The search index of address books.
#[async_trait::async_trait]
pub trait CardIndexRepo: Send + Sync {
    /// Indexes the cards of a book that have no index values yet, with `values` computing a
    /// card's values from its body; returns how many cards it read.
    async fn index_missing_cards(
        &self,
        collection_id: i64,
        values: for<'d> fn(&'d [u8]) -> Vec<(&'static str, String)>,
    ) -> Result<usize, StoreError>;

    /// The cards of a book that satisfy `query` on the index, by name: a superset of the
    /// cards matching the filter it was made from, which still decides each one.
    async fn cards_by_index(&self, collection_id: i64, query: &IndexQuery) -> Result<Vec<Item>, StoreError>;
}

#[async_trait::async_trait]
impl CardIndexRepo for Store {
    async fn index_missing_cards(
        &self,
        collection_id: i64,
        values: for<'d> fn(&'d [u8]) -> Vec<(&'static str, String)>,
    ) -> Result<usize, StoreError> {
        const MISSING: &str = "SELECT id, data FROM items WHERE collection_id = $1 AND component = 'VCARD' \
                               AND NOT EXISTS (SELECT 1 FROM card_index c WHERE c.item_id = items.id)";
        let any: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM items WHERE collection_id = $1 AND component = 'VCARD' \
             AND NOT EXISTS (SELECT 1 FROM card_index c WHERE c.item_id = items.id) LIMIT 1",
        )
        .bind(collection_id)
        .fetch_optional(self.pool())
        .await?;
        if any.is_none() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let cards: Vec<(i64, String)> = sqlx::query_as(MISSING).bind(collection_id).fetch_all(&mut *tx).await?;
        for (item_id, data) in &cards {
            for (prop, value) in values(data.as_bytes()) {
                sqlx::query(
                    "INSERT INTO card_index (item_id, collection_id, prop, value) SELECT $1, $2, $3, $4 \
                     WHERE EXISTS (SELECT 1 FROM items WHERE id = $1)",
                )
                .bind(*item_id)
                .bind(collection_id)
                .bind(prop)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(cards.len())
    }

    async fn cards_by_index(&self, collection_id: i64, query: &IndexQuery) -> Result<Vec<Item>, StoreError> {
        let mut binds: Vec<(&str, String)> = Vec::new();
        let clauses: Vec<String> = query
            .clauses
            .iter()
            .map(|clause| {
                let terms: Vec<String> = clause.terms.iter().map(|t| term_sql(t, &mut binds)).collect();
                format!("({})", terms.join(joiner(clause.test)))
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM items WHERE collection_id = $1 AND ({}) ORDER BY name",
            item_columns!(),
            clauses.join(joiner(query.test))
        );
        // Safe: the text is fixed fragments and numbered placeholders; every value is bound.
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(collection_id);
        for (prop, pattern) in binds {
            q = q.bind(prop).bind(pattern);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }
}

fn joiner(test: Test) -> &'static str {
    match test {
        Test::AnyOf => " OR ",
        Test::AllOf => " AND ",
    }
}

/// `id IN (…)` for one term; its property and pattern are appended to `binds` ($1 is the
/// collection).
fn term_sql<'a>(t: &'a IndexTerm, binds: &mut Vec<(&'a str, String)>) -> String {
    let escaped = || t.needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let (op, pattern) = match t.match_type {
        MatchType::Equals => ("=", t.needle.clone()),
        MatchType::Contains => ("LIKE", format!("%{}%", escaped())),
        MatchType::StartsWith => ("LIKE", format!("{}%", escaped())),
        MatchType::EndsWith => ("LIKE", format!("%{}", escaped())),
    };
    let escape = if op == "LIKE" { " ESCAPE '\\'" } else { "" };
    binds.push((t.prop, pattern));
    let (p, v) = (binds.len() * 2, binds.len() * 2 + 1);
    format!(
        "id IN (SELECT item_id FROM card_index WHERE collection_id = $1 AND prop = ${p} AND value {op} ${v}{escape})"
    )
}
