//! The pages of the web UI's shell: home ("my day"), settings (language, time zone, app
//! passwords), and the sections still to come. Each reads what it shows from the services
//! as the signed-in user; forms post back with the session's CSRF token.

use askama::Template;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use fluent_templates::fluent_bundle::FluentValue;

use crate::core::auth::AuthError;
use crate::edge::body::{Body, read_limited};
use crate::edge::error::AppError;
use crate::edge::{Ctx, redirect};

use super::directory_views::{describe_change, upcoming_birthdays};
use super::page::{Page, Visitor, form_fields, html, visitor};
use super::zone::Zone;

const FORM_LIMIT: u64 = 16 * 1024;

/// The signed-in visitor, or a redirect to the sign-in page that comes back here.
pub(super) async fn signed_in(
    ctx: &Ctx,
    headers: &HeaderMap,
    path: &str,
) -> Result<Result<Visitor, Response<Body>>, AppError> {
    match visitor(ctx, headers).await? {
        Some(v) => Ok(Ok(v)),
        None => {
            let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
            Ok(Err(redirect(StatusCode::SEE_OTHER, &format!("/login?next={next}"))))
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    greeting: String,
    today: String,
    people: String,
    /// (name, date)
    birthdays: Vec<(String, String)>,
    /// (name, what happened, date)
    changes: Vec<(String, String, String)>,
    invitations: Vec<InvitationRow>,
}

/// A meeting waiting for the visitor's answer, as the home page lists it.
struct InvitationRow {
    summary: String,
    when: String,
    organizer: String,
    calendar: String,
    name: String,
    etag: String,
}

/// A moment in the visitor's time zone (UTC when they chose none): date and time.
fn local_time(v: &Visitor, at: i64) -> String {
    let local = Zone::of(v).local(at);
    format!("{} {}", v.lang.date(local.date()), local.format("%H:%M"))
}

/// `/`: the visitor's day.
pub async fn home(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let v = match signed_in(ctx, req.headers(), "/").await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    let lang = v.lang;
    let directory = ctx.app.core.directory(&v.actor);
    let people = directory.people().await?;
    let today = Zone::of(&v).today();
    let week_end = today + chrono::Days::new(6);
    let birthdays = upcoming_birthdays(&people, today, week_end)
        .into_iter()
        .map(|(day, p)| (p.display_name.clone(), lang.date(day)))
        .collect();
    let month_ago = chrono::Utc::now().timestamp() - 30 * 86_400;
    let logged = directory.staff_changes_since(month_ago).await?;
    let zone = Zone::of(&v);
    let changes = logged
        .iter()
        .rev()
        .take(10)
        .map(|c| {
            let who = people
                .iter()
                .find(|p| p.login == c.login)
                .map_or_else(|| c.login.clone(), |p| p.display_name.clone());
            let date = zone.day_of(c.at).map_or_else(String::new, |d| lang.date(d));
            (who, describe_change(lang, c, &people), date)
        })
        .collect();
    let invitations = ctx
        .app
        .core
        .calendars(&v.actor)
        .invitations()
        .await?
        .into_iter()
        .map(|i| InvitationRow {
            when: local_time(&v, i.start),
            summary: i.summary,
            organizer: i.organizer,
            calendar: i.calendar,
            name: i.name,
            etag: i.etag,
        })
        .collect();
    let name = v.principal().display_name.clone();
    let page = HomePage {
        invitations,
        greeting: lang.t_args("home-greeting", &[("name", FluentValue::from(name))]),
        today: lang.t_args("home-today", &[("date", FluentValue::from(lang.date(today)))]),
        people: lang.t_count("home-people", i64::try_from(people.len()).unwrap_or(i64::MAX)),
        birthdays,
        changes,
        page: v.page("/", lang.t("home-title")),
    };
    html(StatusCode::OK, &page)
}

struct AppPasswordRow {
    id: i64,
    label: String,
    used: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: Page,
    locale: String,
    time_zone: String,
    mail_invitations: bool,
    mail_reminders: bool,
    app_passwords: Vec<AppPasswordRow>,
    notice: Option<String>,
    error: Option<String>,
}

async fn settings_page(
    ctx: &Ctx,
    v: &Visitor,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let settings = ctx.app.core.account(&v.actor).settings().await?;
    let app_passwords = ctx
        .app
        .auth
        .app_passwords(v.principal())
        .await?
        .into_iter()
        .map(|a| AppPasswordRow {
            id: a.id,
            used: match a.last_used_at.and_then(|t| chrono::DateTime::from_timestamp(t, 0)) {
                Some(t) => lang.t_args(
                    "settings-app-password-last-used",
                    &[("date", FluentValue::from(lang.date(t.date_naive())))],
                ),
                None => lang.t("settings-app-password-never-used"),
            },
            label: a.label,
        })
        .collect();
    let page = SettingsPage {
        page: v.page("/settings", lang.t("settings-title")),
        locale: settings.locale.unwrap_or_default(),
        time_zone: settings.time_zone.unwrap_or_default(),
        mail_invitations: settings.mail_invitations,
        mail_reminders: settings.mail_reminders,
        app_passwords,
        notice,
        error,
    };
    html(status, &page)
}

/// `/settings` and its forms: `POST /settings`, `POST /settings/app-passwords`,
/// `POST /settings/app-passwords/{id}/revoke`.
pub async fn settings(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let path = req.uri().path().to_owned();
    let v = match signed_in(ctx, req.headers(), &path).await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    if matches!(*req.method(), Method::GET | Method::HEAD) && path == "/settings" {
        return settings_page(ctx, &v, None, None, StatusCode::OK).await;
    }
    if *req.method() != Method::POST {
        return Err(AppError::MethodNotAllowed { allow: "GET, POST" });
    }
    let accept_language = req
        .headers()
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let fields = form_fields(&read_limited(req.into_body(), FORM_LIMIT).await?);
    v.check_csrf(fields.get("csrf").map(String::as_str))?;
    let field = |name: &str| fields.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let lang = v.lang;
    match path.trim_start_matches("/settings") {
        "" => {
            let account = ctx.app.core.account(&v.actor);
            let saved = match account.set_settings(field("locale"), field("time_zone")).await {
                Ok(()) => match account
                    .set_mail_invitations(fields.contains_key("mail_invitations"))
                    .await
                {
                    Ok(()) => account.set_mail_reminders(fields.contains_key("mail_reminders")).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            match saved {
                Ok(()) => {
                    // The next page speaks the new language.
                    let v = visitor_again(ctx, v, accept_language.as_deref()).await?;
                    settings_page(ctx, &v, Some(v.lang.t("settings-saved")), None, StatusCode::OK).await
                }
                Err(e) => settings_page(ctx, &v, None, Some(e.reason), StatusCode::BAD_REQUEST).await,
            }
        }
        "/app-passwords" => {
            let label = field("label").unwrap_or_default();
            if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
                return settings_page(
                    ctx,
                    &v,
                    None,
                    Some(lang.t("settings-app-password-label")),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
            match ctx
                .app
                .auth
                .confirm_password(
                    v.principal(),
                    fields.get("password").map_or("", String::as_str),
                    ctx.client_ip,
                )
                .await
            {
                Ok(()) => {}
                Err(AuthError::Invalid | AuthError::Missing) => {
                    return settings_page(ctx, &v, None, Some(lang.t("login-failed")), StatusCode::FORBIDDEN).await;
                }
                Err(e) => return Err(e.into()),
            }
            let (_, secret) = ctx.app.auth.new_app_password(v.principal(), label).await?;
            let notice = lang.t_args(
                "settings-app-password-created",
                &[
                    ("label", FluentValue::from(label.to_owned())),
                    ("password", FluentValue::from(secret)),
                ],
            );
            settings_page(ctx, &v, Some(notice), None, StatusCode::OK).await
        }
        rest => {
            let id = rest
                .strip_prefix("/app-passwords/")
                .and_then(|r| r.strip_suffix("/revoke"))
                .and_then(|id| id.parse::<i64>().ok())
                .ok_or(AppError::NotFound)?;
            if !ctx.app.auth.revoke_app_password(v.principal(), id).await? {
                return Err(AppError::NotFound);
            }
            Ok(redirect(StatusCode::SEE_OTHER, "/settings"))
        }
    }
}

/// The visitor with their settings read again (after changing them); "as my browser" takes
/// the request's `Accept-Language`.
async fn visitor_again(ctx: &Ctx, v: Visitor, accept_language: Option<&str>) -> Result<Visitor, AppError> {
    let settings = ctx.app.core.account(&v.actor).settings().await?;
    let lang = super::i18n::Lang::negotiate(settings.locale.as_deref(), accept_language);
    Ok(Visitor {
        lang,
        time_zone: settings.time_zone,
        ..v
    })
}

#[derive(Template)]
#[template(path = "soon.html")]
struct SoonPage {
    page: Page,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    message: String,
}

/// The page that tells a signed-in visitor they may not open `path` (403).
pub(super) fn forbidden(v: &Visitor, path: &str, title: String) -> Result<Response<Body>, AppError> {
    let page = ErrorPage {
        message: v.lang.t("error-forbidden"),
        page: v.page(path, title),
    };
    html(StatusCode::FORBIDDEN, &page)
}

/// The sections still to come (`/tasks`, `/crm`).
pub async fn section(
    ctx: &Ctx,
    req: Request<Incoming>,
    path: &'static str,
    title_key: &str,
) -> Result<Response<Body>, AppError> {
    let v = match signed_in(ctx, req.headers(), path).await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    let title = v.lang.t(title_key);
    html(
        StatusCode::OK,
        &SoonPage {
            page: v.page(path, title),
        },
    )
}
