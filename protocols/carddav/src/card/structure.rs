//! Line-level structure of one vCard (RFC 6350 §3.3, RFC 2426 §5): UTF-8,
//! exactly one `BEGIN:VCARD` … `END:VCARD` with only blank lines around
//! it, no nested components, and exactly one VERSION. calcard reads
//! leniently (it accepts a truncated card), so this check runs first.
//!
//! calcard decides how to read dates and binary values from the VERSION
//! line it has seen so far; when VERSION is not the first property, the
//! text handed to it is rebuilt with VERSION first.

use std::borrow::Cow;

use crate::card::CardError;

/// A structurally sound card: the text for calcard and the raw VERSION.
#[derive(Debug)]
pub(crate) struct Layout<'a> {
    /// The card, VERSION first.
    pub(crate) text: Cow<'a, str>,
    /// The VERSION value as written (trimmed).
    pub(crate) version: String,
}

/// Checks the structure of `bytes` (a UTF-8 BOM is ignored).
pub(crate) fn check_structure(bytes: &[u8]) -> Result<Layout<'_>, CardError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| CardError::NotUtf8)?;
    let mut walker = Walker::default();
    for_each_line(text, |line| walker.line(line))?;
    let version_first = walker.version_first;
    let version = walker.finish()?;
    let text = if version_first {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(version_first_text(text))
    };
    Ok(Layout { text, version })
}

/// Calls `f` with each unfolded content line (CRLF or LF line ends).
fn for_each_line(text: &str, mut f: impl FnMut(&str) -> Result<(), CardError>) -> Result<(), CardError> {
    let mut logical = String::new();
    for physical in text.split('\n') {
        let physical = physical.strip_suffix('\r').unwrap_or(physical);
        if let Some(rest) = physical.strip_prefix([' ', '\t']) {
            logical.push_str(rest);
            continue;
        }
        f(&logical)?;
        logical.clear();
        logical.push_str(physical);
    }
    f(&logical)
}

/// The property name of a content line, without its group.
fn name_of(line: &str) -> &str {
    let end = line.find([':', ';']).unwrap_or(line.len());
    let name = &line[..end];
    name.rsplit_once('.').map_or(name, |(_, n)| n)
}

/// The value of a content line (after the first colon), trimmed.
fn value_of(line: &str) -> &str {
    line.split_once(':').map_or("", |(_, v)| v.trim())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Before,
    Open,
    Closed,
}

#[derive(Default)]
struct Walker {
    state: State,
    version: Option<String>,
    versions: usize,
    /// Whether VERSION came before any other property.
    version_first: bool,
    properties: usize,
}

