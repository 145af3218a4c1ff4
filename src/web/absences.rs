//! `GET /api/absences?department=SLUG&from=YYYYMMDDTHHMMSSZ&to=…`: out-of-office events
//! (opaque events marked out of office by category, `X-PORTICO-OOF` or Outlook's busy status)
//! of a department's members in a date range, as JSON — what the absence chart shows. Only
//! who is away and when is returned, never the event's details, so every signed-in user may ask.

use http::{HeaderValue, Method, Response, header};

use crate::core::Actor;
use crate::edge::Ctx;
use crate::edge::body::{Body, full};
use crate::edge::error::AppError;

pub async fn absences(
    ctx: &Ctx,
    actor: &Actor,
    method: &Method,
    query: Option<&str>,
) -> Result<Response<Body>, AppError> {
    if *method != Method::GET {
        return Err(AppError::MethodNotAllowed { allow: "GET" });
    }
    let mut department = None;
    let mut from = None;
    let mut to = None;
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let time =
            || caldav::parse_utc(&v).ok_or_else(|| AppError::BadRequest(format!("{k}: expected YYYYMMDDTHHMMSSZ")));
        match k.as_ref() {
            "department" => department = Some(v.into_owned()),
            "from" => from = Some(time()?),
            "to" => to = Some(time()?),
            other => return Err(AppError::BadRequest(format!("unknown parameter {other:?}"))),
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(AppError::BadRequest("from and to are required".into()));
    };
    if from >= to {
        return Err(AppError::BadRequest("from must be before to".into()));
    }
    let rows = ctx
        .app
        .core
        .calendars(actor)
        .absences(department.as_deref(), from, to)
        .await?;
    let list: Vec<_> = rows
        .iter()
        .map(|a| {
            serde_json::json!({
                "login": a.login, "name": a.display_name,
                "from": caldav::format_utc(a.time_start), "to": caldav::format_utc(a.time_end),
            })
        })
        .collect();
    let text = serde_json::to_vec(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut resp = Response::new(full(text));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}
