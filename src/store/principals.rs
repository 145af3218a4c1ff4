//! The `principals` table: users, groups and resources (meeting rooms), and their passwords.

use std::sync::Arc;

use sqlx::FromRow;

use super::{Store, StoreError, is_unique_violation, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    Group,
    Resource,
}

impl PrincipalKind {
    fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
            PrincipalKind::Resource => "resource",
        }
    }

    fn parse(s: &str) -> PrincipalKind {
        match s {
            "group" => PrincipalKind::Group,
            "resource" => PrincipalKind::Resource,
            _ => PrincipalKind::User,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub id: i64,
    pub kind: PrincipalKind,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub active: bool,
    pub source: String,
    /// The directory's stable id (objectGUID / entryUUID) for synced people.
    pub external_id: Option<String>,
    /// For the group principals that stand for the company or a department.
    pub team: Option<Team>,
}

/// Which whole team a group principal stands for (workgroups are ordinary groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Team {
    Company,
    /// Its members are the employees of this department.
    Department(i64),
}

impl Team {
    /// The login of the team's principal: '@' never appears in a person's login.
    pub fn login(self, department_slug: &str) -> String {
        match self {
            Team::Company => "@company".into(),
            Team::Department(_) => format!("@dept-{department_slug}"),
        }
    }
}

#[derive(FromRow)]
struct PrincipalRow {
    id: i64,
    kind: String,
    login: String,
    display_name: String,
    email: Option<String>,
    is_admin: i64,
    active: i64,
    source: String,
    external_id: Option<String>,
    team: Option<String>,
    team_department_id: Option<i64>,
}

impl From<PrincipalRow> for Principal {
    fn from(r: PrincipalRow) -> Self {
        Principal {
            id: r.id,
            kind: PrincipalKind::parse(&r.kind),
            login: r.login,
            display_name: r.display_name,
            email: r.email,
            is_admin: r.is_admin != 0,
            active: r.active != 0,
            source: r.source,
            external_id: r.external_id,
            team: match (r.team.as_deref(), r.team_department_id) {
                (Some("company"), _) => Some(Team::Company),
                (Some("department"), Some(id)) => Some(Team::Department(id)),
                _ => None,
            },
        }
    }
}

#[derive(FromRow)]
struct PrincipalWithHash {
    #[sqlx(flatten)]
    principal: PrincipalRow,
    password_hash: Option<String>,
}

/// What is needed to create a principal; `password_hash` is an argon2 PHC string.
pub struct NewPrincipal<'a> {
    pub kind: PrincipalKind,
    pub login: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub is_admin: bool,
}

/// The columns of [`PrincipalRow`], as a literal so queries stay static strings.
macro_rules! columns {
    () => {
        "id, kind, login, display_name, email, is_admin, active, source, external_id, team, team_department_id"
    };
}

