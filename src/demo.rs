//! The demo company seeded by `portico serve --demo`: a department tree and ~30 employees
//! with titles, phones, birthdays and managers, so a newcomer sees something real.
//! Demo users sign in with the password from `PORTICO_DEMO_PASSWORD` (default `demo`).
//! It also puts a few documents into the company and department libraries.
//! Seeding runs once: a database that already has departments is left as it is. It goes
//! through the services as the system actor (documents on behalf of their author).
//!
//! What is dated keeps up with the calendar: every start with `--demo` ([`refresh`]) puts
//! this week's meetings, absences and a weekly team meeting into people's calendars (under
//! fixed names, so they are replaced, not added) and moves a few birthdays into this week,
//! all relative to today. Documents get a second version when seeded.

use bytes::Bytes;
use caldav::compose::{EventFields, EventTime};
use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta};

use crate::blobs::BlobError;
use crate::core::authz::Action;
use crate::core::calendars::PutObject;
use crate::core::directory::{EmployeeFields, NewEmployee};
use crate::core::documents::{Located, PutFile};
use crate::core::{Actor, Core, Error, Principal, Result};

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

/// Files saved twice when seeded, so that their pages show a version history:
/// (folder, name, first text, second text).
const REVISED: &[(&str, &str, &str, &str)] = &[(
    "departments/sales",
    "Forecast Q4.csv",
    "month,deals\nOctober,12\nNovember,15\n",
    "month,deals\nOctober,12\nNovember,17\nDecember,20\n",
)];

