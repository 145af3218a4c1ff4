//! The one error every service returns: what kind of refusal it is, the RFC precondition it
//! violates (as data, `DAV:error` content such as `C:valid-calendar-data`), and why in words.
//! It is rendered once, where the response is built (`crate::edge::error`).

use dav::Precondition;

use crate::store::StoreError;

/// The kind of refusal; the edge maps each to its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Nothing there (404).
    NotFound,
    /// Not allowed to the actor (403), or a protocol rule refuses it (403 with a condition).
    Forbidden,
    /// The state does not allow it (409).
    Conflict,
    /// A conditional request's condition failed (412).
    PreconditionFailed,
    /// A lock protects the resource (423).
    Locked,
    /// A quota would be exceeded (507).
    InsufficientStorage,
    /// The command itself is malformed (400).
    Invalid,
    /// A body larger than allowed (413).
    TooLarge,
    /// Not possible on this resource at all (405).
    NotAllowed,
    /// A failure of Portico or of the storage below it (500).
    Internal,
}

/// A service's refusal or failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Error {
    pub kind: ErrorKind,
    pub condition: Option<Precondition>,
    pub reason: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, reason: impl Into<String>) -> Self {
        Error {
            kind,
            condition: None,
            reason: reason.into(),
        }
    }

    /// A refusal that names the RFC precondition it violates.
    pub fn with_condition(kind: ErrorKind, condition: Precondition, reason: impl Into<String>) -> Self {
        Error {
            kind,
            condition: Some(condition),
            reason: reason.into(),
        }
    }

    pub fn not_found() -> Self {
        Error::new(ErrorKind::NotFound, "not found")
    }

    pub fn forbidden() -> Self {
        Error::new(ErrorKind::Forbidden, "forbidden")
    }

    pub fn forbidden_because(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Forbidden, reason)
    }

    pub fn conflict(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Conflict, reason)
    }

    pub fn precondition_failed(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::PreconditionFailed, reason)
    }

    pub fn invalid(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::Invalid, reason)
    }

    pub fn not_allowed(reason: impl Into<String>) -> Self {
        Error::new(ErrorKind::NotAllowed, reason)
    }

    pub fn insufficient_storage() -> Self {
        Error::new(
            ErrorKind::InsufficientStorage,
            "the quota of this drive would be exceeded",
        )
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Error::new(ErrorKind::Internal, cause.to_string())
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(msg) => Error::conflict(msg),
            StoreError::TooMuch(msg) => Error::new(ErrorKind::InsufficientStorage, msg),
            other => Error::internal(other),
        }
    }
}
