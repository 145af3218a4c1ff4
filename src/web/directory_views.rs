//! The directory's views beside the list (routed by [`super::directory`]):
//!
//! - `/directory?view=absences&department=SLUG&from=YYYY-MM-DD&days=N`: who is away, a row a
//!   person and a column a day, from the out-of-office events of everyone's calendars
//!   ([`crate::core::calendars::Calendars::absences`], recurrences expanded, sub-departments
//!   included);
//! - `/directory?view=birthdays`: the birthdays of the next [`BIRTHDAY_DAYS`] days;
//! - `/directory?view=changes`: the staff changes the directory sync logged in the last
//!   [`CHANGE_DAYS`] days, newest first.
//!
//! It also owns the birthday rule the home page shares ([`upcoming_birthdays`]). Days are the
//! visitor's, in their time zone (UTC when they set none).

use askama::Template;
use chrono::{Datelike, Days, NaiveDate, TimeDelta, Weekday};
use fluent_templates::fluent_bundle::FluentValue;
use http::{Response, StatusCode};

use crate::core::directory::{DirectoryEntry, StaffChangeRow};
use crate::edge::Ctx;
use crate::edge::body::Body;
use crate::edge::error::AppError;

use super::directory::tree;
use super::i18n::Lang;
use super::page::{Page, Visitor, html};
use super::zone::Zone;

/// How many days the absence chart shows unless asked, and at most.
const CHART_DAYS: i64 = 14;
const CHART_MAX_DAYS: i64 = 62;
/// The birthdays page looks this many days ahead of today.
pub const BIRTHDAY_DAYS: u64 = 30;
/// The changes page goes this many days back.
pub const CHANGE_DAYS: i64 = 90;

// ---------------------------------------------------------------------------------------------
// Birthdays
// ---------------------------------------------------------------------------------------------

/// The first birthday on or after `from` of someone born on `birthday`: `YYYY-MM-DD`, or
/// `--MM-DD` without a year, as directories may give it. Someone born on 29 February
/// celebrates on 28 February in other years (still in their month, and never a day late).
pub fn next_birthday(birthday: &str, from: NaiveDate) -> Option<NaiveDate> {
    let text = birthday.trim();
    let born = match text.strip_prefix("--") {
        // Without a year: read in a leap year, where every day of the calendar exists.
        Some(month_day) => NaiveDate::parse_from_str(&format!("2000-{month_day}"), "%Y-%m-%d"),
        None => NaiveDate::parse_from_str(text, "%Y-%m-%d"),
    }
    .ok()?;
    let (month, day) = (born.month(), born.day());
    // Only 29 February is missing from some years.
    let in_year =
        |year: i32| NaiveDate::from_ymd_opt(year, month, day).or_else(|| NaiveDate::from_ymd_opt(year, 2, 28));
    let this_year = in_year(from.year())?;
    if this_year >= from {
        Some(this_year)
    } else {
        in_year(from.year() + 1)
    }
}

/// The people whose next birthday falls from `from` to `until` (both included), with that day,
/// by day and then name. The home page's week and the birthdays page both ask here.
pub fn upcoming_birthdays(
    people: &[DirectoryEntry],
    from: NaiveDate,
    until: NaiveDate,
) -> Vec<(NaiveDate, &DirectoryEntry)> {
    let mut out: Vec<(NaiveDate, &DirectoryEntry)> = people
        .iter()
        .filter_map(|p| {
            let next = next_birthday(p.birthday.as_deref()?, from)?;
            (next <= until).then_some((next, p))
        })
        .collect();
    out.sort_by_cached_key(|(day, p)| (*day, p.display_name.to_lowercase(), p.login.clone()));
    out
}

struct BirthdayRow {
    login: String,
    name: String,
    /// The day without the year.
    date: String,
    /// "today", "tomorrow", "in 5 days".
    when: String,
    department: String,
}

#[derive(Template)]
#[template(path = "directory_birthdays.html")]
struct BirthdaysPage {
    page: Page,
    rows: Vec<BirthdayRow>,
}

