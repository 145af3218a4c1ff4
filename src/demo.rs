//! The demo company seeded by `portico serve --demo`: a department tree and ~30 employees
//! with titles, phones, birthdays and managers, so a newcomer sees something real.
//! Demo users sign in with the password from `PORTICO_DEMO_PASSWORD` (default `demo`).
//! It also puts a few documents into the company and department libraries.
//! Seeding runs once: a database that already has departments is left as it is. It goes
//! through the services as the system actor (documents on behalf of their author).

use bytes::Bytes;

use crate::blobs::BlobError;
use crate::core::directory::NewEmployee;
use crate::core::documents::{Located, PutFile};
use crate::core::{Actor, Core, Error, Principal, Result};
use crate::store::EmployeeFields;

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

async fn seed_documents(core: &Core, author: Principal) -> Result<()> {
    let actor = Actor::system_as(author);
    let docs = core.documents(&actor);
    for (folder, name, text) in DOCUMENTS {
        let segments: Vec<String> = folder.split('/').map(str::to_owned).collect();
        for depth in 1..=segments.len() {
            let Located::Doc(target) = docs.locate(segments[..depth].to_vec()).await? else {
                continue;
            };
            if !target.is_root() && docs.node(&target).await?.is_none() {
                docs.mkcol(&target, None).await?;
            }
        }
        let mut path = segments;
        path.push((*name).to_owned());
        let Located::Doc(target) = docs.locate(path).await? else {
            continue;
        };
        let chunk: std::result::Result<Bytes, BlobError> = Ok(Bytes::from_static(text.as_bytes()));
        let file = PutFile {
            body: Box::pin(futures_util::stream::iter([chunk])),
            content_type: None,
            declared_length: Some(text.len() as u64),
            preconditions: Default::default(),
            if_header: None,
        };
        docs.put(&target, file).await?;
    }
    Ok(())
}

/// Seeds the demo company unless departments already exist; returns how many employees it created.
pub async fn seed(core: &Core, demo_password: &str) -> Result<usize> {
    let system = Actor::system();
    let directory = core.directory(&system);
    if directory.department_count().await? > 0 {
        return Ok(0);
    }
    let mut department_ids: Vec<i64> = Vec::new();
    let mut heads: Vec<Option<Principal>> = Vec::new();
    let mut created = 0;
    for (name, parent, people) in COMPANY {
        let parent_id = parent.and_then(|p| department_ids.get(p).copied());
        let dept = directory.create_department(name, parent_id).await?;
        department_ids.push(dept);
        let parent_head = parent.and_then(|p| heads.get(p).cloned().flatten());
        let mut head: Option<Principal> = None;
        for (i, (login, full_name, title)) in people.iter().enumerate() {
            let email = format!("{login}@{DEMO_DOMAIN}");
            let n = created + 1;
            let manager = if i == 0 { parent_head.as_ref() } else { head.as_ref() };
            let fields = EmployeeFields {
                department_id: Some(dept),
                manager_id: manager.map(|m| m.id),
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
            let principal = directory
                .add_employee(NewEmployee {
                    login,
                    display_name: full_name,
                    email: Some(&email),
                    password: Some(demo_password),
                    fields,
                })
                .await?;
            if i == 0 {
                directory.set_head(dept, &principal).await?;
                head = Some(principal);
            }
            created += 1;
        }
        heads.push(head);
    }
    let author = heads
        .first()
        .cloned()
        .flatten()
        .ok_or_else(|| Error::internal("the demo company has no head"))?;
    seed_documents(core, author).await?;
    Ok(created)
}
