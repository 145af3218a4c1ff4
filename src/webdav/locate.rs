//! Maps a request path below `/docs/` to what it names: a virtual listing (`/docs/`,
//! `/docs/users/`, `/docs/departments/`) or a node of one library, with that library.
//!
//! Paths are decoded and validated by `dav::path::decode_path` (no `..`, no encoded
//! slashes, no NUL, bounded lengths, NFC): anything else is a 400 before storage is touched.

use dav::{decode_path, encode_href};

use std::collections::HashSet;

use crate::app::App;
use crate::authz::Library;
use crate::http::error::AppError;
use crate::store::{DocNode, Store};

pub const PREFIX: &str = "/docs";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VirtualDir {
    Root,
    Users,
    Departments,
}

impl VirtualDir {
    pub fn href(self) -> &'static str {
        match self {
            VirtualDir::Root => "/docs/",
            VirtualDir::Users => "/docs/users/",
            VirtualDir::Departments => "/docs/departments/",
        }
    }
}

/// A path inside a library.
#[derive(Debug, Clone)]
pub struct DocTarget {
    /// Decoded segments below `/docs/`, e.g. `["users", "alice", "Report.docx"]`.
    pub segments: Vec<String>,
    /// The segments joined with '/': the store key.
    pub path: String,
    /// The library root's store key: `shared`, `users/alice`, `departments/sales`.
    pub root: String,
    pub library: Library,
}

impl DocTarget {
    pub fn is_root(&self) -> bool {
        self.path == self.root
    }

    /// The canonical href, with a trailing slash for collections.
    pub fn href(&self, collection: bool) -> String {
        format!("{PREFIX}{}", encode_href(&self.segments, collection))
    }

    /// The store key of the parent folder.
    pub fn parent_path(&self) -> &str {
        crate::store::parent_of(&self.path)
    }

    /// The owner login of a personal drive (for quota).
    pub fn drive_owner(&self) -> Option<&str> {
        match &self.library {
            Library::User { login } => Some(login),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Target {
    Virtual(VirtualDir),
    Doc(DocTarget),
}

/// Splits the path after `/docs` into decoded segments (400 on anything unsafe).
pub fn segments_of(path_below_docs: &str) -> Result<Vec<String>, AppError> {
    decode_path(path_below_docs).map_err(|e| AppError::BadRequest(format!("invalid path: {e}")))
}

/// Resolves decoded segments to a target; unknown libraries, users and departments are 404.
pub async fn resolve(store: &Store, segments: Vec<String>) -> Result<Target, AppError> {
    let (root, library) = match segments.as_slice() {
        [] => return Ok(Target::Virtual(VirtualDir::Root)),
        [only] if only == "users" => return Ok(Target::Virtual(VirtualDir::Users)),
        [only] if only == "departments" => return Ok(Target::Virtual(VirtualDir::Departments)),
        [first, ..] if first == "shared" => ("shared".to_owned(), Library::Shared),
        [first, login, ..] if first == "users" => {
            let principal = store
                .principal_by_login(login)
                .await?
                .filter(|p| p.active)
                .ok_or(AppError::NotFound)?;
            (
                format!("users/{}", principal.login),
                Library::User { login: principal.login },
            )
        }
        [first, slug, ..] if first == "departments" => {
            let (id, head_id) = store.department_by_slug(slug).await?.ok_or(AppError::NotFound)?;
            (format!("departments/{slug}"), Library::Department { id, head_id })
        }
        _ => return Err(AppError::NotFound),
    };
    let path = segments.join("/");
    Ok(Target::Doc(DocTarget {
        segments,
        path,
        root,
        library,
    }))
}

/// Creates the target's library root folder on first access.
pub async fn ensure_root(app: &App, target: &DocTarget) -> Result<(), AppError> {
    let known = |roots: &HashSet<String>| roots.contains(&target.root);
    if known(&app.known_doc_roots.lock().unwrap_or_else(|p| p.into_inner())) {
        return Ok(());
    }
    app.store.doc_ensure_root(&target.root).await?;
    app.known_doc_roots
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(target.root.clone());
    Ok(())
}

/// The node at the target, if there is one.
pub async fn load_node(store: &Store, target: &DocTarget) -> Result<Option<DocNode>, AppError> {
    Ok(store.doc_node(&target.path).await?)
}
