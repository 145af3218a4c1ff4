//! `GET /api/absences?department=SLUG&from=YYYYMMDDTHHMMSSZ&to=…[&tz=Europe/Moscow]`: when
//! each member of a department (and of the departments below it) is out of office in a date
//! range, as JSON — what the absence chart shows: one entry per occurrence (recurrences
//! expanded) with its true start and end; all-day absences are days in `tz` (default UTC).
//! Only who is away and when is returned, never the event's details, so every signed-in user
//! may ask.

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
    let mut zone = caldav::FloatingZone::utc();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let time =
            || caldav::parse_utc(&v).ok_or_else(|| AppError::BadRequest(format!("{k}: expected YYYYMMDDTHHMMSSZ")));
        match k.as_ref() {
            "department" => department = Some(v.into_owned()),
            "from" => from = Some(time()?),
            "to" => to = Some(time()?),
            "tz" => {
                zone = caldav::FloatingZone::from_id(&v)
                    .ok_or_else(|| AppError::BadRequest(format!("tz: unknown zone {v:?}")))?;
            }
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
        .absences(department.as_deref(), from, to, &zone)
        .await?;
    let list: Vec<_> = rows
        .iter()
        .map(|a| {
            serde_json::json!({
                "login": a.login, "name": a.display_name, "all_day": a.all_day,
                "from": caldav::format_utc(a.start), "to": caldav::format_utc(a.end),
            })
        })
        .collect();
    let text = serde_json::to_vec(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut resp = Response::new(full(text));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}
