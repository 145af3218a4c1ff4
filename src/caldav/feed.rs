//! `/ical/{token}.ics`: a calendar's secret, revocable, read-only iCalendar feed for
//! subscriptions (Outlook "Internet Calendars", webcal). The token is the credential; the
//! feed shows what the calendar's visibility mode shows colleagues — everything for `all`,
//! times and titles for `titles`, times only for `busy` and `private` — and private
//! (CLASS:PRIVATE/CONFIDENTIAL) events only as busy.

use http::{HeaderValue, Method, Response, header};

use crate::authz::CalendarView;
use crate::http::Ctx;
use crate::http::body::{Body, empty, full};
use crate::http::error::AppError;

use super::objects::calendar_text;

pub async fn serve(ctx: &Ctx, method: &Method, path: &str) -> Result<Response<Body>, AppError> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let token = path
        .strip_prefix("/ical/")
        .and_then(|rest| rest.strip_suffix(".ics"))
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()))
        .ok_or(AppError::NotFound)?;
    let coll = ctx
        .app
        .store
        .collection_by_feed_token(token)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = match coll.visibility.as_str() {
        "all" => CalendarView::Read,
        "titles" => CalendarView::Titles,
        _ => CalendarView::BusyOnly,
    };
    let text = calendar_text(&ctx.app.store, &coll, view).await?;
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
