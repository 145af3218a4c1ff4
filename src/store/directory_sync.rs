//! Applying a directory (LDAP / Active Directory) sync plan to the principals, employees and
//! departments, and the sync state and staff-change log around it.
//!
//! The whole plan is one transaction (`apply_directory_plan`): a pass that fails half-way —
//! a constraint, a vanished connection — leaves every table as it was. Department paths are
//! stored joined with the ASCII unit separator, which no directory name contains.

use std::collections::HashMap;

use ldap_sync::{DepartmentPath, LocalPerson, Person, Plan, StaffChange, SyncedFields};
use sqlx::FromRow;

use super::collections::{Params, bulk_rows};
use super::{Dialect, Store, StoreError, now, slugify};

const PATH_SEP: char = '\u{1f}';

fn path_key(path: &DepartmentPath) -> String {
    path.segments().join(&PATH_SEP.to_string())
}

/// What a pass changed, for the CLI summary and the status row.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ApplySummary {
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
    pub staff_changes: usize,
}

/// The last recorded state of a directory source.
#[derive(Debug, Clone, FromRow)]
pub struct DirectoryState {
    pub cursor: Option<String>,
    pub last_full_at: Option<i64>,
    pub last_run_at: Option<i64>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
}

/// One logged staff change.
#[derive(Debug, Clone, FromRow)]
pub struct StaffChangeRow {
    pub login: String,
    pub kind: String,
    pub detail: String,
    pub at: i64,
}

#[derive(FromRow)]
struct LocalRow {
    external_id: String,
    dn: Option<String>,
    login: String,
    display_name: String,
    email: Option<String>,
    active: i64,
    given_name: Option<String>,
    surname: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    title: Option<String>,
    birthday: Option<String>,
    hire_date: Option<String>,
    photo_sha256: Option<String>,
    department_path: Option<String>,
    manager_external_id: Option<String>,
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The directory sync: its plans, state, reports and staff changes.
#[async_trait::async_trait]
pub trait DirectorySyncRepo: Send + Sync {
    /// Everyone who came from the directory, as the planner compares them.
    async fn directory_people(&self) -> Result<Vec<LocalPerson>, StoreError>;

    async fn directory_state(&self, source: &str) -> Result<Option<DirectoryState>, StoreError>;

    /// Records a failed pass (the data itself is untouched).
    async fn record_directory_failure(&self, source: &str, error: &str) -> Result<(), StoreError>;

    /// Keeps the figures of a completed pass (JSON written by the directory service).
    async fn record_directory_report(&self, source: &str, report: &str) -> Result<(), StoreError>;

    /// The figures of the last completed pass, as `record_directory_report` kept them.
    async fn directory_report(&self, source: &str) -> Result<Option<String>, StoreError>;

    /// Staff changes logged at or after `since`, oldest first.
    async fn staff_changes_since(&self, since: i64) -> Result<Vec<StaffChangeRow>, StoreError>;

    /// Makes `changes` (login, kind, JSON detail, time; oldest first) the staff changes logged
    /// from `source`, in one transaction (the demo company's, dated relative to today). A
    /// login nobody has is left out.
    async fn replace_staff_changes(
        &self,
        source: &str,
        changes: &[(&str, &str, String, i64)],
    ) -> Result<(), StoreError>;

