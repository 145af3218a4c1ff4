//! Line-level structure of one iCalendar object (RFC 5545 §3.1, §3.4,
//! §3.6): UTF-8, exactly one VCALENDAR, every BEGIN closed by its END, and
//! nothing outside it. calcard is deliberately lenient here (it accepts a
//! truncated object), so this check runs first.

/// Deepest component nesting accepted (VCALENDAR/VEVENT/VALARM is 3).
const MAX_DEPTH: usize = 16;

/// Why the bytes are not one well-formed iCalendar object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StructureError {
    #[error("calendar data is not valid UTF-8")]
    NotUtf8,
    #[error("calendar data is empty")]
    Empty,
    #[error("calendar data must start with BEGIN:VCALENDAR")]
    NotVcalendar,
    #[error("END:{found} does not close BEGIN:{open}")]
    Mismatched { open: String, found: String },
    #[error("END:{0} without BEGIN")]
    UnexpectedEnd(String),
    #[error("calendar data ends before END:{0}")]
    Truncated(String),
    #[error("content after END:VCALENDAR (one object per resource)")]
    Trailing,
    #[error("components nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// Checks the structure and returns the text (without a UTF-8 BOM).
pub(crate) fn check_structure(bytes: &[u8]) -> Result<&str, StructureError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| StructureError::NotUtf8)?;
    let mut walker = Walker::default();
    let mut logical = String::new();
    for physical in text.split('\n') {
        let physical = physical.strip_suffix('\r').unwrap_or(physical);
        if let Some(rest) = physical.strip_prefix([' ', '\t']) {
            logical.push_str(rest);
            continue;
        }
        walker.line(&logical)?;
        logical.clear();
        logical.push_str(physical);
    }
    walker.line(&logical)?;
    walker.finish()?;
    Ok(text)
}

#[derive(Default)]
struct Walker {
    stack: Vec<String>,
    closed: bool,
}

impl Walker {
    fn line(&mut self, line: &str) -> Result<(), StructureError> {
        if line.trim().is_empty() {
            return Ok(());
        }
        let name_end = line.find([':', ';']).unwrap_or(line.len());
        let name = &line[..name_end];
        let value = line.split_once(':').map_or("", |(_, v)| v.trim()).to_ascii_uppercase();
        if self.closed {
            return Err(StructureError::Trailing);
        }
        if name.eq_ignore_ascii_case("BEGIN") {
            if self.stack.is_empty() && value != "VCALENDAR" {
                return Err(StructureError::NotVcalendar);
            }
            if self.stack.len() >= MAX_DEPTH {
                return Err(StructureError::TooDeep);
            }
            self.stack.push(value);
        } else if name.eq_ignore_ascii_case("END") {
            match self.stack.pop() {
                Some(open) if open == value => self.closed = self.stack.is_empty(),
                Some(open) => return Err(StructureError::Mismatched { open, found: value }),
                None => return Err(StructureError::UnexpectedEnd(value)),
            }
        } else if self.stack.is_empty() {
            return Err(StructureError::NotVcalendar);
        }
        Ok(())
    }

    fn finish(self) -> Result<(), StructureError> {
        match self.stack.last() {
            Some(open) => Err(StructureError::Truncated(open.clone())),
            None if self.closed => Ok(()),
            None => Err(StructureError::Empty),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nBEGIN:VALARM\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn accepts_crlf_lf_bom_folding_and_case() {
        assert!(check_structure(OK.as_bytes()).is_ok());
        assert!(check_structure(OK.replace("\r\n", "\n").as_bytes()).is_ok());
        let bom = [b"\xEF\xBB\xBF".as_slice(), OK.as_bytes()].concat();
        assert_eq!(check_structure(&bom).unwrap(), OK);
        let folded = OK.replace("UID:1", "UID:1\r\n 23\r\nSUMMARY:a\r\n\tb");
        assert!(check_structure(folded.as_bytes()).is_ok());
        let lower = OK.replace("END:VALARM", "end:valarm");
        assert!(check_structure(lower.as_bytes()).is_ok());
        assert!(check_structure(format!("{OK}\r\n\r\n").as_bytes()).is_ok());
    }

    #[test]
    fn rejects_broken_structure() {
        assert_eq!(check_structure(b""), Err(StructureError::Empty));
        assert_eq!(check_structure(b"\r\n \r\n"), Err(StructureError::Empty));
        assert_eq!(check_structure(b"\xff"), Err(StructureError::NotUtf8));
        assert_eq!(
            check_structure(b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"),
            Err(StructureError::NotVcalendar)
        );
        assert_eq!(check_structure(b"VERSION:2.0\r\n"), Err(StructureError::NotVcalendar));
        let twice = format!("{OK}{OK}");
        assert_eq!(check_structure(twice.as_bytes()), Err(StructureError::Trailing));
        let mismatch = OK.replace("END:VALARM", "END:VEVENT");
        assert!(matches!(
            check_structure(mismatch.as_bytes()),
            Err(StructureError::Mismatched { .. })
        ));
        assert!(matches!(
            check_structure(b"END:VCALENDAR\r\n"),
            Err(StructureError::UnexpectedEnd(_))
        ));
        let deep = format!("{}{}", "BEGIN:VCALENDAR\r\n", "BEGIN:X\r\n".repeat(MAX_DEPTH));
        assert_eq!(check_structure(deep.as_bytes()), Err(StructureError::TooDeep));
    }

    #[test]
    fn every_truncation_is_rejected() {
        let end = OK.len() - "END:VCALENDAR\r\n".len();
        for cut in 0..=end {
            assert!(check_structure(&OK.as_bytes()[..cut]).is_err(), "{cut}");
        }
    }
}
