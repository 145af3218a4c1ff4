//! The `[ldap]` configuration section and its per-flavour defaults.
//!
//! [`LdapConfig`] is what the server deserialises (unknown keys rejected); [`LdapConfig::settings`]
//! checks it and fills in the defaults of the flavour, giving the [`Settings`] everything else
//! in this crate works from. Every option is documented in `docs/directory.md`.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

use crate::dn::{self, Rdn};

/// Which kind of directory server: decides the default attribute map, filters, the disabled
/// rule and how incremental passes find changes (`uSNChanged` vs `modifyTimestamp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Flavor {
    #[serde(rename = "active_directory")]
    ActiveDirectory,
    #[serde(rename = "openldap")]
    OpenLdap,
}

/// Where an employee's department comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentSource {
    /// The `department` attribute (AD `department`, OpenLDAP `departmentNumber`): a flat list.
    #[default]
    Attribute,
    /// The organisational units the entry sits in, below `department_ou_base`: a tree.
    Ou,
}

/// How to tell that an account is disabled. Disabled accounts are deactivated, never deleted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DisabledRule {
    /// Bit 2 (`ACCOUNTDISABLE`) of a `userAccountControl`-style integer attribute.
    AccountControl {
        #[serde(default = "default_uac_attribute")]
        attribute: String,
    },
    /// Disabled when the attribute is present with any value (e.g. `pwdAccountLockedTime`).
    Present { attribute: String },
    /// Disabled when the attribute has this value (compared case-insensitively).
    Equals { attribute: String, value: String },
    /// Every account is active.
    Never,
}

fn default_uac_attribute() -> String {
    "userAccountControl".into()
}

/// A password that `Debug` does not print.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

/// Attribute names that replace the flavour's defaults. An empty string turns an optional
/// field off: the sync then neither reads nor overwrites it (e.g. `birthday = ""` keeps
/// birthdays edited in Portico).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AttributeOverrides {
    pub login: Option<String>,
    pub external_id: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub manager: Option<String>,
    pub photo: Option<String>,
    pub birthday: Option<String>,
    pub hire_date: Option<String>,
    pub groups: Option<String>,
    pub group_name: Option<String>,
    pub group_member: Option<String>,
    pub ou_head: Option<String>,
}

/// The `[ldap]` section of the server's configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LdapConfig {
    /// `ldap://host[:port]` or `ldaps://host[:port]`.
    pub url: String,
    /// Service account used for the sync and to find users at login; empty = anonymous.
    #[serde(default)]
    pub bind_dn: String,
    #[serde(default)]
    pub bind_password: Secret,
    /// Where people (and groups) are searched, subtree.
    pub base_dn: String,
    pub flavor: Flavor,
    /// LDAP filter selecting people; default per flavour.
    #[serde(default)]
    pub user_filter: Option<String>,
    /// LDAP filter selecting groups; default per flavour; `""` = do not sync groups.
    #[serde(default)]
    pub group_filter: Option<String>,
    /// Upgrade `ldap://` with the StartTLS extended operation before binding.
    #[serde(default)]
    pub starttls: bool,
    /// PEM file with the CA certificate(s) to trust for `ldaps://` and StartTLS; default:
    /// the system's trust store.
    #[serde(default)]
    pub tls_ca_file: Option<PathBuf>,
    #[serde(default)]
    pub department_source: DepartmentSource,
    /// With `department_source = "ou"`: OUs below this DN form the department tree (default:
    /// `base_dn`).
    #[serde(default)]
    pub department_ou_base: Option<String>,
    #[serde(default)]
    pub attributes: AttributeOverrides,
    /// Default per flavour: AD `account_control`, OpenLDAP `present` `pwdAccountLockedTime`.
    #[serde(default)]
    pub disabled: Option<DisabledRule>,
    /// Entries per page of a paged search (AD's limit is 1000).
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Limit for connecting and for each LDAP operation.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// A full pass that would deactivate more than this share of the active directory
    /// people (and more than 10 of them) is refused by [`crate::Plan::check_deactivation_limit`].
    #[serde(default = "default_max_deactivate_percent")]
    pub max_deactivate_percent: u8,
}

