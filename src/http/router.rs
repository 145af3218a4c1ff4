//! Maps request paths to handlers and establishes who is asking.
//!
//! Everything except `/healthz`, the login page, guests' answer links (`/answer/…`, whose token
//! is the credential), calendar feeds and free/busy by token and the root `OPTIONS` probe (Windows asks it
//! before sending credentials) requires an authenticated principal; `/metrics` an
//! administrator or the configured metrics token.

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::auth::session_token_from_cookies;
use crate::core::{Actor, Principal};
use crate::dav::common::util as dav_util;
use crate::edge::body::{Body, full};
use crate::edge::error::AppError;
use crate::edge::{Ctx, redirect};
use crate::web::{
    absences, account, admin, answer, assets, calendar, devices, directory, documents, favorites, login, pages, rooms,
};

pub async fn route(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let path = req.uri().path().to_owned();
    match path.as_str() {
        "/healthz" => healthz(ctx).await,
        "/metrics" => metrics(ctx, &req).await,
        "/.well-known/caldav" | "/.well-known/carddav" => Ok(redirect(StatusCode::MOVED_PERMANENTLY, "/dav/")),
        "/login" => login::login(ctx, req).await,
        "/logout" => login::logout(ctx, req).await,
        p if p.starts_with("/answer/") => answer::answer(ctx, req, &p["/answer/".len()..]).await,
        // Windows probes the host root, without credentials, before it maps a drive.
        "/" if req.method() == Method::OPTIONS => Ok(dav_util::options_response("1, 2", "OPTIONS, PROPFIND, REPORT")),
        "/" if req.method().as_str() == "PROPFIND" => {
            let actor = authenticate(ctx, &req).await?;
            crate::dav::caldav::server_root_propfind(ctx, &actor, req).await
        }
        // caldav-server-tester and python caldav search principals at the server root.
        "/" if req.method().as_str() == "REPORT" => {
            let actor = authenticate(ctx, &req).await?;
            crate::dav::common::principal_search::report(ctx, &actor, "/".into(), req.into_body()).await
        }
        // Other DAV methods on the root get a DAV answer, not the browser's redirect to the
        // login page.
        "/" if !matches!(*req.method(), Method::GET | Method::HEAD) => {
            authenticate(ctx, &req).await?;
            Err(AppError::MethodNotAllowed {
                allow: "OPTIONS, PROPFIND, REPORT",
            })
        }
        "/" => pages::home(ctx, req).await,
        p if p == "/settings/devices" || p.starts_with("/settings/devices/") => devices::devices(ctx, req).await,
        p if p == "/settings" || p.starts_with("/settings/") => pages::settings(ctx, req).await,
        p if p == "/calendar" || p.starts_with("/calendar/") => calendar::calendar(ctx, req).await,
        p if p == "/directory" || p.starts_with("/directory/") => directory::directory(ctx, req).await,
        p if p == "/documents" || p.starts_with("/documents/") => documents::documents(ctx, req).await,
        "/tasks" => pages::section(ctx, req, "/tasks", "nav-tasks").await,
        "/crm" => pages::section(ctx, req, "/crm", "nav-crm").await,
        p if p == "/admin" || p.starts_with("/admin/") => admin::admin(ctx, req).await,
        p if p.starts_with("/static/") => assets::serve(req.method(), p),
        p if p == "/dav" || p.starts_with("/dav/") => {
            let actor = authenticate(ctx, &req).await?;
            if p == "/dav/addressbooks" || p.starts_with("/dav/addressbooks/") {
                crate::dav::carddav::handle(ctx, &actor, req).await
            } else {
                crate::dav::caldav::handle(ctx, &actor, req).await
            }
        }
        // The feed's secret token is its credential (subscribing clients cannot sign in).
        p if p.starts_with("/ical/") => crate::dav::caldav::feed::serve(ctx, req.method(), p).await,
        // Outlook's Internet Free/Busy: by a feed token, else signed in.
        p if p.starts_with("/freebusy/") => {
            let token = req
                .uri()
                .query()
                .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "token"))
                .map(|(_, v)| v.into_owned());
            let actor = match token {
                Some(_) => None,
                None => Some(authenticate(ctx, &req).await?),
            };
            crate::dav::caldav::feed::free_busy(ctx, req.method(), p, token.as_deref(), actor.as_ref()).await
        }
        p if p == "/docs" || p.starts_with("/docs/") => {
            let actor = authenticate(ctx, &req).await?;
            crate::dav::webdav::handle(ctx, &actor, req).await
        }
        "/api/rooms/free" => {
            let actor = authenticate(ctx, &req).await?;
            rooms::free(ctx, &actor, req.method(), req.uri().query()).await
        }
        "/api/absences" => {
            let actor = authenticate(ctx, &req).await?;
            absences::absences(ctx, &actor, req.method(), req.uri().query()).await
        }
        p if p == "/api/app-passwords" || p.starts_with("/api/app-passwords/") => {
            let actor = authenticate(ctx, &req).await?;
            account::app_passwords(ctx, &actor, req).await
        }
        p if p == "/api/favorites" || p.starts_with("/api/favorites/") => {
            let actor = authenticate(ctx, &req).await?;
            favorites::favorites(ctx, &actor, req).await
        }
        _ => Err(AppError::NotFound),
    }
}

