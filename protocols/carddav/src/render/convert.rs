//! Rewrites a parsed card for output in another vCard version, beyond what
//! calcard's writer does by itself (dates, `ENCODING=b` ↔ data URIs):
//!
//! - preference: 3.0 `TYPE=pref` ↔ 4.0 `PREF=1`;
//! - Apple's 3.0 groups (`X-ADDRESSBOOKSERVER-KIND`/`-MEMBER`) ↔ 4.0
//!   `KIND`/`MEMBER`;
//! - Apple's year-less birthdays (`X-APPLE-OMIT-YEAR=1604`, 3.0) ↔ 4.0
//!   `--MMDD`;
//! - media: 3.0 `TYPE=JPEG` ↔ the data URI's media type (sniffed from the
//!   bytes when missing), `VALUE=uri` for linked photos in 3.0, and 4.0
//!   `tel:` URIs as plain numbers in 3.0.
//!
//! Inline binary values are always written in 4.0 as unescaped `data:`
//! URIs (RFC 6350 §6.2.4), not in calcard's `base64\,` form.

use calcard::common::IanaString;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue,
    VCardValueType,
};

use crate::version::VcardVersion;

/// Apple's placeholder year for birthdays without a year.
const OMIT_YEAR: u16 = 1604;
const APPLE_OMIT_YEAR: &str = "X-APPLE-OMIT-YEAR";
const APPLE_KIND: &str = "X-ADDRESSBOOKSERVER-KIND";
const APPLE_MEMBER: &str = "X-ADDRESSBOOKSERVER-MEMBER";

/// Prepares `card`, read as `from`, to be written as `to`.
pub(crate) fn convert(card: &mut VCard, from: VcardVersion, to: VcardVersion) {
    for entry in &mut card.entries {
        fill_media_type(entry);
        match (from, to) {
            (VcardVersion::V3, VcardVersion::V4) => v3_to_v4(entry),
            (VcardVersion::V4, VcardVersion::V3) => v4_to_v3(entry),
            _ => {}
        }
        if to == VcardVersion::V4 {
            binary_as_uri(entry);
        }
    }
}

/// Properties whose default value type is a URI (inline data as `data:`).
fn is_media(name: &VCardProperty) -> bool {
    matches!(
        name,
        VCardProperty::Photo | VCardProperty::Logo | VCardProperty::Sound | VCardProperty::Key
    )
}

fn has_binary(entry: &VCardEntry) -> bool {
    entry.values.iter().any(|v| matches!(v, VCardValue::Binary(_)))
}

fn param_is(param: &VCardParameter, name: &VCardParameterName, text: &str) -> bool {
    &param.name == name && param.value.as_text().is_some_and(|t| t.eq_ignore_ascii_case(text))
}

fn other_param(name: &str) -> VCardParameterName {
    VCardParameterName::Other(name.to_owned())
}

/// Inline images without a media type get one from their first bytes.
fn fill_media_type(entry: &mut VCardEntry) {
    if !matches!(entry.name, VCardProperty::Photo | VCardProperty::Logo) {
        return;
    }
    for value in &mut entry.values {
        if let VCardValue::Binary(data) = value
            && data.content_type.is_none()
        {
            data.content_type = sniff_image(&data.data).map(str::to_owned);
        }
    }
}

fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF8") {
        Some("image/gif")
    } else {
        None
    }
}

fn v3_to_v4(entry: &mut VCardEntry) {
    // TYPE=pref → PREF=1.
    let pref = entry
        .params
        .iter()
        .any(|p| param_is(p, &VCardParameterName::Type, "pref"));
    if pref {
        entry.params.retain(|p| !param_is(p, &VCardParameterName::Type, "pref"));
        if !entry.params.iter().any(|p| p.name == VCardParameterName::Pref) {
            entry.params.push(VCardParameter::pref(1u32));
        }
    }
    // The legacy media token (TYPE=JPEG) is in the data URI now.
    if is_media(&entry.name) && has_binary(entry) {
        entry
            .params
            .retain(|p| !(p.name == VCardParameterName::Type && matches!(p.value, VCardParameterValue::Text(_))));
    }
    let name = entry.name.as_str();
    if name.eq_ignore_ascii_case(APPLE_KIND) {
        entry.name = VCardProperty::Kind;
    } else if name.eq_ignore_ascii_case(APPLE_MEMBER) {
        entry.name = VCardProperty::Member;
    }
    // Apple's year-less dates.
    let omitted = entry
        .params
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(APPLE_OMIT_YEAR))
        .and_then(|p| p.value.as_text())
        .and_then(|y| y.trim().parse::<u16>().ok());
    if let Some(year) = omitted {
        entry
            .params
            .retain(|p| !p.name.as_str().eq_ignore_ascii_case(APPLE_OMIT_YEAR));
        for value in &mut entry.values {
            if let VCardValue::PartialDateTime(date) = value
                && date.year == Some(year)
            {
                date.year = None;
            }
        }
    }
}

