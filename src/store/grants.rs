//! Folder grants of the document library (`doc_grants`) and the facts about a principal
//! that decide which grants apply to them (department, group memberships).

use sqlx::FromRow;

use super::{Store, StoreError};

/// Access levels, ordered: each includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccessLevel {
    Read = 1,
    Write = 2,
    Manage = 3,
}

impl AccessLevel {
    pub fn from_i64(n: i64) -> Option<AccessLevel> {
        match n {
            1 => Some(AccessLevel::Read),
            2 => Some(AccessLevel::Write),
            3 => Some(AccessLevel::Manage),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Option<AccessLevel> {
        match s {
            "read" => Some(AccessLevel::Read),
            "write" => Some(AccessLevel::Write),
            "manage" => Some(AccessLevel::Manage),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::Manage => "manage",
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct DocGrant {
    pub id: i64,
    pub path: String,
    pub principal_id: Option<i64>,
    pub department_id: Option<i64>,
    pub level: i64,
}

/// Who a grant is for.
#[derive(Debug, Clone, Copy)]
pub enum Grantee {
    Principal(i64),
    Department(i64),
}

/// What authorisation needs to know about a principal beyond its row.
#[derive(Debug, Clone, Default)]
pub struct Memberships {
    pub department_id: Option<i64>,
    pub department_slug: Option<String>,
    pub group_ids: Vec<i64>,
}

/// Folder grants of the library and what a principal belongs to.
#[async_trait::async_trait]
pub trait GrantRepo: Send + Sync {
    /// Grants on `path` or any of its ancestors (they are inherited downwards).
    async fn doc_grants_covering(&self, path: &str) -> Result<Vec<DocGrant>, StoreError>;

    /// Paths starting with `prefix` where the principal holds a grant, directly, through a
    /// group or through their department (to list libraries they can reach).
    async fn doc_granted_roots(&self, principal_id: i64, prefix: &str) -> Result<Vec<String>, StoreError>;

    async fn doc_grants_on(&self, path: &str) -> Result<Vec<DocGrant>, StoreError>;

    /// Sets the grantee's level on `path`, replacing an earlier grant to the same grantee.
    async fn doc_grant(&self, path: &str, grantee: Grantee, level: AccessLevel) -> Result<(), StoreError>;

    async fn doc_revoke(&self, path: &str, grantee: Grantee) -> Result<bool, StoreError>;

    async fn memberships(&self, principal_id: i64) -> Result<Memberships, StoreError>;

    /// The department whose library folder is `slug`.
    async fn department_by_slug(&self, slug: &str) -> Result<Option<(i64, Option<i64>)>, StoreError>;

    /// All department slugs, for listing `/docs/departments/`.
    async fn department_slugs(&self) -> Result<Vec<String>, StoreError>;

    async fn add_membership(&self, group_id: i64, member_id: i64) -> Result<(), StoreError>;

    /// Removes a member from a group; false when they were not in it.
    async fn remove_membership(&self, group_id: i64, member_id: i64) -> Result<bool, StoreError>;

    /// The logins and names of a group's members, by login.
    async fn group_members(&self, group_id: i64) -> Result<Vec<(String, String)>, StoreError>;
}

#[async_trait::async_trait]
impl GrantRepo for Store {
    async fn doc_grants_covering(&self, path: &str) -> Result<Vec<DocGrant>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, path, principal_id, department_id, level FROM doc_grants \
             WHERE path = $1 OR substr($1, 1, length(path) + 1) = path || '/'",
        )
        .bind(path)
        .fetch_all(self.pool())
        .await?)
    }

    async fn doc_granted_roots(&self, principal_id: i64, prefix: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT path FROM doc_grants WHERE substr(path, 1, length($2)) = $2 AND ( \
             principal_id = $1 OR principal_id IN (SELECT group_id FROM memberships WHERE member_id = $1) \
             OR department_id IN (SELECT department_id FROM employees WHERE principal_id = $1))",
        )
        .bind(principal_id)
        .bind(prefix)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(p,)| p).collect())
    }

    async fn doc_grants_on(&self, path: &str) -> Result<Vec<DocGrant>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, path, principal_id, department_id, level FROM doc_grants WHERE path = $1 ORDER BY id",
        )
        .bind(path)
        .fetch_all(self.pool())
        .await?)
    }

    async fn doc_grant(&self, path: &str, grantee: Grantee, level: AccessLevel) -> Result<(), StoreError> {
        let (principal, department) = match grantee {
            Grantee::Principal(id) => (Some(id), None),
            Grantee::Department(id) => (None, Some(id)),
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM doc_grants WHERE path = $1 AND \
             COALESCE(principal_id, -1) = COALESCE($2, -1) AND COALESCE(department_id, -1) = COALESCE($3, -1)",
        )
        .bind(path)
        .bind(principal)
        .bind(department)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO doc_grants (path, principal_id, department_id, level) VALUES ($1, $2, $3, $4)")
            .bind(path)
            .bind(principal)
            .bind(department)
            .bind(level as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn doc_revoke(&self, path: &str, grantee: Grantee) -> Result<bool, StoreError> {
        let (principal, department) = match grantee {
            Grantee::Principal(id) => (Some(id), None),
            Grantee::Department(id) => (None, Some(id)),
        };
        let done = sqlx::query(
            "DELETE FROM doc_grants WHERE path = $1 AND \
             COALESCE(principal_id, -1) = COALESCE($2, -1) AND COALESCE(department_id, -1) = COALESCE($3, -1)",
        )
        .bind(path)
        .bind(principal)
        .bind(department)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn memberships(&self, principal_id: i64) -> Result<Memberships, StoreError> {
        let dept: Option<(Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT e.department_id, d.slug FROM employees e LEFT JOIN departments d ON d.id = e.department_id \
             WHERE e.principal_id = $1",
        )
        .bind(principal_id)
        .fetch_optional(self.pool())
        .await?;
        let groups: Vec<(i64,)> = sqlx::query_as("SELECT group_id FROM memberships WHERE member_id = $1")
            .bind(principal_id)
            .fetch_all(self.pool())
            .await?;
        let (department_id, department_slug) = dept.unwrap_or_default();
        Ok(Memberships {
            department_id,
            department_slug,
            group_ids: groups.into_iter().map(|(g,)| g).collect(),
        })
    }

    async fn department_by_slug(&self, slug: &str) -> Result<Option<(i64, Option<i64>)>, StoreError> {
        Ok(sqlx::query_as("SELECT id, head_id FROM departments WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn department_slugs(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT slug FROM departments WHERE slug IS NOT NULL ORDER BY slug")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    async fn add_membership(&self, group_id: i64, member_id: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO memberships (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(group_id)
            .bind(member_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn remove_membership(&self, group_id: i64, member_id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM memberships WHERE group_id = $1 AND member_id = $2")
            .bind(group_id)
            .bind(member_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn group_members(&self, group_id: i64) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.login, p.display_name FROM memberships m JOIN principals p ON p.id = m.member_id \
             WHERE m.group_id = $1 ORDER BY p.login",
        )
        .bind(group_id)
        .fetch_all(self.pool())
        .await?)
    }
}
