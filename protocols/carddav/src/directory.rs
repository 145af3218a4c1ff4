//! Cards for the company directory (`/dav/addressbooks/directory/` and the
//! department books), generated from directory people with calcard's
//! builder. The output depends only on the input, so a person's ETag
//! changes only when their data does.

use calcard::common::{Data, PartialDateTime};
use calcard::vcard::{VCard, VCardEntry, VCardKind, VCardParameter, VCardProperty, VCardType, VCardValue};

use crate::version::VcardVersion;

/// Identifies the generator in `PRODID`.
const PRODID: &str = "-//Portico//Directory//EN";

/// One person of the directory, as the LDAP sync stores them. Blank
/// strings count as absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectoryPerson {
    /// The card's UID (the directory's stable id, e.g. the objectGUID).
    pub uid: String,
    /// Login name; the name shown when nothing better is known.
    pub login: String,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub surname: Option<String>,
    /// Display name (FN).
    pub display_name: Option<String>,
    /// Work e-mail address.
    pub email: Option<String>,
    /// Work phone.
    pub phone: Option<String>,
    /// Mobile phone.
    pub mobile: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Company (first ORG component).
    pub company: Option<String>,
    /// Department (second ORG component).
    pub department: Option<String>,
    /// Birthday as `YYYY-MM-DD`; anything else is left out.
    pub birthday: Option<String>,
    /// Photo: media type (e.g. `image/jpeg`) and bytes.
    pub photo: Option<(String, Vec<u8>)>,
    /// Manager: their UID and display name.
    pub manager: Option<(String, String)>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn text(name: VCardProperty, value: &str) -> VCardEntry {
    VCardEntry::new(name).with_value(value.to_owned())
}

/// The directory card of `person` in `version`: FN, N, ORG, TITLE, work
/// EMAIL, work and cell TEL, BDAY, PHOTO (3.0 `ENCODING=b`, 4.0 `data:`
/// URI) and the manager (4.0 `RELATED;TYPE=x-manager:urn:uuid:…`, 3.0
/// `X-MANAGER:name` as Outlook and Evolution read it).
pub fn directory_card(person: &DirectoryPerson, version: VcardVersion) -> String {
    let v4 = version == VcardVersion::V4;
    let given = present(&person.given_name);
    let surname = present(&person.surname);
    let full_name = [given, surname].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let formatted = present(&person.display_name)
        .or((!full_name.is_empty()).then_some(full_name.as_str()))
        .or(Some(person.login.trim()).filter(|l| !l.is_empty()))
        .unwrap_or(person.uid.trim());

    let mut entries = vec![text(VCardProperty::Prodid, PRODID)];
    if v4 {
        entries.push(VCardEntry::new(VCardProperty::Kind).with_value(VCardKind::Individual));
    }
    entries.push(text(VCardProperty::Uid, person.uid.trim()));
    entries.push(text(VCardProperty::Fn, formatted));
    let n = [surname, given, None, None, None].map(|part| VCardValue::Text(part.unwrap_or_default().to_owned()));
    entries.push(VCardEntry::new(VCardProperty::N).with_values(n.into()));
    let (company, department) = (present(&person.company), present(&person.department));
    if company.is_some() || department.is_some() {
        let org = [company, department].map(|part| VCardValue::Text(part.unwrap_or_default().to_owned()));
        let values = if department.is_some() {
            org.to_vec()
        } else {
            org[..1].to_vec()
        };
        entries.push(VCardEntry::new(VCardProperty::Org).with_values(values));
    }
    if let Some(title) = present(&person.title) {
        entries.push(text(VCardProperty::Title, title));
    }
    if let Some(email) = present(&person.email) {
        let mut entry = text(VCardProperty::Email, email);
        if !v4 {
            entry.add_param(VCardParameter::typ("INTERNET".to_owned()));
        }
        entries.push(entry.with_param(VCardParameter::typ(VCardType::Work)));
    }
    for (number, kind) in [(&person.phone, VCardType::Work), (&person.mobile, VCardType::Cell)] {
        if let Some(number) = present(number) {
            entries.push(
                text(VCardProperty::Tel, number)
                    .with_param(VCardParameter::typ(kind))
                    .with_param(VCardParameter::typ(VCardType::Voice)),
            );
        }
    }
    if let Some(date) = present(&person.birthday).and_then(birthday) {
        entries.push(VCardEntry::new(VCardProperty::Bday).with_value(VCardValue::PartialDateTime(date)));
    }
    if let Some((mime, bytes)) = &person.photo
        && !bytes.is_empty()
    {
        let mime = mime.trim().to_ascii_lowercase();
        let data = Data {
            content_type: (!mime.is_empty()).then_some(mime),
            data: bytes.clone(),
        };
        let value = if v4 {
            VCardValue::Text(data.to_unwrapped_string())
        } else {
            VCardValue::Binary(data)
        };
        entries.push(VCardEntry::new(VCardProperty::Photo).with_value(value));
    }
    if let Some((uid, name)) = &person.manager {
        let (uid, name) = (uid.trim(), name.trim());
        if v4 && !uid.is_empty() {
            let uri = if uid.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
                uid.to_owned()
            } else {
                format!("urn:uuid:{uid}")
            };
            entries.push(
                VCardEntry::new(VCardProperty::Related)
                    .with_param(VCardParameter::typ("x-manager".to_owned()))
                    .with_value(uri),
            );
        } else if !v4 && !name.is_empty() {
            entries.push(text(VCardProperty::Other("X-MANAGER".to_owned()), name));
        }
    }
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = VCard { entries }.write_to(&mut out, version.to_calcard());
    out
}

/// `YYYY-MM-DD` as a calendar date.
fn birthday(text: &str) -> Option<PartialDateTime> {
    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    let date = PartialDateTime {
        year: year.parse().ok(),
        month: month.parse().ok(),
        day: day.parse().ok(),
        ..PartialDateTime::default()
    };
    date.to_date_time().is_some().then_some(date)
}

#[cfg(test)]
mod tests;
