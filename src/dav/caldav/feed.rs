//! `/ical/{token}.ics`: a calendar's secret, revocable, read-only iCalendar feed for
//! subscriptions (Outlook "Internet Calendars", webcal). The token is the credential; what
//! the feed shows is `crate::core::calendars::feed`'s rule.

use http::{HeaderValue, Method, Response, header};

use crate::edge::Ctx;
use crate::edge::body::{Body, empty, full};
use crate::edge::error::AppError;

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
