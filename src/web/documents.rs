//! The document library pages: `/documents/…` mirrors `/docs/…` (the WebDAV drive). A folder
//! page lists what is in it (size, date, who holds a lock) with forms to upload files (a
//! plain multipart form, several files at once), make a folder, rename, move and delete, and
//! for those who manage the folder to lift locks and to give colleagues, groups and
//! departments access to it (the permissions list and its forms, which `/calendar/settings`
//! shares for calendars); it also says how to map the folder as a network drive. A file page
//! lists the file's versions, each to download or restore. Downloads are the drive's own
//! URLs under `/docs/`. Every command goes through [`crate::core::documents`] as the visitor.
//!
//! An upload's form fields are read with `multer`, and each file streams into the blob store
//! as it arrives (never whole in memory); the CSRF token must come before the files.

use std::collections::HashMap;

use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use futures_util::TryStreamExt;
use http::{Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::blobs::BlobError;
use crate::core::authz::Action;
use crate::core::documents::{
    CopyMove, DocLock, DocTarget, Documents, Grantee, GranteeKind, Level, ListedGrant, Located, PutFile, VirtualDir,
};
use crate::core::principals::GranteeName;
use crate::core::{Error, ErrorKind};
use crate::edge::body::{Body, body_chunks, read_limited};
use crate::edge::error::AppError;
use crate::edge::{Ctx, redirect};

use super::i18n::Lang;
use super::page::{Page, Visitor, form_fields, html};
use super::pages::signed_in;

const FORM_LIMIT: u64 = 16 * 1024;
/// Files one upload form may carry.
const MAX_FILES: usize = 100;

/// The page URL of a library path (`/documents/shared/Reports/`).
fn page_href(segments: &[String], folder: bool) -> String {
    format!("/documents{}", dav::encode_href(segments, folder))
}

/// The drive URL of a library path (`/docs/shared/Reports/a.docx`).
fn drive_href(segments: &[String], folder: bool) -> String {
    format!("/docs{}", dav::encode_href(segments, folder))
}

/// A size as people read it.
pub(super) fn size_text(lang: Lang, bytes: i64) -> String {
    const UNITS: [&str; 4] = ["size-kb", "size-mb", "size-gb", "size-tb"];
    if bytes < 1024 {
        return lang.t_count("size-bytes", bytes);
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let number = format!("{value:.1}");
    let number = match lang {
        Lang::Ru => number.replace('.', ","),
        Lang::En => number,
    };
    lang.t_args(
        UNITS[unit],
        &[("n", fluent_templates::fluent_bundle::FluentValue::from(number))],
    )
}

fn date_text(lang: Lang, at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map_or_else(String::new, |t| lang.date(t.date_naive()))
}

struct Crumb {
    name: String,
    href: String,
}

struct Row {
    name: String,
    href: String,
    download: String,
    folder: bool,
    size: String,
    modified: String,
    locked_by: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct FolderPage {
    page: Page,
    crumbs: Vec<Crumb>,
    rows: Vec<Row>,
    /// Inside a library (not a virtual listing).
    in_library: bool,
    can_write: bool,
    can_manage: bool,
    quota: String,
    drive_url: String,
    /// The grants set on the folder (for those who manage it).
    grants: Vec<GrantRow>,
    error: Option<String>,
}

/// A grant as a permissions list shows it.
pub(super) struct GrantRow {
    /// The name and login, or a department's name.
    pub(super) who: String,
    /// User, group or department, in words.
    pub(super) kind: String,
    pub(super) level: String,
    /// What the remove form sends back to name the grantee.
    pub(super) key: String,
}

/// The rows of a permissions list, in the words of the page's messages (`prefix`:
/// `calendar` or `documents`).
pub(super) fn grant_rows(lang: Lang, prefix: &str, grants: &[ListedGrant]) -> Vec<GrantRow> {
    grants
        .iter()
        .map(|g| {
            let kind = match g.kind {
                GranteeKind::User => "user",
                GranteeKind::Group => "group",
                GranteeKind::Department => "department",
            };
            let who = if g.kind == GranteeKind::Department || g.display_name == g.name || g.name.is_empty() {
                g.display_name.clone()
            } else {
                format!("{} ({})", g.display_name, g.name)
            };
            GrantRow {
                who,
                kind: lang.t(&format!("{prefix}-grant-kind-{kind}")),
                level: lang.t(&format!("{prefix}-grant-{}", g.level.as_str())),
                key: match g.grantee {
                    Grantee::Principal(id) => format!("p{id}"),
                    Grantee::Department(id) => format!("d{id}"),
                },
            }
        })
        .collect()
}

/// The grantee a remove form names by its row's `key`.
pub(super) fn grantee_of_key(key: &str) -> Result<Grantee, Error> {
    let parsed = match key.split_at_checked(1) {
        Some(("p", id)) => id.parse().ok().map(Grantee::Principal),
        Some(("d", id)) => id.parse().ok().map(Grantee::Department),
        _ => None,
    };
    parsed.ok_or_else(|| Error::invalid("the form names no grant"))
}

/// The user, group or department a permissions form names: `who` is `user`, `group` or
/// `department`, `name` a login or a department's short name (as in its library's address).
/// An unknown one is refused with the page's message (`{prefix}-grant-unknown`).
pub(super) async fn named_grantee(
    ctx: &Ctx,
    v: &Visitor,
    prefix: &str,
    who: &str,
    name: &str,
) -> Result<Grantee, Error> {
    let name = name.trim();
    let named = match who {
        "user" => Some(GranteeName::User(name)),
        "group" => Some(GranteeName::Group(name)),
        "department" => Some(GranteeName::Department(name)),
        _ => None,
    };
    let found = match named {
        Some(named) => ctx.app.core.principals(&v.actor).grantee(named).await,
        None => Err(Error::not_found()),
    };
    found.map_err(|e| match e.kind {
        ErrorKind::NotFound => {
            let name = FluentValue::from(name);
            Error::invalid(v.lang.t_args(&format!("{prefix}-grant-unknown"), &[("name", name)]))
        }
        _ => e,
    })
}

struct VersionRow {
    version: i64,
    size: String,
    author: String,
    date: String,
    download: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "documents_file.html")]
struct FilePage {
    page: Page,
    crumbs: Vec<Crumb>,
    name: String,
    download: String,
    folder: String,
    size: String,
    locked_by: String,
    versions: Vec<VersionRow>,
    can_write: bool,
    error: Option<String>,
}

/// Everything below `/documents`.
pub async fn documents(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let path = req.uri().path().to_owned();
    let v = match signed_in(ctx, req.headers(), &path).await? {
        Ok(v) => v,
        Err(to_login) => return Ok(to_login),
    };
    let rest = path.strip_prefix("/documents").unwrap_or("");
    let segments = match rest {
        "" | "/" => Vec::new(),
        rest => dav::decode_path(rest).map_err(|_| AppError::NotFound)?,
    };
    let docs = ctx.app.core.documents(&v.actor);
    let located = docs.locate(segments).await?;
    let origin = super::page::origin(ctx, req.headers());
    match (req.method().clone(), located) {
        (Method::GET | Method::HEAD, Located::Virtual(dir)) => virtual_page(&v, &docs, dir, &origin).await,
        (Method::GET | Method::HEAD, Located::Doc(target)) => show(&v, &docs, &target, &origin, None).await,
        (Method::POST, Located::Doc(target)) => {
            let multipart = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|c| c.to_str().ok())
                .and_then(|c| multer::parse_boundary(c).ok());
            let outcome = match multipart {
                Some(boundary) => {
                    // The token comes first; a form without it is refused like any other.
                    let constraints =
                        multer::Constraints::new().size_limit(multer::SizeLimit::new().for_field("csrf", 256));
                    let mut form =
                        multer::Multipart::with_constraints(body_chunks(req.into_body()), boundary, constraints);
                    v.check_csrf(Some(&upload_token(&mut form).await))?;
                    upload(ctx, &v, &docs, &target, form).await
                }
                None => {
                    let form = form_fields(&read_limited(req.into_body(), FORM_LIMIT).await?);
                    v.check_csrf(form.get("csrf").map(String::as_str))?;
                    match form.get("action").map(String::as_str) {
                        Some("grant" | "grant-remove") => grant_command(ctx, &v, &docs, &target, &form).await,
                        _ => command(&docs, &target, &form).await,
                    }
                }
            };
            match outcome {
                Ok(next) => Ok(redirect(StatusCode::SEE_OTHER, &next)),
                Err(e) => {
                    let (status, message) = refusal(v.lang, e)?;
                    let mut page = show(&v, &docs, &target, &origin, Some(message)).await?;
                    *page.status_mut() = status;
                    Ok(page)
                }
            }
        }
        (Method::POST, Located::Virtual(_)) => Err(AppError::ForbiddenBecause(v.lang.t("documents-not-here"))),
        _ => Err(AppError::MethodNotAllowed { allow: "GET, POST" }),
    }
}

/// The status and message a refused command shows on its page; anything else is an error.
fn refusal(lang: Lang, e: Error) -> Result<(StatusCode, String), AppError> {
    let (status, key) = match e.kind {
        ErrorKind::Locked => (StatusCode::LOCKED, "documents-error-locked"),
        ErrorKind::InsufficientStorage => (StatusCode::INSUFFICIENT_STORAGE, "documents-error-quota"),
        ErrorKind::PreconditionFailed | ErrorKind::NotAllowed => (StatusCode::CONFLICT, "documents-error-exists"),
        ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "documents-error-forbidden"),
        ErrorKind::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "documents-error-too-large"),
        ErrorKind::Invalid | ErrorKind::Conflict | ErrorKind::NotFound => {
            return Ok((StatusCode::BAD_REQUEST, e.reason));
        }
        ErrorKind::Internal => return Err(e.into()),
    };
    Ok((status, lang.t(key)))
}