fn default_page_size() -> u32 {
    500
}
fn default_timeout() -> u64 {
    30
}
fn default_max_deactivate_percent() -> u8 {
    20
}

/// A configuration that cannot work; each message names the key at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("ldap.{key}: {message}")]
    Invalid { key: &'static str, message: String },
}

fn invalid(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        message: message.into(),
    }
}

/// How the external id attribute is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdSyntax {
    /// 16 raw bytes in Microsoft's GUID layout (`objectGUID`).
    BinaryGuid,
    /// A textual UUID (`entryUUID`).
    Uuid,
    /// Any non-empty string (e.g. `employeeNumber`).
    Text,
}

/// The resolved attribute map: every optional field is `None` when it is not synced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttributeMap {
    pub login: String,
    pub external_id: String,
    pub id_syntax: IdSyntax,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub manager: Option<String>,
    pub photo: Option<String>,
    pub birthday: Option<String>,
    pub hire_date: Option<String>,
    pub groups: Option<String>,
    pub group_name: String,
    pub group_member: String,
    pub ou_head: Option<String>,
}

/// A checked configuration with the flavour's defaults filled in.
#[derive(Debug, Clone)]
pub struct Settings {
    pub(crate) url: String,
    pub(crate) bind_dn: String,
    pub(crate) bind_password: Secret,
    pub(crate) base_dn: String,
    pub(crate) flavor: Flavor,
    pub(crate) user_filter: String,
    pub(crate) group_filter: Option<String>,
    pub(crate) starttls: bool,
    pub(crate) tls_ca_file: Option<PathBuf>,
    pub(crate) department_source: DepartmentSource,
    pub(crate) ou_base: Vec<Rdn>,
    pub(crate) ou_base_dn: String,
    pub(crate) attrs: AttributeMap,
    pub(crate) disabled: DisabledRule,
    pub(crate) page_size: i32,
    pub(crate) timeout: std::time::Duration,
}

impl Settings {
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }
    pub fn base_dn(&self) -> &str {
        &self.base_dn
    }
}