fn v4_to_v3(entry: &mut VCardEntry) {
    // PREF=1 → TYPE=pref (3.0 has no preference order).
    let first = entry.params.iter().any(|p| {
        p.name == VCardParameterName::Pref
            && match &p.value {
                VCardParameterValue::Integer(n) => *n == 1,
                other => other.as_text().is_some_and(|t| t.trim() == "1"),
            }
    });
    entry.params.retain(|p| p.name != VCardParameterName::Pref);
    if first {
        entry.params.push(VCardParameter::typ("pref".to_owned()));
    }
    match entry.name {
        VCardProperty::Kind => {
            entry.name = VCardProperty::Other(APPLE_KIND.to_owned());
            entry.values = entry
                .values
                .iter()
                .map(|v| {
                    let text = match v {
                        VCardValue::Kind(k) => k.as_str().to_owned(),
                        other => other.as_text().unwrap_or_default().to_owned(),
                    };
                    VCardValue::Text(text.to_ascii_lowercase())
                })
                .collect();
        }
        VCardProperty::Member => entry.name = VCardProperty::Other(APPLE_MEMBER.to_owned()),
        VCardProperty::Bday | VCardProperty::Anniversary => omit_year(entry),
        VCardProperty::Tel => tel_uri_as_number(entry),
        _ => {}
    }
    if is_media(&entry.name) {
        if has_binary(entry) {
            // The writer adds ENCODING=b and TYPE from the media type.
            entry.params.retain(|p| p.name != VCardParameterName::Mediatype);
        } else if !entry.params.iter().any(|p| p.name == VCardParameterName::Value) {
            entry.params.push(VCardParameter::value(VCardValueType::Uri));
        }
    }
}

/// `--0314` → `1604-03-14;X-APPLE-OMIT-YEAR=1604`, as Apple writes it.
fn omit_year(entry: &mut VCardEntry) {
    let mut omitted = false;
    for value in &mut entry.values {
        if let VCardValue::PartialDateTime(date) = value
            && date.year.is_none()
            && date.month.is_some()
            && date.day.is_some()
        {
            date.year = Some(OMIT_YEAR);
            omitted = true;
        }
    }
    if omitted {
        entry.params.push(VCardParameter::new(
            other_param(APPLE_OMIT_YEAR),
            VCardParameterValue::Text(OMIT_YEAR.to_string()),
        ));
    }
}

/// `TEL;VALUE=uri:tel:+1-555` → `TEL:+1-555` (RFC 2426 phone numbers are text).
fn tel_uri_as_number(entry: &mut VCardEntry) {
    let uri = entry.params.iter().any(|p| {
        p.name == VCardParameterName::Value && p.value.as_text().is_some_and(|t| t.eq_ignore_ascii_case("uri"))
    });
    if !uri {
        return;
    }
    let mut all_numbers = true;
    for value in &mut entry.values {
        match value {
            VCardValue::Text(t) if t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) => {
                *t = t.get(4..).unwrap_or_default().to_owned();
            }
            _ => all_numbers = false,
        }
    }
    if all_numbers {
        entry.params.retain(|p| p.name != VCardParameterName::Value);
    }
}

