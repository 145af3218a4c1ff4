//! Portico: a standards-first groupware server. This library holds everything the `portico`
//! binary wires together, so integration tests can start the real server in-process.
//!
//! # Layout
//!
//! Imports point down this list (`tests/layers.rs` checks it):
//!
//! - [`cli`] and [`demo`]: the command line and the demo company, acting through the
//!   services as the system actor. `main.rs` only calls [`cli::run`].
//! - [`http`]: the transport. Accept loop, TLS, the client's address, authentication of
//!   each request, routing to an adapter. `http::start(app, listener, tls)` serves; tests
//!   bind port 0.
//! - [`dav`] and [`web`]: the adapters. `dav::caldav`, `dav::carddav` and `dav::webdav`
//!   (with the DAV parts they share in `dav::common`), the sign-in page and the JSON API.
//!   Each parses a request, calls a service and renders the answer.
//! - [`edge`]: what adapters need to speak HTTP, and [`edge::error::AppError`], the one
//!   place an error becomes a response.
//! - [`jobs`]: background jobs (the LDAP / Active Directory sync, blob cleanup, the mail
//!   outbox).
//! - [`app`]: the composition root (configuration, database, blobs, services).
//! - [`core`]: the services, where every rule lives: documents, calendars, address books,
//!   the directory, principals, authentication, and [`core::authz`], the one authorisation
//!   decision.
//! - [`store`] and [`blobs`]: SQL (SQLite or PostgreSQL) and the content-addressed blob store;
//!   [`backup`]: the backup archive's format (written from a snapshot, restored into a new
//!   data directory).
//! - [`config`], [`logging`], [`metrics`]: the configuration file, the log and the counters
//!   `/metrics` reports; [`allocator`]: the bounds `main` sets on the C allocator.
//!
//! The wire formats and protocol rules are the pure crates under `protocols/` (`dav`,
//! `caldav`, `carddav`); clients of other servers are under `connectors/` (`ldap_sync`).

pub mod allocator;
pub mod app;
pub mod backup;
pub mod blobs;
pub mod cli;
pub mod config;
pub mod core;
pub mod dav;
pub mod demo;
pub mod edge;
pub mod http;
pub mod jobs;
pub mod logging;
pub mod metrics;
pub mod store;
pub mod web;
