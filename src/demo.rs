//! The demo company seeded by `portico serve --demo`: a department tree and ~30 employees
//! with titles, phones, birthdays and managers, so a newcomer sees something real.
//! Demo users sign in with the password from `PORTICO_DEMO_PASSWORD` (default `demo`).
//! It also puts a few documents into the company and department libraries.
//! Seeding runs once: a database that already has departments is left as it is.

use bytes::Bytes;

use crate::auth::password;
use crate::blobs::{BlobError, BlobStore};
use crate::store::{EmployeeFields, NewDepartment, NewPrincipal, PrincipalKind, PutCondition, Store, StoreError};

/// (department, parent index or None, employees as (login, name, title)); the first
/// employee of each department is its head.
/// (login, full name, title)
type Person = (&'static str, &'static str, &'static str);

const COMPANY: &[(&str, Option<usize>, &[Person])] = &[
    (
        "Northwind Ltd",
        None,
        &[
            ("olivia", "Olivia Hart", "Chief Executive Officer"),
            ("ethan", "Ethan Moore", "Executive Assistant"),
        ],
    ),
    (
        "Sales",
        Some(0),
        &[
            ("sophia", "Sophia Reed", "Head of Sales"),
            ("liam", "Liam Carter", "Account Executive"),
            ("ava", "Ava Brooks", "Account Executive"),
            ("noah", "Noah Price", "Sales Development Rep"),
            ("mia", "Mia Foster", "Sales Development Rep"),
        ],
    ),
    (
        "Engineering",
        Some(0),
        &[
            ("james", "James Porter", "VP Engineering"),
            ("harper", "Harper Cole", "Engineering Manager"),
        ],
    ),
    (
        "Backend",
        Some(2),
        &[
            ("lucas", "Lucas Gray", "Lead Backend Engineer"),
            ("amelia", "Amelia Ward", "Backend Engineer"),
            ("henry", "Henry Bell", "Backend Engineer"),
            ("ella", "Ella Hughes", "Site Reliability Engineer"),
        ],
    ),
    (
        "Frontend",
        Some(2),
        &[
            ("jack", "Jack Murphy", "Lead Frontend Engineer"),
            ("lily", "Lily Sanders", "Frontend Engineer"),
            ("leo", "Leo Jenkins", "UX Designer"),
        ],
    ),
    (
        "Finance",
        Some(0),
        &[
            ("grace", "Grace Bennett", "Chief Financial Officer"),
            ("owen", "Owen Russell", "Accountant"),
            ("chloe", "Chloe Griffin", "Payroll Specialist"),
        ],
    ),
    (
        "Human Resources",
        Some(0),
        &[
            ("zoe", "Zoe Hayes", "Head of HR"),
            ("ryan", "Ryan Myers", "Recruiter"),
            ("nora", "Nora Ford", "HR Generalist"),
        ],
    ),
    (
        "Customer Support",
        Some(0),
        &[
            ("daniel", "Daniel West", "Head of Support"),
            ("ruby", "Ruby Cooper", "Support Engineer"),
            ("isaac", "Isaac Kelly", "Support Engineer"),
            ("alice", "Alice Howard", "Support Engineer"),
            ("max", "Max Ward", "Technical Writer"),
        ],
    ),
    (
        "Facilities",
        Some(0),
        &[
            ("sam", "Sam Morgan", "Office Manager"),
            ("ivy", "Ivy Long", "Receptionist"),
        ],
    ),
];

pub const DEMO_DOMAIN: &str = "northwind.example";

/// Documents of the demo libraries: (folder path, file name, content).
const DOCUMENTS: &[(&str, &str, &str)] = &[
    (
        "shared",
        "Welcome.txt",
        "Welcome to Northwind's document library.\nMap it as a network drive: http://SERVER/docs/shared/\n",
    ),
    (
        "shared/Policies",
        "Holiday policy.txt",
        "Every employee has 25 days of paid holiday a year.\n",
    ),
    (
        "shared/Policies",
        "Expenses policy.txt",
        "Submit receipts within 30 days.\n",
    ),
    (
        "departments/sales",
        "Price list 2026.csv",
        "product,price\nWidget,10.00\nGadget,25.50\n",
    ),
    (
        "departments/engineering",
        "Architecture.md",
        "# Architecture\n\nServices talk over HTTP.\n",
    ),
];

async fn seed_documents(store: &Store, blobs: &dyn BlobStore, author_id: i64) -> Result<(), StoreError> {
    for (folder, name, text) in DOCUMENTS {
        let mut path = String::new();
        for (i, segment) in folder.split('/').enumerate() {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(segment);
            let is_root = i == 0 || (i == 1 && !folder.starts_with("shared"));
            if is_root {
                store.doc_ensure_root(&path).await?;
            } else {
                store.doc_mkcol(&path).await?;
            }
        }
        let chunk: Result<Bytes, BlobError> = Ok(Bytes::from_static(text.as_bytes()));
        let blob = blobs
            .put(Box::pin(futures_util::stream::iter([chunk])), 1 << 20)
            .await
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let ctype = mime_guess::from_path(name)
            .first_or_octet_stream()
            .essence_str()
            .to_owned();
        store
            .doc_put(
                &format!("{folder}/{name}"),
                &blob,
                &ctype,
                author_id,
                &PutCondition::Any,
            )
            .await?;
    }
    Ok(())
}

/// Seeds the demo company unless departments already exist; returns how many employees it created.
pub async fn seed(store: &Store, blobs: &dyn BlobStore, demo_password: &str) -> Result<usize, StoreError> {
    if store.count_departments().await? > 0 {
        return Ok(0);
    }
    let hash = password::hash(demo_password).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let mut department_ids: Vec<i64> = Vec::new();
    let mut heads: Vec<i64> = Vec::new();
    let mut created = 0;
    for (name, parent, people) in COMPANY {
        let parent_id = parent.and_then(|p| department_ids.get(p).copied());
        let dept = store.create_department(NewDepartment { name, parent_id }).await?;
        department_ids.push(dept);
        let parent_head = parent.and_then(|p| heads.get(p).copied());
        let mut head = None;
        for (i, (login, full_name, title)) in people.iter().enumerate() {
            let email = format!("{login}@{DEMO_DOMAIN}");
            let principal = store
                .create_principal(NewPrincipal {
                    kind: PrincipalKind::User,
                    login,
                    display_name: full_name,
                    email: Some(&email),
                    password_hash: Some(&hash),
                    is_admin: false,
                })
                .await?;
            let n = created + 1;
            let fields = EmployeeFields {
                department_id: Some(dept),
                manager_id: if i == 0 { parent_head } else { head },
                title: Some((*title).to_owned()),
                phone: Some(format!("+1 555 01{:02}", n)),
                mobile: Some(format!("+1 555 02{:02}", n)),
                birthday: Some(format!(
                    "{}-{:02}-{:02}",
                    1970 + (n * 7) % 30,
                    1 + (n * 5) % 12,
                    1 + (n * 11) % 28
                )),
                hire_date: Some(format!("{}-{:02}-01", 2012 + n % 12, 1 + n % 12)),
            };
            store.upsert_employee(principal.id, &fields).await?;
            if i == 0 {
                head = Some(principal.id);
                store.set_department_head(dept, principal.id).await?;
            }
            created += 1;
        }
        heads.push(head.unwrap_or_default());
    }
    seed_documents(store, blobs, heads.first().copied().unwrap_or_default()).await?;
    Ok(created)
}
