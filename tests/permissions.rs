//! The authorisation matrix at the service level, without HTTP: every role tries every
//! action on every kind of resource through `portico::core`'s services, and the outcomes
//! must be exactly the table in docs/permissions.md, which people read as the rule. A cell
//! the services allow but the table forbids fails the test, and so does the reverse.

use portico::store::repos::*;
use std::collections::BTreeMap;

use bytes::Bytes;
use portico::app::App;
use portico::config::Config;
use portico::core::calendars::{AccessLevel, CalendarRef, Grantee, PutObject};
use portico::core::documents::{DocTarget, Located, PutFile};
use portico::core::{Actor, Core, ErrorKind, Principal};
use portico::store::{EmployeeFields, NewDepartment, NewPrincipal, PrincipalKind};

const ROLES: [&str; 9] = [
    "owner",
    "department member",
    "head",
    "head of the parent department",
    "grantee (read)",
    "grantee (write)",
    "another employee",
    "administrator",
    "anonymous",
];

const RESOURCES: [&str; 12] = [
    "personal document",
    "department document",
    "company document",
    "personal calendar (private)",
    "personal calendar (busy)",
    "personal calendar (titles)",
    "personal calendar (all)",
    "department calendar",
    "room calendar",
    "personal address book",
    "department address book",
    "directory address book",
];

const ACTIONS: [&str; 4] = ["read", "write", "delete", "manage"];

/// The expected table: (resource, role) → the four cells, from docs/permissions.md.
fn expected() -> BTreeMap<(String, String), Vec<String>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/permissions.md");
    let text = std::fs::read_to_string(path).expect("docs/permissions.md");
    let mut table = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('*').to_owned())
            .collect();
        if cells.len() != 6 || cells[0] == "resource" || cells[0].starts_with("---") {
            continue;
        }
        let previous = table.insert((cells[0].clone(), cells[1].clone()), cells[2..].to_vec());
        assert!(previous.is_none(), "row repeated: {line}");
    }
    table
}

/// Who plays each role (the owner's resources are Olga's; the department is Sales).
struct People {
    by_role: BTreeMap<&'static str, Actor>,
}

struct World {
    _dir: tempfile::TempDir,
    app: App,
    people: People,
}

async fn user(app: &App, login: &str, admin: bool) -> Principal {
    app.store
        .create_principal(NewPrincipal {
            kind: PrincipalKind::User,
            login,
            display_name: login,
            email: Some(&format!("{login}@example.test")),
            password_hash: None,
            is_admin: admin,
        })
        .await
        .unwrap()
}

async fn employ(app: &App, p: &Principal, department_id: i64) {
    let fields = EmployeeFields {
        department_id: Some(department_id),
        ..Default::default()
    };
    app.store.upsert_employee(p.id, &fields).await.unwrap();
}

fn body(text: &str) -> PutFile<'static> {
    let chunk: Result<Bytes, portico::blobs::BlobError> = Ok(Bytes::from(text.to_owned()));
    PutFile {
        body: Box::pin(futures_util::stream::iter([chunk])),
        content_type: Some("text/plain".into()),
        declared_length: Some(text.len() as u64),
        preconditions: Default::default(),
        if_header: None,
    }
}

fn event(uid: &str) -> PutObject {
    let text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300105T090000Z\r\nDTEND:20300105T100000Z\r\nSUMMARY:Planning\r\nDESCRIPTION:the details\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    PutObject {
        bytes: Bytes::from(text),
        content_type: Some("text/calendar".into()),
        preconditions: Default::default(),
        schedule_tag_match: None,
    }
}

fn card(uid: &str) -> portico::core::addressbooks::PutCard {
    let text = format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Someone\r\nN:Someone;;;;\r\nEND:VCARD\r\n");
    portico::core::addressbooks::PutCard {
        bytes: Bytes::from(text),
        preconditions: Default::default(),
    }
}

