//! Decoding of single attribute values: AD `objectGUID` bytes, `entryUUID` strings, LDAP
//! generalized time (RFC 4517 §3.3.13), `userAccountControl` flags and date-like attributes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

/// A value that does not have the syntax its attribute promises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("objectGUID must be 16 bytes, got {0}")]
    GuidLength(usize),
    #[error("not a UUID: {0:?}")]
    Uuid(String),
    #[error("not a generalized time: {0:?}")]
    Time(String),
    #[error("not an integer: {0:?}")]
    Integer(String),
    #[error("not a date: {0:?}")]
    Date(String),
}

/// `ACCOUNTDISABLE`, bit 2 of Active Directory's `userAccountControl`.
const UF_ACCOUNTDISABLE: i64 = 0x2;

/// The canonical (lowercase, hyphenated) string of an AD `objectGUID`.
///
/// AD sends the GUID as 16 bytes in Microsoft's mixed-endian layout: the first three fields
/// (4, 2 and 2 bytes) are little-endian, the last 8 bytes are in order. The string matches
/// what AD tools show, e.g. `Get-ADUser` or `samba-tool user show`.
pub fn guid_from_bytes(bytes: &[u8]) -> Result<String, ValueError> {
    let b: &[u8; 16] = bytes.try_into().map_err(|_| ValueError::GuidLength(bytes.len()))?;
    Ok(format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
    ))
}

/// A textual UUID (OpenLDAP's `entryUUID`) checked and lowercased: 8-4-4-4-12 hex digits.
pub fn normalize_uuid(text: &str) -> Result<String, ValueError> {
    let t = text.trim();
    let groups: Vec<&str> = t.split('-').collect();
    let lengths_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
    if !lengths_ok || !groups.iter().all(|g| g.bytes().all(|c| c.is_ascii_hexdigit())) {
        return Err(ValueError::Uuid(text.to_owned()));
    }
    Ok(t.to_ascii_lowercase())
}

