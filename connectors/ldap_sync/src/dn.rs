//! Distinguished names (RFC 4514): parsing into RDNs, a normalised form for comparing DNs
//! written by different tools (`CN=A,OU=X` vs `cn=a, ou=x`), and the OU chain of an entry.

/// A DN that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed DN {dn:?}: {reason}")]
pub struct DnError {
    pub dn: String,
    pub reason: &'static str,
}

/// One `type=value` pair of an RDN, with the value unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ava {
    pub attr: String,
    pub value: String,
}

/// A relative distinguished name: one or more AVAs joined by `+`.
pub(crate) type Rdn = Vec<Ava>;

/// Parses a DN into its RDNs, leaf first. The empty string is the root DSE (no RDNs).
/// Spaces around separators are ignored, `\`-escapes (`\,` and `\2C` alike) and the old
/// quoted form (`OU="Sales, EMEA"`) are accepted, `;` works as `,`.
pub(crate) fn parse(dn: &str) -> Result<Vec<Rdn>, DnError> {
    let err = |reason| DnError {
        dn: dn.to_owned(),
        reason,
    };
    let bytes = dn.as_bytes();
    let mut rdns: Vec<Rdn> = Vec::new();
    let mut rdn: Rdn = Vec::new();
    let mut i = 0;
    if dn.trim().is_empty() {
        return Ok(rdns);
    }
    loop {
        // attribute type
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
        let start = i;
        while let Some(&c) = bytes.get(i) {
            if c == b'=' {
                break;
            }
            if !(c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b' ') {
                return Err(err("bad attribute type"));
            }
            i += 1;
        }
        let attr = dn.get(start..i).map(str::trim).unwrap_or_default();
        if attr.is_empty() || bytes.get(i) != Some(&b'=') {
            return Err(err("expected type=value"));
        }
        i += 1;
        // value
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
        let mut value: Vec<u8> = Vec::new();
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Err(err("unterminated quoted value")),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        let (b, used) = unescape_at(bytes, i + 1).ok_or_else(|| err("bad escape"))?;
                        value.push(b);
                        i += 1 + used;
                    }
                    Some(&c) => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
            while bytes.get(i) == Some(&b' ') {
                i += 1;
            }
        } else {
            let mut significant = 0;
            while let Some(&c) = bytes.get(i) {
                match c {
                    b',' | b';' | b'+' => break,
                    b'\\' => {
                        let (b, used) = unescape_at(bytes, i + 1).ok_or_else(|| err("bad escape"))?;
                        value.push(b);
                        significant = value.len();
                        i += 1 + used;
                    }
                    b'"' => return Err(err("unescaped quote")),
                    _ => {
                        value.push(c);
                        if c != b' ' {
                            significant = value.len();
                        }
                        i += 1;
                    }
                }
            }
            value.truncate(significant);
        }
        let value = String::from_utf8(value).map_err(|_| err("value is not UTF-8"))?;
        rdn.push(Ava {
            attr: attr.to_owned(),
            value,
        });
        match bytes.get(i) {
            None => {
                rdns.push(rdn);
                return Ok(rdns);
            }
            Some(b'+') => i += 1,
            Some(b',' | b';') => {
                rdns.push(std::mem::take(&mut rdn));
                i += 1;
            }
            Some(_) => return Err(err("junk after quoted value")),
        }
    }
}

/// The byte an escape sequence starting at `i` (just after the backslash) stands for, and how
/// many input bytes it used: `\XX` (two hex digits) or `\c` (any other character, e.g. `\,`).
fn unescape_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    let first = *bytes.get(i)?;
    let hex = |c: u8| (c as char).to_digit(16);
    if let (Some(h), Some(l)) = (hex(first), bytes.get(i + 1).and_then(|&c| hex(c))) {
        return u8::try_from(h * 16 + l).ok().map(|b| (b, 2));
    }
    Some((first, 1))
}

/// A normalised string for comparing DNs: types and values lowercased, escapes resolved and
/// re-escaped one way, multi-valued RDNs sorted. Two DNs naming the same entry on AD or
/// OpenLDAP (whose matching rules for names are case-insensitive) get the same key.
pub fn normalize(dn: &str) -> Result<String, DnError> {
    Ok(key_of(&parse(dn)?))
}

