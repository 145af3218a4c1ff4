//! Conditional requests (RFC 9110 §13): `If-Match`, `If-None-Match`, `If-Unmodified-Since`
//! and `If-Modified-Since`, parsed once and evaluated in the order of §13.2.2, for every
//! resource Portico serves (calendar objects, cards, files).
//!
//! `If-Match` compares strongly (§13.1.1): a weak entity tag never matches it. `If-None-Match`
//! compares weakly (§13.1.2). A list matches when any member does; `*` matches any current
//! representation. Header lines given more than once are one comma-separated list (§5.3).
//! Entity tags are taken leniently: a bare token without quotes reads as a strong tag, as some
//! clients send it.

/// One entity tag (§8.8.3): its opaque part, without quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    pub weak: bool,
    pub opaque: String,
}

/// The value of `If-Match` or `If-None-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagList {
    /// `*`
    Any,
    Tags(Vec<EntityTag>),
}

/// A malformed conditional header (400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {header} header {value:?}")]
pub struct PreconditionHeaderError {
    pub header: &'static str,
    pub value: String,
}

impl TagList {
    /// Parses `*` or a comma-separated list of entity tags.
    pub fn parse(value: &str) -> Option<TagList> {
        let value = value.trim();
        if value == "*" {
            return Some(TagList::Any);
        }
        let mut tags = Vec::new();
        let mut rest = value;
        loop {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.is_empty() {
                break;
            }
            let (weak, after) = match rest.strip_prefix("W/") {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let (opaque, remaining) = if let Some(quoted) = after.strip_prefix('"') {
                let end = quoted.find('"')?;
                (&quoted[..end], &quoted[end + 1..])
            } else {
                let end = after.find([',', ' ', '\t']).unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            if opaque.is_empty() || opaque.contains(['"', '\\']) {
                return None;
            }
            tags.push(EntityTag {
                weak,
                opaque: opaque.to_owned(),
            });
            let remaining = remaining.trim_start_matches([' ', '\t']);
            if !(remaining.is_empty() || remaining.starts_with(',')) {
                return None;
            }
            rest = remaining;
        }
        (!tags.is_empty()).then_some(TagList::Tags(tags))
    }

    /// Strong comparison (§8.8.3.2): both tags strong and equal.
    pub fn matches_strongly(&self, current: &str) -> bool {
        match self {
            TagList::Any => true,
            TagList::Tags(tags) => tags.iter().any(|t| !t.weak && t.opaque == current),
        }
    }

    /// Weak comparison: equal opaque parts, weak or not.
    pub fn matches_weakly(&self, current: &str) -> bool {
        match self {
            TagList::Any => true,
            TagList::Tags(tags) => tags.iter().any(|t| t.opaque == current),
        }
    }
}

/// The conditional headers of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preconditions {
    pub if_match: Option<TagList>,
    pub if_none_match: Option<TagList>,
    /// Unix seconds.
    pub if_unmodified_since: Option<i64>,
    /// Unix seconds.
    pub if_modified_since: Option<i64>,
}

/// What the conditions say about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluation {
    /// Carry on.
    Proceed,
    /// 304: a GET or HEAD whose cached copy is current.
    NotModified,
    /// 412, naming the header that failed.
    Failed(&'static str),
}

impl Preconditions {
    /// Reads the four headers (each possibly given on several lines). Unparseable dates are
    /// ignored, as §13.1.3 and §13.1.4 require; malformed tag lists are errors.
    pub fn from_headers<'a>(
        if_match: impl IntoIterator<Item = &'a str>,
        if_none_match: impl IntoIterator<Item = &'a str>,
        if_unmodified_since: Option<&str>,
        if_modified_since: Option<&str>,
    ) -> Result<Preconditions, PreconditionHeaderError> {
        let list = |header: &'static str, lines: Vec<&str>| -> Result<Option<TagList>, PreconditionHeaderError> {
            if lines.is_empty() {
                return Ok(None);
            }
            let joined = lines.join(", ");
            TagList::parse(&joined)
                .map(Some)
                .ok_or(PreconditionHeaderError { header, value: joined })
        };
        let date = |v: Option<&str>| {
            v.and_then(|v| httpdate::parse_http_date(v.trim()).ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        };
        Ok(Preconditions {
            if_match: list("If-Match", if_match.into_iter().collect())?,
            if_none_match: list("If-None-Match", if_none_match.into_iter().collect())?,
            if_unmodified_since: date(if_unmodified_since),
            if_modified_since: date(if_modified_since),
        })
    }

    /// Whether the request is conditional on the current state at all.
    pub fn is_empty(&self) -> bool {
        *self == Preconditions::default()
    }

