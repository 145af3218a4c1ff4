//! The directory pages: `/directory` (search by name, part of a phone number, department or
//! e-mail, with a letter bar), `/directory?view=structure` (the company structure as a tree
//! with heads), `/directory/{login}` (a profile with manager and reports) and
//! `/directory/export.csv` and `/directory/export.vcf` (the same search as a spreadsheet or as
//! vCards). The other views (`?view=absences`, `birthdays`, `changes`) live in
//! [`super::directory_views`]. Everything is read through
//! [`crate::core::directory`] as the signed-in visitor.

use askama::Template;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::core::directory::DirectoryEntry;
use crate::edge::body::{Body, full};
use crate::edge::error::AppError;

use super::directory_views;
use super::page::{Page, html};
use super::pages::signed_in;

/// What the visitor asked for: the view, the search words and the letter.
#[derive(Default)]
struct Query {
    /// `view=…`: empty for the list.
    view: String,
    q: String,
    letter: Option<char>,
    /// `q` in lower case, and its digits: worked out once, not once per person.
    needle: String,
    digits: String,
}

impl Query {
    fn parse(query: Option<&str>) -> Self {
        let mut out = Query::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match &*k {
                "view" => out.view = v.trim().to_owned(),
                "q" => out.q = v.trim().chars().take(200).collect(),
                "letter" => out.letter = v.chars().next().map(|c| c.to_uppercase().next().unwrap_or(c)),
                _ => {}
            }
        }
        out.needle = out.q.to_lowercase();
        out.digits = out.q.chars().filter(char::is_ascii_digit).collect();
        out
    }

    /// The query string that asks for this search again (for the export link).
    fn query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            s.append_pair("q", &self.q);
        }
        if let Some(l) = self.letter {
            s.append_pair("letter", &l.to_string());
        }
        s.finish()
    }

    fn matches(&self, p: &DirectoryEntry) -> bool {
        if let Some(letter) = self.letter
            && initial(p) != Some(letter)
        {
            return false;
        }
        if self.q.is_empty() {
            return true;
        }
        let needle = &self.needle;
        let texts = [
            Some(&p.display_name),
            p.given_name.as_ref(),
            p.surname.as_ref(),
            p.email.as_ref(),
            p.department_name.as_ref(),
            p.title.as_ref(),
            Some(&p.login),
        ];
        if texts.into_iter().flatten().any(|t| t.to_lowercase().contains(needle)) {
            return true;
        }
        // Part of a phone number: the digits, whatever the punctuation ("22 10" finds
        // "+7 (495) 221-0000").
        let digits = &self.digits;
        digits.len() >= 3
            && [p.phone.as_ref(), p.mobile.as_ref()]
                .into_iter()
                .flatten()
                .any(|phone| {
                    phone
                        .chars()
                        .filter(char::is_ascii_digit)
                        .collect::<String>()
                        .contains(digits.as_str())
                })
    }
}

/// The letter a person is filed under: their surname's, or their name's.
fn initial(p: &DirectoryEntry) -> Option<char> {
    let name = p
        .surname
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(&p.display_name);
    let c = name.trim().chars().next()?;
    c.is_alphabetic().then(|| c.to_uppercase().next().unwrap_or(c))
}

/// People in directory order: by surname, then given name.
fn sort_people(people: &mut [&DirectoryEntry]) {
    people.sort_by_cached_key(|p| {
        (
            p.surname.as_deref().unwrap_or(&p.display_name).to_lowercase(),
            p.given_name.as_deref().unwrap_or("").to_lowercase(),
            p.login.clone(),
        )
    });
}

struct Row {
    login: String,
    name: String,
    title: String,
    department: String,
    email: String,
    phone: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    page: Page,
    q: String,
    letter: String,
    letters: Vec<String>,
    found: String,
    rows: Vec<Row>,
    export: String,
}

struct Link {
    login: String,
    name: String,
}

/// One department of the company structure, in tree order.
pub(super) struct Unit {
    /// How deep below the top (0 for the company), at most 7 for the page's indentation.
    pub(super) depth: usize,
    pub(super) name: String,
    head: Option<Link>,
    people: i64,
    /// Empty for a department without one.
    pub(super) slug: String,
}

#[derive(Template)]
#[template(path = "structure.html")]
struct StructurePage {
    page: Page,
    units: Vec<Unit>,
}

