//! The message catalogues: every English message exists in Russian and the other way round,
//! and Russian plural forms follow CLDR (1 and 21 take `one`, 2 `few`, 5 `many`).

use portico::web::i18n::Lang;

fn ids(lang: &str) -> Vec<String> {
    let path = format!("{}/locales/{lang}/portico.ftl", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[test]
fn both_languages_have_every_message() {
    let en = ids("en");
    let ru = ids("ru");
    assert!(en.len() > 40, "{} English messages", en.len());
    let missing_ru: Vec<&String> = en.iter().filter(|id| !ru.contains(id)).collect();
    let missing_en: Vec<&String> = ru.iter().filter(|id| !en.contains(id)).collect();
    assert!(missing_ru.is_empty(), "not in Russian: {missing_ru:?}");
    assert!(missing_en.is_empty(), "not in English: {missing_en:?}");
    // The catalogues are the ones compiled in: a Russian message reads Russian.
    assert_eq!(Lang::Ru.t("nav-settings"), "Настройки");
    assert_eq!(Lang::En.t("nav-settings"), "Settings");
    // Messages that differ between the languages come out differently for each.
    let differing = ["home-title", "login-title", "settings-save", "month-5"];
    for id in differing {
        assert_ne!(Lang::Ru.t(id), Lang::En.t(id), "{id}");
    }
}

#[test]
fn russian_plurals() {
    let cases = [
        (1, "1 сотрудник"),
        (2, "2 сотрудника"),
        (5, "5 сотрудников"),
        (21, "21 сотрудник"),
        (11, "11 сотрудников"),
        (22, "22 сотрудника"),
    ];
    for (n, want) in cases {
        assert_eq!(Lang::Ru.t_count("home-people", n), want, "{n}");
    }
    assert_eq!(Lang::En.t_count("home-people", 1), "1 colleague");
    assert_eq!(Lang::En.t_count("home-people", 21), "21 colleagues");
}