fn crumbs(lang: Lang, segments: &[String]) -> Vec<Crumb> {
    let mut out = vec![Crumb {
        name: lang.t("documents-title"),
        href: "/documents/".into(),
    }];
    for i in 0..segments.len() {
        let name = match (i, segments[i].as_str()) {
            (0, "shared") => lang.t("documents-company"),
            (0, "users") => lang.t("documents-people"),
            (0, "departments") => lang.t("documents-departments"),
            (_, other) => other.to_owned(),
        };
        out.push(Crumb {
            name,
            href: page_href(&segments[..=i], true),
        });
    }
    out
}

async fn virtual_page(
    v: &Visitor,
    docs: &Documents<'_>,
    dir: VirtualDir,
    origin: &str,
) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let me = &v.principal().login;
    let mut rows: Vec<Row> = Vec::new();
    if dir == VirtualDir::Root {
        // The visitor's own drive first.
        let mine = vec!["users".to_owned(), me.clone()];
        rows.push(Row {
            name: lang.t("documents-my-drive"),
            href: page_href(&mine, true),
            download: String::new(),
            folder: true,
            size: String::new(),
            modified: String::new(),
            locked_by: String::new(),
        });
    }
    for entry in docs.virtual_children(dir).await? {
        let segments = dav::decode_path(entry.href.trim_start_matches("/docs")).unwrap_or_default();
        let name = match entry.name.as_str() {
            "shared" if dir == VirtualDir::Root => lang.t("documents-company"),
            "users" if dir == VirtualDir::Root => lang.t("documents-people"),
            "departments" if dir == VirtualDir::Root => lang.t("documents-departments"),
            other => other.to_owned(),
        };
        rows.push(Row {
            name,
            href: page_href(&segments, true),
            download: String::new(),
            folder: true,
            size: String::new(),
            modified: String::new(),
            locked_by: String::new(),
        });
    }
    let segments: Vec<String> = match dir {
        VirtualDir::Root => Vec::new(),
        VirtualDir::Users => vec!["users".into()],
        VirtualDir::Departments => vec!["departments".into()],
    };
    let page = FolderPage {
        page: v.page("/documents", lang.t("documents-title")),
        crumbs: crumbs(lang, &segments),
        rows,
        in_library: false,
        can_write: false,
        can_manage: false,
        quota: String::new(),
        drive_url: format!("{origin}{}", drive_href(&segments, true)),
        grants: Vec::new(),
        error: None,
    };
    html(StatusCode::OK, &page)
}