/// The departments as a tree, parents before their children (each level by name); a
/// department whose parent is unknown is a top one.
pub(super) fn tree(departments: Vec<crate::core::directory::DepartmentRow>) -> Vec<Unit> {
    let known: std::collections::HashSet<i64> = departments.iter().map(|d| d.id).collect();
    let mut children: std::collections::HashMap<Option<i64>, Vec<crate::core::directory::DepartmentRow>> =
        std::collections::HashMap::new();
    for d in departments {
        let parent = d.parent_id.filter(|p| known.contains(p) && *p != d.id);
        children.entry(parent).or_default().push(d);
    }
    for list in children.values_mut() {
        list.sort_by_key(|d| d.name.to_lowercase());
    }
    let mut out = Vec::new();
    let mut stack: Vec<(usize, crate::core::directory::DepartmentRow)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|d| (0, d))
        .collect();
    while let Some((depth, d)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(d.id)) {
            stack.extend(kids.into_iter().rev().map(|k| (depth + 1, k)));
        }
        out.push(Unit {
            depth: depth.min(7),
            head: d.head_login.clone().map(|login| Link {
                name: d.head_name.clone().unwrap_or_else(|| login.clone()),
                login,
            }),
            people: d.people,
            slug: d.slug.clone().unwrap_or_default(),
            name: d.name,
        });
    }
    out
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    page: Page,
    person: DirectoryEntry,
    birthday: Option<String>,
    manager: Option<Link>,
    reports: Vec<Link>,
}

/// `/directory` (and its views: `?view=structure`, `absences`, `birthdays`, `changes`),
/// `/directory/export.csv`, `/directory/export.vcf` and `/directory/{login}`.
pub async fn directory(ctx: &crate::edge::Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let path = req.uri().path().to_owned();
    // Back to the same view and search after signing in.
    let back = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    let v = match signed_in(ctx, req.headers(), &back).await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let query = Query::parse(req.uri().query());
    if path == "/directory" {
        match query.view.as_str() {
            "" => {}
            "structure" => {
                let units = tree(ctx.app.core.directory(&v.actor).departments().await?);
                let page = StructurePage {
                    page: v.page("/directory", v.lang.t("directory-structure")),
                    units,
                };
                return html(StatusCode::OK, &page);
            }
            "absences" => return directory_views::absences(ctx, &v, req.uri().query()).await,
            "birthdays" => return directory_views::birthdays(ctx, &v).await,
            "changes" => return directory_views::changes(ctx, &v).await,
            _ => return Err(AppError::NotFound),
        }
    }
    let everyone = ctx.app.core.directory(&v.actor).people().await?;
    let mut people: Vec<&DirectoryEntry> = everyone.iter().collect();
    sort_people(&mut people);
    let lang = v.lang;
    match path.trim_start_matches("/directory").trim_start_matches('/') {
        "" => {
            let mut letters: Vec<char> = people.iter().filter_map(|p| initial(p)).collect();
            letters.sort_unstable();
            letters.dedup();
            let rows: Vec<Row> = people
                .iter()
                .filter(|p| query.matches(p))
                .map(|p| Row {
                    login: p.login.clone(),
                    name: p.display_name.clone(),
                    title: p.title.clone().unwrap_or_default(),
                    department: p.department_name.clone().unwrap_or_default(),
                    email: p.email.clone().unwrap_or_default(),
                    phone: p.phone.clone().or_else(|| p.mobile.clone()).unwrap_or_default(),
                })
                .collect();
            let page = DirectoryPage {
                page: v.page("/directory", lang.t("nav-directory")),
                found: lang.t_count("directory-found", i64::try_from(rows.len()).unwrap_or(i64::MAX)),
                q: query.q.clone(),
                letter: query.letter.map(String::from).unwrap_or_default(),
                letters: letters.into_iter().map(String::from).collect(),
                rows,
                export: query.query_string(),
            };
            html(StatusCode::OK, &page)
        }
        "export.csv" => export(&people, &query, lang),
        "export.vcf" => {
            let chosen: Vec<&DirectoryEntry> = people.iter().copied().filter(|p| query.matches(p)).collect();
            let cards = ctx.app.core.directory(&v.actor).vcards(&chosen)?;
            let mut resp = Response::new(full(cards));
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/vcard; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"directory.vcf\""),
            );
            Ok(resp)
        }
        login => {
            let Some(person) = people.iter().find(|p| p.login == login).map(|p| (*p).clone()) else {
                return Err(AppError::NotFound);
            };
            let manager = person.manager_login.as_ref().map(|m| Link {
                login: m.clone(),
                name: person.manager_name.clone().unwrap_or_else(|| m.clone()),
            });
            let reports = people
                .iter()
                .filter(|p| p.manager_login.as_deref() == Some(login))
                .map(|p| Link {
                    login: p.login.clone(),
                    name: p.display_name.clone(),
                })
                .collect();
            let birthday = person
                .birthday
                .as_deref()
                .and_then(|b| chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
                .map(|d| lang.day_month(d));
            let page = ProfilePage {
                page: v.page("/directory", person.display_name.clone()),
                person,
                birthday,
                manager,
                reports,
            };
            html(StatusCode::OK, &page)
        }
    }
}