impl LdapConfig {
    /// Checks the configuration and resolves the flavour's defaults.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        let url = self.url.trim();
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("ldap") => {}
            Some("ldaps") if self.starttls => {
                return Err(invalid("starttls", "StartTLS cannot be combined with an ldaps:// URL"));
            }
            Some("ldaps") => {}
            _ => return Err(invalid("url", format!("{url:?} is not an ldap:// or ldaps:// URL"))),
        }
        if self.bind_dn.trim().is_empty() != self.bind_password.expose().is_empty() {
            // A DN with an empty password is an "unauthenticated bind" (RFC 4513 §5.1.2) that
            // servers treat as anonymous: never let that pass for a configured account.
            return Err(invalid(
                "bind_password",
                "bind_dn and bind_password must both be set (or both be empty for anonymous access)",
            ));
        }
        if !self.bind_dn.trim().is_empty() && !self.bind_dn.contains('=') && !self.bind_dn.contains(['@', '\\']) {
            return Err(invalid("bind_dn", "expected a DN, user@domain or DOMAIN\\user"));
        }
        let base = dn::parse(&self.base_dn).map_err(|e| invalid("base_dn", e.to_string()))?;
        if base.is_empty() {
            return Err(invalid("base_dn", "must not be empty"));
        }
        let (ou_base, ou_base_dn) = match &self.department_ou_base {
            Some(ou_base) => {
                let rdns = dn::parse(ou_base).map_err(|e| invalid("department_ou_base", e.to_string()))?;
                if dn::ou_path(&rdns, &base).is_none() {
                    return Err(invalid("department_ou_base", "must be base_dn or below it"));
                }
                (rdns, ou_base.trim().to_owned())
            }
            None => (base, self.base_dn.trim().to_owned()),
        };
        let ad = self.flavor == Flavor::ActiveDirectory;
        let user_filter = match self.user_filter.as_deref().map(str::trim) {
            Some("") => return Err(invalid("user_filter", "must not be empty")),
            Some(f) => wrap_filter(f),
            None if ad => "(&(objectCategory=person)(objectClass=user))".to_owned(),
            None => "(objectClass=inetOrgPerson)".to_owned(),
        };
        check_filter("user_filter", &user_filter)?;
        let group_filter = match self.group_filter.as_deref().map(str::trim) {
            Some("") => None,
            Some(f) => Some(wrap_filter(f)),
            None if ad => Some("(objectClass=group)".to_owned()),
            None => Some("(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))".to_owned()),
        };
        if let Some(f) = &group_filter {
            check_filter("group_filter", f)?;
        }
        let attrs = self.attribute_map()?;
        let disabled = match &self.disabled {
            Some(rule) => {
                let attr = match rule {
                    DisabledRule::AccountControl { attribute }
                    | DisabledRule::Present { attribute }
                    | DisabledRule::Equals { attribute, .. } => Some(attribute),
                    DisabledRule::Never => None,
                };
                if let Some(attr) = attr {
                    check_attribute_name("disabled.attribute", attr)?;
                }
                rule.clone()
            }
            None if ad => DisabledRule::AccountControl {
                attribute: default_uac_attribute(),
            },
            None => DisabledRule::Present {
                attribute: "pwdAccountLockedTime".into(),
            },
        };
        if !(1..=10_000).contains(&self.page_size) {
            return Err(invalid("page_size", "must be between 1 and 10000"));
        }
        if !(1..=3600).contains(&self.timeout_seconds) {
            return Err(invalid("timeout_seconds", "must be between 1 and 3600"));
        }
        if self.max_deactivate_percent > 100 {
            return Err(invalid("max_deactivate_percent", "must be between 0 and 100"));
        }
        if let Some(path) = &self.tls_ca_file
            && path.as_os_str().is_empty()
        {
            return Err(invalid("tls_ca_file", "must not be empty"));
        }
        Ok(Settings {
            url: url.to_owned(),
            bind_dn: self.bind_dn.trim().to_owned(),
            bind_password: self.bind_password.clone(),
            base_dn: self.base_dn.trim().to_owned(),
            flavor: self.flavor,
            user_filter,
            group_filter,
            starttls: self.starttls,
            tls_ca_file: self.tls_ca_file.clone(),
            department_source: self.department_source,
            ou_base,
            ou_base_dn,
            attrs,
            disabled,
            page_size: i32::try_from(self.page_size).unwrap_or(500),
            timeout: std::time::Duration::from_secs(self.timeout_seconds),
        })
    }

    fn attribute_map(&self) -> Result<AttributeMap, ConfigError> {
        let ad = self.flavor == Flavor::ActiveDirectory;
        let o = &self.attributes;
        let pick = |key: &'static str, value: &Option<String>, ad_default: &str, ol_default: &str| {
            let name = value
                .as_deref()
                .unwrap_or(if ad { ad_default } else { ol_default })
                .trim();
            if name.is_empty() {
                return Ok(None);
            }
            check_attribute_name(key, name).map(|()| Some(name.to_owned()))
        };
        let required = |key: &'static str, value: &Option<String>, ad_default: &str, ol_default: &str| {
            pick(key, value, ad_default, ol_default)?.ok_or_else(|| invalid(key, "must not be empty"))
        };
        let external_id = required("attributes.external_id", &o.external_id, "objectGUID", "entryUUID")?;
        let id_syntax = if external_id.eq_ignore_ascii_case("objectGUID") {
            IdSyntax::BinaryGuid
        } else if external_id.eq_ignore_ascii_case("entryUUID") {
            IdSyntax::Uuid
        } else {
            IdSyntax::Text
        };
        Ok(AttributeMap {
            login: required("attributes.login", &o.login, "sAMAccountName", "uid")?,
            external_id,
            id_syntax,
            given_name: pick("attributes.given_name", &o.given_name, "givenName", "givenName")?,
            surname: pick("attributes.surname", &o.surname, "sn", "sn")?,
            display_name: pick("attributes.display_name", &o.display_name, "displayName", "cn")?,
            email: pick("attributes.email", &o.email, "mail", "mail")?,
            phone: pick("attributes.phone", &o.phone, "telephoneNumber", "telephoneNumber")?,
            mobile: pick("attributes.mobile", &o.mobile, "mobile", "mobile")?,
            title: pick("attributes.title", &o.title, "title", "title")?,
            department: pick("attributes.department", &o.department, "department", "departmentNumber")?,
            manager: pick("attributes.manager", &o.manager, "manager", "manager")?,
            photo: pick("attributes.photo", &o.photo, "thumbnailPhoto", "jpegPhoto")?,
            birthday: pick("attributes.birthday", &o.birthday, "", "")?,
            hire_date: pick("attributes.hire_date", &o.hire_date, "whenCreated", "createTimestamp")?,
            groups: pick("attributes.groups", &o.groups, "memberOf", "memberOf")?,
            group_name: required("attributes.group_name", &o.group_name, "cn", "cn")?,
            group_member: required("attributes.group_member", &o.group_member, "member", "member")?,
            ou_head: pick("attributes.ou_head", &o.ou_head, "managedBy", "")?,
        })
    }
}