    /// §13.2.2 for a resource whose current strong entity tag is `etag` (`None`: no current
    /// representation) and last modification `modified` (Unix seconds); `read` is GET or
    /// HEAD, for which a matching `If-None-Match` or an unmodified resource is a 304.
    pub fn evaluate(&self, etag: Option<&str>, modified: Option<i64>, read: bool) -> Evaluation {
        match (&self.if_match, etag) {
            (Some(_), None) => return Evaluation::Failed("If-Match"),
            (Some(list), Some(current)) if !list.matches_strongly(current) => return Evaluation::Failed("If-Match"),
            (Some(_), Some(_)) => {}
            (None, _) => {
                if let (Some(since), Some(m)) = (self.if_unmodified_since, modified)
                    && m > since
                {
                    return Evaluation::Failed("If-Unmodified-Since");
                }
            }
        }
        match (&self.if_none_match, etag) {
            (Some(list), Some(current)) if list.matches_weakly(current) => {
                return if read {
                    Evaluation::NotModified
                } else {
                    Evaluation::Failed("If-None-Match")
                };
            }
            (Some(_), _) => {}
            (None, _) => {
                if read
                    && let (Some(since), Some(m)) = (self.if_modified_since, modified)
                    && m <= since
                {
                    return Evaluation::NotModified;
                }
            }
        }
        Evaluation::Proceed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pre(if_match: Option<&str>, if_none_match: Option<&str>) -> Preconditions {
        Preconditions::from_headers(if_match, if_none_match, None, None).unwrap()
    }

    #[test]
    fn lists_parse_with_weak_and_bare_tags() {
        assert_eq!(TagList::parse("*"), Some(TagList::Any));
        assert_eq!(
            TagList::parse(r#""a", W/"b",c"#),
            Some(TagList::Tags(vec![
                EntityTag {
                    weak: false,
                    opaque: "a".into()
                },
                EntityTag {
                    weak: true,
                    opaque: "b".into()
                },
                EntityTag {
                    weak: false,
                    opaque: "c".into()
                },
            ]))
        );
        for bad in ["", r#""unterminated"#, r#""a" "b""#, r#""""#, ","] {
            assert_eq!(TagList::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn if_match_is_strong_and_any_member_matches() {
        assert_eq!(
            pre(Some(r#""x", "a""#), None).evaluate(Some("a"), None, false),
            Evaluation::Proceed
        );
        assert_eq!(
            pre(Some(r#"W/"a""#), None).evaluate(Some("a"), None, false),
            Evaluation::Failed("If-Match"),
            "a weak tag never matches If-Match"
        );
        assert_eq!(
            pre(Some("*"), None).evaluate(Some("a"), None, false),
            Evaluation::Proceed
        );
        assert_eq!(
            pre(Some("*"), None).evaluate(None, None, false),
            Evaluation::Failed("If-Match")
        );
        assert_eq!(
            pre(Some(r#""a""#), None).evaluate(None, None, false),
            Evaluation::Failed("If-Match")
        );
    }

    #[test]
    fn if_none_match_is_weak_and_answers_304_to_reads() {
        assert_eq!(
            pre(None, Some(r#"W/"a""#)).evaluate(Some("a"), None, true),
            Evaluation::NotModified
        );
        assert_eq!(
            pre(None, Some(r#""b", "a""#)).evaluate(Some("a"), None, false),
            Evaluation::Failed("If-None-Match")
        );
        assert_eq!(pre(None, Some("*")).evaluate(None, None, false), Evaluation::Proceed);
        assert_eq!(
            pre(None, Some("*")).evaluate(Some("a"), None, false),
            Evaluation::Failed("If-None-Match")
        );
        assert_eq!(
            pre(None, Some(r#""b""#)).evaluate(Some("a"), None, true),
            Evaluation::Proceed
        );
    }

    #[test]
    fn dates_apply_only_without_their_tag_header() {
        let p = Preconditions::from_headers(
            None,
            None,
            Some("Thu, 01 Jan 2026 00:00:00 GMT"),
            Some("Thu, 01 Jan 2026 00:00:00 GMT"),
        )
        .unwrap();
        let jan1 = 1_767_225_600;
        assert_eq!(
            p.evaluate(Some("a"), Some(jan1 + 1), false),
            Evaluation::Failed("If-Unmodified-Since")
        );
        assert_eq!(p.evaluate(Some("a"), Some(jan1), true), Evaluation::NotModified);
        let with_tags = Preconditions {
            if_match: Some(TagList::Any),
            if_none_match: Some(TagList::Tags(vec![])),
            ..p.clone()
        };
        assert_eq!(with_tags.evaluate(Some("a"), Some(jan1 + 1), true), Evaluation::Proceed);
        let garbage = Preconditions::from_headers(None, None, Some("yesterday"), None).unwrap();
        assert!(garbage.is_empty(), "an unparseable date is ignored");
    }

    #[test]
    fn several_header_lines_are_one_list() {
        let p = Preconditions::from_headers([r#""x""#, r#""a""#], None, None, None).unwrap();
        assert_eq!(p.evaluate(Some("a"), None, false), Evaluation::Proceed);
        assert!(Preconditions::from_headers([r#""a"#], None, None, None).is_err());
    }
}
