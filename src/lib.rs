//! Portico: a standards-first groupware server. This library holds everything the `portico`
//! binary wires together, so integration tests can start the real server in-process.

pub mod app;
pub mod auth;
pub mod authz;
pub mod blobs;
pub mod caldav;
pub mod carddav;
pub mod cli;
pub mod cli_calendar;
pub mod cli_docs;
pub mod config;
pub mod demo;
pub mod http;
pub mod logging;
pub mod store;
pub mod sync;
pub mod tls;
pub mod webdav;