/// The library roots, calendars and books of the matrix, with their grants.
async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.storage.data_dir = dir.path().join("data");
    let app = App::open(config).await.unwrap();
    let hq = app
        .store
        .create_department(NewDepartment {
            name: "Head Office",
            parent_id: None,
        })
        .await
        .unwrap();
    let sales = app
        .store
        .create_department(NewDepartment {
            name: "Sales",
            parent_id: Some(hq),
        })
        .await
        .unwrap();
    let support = app
        .store
        .create_department(NewDepartment {
            name: "Support",
            parent_id: Some(hq),
        })
        .await
        .unwrap();
    let olga = user(&app, "olga", false).await;
    let mark = user(&app, "mark", false).await;
    let hana = user(&app, "hana", false).await;
    let pete = user(&app, "pete", false).await;
    let gary = user(&app, "gary", false).await;
    let gwen = user(&app, "gwen", false).await;
    let erin = user(&app, "erin", false).await;
    let ada = user(&app, "ada", true).await;
    user(&app, "zed", false).await;
    for p in [&olga, &mark, &hana] {
        employ(&app, p, sales).await;
    }
    employ(&app, &pete, hq).await;
    for p in [&gary, &gwen, &erin] {
        employ(&app, p, support).await;
    }
    app.store.set_department_head(sales, hana.id).await.unwrap();
    app.store.set_department_head(hq, pete.id).await.unwrap();

    // The system acts as Ada where what it writes needs an author.
    let system = Actor::system_as(ada.clone());
    let core = &app.core;
    // Documents: a file to read in each library, grants on each root.
    for root in ["users/olga", "departments/sales", "shared"] {
        let target = doc(core, &system, root).await;
        let docs = core.documents(&system);
        docs.set_grant(&target, Grantee::Principal(gary.id), Some(AccessLevel::Read))
            .await
            .unwrap();
        docs.set_grant(&target, Grantee::Principal(gwen.id), Some(AccessLevel::Write))
            .await
            .unwrap();
        let file = doc(core, &system, &format!("{root}/read.txt")).await;
        docs.put(&file, body("hello")).await.unwrap();
        for role in ROLES {
            let file = doc(core, &system, &format!("{root}/delete-{}.txt", slug(role))).await;
            docs.put(&file, body("bye")).await.unwrap();
        }
    }
    // Calendars: Olga's in each mode, the Sales team calendar, a room.
    let cals = core.calendars(&system);
    let olga_actor = Actor::user(olga.clone());
    let olga_cals = core.calendars(&olga_actor);
    olga_cals
        .home("olga", portico::core::authz::Action::Read)
        .await
        .unwrap();
    let mut calendars: Vec<CalendarRef> = Vec::new();
    for mode in ["private", "busy", "titles", "all"] {
        olga_cals
            .make_calendar("olga", mode, &Default::default(), Some("VEVENT"), &[])
            .await
            .unwrap();
        let c = cals.managed("olga", mode).await.unwrap();
        cals.set_visibility(&c, mode).await.unwrap();
        calendars.push(c);
    }
    let (team, _) = cals
        .create_team_calendar(
            portico::core::calendars::TeamOf::Department("sales"),
            "team",
            None,
            "busy",
            false,
        )
        .await
        .unwrap();
    calendars.push(cals.managed(&team.login, "team").await.unwrap());
    cals.create_room("room-1", "Room 1", None).await.unwrap();
    calendars.push(cals.managed("room-1", "calendar").await.unwrap());
    for c in &calendars {
        cals.set_grant(c, Grantee::Principal(gary.id), Some(AccessLevel::Read))
            .await
            .unwrap();
        cals.set_grant(c, Grantee::Principal(gwen.id), Some(AccessLevel::Write))
            .await
            .unwrap();
        let c = cals.managed(&c.owner().login, &c.collection().slug).await.unwrap();
        cals.put_object(&c, "read.ics", event("read")).await.unwrap();
        for role in ROLES {
            let name = format!("delete-{}.ics", slug(role));
            cals.put_object(&c, &name, event(&name)).await.unwrap();
        }
    }
    // Address books: Olga's contacts, the directory books.
    core.directory(&system).refresh_books().await.unwrap();
    let books = core.addressbooks(&olga_actor);
    let contacts = books.book("olga", "contacts").await.unwrap();
    books.put_card(&contacts, "read.vcf", card("read")).await.unwrap();
    for role in ROLES {
        let name = format!("delete-{}.vcf", slug(role));
        books.put_card(&contacts, &name, card(&name)).await.unwrap();
    }
    let mut by_role = BTreeMap::new();
    for (role, p) in [
        ("owner", olga),
        ("department member", mark),
        ("head", hana),
        ("head of the parent department", pete),
        ("grantee (read)", gary),
        ("grantee (write)", gwen),
        ("another employee", erin),
        ("administrator", ada),
    ] {
        by_role.insert(role, Actor::user(p));
    }
    by_role.insert("anonymous", Actor::anonymous());
    World {
        _dir: dir,
        app,
        people: People { by_role },
    }
}