fn wrap_filter(filter: &str) -> String {
    if filter.starts_with('(') {
        filter.to_owned()
    } else {
        format!("({filter})")
    }
}

fn check_filter(key: &'static str, filter: &str) -> Result<(), ConfigError> {
    ldap3::parse_filter(filter)
        .map(|_| ())
        .map_err(|()| invalid(key, format!("{filter:?} is not a valid LDAP filter")))
}

/// Attribute descriptions: a name or OID, letters, digits, `-`, `.`, and `;options`.
fn check_attribute_name(key: &'static str, name: &str) -> Result<(), ConfigError> {
    let ok = name.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b';'));
    if ok {
        Ok(())
    } else {
        Err(invalid(key, format!("{name:?} is not an attribute name")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<LdapConfig, toml::de::Error> {
        toml::from_str(text)
    }

    const AD: &str = r#"
        url = "ldaps://dc1.corp.example:636"
        bind_dn = "CN=svc-portico,OU=Services,DC=corp,DC=example"
        bind_password = "s3cret"
        base_dn = "DC=corp,DC=example"
        flavor = "active_directory"
    "#;

    #[test]
    fn active_directory_defaults() {
        let settings = parse(AD).expect("parses").settings().expect("valid");
        assert_eq!(settings.user_filter, "(&(objectCategory=person)(objectClass=user))");
        assert_eq!(settings.group_filter.as_deref(), Some("(objectClass=group)"));
        assert_eq!(settings.attrs.login, "sAMAccountName");
        assert_eq!(settings.attrs.id_syntax, IdSyntax::BinaryGuid);
        assert_eq!(settings.attrs.photo.as_deref(), Some("thumbnailPhoto"));
        assert_eq!(settings.attrs.hire_date.as_deref(), Some("whenCreated"));
        assert_eq!(settings.attrs.birthday, None);
        assert_eq!(settings.attrs.ou_head.as_deref(), Some("managedBy"));
        assert_eq!(
            settings.disabled,
            DisabledRule::AccountControl {
                attribute: "userAccountControl".into()
            }
        );
        assert_eq!(settings.page_size, 500);
        assert_eq!(settings.department_source, DepartmentSource::Attribute);
    }

    #[test]
    fn openldap_defaults_and_overrides() {
        let cfg = parse(
            r#"
            url = "ldap://127.0.0.1:3389"
            starttls = true
            bind_dn = "cn=portico,ou=services,dc=corp,dc=test"
            bind_password = "pw"
            base_dn = "dc=corp,dc=test"
            flavor = "openldap"
            user_filter = "objectClass=person"
            group_filter = ""
            department_source = "ou"
            department_ou_base = "ou=People,dc=corp,dc=test"
            disabled = { kind = "equals", attribute = "employeeType", value = "disabled" }
            page_size = 200
            [attributes]
            birthday = "birthDate"
            photo = ""
            "#,
        )
        .expect("parses");
        let settings = cfg.settings().expect("valid");
        assert_eq!(settings.user_filter, "(objectClass=person)");
        assert_eq!(settings.group_filter, None);
        assert_eq!(settings.attrs.login, "uid");
        assert_eq!(settings.attrs.id_syntax, IdSyntax::Uuid);
        assert_eq!(settings.attrs.display_name.as_deref(), Some("cn"));
        assert_eq!(settings.attrs.department.as_deref(), Some("departmentNumber"));
        assert_eq!(settings.attrs.birthday.as_deref(), Some("birthDate"));
        assert_eq!(settings.attrs.photo, None);
        assert_eq!(settings.attrs.ou_head, None);
        assert_eq!(settings.ou_base.len(), 3);
        assert!(settings.starttls);
        assert_eq!(
            settings.disabled,
            DisabledRule::Equals {
                attribute: "employeeType".into(),
                value: "disabled".into()
            }
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(parse(&format!("{AD}\nuser_fliter = \"(x=y)\"")).is_err());
        assert!(parse(&format!("{AD}\n[attributes]\nlogn = \"uid\"")).is_err());
        assert!(
            parse(&format!(
                "{AD}\ndisabled = {{ kind = \"present\", attribute = \"x\", value = \"y\" }}"
            ))
            .is_err()
        );
        assert!(parse(&format!("{AD}\ndisabled = {{ kind = \"sometimes\" }}")).is_err());
        assert!(parse(&AD.replace("active_directory", "novell")).is_err());
    }

    #[test]
    fn invalid_settings_name_the_key() {
        let key_of = |text: String| match parse(&text).expect("parses").settings() {
            Err(ConfigError::Invalid { key, .. }) => key,
            Ok(_) => "(accepted)",
        };
        assert_eq!(key_of(AD.replace("ldaps://", "http://")), "url");
        assert_eq!(key_of(format!("{AD}\nstarttls = true")), "starttls");
        assert_eq!(key_of(AD.replace("s3cret", "")), "bind_password");
        assert_eq!(
            key_of(AD.replace("base_dn = \"DC=corp,DC=example\"", "base_dn = \"\"")),
            "base_dn"
        );
        assert_eq!(key_of(format!("{AD}\nuser_filter = \"(&(a=b)\"")), "user_filter");
        assert_eq!(key_of(format!("{AD}\ngroup_filter = \"(((\"")), "group_filter");
        assert_eq!(key_of(format!("{AD}\npage_size = 0")), "page_size");
        assert_eq!(key_of(format!("{AD}\ntimeout_seconds = 0")), "timeout_seconds");
        assert_eq!(
            key_of(format!("{AD}\nmax_deactivate_percent = 101")),
            "max_deactivate_percent"
        );
        assert_eq!(
            key_of(format!("{AD}\ndepartment_ou_base = \"OU=x,DC=other\"")),
            "department_ou_base"
        );
        assert_eq!(key_of(format!("{AD}\n[attributes]\nlogin = \"\"")), "attributes.login");
        assert_eq!(
            key_of(format!("{AD}\n[attributes]\ntitle = \"ti tle\"")),
            "attributes.title"
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let cfg = parse(AD).expect("parses");
        let text = format!("{cfg:?}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
