//! `/api/favorites`: the colleagues' calendars a user keeps among their favourites (JSON).
//! Favourites show in the user's own calendar home as `{owner}~{calendar}`, so clients that
//! only look at the home (Apple Calendar, Thunderbird, DAVx5) see them.
//!
//! `GET` lists them, `PUT /api/favorites/{login}/{calendar}` adds one the user may see (at
//! least as free/busy), `DELETE /api/favorites/{login}/{calendar}` removes one.

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::Actor;
use crate::core::authz::{Action, Resource, can};
use crate::edge::Ctx;
use crate::edge::body::{Body, full, status};
use crate::edge::error::AppError;

pub async fn favorites(ctx: &Ctx, actor: &Actor, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let me = actor.principal();
    let calendars = ctx.app.core.calendars(actor);
    let action = if req.method() == Method::GET {
        Action::Read
    } else {
        Action::Write
    };
    if !can(me, action, Resource::Account { login: &me.login }) {
        return Err(AppError::Forbidden);
    }
    let rest = req.uri().path().trim_start_matches("/api/favorites").trim_matches('/');
    let target = match rest {
        "" => None,
        _ => {
            let segments = dav::decode_path(&format!("/{rest}"))
                .map_err(|e| AppError::BadRequest(format!("invalid path: {e}")))?;
            match segments.as_slice() {
                [login, slug] => Some((login.clone(), slug.clone())),
                _ => return Err(AppError::NotFound),
            }
        }
    };
    match (req.method().clone(), target) {
        (Method::GET, None) => {
            let items: Vec<_> = calendars
                .favorites()
                .await?
                .iter()
                .map(|c| {
                    let (owner, coll) = (c.owner(), c.collection());
                    serde_json::json!({
                        "owner": owner.login,
                        "owner_name": owner.display_name,
                        "calendar": coll.slug,
                        "name": coll.displayname.as_deref().unwrap_or(&coll.slug),
                        "href": crate::core::urls::calendar_href(
                            &me.login,
                            &crate::core::calendars::binding_segment(&owner.login, &coll.slug),
                        ),
                    })
                })
                .collect();
            let text = serde_json::to_vec(&items).map_err(|e| AppError::Internal(e.to_string()))?;
            let mut resp = Response::new(full(text));
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Ok(resp)
        }
        (Method::PUT, Some((login, slug))) => {
            // 404 for unknown calendars, 403 for those the user may not see at all.
            calendars.add_favorite(&login, &slug).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (Method::DELETE, Some((login, slug))) => {
            calendars.remove_favorite(&login, &slug).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (_, None) => Err(AppError::MethodNotAllowed { allow: "GET" }),
        (_, Some(_)) => Err(AppError::MethodNotAllowed { allow: "PUT, DELETE" }),
    }
}