/// `/metrics` (Prometheus / OpenMetrics text): for `server.metrics_token` as a bearer token,
/// or for an administrator.
async fn metrics(ctx: &Ctx, req: &Request<Incoming>) -> Result<Response<Body>, AppError> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let token = &ctx.app.config.server.metrics_token;
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let by_token = match bearer {
        Some(sent) if !token.is_empty() => {
            let same = sent.len() == token.len()
                && sent.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            if !same {
                return Err(AppError::Unauthorized);
            }
            true
        }
        _ => false,
    };
    if !by_token && !authenticate(ctx, req).await?.principal().is_admin {
        return Err(AppError::Forbidden);
    }
    let (size, idle) = ctx.app.core.pool_stats();
    let mut resp = Response::new(full(ctx.app.metrics.render(size, idle)));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

async fn healthz(ctx: &Ctx) -> Result<Response<Body>, AppError> {
    ctx.app.core.health().await?;
    let mut resp = Response::new(full("ok\n"));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(resp)
}

/// The principal of a live session cookie, if any.
pub async fn session_principal(ctx: &Ctx, req: &Request<Incoming>) -> Result<Option<Principal>, AppError> {
    let Some(token) = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(session_token_from_cookies)
    else {
        return Ok(None);
    };
    Ok(ctx.app.auth.session(token).await?)
}

/// Who is asking: the principal of HTTP Basic, else of the session cookie; 401 otherwise.
/// A write from a page of another origin is refused either way: browsers replay cached Basic
/// credentials as they replay cookies.
pub async fn authenticate(ctx: &Ctx, req: &Request<Incoming>) -> Result<Actor, AppError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        check_same_origin(req)?;
        let value = value.to_str().map_err(|_| AppError::Unauthorized)?;
        return Ok(Actor::user(ctx.app.auth.basic(value, ctx.client_ip).await?));
    }
    if let Some(p) = session_principal(ctx, req).await? {
        check_same_origin(req)?;
        return Ok(Actor::user(p));
    }
    Err(AppError::Unauthorized)
}

/// Browser-authenticated writes must come from our own pages: a cross-site form post carries
/// an `Origin` of another host (the `SameSite=Lax` cookie already stops most of them, but not
/// cached Basic credentials). Clients that send no `Origin` (DAV clients) are not affected.
fn check_same_origin(req: &Request<Incoming>) -> Result<(), AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if crate::edge::from_another_origin(req.headers()) {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
}