/// Parses an LDAP generalized time: `YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|±HH[MM])`.
///
/// AD writes `20240131120000.0Z`, OpenLDAP `20240131120000Z`. The fraction is accepted and
/// dropped (both servers only ever write whole seconds); the time zone is required, as RFC
/// 4517 demands for values compared across servers.
pub fn parse_generalized_time(text: &str) -> Result<DateTime<Utc>, ValueError> {
    let bad = || ValueError::Time(text.to_owned());
    let s = text.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if !matches!(digits, 10 | 12 | 14) {
        return Err(bad());
    }
    let (clock, mut rest) = s.split_at(digits);
    if let Some(frac) = rest.strip_prefix(['.', ',']) {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &frac[n..];
    }
    let offset_seconds: i64 = match rest {
        "Z" => 0,
        _ => {
            let (sign, hhmm) = match rest.split_at_checked(1) {
                Some(("+", t)) => (1, t),
                Some(("-", t)) => (-1, t),
                _ => return Err(bad()),
            };
            if !matches!(hhmm.len(), 2 | 4) || !hhmm.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            let hours: i64 = hhmm[..2].parse().map_err(|_| bad())?;
            let minutes: i64 = if hhmm.len() == 4 {
                hhmm[2..].parse().map_err(|_| bad())?
            } else {
                0
            };
            if hours > 23 || minutes > 59 {
                return Err(bad());
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let padded = format!("{clock:0<14}");
    let naive = NaiveDateTime::parse_from_str(&padded, "%Y%m%d%H%M%S").map_err(|_| bad())?;
    let utc = naive
        .checked_sub_signed(TimeDelta::seconds(offset_seconds))
        .ok_or_else(bad)?;
    Ok(utc.and_utc())
}

/// Formats a time the way LDAP filters compare it: `YYYYMMDDHHMMSSZ`.
pub fn format_generalized_time(time: DateTime<Utc>) -> String {
    time.format("%Y%m%d%H%M%SZ").to_string()
}

/// Whether AD's `userAccountControl` value has `ACCOUNTDISABLE` (bit 2) set. AD writes the
/// flags as a signed 32-bit decimal, so negative values are accepted.
pub fn account_disabled(uac: &str) -> Result<bool, ValueError> {
    let flags: i64 = uac.trim().parse().map_err(|_| ValueError::Integer(uac.to_owned()))?;
    Ok(flags & UF_ACCOUNTDISABLE != 0)
}

/// A date attribute (birthday, hire date) as `YYYY-MM-DD`, or `--MM-DD` when the year is not
/// known. Accepts `YYYY-MM-DD`, `YYYYMMDD`, `--MM-DD` (vCard), and generalized time (whose
/// UTC date is taken).
pub fn parse_date(text: &str) -> Result<String, ValueError> {
    let bad = || ValueError::Date(text.to_owned());
    let s = text.trim();
    if let Some(md) = s.strip_prefix("--") {
        // Validated against a leap year so that --02-29 is accepted.
        let date = NaiveDate::parse_from_str(&format!("2000-{md}"), "%Y-%m-%d").map_err(|_| bad())?;
        return Ok(date.format("--%m-%d").to_string());
    }
    let date = if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?
    } else if s.len() == 8 && s.bytes().all(|c| c.is_ascii_digit()) {
        NaiveDate::parse_from_str(s, "%Y%m%d").map_err(|_| bad())?
    } else {
        parse_generalized_time(s).map_err(|_| bad())?.date_naive()
    };
    Ok(date.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_uses_microsoft_byte_order() {
        let bytes = [
            0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
        ];
        assert_eq!(
            guid_from_bytes(&bytes).as_deref(),
            Ok("00112233-4455-6677-8899-aabbccddeeff")
        );
    }

    #[test]
    fn guid_must_have_16_bytes() {
        assert_eq!(guid_from_bytes(&[0; 15]), Err(ValueError::GuidLength(15)));
        assert_eq!(guid_from_bytes(&[0; 17]), Err(ValueError::GuidLength(17)));
        assert_eq!(guid_from_bytes(b""), Err(ValueError::GuidLength(0)));
    }

    #[test]
    fn uuid_is_checked_and_lowercased() {
        assert_eq!(
            normalize_uuid("5C3A6E0C-1D2B-103F-8A1B-3F1C9E2B4D5A").as_deref(),
            Ok("5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a")
        );
        for bad in [
            "",
            "5c3a6e0c1d2b103f8a1b3f1c9e2b4d5a",
            "5c3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5",
            "zz3a6e0c-1d2b-103f-8a1b-3f1c9e2b4d5a",
        ] {
            assert!(normalize_uuid(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generalized_time_forms() {
        let t = |s| parse_generalized_time(s).map(format_generalized_time);
        assert_eq!(t("20240131120005Z").as_deref(), Ok("20240131120005Z"));
        assert_eq!(t("20240131120005.0Z").as_deref(), Ok("20240131120005Z"));
        assert_eq!(t("20240131120005,123Z").as_deref(), Ok("20240131120005Z"));
        assert_eq!(t("202401311200Z").as_deref(), Ok("20240131120000Z"));
        assert_eq!(t("2024013112Z").as_deref(), Ok("20240131120000Z"));
        assert_eq!(t("20240131120005+0130").as_deref(), Ok("20240131103005Z"));
        assert_eq!(t("20240101003000-02").as_deref(), Ok("20240101023000Z"));
        assert_eq!(t("20240101003000+01").as_deref(), Ok("20231231233000Z"));
    }

    #[test]
    fn bad_generalized_times_are_rejected() {
        for bad in [
            "",
            "2024",
            "20240131120005",
            "20241331120005Z",
            "20240230120005Z",
            "20240131250005Z",
            "20240131120005.Z",
            "20240131120005+2500",
            "20240131120005+01:00",
            "2024013112000Z",
            "20240131120005Zjunk",
            "yesterday",
        ] {
            assert!(parse_generalized_time(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn account_control_bit_2() {
        assert_eq!(account_disabled("512"), Ok(false));
        assert_eq!(account_disabled("514"), Ok(true));
        assert_eq!(account_disabled("66050"), Ok(true));
        assert_eq!(account_disabled("66048"), Ok(false));
        assert_eq!(account_disabled("-2147483646"), Ok(true));
        assert!(account_disabled("0x202").is_err());
        assert!(account_disabled("").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1985-04-12").as_deref(), Ok("1985-04-12"));
        assert_eq!(parse_date("19850412").as_deref(), Ok("1985-04-12"));
        assert_eq!(parse_date("--02-29").as_deref(), Ok("--02-29"));
        assert_eq!(parse_date("20190301083000.0Z").as_deref(), Ok("2019-03-01"));
        assert_eq!(parse_date("20190301003000+0200").as_deref(), Ok("2019-02-28"));
        for bad in ["1985-02-30", "--13-01", "12.04.1985", "", "1985-4-12"] {
            assert!(parse_date(bad).is_err(), "{bad:?} accepted");
        }
    }
}
