//! What browsers and scripts use: the sign-in page and the signed-in landing page, and the
//! JSON API (app passwords, calendar favourites, absences). Each is a thin adapter over the
//! services in `crate::core`.

pub mod absences;
pub mod account;
pub mod favorites;
pub mod login;
