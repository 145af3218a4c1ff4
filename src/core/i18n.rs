//! The languages Portico speaks, English and Russian, from the Fluent catalogues under
//! `locales/` (compiled in by fluent-templates, loaded once here): choosing one from a user's
//! setting or the browser's `Accept-Language`, looking messages up with CLDR plural rules, and
//! writing dates. The web UI (`web::i18n`) and the mail the services compose
//! (`calendars::imip`) both speak through [`Lang`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around placeables: they would show in form values.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static IDS: LazyLock<[LanguageIdentifier; 2]> =
    LazyLock::new(|| ["en".parse().unwrap_or_default(), "ru".parse().unwrap_or_default()]);

/// A language of the web UI and of mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        Lang::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    fn id(self) -> &'static LanguageIdentifier {
        &IDS[self as usize]
    }

    /// The user's choice if they made one, else the best of `Accept-Language` (by q-value,
    /// then order), else English.
    pub fn negotiate(setting: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(l) = setting.and_then(Lang::from_code) {
            return l;
        }
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.unwrap_or("").split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("");
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Lang::from_code(tag)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }

    /// A message.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// A message with arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// A message with a count, in the plural form the language wants for it.
    pub fn t_count(self, key: &str, count: i64) -> String {
        self.t_args(key, &[("count", FluentValue::from(count))])
    }

    /// A date as people write it (`December 7, 2026`, `7 декабря 2026 г.`).
    pub fn date(self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let month = self.t(&format!("month-{}", date.month()));
        self.t_args(
            "date-long",
            &[
                ("month", FluentValue::from(month)),
                ("day", FluentValue::from(i64::from(date.day()))),
                ("year", FluentValue::String(date.year().to_string().into())),
            ],
        )
    }

    /// A day of the year without the year (`December 7`, `7 декабря`), for birthdays.
    pub fn day_month(self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let month = self.t(&format!("month-{}", date.month()));
        self.t_args(
            "date-day-month",
            &[
                ("month", FluentValue::from(month)),
                ("day", FluentValue::from(i64::from(date.day()))),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_the_setting_then_q_values() {
        assert_eq!(Lang::negotiate(Some("ru"), Some("en")), Lang::Ru);
        assert_eq!(Lang::negotiate(None, Some("de-DE, ru;q=0.8, en;q=0.5")), Lang::Ru);
        assert_eq!(Lang::negotiate(None, Some("en-GB;q=0.9, ru-RU;q=0.95")), Lang::Ru);
        assert_eq!(Lang::negotiate(None, Some("fr, de")), Lang::En);
        assert_eq!(Lang::negotiate(Some("xx"), None), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("ru;q=0")), Lang::En);
    }

    #[test]
    fn dates_read_as_people_write_them() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        assert_eq!(Lang::En.date(d), "December 7, 2026");
        assert_eq!(Lang::Ru.date(d), "7 декабря 2026 г.");
        assert_eq!(Lang::En.day_month(d), "December 7");
        assert_eq!(Lang::Ru.day_month(d), "7 декабря");
    }
}