    /// Applies a sync plan atomically. `photos` maps external ids to the blob digest of their
    /// photo (already stored). The first full import logs no "hired" entries.
    async fn apply_directory_plan(
        &self,
        source: &str,
        plan: &Plan,
        photos: &HashMap<String, String>,
    ) -> Result<ApplySummary, StoreError>;
}

#[async_trait::async_trait]
impl DirectorySyncRepo for Store {
    async fn directory_people(&self) -> Result<Vec<LocalPerson>, StoreError> {
        let rows: Vec<LocalRow> = sqlx::query_as(
            "SELECT p.external_id, p.dn, p.login, p.display_name, p.email, p.active, e.given_name, e.surname, \
             e.phone, e.mobile, e.title, e.birthday, e.hire_date, e.photo_sha256, d.path AS department_path, \
             m.external_id AS manager_external_id FROM principals p \
             LEFT JOIN employees e ON e.principal_id = p.id LEFT JOIN departments d ON d.id = e.department_id \
             LEFT JOIN principals m ON m.id = e.manager_id WHERE p.external_id IS NOT NULL AND p.kind = 'user' \
             ORDER BY p.id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| LocalPerson {
                external_id: r.external_id,
                dn: r.dn.unwrap_or_default(),
                login: r.login,
                given_name: r.given_name,
                surname: r.surname,
                display_name: r.display_name,
                email: r.email,
                phone: r.phone,
                mobile: r.mobile,
                title: r.title,
                department: r
                    .department_path
                    .and_then(|p| DepartmentPath::new(p.split(PATH_SEP).map(str::to_owned).collect())),
                manager_external_id: r.manager_external_id,
                photo_sha256: r.photo_sha256,
                birthday: r.birthday,
                hire_date: r.hire_date,
                active: r.active != 0,
            })
            .collect())
    }

    async fn directory_state(&self, source: &str) -> Result<Option<DirectoryState>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT cursor, last_full_at, last_run_at, last_status, last_error FROM directory_sync WHERE source = $1",
        )
        .bind(source)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn record_directory_failure(&self, source: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO directory_sync (source, last_run_at, last_status, last_error) VALUES ($1, $2, 'failed', $3) \
             ON CONFLICT (source) DO UPDATE SET last_run_at = excluded.last_run_at, last_status = 'failed', \
             last_error = excluded.last_error",
        )
        .bind(source)
        .bind(now())
        .bind(error)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn record_directory_report(&self, source: &str, report: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO directory_sync (source, last_report) VALUES ($1, $2) \
             ON CONFLICT (source) DO UPDATE SET last_report = excluded.last_report",
        )
        .bind(source)
        .bind(report)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn directory_report(&self, source: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> = sqlx::query_as("SELECT last_report FROM directory_sync WHERE source = $1")
            .bind(source)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.and_then(|(report,)| report))
    }

    async fn staff_changes_since(&self, since: i64) -> Result<Vec<StaffChangeRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.login, s.kind, s.detail, s.at FROM staff_changes s JOIN principals p ON p.id = s.principal_id \
             WHERE s.at >= $1 ORDER BY s.id",
        )
        .bind(since)
        .fetch_all(self.pool())
        .await?)
    }

    async fn replace_staff_changes(
        &self,
        source: &str,
        changes: &[(&str, &str, String, i64)],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM staff_changes WHERE source = $1")
            .bind(source)
            .execute(&mut *tx)
            .await?;
        for (login, kind, detail, at) in changes {
            sqlx::query(
                "INSERT INTO staff_changes (principal_id, kind, detail, source, at) \
                 SELECT id, $1, $2, $3, $4 FROM principals WHERE login = $5",
            )
            .bind(*kind)
            .bind(detail)
            .bind(source)
            .bind(*at)
            .bind(*login)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn apply_directory_plan(
        &self,
        source: &str,
        plan: &Plan,
        photos: &HashMap<String, String>,
    ) -> Result<ApplySummary, StoreError> {
        let t = now();
        let mut tx = self.begin_write().await?;
        let first_import = sqlx::query_as::<_, (i64,)>(
            "SELECT COUNT(*) FROM principals WHERE external_id IS NOT NULL AND kind = 'user'",
        )
        .fetch_one(&mut *tx)
        .await?
        .0 == 0;
        ensure_departments(&mut tx, plan, t).await?;
        for external_id in &plan.release_logins {
            sqlx::query(
                "UPDATE principals SET login = login || '~released~' || CAST(id AS TEXT) WHERE external_id = $1",
            )
            .bind(external_id)
            .execute(&mut *tx)
            .await?;
        }
        for external_id in &plan.deactivate {
            sqlx::query("UPDATE principals SET active = 0 WHERE external_id = $1")
                .bind(external_id)
                .execute(&mut *tx)
                .await?;
        }
        // Logins may swap between two people within one plan: park the renamed ones first.
        for update in &plan.update {
            sqlx::query(
                "UPDATE principals SET login = '~renaming~' || CAST(id AS TEXT) WHERE external_id = $1 AND login <> $2",
            )
            .bind(&update.person.external_id)
            .bind(&update.person.login)
            .execute(&mut *tx)
            .await?;
        }
        insert_people(&mut tx, self.dialect, &plan.create, t).await?;
        for update in &plan.update {
            let p = &update.person;
            sqlx::query(
                "UPDATE principals SET login = $1, display_name = $2, email = $3, active = $4, dn = $5 WHERE external_id = $6",
            )
            .bind(&p.login)
            .bind(&p.display_name)
            .bind(&p.email)
            .bind(i64::from(p.active))
            .bind(&p.dn)
            .bind(&p.external_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if super::is_unique_violation(&e) {
                    StoreError::Conflict(format!("the directory login {:?} is taken by a local account", p.login))
                } else {
                    e.into()
                }
            })?;
        }
        // Every directory principal's id by external id, read once: the employee rows, managers
        // and group memberships below refer to them by id, many rows a statement.
        let ids: HashMap<String, i64> =
            sqlx::query_as::<_, (String, i64)>("SELECT external_id, id FROM principals WHERE external_id IS NOT NULL")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        let departments: HashMap<String, i64> =
            sqlx::query_as::<_, (String, i64)>("SELECT path, id FROM departments WHERE path IS NOT NULL")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        insert_employees(
            &mut tx,
            self.dialect,
            &plan.create,
            &plan.fields,
            photos,
            &ids,
            &departments,
        )
        .await?;
        // People updated: their employee rows may predate the sync (a local account taken
        // over), so each is made if missing and then updated field by field.
        for chunk in plan.update.chunks(bulk_rows(1)) {
            let sql = format!(
                "INSERT INTO employees (principal_id) SELECT id FROM principals WHERE external_id IN ({}) \
                 ON CONFLICT (principal_id) DO NOTHING",
                Params::new(self.dialect).rows(chunk.len(), 1)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for update in chunk {
                q = q.bind(&update.person.external_id);
            }
            q.execute(&mut *tx).await?;
        }
        for update in &plan.update {
            let person = &update.person;
            upsert_employee(&mut tx, person, &plan.fields, photos.get(&person.external_id)).await?;
        }
        for d in &plan.departments {
            if let Some(head) = &d.head_external_id {
                sqlx::query(
                    "UPDATE departments SET head_id = (SELECT id FROM principals WHERE external_id = $1) WHERE path = $2",
                )
                .bind(head)
                .bind(path_key(&d.path))
                .execute(&mut *tx)
                .await?;
            }
        }
        apply_groups(&mut tx, self.dialect, plan, t, &ids).await?;
        let mut logged = 0;
        for (external_id, change) in plan.staff_changes() {
            if first_import && matches!(change, StaffChange::Hired) {
                continue;
            }
            let detail = serde_json::to_string(&change).map_err(|e| StoreError::Conflict(e.to_string()))?;
            sqlx::query(
                "INSERT INTO staff_changes (principal_id, kind, detail, source, at) \
                 SELECT id, $1, $2, 'ldap', $3 FROM principals WHERE external_id = $4",
            )
            .bind(change.kind())
            .bind(detail)
            .bind(t)
            .bind(external_id)
            .execute(&mut *tx)
            .await?;
            logged += 1;
        }
        sqlx::query(
            "INSERT INTO directory_sync (source, cursor, last_full_at, last_run_at, last_status, last_error) \
             VALUES ($1, $2, CASE WHEN $3 = 1 THEN $4 ELSE NULL END, $4, 'ok', NULL) \
             ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, last_run_at = excluded.last_run_at, \
             last_full_at = COALESCE(excluded.last_full_at, directory_sync.last_full_at), last_status = 'ok', \
             last_error = NULL",
        )
        .bind(source)
        .bind(plan.cursor.encode())
        .bind(i64::from(plan.full))
        .bind(t)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ApplySummary {
            created: plan.create.len(),
            updated: plan.update.len(),
            deactivated: plan.deactivate.len(),
            unchanged: plan.unchanged,
            staff_changes: logged,
        })
    }
}

