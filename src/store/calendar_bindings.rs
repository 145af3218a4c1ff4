//! Calendars shown in a user's calendar home besides their own: the colleagues' calendars
//! they keep among their favourites (`calendar_favorites`), and the team calendars they get
//! by belonging to the company, a department or a workgroup (calendars owned by group
//! principals; see `principals.team`).

use super::dead_props::{self, PropTable};
use super::repos::PrincipalRepo;
use super::{Collection, DeadProp, Principal, PropChange, Store, StoreError};

impl Store {
    /// Pairs each calendar with its owner, ordered by owner login and slug.
    async fn with_owners(&self, rows: Vec<Collection>) -> Result<Vec<(Principal, Collection)>, StoreError> {
        let mut out: Vec<(Principal, Collection)> = Vec::with_capacity(rows.len());
        for coll in rows {
            let owner = match out.iter().find(|(p, _)| p.id == coll.owner_id) {
                Some((p, _)) => p.clone(),
                None => match self.principal_by_id(coll.owner_id).await? {
                    Some(p) => p,
                    None => continue,
                },
            };
            out.push((owner, coll));
        }
        out.sort_by(|(a, x), (b, y)| (&a.login, &x.slug).cmp(&(&b.login, &y.slug)));
        Ok(out)
    }
}

/// Calendars in a user's home besides their own (favourites, team calendars) and their per-user properties; department facts calendars need.
#[async_trait::async_trait]
pub trait BindingRepo: Send + Sync {
    async fn add_favorite(&self, principal_id: i64, collection_id: i64) -> Result<(), StoreError>;

    async fn is_favorite(&self, principal_id: i64, collection_id: i64) -> Result<bool, StoreError>;

    /// Removes a favourite; false when it was not one.
    async fn remove_favorite(&self, principal_id: i64, collection_id: i64) -> Result<bool, StoreError>;

    /// The calendars a user keeps among their favourites, with their (active) owners.
    async fn favorites(&self, principal_id: i64) -> Result<Vec<(Principal, Collection)>, StoreError>;

    /// The team calendars a principal belongs with: the company's, their department's and
    /// those of the workgroups they are a member of.
    async fn team_calendars(&self, principal_id: i64) -> Result<Vec<(Principal, Collection)>, StoreError>;

    /// The properties a user set on a calendar bound in their home.
    async fn binding_props(&self, principal_id: i64, collection_id: i64) -> Result<Vec<DeadProp>, StoreError>;

    /// Applies a PROPPATCH through a binding, all or nothing (RFC 4918 §9.2), in order.
    async fn update_binding_props(
        &self,
        principal_id: i64,
        collection_id: i64,
        changes: &[PropChange<'_>],
    ) -> Result<(), StoreError>;

    /// A department's slug (its library folder and team login use it).
    async fn department_slug(&self, department_id: i64) -> Result<Option<String>, StoreError>;

    async fn department_name(&self, department_id: i64) -> Result<Option<String>, StoreError>;

    /// The head of a department, if it has one.
    async fn department_head(&self, department_id: i64) -> Result<Option<i64>, StoreError>;
}

#[async_trait::async_trait]
impl BindingRepo for Store {
    async fn add_favorite(&self, principal_id: i64, collection_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_favorites (principal_id, collection_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(principal_id)
        .bind(collection_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn is_favorite(&self, principal_id: i64, collection_id: i64) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT collection_id FROM calendar_favorites WHERE principal_id = $1 AND collection_id = $2",
        )
        .bind(principal_id)
        .bind(collection_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    async fn remove_favorite(&self, principal_id: i64, collection_id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM calendar_favorites WHERE principal_id = $1 AND collection_id = $2")
            .bind(principal_id)
            .bind(collection_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn favorites(&self, principal_id: i64) -> Result<Vec<(Principal, Collection)>, StoreError> {
        let sql = concat!(
            "SELECT ",
            collection_columns!(),
            " FROM collections WHERE id IN (SELECT f.collection_id FROM calendar_favorites f \
             JOIN collections c ON c.id = f.collection_id JOIN principals p ON p.id = c.owner_id \
             WHERE f.principal_id = $1 AND p.active = 1)"
        );
        let rows: Vec<Collection> = sqlx::query_as(sql).bind(principal_id).fetch_all(self.pool()).await?;
        self.with_owners(rows).await
    }

    async fn team_calendars(&self, principal_id: i64) -> Result<Vec<(Principal, Collection)>, StoreError> {
        let sql = concat!(
            "SELECT ",
            collection_columns!(),
            " FROM collections WHERE kind = 'calendar' AND owner_id IN (SELECT p.id FROM principals p \
             WHERE p.kind = 'group' AND p.active = 1 AND ( \
               p.team = 'company' \
               OR p.id IN (SELECT group_id FROM memberships WHERE member_id = $1) \
               OR (p.team = 'department' AND p.team_department_id IN \
                   (SELECT department_id FROM employees WHERE principal_id = $1))))"
        );
        let rows: Vec<Collection> = sqlx::query_as(sql).bind(principal_id).fetch_all(self.pool()).await?;
        self.with_owners(rows).await
    }

    async fn binding_props(&self, principal_id: i64, collection_id: i64) -> Result<Vec<DeadProp>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT ns, name, value_xml, lang FROM binding_props WHERE principal_id = $1 AND collection_id = $2 \
             ORDER BY ns, name",
        )
        .bind(principal_id)
        .bind(collection_id)
        .fetch_all(self.pool())
        .await?)
    }

    async fn update_binding_props(
        &self,
        principal_id: i64,
        collection_id: i64,
        changes: &[PropChange<'_>],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        dead_props::apply(&mut tx, PropTable::Bindings { principal_id }, collection_id, changes).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn department_slug(&self, department_id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> = sqlx::query_as("SELECT slug FROM departments WHERE id = $1")
            .bind(department_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.and_then(|(s,)| s))
    }

    async fn department_name(&self, department_id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT name FROM departments WHERE id = $1")
            .bind(department_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|(n,)| n))
    }

    async fn department_head(&self, department_id: i64) -> Result<Option<i64>, StoreError> {
        let row: Option<(Option<i64>,)> = sqlx::query_as("SELECT head_id FROM departments WHERE id = $1")
            .bind(department_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.and_then(|(h,)| h))
    }
}
