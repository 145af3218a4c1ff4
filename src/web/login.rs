//! The browser login page, logout, and the signed-in landing page.
//!
//! Deliberately minimal HTML (the web UI proper comes later): a form that posts the login
//! and password, sets an `HttpOnly`, `SameSite=Lax` session cookie and redirects.

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::Principal;
use crate::core::auth::{AuthError, SESSION_COOKIE, session_token_from_cookies};
use crate::edge::body::{Body, full, read_limited};
use crate::edge::error::AppError;
use crate::edge::{Ctx, escape_html, redirect};

const FORM_LIMIT: u64 = 16 * 1024;

pub async fn login(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    match *req.method() {
        Method::GET | Method::HEAD => {
            let next = query_param(req.uri().query(), "next").unwrap_or_default();
            Ok(html(StatusCode::OK, &login_form(&next, None)))
        }
        Method::POST => {
            let body = read_limited(req.into_body(), FORM_LIMIT).await?;
            let mut login = String::new();
            let mut password = String::new();
            let mut next = String::new();
            for (k, v) in form_urlencoded::parse(&body) {
                match k.as_ref() {
                    "login" => login = v.into_owned(),
                    "password" => password = v.into_owned(),
                    "next" => next = v.into_owned(),
                    _ => {}
                }
            }
            match ctx.app.auth.password_login(&login, &password, ctx.client_ip).await {
                Ok(principal) => {
                    let token = ctx.app.auth.start_session(&principal).await?;
                    let mut resp = redirect(StatusCode::SEE_OTHER, safe_next(&next));
                    let secure = if ctx.tls || ctx.app.config.auth.secure_cookies {
                        "; Secure"
                    } else {
                        ""
                    };
                    let cookie = format!(
                        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                        ctx.app.auth.session_ttl()
                    );
                    if let Ok(v) = HeaderValue::from_str(&cookie) {
                        resp.headers_mut().insert(header::SET_COOKIE, v);
                    }
                    Ok(resp)
                }
                Err(AuthError::Invalid | AuthError::Missing) => Ok(html(
                    StatusCode::UNAUTHORIZED,
                    &login_form(&next, Some("Invalid login or password.")),
                )),
                Err(e) => Err(e.into()),
            }
        }
        _ => Err(AppError::MethodNotAllowed {
            allow: "GET, HEAD, POST",
        }),
    }
}

pub async fn logout(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    if req.method() != Method::POST {
        return Err(AppError::MethodNotAllowed { allow: "POST" });
    }
    let token = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(session_token_from_cookies);
    if let Some(token) = token {
        ctx.app.auth.end_session(token).await?;
    }
    let mut resp = redirect(StatusCode::SEE_OTHER, "/login");
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("portico_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(resp)
}

pub fn home_page(p: &Principal) -> Response<Body> {
    let body = format!(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Portico</title>\
         <h1>Portico</h1><p>Signed in as <b>{}</b> ({}).</p>\
         <p>Protocol clients: <code>/dav/</code> (CalDAV, CardDAV), <code>/docs/</code> (WebDAV drive).</p>\
         <form method=post action=/logout><button>Sign out</button></form></html>",
        escape_html(&p.display_name),
        escape_html(&p.login)
    );
    html(StatusCode::OK, &body)
}

/// Only same-site absolute paths may be redirected to after login (no open redirect).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn login_form(next: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p role=alert>{}</p>", escape_html(e)))
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Sign in · Portico</title>\
         <h1>Sign in to Portico</h1>{error}\
         <form method=post action=/login>\
         <input type=hidden name=next value=\"{}\">\
         <p><label>Login <input name=login autocomplete=username required autofocus></label></p>\
         <p><label>Password <input name=password type=password autocomplete=current-password required></label></p>\
         <p><button>Sign in</button></p></form></html>",
        escape_html(next)
    )
}

fn html(status: StatusCode, body: &str) -> Response<Body> {
    let mut resp = Response::new(full(body.to_owned()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_local() {
        assert_eq!(safe_next("/docs/"), "/docs/");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
    }
}