impl Walker {
    fn line(&mut self, line: &str) -> Result<(), CardError> {
        if line.trim().is_empty() {
            return Ok(());
        }
        let name = name_of(line);
        let component = value_of(line);
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        match self.state {
            State::Before if is("BEGIN") && component.eq_ignore_ascii_case("VCARD") => self.state = State::Open,
            State::Before => return Err(CardError::NotVcard),
            State::Closed if is("BEGIN") && component.eq_ignore_ascii_case("VCARD") => {
                return Err(CardError::SeveralCards);
            }
            State::Closed => return Err(CardError::Malformed("content after END:VCARD".into())),
            State::Open if is("BEGIN") => {
                return Err(CardError::Malformed(format!("nested BEGIN:{component}")));
            }
            State::Open if is("END") => {
                if !component.eq_ignore_ascii_case("VCARD") {
                    return Err(CardError::Malformed(format!(
                        "END:{component} does not close BEGIN:VCARD"
                    )));
                }
                self.state = State::Closed;
            }
            State::Open => {
                if is("VERSION") {
                    self.versions += 1;
                    self.version_first = self.properties == 0;
                    self.version = Some(component.to_owned());
                }
                self.properties += 1;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<String, CardError> {
        match self.state {
            State::Before => Err(CardError::Empty),
            State::Open => Err(CardError::Malformed("the card ends before END:VCARD".into())),
            State::Closed => match self.version {
                Some(version) if self.versions == 1 => Ok(version),
                _ => Err(CardError::MissingVersion),
            },
        }
    }
}

/// The card's content lines again, VERSION moved right after BEGIN.
fn version_first_text(text: &str) -> String {
    let mut version = String::new();
    let mut rest = String::with_capacity(text.len());
    let _ = for_each_line(text, |line| {
        let name = name_of(line);
        if line.trim().is_empty() || name.eq_ignore_ascii_case("BEGIN") {
            return Ok(());
        }
        let target = if name.eq_ignore_ascii_case("VERSION") {
            &mut version
        } else {
            &mut rest
        };
        target.push_str(line);
        target.push_str("\r\n");
        Ok(())
    });
    format!("BEGIN:VCARD\r\n{version}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nUID:1\r\nEND:VCARD\r\n";

    #[test]
    fn accepts_crlf_lf_bom_folding_case_and_groups() {
        let layout = check_structure(OK.as_bytes()).unwrap();
        assert_eq!((layout.text.as_ref(), layout.version.as_str()), (OK, "3.0"));
        assert!(matches!(layout.text, Cow::Borrowed(_)));
        assert!(check_structure(OK.replace("\r\n", "\n").as_bytes()).is_ok());
        let bom = [b"\xEF\xBB\xBF".as_slice(), OK.as_bytes()].concat();
        assert_eq!(check_structure(&bom).unwrap().text, OK);
        let folded = OK.replace("FN:A", "FN:A\r\n bc\r\nNOTE:x\r\n\ty");
        assert!(check_structure(folded.as_bytes()).is_ok());
        assert!(check_structure(OK.to_lowercase().as_bytes()).is_ok());
        assert!(check_structure(format!("\r\n{OK}\r\n\r\n").as_bytes()).is_ok());
        let grouped = OK.replace("FN:A", "item1.EMAIL;type=INTERNET:a@b\r\nitem1.X-ABLabel:work");
        assert!(check_structure(grouped.as_bytes()).is_ok());
    }

    #[test]
    fn version_is_moved_first() {
        let late = "BEGIN:VCARD\r\nFN:A\r\nBDAY:1980-01-02\r\nVERSION: 3.0 \r\nUID:1\r\nEND:VCARD\r\n";
        let layout = check_structure(late.as_bytes()).unwrap();
        assert_eq!(layout.version, "3.0");
        assert_eq!(
            layout.text,
            "BEGIN:VCARD\r\nVERSION: 3.0 \r\nFN:A\r\nBDAY:1980-01-02\r\nUID:1\r\nEND:VCARD\r\n"
        );
    }

    #[test]
    fn rejects_broken_structure() {
        let check = |s: &str| check_structure(s.as_bytes()).map(|l| l.version);
        assert_eq!(check(""), Err(CardError::Empty));
        assert_eq!(check("\r\n \r\n"), Err(CardError::Empty));
        assert_eq!(check_structure(b"\xff").map(|l| l.version), Err(CardError::NotUtf8));
        assert_eq!(check("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), Err(CardError::NotVcard));
        assert_eq!(check("FN:A\r\n"), Err(CardError::NotVcard));
        assert_eq!(check(&format!("{OK}{OK}")), Err(CardError::SeveralCards));
        assert!(matches!(check(&format!("{OK}FN:B\r\n")), Err(CardError::Malformed(_))));
        let nested = OK.replace("FN:A", "BEGIN:VCARD\r\nEND:VCARD");
        assert!(matches!(check(&nested), Err(CardError::Malformed(_))));
        let mismatched = OK.replace("END:VCARD", "END:VCALENDAR");
        assert!(matches!(check(&mismatched), Err(CardError::Malformed(_))));
        assert_eq!(
            check(&OK.replace("VERSION:3.0\r\n", "")),
            Err(CardError::MissingVersion)
        );
        let twice = OK.replace("VERSION:3.0", "VERSION:3.0\r\nVERSION:4.0");
        assert_eq!(check(&twice), Err(CardError::MissingVersion));
    }

    #[test]
    fn every_truncation_is_rejected() {
        let end = OK.len() - "END:VCARD\r\n".len();
        for cut in 0..=end {
            assert!(check_structure(&OK.as_bytes()[..cut]).is_err(), "{cut}");
        }
    }
}
