//! "Connect your devices": `/settings/devices` gives the exact addresses and steps for
//! Thunderbird, Outlook (CalDav Synchronizer), iPhone, iPad and Mac, and Android (DAVx⁵), and
//! `/settings/devices/portico.mobileconfig` an Apple configuration profile (written with the
//! `plist` crate) that sets up CalDAV and CardDAV in one go. The profile carries no password:
//! the device asks for one when it is installed, and the page says to make an app password
//! for it.

use askama::Template;
use http::header::{self, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::edge::Ctx;
use crate::edge::body::{Body, full};
use crate::edge::error::AppError;

use super::page::{Page, Visitor, html};
use super::pages::signed_in;

/// Where clients reach this server: scheme, host and port as the browser used them (a TLS
/// proxy in front is recognised by `auth.secure_cookies`).
struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    fn of(ctx: &Ctx, headers: &HeaderMap) -> Origin {
        let https = ctx.tls || ctx.app.config.auth.secure_cookies;
        let raw = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let (host, port) = match raw.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || raw.starts_with('[') => match p.parse::<u16>() {
                Ok(port) => (h.to_owned(), port),
                Err(_) => (raw.to_owned(), if https { 443 } else { 80 }),
            },
            _ => (raw.to_owned(), if https { 443 } else { 80 }),
        };
        Origin { https, host, port }
    }

    fn url(&self, path: &str) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            format!("{scheme}://{}{path}", self.host)
        } else {
            format!("{scheme}://{}:{}{path}", self.host, self.port)
        }
    }
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage {
    page: Page,
    login: String,
    server: String,
    calendars: String,
    calendar: String,
    contacts: String,
    principal: String,
}

/// `/settings/devices` and the profile below it.
pub async fn devices(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let path = req.uri().path().to_owned();
    let v = match signed_in(ctx, req.headers(), &path).await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET" });
    }
    let origin = Origin::of(ctx, req.headers());
    match path.as_str() {
        "/settings/devices" => page(&v, &origin),
        "/settings/devices/portico.mobileconfig" => profile(&v, &origin),
        _ => Err(AppError::NotFound),
    }
}

fn page(v: &Visitor, origin: &Origin) -> Result<Response<Body>, AppError> {
    let login = v.principal().login.clone();
    let segment: String = form_urlencoded::byte_serialize(login.as_bytes()).collect();
    let page = DevicesPage {
        page: v.page("/settings", v.lang.t("devices-title")),
        server: origin.url("/dav/"),
        calendars: origin.url(&format!("/dav/calendars/{segment}/")),
        calendar: origin.url(&format!("/dav/calendars/{segment}/calendar/")),
        contacts: origin.url(&format!("/dav/addressbooks/{segment}/")),
        principal: origin.url(&format!("/dav/principals/users/{segment}/")),
        login,
    };
    html(StatusCode::OK, &page)
}

/// The Apple configuration profile: one CalDAV and one CardDAV account payload.
fn profile(v: &Visitor, origin: &Origin) -> Result<Response<Body>, AppError> {
    use plist::{Dictionary, Value};
    let login = v.principal().login.clone();
    let segment: String = form_urlencoded::byte_serialize(login.as_bytes()).collect();
    let principal = format!("/dav/principals/users/{segment}/");
    let host_id: String = origin.host.chars().rev().collect::<String>();
    let id = |kind: &str| format!("{}.portico.{kind}.{login}", host_id.replace('.', "-"));
    let uuid = |kind: &str| {
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, id(kind).as_bytes())
            .to_string()
            .to_uppercase()
    };
    let account = |kind: &str, prefix: &str, description: String| {
        let mut d = Dictionary::new();
        d.insert(
            format!("{prefix}AccountDescription"),
            Value::String(description.clone()),
        );
        d.insert(format!("{prefix}HostName"), Value::String(origin.host.clone()));
        d.insert(format!("{prefix}Port"), Value::Integer(i64::from(origin.port).into()));
        d.insert(format!("{prefix}UseSSL"), Value::Boolean(origin.https));
        d.insert(format!("{prefix}Username"), Value::String(login.clone()));
        d.insert(format!("{prefix}PrincipalURL"), Value::String(principal.clone()));
        d.insert("PayloadType".into(), Value::String(format!("com.apple.{kind}.account")));
        d.insert("PayloadIdentifier".into(), Value::String(id(kind)));
        d.insert("PayloadUUID".into(), Value::String(uuid(kind)));
        d.insert("PayloadVersion".into(), Value::Integer(1.into()));
        d.insert("PayloadDisplayName".into(), Value::String(description));
        Value::Dictionary(d)
    };
    let lang = v.lang;
    let mut root = Dictionary::new();
    root.insert(
        "PayloadContent".into(),
        Value::Array(vec![
            account("caldav", "CalDAV", lang.t("devices-profile-calendars")),
            account("carddav", "CardDAV", lang.t("devices-profile-contacts")),
        ]),
    );
    root.insert(
        "PayloadDisplayName".into(),
        Value::String(lang.t("devices-profile-name")),
    );
    root.insert("PayloadIdentifier".into(), Value::String(id("profile")));
    root.insert("PayloadType".into(), Value::String("Configuration".into()));
    root.insert("PayloadUUID".into(), Value::String(uuid("profile")));
    root.insert("PayloadVersion".into(), Value::Integer(1.into()));
    let mut xml = Vec::new();
    Value::Dictionary(root)
        .to_writer_xml(&mut xml)
        .map_err(|e| AppError::Internal(format!("writing the profile: {e}")))?;
    let mut resp = Response::new(full(xml));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-apple-aspen-config"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"portico.mobileconfig\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
