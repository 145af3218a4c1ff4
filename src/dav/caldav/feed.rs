//! `/ical/{token}.ics`: a calendar's secret, revocable, read-only iCalendar feed for
//! subscriptions (Outlook "Internet Calendars", webcal). The token is the credential; what
//! the feed shows is `crate::core::calendars::feed`'s rule.
//!
//! `/freebusy/{login or address}.vfb`: a person's published free/busy for Outlook's "Internet
//! Free/Busy" search path (`…/freebusy/%NAME%@%SERVER%.vfb`), to a signed-in colleague (what
//! they may see as busy/free) or with `?token=` a feed token of one of that person's calendars.

use http::{HeaderValue, Method, Response, header};

use crate::edge::Ctx;
use crate::edge::body::{Body, empty, full};
use crate::edge::error::AppError;

/// `/freebusy/{name}.vfb`: by token when the query has one, else as `actor` (signed in).
pub async fn free_busy(
    ctx: &Ctx,
    method: &Method,
    path: &str,
    token: Option<&str>,
    actor: Option<&crate::core::Actor>,
) -> Result<Response<Body>, AppError> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let name = path
        .strip_prefix("/freebusy/")
        .and_then(|rest| rest.strip_suffix(".vfb"))
        .map(|n| percent_encoding::percent_decode_str(n).decode_utf8_lossy().into_owned())
        .filter(|n| !n.is_empty() && !n.contains('/'))
        .ok_or(AppError::NotFound)?;
    let text = match (token, actor) {
        (Some(token), _) => crate::core::calendars::published_free_busy_by_token(&ctx.app.core, &name, token)
            .await?
            .ok_or(AppError::NotFound)?,
        (None, Some(actor)) => ctx.app.core.calendars(actor).published_free_busy(&name).await?,
        (None, None) => return Err(AppError::Unauthorized),
    };
    calendar_answer(method, text)
}

fn calendar_answer(method: &Method, text: String) -> Result<Response<Body>, AppError> {
    let len = text.len();
    let mut resp = Response::new(if *method == Method::HEAD { empty() } else { full(text) });
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    Ok(resp)
}

pub async fn serve(ctx: &Ctx, method: &Method, path: &str) -> Result<Response<Body>, AppError> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let token = path
        .strip_prefix("/ical/")
        .and_then(|rest| rest.strip_suffix(".ics"))
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()))
        .ok_or(AppError::NotFound)?;
    let text = crate::core::calendars::feed(&ctx.app.core, token)
        .await?
        .ok_or(AppError::NotFound)?;
    calendar_answer(method, text)
}
