//! What a directory entry maps to: [`Person`] and [`Group`], and the mapping itself, driven
//! by the resolved attribute map of [`Settings`].

use std::fmt;

use serde::Serialize;

use crate::config::{DepartmentSource, DisabledRule, IdSyntax, Settings};
use crate::dn::{self, DnError};
use crate::entry::RawEntry;
use crate::values::{self, ValueError};

/// Why an entry could not be mapped. The entry is then left out of the pass (and reported
/// in its `skipped` list) rather than synced with a field missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    #[error("attribute {attribute} is missing")]
    MissingAttribute { attribute: String },
    #[error("attribute {attribute}: {source}")]
    InvalidValue {
        attribute: String,
        #[source]
        source: ValueError,
    },
    #[error("attribute {attribute} is not UTF-8 text")]
    NotText { attribute: String },
    #[error("login {login:?} is not usable (letters, digits, '.', '_' and '-', at most 64)")]
    InvalidLogin { login: String },
    #[error(transparent)]
    Dn(#[from] DnError),
}

/// A department as the path of names from the top of the tree: `["Engineering", "Backend"]`
/// with `department_source = "ou"`, a single name with `attribute`. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DepartmentPath(Vec<String>);

impl DepartmentPath {
    /// `None` when there are no segments or one is blank.
    pub fn new(segments: Vec<String>) -> Option<Self> {
        let ok = !segments.is_empty() && segments.iter().all(|s| !s.trim().is_empty());
        ok.then_some(DepartmentPath(segments))
    }
    pub fn segments(&self) -> &[String] {
        &self.0
    }
    /// The department's own name (the last segment).
    pub fn name(&self) -> &str {
        self.0.last().map_or("", String::as_str)
    }
    /// The enclosing department, if any.
    pub fn parent(&self) -> Option<DepartmentPath> {
        self.0.split_last().and_then(|(_, up)| DepartmentPath::new(up.to_vec()))
    }
}

impl fmt::Display for DepartmentPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" / "))
    }
}

/// A `manager` reference: the DN as the directory wrote it and, once the pass resolved it, the
/// manager's external id. It stays `None` when the DN names no entry (a dangling reference,
/// e.g. after the manager was renamed on a server without referential integrity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerRef {
    pub dn: String,
    pub external_id: Option<String>,
}

/// One employee as the directory describes them.
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    /// The stable identity: AD `objectGUID` as a lowercase GUID string, OpenLDAP `entryUUID`.
    pub external_id: String,
    pub dn: String,
    /// Lowercased (`sAMAccountName` and `uid` match case-insensitively).
    pub login: String,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    /// `displayName` / `cn`, else "given surname", else the login.
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub title: Option<String>,
    pub department: Option<DepartmentPath>,
    pub manager: Option<ManagerRef>,
    pub photo: Option<Vec<u8>>,
    /// `YYYY-MM-DD`, or `--MM-DD` without a year.
    pub birthday: Option<String>,
    /// `YYYY-MM-DD` (UTC date of `whenCreated` / `createTimestamp` by default).
    pub hire_date: Option<String>,
    pub active: bool,
    /// DNs of the groups the entry is a member of (`memberOf`).
    pub groups: Vec<String>,
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("external_id", &self.external_id)
            .field("dn", &self.dn)
            .field("login", &self.login)
            .field("display_name", &self.display_name)
            .field("title", &self.title)
            .field("department", &self.department)
            .field("manager", &self.manager)
            .field("photo_bytes", &self.photo.as_ref().map(Vec::len))
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// A directory group with its members resolved to external ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub external_id: String,
    pub dn: String,
    pub name: String,
    /// External ids of the people in the group (members that are not people of this sync are
    /// left out, see `subgroups`).
    pub members: Vec<String>,
    /// External ids of groups nested in this one.
    pub subgroups: Vec<String>,
}

/// Which optional fields the directory is authoritative for: a field whose attribute is
/// mapped to `""` is neither read nor overwritten (a local edit of it stays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncedFields {
    pub given_name: bool,
    pub surname: bool,
    pub email: bool,
    pub phone: bool,
    pub mobile: bool,
    pub title: bool,
    pub department: bool,
    pub manager: bool,
    pub photo: bool,
    pub birthday: bool,
    pub hire_date: bool,
}

