//! The directory's views over HTTP, in-process: the absence chart (a day's column, weekly
//! recurrences, the visitor's time zone, a department with its sub-departments, bad dates and
//! unknown departments), the coming birthdays (shared with the home page), the staff changes a
//! directory sync logged, the sign-in guard, and Russian.

mod common;

use chrono::{Datelike, NaiveDate};
use common::directory::{needs_full_pass, person, snapshot};
use common::{TestServer, page, page_in};
use portico::core::Actor;
use portico::core::directory::NewEmployee;
use portico::store::EmployeeFields;
use portico::store::repos::*;
use reqwest::StatusCode;

const EMMA: (&str, &str) = ("emma", "emma-pw");

/// A company: Finance with Payroll below it, and Sales; Alice in Finance, Bob in Payroll,
/// Carol in Sales, each with the password `{login}-pw`. Emma, who looks, is in none.
async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(EMMA.0, EMMA.1).await;
    let system = Actor::system();
    let directory = s.app.core.directory(&system);
    let finance = directory.create_department("Finance", None).await.unwrap();
    let payroll = directory.create_department("Payroll", Some(finance)).await.unwrap();
    let sales = directory.create_department("Sales", None).await.unwrap();
    for (login, name, department) in [
        ("alice", "Alice Adams", finance),
        ("bob", "Bob Brown", payroll),
        ("carol", "Carol Clark", sales),
    ] {
        let password = format!("{login}-pw");
        directory
            .add_employee(NewEmployee {
                login,
                display_name: name,
                email: Some(&format!("{login}@example.test")),
                password: Some(&password),
                fields: EmployeeFields {
                    department_id: Some(department),
                    ..Default::default()
                },
            })
            .await
            .unwrap();
    }
    s
}

/// Stores an event in `login`'s own calendar over CalDAV.
async fn put_event(s: &TestServer, login: &str, uid: &str, props: &str) {
    let body = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20300101T000000Z\r\n{props}END:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let resp = s
        .req_as(
            login,
            &format!("{login}-pw"),
            "PUT",
            &format!("/dav/calendars/{login}/calendar/{uid}.ics"),
        )
        .header("Content-Type", "text/calendar")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201, "{uid}");
}

/// The columns (0 for the first day) in which `login`'s row of the chart is marked away;
/// `None` when the chart has no row for them.
fn away_columns(html: &str, login: &str) -> Option<Vec<usize>> {
    let at = html.find(&format!("<th scope=\"row\"><a href=\"/directory/{login}\">"))?;
    let row = &html[at..];
    let row = &row[..row.find("</tr>")?];
    Some(
        row.split("<td")
            .skip(1)
            .enumerate()
            .filter(|(_, cell)| cell.starts_with(" class=\"away"))
            .map(|(i, _)| i)
            .collect(),
    )
}

/// Alice is away all day on Wednesday 14 August 2030 and for an hour late that evening (UTC);
/// Bob every Monday afternoon from 5 August; Carol on Tuesday 13 August, and she has a meeting
/// that is no absence.
async fn absences(s: &TestServer) {
    put_event(
        s,
        "alice",
        "day-off",
        "DTSTART;VALUE=DATE:20300814\r\nDTEND;VALUE=DATE:20300815\r\nCATEGORIES:Out of office\r\n",
    )
    .await;
    put_event(
        s,
        "alice",
        "late",
        "DTSTART:20300814T220000Z\r\nDTEND:20300814T230000Z\r\nX-PORTICO-OOF:TRUE\r\n",
    )
    .await;
    put_event(
        s,
        "bob",
        "weekly-off",
        "DTSTART:20300805T130000Z\r\nDTEND:20300805T170000Z\r\nRRULE:FREQ=WEEKLY\r\nX-PORTICO-OOF:TRUE\r\n",
    )
    .await;
    put_event(
        s,
        "carol",
        "day-off",
        "DTSTART;VALUE=DATE:20300813\r\nDTEND;VALUE=DATE:20300814\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n",
    )
    .await;
    put_event(
        s,
        "carol",
        "meeting",
        "DTSTART:20300820T090000Z\r\nDTEND:20300820T100000Z\r\nSUMMARY:Budget\r\n",
    )
    .await;
}