/// `/directory?view=birthdays`.
pub(super) async fn birthdays(ctx: &Ctx, v: &Visitor) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let people = ctx.app.core.directory(&v.actor).people().await?;
    let today = Zone::of(v).today();
    let until = today.checked_add_days(Days::new(BIRTHDAY_DAYS)).unwrap_or(today);
    let rows = upcoming_birthdays(&people, today, until)
        .into_iter()
        .map(|(day, p)| {
            let ahead = day.signed_duration_since(today).num_days();
            BirthdayRow {
                login: p.login.clone(),
                name: p.display_name.clone(),
                date: lang.day_month(day),
                when: match ahead {
                    0 => lang.t("directory-birthday-today"),
                    1 => lang.t("directory-birthday-tomorrow"),
                    n => lang.t_count("directory-birthday-in", n),
                },
                department: p.department_name.clone().unwrap_or_default(),
            }
        })
        .collect();
    let title = lang.t_count("directory-birthdays", i64::try_from(BIRTHDAY_DAYS).unwrap_or(i64::MAX));
    html(
        StatusCode::OK,
        &BirthdaysPage {
            page: v.page("/directory", title),
            rows,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Staff changes
// ---------------------------------------------------------------------------------------------

struct ChangeRow {
    date: String,
    login: String,
    /// The person's name; their login when they are no longer in the directory.
    name: String,
    /// Whether the person still has a profile to link to.
    linked: bool,
    what: String,
}

#[derive(Template)]
#[template(path = "directory_changes.html")]
struct ChangesPage {
    page: Page,
    period: String,
    rows: Vec<ChangeRow>,
}

/// What a logged change did, in words. `detail` is the change as the sync logged it (JSON:
/// `{"kind":"moved","from":["Board"],"to":["Sales"]}`); a detail that cannot be read gives the
/// kind's words alone.
pub(super) fn describe_change(lang: Lang, change: &StaffChangeRow, people: &[DirectoryEntry]) -> String {
    let detail: serde_json::Value = serde_json::from_str(&change.detail).unwrap_or_default();
    let text = |key: &str| detail.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let with = |key: &str, name: &'static str, value: String| lang.t_args(key, &[(name, FluentValue::from(value))]);
    match change.kind.as_str() {
        "hired" => lang.t("directory-change-hired"),
        "moved" => {
            let to: Vec<&str> = detail
                .get("to")
                .and_then(serde_json::Value::as_array)
                .map(|path| path.iter().filter_map(serde_json::Value::as_str).collect())
                .unwrap_or_default();
            if to.is_empty() {
                lang.t("directory-change-moved-out")
            } else {
                with("directory-change-moved", "department", to.join(" / "))
            }
        }
        "title_changed" => match text("to") {
            Some(title) => with("directory-change-title", "title", title),
            None => lang.t("directory-change-title-cleared"),
        },
        "manager_changed" => {
            // The log names managers by their directory id.
            let manager = text("to").and_then(|id| {
                people
                    .iter()
                    .find(|p| p.external_id.as_deref() == Some(id.as_str()))
                    .map(|p| p.display_name.clone())
            });
            match manager {
                Some(name) => with("directory-change-manager", "name", name),
                None => lang.t("directory-change-manager-other"),
            }
        }
        "renamed" => match (text("from"), text("to")) {
            (Some(from), Some(to)) => lang.t_args(
                "directory-change-renamed",
                &[("from", FluentValue::from(from)), ("to", FluentValue::from(to))],
            ),
            _ => lang.t("directory-change-other"),
        },
        "deactivated" | "left" => lang.t("directory-change-left"),
        "reactivated" => lang.t("directory-change-returned"),
        _ => lang.t("directory-change-other"),
    }
}

/// `/directory?view=changes`.
pub(super) async fn changes(ctx: &Ctx, v: &Visitor) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let zone = Zone::of(v);
    let directory = ctx.app.core.directory(&v.actor);
    let people = directory.people().await?;
    let since = chrono::Utc::now().timestamp() - CHANGE_DAYS * 86_400;
    let mut logged = directory.staff_changes_since(since).await?;
    // Logged oldest first; a pass logs its changes at one moment, in order.
    logged.reverse();
    logged.sort_by_key(|c| std::cmp::Reverse(c.at));
    let rows = logged
        .iter()
        .map(|c| {
            let person = people.iter().find(|p| p.login == c.login);
            ChangeRow {
                date: zone.day_of(c.at).map(|d| lang.date(d)).unwrap_or_default(),
                login: c.login.clone(),
                name: person.map_or_else(|| c.login.clone(), |p| p.display_name.clone()),
                linked: person.is_some(),
                what: describe_change(lang, c, &people),
            }
        })
        .collect();
    html(
        StatusCode::OK,
        &ChangesPage {
            page: v.page("/directory", lang.t("directory-changes")),
            period: lang.t_count("directory-changes-period", CHANGE_DAYS),
            rows,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The absence chart
// ---------------------------------------------------------------------------------------------

/// What the chart was asked for; empty fields are the defaults.
struct ChartQuery {
    department: Option<String>,
    from: Option<NaiveDate>,
    days: i64,
}

impl ChartQuery {
    /// Reads the form's fields (others, such as `view`, are not its business). A date that is
    /// not `YYYY-MM-DD` (years 1 to 9999) or a count of days that is not a number is refused
    /// in words; a count out of range is brought into it.
    fn parse(query: Option<&str>, lang: Lang) -> Result<ChartQuery, AppError> {
        let mut out = ChartQuery {
            department: None,
            from: None,
            days: CHART_DAYS,
        };
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = v.trim();
            if value.is_empty() {
                continue;
            }
            match &*k {
                "department" => out.department = Some(value.to_owned()),
                "from" => {
                    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d")
                        .ok()
                        .filter(|d| (1..=9999).contains(&d.year()))
                        .ok_or_else(|| AppError::BadRequest(lang.t("directory-absences-bad-date")))?;
                    out.from = Some(day);
                }
                "days" => {
                    let days = value
                        .parse::<i64>()
                        .map_err(|_| AppError::BadRequest(lang.t("directory-absences-bad-days")))?;
                    out.days = days.clamp(1, CHART_MAX_DAYS);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The chart's address for another first day.
    fn href(&self, from: NaiveDate) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("view", "absences");
        if let Some(d) = &self.department {
            s.append_pair("department", d);
        }
        s.append_pair("from", &from.format("%Y-%m-%d").to_string());
        s.append_pair("days", &self.days.to_string());
        format!("/directory?{}", s.finish())
    }
}

struct DepartmentOption {
    slug: String,
    /// The name, indented by its depth in the tree.
    label: String,
    selected: bool,
}

struct DayColumn {
    number: u32,
    weekday: String,
    /// The whole date, for the column's tooltip.
    date: String,
    weekend: bool,
}

struct ChartCell {
    away: bool,
    /// `away`, `weekend`, both or neither.
    class: &'static str,
}

struct ChartRow {
    login: String,
    name: String,
    cells: Vec<ChartCell>,
}

#[derive(Template)]
#[template(path = "directory_absences.html")]
struct AbsencesPage {
    page: Page,
    departments: Vec<DepartmentOption>,
    /// The first day, as the date input takes it.
    first: String,
    days: i64,
    period: String,
    columns: Vec<DayColumn>,
    rows: Vec<ChartRow>,
    earlier: String,
    later: String,
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `/directory?view=absences`: an unknown department is a 404, a malformed date a 400.
pub(super) async fn absences(ctx: &Ctx, v: &Visitor, query: Option<&str>) -> Result<Response<Body>, AppError> {
    let lang = v.lang;
    let q = ChartQuery::parse(query, lang)?;
    let departments = ctx.app.core.directory(&v.actor).departments().await?;
    if let Some(slug) = &q.department
        && !departments.iter().any(|d| d.slug.as_deref() == Some(slug.as_str()))
    {
        return Err(AppError::NotFound);
    }
    let zone = Zone::of(v);
    let from = q.from.unwrap_or_else(|| {
        let today = zone.today();
        today - TimeDelta::days(i64::from(today.weekday().num_days_from_monday()))
    });
    let days: Vec<NaiveDate> = (0..q.days)
        .map_while(|i| from.checked_add_signed(TimeDelta::days(i)))
        .collect();
    let last = days.last().copied().unwrap_or(from);
    let after = last.succ_opt().unwrap_or(last);
    // Each day as [its midnight, the next one): an absence marks every day it overlaps.
    let bounds: Vec<(i64, i64)> = days
        .iter()
        .map(|&d| (zone.midnight(d), zone.midnight(d.succ_opt().unwrap_or(d))))
        .collect();
    let (start, end) = (zone.midnight(from), zone.midnight(after));
    let intervals = ctx
        .app
        .core
        .calendars(&v.actor)
        .absences(q.department.as_deref(), start, end, &zone.floating)
        .await?;
    // The service answers by login, then time.
    let mut rows: Vec<(String, String, Vec<bool>)> = Vec::new();
    for a in &intervals {
        if rows.last().is_none_or(|(login, _, _)| *login != a.login) {
            rows.push((a.login.clone(), a.display_name.clone(), vec![false; bounds.len()]));
        }
        if let Some((_, _, away)) = rows.last_mut() {
            for (marked, (day_start, day_end)) in away.iter_mut().zip(&bounds) {
                *marked |= a.start < *day_end && a.end > *day_start;
            }
        }
    }
    rows.sort_by_cached_key(|(login, name, _)| (name.to_lowercase(), login.clone()));
    let rows = rows
        .into_iter()
        .map(|(login, name, away)| ChartRow {
            login,
            name,
            cells: away
                .into_iter()
                .zip(&days)
                .map(|(away, &day)| ChartCell {
                    away,
                    class: match (away, is_weekend(day)) {
                        (true, true) => "away weekend",
                        (true, false) => "away",
                        (false, true) => "weekend",
                        (false, false) => "",
                    },
                })
                .collect(),
        })
        .collect();
    let columns = days
        .iter()
        .map(|&d| DayColumn {
            number: d.day(),
            weekday: lang.t(&format!("weekday-short-{}", d.weekday().number_from_monday())),
            date: lang.date(d),
            weekend: is_weekend(d),
        })
        .collect();
    let departments = tree(departments)
        .into_iter()
        .filter(|u| !u.slug.is_empty())
        .map(|u| DepartmentOption {
            selected: q.department.as_deref() == Some(u.slug.as_str()),
            label: format!("{}{}", "— ".repeat(u.depth), u.name),
            slug: u.slug,
        })
        .collect();
    let span = TimeDelta::days(q.days);
    let page = AbsencesPage {
        page: v.page("/directory", lang.t("directory-absences")),
        departments,
        first: from.format("%Y-%m-%d").to_string(),
        days: q.days,
        period: lang.t_args(
            "directory-absences-period",
            &[
                ("from", FluentValue::from(lang.date(from))),
                ("to", FluentValue::from(lang.date(last))),
            ],
        ),
        columns,
        rows,
        earlier: q.href(from.checked_sub_signed(span).unwrap_or(from)),
        later: q.href(from.checked_add_signed(span).unwrap_or(from)),
    };
    html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn next_birthdays_roll_over_the_year_and_keep_29_february_in_february() {
        assert_eq!(next_birthday("1980-12-07", day(2026, 12, 1)), Some(day(2026, 12, 7)));
        assert_eq!(
            next_birthday("1980-12-07", day(2026, 12, 7)),
            Some(day(2026, 12, 7)),
            "today counts"
        );
        assert_eq!(next_birthday("1980-01-03", day(2026, 12, 30)), Some(day(2027, 1, 3)));
        assert_eq!(
            next_birthday("--03-10", day(2026, 3, 1)),
            Some(day(2026, 3, 10)),
            "without a year"
        );
        assert_eq!(next_birthday("1988-02-29", day(2027, 2, 1)), Some(day(2027, 2, 28)));
        assert_eq!(next_birthday("1988-02-29", day(2027, 3, 1)), Some(day(2028, 2, 29)));
        assert_eq!(next_birthday("1988-02-29", day(2028, 2, 1)), Some(day(2028, 2, 29)));
        assert_eq!(next_birthday("--02-30", day(2026, 1, 1)), None);
        assert_eq!(next_birthday("someday", day(2026, 1, 1)), None);
    }

    #[test]
    fn chart_queries_refuse_bad_dates_and_clamp_days() {
        let parse = |q: &str| ChartQuery::parse(Some(q), Lang::En);
        assert!(matches!(parse("from=2030-13-01"), Err(AppError::BadRequest(_))));
        assert!(matches!(parse("from=yesterday"), Err(AppError::BadRequest(_))));
        assert!(matches!(parse("days=many"), Err(AppError::BadRequest(_))));
        let q = parse("view=absences&department=&from=&days=500").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((q.department, q.from, q.days), (None, None, CHART_MAX_DAYS));
        let q = parse("department=finance&from=2030-08-12&days=0").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q.department.as_deref(), Some("finance"));
        assert_eq!(q.from, Some(day(2030, 8, 12)));
        assert_eq!(q.days, 1);
        assert_eq!(
            q.href(day(2030, 8, 13)),
            "/directory?view=absences&department=finance&from=2030-08-13&days=1"
        );
    }
}