fn text_file(text: &'static str) -> PutFile<'static> {
    let chunk: std::result::Result<Bytes, BlobError> = Ok(Bytes::from_static(text.as_bytes()));
    PutFile {
        body: Box::pin(futures_util::stream::iter([chunk])),
        content_type: None,
        declared_length: Some(text.len() as u64),
        preconditions: Default::default(),
        if_header: None,
    }
}

async fn seed_documents(core: &Core, author: Principal) -> Result<()> {
    let actor = Actor::system_as(author);
    let docs = core.documents(&actor);
    let files = DOCUMENTS
        .iter()
        .map(|(folder, name, text)| (*folder, *name, *text))
        .chain(
            REVISED
                .iter()
                .flat_map(|(folder, name, first, second)| [(*folder, *name, *first), (*folder, *name, *second)]),
        );
    for (folder, name, text) in files {
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
        path.push(name.to_owned());
        let Located::Doc(target) = docs.locate(path).await? else {
            continue;
        };
        docs.put(&target, text_file(text)).await?;
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

/// One dated demo event: whose calendar, its object name, and what it is, relative to today.
struct Dated {
    login: &'static str,
    name: &'static str,
    title: &'static str,
    /// Days from today; for a weekly event, from this week's Monday.
    day: i64,
    /// `None`: all day, for `days` days.
    start: Option<(u32, u32)>,
    minutes_or_days: i64,
    weekly: bool,
    out_of_office: bool,
}

const DATED: &[Dated] = &[
    Dated {
        login: "sophia",
        name: "demo-sales-weekly.ics",
        title: "Sales team weekly",
        day: 0,
        start: Some((10, 0)),
        minutes_or_days: 45,
        weekly: true,
        out_of_office: false,
    },
    Dated {
        login: "liam",
        name: "demo-sales-weekly.ics",
        title: "Sales team weekly",
        day: 0,
        start: Some((10, 0)),
        minutes_or_days: 45,
        weekly: true,
        out_of_office: false,
    },
    Dated {
        login: "liam",
        name: "demo-customer-call.ics",
        title: "Call with Contoso",
        day: 1,
        start: Some((14, 0)),
        minutes_or_days: 30,
        weekly: false,
        out_of_office: false,
    },
    Dated {
        login: "liam",
        name: "demo-one-to-one.ics",
        title: "1:1 with Sophia",
        day: 2,
        start: Some((9, 30)),
        minutes_or_days: 30,
        weekly: false,
        out_of_office: false,
    },
    Dated {
        login: "liam",
        name: "demo-lunch.ics",
        title: "Team lunch",
        day: 0,
        start: Some((12, 30)),
        minutes_or_days: 60,
        weekly: false,
        out_of_office: false,
    },
    Dated {
        login: "james",
        name: "demo-architecture.ics",
        title: "Architecture review",
        day: 1,
        start: Some((11, 0)),
        minutes_or_days: 60,
        weekly: false,
        out_of_office: false,
    },
    Dated {
        login: "ava",
        name: "demo-vacation.ics",
        title: "Vacation",
        day: 1,
        start: None,
        minutes_or_days: 5,
        weekly: false,
        out_of_office: true,
    },
    Dated {
        login: "noah",
        name: "demo-sick.ics",
        title: "Sick leave",
        day: 0,
        start: None,
        minutes_or_days: 2,
        weekly: false,
        out_of_office: true,
    },
    Dated {
        login: "henry",
        name: "demo-conference.ics",
        title: "Conference",
        day: 7,
        start: None,
        minutes_or_days: 3,
        weekly: false,
        out_of_office: true,
    },
];

/// People whose birthday [`refresh`] keeps in the coming days: (login, days from today).
const BIRTHDAYS: &[(&str, i64)] = &[("grace", 0), ("jack", 2), ("mia", 5)];

/// Brings the demo company's dated parts up to today (every start with `--demo`); a database
/// without the demo company is left alone.
pub async fn refresh(core: &Core, today: NaiveDate) -> Result<()> {
    let system = Actor::system();
    let principals = core.principals(&system);
    if principals.by_login("olivia").await?.is_none() {
        return Ok(());
    }
    let monday = today - TimeDelta::days(i64::from(today.weekday().num_days_from_monday()));
    for d in DATED {
        let Some(owner) = principals.by_login(d.login).await? else {
            continue;
        };
        let first = if d.weekly { monday } else { today } + TimeDelta::days(d.day);
        let (start, end) = match d.start {
            Some((h, m)) => {
                let at = first.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN));
                (
                    EventTime::Local(at),
                    EventTime::Local(at + TimeDelta::minutes(d.minutes_or_days)),
                )
            }
            None => (
                EventTime::Date(first),
                EventTime::Date(first + TimeDelta::days(d.minutes_or_days)),
            ),
        };
        let fields = EventFields {
            summary: d.title.to_owned(),
            location: String::new(),
            description: String::new(),
            start,
            end,
            rrule: d.weekly.then(|| "FREQ=WEEKLY".to_owned()),
            private: false,
            out_of_office: d.out_of_office,
            meeting: None,
        };
        let uid = format!("{}-{}@demo.portico", d.login, d.name.trim_end_matches(".ics"));
        let text = caldav::compose::new_event(&uid, &fields, "UTC", crate::core::now())
            .map_err(|e| Error::internal(e.to_string()))?;
        let actor = Actor::system_as(owner);
        let calendars = core.calendars(&actor);
        let calendar = calendars.calendar(d.login, "calendar", Action::Write).await?;
        calendars
            .put_object(
                &calendar,
                d.name,
                PutObject {
                    bytes: text.into(),
                    content_type: Some("text/calendar".into()),
                    preconditions: Default::default(),
                    schedule_tag_match: None,
                },
            )
            .await?;
    }
    let directory = core.directory(&system);
    for (login, days) in BIRTHDAYS {
        let Some(person) = principals.by_login(login).await? else {
            continue;
        };
        let day = today + TimeDelta::days(*days);
        let born = NaiveDate::from_ymd_opt(1985 + (*days as i32), day.month(), day.day())
            .or_else(|| NaiveDate::from_ymd_opt(1984, day.month(), day.day()))
            .unwrap_or(day);
        directory.set_birthday(&person, born).await?;
    }
    // Staff changes as a directory sync would log them, in the past weeks (oldest first).
    let at = |days: i64| {
        (today - TimeDelta::days(days))
            .and_time(NaiveTime::MIN)
            .and_utc()
            .timestamp()
            + 9 * 3600
    };
    let changes: Vec<(&str, &str, String, i64)> = STAFF_CHANGES
        .iter()
        .map(|(login, kind, detail, days)| (*login, *kind, (*detail).to_owned(), at(*days)))
        .collect();
    directory.replace_staff_changes("demo", &changes).await?;
    directory.refresh_books().await?;
    Ok(())
}

/// Staff changes [`refresh`] logs: (login, kind, detail, days before today).
const STAFF_CHANGES: &[(&str, &str, &str, i64)] = &[
    (
        "harper",
        "title_changed",
        r#"{"kind":"title_changed","from":"Senior Engineer","to":"Engineering Manager"}"#,
        26,
    ),
    (
        "ava",
        "moved",
        r#"{"kind":"moved","from":["Northwind Ltd"],"to":["Sales"]}"#,
        12,
    ),
    ("mia", "hired", r#"{"kind":"hired"}"#, 3),
];

const GIVEN: &[&str] = &[
    "Adam", "Alexei", "Anna", "Boris", "Carla", "Dmitri", "Elena", "Felix", "Galina", "Hugo", "Irina", "Ivan", "Julia",
    "Kirill", "Laura", "Maxim", "Nadia", "Oleg", "Paula", "Roman", "Sara", "Timur", "Ulla", "Vera",
];
const FAMILY: &[&str] = &[
    "Abbott", "Baranov", "Castro", "Davies", "Egorov", "Fischer", "Grant", "Hoffman", "Ivanova", "Jensen", "Kozlov",
    "Lambert", "Morozov", "Novak", "Orlova", "Petrov", "Quinn", "Romanova", "Sokolov", "Turner", "Usman", "Volkov",
    "Walsh", "Zaitsev",
];

/// Adds generated employees (without passwords: they are for the directory, not for signing
/// in) until the demo company has `total`; answers how many it added.
pub async fn grow(core: &Core, total: usize) -> Result<usize> {
    let system = Actor::system();
    let directory = core.directory(&system);
    let have = directory.people().await?.len();
    if have >= total {
        return Ok(0);
    }
    let departments: Vec<i64> = directory.departments().await?.iter().skip(1).map(|d| d.id).collect();
    let principals = core.principals(&system);
    let mut added = 0;
    let mut n = 0usize;
    while have + added < total {
        n += 1;
        let given = GIVEN[n % GIVEN.len()];
        let family = FAMILY[(n / GIVEN.len()) % FAMILY.len()];
        let login = format!("{}.{}{}", given.to_lowercase(), family.to_lowercase(), n);
        if principals.by_login(&login).await?.is_some() {
            continue;
        }
        let name = format!("{given} {family}");
        let email = format!("{login}@{DEMO_DOMAIN}");
        directory
            .add_employee(NewEmployee {
                login: &login,
                display_name: &name,
                email: Some(&email),
                password: None,
                fields: EmployeeFields {
                    department_id: departments.get(n % departments.len().max(1)).copied(),
                    manager_id: None,
                    title: Some("Specialist".into()),
                    phone: Some(format!("+1 555 3{:05}", n)),
                    mobile: None,
                    birthday: Some(format!("{}-{:02}-{:02}", 1965 + n % 35, 1 + n % 12, 1 + n % 28)),
                    hire_date: None,
                },
            })
            .await?;
        added += 1;
    }
    Ok(added)
}
