//! `/answer/{token}`: where a guest outside the company lands from an answer link in their
//! invitation mail, without an account. The GET shows the meeting and one button; only the
//! POST answers, because mail scanners fetch the links in mail. The token is the credential
//! (`core::calendars::answer_links`); a post from another origin is refused like a sign-in.

use askama::Template;
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::core::Actor;
use crate::core::calendars::{GuestAnswer, LinkPage, Reply};
use crate::edge::body::Body;
use crate::edge::error::AppError;
use crate::edge::{Ctx, from_another_origin};

use super::assets;
use super::i18n::Lang;
use super::page::{Page, browser_lang, html};

#[derive(Template)]
#[template(path = "answer.html")]
struct AnswerPage {
    page: Page,
    token: String,
    summary: String,
    when: String,
    organizer: String,
    guest: String,
    /// The message key of the button (GET) or of the outcome (POST).
    button: Option<&'static str>,
    outcome: Option<&'static str>,
}

fn button_key(r: Reply) -> &'static str {
    match r {
        Reply::Accept => "invitation-accept",
        Reply::Tentative => "invitation-tentative",
        Reply::Decline => "invitation-decline",
    }
}

fn outcome_key(r: Reply) -> &'static str {
    match r {
        Reply::Accept => "answer-accepted",
        Reply::Tentative => "answer-tentative",
        Reply::Decline => "answer-declined",
    }
}

fn when(lang: Lang, at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map_or_else(String::new, |utc| {
        format!("{} {} UTC", lang.date(utc.date_naive()), utc.format("%H:%M"))
    })
}

pub async fn answer(ctx: &Ctx, req: Request<Incoming>, token: &str) -> Result<Response<Body>, AppError> {
    let lang = browser_lang(req.headers());
    let anonymous = Actor::anonymous();
    let calendars = ctx.app.core.calendars(&anonymous);
    let (button, outcome) = match *req.method() {
        Method::GET | Method::HEAD => (true, None),
        Method::POST => {
            if from_another_origin(req.headers()) {
                return Err(AppError::Forbidden);
            }
            (false, Some(calendars.answer_by_link(token).await?))
        }
        _ => {
            return Err(AppError::MethodNotAllowed {
                allow: "GET, HEAD, POST",
            });
        }
    };
    let shown: LinkPage = calendars.answer_link(token).await?;
    let outcome = outcome.map(|o| match o {
        GuestAnswer::Applied => outcome_key(shown.reply),
        GuestAnswer::AlreadyUsed => "answer-already",
        GuestAnswer::Outdated => "answer-outdated",
    });
    html(
        StatusCode::OK,
        &AnswerPage {
            page: Page {
                lang,
                title: lang.t("answer-title"),
                csrf: String::new(),
                css: assets::CSS_PATH.as_str(),
                nav: Vec::new(),
                signed_in: false,
            },
            token: token.to_owned(),
            when: when(lang, shown.start),
            summary: shown.summary,
            organizer: shown.organizer,
            guest: shown.guest,
            button: button.then_some(button_key(shown.reply)),
            outcome,
        },
    )
}
