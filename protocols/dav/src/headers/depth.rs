//! The `Depth` header (RFC 4918 §10.2).

use std::fmt;
use std::str::FromStr;

use super::{HeaderError, clip};

/// Value of a `Depth` header. Which depth applies when the header is absent
/// depends on the method and is the caller's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Depth {
    /// The resource only.
    Zero,
    /// The resource and its immediate members.
    One,
    /// The resource and all its descendants.
    Infinity,
}

impl Depth {
    /// Parses `0`, `1` or `infinity` (case-insensitive, surrounding white
    /// space allowed).
    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        match value.trim() {
            "0" => Ok(Depth::Zero),
            "1" => Ok(Depth::One),
            v if v.eq_ignore_ascii_case("infinity") => Ok(Depth::Infinity),
            _ => Err(HeaderError::Depth(clip(value))),
        }
    }

    /// The header / `DAV:depth` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Depth::Zero => "0",
            Depth::One => "1",
            Depth::Infinity => "infinity",
        }
    }
}

impl FromStr for Depth {
    type Err = HeaderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Depth::parse(s)
    }
}

impl fmt::Display for Depth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_values() {
        assert_eq!(Depth::parse("0"), Ok(Depth::Zero));
        assert_eq!(Depth::parse(" 1 "), Ok(Depth::One));
        assert_eq!(Depth::parse("infinity"), Ok(Depth::Infinity));
        assert_eq!("Infinity".parse::<Depth>(), Ok(Depth::Infinity));
        assert_eq!(Depth::Infinity.to_string(), "infinity");
        assert_eq!(Depth::Zero.as_str(), "0");
    }

    #[test]
    fn invalid_values() {
        for bad in ["", "2", "-1", "01", "inf", "infinite", "1,0", "0 1", "one"] {
            assert_eq!(Depth::parse(bad), Err(HeaderError::Depth(bad.into())), "{bad:?}");
        }
        let long = "9".repeat(500);
        assert_eq!(Depth::parse(&long), Err(HeaderError::Depth("9".repeat(64))));
    }
}