pub(crate) fn key_of(rdns: &[Rdn]) -> String {
    let mut out = String::new();
    for (n, rdn) in rdns.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let mut avas: Vec<String> = rdn
            .iter()
            .map(|ava| {
                format!(
                    "{}={}",
                    ava.attr.to_ascii_lowercase(),
                    escape(&ava.value.to_lowercase())
                )
            })
            .collect();
        avas.sort();
        out.push_str(&avas.join("+"));
    }
    out
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, ',' | '+' | '=' | '\\' | ';' | '"' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The organisational units between `base` and the entry `dn`, top-down, as written in the
/// entry's DN (e.g. `["Engineering", "Backend"]` for `uid=x,ou=Backend,ou=Engineering,ou=People`
/// under `ou=People`). Other RDNs on the way (AD's `CN=Users`) are skipped; the entry's own RDN
/// never counts, even if the entry is an OU. `None` if `dn` is not below `base`.
pub(crate) fn ou_path(dn: &[Rdn], base: &[Rdn]) -> Option<Vec<String>> {
    let inner_len = dn.len().checked_sub(base.len())?;
    let (inner, suffix) = dn.split_at(inner_len);
    if key_of(suffix) != key_of(base) {
        return None;
    }
    Some(
        inner
            .iter()
            .skip(1)
            .rev()
            .filter_map(|rdn| match rdn.as_slice() {
                [ava] if ava.attr.eq_ignore_ascii_case("ou") => Some(ava.value.clone()),
                _ => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_forms_match() {
        let a = normalize("CN=Carol Chief,OU=Staff,DC=corp,DC=test").ok();
        let b = normalize("cn=carol chief, ou=staff ,dc=CORP;dc=Test").ok();
        assert!(a.is_some());
        assert_eq!(a, b);
        assert_eq!(normalize("cn=a\\,b,dc=x").ok(), normalize("CN=A\\2cB,DC=X").ok());
        assert_eq!(normalize("cn=\"a,b\",dc=x").ok(), normalize("cn=a\\,b,dc=x").ok());
        assert_eq!(normalize("cn=a+uid=b,dc=x").ok(), normalize("UID=B+CN=A,dc=x").ok());
        assert_ne!(normalize("cn=a,dc=x").ok(), normalize("cn=a,dc=y").ok());
        assert_eq!(normalize("").ok().as_deref(), Some(""));
    }

    #[test]
    fn escaped_spaces_and_utf8() {
        let rdns = parse("cn=\\ lead\\20,ou=M\\C3\\BCnchen,dc=x").unwrap_or_default();
        assert_eq!(rdns.len(), 3);
        assert_eq!(rdns[0][0].value, " lead ");
        assert_eq!(rdns[1][0].value, "München");
    }

    #[test]
    fn malformed() {
        for bad in [
            "cn",
            "=x",
            "cn=a,",
            "cn=a,,dc=x",
            "cn=\"a",
            "cn=a\"b",
            "c n!=a",
            "cn=\\FF\\FE",
            "cn=a\\",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn ou_chain_below_base() {
        let base = parse("ou=People,dc=corp,dc=test").unwrap_or_default();
        let dn = parse("uid=ann,ou=Backend,ou=Engineering,OU=people,dc=corp,dc=test").unwrap_or_default();
        assert_eq!(
            ou_path(&dn, &base),
            Some(vec!["Engineering".to_owned(), "Backend".to_owned()])
        );
        let ad = parse("CN=Bob,CN=Users,OU=Sales,DC=corp,DC=test").unwrap_or_default();
        let ad_base = parse("DC=corp,DC=test").unwrap_or_default();
        assert_eq!(ou_path(&ad, &ad_base), Some(vec!["Sales".to_owned()]));
        let ou_entry = parse("ou=Sales,ou=People,dc=corp,dc=test").unwrap_or_default();
        assert_eq!(ou_path(&ou_entry, &base), Some(vec![]));
        let outside = parse("uid=x,ou=Other,dc=corp,dc=test").unwrap_or_default();
        assert_eq!(ou_path(&outside, &base), None);
        assert_eq!(ou_path(&base, &dn), None);
    }
}
