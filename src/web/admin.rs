//! The administration pages (administrators only; everyone else gets 403): `/admin` (the
//! system's status), `/admin/users` (create employees, reset a password, deactivate, make
//! administrator), `/admin/departments` (departments and their heads, for companies without
//! Active Directory), `/admin/groups` (groups and their members), `/admin/rooms`,
//! `/admin/app-passwords` (any user's app passwords, to revoke; creating one stays with its
//! owner) and `/admin/directory` (the LDAP settings with the secret masked, the last sync's
//! result with its figures and skipped entries, "sync now", and "test connection", whose
//! outcome is the answer to its post; while a sync runs, its phase, with the page refreshing
//! itself every two seconds and "sync now" refused). Each form posts back to its page with the
//! session's CSRF token; a change to people or departments regenerates the directory address
//! books at once, so CardDAV clients see it.
//! Users the directory sync manages keep what the directory owns (password, active state).

use std::collections::HashMap;

use crate::core::directory::{ProbeFailure, ProbeReport};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::core::calendars::RoomDetails;
use crate::core::directory::{EmployeeFields, LastPass, NewEmployee, SkipKind, SkippedNote, SyncPhase, SyncProgress};
use crate::core::principals::NewAccount;
use crate::core::{Error, ErrorKind, PrincipalKind};
use crate::edge::body::{Body, read_limited};
use crate::edge::error::AppError;
use crate::edge::{Ctx, redirect};

use super::i18n::Lang;
use super::page::{Page, Visitor, form_fields, html};
use super::pages::signed_in;

const FORM_LIMIT: u64 = 16 * 1024;
/// Most users one page lists (the search narrows it).
const USER_ROWS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Status,
    Users,
    Departments,
    Groups,
    Rooms,
    AppPasswords,
    Directory,
}

impl Section {
    fn from_path(path: &str) -> Option<Section> {
        Some(match path.trim_end_matches('/') {
            "/admin" => Section::Status,
            "/admin/users" => Section::Users,
            "/admin/departments" => Section::Departments,
            "/admin/groups" => Section::Groups,
            "/admin/rooms" => Section::Rooms,
            "/admin/app-passwords" => Section::AppPasswords,
            "/admin/directory" => Section::Directory,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Section::Status => "status",
            Section::Users => "users",
            Section::Departments => "departments",
            Section::Groups => "groups",
            Section::Rooms => "rooms",
            Section::AppPasswords => "app-passwords",
            Section::Directory => "directory",
        }
    }

    fn href(self) -> &'static str {
        match self {
            Section::Status => "/admin",
            Section::Users => "/admin/users",
            Section::Departments => "/admin/departments",
            Section::Groups => "/admin/groups",
            Section::Rooms => "/admin/rooms",
            Section::AppPasswords => "/admin/app-passwords",
            Section::Directory => "/admin/directory",
        }
    }

    const ALL: [Section; 7] = [
        Section::Status,
        Section::Users,
        Section::Departments,
        Section::Groups,
        Section::Rooms,
        Section::AppPasswords,
        Section::Directory,
    ];
}

struct Tab {
    href: &'static str,
    label: String,
    current: bool,
}

struct Fact {
    label: String,
    value: String,
}

struct UserRow {
    login: String,
    name: String,
    email: String,
    department: String,
    active: bool,
    admin: bool,
    local: bool,
}

struct DepartmentRow {
    id: i64,
    name: String,
    slug: String,
    parent: String,
    head: String,
    people: i64,
}

struct GroupRow {
    login: String,
    name: String,
    members: Vec<(String, String)>,
}

struct RoomRow {
    login: String,
    name: String,
    capacity: String,
    equipment: String,
    bookers: String,
}

struct AppPasswordRow {
    id: i64,
    label: String,
    used: String,
}

/// The directory sync's last completed pass, as the directory page shows it.
struct LastPassView {
    /// Which kind of pass, and when.
    title: String,
    facts: Vec<Fact>,
    skipped: Vec<SkippedRow>,
    /// How many skipped entries are not listed, in words (empty when all are).
    more: String,
}

