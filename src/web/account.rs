//! `/api/app-passwords`: a user lists, creates and revokes their own app passwords (JSON).
//!
//! `GET` lists (never the secrets), `POST {"label": "…", "password": "…"}` creates one and
//! returns its secret once, `DELETE /api/app-passwords/{id}` revokes it. Creating one needs
//! the account password in the body, every time: a session cookie, cached Basic
//! credentials or a script running in the user's browser must not be enough to mint a
//! credential that outlives them.

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use serde::Deserialize;

use crate::core::Actor;
use crate::core::auth::AppPassword;
use crate::core::auth::AuthError;
use crate::core::authz::{Action, Resource, can};
use crate::edge::Ctx;
use crate::edge::body::{Body, empty, full, read_limited};
use crate::edge::error::AppError;

const BODY_LIMIT: u64 = 4096;
const LABEL_MAX: usize = 100;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    label: String,
    password: Option<String>,
}

pub async fn app_passwords(ctx: &Ctx, actor: &Actor, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let principal = actor.principal();
    let action = if req.method() == Method::GET {
        Action::Read
    } else {
        Action::Write
    };
    if !can(
        principal,
        action,
        Resource::Account {
            login: &principal.login,
        },
    ) {
        return Err(AppError::Forbidden);
    }
    let id_part = req
        .uri()
        .path()
        .trim_start_matches("/api/app-passwords")
        .trim_matches('/')
        .to_owned();
    match (req.method().clone(), id_part.is_empty()) {
        (Method::GET, true) => {
            let list = ctx.app.auth.app_passwords(principal).await?;
            let items: Vec<_> = list.iter().map(describe).collect();
            json(StatusCode::OK, &serde_json::Value::Array(items))
        }
        (Method::POST, true) => {
            let body = read_limited(req.into_body(), BODY_LIMIT).await?;
            let create: CreateRequest = serde_json::from_slice(&body)
                .map_err(|e| AppError::BadRequest(format!("expected {{\"label\": \"…\"}}: {e}")))?;
            let label = create.label.trim();
            if label.is_empty() || label.chars().count() > LABEL_MAX || label.chars().any(char::is_control) {
                return Err(AppError::BadRequest(format!(
                    "label must be 1 to {LABEL_MAX} printable characters"
                )));
            }
            let Some(password) = create.password.as_deref() else {
                return Err(AppError::ForbiddenBecause(
                    "creating an app password needs your account password in \"password\"".into(),
                ));
            };
            match ctx.app.auth.confirm_password(principal, password, ctx.client_ip).await {
                Ok(()) => {}
                Err(AuthError::Invalid | AuthError::Missing) => {
                    return Err(AppError::ForbiddenBecause("the account password is wrong".into()));
                }
                Err(e) => return Err(e.into()),
            }
            let (record, secret) = ctx.app.auth.new_app_password(principal, label).await?;
            let mut value = describe(&record);
            value["password"] = serde_json::Value::String(secret);
            json(StatusCode::CREATED, &value)
        }
        (Method::DELETE, false) => {
            let id: i64 = id_part.parse().map_err(|_| AppError::NotFound)?;
            if ctx.app.auth.revoke_app_password(principal, id).await? {
                let mut resp = Response::new(empty());
                *resp.status_mut() = StatusCode::NO_CONTENT;
                Ok(resp)
            } else {
                Err(AppError::NotFound)
            }
        }
        (_, true) => Err(AppError::MethodNotAllowed { allow: "GET, POST" }),
        (_, false) => Err(AppError::MethodNotAllowed { allow: "DELETE" }),
    }
}

fn describe(p: &AppPassword) -> serde_json::Value {
    serde_json::json!({ "id": p.id, "label": p.label, "created_at": p.created_at, "last_used_at": p.last_used_at })
}

fn json(status: StatusCode, value: &serde_json::Value) -> Result<Response<Body>, AppError> {
    let text = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut resp = Response::new(full(text));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}
