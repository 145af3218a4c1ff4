//! The `Lock-Token` request header (RFC 4918 §10.5), used by UNLOCK.

use super::{HeaderError, clip};

/// Returns the lock token URI from `Lock-Token: <urn:uuid:…>`. The angle
/// brackets are required by §10.5 but some clients omit them, so a bare URI
/// is accepted too.
pub fn parse_lock_token(value: &str) -> Result<String, HeaderError> {
    let trimmed = value.trim();
    let inner = match (trimmed.strip_prefix('<'), trimmed.ends_with('>')) {
        (Some(rest), true) => rest.strip_suffix('>').unwrap_or(rest),
        (None, false) => trimmed,
        _ => return Err(HeaderError::LockToken(clip(value))),
    };
    let valid = !inner.is_empty()
        && inner.contains(':')
        && !inner
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'));
    if valid {
        Ok(inner.to_owned())
    } else {
        Err(HeaderError::LockToken(clip(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_brackets() {
        let token = "urn:uuid:e71d4fae-5dec-22d6-fea5-00a0c91e6be4";
        assert_eq!(parse_lock_token(&format!("<{token}>")).as_deref(), Ok(token));
        assert_eq!(parse_lock_token(&format!(" <{token}> ")).as_deref(), Ok(token));
        assert_eq!(parse_lock_token(token).as_deref(), Ok(token));
        assert_eq!(
            parse_lock_token("<opaquelocktoken:foobar>").as_deref(),
            Ok("opaquelocktoken:foobar")
        );
    }

    #[test]
    fn invalid_tokens() {
        for bad in [
            "",
            "<>",
            "<urn:uuid:x",
            "urn:uuid:x>",
            "<a b:c>",
            "<<urn:x>>",
            "nocolon",
            "<urn:x> <urn:y>",
        ] {
            assert!(parse_lock_token(bad).is_err(), "{bad:?}");
        }
    }
}
