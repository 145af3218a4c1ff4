//! What every page shares: the signed-in user (from the session cookie only), the language,
//! the navigation, the CSRF token of their forms, and the answer's headers — a strict
//! Content-Security-Policy (scripts, styles and requests from our own origin only, nothing
//! inline), no caching of pages, no framing.
//!
//! CSRF: a signed-in form carries a token derived from the session token (SHA-256 of a
//! label and the token), so a page on another origin cannot know it. The sign-in and
//! sign-out forms, which have no such token, are guarded by the Origin check instead
//! ([`crate::edge::from_another_origin`]): a post from another origin is refused.

use askama::Template;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use sha2::{Digest, Sha256};

use crate::core::auth::session_token_from_cookies;
use crate::core::{Actor, Principal};
use crate::edge::Ctx;
use crate::edge::body::{Body, full};
use crate::edge::error::AppError;

use super::assets;
use super::i18n::Lang;

/// The policy of every page: nothing but our own style sheet, images and script files (the
/// upload script of the document pages, which posts back to us: `connect-src`), and nothing
/// inline.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
                            img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The shared part of every page's template.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub csrf: String,
    pub css: &'static str,
    pub nav: Vec<NavItem>,
    pub signed_in: bool,
}

impl Page {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message with a count, in the language's plural form for it.
    pub fn t_count(&self, key: &str, count: &i64) -> String {
        self.lang.t_count(key, *count)
    }

    /// The hashed path of the upload script (`static/upload.js`), for the pages that load it.
    pub fn upload_js(&self) -> &'static str {
        assets::UPLOAD_JS_PATH.as_str()
    }
}

/// A signed-in browser user: the actor, their session token and their language.
pub struct Visitor {
    pub actor: Actor,
    pub session: String,
    pub lang: Lang,
    pub time_zone: Option<String>,
}

impl Visitor {
    pub fn principal(&self) -> &Principal {
        self.actor.principal()
    }

    /// The CSRF token of this session's forms.
    pub fn csrf(&self) -> String {
        csrf_of(&self.session)
    }

    /// 403 unless a form carried this session's token.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), AppError> {
        match sent {
            Some(t) if constant_time_eq(t.as_bytes(), self.csrf().as_bytes()) => Ok(()),
            _ => Err(AppError::ForbiddenBecause(self.lang.t("error-bad-form"))),
        }
    }

    /// The page frame for `current` (a nav path) titled with the message `title_key`.
    pub fn page(&self, current: &str, title: String) -> Page {
        const ITEMS: [(&str, &str); 8] = [
            ("/", "nav-home"),
            ("/calendar", "nav-calendar"),
            ("/directory", "nav-directory"),
            ("/documents", "nav-documents"),
            ("/tasks", "nav-tasks"),
            ("/crm", "nav-crm"),
            ("/admin", "nav-admin"),
            ("/settings", "nav-settings"),
        ];
        let admin = self.principal().is_admin;
        Page {
            lang: self.lang,
            title,
            csrf: self.csrf(),
            css: assets::CSS_PATH.as_str(),
            nav: ITEMS
                .iter()
                .filter(|(href, _)| *href != "/admin" || admin)
                .map(|(href, key)| NavItem {
                    href,
                    label: self.lang.t(key),
                    current: *href == current,
                })
                .collect(),
            signed_in: true,
        }
    }
}

fn csrf_of(session: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"portico csrf\0")
        .chain_update(session.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of a cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// `scheme://host` as the browser reached this server, for the addresses pages show (drive,
/// feed); a TLS-terminating proxy in front is recognised by `auth.secure_cookies`.
pub fn origin(ctx: &Ctx, headers: &HeaderMap) -> String {
    let scheme = if ctx.tls || ctx.app.config.auth.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// The language for someone not signed in.
pub fn browser_lang(headers: &HeaderMap) -> Lang {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(None, accept)
}

/// The signed-in browser user, if the session cookie names a live session.
pub async fn visitor(ctx: &Ctx, headers: &HeaderMap) -> Result<Option<Visitor>, AppError> {
    let Some(token) = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(session_token_from_cookies)
    else {
        return Ok(None);
    };
    let Some(principal) = ctx.app.auth.session(token).await? else {
        return Ok(None);
    };
    let actor = Actor::user(principal);
    let settings = ctx.app.core.account(&actor).settings().await?;
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Ok(Some(Visitor {
        lang: Lang::negotiate(settings.locale.as_deref(), accept),
        time_zone: settings.time_zone,
        actor,
        session: token.to_owned(),
    }))
}

/// A rendered page with the page headers.
pub fn html(status: StatusCode, template: &impl Template) -> Result<Response<Body>, AppError> {
    let text = template
        .render()
        .map_err(|e| AppError::Internal(format!("rendering a page: {e}")))?;
    let mut resp = Response::new(full(text));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    Ok(resp)
}

/// A form body's fields.
pub fn form_fields(body: &[u8]) -> std::collections::HashMap<String, String> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        assert_eq!(csrf_of("a"), csrf_of("a"));
        assert_ne!(csrf_of("a"), csrf_of("b"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
