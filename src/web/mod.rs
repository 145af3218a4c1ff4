//! What browsers and scripts use: the web UI's pages (server-rendered askama templates from
//! `templates/`, English and Russian from the Fluent catalogues in `locales/`, no script) and
//! the JSON API (app passwords, calendar favourites, absences). Each is a thin adapter over
//! the services in `crate::core`.
//!
//! - [`page`]: the frame every page shares (user, language, navigation, CSRF, headers).
//! - [`i18n`], [`assets`]: languages and the hashed style sheet.
//! - [`login`], [`pages`], [`directory`] (with [`directory_views`]: absences, birthdays, staff
//!   changes), [`calendar`], [`documents`], [`admin`], [`devices`]: sign-in and sign-out, and
//!   the pages; [`answer`]: guests' answer links (no account).
//! - [`account`], [`favorites`], [`absences`], [`rooms`]: the JSON API.

pub mod absences;
pub mod account;
pub mod admin;
pub mod answer;
pub mod assets;
pub mod calendar;
pub mod devices;
pub mod directory;
pub mod directory_views;
pub mod documents;
pub mod favorites;
pub mod i18n;
pub mod login;
pub mod page;
pub mod pages;
pub mod rooms;
pub mod zone;