/// Inline data as an unescaped `data:` URI text value.
fn binary_as_uri(entry: &mut VCardEntry) {
    if !has_binary(entry) {
        return;
    }
    for value in &mut entry.values {
        if let VCardValue::Binary(data) = value {
            *value = VCardValue::Text(data.to_unwrapped_string());
        }
    }
    if !is_media(&entry.name) && !entry.params.iter().any(|p| p.name == VCardParameterName::Value) {
        entry.params.push(VCardParameter::value(VCardValueType::Uri));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(lines: &str, from: VcardVersion, to: VcardVersion) -> String {
        let text = format!("BEGIN:VCARD\r\nVERSION:{}\r\n{lines}END:VCARD\r\n", from.as_str());
        let mut card = VCard::parse(text).unwrap_or_default();
        convert(&mut card, from, to);
        let mut out = String::new();
        let _ = card.write_to(&mut out, to.to_calcard());
        out.replace("\r\n ", "")
    }

    #[test]
    fn preference() {
        let v4 = converted("EMAIL;TYPE=INTERNET,pref:a@b\r\n", VcardVersion::V3, VcardVersion::V4);
        assert!(v4.contains("EMAIL;TYPE=INTERNET;PREF=1:a@b\r\n"), "{v4}");
        let v3 = converted(
            "EMAIL;TYPE=work;PREF=1:a@b\r\nEMAIL;PREF=2:c@d\r\n",
            VcardVersion::V4,
            VcardVersion::V3,
        );
        assert!(v3.contains("EMAIL;TYPE=WORK,pref:a@b\r\nEMAIL:c@d\r\n"), "{v3}");
    }

    #[test]
    fn apple_groups() {
        let v4 = converted(
            "X-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1\r\n",
            VcardVersion::V3,
            VcardVersion::V4,
        );
        assert!(v4.contains("KIND:group\r\nMEMBER:urn:uuid:1\r\n"), "{v4}");
        let v3 = converted(
            "KIND:group\r\nMEMBER:urn:uuid:1\r\n",
            VcardVersion::V4,
            VcardVersion::V3,
        );
        assert!(
            v3.contains("X-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1\r\n"),
            "{v3}"
        );
    }

    #[test]
    fn year_less_birthdays() {
        let v4 = converted(
            "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14\r\n",
            VcardVersion::V3,
            VcardVersion::V4,
        );
        assert!(v4.contains("BDAY:--0314\r\n"), "{v4}");
        let v3 = converted("BDAY:--0203\r\n", VcardVersion::V4, VcardVersion::V3);
        assert!(v3.contains("BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03\r\n"), "{v3}");
        let dated = converted("BDAY:19800203\r\n", VcardVersion::V4, VcardVersion::V3);
        assert!(dated.contains("BDAY:1980-02-03\r\n"), "{dated}");
    }

    #[test]
    fn media() {
        let jpeg = "/9j/4AAQSkZJRgABAQEASABIAAD/2Q==";
        let v4 = converted(
            &format!("PHOTO;ENCODING=b:{jpeg}\r\n"),
            VcardVersion::V3,
            VcardVersion::V4,
        );
        assert!(v4.contains(&format!("PHOTO:data:image/jpeg;base64,{jpeg}\r\n")), "{v4}");
        let outlook = format!("PHOTO;TYPE=JPEG;ENCODING=BASE64:{jpeg}\r\n");
        let v4 = converted(&outlook, VcardVersion::V3, VcardVersion::V4);
        assert!(v4.contains(&format!("PHOTO:data:image/jpeg;base64,{jpeg}\r\n")), "{v4}");
        let v4 = converted(
            &format!("LOGO;ENCODING=b;TYPE=PNG:{jpeg}\r\n"),
            VcardVersion::V3,
            VcardVersion::V4,
        );
        assert!(v4.contains(&format!("LOGO:data:image/png;base64,{jpeg}\r\n")), "{v4}");
        let v3 = converted(
            &format!("PHOTO:data:image/jpeg;base64,{jpeg}\r\n"),
            VcardVersion::V4,
            VcardVersion::V3,
        );
        assert!(v3.contains(&format!("PHOTO;ENCODING=b;TYPE=JPEG:{jpeg}\r\n")), "{v3}");
        let linked = converted(
            "PHOTO:https://example.com/a.jpg\r\n",
            VcardVersion::V4,
            VcardVersion::V3,
        );
        assert!(
            linked.contains("PHOTO;VALUE=URI:https://example.com/a.jpg\r\n"),
            "{linked}"
        );
        let same = converted(
            &format!("PHOTO:data:image/jpeg;base64,{jpeg}\r\n"),
            VcardVersion::V4,
            VcardVersion::V4,
        );
        assert!(
            same.contains(&format!("PHOTO:data:image/jpeg;base64,{jpeg}\r\n")),
            "{same}"
        );
        let other = converted(
            &format!("X-BLOB;ENCODING=b:{jpeg}\r\n"),
            VcardVersion::V3,
            VcardVersion::V4,
        );
        assert!(
            other.contains(&format!("X-BLOB;VALUE=URI:data:;base64,{jpeg}\r\n")),
            "{other}"
        );
        assert_eq!(sniff_image(b"GIF89a"), Some("image/gif"));
        assert_eq!(sniff_image(b"\x89PNG\r\n"), Some("image/png"));
        assert_eq!(sniff_image(b"text"), None);
    }

    #[test]
    fn tel_uris() {
        let v3 = converted(
            "TEL;VALUE=uri;TYPE=work:tel:+1-418-656-9254;ext=102\r\nTEL;VALUE=uri:sip:a@b\r\n",
            VcardVersion::V4,
            VcardVersion::V3,
        );
        assert!(v3.contains("TEL;TYPE=WORK:+1-418-656-9254\\;ext=102\r\n"), "{v3}");
        assert!(v3.contains("TEL;VALUE=URI:sip:a@b\r\n"), "{v3}");
    }
}