impl SyncedFields {
    pub(crate) fn of(settings: &Settings) -> Self {
        let a = &settings.attrs;
        SyncedFields {
            given_name: a.given_name.is_some(),
            surname: a.surname.is_some(),
            email: a.email.is_some(),
            phone: a.phone.is_some(),
            mobile: a.mobile.is_some(),
            title: a.title.is_some(),
            department: settings.department_source == DepartmentSource::Ou || a.department.is_some(),
            manager: a.manager.is_some(),
            photo: a.photo.is_some(),
            birthday: a.birthday.is_some(),
            hire_date: a.hire_date.is_some(),
        }
    }

    /// Every field synced (what a source that maps everything reports).
    pub fn all() -> Self {
        SyncedFields {
            given_name: true,
            surname: true,
            email: true,
            phone: true,
            mobile: true,
            title: true,
            department: true,
            manager: true,
            photo: true,
            birthday: true,
            hire_date: true,
        }
    }
}

/// The attributes to request for people: everything the map and the disabled rule read.
pub(crate) fn person_attributes(settings: &Settings) -> Vec<String> {
    let a = &settings.attrs;
    let mut list: Vec<String> = [Some(&a.login), Some(&a.external_id)]
        .into_iter()
        .chain([
            a.given_name.as_ref(),
            a.surname.as_ref(),
            a.display_name.as_ref(),
            a.email.as_ref(),
            a.phone.as_ref(),
            a.mobile.as_ref(),
            a.title.as_ref(),
            a.manager.as_ref(),
            a.photo.as_ref(),
            a.birthday.as_ref(),
            a.hire_date.as_ref(),
            a.groups.as_ref(),
        ])
        .flatten()
        .cloned()
        .collect();
    if settings.department_source == DepartmentSource::Attribute
        && let Some(dept) = &a.department
    {
        list.push(dept.clone());
    }
    if let Some(attr) = disabled_attribute(&settings.disabled) {
        list.push(attr.to_owned());
    }
    dedup_ci(list)
}

pub(crate) fn disabled_attribute(rule: &DisabledRule) -> Option<&str> {
    match rule {
        DisabledRule::AccountControl { attribute }
        | DisabledRule::Present { attribute }
        | DisabledRule::Equals { attribute, .. } => Some(attribute),
        DisabledRule::Never => None,
    }
}

pub(crate) fn dedup_ci(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for name in list {
        if !out.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            out.push(name);
        }
    }
    out
}

/// The external id of an entry, decoded per the configured syntax.
pub(crate) fn external_id(entry: &RawEntry, settings: &Settings) -> Result<String, MapError> {
    let attr = &settings.attrs.external_id;
    let missing = || MapError::MissingAttribute {
        attribute: attr.clone(),
    };
    let invalid = |source| MapError::InvalidValue {
        attribute: attr.clone(),
        source,
    };
    match settings.attrs.id_syntax {
        IdSyntax::BinaryGuid => {
            values::guid_from_bytes(entry.values(attr).first().ok_or_else(missing)?).map_err(invalid)
        }
        IdSyntax::Uuid => values::normalize_uuid(&entry.first_text(attr)?.ok_or_else(missing)?).map_err(invalid),
        IdSyntax::Text => entry.first_text(attr)?.ok_or_else(missing),
    }
}

/// Whether the entry's account is disabled under `rule`.
pub(crate) fn is_disabled(entry: &RawEntry, rule: &DisabledRule) -> Result<bool, MapError> {
    match rule {
        DisabledRule::AccountControl { attribute } => {
            let uac = entry.first_text(attribute)?.ok_or_else(|| MapError::MissingAttribute {
                attribute: attribute.clone(),
            })?;
            values::account_disabled(&uac).map_err(|source| MapError::InvalidValue {
                attribute: attribute.clone(),
                source,
            })
        }
        DisabledRule::Present { attribute } => Ok(entry.has(attribute)),
        DisabledRule::Equals { attribute, value } => Ok(entry
            .texts(attribute)?
            .iter()
            .any(|v| v.to_lowercase() == value.to_lowercase())),
        DisabledRule::Never => Ok(false),
    }
}

