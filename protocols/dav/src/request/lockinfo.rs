//! LOCK request bodies (RFC 4918 §9.10, §14.11).

use crate::lock::LockScope;
use crate::prop_value::PropValue;
use crate::qname::QName;
use crate::request::is_blank;
use crate::xml::error::XmlError;
use crate::xml::tree::{Element, parse_document};

/// What a LOCK request asks for. Only write locks exist, so the type is
/// checked but not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockInfo {
    /// Exclusive or shared.
    pub scope: LockScope,
    /// The `DAV:owner` content, to echo in `DAV:lockdiscovery`.
    pub owner: Option<PropValue>,
}

const LOCKINFO: QName = QName::dav("lockinfo");

/// Parses a LOCK body. An empty body means a refresh (`Ok(None)`, §9.10.2).
pub fn parse_lockinfo(body: &[u8]) -> Result<Option<LockInfo>, XmlError> {
    if is_blank(body) {
        return Ok(None);
    }
    let root = parse_document(body)?;
    root.expect_name(&LOCKINFO)?;

    let child = |local: &str| root.elements().find(|e| e.dav_local() == Some(local));
    let scope = child("lockscope").ok_or(XmlError::Missing {
        parent: "lockinfo",
        child: "lockscope",
    })?;
    let locktype = child("locktype").ok_or(XmlError::Missing {
        parent: "lockinfo",
        child: "locktype",
    })?;
    if !locktype.elements().any(|e| e.dav_local() == Some("write")) {
        return Err(XmlError::Invalid("only write locks are supported"));
    }
    Ok(Some(LockInfo {
        scope: lock_scope(scope)?,
        owner: child("owner").map(PropValue::from_element),
    }))
}

fn lock_scope(scope: &Element) -> Result<LockScope, XmlError> {
    let mut found = None;
    for e in scope.elements() {
        let s = match e.dav_local() {
            Some("exclusive") => LockScope::Exclusive,
            Some("shared") => LockScope::Shared,
            _ => continue,
        };
        if found.replace(s).is_some() {
            return Err(XmlError::Invalid("lockscope must be either exclusive or shared"));
        }
    }
    found.ok_or(XmlError::Missing {
        parent: "lockscope",
        child: "exclusive or shared",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<LockInfo>, XmlError> {
        parse_lockinfo(s.as_bytes())
    }

    #[test]
    fn empty_body_is_refresh() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("\r\n"), Ok(None));
    }

    #[test]
    fn office_exclusive_lock_with_href_owner() {
        let body = r#"<?xml version="1.0" encoding="utf-8" ?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>CONTOSO\jdoe</D:href></D:owner></D:lockinfo>"#;
        let info = parse(body).unwrap().unwrap();
        assert_eq!(info.scope, LockScope::Exclusive);
        assert_eq!(
            info.owner.unwrap().xml(),
            r#"<D:href xmlns:D="DAV:">CONTOSO\jdoe</D:href>"#
        );
    }

    #[test]
    fn litmus_shared_lock_with_text_owner() {
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<lockinfo xmlns='DAV:'>\n <lockscope><shared/></lockscope>\n<locktype><write/></locktype><owner>litmus test suite</owner>\n</lockinfo>\n";
        let info = parse(body).unwrap().unwrap();
        assert_eq!(info.scope, LockScope::Shared);
        let owner = info.owner.unwrap();
        assert_eq!(owner.xml(), "litmus test suite");
        assert_eq!(owner.as_text().as_deref(), Some("litmus test suite"));
    }

    #[test]
    fn macos_finder_lock() {
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:lockinfo xmlns:D=\"DAV:\">\n<D:lockscope><D:exclusive/></D:lockscope>\n<D:locktype><D:write/></D:locktype>\n<D:owner>\n<D:href>http://www.apple.com/webdav_fs/</D:href>\n</D:owner>\n</D:lockinfo>\n";
        let info = parse(body).unwrap().unwrap();
        assert_eq!(
            info.owner.unwrap().xml(),
            "\n<D:href xmlns:D=\"DAV:\">http://www.apple.com/webdav_fs/</D:href>\n"
        );
    }

    #[test]
    fn owner_is_optional_and_unknown_elements_ignored() {
        let body = r#"<lockinfo xmlns="DAV:" xmlns:x="urn:x"><x:extra/><locktype><write/><x:other/></locktype><lockscope><x:odd/><exclusive/></lockscope></lockinfo>"#;
        let info = parse(body).unwrap().unwrap();
        assert_eq!(info.scope, LockScope::Exclusive);
        assert_eq!(info.owner, None);
    }

    // ---- rejections ----

    #[test]
    fn wrong_root_and_malformed() {
        assert!(matches!(
            parse(r#"<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#),
            Err(XmlError::WrongRoot { .. })
        ));
        assert!(parse(r#"<D:lockinfo xmlns:D="DAV:"><D:lockscope>"#).is_err());
        assert_eq!(
            parse(r#"<!DOCTYPE x [<!ENTITY a "b">]><lockinfo xmlns="DAV:"/>"#),
            Err(XmlError::Doctype)
        );
    }

    #[test]
    fn missing_parts() {
        assert_eq!(
            parse(r#"<lockinfo xmlns="DAV:"><locktype><write/></locktype></lockinfo>"#),
            Err(XmlError::Missing {
                parent: "lockinfo",
                child: "lockscope"
            })
        );
        assert_eq!(
            parse(r#"<lockinfo xmlns="DAV:"><lockscope><exclusive/></lockscope></lockinfo>"#),
            Err(XmlError::Missing {
                parent: "lockinfo",
                child: "locktype"
            })
        );
        assert_eq!(
            parse(r#"<lockinfo xmlns="DAV:"><lockscope/><locktype><write/></locktype></lockinfo>"#),
            Err(XmlError::Missing {
                parent: "lockscope",
                child: "exclusive or shared"
            })
        );
    }

    #[test]
    fn invalid_scope_or_type() {
        assert!(matches!(
            parse(
                r#"<lockinfo xmlns="DAV:"><lockscope><exclusive/><shared/></lockscope><locktype><write/></locktype></lockinfo>"#
            ),
            Err(XmlError::Invalid(_))
        ));
        assert_eq!(
            parse(
                r#"<lockinfo xmlns="DAV:"><lockscope><exclusive/></lockscope><locktype><read/></locktype></lockinfo>"#
            ),
            Err(XmlError::Invalid("only write locks are supported"))
        );
    }
}
