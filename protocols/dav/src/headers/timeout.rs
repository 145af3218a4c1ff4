//! The `Timeout` request header (RFC 4918 §10.7) and lock timeouts.

use std::fmt;

use super::{HeaderError, clip};

/// A lock timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timeout {
    /// Never expires on its own.
    Infinite,
    /// Expires after this many seconds.
    Seconds(u64),
}

impl Timeout {
    /// The shorter of two timeouts.
    pub fn min(self, other: Timeout) -> Timeout {
        match (self, other) {
            (Timeout::Infinite, t) | (t, Timeout::Infinite) => t,
            (Timeout::Seconds(a), Timeout::Seconds(b)) => Timeout::Seconds(a.min(b)),
        }
    }
}

/// `Second-N` or `Infinite`, as in the header and `DAV:timeout`.
impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timeout::Infinite => f.write_str("Infinite"),
            Timeout::Seconds(n) => write!(f, "Second-{n}"),
        }
    }
}

/// Parses `Timeout: Infinite, Second-4100000000` and returns the first
/// value understood, capped at `max`. Unknown (extension) entries are
/// skipped; `Ok(None)` means nothing was understood and the caller applies
/// its default. A malformed `Second-` value or an empty entry anywhere in
/// the list is an error.
pub fn parse_timeout(value: &str, max: Timeout) -> Result<Option<Timeout>, HeaderError> {
    let mut chosen = None;
    for entry in value.split(',') {
        let parsed = parse_entry(entry.trim()).ok_or_else(|| HeaderError::Timeout(clip(value)))?;
        if chosen.is_none() {
            chosen = parsed;
        }
    }
    Ok(chosen.map(|t| t.min(max)))
}

/// One list entry: `Some(Some(t))` understood, `Some(None)` an extension
/// to skip, `None` malformed.
fn parse_entry(entry: &str) -> Option<Option<Timeout>> {
    if entry.is_empty() {
        return None;
    }
    if entry.eq_ignore_ascii_case("infinite") {
        return Some(Some(Timeout::Infinite));
    }
    let Some(prefix) = entry.get(..7) else {
        return Some(None);
    };
    if !prefix.eq_ignore_ascii_case("second-") {
        return Some(None);
    }
    let digits = entry.get(7..)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // §10.7 caps the value at 2^32-1; anything larger is capped anyway.
    Some(Some(Timeout::Seconds(digits.parse::<u64>().unwrap_or(u64::MAX))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEK: Timeout = Timeout::Seconds(604_800);

    #[test]
    fn first_understood_value_wins() {
        assert_eq!(parse_timeout("Second-3600", WEEK), Ok(Some(Timeout::Seconds(3600))));
        assert_eq!(parse_timeout("Infinite, Second-4100000000", WEEK), Ok(Some(WEEK)));
        assert_eq!(
            parse_timeout("Extend-foo, second-60", WEEK),
            Ok(Some(Timeout::Seconds(60)))
        );
        assert_eq!(
            parse_timeout("Infinite", Timeout::Infinite),
            Ok(Some(Timeout::Infinite))
        );
    }

    #[test]
    fn values_are_capped() {
        assert_eq!(parse_timeout("Second-4100000000", WEEK), Ok(Some(WEEK)));
        assert_eq!(parse_timeout("Second-99999999999999999999999", WEEK), Ok(Some(WEEK)));
        assert_eq!(parse_timeout("Second-0", WEEK), Ok(Some(Timeout::Seconds(0))));
    }

    #[test]
    fn nothing_understood() {
        assert_eq!(parse_timeout("Extend-x", WEEK), Ok(None));
        assert_eq!(parse_timeout("Minute-5", WEEK), Ok(None));
    }

    #[test]
    fn malformed() {
        for bad in [
            "",
            " ",
            "Second-",
            "Second-abc",
            "Second--5",
            "Second-+5",
            "Second-1.5",
            "Second-5,",
            ",Second-5",
        ] {
            assert!(parse_timeout(bad, WEEK).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn display_and_min() {
        assert_eq!(Timeout::Seconds(3600).to_string(), "Second-3600");
        assert_eq!(Timeout::Infinite.to_string(), "Infinite");
        assert_eq!(Timeout::Infinite.min(WEEK), WEEK);
        assert_eq!(Timeout::Seconds(5).min(WEEK), Timeout::Seconds(5));
    }
}