/// The login rule of the Portico server (ASCII letters, digits, `.`, `_`, `-`; at most 64).
pub(crate) fn valid_login(login: &str) -> bool {
    !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Maps a person entry. Manager references are left unresolved (the pass resolves them).
pub(crate) fn map_person(entry: &RawEntry, settings: &Settings) -> Result<Person, MapError> {
    let a = &settings.attrs;
    let external_id = external_id(entry, settings)?;
    let login = entry
        .first_text(&a.login)?
        .ok_or_else(|| MapError::MissingAttribute {
            attribute: a.login.clone(),
        })?
        .to_lowercase();
    if !valid_login(&login) {
        return Err(MapError::InvalidLogin { login });
    }
    let text = |attr: &Option<String>| match attr {
        Some(attr) => entry.first_text(attr),
        None => Ok(None),
    };
    let date = |attr: &Option<String>| -> Result<Option<String>, MapError> {
        match attr {
            Some(attr) => entry
                .first_text(attr)?
                .map(|v| {
                    values::parse_date(&v).map_err(|source| MapError::InvalidValue {
                        attribute: attr.clone(),
                        source,
                    })
                })
                .transpose(),
            None => Ok(None),
        }
    };
    let given_name = text(&a.given_name)?;
    let surname = text(&a.surname)?;
    let display_name = match text(&a.display_name)? {
        Some(name) => name,
        None => match (&given_name, &surname) {
            (Some(g), Some(s)) => format!("{g} {s}"),
            (Some(n), None) | (None, Some(n)) => n.clone(),
            (None, None) => login.clone(),
        },
    };
    let department = match settings.department_source {
        DepartmentSource::Attribute => text(&a.department)?.and_then(|d| DepartmentPath::new(vec![d])),
        DepartmentSource::Ou => {
            let rdns = dn::parse(&entry.dn)?;
            dn::ou_path(&rdns, &settings.ou_base).and_then(DepartmentPath::new)
        }
    };
    let manager = text(&a.manager)?.map(|dn| ManagerRef { dn, external_id: None });
    let photo = a
        .photo
        .as_ref()
        .and_then(|attr| entry.first_bytes(attr))
        .map(<[u8]>::to_vec);
    let groups = match &a.groups {
        Some(attr) => entry.texts(attr)?,
        None => Vec::new(),
    };
    Ok(Person {
        external_id,
        dn: entry.dn.clone(),
        login,
        given_name,
        surname,
        display_name,
        email: text(&a.email)?,
        phone: text(&a.phone)?,
        mobile: text(&a.mobile)?,
        title: text(&a.title)?,
        department,
        manager,
        photo,
        birthday: date(&a.birthday)?,
        hire_date: date(&a.hire_date)?,
        active: !is_disabled(entry, &settings.disabled)?,
        groups,
    })
}

/// Maps a group entry; `members` holds the raw member DNs until the pass resolves them.
pub(crate) fn map_group(entry: &RawEntry, settings: &Settings) -> Result<(Group, Vec<String>), MapError> {
    let external_id = external_id(entry, settings)?;
    let name = match entry.first_text(&settings.attrs.group_name)? {
        Some(name) => name,
        None => dn::parse(&entry.dn)?
            .first()
            .and_then(|rdn| rdn.first())
            .map(|ava| ava.value.clone())
            .ok_or_else(|| MapError::MissingAttribute {
                attribute: settings.attrs.group_name.clone(),
            })?,
    };
    let member_dns = entry.texts(&settings.attrs.group_member)?;
    Ok((
        Group {
            external_id,
            dn: entry.dn.clone(),
            name,
            members: Vec::new(),
            subgroups: Vec::new(),
        },
        member_dns,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LdapConfig;

    fn settings(toml_text: &str) -> Settings {
        let cfg: LdapConfig = toml::from_str(toml_text).expect("config parses");
        cfg.settings().expect("config valid")
    }

    pub(crate) fn ad_settings(extra: &str) -> Settings {
        settings(&format!(
            "url = \"ldap://127.0.0.1\"\nbase_dn = \"DC=corp,DC=test\"\nflavor = \"active_directory\"\n{extra}"
        ))
    }

    pub(crate) fn openldap_settings(extra: &str) -> Settings {
        settings(&format!(
            "url = \"ldap://127.0.0.1\"\nbase_dn = \"dc=corp,dc=test\"\nflavor = \"openldap\"\n{extra}"
        ))
    }

    const GUID: [u8; 16] = [
        0x0c, 0x6e, 0x3a, 0x5c, 0x2b, 0x1d, 0x3f, 0x10, 0x8a, 0x1b, 0x3f, 0x1c, 0x9e, 0x2b, 0x4d, 0x5a,
    ];

    fn ad_entry() -> RawEntry {
        RawEntry::new("CN=Alice Anders,OU=Backend,OU=Engineering,OU=Staff,DC=corp,DC=test")
            .with("objectGUID", &[GUID])
            .with("sAMAccountName", &["AAnders"])
            .with("givenName", &["Alice"])
            .with("sn", &["Anders"])
            .with("displayName", &["Alice Anders"])
            .with("mail", &["alice@corp.test"])
            .with("telephoneNumber", &["+1 555 0101", "+1 555 0102"])
            .with("mobile", &["+1 555 0199"])
            .with("title", &["Senior Engineer"])
            .with("department", &["Engineering"])
            .with("manager", &["CN=Carol Chief,OU=Staff,DC=corp,DC=test"])
            .with("thumbnailPhoto", &[[0xff_u8, 0xd8, 0xff, 0xe0]])
            .with("userAccountControl", &["512"])
            .with("whenCreated", &["20190301083000.0Z"])
            .with("memberOf", &["CN=Engineers,OU=Staff,DC=corp,DC=test"])
    }

    fn openldap_entry() -> RawEntry {
        RawEntry::new("uid=bob,ou=Sales,ou=People,dc=corp,dc=test")
            .with("entryUUID", &["5C3A6E0C-1D2B-103F-8A1B-3F1C9E2B4D5A"])
            .with("uid", &["bob"])
            .with("cn", &["Bob Brown"])
            .with("givenName", &["Bob"])
            .with("sn", &["Brown"])
            .with("title", &["Sales Rep"])
            .with("departmentNumber", &["Sales"])
            .with("createTimestamp", &["20230715235959Z"])
            .with("jpegPhoto", &[[1_u8, 2, 3]])
    }

    #[test]
    fn active_directory_entry() {
        let p = map_person(&ad_entry(), &ad_settings("")).expect("maps");
        assert_eq!(p.external_id, "5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a");
        assert_eq!(p.login, "aanders");
        assert_eq!(p.display_name, "Alice Anders");
        assert_eq!(p.phone.as_deref(), Some("+1 555 0101"));
        assert_eq!(p.mobile.as_deref(), Some("+1 555 0199"));
        assert_eq!(p.title.as_deref(), Some("Senior Engineer"));
        assert_eq!(
            p.department.as_ref().map(ToString::to_string).as_deref(),
            Some("Engineering")
        );
        assert_eq!(
            p.manager,
            Some(ManagerRef {
                dn: "CN=Carol Chief,OU=Staff,DC=corp,DC=test".into(),
                external_id: None
            })
        );
        assert_eq!(p.photo.as_deref(), Some(&[0xff_u8, 0xd8, 0xff, 0xe0][..]));
        assert_eq!(p.hire_date.as_deref(), Some("2019-03-01"));
        assert_eq!(p.birthday, None);
        assert!(p.active);
        assert_eq!(p.groups, vec!["CN=Engineers,OU=Staff,DC=corp,DC=test".to_owned()]);
    }

    #[test]
    fn objectguid_decoded_as_text_by_ldap3_still_works() {
        // 16 ASCII bytes are valid UTF-8, so ldap3 hands such a GUID over as a String.
        let entry = ad_entry().set("objectGUID", &["ABCDEFGHIJKLMNOP"]);
        let p = map_person(&entry, &ad_settings("")).expect("maps");
        assert_eq!(p.external_id, "44434241-4645-4847-494a-4b4c4d4e4f50");
    }

    #[test]
    fn account_control_disables() {
        let disabled = ad_entry().set("userAccountControl", &["514"]);
        assert!(!map_person(&disabled, &ad_settings("")).expect("maps").active);
        let locked_but_enabled = ad_entry().set("userAccountControl", &["528"]);
        assert!(map_person(&locked_but_enabled, &ad_settings("")).expect("maps").active);
        assert_eq!(
            map_person(&ad_entry().without("userAccountControl"), &ad_settings("")),
            Err(MapError::MissingAttribute {
                attribute: "userAccountControl".into()
            })
        );
        let never = ad_settings("disabled = { kind = \"never\" }");
        assert!(map_person(&disabled, &never).expect("maps").active);
    }

    #[test]
    fn departments_from_ous() {
        let s = ad_settings("department_source = \"ou\"\ndepartment_ou_base = \"OU=Staff,DC=corp,DC=test\"");
        let p = map_person(&ad_entry(), &s).expect("maps");
        let dept = p.department.expect("department");
        assert_eq!(dept.segments(), ["Engineering", "Backend"]);
        assert_eq!(dept.name(), "Backend");
        assert_eq!(dept.parent().map(|d| d.to_string()).as_deref(), Some("Engineering"));
        assert_eq!(dept.to_string(), "Engineering / Backend");
        let mut carol = ad_entry();
        carol.dn = "CN=Carol Chief,OU=Staff,DC=corp,DC=test".into();
        assert_eq!(map_person(&carol, &s).expect("maps").department, None);
    }

    #[test]
    fn openldap_entry_with_defaults() {
        let p = map_person(&openldap_entry(), &openldap_settings("")).expect("maps");
        assert_eq!(p.external_id, "5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a");
        assert_eq!(p.login, "bob");
        assert_eq!(p.display_name, "Bob Brown");
        assert_eq!(p.department.map(|d| d.to_string()).as_deref(), Some("Sales"));
        assert_eq!(p.hire_date.as_deref(), Some("2023-07-15"));
        assert_eq!(p.photo.as_deref(), Some(&[1_u8, 2, 3][..]));
        assert!(p.active, "no pwdAccountLockedTime");
        let locked = openldap_entry().with("pwdAccountLockedTime", &["000001010000Z"]);
        assert!(!map_person(&locked, &openldap_settings("")).expect("maps").active);
    }

    #[test]
    fn openldap_equals_rule_and_overrides() {
        let s = openldap_settings(
            "disabled = { kind = \"equals\", attribute = \"employeeType\", value = \"Disabled\" }\n\
             [attributes]\nbirthday = \"birthDate\"\ndisplay_name = \"\"\ntitle = \"\"",
        );
        let e = openldap_entry()
            .with("employeeType", &["contractor", "disabled"])
            .with("birthDate", &["1985-04-12"]);
        let p = map_person(&e, &s).expect("maps");
        assert!(!p.active);
        assert_eq!(p.birthday.as_deref(), Some("1985-04-12"));
        assert_eq!(p.display_name, "Bob Brown", "falls back to given name + surname");
        assert_eq!(p.title, None, "title not synced");
        assert!(!SyncedFields::of(&s).title);
        assert!(SyncedFields::of(&s).birthday);
        let attrs = person_attributes(&s);
        assert!(attrs.iter().any(|a| a == "employeeType"));
        assert!(attrs.iter().any(|a| a == "birthDate"));
        assert!(!attrs.iter().any(|a| a == "title"));
    }

    #[test]
    fn negative_cases() {
        let ad = ad_settings("");
        assert_eq!(
            map_person(&ad_entry().set("objectGUID", &[[1_u8; 15]]), &ad),
            Err(MapError::InvalidValue {
                attribute: "objectGUID".into(),
                source: ValueError::GuidLength(15)
            })
        );
        assert!(matches!(
            map_person(&ad_entry().without("objectGUID"), &ad),
            Err(MapError::MissingAttribute { .. })
        ));
        assert_eq!(
            map_person(&ad_entry().without("sAMAccountName"), &ad),
            Err(MapError::MissingAttribute {
                attribute: "sAMAccountName".into()
            })
        );
        assert!(matches!(
            map_person(&ad_entry().set("sAMAccountName", &["   "]), &ad),
            Err(MapError::MissingAttribute { .. })
        ));
        assert!(matches!(
            map_person(&ad_entry().set("sAMAccountName", &["Jane Doe"]), &ad),
            Err(MapError::InvalidLogin { .. })
        ));
        assert!(matches!(
            map_person(&ad_entry().set("whenCreated", &["2019-03-01 08:30"]), &ad),
            Err(MapError::InvalidValue { ref attribute, source: ValueError::Date(_) }) if attribute == "whenCreated"
        ));
        assert!(matches!(
            map_person(&ad_entry().set("userAccountControl", &["enabled"]), &ad),
            Err(MapError::InvalidValue { .. })
        ));
        let bad_uuid = openldap_entry().set("entryUUID", &["not-a-uuid"]);
        assert!(matches!(
            map_person(&bad_uuid, &openldap_settings("")),
            Err(MapError::InvalidValue { .. })
        ));
        assert_eq!(
            map_person(&ad_entry().set("title", &[[0xff_u8, 0xfe]]), &ad),
            Err(MapError::NotText {
                attribute: "title".into()
            })
        );
        let mut bad_dn = openldap_entry();
        bad_dn.dn = "uid=x,,ou=People".into();
        assert!(matches!(
            map_person(&bad_dn, &openldap_settings("department_source = \"ou\"")),
            Err(MapError::Dn(_))
        ));
    }

    #[test]
    fn group_entry() {
        let s = openldap_settings("");
        let e = RawEntry::new("cn=engineers,ou=groups,dc=corp,dc=test")
            .with("entryUUID", &["11111111-2222-3333-4444-555555555555"])
            .with(
                "member",
                &["uid=a,ou=People,dc=corp,dc=test", "uid=b,ou=People,dc=corp,dc=test"],
            );
        let (group, members) = map_group(&e, &s).expect("maps");
        assert_eq!(group.name, "engineers", "falls back to the RDN value");
        assert_eq!(members.len(), 2);
    }
}
