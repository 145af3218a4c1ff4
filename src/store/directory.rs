//! The department tree and employee records (`departments`, `employees`).
//!
//! Only what the demo company and the principals need today; the LDAP sync will add the
//! staff-change log and identity columns.

use std::sync::Arc;

use sqlx::FromRow;

use super::{Store, StoreError, now};

pub struct NewDepartment<'a> {
    pub name: &'a str,
    pub parent_id: Option<i64>,
}

/// Employee attributes of a user principal.
#[derive(Debug, Clone, Default)]
pub struct EmployeeFields {
    pub department_id: Option<i64>,
    pub manager_id: Option<i64>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub birthday: Option<String>,
    pub hire_date: Option<String>,
}

/// A department as the administration lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DepartmentRow {
    pub id: i64,
    pub name: String,
    pub slug: Option<String>,
    pub parent_id: Option<i64>,
    pub head_login: Option<String>,
    pub head_name: Option<String>,
    pub people: i64,
}

/// A URL-friendly folder name: lowercase letters and digits (any script), words joined by '-'.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() { "department".into() } else { slug }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Human Resources"), "human-resources");
        assert_eq!(slugify("  R&D / Lab 2 "), "r-d-lab-2");
        assert_eq!(slugify("Отдел продаж"), "отдел-продаж");
        assert_eq!(slugify("***"), "department");
    }
}

/// An active employee with what their directory card shows.
#[derive(Debug, Clone, FromRow)]
pub struct DirectoryEntry {
    pub principal_id: i64,
    pub login: String,
    pub external_id: Option<String>,
    pub display_name: String,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub title: Option<String>,
    pub birthday: Option<String>,
    pub photo_sha256: Option<String>,
    pub department_name: Option<String>,
    pub department_slug: Option<String>,
    pub manager_login: Option<String>,
    pub manager_external_id: Option<String>,
    pub manager_name: Option<String>,
}

impl Store {
    async fn read_directory_entries(&self) -> Result<Vec<DirectoryEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.id AS principal_id, p.login, p.external_id, p.display_name, p.email, e.given_name, e.surname, \
             e.phone, e.mobile, e.title, e.birthday, e.photo_sha256, d.name AS department_name, \
             d.slug AS department_slug, m.login AS manager_login, m.external_id AS manager_external_id, \
             m.display_name AS manager_name FROM principals p JOIN employees e ON e.principal_id = p.id \
             LEFT JOIN departments d ON d.id = e.department_id LEFT JOIN principals m ON m.id = e.manager_id \
             WHERE p.kind = 'user' AND p.active = 1 ORDER BY p.login",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

/// Departments and employee records.
#[async_trait::async_trait]
pub trait DirectoryRepo: Send + Sync {
    /// Creates a department; its library folder name (slug) is derived from the name and
    /// made unique with a numeric suffix when another department already has it.
    async fn create_department(&self, new: NewDepartment<'_>) -> Result<i64, StoreError>;

    async fn set_department_head(&self, department_id: i64, head_id: i64) -> Result<(), StoreError>;

    /// Creates or replaces the employee record of a principal.
    async fn upsert_employee(&self, principal_id: i64, f: &EmployeeFields) -> Result<(), StoreError>;

    /// Every department with its parent, head and number of employees, by name.
    async fn departments(&self) -> Result<Vec<DepartmentRow>, StoreError>;

    /// Sets an employee's birthday (`YYYY-MM-DD`); false when they have no employee record.
    async fn set_employee_birthday(&self, principal_id: i64, birthday: &str) -> Result<bool, StoreError>;

    async fn count_departments(&self) -> Result<i64, StoreError>;

    async fn count_employees(&self) -> Result<i64, StoreError>;

    /// Every active user with an employee record, for the directory address books.
    /// Every active employee as the directory shows them, sorted by login; kept while nothing
    /// changes ([`super::Kept`]).
    async fn directory_entries(&self) -> Result<Arc<Vec<DirectoryEntry>>, StoreError>;
}

#[async_trait::async_trait]
impl DirectoryRepo for Store {
    async fn create_department(&self, new: NewDepartment<'_>) -> Result<i64, StoreError> {
        let base = slugify(new.name);
        for attempt in 1..=100 {
            let slug = if attempt == 1 {
                base.clone()
            } else {
                format!("{base}-{attempt}")
            };
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO departments (name, parent_id, created_at, slug) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (slug) DO NOTHING RETURNING id",
            )
            .bind(new.name)
            .bind(new.parent_id)
            .bind(now())
            .bind(&slug)
            .fetch_optional(self.pool())
            .await?;
            if let Some((id,)) = inserted {
                return Ok(id);
            }
        }
        Err(StoreError::Conflict(format!(
            "too many departments named {:?}",
            new.name
        )))
    }

    async fn set_department_head(&self, department_id: i64, head_id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE departments SET head_id = $1 WHERE id = $2")
            .bind(head_id)
            .bind(department_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn upsert_employee(&self, principal_id: i64, f: &EmployeeFields) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO employees (principal_id, department_id, manager_id, title, phone, mobile, birthday, hire_date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (principal_id) DO UPDATE SET department_id = excluded.department_id, \
             manager_id = excluded.manager_id, title = excluded.title, phone = excluded.phone, \
             mobile = excluded.mobile, birthday = excluded.birthday, hire_date = excluded.hire_date",
        )
        .bind(principal_id)
        .bind(f.department_id)
        .bind(f.manager_id)
        .bind(f.title.as_deref())
        .bind(f.phone.as_deref())
        .bind(f.mobile.as_deref())
        .bind(f.birthday.as_deref())
        .bind(f.hire_date.as_deref())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn departments(&self) -> Result<Vec<DepartmentRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT d.id, d.name, d.slug, d.parent_id, h.login AS head_login, h.display_name AS head_name, \
             (SELECT COUNT(*) FROM employees e JOIN principals p ON p.id = e.principal_id \
              WHERE e.department_id = d.id AND p.active = 1) AS people \
             FROM departments d LEFT JOIN principals h ON h.id = d.head_id ORDER BY d.name, d.id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    async fn set_employee_birthday(&self, principal_id: i64, birthday: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE employees SET birthday = $1 WHERE principal_id = $2")
            .bind(birthday)
            .bind(principal_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn count_departments(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM departments")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    async fn count_employees(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM employees")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    async fn directory_entries(&self) -> Result<Arc<Vec<DirectoryEntry>>, StoreError> {
        let version = self.directory_version().await?;
        if let Some(entries) = self.kept(version, |k| k.entries.clone()) {
            return Ok(entries);
        }
        let entries = Arc::new(self.read_directory_entries().await?);
        self.keep(version, |k| k.entries = Some(entries.clone()));
        Ok(entries)
    }
}
