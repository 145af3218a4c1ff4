//! `GET /api/rooms/free?start=YYYYMMDDTHHMMSSZ&end=…[&people=N][&equipment=projector,video]`:
//! the meeting rooms free for the whole range with at least N seats and all that equipment,
//! that the signed-in user may book, as JSON (login, name, e-mail, seats, equipment). The
//! rooms' busy time is public; nothing else of their calendars is shown.

use http::{HeaderValue, Method, Response, header};

use crate::core::Actor;
use crate::edge::Ctx;
use crate::edge::body::{Body, full};
use crate::edge::error::AppError;

/// Most equipment words one query names.
const MAX_WORDS: usize = 16;

pub async fn free(ctx: &Ctx, actor: &Actor, method: &Method, query: Option<&str>) -> Result<Response<Body>, AppError> {
    if *method != Method::GET {
        return Err(AppError::MethodNotAllowed { allow: "GET" });
    }
    let (mut start, mut end, mut people, mut equipment) = (None, None, 0, Vec::new());
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let time =
            || caldav::parse_utc(&v).ok_or_else(|| AppError::BadRequest(format!("{k}: expected YYYYMMDDTHHMMSSZ")));
        match k.as_ref() {
            "start" => start = Some(time()?),
            "end" => end = Some(time()?),
            "people" => {
                people = v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (0..=100_000).contains(n))
                    .ok_or_else(|| AppError::BadRequest("people: expected a number of seats".into()))?;
            }
            "equipment" => {
                equipment = v
                    .split(',')
                    .map(|w| w.trim().to_lowercase())
                    .filter(|w| !w.is_empty())
                    .collect();
                if equipment.len() > MAX_WORDS {
                    return Err(AppError::BadRequest(format!("equipment: at most {MAX_WORDS} words")));
                }
            }
            other => return Err(AppError::BadRequest(format!("unknown parameter {other:?}"))),
        }
    }
    let (Some(start), Some(end)) = (start, end) else {
        return Err(AppError::BadRequest("start and end are required".into()));
    };
    let rooms = ctx
        .app
        .core
        .calendars(actor)
        .free_rooms(start, end, people, &equipment)
        .await?;
    let list: Vec<_> = rooms
        .iter()
        .map(|r| {
            serde_json::json!({
                "login": r.principal.login, "name": r.principal.display_name, "email": r.principal.email,
                "capacity": (r.details.capacity > 0).then_some(r.details.capacity),
                "equipment": r.details.equipment,
            })
        })
        .collect();
    let text = serde_json::to_vec(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut resp = Response::new(full(text));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}
