//! Portico: a standards-first groupware server. This library holds everything the `portico`
//! binary wires together, so integration tests can start the real server in-process.

pub mod app;
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
pub mod store;
pub mod web;