/// Directory groups become group principals (login `group name`, made unique) whose
/// memberships are exactly the directory's: nested groups give their people to the parent.
/// On a full pass, directory groups that are gone lose their members.
async fn apply_groups(
    tx: &mut Tx,
    dialect: Dialect,
    plan: &Plan,
    t: i64,
    ids: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    let by_id: HashMap<&str, &ldap_sync::Group> =
        plan.groups.upsert.iter().map(|g| (g.external_id.as_str(), g)).collect();
    for group in &plan.groups.upsert {
        let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM principals WHERE external_id = $1")
            .bind(&group.external_id)
            .fetch_optional(&mut **tx)
            .await?;
        let id = match existing {
            Some((id,)) => {
                sqlx::query("UPDATE principals SET display_name = $1, dn = $2, active = 1 WHERE id = $3")
                    .bind(&group.name)
                    .bind(&group.dn)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                id
            }
            None => {
                let base = slugify(&group.name);
                let mut login = base.clone();
                for n in 2.. {
                    let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM principals WHERE login = $1")
                        .bind(&login)
                        .fetch_optional(&mut **tx)
                        .await?;
                    if taken.is_none() {
                        break;
                    }
                    login = format!("{base}-{n}");
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO principals (kind, login, display_name, is_admin, active, source, created_at, \
                     external_id, dn) VALUES ('group', $1, $2, 0, 1, 'ldap', $3, $4, $5) RETURNING id",
                )
                .bind(&login)
                .bind(&group.name)
                .bind(t)
                .bind(&group.external_id)
                .bind(&group.dn)
                .fetch_one(&mut **tx)
                .await?;
                id
            }
        };
        // People of the group and of the groups nested in it (cycles are cut by `seen`).
        let mut people: Vec<&str> = Vec::new();
        let mut stack: Vec<&ldap_sync::Group> = vec![group];
        let mut seen: Vec<&str> = Vec::new();
        while let Some(g) = stack.pop() {
            if seen.contains(&g.external_id.as_str()) {
                continue;
            }
            seen.push(&g.external_id);
            people.extend(g.members.iter().map(String::as_str));
            stack.extend(g.subgroups.iter().filter_map(|s| by_id.get(s.as_str()).copied()));
        }
        sqlx::query("DELETE FROM memberships WHERE group_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        // Members the directory names but Portico does not know (filtered out, skipped) are left out.
        let mut members: Vec<i64> = people.iter().filter_map(|m| ids.get(*m).copied()).collect();
        members.sort_unstable();
        members.dedup();
        for chunk in members.chunks(bulk_rows(2)) {
            let sql = format!(
                "INSERT INTO memberships (group_id, member_id) VALUES {}",
                Params::new(dialect).rows(chunk.len(), 2)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for member in chunk {
                q = q.bind(id).bind(*member);
            }
            q.execute(&mut **tx).await?;
        }
    }
    if plan.full && plan.groups.remove_unlisted {
        let listed: Vec<&str> = plan.groups.upsert.iter().map(|g| g.external_id.as_str()).collect();
        let stale: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, external_id FROM principals WHERE kind = 'group' AND source = 'ldap' AND active = 1",
        )
        .fetch_all(&mut **tx)
        .await?;
        for (id, _) in stale.into_iter().filter(|(_, e)| !listed.contains(&e.as_str())) {
            sqlx::query("DELETE FROM memberships WHERE group_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            sqlx::query("UPDATE principals SET active = 0 WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Inserts the principals of the people a pass creates, many rows a statement. A login that
/// an existing account holds is named in the refusal (looked up first: after a failed
/// statement PostgreSQL accepts nothing more in the transaction).
async fn insert_people(tx: &mut Tx, dialect: Dialect, people: &[Person], t: i64) -> Result<(), StoreError> {
    for chunk in people.chunks(bulk_rows(7)) {
        let sql = format!(
            "SELECT login FROM principals WHERE login IN ({})",
            Params::new(dialect).rows(chunk.len(), 1)
        );
        let mut q = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(sql));
        for person in chunk {
            q = q.bind(&person.login);
        }
        if let Some((login,)) = q.fetch_optional(&mut **tx).await? {
            return Err(taken(&login));
        }
        let mut p = Params::new(dialect);
        let rows: Vec<String> = (0..chunk.len())
            .map(|_| {
                let values: Vec<String> = (0..7).map(|_| p.one()).collect();
                format!("('user', {}, 0, 'ldap')", values.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO principals (kind, login, display_name, email, active, created_at, external_id, dn, \
             is_admin, source) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for person in chunk {
            q = q
                .bind(&person.login)
                .bind(&person.display_name)
                .bind(&person.email)
                .bind(i64::from(person.active))
                .bind(t)
                .bind(&person.external_id)
                .bind(&person.dn);
        }
        if let Err(e) = q.execute(&mut **tx).await {
            return Err(if super::is_unique_violation(&e) {
                StoreError::Conflict(format!("a directory user has the login of an existing account: {e}"))
            } else {
                e.into()
            });
        }
    }
    Ok(())
}

fn taken(login: &str) -> StoreError {
    StoreError::Conflict(format!(
        "the directory user {login:?} has the login of an existing local account; rename one of them"
    ))
}

/// The employee rows of the people a pass creates, with every field the directory owns
/// (those it does not own start empty), many rows a statement.
async fn insert_employees(
    tx: &mut Tx,
    dialect: Dialect,
    people: &[Person],
    fields: &SyncedFields,
    photos: &HashMap<String, String>,
    ids: &HashMap<String, i64>,
    departments: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    fn owned<T>(owns: bool, value: Option<T>) -> Option<T> {
        value.filter(|_| owns)
    }
    for chunk in people.chunks(bulk_rows(11)) {
        let sql = format!(
            "INSERT INTO employees (principal_id, given_name, surname, phone, mobile, title, department_id, \
             manager_id, birthday, hire_date, photo_sha256) VALUES {}",
            Params::new(dialect).rows(chunk.len(), 11)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in chunk {
            let id = ids
                .get(&p.external_id)
                .copied()
                .ok_or_else(|| StoreError::Conflict(format!("the directory user {:?} was not stored", p.login)))?;
            let department = p
                .department
                .as_ref()
                .and_then(|d| departments.get(&path_key(d)).copied());
            let manager = p
                .manager
                .as_ref()
                .and_then(|m| m.external_id.as_ref())
                .and_then(|m| ids.get(m).copied());
            q = q
                .bind(id)
                .bind(owned(fields.given_name, p.given_name.as_deref()))
                .bind(owned(fields.surname, p.surname.as_deref()))
                .bind(owned(fields.phone, p.phone.as_deref()))
                .bind(owned(fields.mobile, p.mobile.as_deref()))
                .bind(owned(fields.title, p.title.as_deref()))
                .bind(owned(fields.department, department))
                .bind(owned(fields.manager, manager))
                .bind(owned(fields.birthday, p.birthday.as_deref()))
                .bind(owned(fields.hire_date, p.hire_date.as_deref()))
                .bind(owned(fields.photo, photos.get(&p.external_id).map(String::as_str)));
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Creates the departments of the plan (parents first) that do not exist yet.
async fn ensure_departments(tx: &mut Tx, plan: &Plan, t: i64) -> Result<(), StoreError> {
    let mut paths: Vec<&DepartmentPath> = plan.departments.iter().map(|d| &d.path).collect();
    paths.sort_by_key(|p| p.segments().len());
    for path in paths {
        let key = path_key(path);
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM departments WHERE path = $1")
            .bind(&key)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_some() {
            continue;
        }
        let parent_key = path.parent().map(|p| path_key(&p));
        let base = slugify(&path.segments().join(" "));
        let mut slug = base.clone();
        for n in 2.. {
            let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM departments WHERE slug = $1")
                .bind(&slug)
                .fetch_optional(&mut **tx)
                .await?;
            if taken.is_none() {
                break;
            }
            slug = format!("{base}-{n}");
        }
        sqlx::query(
            "INSERT INTO departments (name, parent_id, created_at, slug, path) \
             VALUES ($1, (SELECT id FROM departments WHERE path = $2), $3, $4, $5)",
        )
        .bind(path.name())
        .bind(parent_key)
        .bind(t)
        .bind(&slug)
        .bind(&key)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes the employee record of a directory person (the caller made the row); fields the
/// directory does not own are left as they are.
async fn upsert_employee(
    tx: &mut Tx,
    p: &Person,
    fields: &SyncedFields,
    photo: Option<&String>,
) -> Result<(), StoreError> {
    let department = p.department.as_ref().map(path_key);
    let manager = p.manager.as_ref().and_then(|m| m.external_id.clone());
    sqlx::query(
        "UPDATE employees SET \
         given_name = CASE WHEN $1 = 1 THEN $2 ELSE given_name END, \
         surname = CASE WHEN $3 = 1 THEN $4 ELSE surname END, \
         phone = CASE WHEN $5 = 1 THEN $6 ELSE phone END, \
         mobile = CASE WHEN $7 = 1 THEN $8 ELSE mobile END, \
         title = CASE WHEN $9 = 1 THEN $10 ELSE title END, \
         department_id = CASE WHEN $11 = 1 THEN (SELECT id FROM departments WHERE path = $12) ELSE department_id END, \
         manager_id = CASE WHEN $13 = 1 AND $14 IS NOT NULL \
             THEN (SELECT id FROM principals WHERE external_id = $14) \
             WHEN $13 = 1 AND $15 = 0 THEN NULL ELSE manager_id END, \
         birthday = CASE WHEN $16 = 1 THEN $17 ELSE birthday END, \
         hire_date = CASE WHEN $18 = 1 THEN $19 ELSE hire_date END, \
         photo_sha256 = CASE WHEN $20 = 1 THEN $21 ELSE photo_sha256 END \
         WHERE principal_id = (SELECT id FROM principals WHERE external_id = $22)",
    )
    .bind(i64::from(fields.given_name))
    .bind(&p.given_name)
    .bind(i64::from(fields.surname))
    .bind(&p.surname)
    .bind(i64::from(fields.phone))
    .bind(&p.phone)
    .bind(i64::from(fields.mobile))
    .bind(&p.mobile)
    .bind(i64::from(fields.title))
    .bind(&p.title)
    .bind(i64::from(fields.department))
    .bind(department)
    .bind(i64::from(fields.manager))
    .bind(manager)
    // A manager reference the pass could not resolve keeps the stored manager.
    .bind(i64::from(p.manager.is_some()))
    .bind(i64::from(fields.birthday))
    .bind(&p.birthday)
    .bind(i64::from(fields.hire_date))
    .bind(&p.hire_date)
    .bind(i64::from(fields.photo))
    .bind(photo)
    .bind(&p.external_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