#[tokio::test]
async fn the_absence_chart_marks_each_absent_day_in_the_visitors_time_zone() {
    let s = server().await;
    absences(&s).await;
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;

    // Three weeks from Monday 5 August: column 9 is Wednesday the 14th.
    let url = "/directory?view=absences&from=2030-08-05&days=21";
    let (status, html) = page(&s, &cookie, url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        away_columns(&html, "alice"),
        Some(vec![9]),
        "the all-day absence and the late hour are both the 14th in UTC, not the 15th"
    );
    assert_eq!(
        away_columns(&html, "bob"),
        Some(vec![0, 7, 14]),
        "each Monday of the series"
    );
    assert_eq!(
        away_columns(&html, "carol"),
        Some(vec![8]),
        "the meeting of the 20th is no absence"
    );
    assert_eq!(html.matches("<abbr title=").count(), 21, "a column a day");
    assert!(
        html.contains("<abbr title=\"August 14, 2030\">14</abbr><br>Wed"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\" class=\"weekend\"><abbr title=\"August 10, 2030\">"),
        "Saturday is a weekend column"
    );
    assert!(
        html.contains("<span aria-hidden=\"true\">●</span><span class=\"sr\">Away</span>"),
        "a mark with words, not a colour alone"
    );
    assert!(html.contains("August 5, 2030 – August 25, 2030"), "the period");
    assert!(html.contains("href=\"/directory/alice\">Alice Adams</a>"));
    assert!(
        html.contains("from=2030-07-15&#38;days=21") && html.contains("from=2030-08-26&#38;days=21"),
        "earlier and later by the shown span"
    );
    assert!(!html.contains("Budget"), "no details of anyone's events");

    // In Moscow (UTC+3) the late hour falls on Thursday the 15th; the all-day absence stays a
    // whole Moscow day.
    let emma = s.app.store.principal_by_login(EMMA.0).await.unwrap().unwrap();
    s.app
        .core
        .account(&Actor::user(emma))
        .set_settings(None, Some("Europe/Moscow"))
        .await
        .unwrap();
    let (_, html) = page(&s, &cookie, url).await;
    assert_eq!(away_columns(&html, "alice"), Some(vec![9, 10]), "{html}");
    assert_eq!(away_columns(&html, "bob"), Some(vec![0, 7, 14]));

    // Without a first day: the Monday of this week; the default span is two weeks.
    let (status, html) = page(&s, &cookie, "/directory?view=absences").await;
    assert_eq!(status, StatusCode::OK);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    let monday = today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()));
    assert!(
        html.contains(&format!("name=\"from\" value=\"{}\"", monday.format("%Y-%m-%d"))),
        "{html}"
    );
    assert!(html.contains("name=\"days\" value=\"14\""));
    s.shutdown().await;
}