/// The page of a folder or a file, with an error from a refused command.
async fn show(
    v: &Visitor,
    docs: &Documents<'_>,
    target: &DocTarget,
    origin: &str,
    error: Option<String>,
) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let listing = docs.listing(target, true, true).await?;
    let level = docs.level(target).await?;
    let can_write = level.is_some_and(|l| l >= Level::Write);
    let mut all_locks = listing.this.locks.clone();
    for child in &listing.children {
        all_locks.extend(child.locks.iter().cloned());
    }
    let holders = docs.lock_holders(target, &all_locks).await?;
    let holder = |locks: &[DocLock]| {
        locks
            .iter()
            .filter_map(|l| holders.get(&l.principal_id).cloned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !listing.this.node.is_collection() {
        let versions = docs.versions(target).await?;
        let last = versions.last().map_or(0, |v| v.version);
        let page = FilePage {
            page: v.page("/documents", target.name().to_owned()),
            crumbs: crumbs(lang, &target.segments[..target.segments.len().saturating_sub(1)]),
            name: target.name().to_owned(),
            download: drive_href(&target.segments, false),
            folder: page_href(&target.segments[..target.segments.len().saturating_sub(1)], true),
            size: size_text(lang, listing.this.node.size),
            locked_by: holder(&listing.this.locks),
            versions: versions
                .iter()
                .rev()
                .map(|ver| VersionRow {
                    version: ver.version,
                    size: size_text(lang, ver.size),
                    author: ver.author.clone().unwrap_or_default(),
                    date: date_text(lang, ver.created_at),
                    download: format!("{}?version={}", drive_href(&target.segments, false), ver.version),
                    current: ver.version == last,
                })
                .collect(),
            can_write,
            error,
        };
        return html(StatusCode::OK, &page);
    }
    let mut rows: Vec<Row> = listing
        .children
        .iter()
        .map(|child| {
            let mut segments = target.segments.clone();
            segments.push(child.node.name.clone());
            let folder = child.node.is_collection();
            Row {
                name: child.node.name.clone(),
                href: page_href(&segments, folder),
                download: if folder {
                    String::new()
                } else {
                    drive_href(&segments, false)
                },
                folder,
                size: if folder {
                    String::new()
                } else {
                    size_text(lang, child.node.size)
                },
                modified: date_text(lang, child.node.modified_at),
                locked_by: holder(&child.locks),
            }
        })
        .collect();
    rows.sort_by_key(|r| (!r.folder, r.name.to_lowercase()));
    let quota = listing.quota.map_or_else(String::new, |(used, available)| {
        lang.t_args(
            "documents-quota",
            &[
                (
                    "used",
                    fluent_templates::fluent_bundle::FluentValue::from(size_text(lang, used)),
                ),
                (
                    "available",
                    fluent_templates::fluent_bundle::FluentValue::from(size_text(lang, available)),
                ),
            ],
        )
    });
    let can_manage = level.is_some_and(|l| l >= Level::Manage);
    let grants = if can_manage {
        grant_rows(lang, "documents", &docs.grants(target).await?)
    } else {
        Vec::new()
    };
    let page = FolderPage {
        page: v.page("/documents", target.name().to_owned()),
        crumbs: crumbs(lang, &target.segments),
        rows,
        in_library: true,
        can_write,
        can_manage,
        quota,
        drive_url: format!("{origin}{}", drive_href(&target.segments, true)),
        grants,
        error,
    };
    html(StatusCode::OK, &page)
}

/// A child of the folder `target` by name (one path segment, as a form names it).
async fn child(docs: &Documents<'_>, target: &DocTarget, name: &str) -> Result<DocTarget, Error> {
    let name = name.trim();
    if name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err(Error::invalid("a name may not be empty or hold / or \\"));
    }
    let mut segments = target.segments.clone();
    segments.push(name.to_owned());
    match docs.locate(segments).await? {
        Located::Doc(t) => Ok(t),
        Located::Virtual(_) => Err(Error::invalid("not a name in this folder")),
    }
}

