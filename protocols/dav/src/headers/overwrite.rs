//! The `Overwrite` header (RFC 4918 §10.6).

use super::{HeaderError, clip};

/// Parses `Overwrite`; an absent header means `T` (§10.6).
pub fn parse_overwrite(value: Option<&str>) -> Result<bool, HeaderError> {
    let Some(value) = value else {
        return Ok(true);
    };
    match value.trim() {
        "T" | "t" => Ok(true),
        "F" | "f" => Ok(false),
        _ => Err(HeaderError::Overwrite(clip(value))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(parse_overwrite(None), Ok(true));
        assert_eq!(parse_overwrite(Some("T")), Ok(true));
        assert_eq!(parse_overwrite(Some(" F ")), Ok(false));
        assert_eq!(parse_overwrite(Some("f")), Ok(false));
    }

    #[test]
    fn invalid_values() {
        for bad in ["", "true", "false", "TF", "1", "Y"] {
            assert!(parse_overwrite(Some(bad)).is_err(), "{bad:?}");
        }
    }
}
