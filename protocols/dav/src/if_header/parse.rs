//! Parser for the `If` header grammar (RFC 4918 §10.4.2):
//!
//! ```text
//! If          = ( 1*No-tag-list | 1*Tagged-list )
//! No-tag-list = List
//! Tagged-list = Resource-Tag 1*List
//! List        = "(" 1*Condition ")"
//! Condition   = ["Not"] (State-token | "[" entity-tag "]")
//! State-token = Coded-URL            ; "<" absolute-URI ">"
//! Resource-Tag = "<" Simple-ref ">"
//! ```
//!
//! Linear white space may separate any two tokens.

use super::{Condition, ConditionTest, EntityTag, IfGroup, IfHeader, IfHeaderError, IfList, ResourceTag};
use crate::path::uri::split_uri;

pub(super) fn parse(value: &str) -> Result<IfHeader, IfHeaderError> {
    let mut p = Parser { s: value, pos: 0 };
    p.skip_ws();
    let groups = match p.peek() {
        Some('(') => vec![IfGroup {
            resource: None,
            lists: p.lists()?,
        }],
        Some('<') => p.tagged_groups()?,
        Some(_) => return Err(p.error("expected '(' or '<'")),
        None => return Err(p.error("empty If header")),
    };
    p.skip_ws();
    match p.peek() {
        None => Ok(IfHeader { groups }),
        Some('<') => Err(p.error("tagged and untagged lists cannot be mixed")),
        Some(_) => Err(p.error("unexpected character")),
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn error(&self, reason: &'static str) -> IfHeaderError {
        IfHeaderError {
            offset: self.pos,
            reason,
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r' | '\n')) {
            self.bump();
        }
    }

    fn expect(&mut self, c: char, reason: &'static str) -> Result<(), IfHeaderError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    /// `1*Tagged-list`.
    fn tagged_groups(&mut self) -> Result<Vec<IfGroup>, IfHeaderError> {
        let mut groups = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some('<') => {}
                Some('(') if groups.is_empty() => {
                    return Err(self.error("tagged and untagged lists cannot be mixed"));
                }
                _ => return Ok(groups),
            }
            let start = self.pos;
            let uri = self.angle_uri()?;
            let path = split_uri(uri)
                .map_err(|_| IfHeaderError {
                    offset: start,
                    reason: "resource tag must be an absolute URI or absolute path",
                })?
                .path
                .to_owned();
            self.skip_ws();
            if self.peek() != Some('(') {
                return Err(self.error("resource tag must be followed by a list"));
            }
            let lists = self.lists()?;
            groups.push(IfGroup {
                resource: Some(ResourceTag {
                    uri: uri.to_owned(),
                    path,
                }),
                lists,
            });
        }
    }

    /// `1*List`, stopping before anything that is not `(`.
    fn lists(&mut self) -> Result<Vec<IfList>, IfHeaderError> {
        let mut lists = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() != Some('(') {
                return Ok(lists);
            }
            lists.push(self.list()?);
        }
    }

    /// `"(" 1*Condition ")"`.
    fn list(&mut self) -> Result<IfList, IfHeaderError> {
        self.expect('(', "expected '('")?;
        let mut conditions = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(')') => {
                    if conditions.is_empty() {
                        return Err(self.error("empty list"));
                    }
                    self.bump();
                    return Ok(IfList { conditions });
                }
                None => return Err(self.error("unterminated list")),
                Some(_) => conditions.push(self.condition()?),
            }
        }
    }

    /// `["Not"] (State-token | "[" entity-tag "]")`.
    fn condition(&mut self) -> Result<Condition, IfHeaderError> {
        let negated = self.rest().get(..3).is_some_and(|w| w.eq_ignore_ascii_case("not"));
        if negated {
            self.pos += 3;
            self.skip_ws();
        }
        let test = match self.peek() {
            Some('<') => ConditionTest::StateToken(self.state_token()?),
            Some('[') => ConditionTest::ETag(self.entity_tag()?),
            _ => return Err(self.error("expected state token or entity tag")),
        };
        Ok(Condition { negated, test })
    }

    /// The text between `<` and `>`: non-empty, no white space.
    fn angle_uri(&mut self) -> Result<&'a str, IfHeaderError> {
        self.expect('<', "expected '<'")?;
        let rest = self.rest();
        let end = rest
            .find(|c: char| c == '>' || c == '<' || c.is_whitespace())
            .filter(|&i| rest[i..].starts_with('>'))
            .ok_or_else(|| self.error("unterminated or invalid URI in angle brackets"))?;
        if end == 0 {
            return Err(self.error("empty URI in angle brackets"));
        }
        self.pos += end + 1;
        Ok(&rest[..end])
    }

    /// A Coded-URL holding an absolute URI (`scheme:…`).
    fn state_token(&mut self) -> Result<String, IfHeaderError> {
        let start = self.pos;
        let uri = self.angle_uri()?;
        let scheme = uri.split_once(':').map(|(s, _)| s).unwrap_or("");
        let valid = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid {
            return Err(IfHeaderError {
                offset: start,
                reason: "state token must be an absolute URI",
            });
        }
        Ok(uri.to_owned())
    }

    /// `"[" ["W/"] DQUOTE *etagc DQUOTE "]"`.
    fn entity_tag(&mut self) -> Result<EntityTag, IfHeaderError> {
        self.expect('[', "expected '['")?;
        self.skip_ws();
        let weak = self.rest().starts_with("W/");
        if weak {
            self.pos += 2;
        }
        self.expect('"', "entity tag must be a quoted string")?;
        let rest = self.rest();
        let end = rest.find('"').ok_or_else(|| self.error("unterminated entity tag"))?;
        let tag = &rest[..end];
        if tag.chars().any(|c| c.is_control()) {
            return Err(self.error("control character in entity tag"));
        }
        self.pos += end + 1;
        self.skip_ws();
        self.expect(']', "expected ']' after entity tag")?;
        Ok(EntityTag {
            weak,
            tag: tag.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T1: &str = "urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2";
    const T2: &str = "urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092";

    fn token(negated: bool, t: &str) -> Condition {
        Condition {
            negated,
            test: ConditionTest::StateToken(t.to_owned()),
        }
    }

    fn etag(negated: bool, weak: bool, t: &str) -> Condition {
        Condition {
            negated,
            test: ConditionTest::ETag(EntityTag {
                weak,
                tag: t.to_owned(),
            }),
        }
    }

    fn untagged(lists: Vec<Vec<Condition>>) -> IfHeader {
        IfHeader {
            groups: vec![IfGroup {
                resource: None,
                lists: lists.into_iter().map(|conditions| IfList { conditions }).collect(),
            }],
        }
    }

    #[test]
    fn rfc_10_4_6_token_and_etags() {
        let h = IfHeader::parse(&format!(r#"(<{T1}> ["I am an ETag"]) (["I am another ETag"])"#)).unwrap();
        assert_eq!(
            h,
            untagged(vec![
                vec![token(false, T1), etag(false, false, "I am an ETag")],
                vec![etag(false, false, "I am another ETag")],
            ])
        );
        assert!(!h.is_tagged());
    }

    #[test]
    fn rfc_10_4_7_not() {
        let h = IfHeader::parse(&format!("(Not <{T1}> <{T2}>)")).unwrap();
        assert_eq!(h, untagged(vec![vec![token(true, T1), token(false, T2)]]));
    }

    #[test]
    fn rfc_10_4_8_no_lock() {
        let h = IfHeader::parse(&format!("(<{T1}>) (Not <DAV:no-lock>)")).unwrap();
        assert_eq!(
            h,
            untagged(vec![vec![token(false, T1)], vec![token(true, "DAV:no-lock")]])
        );
    }

    #[test]
    fn rfc_10_4_9_tagged_with_weak_etag() {
        let h = IfHeader::parse(&format!(r#"</resource1> (<{T1}> [W/"A weak ETag"]) (["strong ETag"])"#)).unwrap();
        assert_eq!(h.groups.len(), 1);
        let g = &h.groups[0];
        assert_eq!(
            g.resource,
            Some(ResourceTag {
                uri: "/resource1".into(),
                path: "/resource1".into()
            })
        );
        assert_eq!(
            g.lists[0].conditions,
            vec![token(false, T1), etag(false, true, "A weak ETag")]
        );
        assert_eq!(g.lists[1].conditions, vec![etag(false, false, "strong ETag")]);
        assert!(h.is_tagged());
    }

    #[test]
    fn rfc_10_4_10_absolute_uri_tag() {
        let h = IfHeader::parse(&format!("<http://www.example.com/specs/> (<{T1}>)")).unwrap();
        let tag = h.groups[0].resource.as_ref().unwrap();
        assert_eq!(tag.uri, "http://www.example.com/specs/");
        assert_eq!(tag.path, "/specs/");
    }

    #[test]
    fn rfc_10_4_11_and_12_etag_on_tagged_resource() {
        let h = IfHeader::parse(r#"</specs/rfc2518.doc> (["4217"])"#).unwrap();
        assert_eq!(h.groups[0].lists[0].conditions, vec![etag(false, false, "4217")]);
        let h = IfHeader::parse(r#"</specs/rfc2518.doc> (Not ["4217"])"#).unwrap();
        assert_eq!(h.groups[0].lists[0].conditions, vec![etag(true, false, "4217")]);
    }

    #[test]
    fn several_tagged_resources() {
        let h = IfHeader::parse(&format!(
            "<http://h/a> (<{T1}>) (Not <DAV:no-lock>) <http://h/b?q=1> (<{T2}>)"
        ))
        .unwrap();
        assert_eq!(h.groups.len(), 2);
        assert_eq!(h.groups[0].lists.len(), 2);
        assert_eq!(h.groups[1].resource.as_ref().unwrap().path, "/b");
    }

    #[test]
    fn litmus_headers() {
        let tok = "opaquelocktoken:e71d4fae-5dec-22d6-fea5-00a0c91e6be4";
        for hdr in [
            format!(r#"(<{tok}> ["6d1c-4a4b3c"])"#),
            r#"(<DAV:no-lock> ["6d1c-4a4b3c"])"#.to_owned(),
            "(<DAV:no-lock>)".to_owned(),
            format!("(<{tok}>) (Not <DAV:no-lock>)"),
            format!("(<{tok}x>) (Not <DAV:no-lock>)"),
            format!(r#"(<{tok}> ["x"]) (Not <DAV:no-lock> ["x"])"#),
        ] {
            assert!(IfHeader::parse(&hdr).is_ok(), "{hdr}");
        }
    }

    #[test]
    fn white_space_is_flexible() {
        let compact = IfHeader::parse(&format!(r#"(<{T1}>["x"])(Not<{T2}>)"#)).unwrap();
        let spaced = IfHeader::parse(&format!("  ( <{T1}>  [ \"x\" ] )\t( not <{T2}> )  ")).unwrap();
        assert_eq!(compact, spaced);
    }

    #[test]
    fn empty_etag_is_allowed() {
        let h = IfHeader::parse(r#"([""])"#).unwrap();
        assert_eq!(h, untagged(vec![vec![etag(false, false, "")]]));
    }

    // ---- rejections ----

    #[test]
    fn malformed_headers() {
        let cases = [
            "",
            "   ",
            "garbage",
            "(",
            "()",
            "( )",
            "(<urn:x>",
            "(<urn:x>))",
            "<urn:x>",
            "</a>",
            "</a> x",
            "(Not)",
            "(Not Not <urn:x>)",
            "(<>)",
            "(<no scheme>)",
            "(<noscheme>)",
            "(<1abc:x>)",
            "(<urn:x)",
            "(<urn:<x>)",
            "([unquoted])",
            "([\"x\")",
            "([\"x])",
            "([W/x])",
            "([w/\"x\"])",
            "(urn:x)",
            "(<urn:x>) </a> (<urn:y>)",
            "</a> (<urn:x>) (<urn:y>) junk",
            "</a> (<urn:x>) (<urn:y>) (",
            "<relative> (<urn:x>)",
            "<urn:not-a-resource> (<urn:x>)",
        ];
        for case in cases {
            assert!(IfHeader::parse(case).is_err(), "accepted {case:?}");
        }
    }

    #[test]
    fn truncations_never_panic_and_are_rejected() {
        let header = format!("<http://h/a%20b> (<{T1}> [W/\"é-\u{10000}\"]) (Not <DAV:no-lock>) </c> ([\"x\"])");
        assert!(IfHeader::parse(&header).is_ok());
        for (end, _) in header.char_indices().skip(1) {
            let prefix = &header[..end];
            // A prefix is valid only if it ends right after a complete group.
            let complete =
                prefix.trim_end().ends_with(')') && IfHeader::parse(prefix).is_ok_and(|h| !h.groups.is_empty());
            assert!(complete || IfHeader::parse(prefix).is_err(), "{prefix}");
        }
        for bad in ["(\u{0}<urn:x>)", "(<urn:x\u{7f}>)", "\u{10000}", "(<é:x>)"] {
            let _ = IfHeader::parse(bad);
        }
    }

    #[test]
    fn error_reports_offset_and_reason() {
        let err = IfHeader::parse("(<urn:x>) </a> (<urn:y>)").unwrap_err();
        assert_eq!(err.offset, 10);
        assert_eq!(err.reason, "tagged and untagged lists cannot be mixed");
        assert_eq!(
            err.to_string(),
            "invalid If header at offset 10: tagged and untagged lists cannot be mixed"
        );
    }
}