fn slug(role: &str) -> String {
    role.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

async fn doc(core: &Core, actor: &Actor, path: &str) -> DocTarget {
    let segments = path.split('/').map(str::to_owned).collect();
    match core.documents(actor).locate(segments).await.unwrap() {
        Located::Doc(t) => t,
        Located::Virtual(_) => panic!("{path} is virtual"),
    }
}

/// An outcome as a cell: allowed, or refused as forbidden or not found (what an actor
/// without access gets); anything else is a failure of the test's setup.
fn cell<T>(result: Result<T, portico::core::Error>, what: &str) -> String {
    match result {
        Ok(_) => "yes".into(),
        Err(e) if matches!(e.kind, ErrorKind::Forbidden | ErrorKind::NotFound) => "no".into(),
        Err(e) => panic!("{what}: unexpected {e:?}"),
    }
}

async fn document_cells(core: &Core, actor: &Actor, role: &str, root: &str) -> Vec<String> {
    let docs = core.documents(actor);
    let file = doc(core, actor, &format!("{root}/read.txt")).await;
    let read = cell(
        docs.node(&file)
            .await
            .and_then(|n| n.ok_or_else(portico::core::Error::not_found)),
        "read",
    );
    let new = doc(core, actor, &format!("{root}/write-{}.txt", slug(role))).await;
    let write = cell(docs.put(&new, body("mine")).await, "write");
    let old = doc(core, actor, &format!("{root}/delete-{}.txt", slug(role))).await;
    let delete = cell(docs.delete(&old, &Default::default(), None).await, "delete");
    let folder = doc(core, actor, root).await;
    let zed = core
        .principals(&Actor::system())
        .grantee(portico::core::principals::GranteeName::User("zed"))
        .await
        .unwrap();
    let manage = cell(docs.set_grant(&folder, zed, Some(AccessLevel::Read)).await, "manage");
    vec![read, write, delete, manage]
}

async fn calendar_cells(core: &Core, actor: &Actor, role: &str, owner: &str, slug_: &str) -> Vec<String> {
    let cals = core.calendars(actor);
    let read = match cals.calendar(owner, slug_, portico::core::authz::Action::Read).await {
        Ok(c) => {
            let item = cals.object(&c, "read.ics").await.unwrap().expect("the event");
            match (item.data.contains("Planning"), item.data.contains("the details")) {
                (true, true) => "all",
                (true, false) => "titles",
                _ => "busy",
            }
            .to_owned()
        }
        Err(e) => cell::<()>(Err(e), "read"),
    };
    let write = cell(
        async {
            let c = cals.calendar(owner, slug_, portico::core::authz::Action::Write).await?;
            cals.put_object(&c, &format!("write-{}.ics", slug(role)), event(&format!("w-{role}")))
                .await
        }
        .await,
        "write",
    );
    let delete = cell(
        async {
            let c = cals.calendar(owner, slug_, portico::core::authz::Action::Write).await?;
            cals.delete_object(&c, &format!("delete-{}.ics", slug(role)), &Default::default(), None)
                .await
        }
        .await,
        "delete",
    );
    let manage = cell(cals.managed(owner, slug_).await, "manage");
    vec![read, write, delete, manage]
}

async fn book_cells(core: &Core, actor: &Actor, role: &str, book: &str) -> Vec<String> {
    let books = core.addressbooks(actor);
    let home = if book == "contacts" {
        "olga".to_owned()
    } else {
        actor.principal().login.clone()
    };
    let read = cell(
        async {
            let b = books.book(&home, book).await?;
            books.cards(&b).await
        }
        .await,
        "read",
    );
    let write = cell(
        async {
            let b = books.book(&home, book).await?;
            books
                .put_card(&b, &format!("write-{}.vcf", slug(role)), card(&format!("w-{role}")))
                .await
        }
        .await,
        "write",
    );
    let delete = cell(
        async {
            let b = books.book(&home, book).await?;
            let name = if book == "contacts" {
                format!("delete-{}.vcf", slug(role))
            } else {
                books
                    .cards(&b)
                    .await?
                    .first()
                    .map(|c| c.name.clone())
                    .unwrap_or_default()
            };
            books.delete_card(&b, &name, &Default::default()).await
        }
        .await,
        "delete",
    );
    let manage = cell(
        async {
            if book == "contacts" {
                books
                    .make_book(&home, &format!("extra-{}", slug(role)), None, None)
                    .await
            } else {
                let b = books.book(&home, book).await?;
                books.delete_book(&b).await
            }
        }
        .await,
        "manage",
    );
    vec![read, write, delete, manage]
}

#[tokio::test]
async fn every_role_gets_exactly_what_the_table_says() {
    let w = world().await;
    let core = &w.app.core;
    let table = expected();
    let mut wrong = Vec::new();
    let mut missing = Vec::new();
    for resource in RESOURCES {
        for role in ROLES {
            let actor = &w.people.by_role[role];
            let got = match resource {
                "personal document" => document_cells(core, actor, role, "users/olga").await,
                "department document" => document_cells(core, actor, role, "departments/sales").await,
                "company document" => document_cells(core, actor, role, "shared").await,
                "personal calendar (private)" => calendar_cells(core, actor, role, "olga", "private").await,
                "personal calendar (busy)" => calendar_cells(core, actor, role, "olga", "busy").await,
                "personal calendar (titles)" => calendar_cells(core, actor, role, "olga", "titles").await,
                "personal calendar (all)" => calendar_cells(core, actor, role, "olga", "all").await,
                "department calendar" => calendar_cells(core, actor, role, "@dept-sales", "team").await,
                "room calendar" => calendar_cells(core, actor, role, "room-1", "calendar").await,
                "personal address book" => book_cells(core, actor, role, "contacts").await,
                "department address book" => book_cells(core, actor, role, "dept-sales").await,
                "directory address book" => book_cells(core, actor, role, "directory").await,
                other => unreachable!("{other}"),
            };
            match table.get(&(resource.to_owned(), role.to_owned())) {
                None => missing.push(format!("| {resource} | {role} | {} |", got.join(" | "))),
                Some(want) if *want != got => {
                    for (i, action) in ACTIONS.iter().enumerate() {
                        if want[i] != got[i] {
                            wrong.push(format!(
                                "{resource} / {role} / {action}: the table says {}, the services say {}",
                                want[i], got[i]
                            ));
                        }
                    }
                }
                Some(_) => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rows missing from docs/permissions.md:\n{}",
        missing.join("\n")
    );
    assert!(wrong.is_empty(), "{} cells differ:\n{}", wrong.len(), wrong.join("\n"));
    assert_eq!(
        table.len(),
        RESOURCES.len() * ROLES.len(),
        "the table has rows for nothing else"
    );
}