/// A cell a spreadsheet will not run as a formula. A phone number (`+7 (495) 221-03-17`) stays
/// as it is: made of digits and phone punctuation only, it cannot call anything.
fn cell(text: &str) -> String {
    let phone = text.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !phone {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The search's people as CSV (UTF-8 with a byte-order mark, so that Excel reads Cyrillic).
fn export(people: &[&DirectoryEntry], query: &Query, lang: super::i18n::Lang) -> Result<Response<Body>, AppError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let heading = [
        "directory-name",
        "directory-position",
        "directory-department",
        "directory-email",
        "directory-phone",
        "directory-mobile",
        "directory-manager",
    ]
    .map(|k| lang.t(k));
    let csv_error = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    out.write_record(&heading).map_err(csv_error)?;
    for p in people.iter().filter(|p| query.matches(p)) {
        let fields = [
            Some(&p.display_name),
            p.title.as_ref(),
            p.department_name.as_ref(),
            p.email.as_ref(),
            p.phone.as_ref(),
            p.mobile.as_ref(),
            p.manager_name.as_ref(),
        ]
        .map(|f| cell(f.map_or("", String::as_str)));
        out.write_record(&fields).map_err(csv_error)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    let mut resp = Response::new(full(bytes));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"directory.csv\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(login: &str, surname: &str, phone: &str, department: &str) -> DirectoryEntry {
        DirectoryEntry {
            principal_id: 1,
            login: login.into(),
            external_id: None,
            display_name: format!("Anna {surname}"),
            email: Some(format!("{login}@example.com")),
            given_name: Some("Anna".into()),
            surname: Some(surname.into()),
            phone: Some(phone.into()),
            mobile: None,
            title: None,
            birthday: None,
            photo_sha256: None,
            department_name: Some(department.into()),
            department_slug: None,
            manager_login: None,
            manager_external_id: None,
            manager_name: None,
        }
    }

    #[test]
    fn search_finds_by_name_phone_digits_department_and_letter() {
        let p = person("anna", "Иванова", "+7 (495) 221-03-17", "Finance");
        let q = |s: &str| Query::parse(Some(s));
        assert!(q("q=иван").matches(&p), "case-insensitive Cyrillic name");
        assert!(q("q=221+03").matches(&p), "digits across punctuation");
        assert!(!q("q=22").matches(&p), "two digits are not a phone search");
        assert!(!q("q=999").matches(&p));
        assert!(q("q=fin").matches(&p));
        assert!(q("q=anna%40example").matches(&p));
        assert!(q("letter=%D0%B8").matches(&p), "letter bar, any case");
        assert!(!q("letter=A").matches(&p));
    }

    #[test]
    fn export_cells_are_not_formulas() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(
            cell("-2+3"),
            "-2+3",
            "arithmetic of digits is harmless and may be a phone"
        );
        assert_eq!(cell("+7 (495) 221-03-17"), "+7 (495) 221-03-17");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Anna"), "Anna");
    }
}

#[cfg(test)]
mod structure_tests {
    use super::*;
    use crate::core::directory::DepartmentRow;

    fn dept(id: i64, name: &str, parent: Option<i64>) -> DepartmentRow {
        DepartmentRow {
            id,
            name: name.into(),
            slug: None,
            parent_id: parent,
            head_login: None,
            head_name: None,
            people: 0,
        }
    }

    #[test]
    fn departments_come_in_tree_order() {
        let units = tree(vec![
            dept(3, "Backend", Some(2)),
            dept(1, "Company", None),
            dept(2, "Engineering", Some(1)),
            dept(4, "Accounting", Some(1)),
            dept(5, "Orphan", Some(99)),
            dept(6, "Self", Some(6)),
        ]);
        let got: Vec<(usize, &str)> = units.iter().map(|u| (u.depth, u.name.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (0, "Company"),
                (1, "Accounting"),
                (1, "Engineering"),
                (2, "Backend"),
                (0, "Orphan"),
                (0, "Self")
            ]
        );
    }
}