/// A form's command on a folder or a file; answers where to go next.
async fn command(docs: &Documents<'_>, target: &DocTarget, form: &HashMap<String, String>) -> Result<String, Error> {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    let here = page_href(&target.segments, true);
    match get("action") {
        "mkdir" => {
            let folder = child(docs, target, get("name")).await?;
            docs.mkcol(&folder, None).await?;
            Ok(here)
        }
        "rename" | "move" => {
            let item = child(docs, target, get("item")).await?;
            let dest = if get("action") == "rename" {
                child(docs, target, get("to")).await?
            } else {
                let raw = get("to").trim().trim_start_matches("/docs").trim_matches('/');
                let mut segments = dav::decode_path(&format!("/{raw}"))
                    .map_err(|_| Error::invalid("the destination folder is not a library path"))?;
                segments.push(item.name().to_owned());
                match docs.locate(segments).await? {
                    Located::Doc(t) => t,
                    Located::Virtual(_) => return Err(Error::invalid("the destination is not a library folder")),
                }
            };
            docs.copy_or_move(
                &item,
                &dest,
                CopyMove {
                    is_move: true,
                    depth: None,
                    overwrite: false,
                    if_header: None,
                },
            )
            .await?;
            Ok(here)
        }
        "delete" => {
            let item = child(docs, target, get("item")).await?;
            docs.delete(&item, &dav::Preconditions::default(), None).await?;
            Ok(here)
        }
        "unlock" => {
            let item = if get("item").is_empty() {
                target.clone()
            } else {
                child(docs, target, get("item")).await?
            };
            docs.break_locks(&item).await?;
            Ok(if get("item").is_empty() {
                page_href(&target.segments, false)
            } else {
                here
            })
        }
        "restore" => {
            let n = get("version")
                .parse::<i64>()
                .map_err(|_| Error::invalid("no such version"))?;
            docs.restore(target, n, None).await?;
            Ok(page_href(&target.segments, false))
        }
        _ => Err(Error::invalid("unknown command")),
    }
}

