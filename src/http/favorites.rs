//! `/api/favorites`: the colleagues' calendars a user keeps among their favourites (JSON).
//! Favourites show in the user's own calendar home as `{owner}~{calendar}`, so clients that
//! only look at the home (Apple Calendar, Thunderbird, DAVx5) see them.
//!
//! `GET` lists them, `PUT /api/favorites/{login}/{calendar}` adds one the user may see (at
//! least as free/busy), `DELETE /api/favorites/{login}/{calendar}` removes one.

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use super::Ctx;
use super::body::{Body, full, status};
use super::error::AppError;
use crate::authz::{Action, Resource, can};
use crate::store::Principal;

pub async fn favorites(ctx: &Ctx, me: &Principal, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
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
        (Method::GET, None) => list(ctx, me).await,
        (Method::PUT, Some((login, slug))) => {
            if login == me.login {
                return Err(AppError::BadRequest(
                    "your own calendars are in your home already".into(),
                ));
            }
            // 404 for unknown calendars, 403 for those the user may not see at all.
            let c = crate::caldav::calendar_for(ctx, me, &login, &slug).await?;
            ctx.app.store.add_favorite(me.id, c.coll.id).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (Method::DELETE, Some((login, slug))) => {
            let owner = ctx
                .app
                .store
                .principal_by_login(&login)
                .await?
                .ok_or(AppError::NotFound)?;
            let coll = ctx
                .app
                .store
                .collection(owner.id, "calendar", &slug)
                .await?
                .ok_or(AppError::NotFound)?;
            if !ctx.app.store.remove_favorite(me.id, coll.id).await? {
                return Err(AppError::NotFound);
            }
            Ok(status(StatusCode::NO_CONTENT))
        }
        (_, None) => Err(AppError::MethodNotAllowed { allow: "GET" }),
        (_, Some(_)) => Err(AppError::MethodNotAllowed { allow: "PUT, DELETE" }),
    }
}

async fn list(ctx: &Ctx, me: &Principal) -> Result<Response<Body>, AppError> {
    let items: Vec<_> = ctx
        .app
        .store
        .favorites(me.id)
        .await?
        .iter()
        .map(|(owner, coll)| {
            serde_json::json!({
                "owner": owner.login,
                "owner_name": owner.display_name,
                "calendar": coll.slug,
                "name": coll.displayname.as_deref().unwrap_or(&coll.slug),
                "href": crate::caldav::bound_calendar_href(&me.login, &owner.login, &coll.slug),
            })
        })
        .collect();
    let text = serde_json::to_vec(&items).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut resp = Response::new(full(text));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}
