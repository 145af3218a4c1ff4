//! The `If` request header (RFC 4918 §10.4): its syntax tree, parser and
//! evaluation.
//!
//! Two separate questions are answered here. [`IfHeader::evaluate`] says
//! whether the header's condition holds (if not: `412 Precondition
//! Failed`). [`IfHeader::submitted_tokens`] lists every lock token that
//! appears in it: §10.4.1 says a token is "submitted" by appearing in the
//! header at all, and the server checks separately that the token of each
//! lock protecting the target was submitted (if not: `423 Locked`).

mod eval;
mod parse;

pub use eval::ResourceState;

/// A parsed `If` header: the condition holds if any group holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfHeader {
    /// One group without a resource for the untagged form, or one group per
    /// resource tag for the tagged form.
    pub groups: Vec<IfGroup>,
}

/// The lists that apply to one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfGroup {
    /// The tagged resource; `None` means the request URI.
    pub resource: Option<ResourceTag>,
    /// Alternatives: the group holds if any list holds.
    pub lists: Vec<IfList>,
}

/// A `Resource-Tag` (`<http://host/path>` or `</path>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceTag {
    /// The URI as sent, without the angle brackets.
    pub uri: String,
    /// Its path, still percent-encoded, without query.
    pub path: String,
}

/// A parenthesised list: holds if every condition holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfList {
    /// The conditions, at least one.
    pub conditions: Vec<Condition>,
}

/// One condition, possibly negated with `Not`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Whether `Not` precedes it.
    pub negated: bool,
    /// What is tested.
    pub test: ConditionTest,
}

/// A state token or entity tag to compare with the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionTest {
    /// A state token such as a lock token (`<urn:uuid:…>`), without the
    /// angle brackets. Tokens the server never issued (like `DAV:no-lock`)
    /// simply never match.
    StateToken(String),
    /// An entity tag (`["x"]` or `[W/"x"]`).
    ETag(EntityTag),
}

/// An entity tag from a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    /// `W/` prefix present.
    pub weak: bool,
    /// The opaque tag without its quotes.
    pub tag: String,
}

/// Why an `If` header was rejected (answer `400 Bad Request`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid If header at offset {offset}: {reason}")]
pub struct IfHeaderError {
    /// Byte offset in the header value where parsing failed.
    pub offset: usize,
    /// What was wrong.
    pub reason: &'static str,
}

impl IfHeader {
    /// Parses a header value (grammar in RFC 4918 §10.4.2).
    pub fn parse(value: &str) -> Result<Self, IfHeaderError> {
        parse::parse(value)
    }

    /// Whether the header uses resource tags.
    pub fn is_tagged(&self) -> bool {
        self.groups.iter().any(|g| g.resource.is_some())
    }

    /// Every state token in the header, negated or not, in order and
    /// without duplicates.
    pub fn submitted_tokens(&self) -> Vec<&str> {
        let mut tokens: Vec<&str> = Vec::new();
        let all = self.groups.iter().flat_map(|g| &g.lists).flat_map(|l| &l.conditions);
        for condition in all {
            if let ConditionTest::StateToken(t) = &condition.test
                && !tokens.contains(&t.as_str())
            {
                tokens.push(t);
            }
        }
        tokens
    }
}