/// A permissions form on a folder: a grant given or changed (`grant`: `who`, `name`,
/// `level`) or removed (`grant-remove`: `grantee`); answers where to go next.
async fn grant_command(
    ctx: &Ctx,
    v: &Visitor,
    docs: &Documents<'_>,
    target: &DocTarget,
    form: &HashMap<String, String>,
) -> Result<String, Error> {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    // Whether a name is known is for those who manage the folder to learn.
    docs.require(target, Action::Manage).await?;
    let (grantee, level) = if get("action") == "grant" {
        let level = Level::parse(get("level")).ok_or_else(|| Error::invalid(v.lang.t("documents-grant-bad-level")))?;
        let grantee = named_grantee(ctx, v, "documents", get("who"), get("name")).await?;
        (grantee, Some(level))
    } else {
        (grantee_of_key(get("grantee"))?, None)
    };
    docs.set_grant(target, grantee, level).await?;
    Ok(page_href(&target.segments, true))
}

/// The `csrf` field a multipart upload starts with; empty when the form does not start with
/// one (or is malformed there), which the token check then refuses.
async fn upload_token(form: &mut multer::Multipart<'_>) -> String {
    match form.next_field().await {
        Ok(Some(field)) if field.name() == Some("csrf") => field.text().await.unwrap_or_default(),
        _ => String::new(),
    }
}

/// The files of a multipart upload into the folder `target` (after its token): any number
/// of `file`s.
async fn upload(
    ctx: &Ctx,
    v: &Visitor,
    docs: &Documents<'_>,
    target: &DocTarget,
    mut multipart: multer::Multipart<'_>,
) -> Result<String, Error> {
    docs.require(target, Action::Write).await?;
    let bad_form = |e: multer::Error| Error::invalid(format!("the upload form is malformed: {e}"));
    let mut stored = 0;
    while let Some(field) = multipart.next_field().await.map_err(bad_form)? {
        if field.name() != Some("file") {
            continue;
        }
        let Some(name) = field
            .file_name()
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
        else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        stored += 1;
        if stored > MAX_FILES {
            return Err(Error::invalid(format!("at most {MAX_FILES} files at once")));
        }
        let file = child(docs, target, &name).await?;
        let content_type = field.content_type().map(|m| m.essence_str().to_owned());
        let body = Box::pin(field.map_err(|e| BlobError::Body(e.to_string())));
        docs.put(
            &file,
            PutFile {
                body,
                content_type: content_type.filter(|c| c != "application/octet-stream"),
                declared_length: None,
                preconditions: dav::Preconditions::default(),
                if_header: None,
            },
        )
        .await?;
    }
    if stored == 0 {
        return Err(Error::invalid(v.lang.t("documents-no-files")));
    }
    tracing::debug!(request = %ctx.request_id, files = stored, "uploaded from the web");
    Ok(page_href(&target.segments, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(Lang::En, 512), "512 bytes");
        assert_eq!(size_text(Lang::En, 1536), "1.5 KB");
        assert_eq!(size_text(Lang::Ru, 3 * 1024 * 1024 / 2), "1,5 МБ");
        assert_eq!(size_text(Lang::Ru, 1), "1 байт");
        assert_eq!(size_text(Lang::Ru, 3), "3 байта");
    }

    #[test]
    fn page_and_drive_urls_encode_their_segments() {
        let segments = vec!["shared".to_owned(), "Q1 report #2.docx".to_owned()];
        assert_eq!(page_href(&segments, false), "/documents/shared/Q1%20report%20%232.docx");
        assert_eq!(drive_href(&segments[..1], true), "/docs/shared/");
    }
}