struct SkippedRow {
    dn: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    page: Page,
    section: &'static str,
    tabs: Vec<Tab>,
    notice: Option<String>,
    error: Option<String>,
    facts: Vec<Fact>,
    q: String,
    users: Vec<UserRow>,
    more_users: bool,
    departments: Vec<DepartmentRow>,
    groups: Vec<GroupRow>,
    rooms: Vec<RoomRow>,
    /// The user whose app passwords are listed, and them.
    owner: String,
    app_passwords: Vec<AppPasswordRow>,
    /// Whether a directory (LDAP) is configured.
    directory: bool,
    /// The running sync in words (the page then refreshes itself).
    running: Option<String>,
    last_pass: Option<LastPassView>,
}

/// Everything below `/admin`.
pub async fn admin(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let path = req.uri().path().to_owned();
    let v = match signed_in(ctx, req.headers(), &path).await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    if !v.principal().is_admin {
        return super::pages::forbidden(&v, "/admin", v.lang.t("nav-admin"));
    }
    let section = Section::from_path(&path).ok_or(AppError::NotFound)?;
    let query: HashMap<String, String> = form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    match *req.method() {
        Method::GET | Method::HEAD => {
            let notice = query.contains_key("done").then(|| v.lang.t("admin-done"));
            render(ctx, &v, section, &query, notice, None, StatusCode::OK).await
        }
        Method::POST if section != Section::Status => {
            let form = form_fields(&read_limited(req.into_body(), FORM_LIMIT).await?);
            v.check_csrf(form.get("csrf").map(String::as_str))?;
            if section == Section::Directory && form.get("action").map(String::as_str) == Some("test") {
                return test_connection(ctx, &v, &query).await;
            }
            match command(ctx, &v, section, &form).await {
                Ok(()) => {
                    let back = match (section, form.get("login")) {
                        (Section::AppPasswords, Some(login)) => {
                            let login: String = form_urlencoded::byte_serialize(login.as_bytes()).collect();
                            format!("{}?done=1&login={login}", section.href())
                        }
                        _ => format!("{}?done=1", section.href()),
                    };
                    Ok(redirect(StatusCode::SEE_OTHER, &back))
                }
                Err(e) => {
                    let status = match e.kind {
                        ErrorKind::NotFound => StatusCode::NOT_FOUND,
                        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                        ErrorKind::Conflict => StatusCode::CONFLICT,
                        ErrorKind::Internal => return Err(e.into()),
                        _ => StatusCode::BAD_REQUEST,
                    };
                    render(ctx, &v, section, &query, None, Some(e.reason), status).await
                }
            }
        }
        _ => Err(AppError::MethodNotAllowed { allow: "GET, POST" }),
    }
}

fn date_time(lang: Lang, at: Option<i64>) -> String {
    at.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map_or_else(
        || "—".to_owned(),
        |t| format!("{} {}", lang.date(t.date_naive()), t.format("%H:%M UTC")),
    )
}

