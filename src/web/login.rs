//! Signing in and out in the browser: the sign-in page (fields `login` and `password`), which
//! sets an `HttpOnly`, `SameSite=Lax` session cookie and redirects to where the user was going;
//! sign-out. A sign-in posted from another origin is refused (login CSRF), and the place to
//! go after it must be a path of this site.

use askama::Template;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::auth::{AuthError, SESSION_COOKIE, session_token_from_cookies};
use crate::edge::body::{Body, read_limited};
use crate::edge::error::AppError;
use crate::edge::{Ctx, from_another_origin, redirect};

use super::assets;
use super::page::{Page, browser_lang, form_fields, html};

const FORM_LIMIT: u64 = 16 * 1024;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    next: String,
    /// The login typed before a failed attempt, to try again with.
    login: String,
    error: Option<String>,
}

fn login_page(headers: &HeaderMap, next: &str, login: &str, error: Option<String>) -> LoginPage {
    let lang = browser_lang(headers);
    LoginPage {
        page: Page {
            lang,
            title: lang.t("login-title"),
            csrf: String::new(),
            css: assets::CSS_PATH.as_str(),
            nav: Vec::new(),
            signed_in: false,
        },
        next: next.to_owned(),
        login: login.chars().take(200).collect(),
        error,
    }
}

pub async fn login(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    match *req.method() {
        Method::GET | Method::HEAD => {
            let next = query_param(req.uri().query(), "next").unwrap_or_default();
            html(StatusCode::OK, &login_page(req.headers(), &next, "", None))
        }
        Method::POST => {
            let (parts, body) = req.into_parts();
            if from_another_origin(&parts.headers) {
                return Err(AppError::Forbidden);
            }
            let fields = form_fields(&read_limited(body, FORM_LIMIT).await?);
            let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
            let next = field("next");
            match ctx
                .app
                .auth
                .password_login(field("login"), field("password"), ctx.client_ip)
                .await
            {
                Ok(principal) => {
                    let token = ctx.app.auth.start_session(&principal).await?;
                    let mut resp = redirect(StatusCode::SEE_OTHER, safe_next(next));
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
                Err(AuthError::Invalid | AuthError::Missing) => {
                    let lang = browser_lang(&parts.headers);
                    let page = login_page(&parts.headers, next, field("login"), Some(lang.t("login-failed")));
                    html(StatusCode::UNAUTHORIZED, &page)
                }
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
    if from_another_origin(req.headers()) {
        return Err(AppError::Forbidden);
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

/// Only same-site absolute paths may be redirected to after sign-in (no open redirect):
/// browsers drop tabs and newlines from URLs and read `\` as `/`, so `/%09/evil.example`
/// would be `//evil.example`.
pub fn safe_next(next: &str) -> &str {
    let cleaned: String = next.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    let ok = next.starts_with('/')
        && !cleaned.starts_with("//")
        && !cleaned.contains('\\')
        && !next.chars().any(char::is_control);
    if ok { next } else { "/" }
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/calendar?d=1"), "/calendar?d=1");
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "/ /x\n",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