#[tokio::test]
async fn the_absence_chart_filters_by_department_and_refuses_bad_input() {
    let s = server().await;
    absences(&s).await;
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;

    let (status, html) = page(
        &s,
        &cookie,
        "/directory?view=absences&department=finance&from=2030-08-05&days=21",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(away_columns(&html, "alice").is_some(), "a member of the department");
    assert!(
        away_columns(&html, "bob").is_some(),
        "a member of a department below it"
    );
    assert!(away_columns(&html, "carol").is_none(), "someone elsewhere: {html}");
    assert!(
        html.contains("<option value=\"finance\" selected>Finance</option>"),
        "{html}"
    );
    assert!(html.contains(">— Payroll</option>"), "sub-departments are indented");

    let (_, html) = page(
        &s,
        &cookie,
        "/directory?view=absences&department=payroll&from=2030-08-05&days=21",
    )
    .await;
    assert!(away_columns(&html, "bob").is_some() && away_columns(&html, "alice").is_none());

    let (status, html) = page(
        &s,
        &cookie,
        "/directory?view=absences&department=sales&from=2030-09-02&days=7",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nobody is away in this period."), "{html}");
    assert!(!html.contains("<table"));

    // Out of range is brought into range; 62 days at most.
    let (status, html) = page(&s, &cookie, "/directory?view=absences&from=2030-08-05&days=500").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<abbr title=").count(), 62);

    let (status, _) = page(&s, &cookie, "/directory?view=absences&department=nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for bad in ["from=2030-02-30", "from=tomorrow", "from=14.08.2030"] {
        let (status, body) = page(&s, &cookie, &format!("/directory?view=absences&{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            body.contains("The first day must be a date such as 2030-08-12."),
            "{bad}: {body}"
        );
    }
    let (status, body) = page(&s, &cookie, "/directory?view=absences&days=two").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("number of days"), "{body}");
    let (status, _) = page(&s, &cookie, "/directory?view=nonsense").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    s.shutdown().await;
}

#[tokio::test]
async fn the_views_need_a_session_and_are_linked_from_the_directory() {
    let s = server().await;
    for view in ["absences", "birthdays", "changes", "structure"] {
        let resp = s
            .request("GET", &format!("/directory?view={view}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{view}");
        // Back to the same view after signing in.
        assert_eq!(
            resp.headers()["location"],
            format!("/login?next=%2Fdirectory%3Fview%3D{view}").as_str(),
            "{view}"
        );
    }
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (_, html) = page(&s, &cookie, "/directory").await;
    for view in ["absences", "birthdays", "changes", "structure"] {
        assert!(html.contains(&format!("href=\"/directory?view={view}\"")), "{view}");
    }
    let (status, html) = page(&s, &cookie, "/directory?view=structure").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Company structure") && html.contains("Payroll"));
    s.shutdown().await;
}

#[tokio::test]
async fn russian_visitors_read_the_chart_in_russian() {
    let s = server().await;
    absences(&s).await;
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (status, html) = page_in(&s, &cookie, "/directory?view=absences&from=2030-08-05&days=7", "ru").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("lang=\"ru\"") && html.contains("Кто отсутствует"),
        "{html}"
    );
    assert!(html.contains("<br>Пн</th>") && html.contains("<span class=\"sr\">Отсутствует</span>"));
    assert!(html.contains("5 августа 2030 г. – 11 августа 2030 г."), "{html}");
    assert!(html.contains("<label for=\"department\">Отдел</label>"));
    let (status, body) = page_in(&s, &cookie, "/directory?view=absences&from=never", "ru").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Первый день должен быть датой"), "{body}");
    s.shutdown().await;
}

/// A birthday `days` from today (UTC), in a leap year so that 29 February exists.
fn born_in(days: u64) -> String {
    let day: NaiveDate = chrono::Utc::now().date_naive() + chrono::Days::new(days);
    format!("1988-{:02}-{:02}", day.month(), day.day())
}

#[tokio::test]
async fn birthdays_of_the_coming_days_are_listed_by_date() {
    let s = server().await;
    let system = Actor::system();
    let directory = s.app.core.directory(&system);
    for (login, name, days) in [("dora", "Dora Dale", 3), ("eve", "Eve Ek", 60), ("fay", "Fay Fox", 10)] {
        directory
            .add_employee(NewEmployee {
                login,
                display_name: name,
                email: None,
                password: None,
                fields: EmployeeFields {
                    birthday: Some(born_in(days)),
                    ..Default::default()
                },
            })
            .await
            .unwrap();
    }
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (status, html) = page(&s, &cookie, "/directory?view=birthdays").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Birthdays in the next 30 days"), "{html}");
    let dora = html
        .find("href=\"/directory/dora\">Dora Dale</a>")
        .expect("Dora, in three days");
    let fay = html
        .find("href=\"/directory/fay\">Fay Fox</a>")
        .expect("Fay, in ten days");
    assert!(dora < fay, "by date");
    assert!(html.contains("(in 3 days)") && html.contains("(in 10 days)"), "{html}");
    assert!(!html.contains("Eve Ek"), "sixty days away");

    // The home page's week asks the same rule: Dora, not Fay.
    let (_, home) = page(&s, &cookie, "/").await;
    assert!(home.contains("Dora Dale") && !home.contains("Fay Fox"), "{home}");

    let (_, html) = page_in(&s, &cookie, "/directory?view=birthdays", "ru").await;
    assert!(
        html.contains("Дни рождения в ближайшие 30 дней") && html.contains("(через 3 дня)"),
        "{html}"
    );
    s.shutdown().await;
}

/// A directory that answers every pass with the same people.
struct FakeDirectory(Vec<ldap_sync::Person>);

impl ldap_sync::DirectorySource for FakeDirectory {
    async fn full_pass(&self) -> Result<ldap_sync::Snapshot, ldap_sync::DirectoryError> {
        Ok(snapshot(self.0.clone()))
    }

    async fn delta_pass(&self, _: &ldap_sync::Cursor) -> Result<ldap_sync::DeltaOutcome, ldap_sync::DirectoryError> {
        Ok(needs_full_pass())
    }
}

/// Staff changes are logged by the directory sync only (people added in Portico's own
/// administration are not), so the test syncs twice from a fake directory.
#[tokio::test]
async fn staff_changes_of_a_directory_sync_are_listed_in_words() {
    let s = server().await;
    let config = ldap_sync::LdapConfig {
        url: "ldap://directory.invalid".into(),
        bind_dn: String::new(),
        bind_password: ldap_sync::Secret::new(String::new()),
        base_dn: "dc=corp,dc=test".into(),
        flavor: ldap_sync::Flavor::OpenLdap,
        user_filter: None,
        group_filter: None,
        starttls: false,
        tls_ca_file: None,
        department_source: ldap_sync::DepartmentSource::Ou,
        department_ou_base: None,
        attributes: Default::default(),
        disabled: None,
        page_size: 200,
        timeout_seconds: 30,
        max_deactivate_percent: 20,
    };
    let system = Actor::system();
    let directory = s.app.core.directory(&system);
    // The first import logs nobody as hired.
    let first = FakeDirectory(vec![
        person("ann", "Ann Archer", "Board", None),
        person("leo", "Leo Long", "Board", None),
    ]);
    directory.sync(&first, &config, 24, true).await.unwrap();
    // Then Ann moves to Sales as an accountant, Nia joins and Leo is gone.
    let second = FakeDirectory(vec![
        person("ann", "Ann Archer", "Sales", Some("Accountant")),
        person("nia", "Nia Novak", "Board", None),
    ]);
    directory.sync(&second, &config, 24, true).await.unwrap();

    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (status, html) = page(&s, &cookie, "/directory?view=changes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("the last 90 days"), "{html}");
    let row = |login: &str| -> String {
        let at = html
            .find(&format!("/{login}"))
            .unwrap_or_else(|| panic!("{login} in {html}"));
        let start = html[..at].rfind("<tr>").unwrap();
        html[start..at + html[at..].find("</tr>").unwrap()].to_owned()
    };
    assert!(row("nia").contains("Joined the company"), "{html}");
    assert!(row("nia").contains("href=\"/directory/nia\">Nia Novak</a>"));
    assert!(
        html.contains("Moved to Sales") && html.contains("New position: Accountant"),
        "{html}"
    );
    assert!(html.contains("href=\"/directory/ann\">Ann Archer</a>"));
    assert!(
        html.contains("<td>leo</td><td>Left the company</td>"),
        "gone: no profile to link to: {html}"
    );
    assert!(!html.contains("href=\"/directory/leo\""));
    let today = chrono::Utc::now().date_naive();
    assert!(
        html.contains(&format!("{}, {}", today.day(), today.year())),
        "dated today: {html}"
    );
    assert!(
        html.find("Left the company") < html.find("Joined the company"),
        "newest logged first"
    );

    let (_, html) = page_in(&s, &cookie, "/directory?view=changes", "ru").await;
    for words in [
        "Приём на работу",
        "Перевод в отдел «Sales»",
        "Увольнение",
        "за последние 90 дней",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    s.shutdown().await;
}