async fn render(
    ctx: &Ctx,
    v: &Visitor,
    section: Section,
    query: &HashMap<String, String>,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let principals = ctx.app.core.principals(&v.actor);
    let directory = ctx.app.core.directory(&v.actor);
    let mut page = AdminPage {
        page: v.page("/admin", lang.t("nav-admin")),
        section: section.name(),
        tabs: Section::ALL
            .iter()
            .map(|s| Tab {
                href: s.href(),
                label: lang.t(&format!("admin-{}", s.name())),
                current: *s == section,
            })
            .collect(),
        notice,
        error,
        facts: Vec::new(),
        q: query.get("q").cloned().unwrap_or_default(),
        users: Vec::new(),
        more_users: false,
        departments: Vec::new(),
        groups: Vec::new(),
        rooms: Vec::new(),
        owner: query.get("login").cloned().unwrap_or_default(),
        app_passwords: Vec::new(),
        directory: ctx.app.config.ldap.is_some(),
        running: None,
        last_pass: None,
    };
    match section {
        Section::Status => {
            let s = crate::core::system::status(&ctx.app.core, &v.actor).await?;
            let fact = |key: &str, value: String| Fact {
                label: lang.t(key),
                value,
            };
            page.facts = vec![
                fact("admin-version", s.version.to_owned()),
                fact("admin-database", s.database.to_owned()),
                fact(
                    "admin-people",
                    lang.t_args(
                        "admin-people-count",
                        &[
                            ("active", FluentValue::from(s.active_users as i64)),
                            ("all", FluentValue::from(s.users as i64)),
                        ],
                    ),
                ),
                fact("admin-departments", s.departments.to_string()),
                fact("admin-groups", s.groups.to_string()),
                fact("admin-rooms", s.rooms.to_string()),
                fact("admin-storage", super::documents::size_text(lang, s.library_bytes)),
            ];
            page.facts.push(match (&ctx.app.config.ldap, &s.directory) {
                (None, _) => fact("admin-directory-sync", lang.t("admin-directory-none")),
                (Some(_), None) => fact("admin-directory-sync", lang.t("admin-directory-never")),
                (Some(_), Some(d)) => fact(
                    "admin-directory-sync",
                    format!(
                        "{} · {}{}",
                        date_time(lang, d.last_run_at),
                        d.last_status.clone().unwrap_or_default(),
                        d.last_error.as_ref().map_or_else(String::new, |e| format!(" — {e}"))
                    ),
                ),
            });
        }
        Section::Users => {
            let departments: HashMap<String, String> = directory
                .people()
                .await?
                .iter()
                .filter_map(|p| Some((p.login.clone(), p.department_name.clone()?)))
                .collect();
            let needle = page.q.to_lowercase();
            let mut users: Vec<UserRow> = principals
                .list(PrincipalKind::User)
                .await?
                .into_iter()
                .filter(|p| !p.login.starts_with('_'))
                .filter(|p| {
                    needle.is_empty()
                        || p.login.to_lowercase().contains(&needle)
                        || p.display_name.to_lowercase().contains(&needle)
                })
                .map(|p| UserRow {
                    department: departments.get(&p.login).cloned().unwrap_or_default(),
                    email: p.email.clone().unwrap_or_default(),
                    active: p.active,
                    admin: p.is_admin,
                    local: p.source == "local",
                    login: p.login,
                    name: p.display_name,
                })
                .collect();
            page.more_users = users.len() > USER_ROWS;
            users.truncate(USER_ROWS);
            page.users = users;
            page.departments = department_rows(ctx, v).await?;
        }
        Section::Departments => page.departments = department_rows(ctx, v).await?,
        Section::Groups => {
            for g in principals.list(PrincipalKind::Group).await? {
                if g.login.starts_with('_') || g.team.is_some() {
                    continue;
                }
                page.groups.push(GroupRow {
                    members: principals.members(&g.login).await?,
                    login: g.login,
                    name: g.display_name,
                });
            }
        }
        Section::AppPasswords => {
            if !page.owner.is_empty() {
                let owner = principals.by_login(&page.owner).await?.ok_or(AppError::NotFound)?;
                page.app_passwords = ctx
                    .app
                    .auth
                    .app_passwords(&owner)
                    .await?
                    .into_iter()
                    .map(|a| AppPasswordRow {
                        id: a.id,
                        label: a.label,
                        used: date_time(lang, a.last_used_at),
                    })
                    .collect();
            }
        }
        Section::Directory => {
            let fact = |key: &str, value: String| Fact {
                label: lang.t(key),
                value,
            };
            if let Some(ldap) = &ctx.app.config.ldap {
                page.facts = vec![
                    fact("admin-ldap-url", ldap.url.clone()),
                    fact("admin-ldap-bind", ldap.bind_dn.clone()),
                    fact("admin-ldap-password", "••••••••".into()),
                    fact("admin-ldap-base", ldap.base_dn.clone()),
                    fact("admin-ldap-flavor", format!("{:?}", ldap.flavor)),
                    fact(
                        "admin-ldap-users",
                        ldap.user_filter.clone().unwrap_or_else(|| "—".into()),
                    ),
                    fact(
                        "admin-ldap-starttls",
                        if ldap.starttls { "✓".into() } else { "—".into() },
                    ),
                ];
            }
            let s = crate::core::system::status(&ctx.app.core, &v.actor).await?;
            page.facts.push(match &s.directory {
                Some(d) => fact(
                    "admin-directory-sync",
                    format!(
                        "{} · {}{}",
                        date_time(lang, d.last_run_at),
                        d.last_status.clone().unwrap_or_default(),
                        d.last_error.as_ref().map_or_else(String::new, |e| format!(" — {e}"))
                    ),
                ),
                None => fact("admin-directory-sync", lang.t("admin-directory-never")),
            });
            page.running = directory.sync_progress()?.map(|p| progress_text(lang, &p));
            page.last_pass = directory.last_pass().await?.map(|last| last_pass_view(lang, last));
        }
        Section::Rooms => {
            let calendars = ctx.app.core.calendars(&v.actor);
            for r in principals.list(PrincipalKind::Resource).await? {
                let d = calendars.room_details(&r).await?;
                page.rooms.push(RoomRow {
                    login: r.login,
                    name: r.display_name,
                    capacity: if d.capacity > 0 {
                        d.capacity.to_string()
                    } else {
                        String::new()
                    },
                    equipment: d.equipment.join(", "),
                    bookers: d.bookers.join(", "),
                });
            }
        }
    }
    let mut resp = html(StatusCode::OK, &page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// "Test connection": the test's outcome on the directory page, as the answer to the post
/// (the test changes nothing, so there is nothing to redirect after).
async fn test_connection(ctx: &Ctx, v: &Visitor, query: &HashMap<String, String>) -> Result<Response<Body>, AppError> {
    let Some(config) = &ctx.app.config.ldap else {
        let none = v.lang.t("admin-directory-none");
        return render(
            ctx,
            v,
            Section::Directory,
            query,
            None,
            Some(none),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let outcome = ctx.app.core.directory(&v.actor).test_connection(config).await?;
    let (notice, error) = match probe_text(v.lang, &outcome) {
        Ok(text) => (Some(text), None),
        Err(text) => (None, Some(text)),
    };
    render(ctx, v, Section::Directory, query, notice, error, StatusCode::OK).await
}

/// A connection test's outcome in words: `Ok` for a success (the page's notice), `Err` for a
/// failure (its error). The bind password is in no message.
fn probe_text(lang: Lang, outcome: &Result<ProbeReport, ProbeFailure>) -> Result<String, String> {
    let text = |v: &str| FluentValue::from(v.to_owned());
    let number = |n: u64| FluentValue::from(i64::try_from(n).unwrap_or(i64::MAX));
    let failure = match outcome {
        Ok(r) => {
            let key = if r.complete {
                "admin-ldap-test-ok"
            } else {
                "admin-ldap-test-ok-at-least"
            };
            let matched = u64::try_from(r.matched).unwrap_or(u64::MAX);
            let ms = u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX);
            return Ok(lang.t_args(key, &[("count", number(matched)), ("ms", number(ms))]));
        }
        Err(f) => f,
    };
    Err(match failure {
        ProbeFailure::Config(e) => lang.t_args("admin-ldap-test-config", &[("detail", text(&e.to_string()))]),
        ProbeFailure::Connect { url, detail } => lang.t_args(
            "admin-ldap-test-connect",
            &[("url", text(url)), ("detail", text(detail))],
        ),
        ProbeFailure::Tls { url, detail } => {
            lang.t_args("admin-ldap-test-tls", &[("url", text(url)), ("detail", text(detail))])
        }
        ProbeFailure::Timeout { seconds } => lang.t_args("admin-ldap-test-timeout", &[("seconds", number(*seconds))]),
        ProbeFailure::Lost { detail } => lang.t_args("admin-ldap-test-lost", &[("detail", text(detail))]),
        ProbeFailure::InvalidCredentials { dn } => lang.t_args("admin-ldap-test-credentials", &[("dn", text(dn))]),
        ProbeFailure::BindRefused { dn, code, message } => lang.t_args(
            "admin-ldap-test-bind",
            &[
                ("dn", text(dn)),
                ("code", number(u64::from(*code))),
                ("detail", text(message)),
            ],
        ),
        ProbeFailure::BaseNotFound { base } => lang.t_args("admin-ldap-test-base", &[("base", text(base))]),
        ProbeFailure::InvalidFilter { filter, message } => lang.t_args(
            "admin-ldap-test-filter",
            &[("filter", text(filter)), ("detail", text(message))],
        ),
        ProbeFailure::Search { code, message } => lang.t_args(
            "admin-ldap-test-search",
            &[("code", number(u64::from(*code))), ("detail", text(message))],
        ),
    })
}

/// The running sync in words: since when, and its phase.
fn progress_text(lang: Lang, progress: &SyncProgress) -> String {
    let count = |n: usize| FluentValue::from(i64::try_from(n).unwrap_or(i64::MAX));
    let phase = match progress.phase {
        SyncPhase::Reading { entries: None } => lang.t("admin-directory-progress-reading"),
        SyncPhase::Reading { entries: Some(n) } => lang.t_args("admin-directory-progress-read", &[("count", count(n))]),
        SyncPhase::StoringPhotos { photos } => {
            lang.t_args("admin-directory-progress-photos", &[("count", count(photos))])
        }
        SyncPhase::Applying {
            created,
            updated,
            deactivated,
        } => lang.t_args(
            "admin-directory-progress-applying",
            &[
                ("created", count(created)),
                ("updated", count(updated)),
                ("deactivated", count(deactivated)),
            ],
        ),
        SyncPhase::WritingBooks => lang.t("admin-directory-progress-books"),
    };
    let since = chrono::DateTime::from_timestamp(progress.started_at, 0)
        .map_or_else(|| "—".to_owned(), |t| t.format("%H:%M:%S UTC").to_string());
    lang.t_args(
        "admin-directory-progress-running",
        &[("since", FluentValue::from(since)), ("phase", FluentValue::from(phase))],
    )
}

fn last_pass_view(lang: Lang, last: LastPass) -> LastPassView {
    let fact = |key: &str, n: usize| Fact {
        label: lang.t(key),
        value: n.to_string(),
    };
    let kind = lang.t(if last.full {
        "admin-directory-pass-full"
    } else {
        "admin-directory-pass-delta"
    });
    let unlisted = last.skipped_total.saturating_sub(last.skipped.len());
    LastPassView {
        title: lang.t_args(
            "admin-directory-last-pass",
            &[
                ("kind", FluentValue::from(kind)),
                ("when", FluentValue::from(date_time(lang, Some(last.at)))),
            ],
        ),
        facts: vec![
            fact("admin-directory-created", last.created),
            fact("admin-directory-updated", last.updated),
            fact("admin-directory-deactivated", last.deactivated),
            fact("admin-directory-unchanged", last.unchanged),
            fact("admin-directory-skipped", last.skipped_total),
        ],
        more: if unlisted == 0 {
            String::new()
        } else {
            lang.t_count(
                "admin-directory-skipped-more",
                i64::try_from(unlisted).unwrap_or(i64::MAX),
            )
        },
        skipped: last
            .skipped
            .into_iter()
            .map(|note| SkippedRow {
                reason: skip_reason(lang, &note),
                dn: note.dn,
            })
            .collect(),
    }
}

/// Why the sync left an entry out, in words.
fn skip_reason(lang: Lang, note: &SkippedNote) -> String {
    let key = match note.reason {
        SkipKind::MissingAttribute => "admin-directory-skip-missing-attribute",
        SkipKind::InvalidValue => "admin-directory-skip-invalid-value",
        SkipKind::NotText => "admin-directory-skip-not-text",
        SkipKind::InvalidLogin => "admin-directory-skip-invalid-login",
        SkipKind::InvalidDn => "admin-directory-skip-invalid-dn",
        SkipKind::DuplicateLogin => "admin-directory-skip-duplicate-login",
        SkipKind::DuplicateExternalId => "admin-directory-skip-duplicate-id",
        SkipKind::Other => return note.text.clone(),
    };
    lang.t_args(key, &[("detail", FluentValue::from(note.detail.as_str()))])
}

async fn department_rows(ctx: &Ctx, v: &Visitor) -> Result<Vec<DepartmentRow>, AppError> {
    let all = ctx.app.core.directory(&v.actor).departments().await?;
    let names: HashMap<i64, String> = all.iter().map(|d| (d.id, d.name.clone())).collect();
    Ok(all
        .into_iter()
        .map(|d| DepartmentRow {
            parent: d.parent_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
            head: d.head_name.unwrap_or_default(),
            slug: d.slug.unwrap_or_default(),
            people: d.people,
            id: d.id,
            name: d.name,
        })
        .collect())
}

/// A form's command; the directory books follow changes to people and departments.
async fn command(ctx: &Ctx, v: &Visitor, section: Section, form: &HashMap<String, String>) -> Result<(), Error> {
    let get = |k: &str| form.get(k).map_or("", |s| s.trim());
    let optional = |k: &str| Some(get(k)).filter(|s| !s.is_empty()).map(str::to_owned);
    let principals = ctx.app.core.principals(&v.actor);
    let directory = ctx.app.core.directory(&v.actor);
    let department_id = |k: &str| -> Result<Option<i64>, Error> {
        match get(k) {
            "" => Ok(None),
            id => id
                .parse::<i64>()
                .map(Some)
                .map_err(|_| Error::invalid("choose a department from the list")),
        }
    };
    let mut directory_changed = true;
    match (section, get("action")) {
        (Section::Users, "create") => {
            if get("password").chars().count() < 8 {
                return Err(Error::invalid(v.lang.t("admin-password-short")));
            }
            directory
                .add_employee(NewEmployee {
                    login: get("login"),
                    display_name: if get("name").is_empty() {
                        get("login")
                    } else {
                        get("name")
                    },
                    email: Some(get("email")).filter(|e| !e.is_empty()),
                    password: Some(get("password")),
                    fields: EmployeeFields {
                        department_id: department_id("department")?,
                        manager_id: None,
                        title: optional("title"),
                        phone: optional("phone"),
                        mobile: None,
                        birthday: None,
                        hire_date: Some(chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string()),
                    },
                })
                .await?;
        }
        (Section::Users, "password") => {
            directory_changed = false;
            principals.reset_password(get("login"), get("password")).await?;
        }
        (Section::Users, "deactivate") => principals.set_active(get("login"), false).await?,
        (Section::Users, "activate") => principals.set_active(get("login"), true).await?,
        (Section::Users, "admin") => {
            directory_changed = false;
            principals.set_admin(get("login"), true).await?;
        }
        (Section::Users, "unadmin") => {
            directory_changed = false;
            principals.set_admin(get("login"), false).await?;
        }
        (Section::Departments, "create") => {
            if get("name").is_empty() {
                return Err(Error::invalid(v.lang.t("admin-name-needed")));
            }
            let id = directory
                .create_department(get("name"), department_id("parent")?)
                .await?;
            if !get("head").is_empty() {
                set_head(ctx, v, id, get("head")).await?;
            }
        }
        (Section::Departments, "head") => {
            let id = department_id("department")?.ok_or_else(|| Error::invalid("choose a department"))?;
            set_head(ctx, v, id, get("head")).await?;
        }
        (Section::Groups, "create") => {
            directory_changed = false;
            principals
                .create(NewAccount {
                    kind: PrincipalKind::Group,
                    login: get("login"),
                    display_name: if get("name").is_empty() {
                        get("login")
                    } else {
                        get("name")
                    },
                    email: None,
                    password: None,
                    is_admin: false,
                })
                .await?;
        }
        (Section::Groups, "add") => {
            directory_changed = false;
            principals.add_members(get("group"), &[get("login").to_owned()]).await?;
        }
        (Section::Groups, "remove") => {
            directory_changed = false;
            principals.remove_member(get("group"), get("login")).await?;
        }
        (Section::AppPasswords, "revoke") => {
            directory_changed = false;
            let owner = principals
                .by_login(get("login"))
                .await?
                .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no user {:?}", get("login"))))?;
            let id = get("id")
                .parse::<i64>()
                .map_err(|_| Error::invalid("no such app password"))?;
            if !ctx
                .app
                .auth
                .revoke_app_password(&owner, id)
                .await
                .map_err(|e| Error::internal(e.to_string()))?
            {
                return Err(Error::new(ErrorKind::NotFound, "no such app password".to_owned()));
            }
        }
        (Section::Directory, "sync") => {
            directory_changed = false;
            if ctx.app.config.ldap.is_none() {
                return Err(Error::invalid(v.lang.t("admin-directory-none")));
            }
            // One pass at a time: claimed here, so a second press is told at once.
            let Some(claim) = directory.claim_sync()? else {
                return Err(Error::conflict(v.lang.t("admin-directory-progress-busy")));
            };
            // A pass takes a while: it runs on its own; the page follows it and shows its
            // result when done.
            let app = ctx.app.clone();
            tokio::spawn(async move {
                let result = crate::jobs::ldap::run_claimed(&app, &claim, false).await;
                app.metrics.job("directory_sync", result.is_ok());
                if let Err(e) = result {
                    tracing::warn!(error = %e, "directory sync (started from the web) failed");
                }
            });
        }
        (Section::Rooms, "create") => {
            directory_changed = false;
            if !crate::core::principals::valid_login(get("login")) {
                return Err(Error::invalid(v.lang.t("admin-login-invalid")));
            }
            let name = if get("name").is_empty() {
                get("login")
            } else {
                get("name")
            };
            let email = Some(get("email").trim()).filter(|e| !e.is_empty());
            let details = room_details(&get)?;
            crate::core::calendars::valid_room_details(&details)?;
            let calendars = ctx.app.core.calendars(&v.actor);
            calendars.create_room(get("login"), name, email).await?;
            calendars.set_room_details(get("login"), &details).await?;
        }
        (Section::Rooms, "details") => {
            directory_changed = false;
            let details = room_details(&get)?;
            ctx.app
                .core
                .calendars(&v.actor)
                .set_room_details(get("login"), &details)
                .await?;
        }
        _ => return Err(Error::invalid("unknown command")),
    }
    if directory_changed {
        directory.refresh_books().await?;
    }
    Ok(())
}

/// A room form's seats, equipment and bookers.
fn room_details<'a>(get: &impl Fn(&str) -> &'a str) -> Result<RoomDetails, Error> {
    let words = |text: &str| -> Vec<String> {
        text.split(',')
            .map(|w| w.trim().to_owned())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let capacity = match get("capacity").trim() {
        "" => 0,
        n => n
            .parse::<i64>()
            .map_err(|_| Error::invalid("the number of seats is not a number"))?,
    };
    Ok(RoomDetails {
        capacity,
        equipment: words(&get("equipment").to_lowercase()),
        bookers: words(get("bookers")),
    })
}

async fn set_head(ctx: &Ctx, v: &Visitor, department: i64, login: &str) -> Result<(), Error> {
    let head = ctx
        .app
        .core
        .principals(&v.actor)
        .by_login(login)
        .await?
        .filter(|p| p.kind == PrincipalKind::User)
        .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no user {login:?}")))?;
    ctx.app.core.directory(&v.actor).set_head(department, &head).await
}