/// Users, groups and rooms, and their passwords.
#[async_trait::async_trait]
pub trait PrincipalRepo: Send + Sync {
    async fn create_principal(&self, new: NewPrincipal<'_>) -> Result<Principal, StoreError>;

    async fn principal_by_login(&self, login: &str) -> Result<Option<Principal>, StoreError>;

    /// The principal whose e-mail is `email` (compared case-insensitively), for calendar user
    /// addresses (RFC 6638 `mailto:`).
    async fn principal_by_email(&self, email: &str) -> Result<Option<Principal>, StoreError>;

    async fn principal_by_id(&self, id: i64) -> Result<Option<Principal>, StoreError>;

    /// A principal with its stored argon2 hash (`None` for accounts without a local password).
    async fn password_hash(&self, login: &str) -> Result<Option<(Principal, Option<String>)>, StoreError>;

    /// Sets a principal's password hash; false when no such login exists.
    async fn set_password_hash(&self, login: &str, hash: &str) -> Result<bool, StoreError>;

    /// Makes a user an administrator or not; false when no such login.
    async fn set_admin(&self, login: &str, admin: bool) -> Result<bool, StoreError>;

    /// Activates or deactivates a principal (their data stays); false when no such login.
    async fn set_active(&self, login: &str, active: bool) -> Result<bool, StoreError>;

    /// The principals of a kind by login; kept while nothing changes ([`super::Kept`]).
    async fn list_principals(&self, kind: PrincipalKind) -> Result<Vec<Principal>, StoreError>;

    /// The group principal of a team, created the first time it is needed.
    async fn ensure_team_principal(
        &self,
        team: Team,
        department_slug: &str,
        display_name: &str,
    ) -> Result<Principal, StoreError>;

    async fn count_principals(&self) -> Result<i64, StoreError>;
}

#[async_trait::async_trait]
impl PrincipalRepo for Store {
    async fn create_principal(&self, new: NewPrincipal<'_>) -> Result<Principal, StoreError> {
        let sql = concat!(
            "INSERT INTO principals (kind, login, display_name, email, password_hash, is_admin, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
            columns!()
        );
        let row: PrincipalRow = sqlx::query_as(sql)
            .bind(new.kind.as_str())
            .bind(new.login)
            .bind(new.display_name)
            .bind(new.email)
            .bind(new.password_hash)
            .bind(i64::from(new.is_admin))
            .bind(now())
            .fetch_one(self.pool())
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("login {:?} is already taken", new.login))
                } else {
                    e.into()
                }
            })?;
        Ok(row.into())
    }

    async fn principal_by_login(&self, login: &str) -> Result<Option<Principal>, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM principals WHERE login = $1");
        let row: Option<PrincipalRow> = sqlx::query_as(sql).bind(login).fetch_optional(self.pool()).await?;
        Ok(row.map(Into::into))
    }

    async fn principal_by_email(&self, email: &str) -> Result<Option<Principal>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM principals WHERE lower(email) = $1 ORDER BY id LIMIT 1"
        );
        let row: Option<PrincipalRow> = sqlx::query_as(sql)
            .bind(email.to_lowercase())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(Into::into))
    }

    async fn principal_by_id(&self, id: i64) -> Result<Option<Principal>, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM principals WHERE id = $1");
        let row: Option<PrincipalRow> = sqlx::query_as(sql).bind(id).fetch_optional(self.pool()).await?;
        Ok(row.map(Into::into))
    }

    async fn password_hash(&self, login: &str) -> Result<Option<(Principal, Option<String>)>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            ", password_hash FROM principals WHERE login = $1"
        );
        let row: Option<PrincipalWithHash> = sqlx::query_as(sql).bind(login).fetch_optional(self.pool()).await?;
        Ok(row.map(|r| (r.principal.into(), r.password_hash)))
    }

    async fn set_password_hash(&self, login: &str, hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE principals SET password_hash = $1 WHERE login = $2")
            .bind(hash)
            .bind(login)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_admin(&self, login: &str, admin: bool) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE principals SET is_admin = $1 WHERE login = $2 AND kind = 'user'")
            .bind(i64::from(admin))
            .bind(login)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_active(&self, login: &str, active: bool) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE principals SET active = $1 WHERE login = $2")
            .bind(i64::from(active))
            .bind(login)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_principals(&self, kind: PrincipalKind) -> Result<Vec<Principal>, StoreError> {
        let version = self.directory_version().await?;
        if let Some(list) = self.kept(version, |k| k.principals.get(kind.as_str()).cloned()) {
            return Ok(list.as_ref().clone());
        }
        let sql = concat!("SELECT ", columns!(), " FROM principals WHERE kind = $1 ORDER BY login");
        let rows: Vec<PrincipalRow> = sqlx::query_as(sql).bind(kind.as_str()).fetch_all(self.pool()).await?;
        let list: Vec<Principal> = rows.into_iter().map(Into::into).collect();
        self.keep(version, |k| {
            k.principals.insert(kind.as_str(), Arc::new(list.clone()));
        });
        Ok(list)
    }

    async fn ensure_team_principal(
        &self,
        team: Team,
        department_slug: &str,
        display_name: &str,
    ) -> Result<Principal, StoreError> {
        let login = team.login(department_slug);
        if let Some(p) = self.principal_by_login(&login).await? {
            return Ok(p);
        }
        let (kind, department) = match team {
            Team::Company => ("company", None),
            Team::Department(id) => ("department", Some(id)),
        };
        let sql = concat!(
            "INSERT INTO principals (kind, login, display_name, source, team, team_department_id, created_at) \
             VALUES ('group', $1, $2, 'system', $3, $4, $5) RETURNING ",
            columns!()
        );
        let row: PrincipalRow = sqlx::query_as(sql)
            .bind(&login)
            .bind(display_name)
            .bind(kind)
            .bind(department)
            .bind(now())
            .fetch_one(self.pool())
            .await?;
        Ok(row.into())
    }

    async fn count_principals(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM principals")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }
}
