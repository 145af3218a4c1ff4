//! Text views of calcard values: what a text-match compares against, what
//! [`crate::Card`] reports, and property-name matching with groups.

use calcard::common::IanaString;
use calcard::vcard::{VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue, VCardValueType};

use crate::version::VcardVersion;

/// Whether `entry` is the property `name`, in group `group` when one is
/// given, in any group or none otherwise (RFC 6352 §10.4.2, §10.5.1).
pub(crate) fn is_named(entry: &VCardEntry, group: Option<&str>, name: &str) -> bool {
    entry.name.as_str().eq_ignore_ascii_case(name)
        && group.is_none_or(|g| entry.group.as_deref().is_some_and(|own| own.eq_ignore_ascii_case(g)))
}

/// Properties whose values are separated by `;` (structured values).
fn is_structured(name: &VCardProperty) -> bool {
    matches!(
        name,
        VCardProperty::N
            | VCardProperty::Adr
            | VCardProperty::Org
            | VCardProperty::Gender
            | VCardProperty::Clientpidmap
    )
}

/// The value type dates are written in: the VALUE parameter, else the
/// property's default.
fn date_type(entry: &VCardEntry) -> VCardValueType {
    let given = entry.params.iter().find_map(|p| match (&p.name, &p.value) {
        (VCardParameterName::Value, VCardParameterValue::ValueType(t)) => Some(*t),
        _ => None,
    });
    given.unwrap_or(match entry.name {
        VCardProperty::Rev | VCardProperty::Created => VCardValueType::Timestamp,
        VCardProperty::Tz => VCardValueType::UtcOffset,
        _ => VCardValueType::DateAndOrTime,
    })
}

/// One value as text (dates as the card's version writes them, binary
/// data as a `data:` URI).
fn value_text(entry: &VCardEntry, value: &VCardValue, version: VcardVersion) -> String {
    match value {
        VCardValue::Text(t) => t.clone(),
        VCardValue::Component(parts) => parts.join(","),
        VCardValue::Integer(i) => i.to_string(),
        VCardValue::Float(f) => f.to_string(),
        VCardValue::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        VCardValue::PartialDateTime(d) => {
            let mut out = String::new();
            let typ = date_type(entry);
            let _ = match version {
                VcardVersion::V3 => d.format_as_legacy_vcard(&mut out, &typ),
                VcardVersion::V4 => d.format_as_vcard(&mut out, &typ),
            };
            out
        }
        VCardValue::Binary(data) => data.to_unwrapped_string(),
        VCardValue::Sex(s) => s.as_str().to_owned(),
        VCardValue::GramGender(g) => g.as_str().to_owned(),
        VCardValue::Kind(k) => k.as_str().to_owned(),
    }
}

/// The whole value of a property as text, unescaped: structured values
/// joined with `;`, lists with `,`.
pub(crate) fn entry_text(entry: &VCardEntry, version: VcardVersion) -> String {
    let separator = if is_structured(&entry.name) { ";" } else { "," };
    entry
        .values
        .iter()
        .map(|v| value_text(entry, v, version))
        .collect::<Vec<_>>()
        .join(separator)
}

/// What a text-match tests: the whole value and, for multi-valued and
/// structured properties, each non-empty part (so `CATEGORIES:a,b`
/// equals `b`, and `N:Doe;John` starts with `John`).
pub(crate) fn match_candidates(entry: &VCardEntry, version: VcardVersion) -> Vec<String> {
    let mut out = vec![entry_text(entry, version)];
    let several = entry.values.len() > 1 || entry.values.iter().any(|v| matches!(v, VCardValue::Component(_)));
    if several {
        for value in &entry.values {
            match value {
                VCardValue::Component(parts) => out.extend(parts.iter().filter(|p| !p.is_empty()).cloned()),
                other => {
                    let text = value_text(entry, other, version);
                    if !text.is_empty() {
                        out.push(text);
                    }
                }
            }
        }
    }
    out
}

/// A parameter value as text.
pub(crate) fn param_text(value: &VCardParameterValue) -> String {
    value.clone().into_text().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::vcard::VCard;

    fn card(lines: &str, version: &str) -> VCard {
        VCard::parse(format!("BEGIN:VCARD\r\nVERSION:{version}\r\n{lines}END:VCARD\r\n")).unwrap()
    }

    #[test]
    fn names_and_groups() {
        let c = card("item1.EMAIL:a@b\r\nEMAIL:c@d\r\nx-abc.tel:1\r\n", "3.0");
        let [grouped, plain, tel] = [&c.entries[1], &c.entries[2], &c.entries[3]];
        assert!(is_named(grouped, None, "EMAIL") && is_named(grouped, Some("ITEM1"), "email"));
        assert!(!is_named(plain, Some("item1"), "EMAIL"));
        assert!(is_named(tel, Some("X-ABC"), "TEL") && !is_named(tel, Some("X-ABC-1"), "TEL"));
    }

    #[test]
    fn text_of_values() {
        let c = card(
            "N:Doe;John;;Dr.;\r\nCATEGORIES:a,b\r\nBDAY:1980-02-03\r\nNOTE:x\\, y\\; z\r\nPHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\r\nREV:2024-01-15T10:22:33Z\r\n",
            "3.0",
        );
        let v3 = VcardVersion::V3;
        assert_eq!(entry_text(&c.entries[1], v3), "Doe;John;;Dr.;");
        assert_eq!(
            match_candidates(&c.entries[1], v3),
            ["Doe;John;;Dr.;", "Doe", "John", "Dr."]
        );
        assert_eq!(match_candidates(&c.entries[2], v3), ["a,b", "a", "b"]);
        assert_eq!(entry_text(&c.entries[3], v3), "1980-02-03");
        assert_eq!(entry_text(&c.entries[3], VcardVersion::V4), "19800203");
        assert_eq!(match_candidates(&c.entries[4], v3), ["x, y; z"]);
        assert_eq!(entry_text(&c.entries[5], v3), "data:image/png;base64,iVBORw0KGgo=");
        assert!(entry_text(&c.entries[6], v3).starts_with("20240115T102233"));
        let kind = card("KIND:group\r\nEMAIL;TYPE=work;PREF=1:a@b\r\n", "4.0");
        assert_eq!(entry_text(&kind.entries[1], VcardVersion::V4), "GROUP");
        let params: Vec<String> = kind.entries[2].params.iter().map(|p| param_text(&p.value)).collect();
        assert_eq!(params, ["WORK", "1"]);
    }
}
