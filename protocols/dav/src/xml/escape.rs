//! Escaping of text and attribute values for output, and the XML 1.0
//! character rules (`Char`, white space) used by parser and writers.

/// Whether `c` is allowed in an XML 1.0 document (§2.2 `Char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether `s` consists only of XML white space (§2.3 `S`).
pub(crate) fn is_xml_space(s: &str) -> bool {
    s.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// Appends `s` as character data. A CR is written as a reference so that it
/// survives end-of-line normalisation; characters XML cannot carry at all
/// become U+FFFD so the output stays well-formed.
pub(crate) fn push_text(out: &mut String, s: &str) {
    // Runs of characters that need no escaping are copied whole (listings write thousands
    // of hrefs and ETags that are all plain).
    let mut plain_from = 0;
    for (i, c) in s.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\r' => "&#xD;",
            c if is_xml_char(c) => continue,
            _ => "\u{FFFD}",
        };
        out.push_str(&s[plain_from..i]);
        out.push_str(replacement);
        plain_from = i + c.len_utf8();
    }
    out.push_str(&s[plain_from..]);
}

/// Appends `s` as a double-quoted attribute value. White space other than
/// the space is written as references, which attribute-value normalisation
/// (XML 1.0 §3.3.3) leaves intact.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        let mut out = String::new();
        push_text(&mut out, s);
        out
    }

    fn attr(s: &str) -> String {
        let mut out = String::new();
        push_attr(&mut out, s);
        out
    }

    #[test]
    fn text_escapes_markup_and_cr() {
        assert_eq!(text("a<b>&c\"d'"), "a&lt;b&gt;&amp;c\"d'");
        assert_eq!(text("l1\r\nl2"), "l1&#xD;\nl2");
        assert_eq!(text("\u{10000}é"), "\u{10000}é");
        assert_eq!(text("&é<"), "&amp;é&lt;", "escapes at both ends");
        assert_eq!(text(""), "");
    }

    #[test]
    fn text_replaces_characters_xml_cannot_carry() {
        assert_eq!(text("a\u{0}b\u{1B}c\u{FFFE}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
    }

    #[test]
    fn attr_escapes_quotes_and_white_space() {
        assert_eq!(attr("a\"b\tc\nd<&"), "a&quot;b&#x9;c&#xA;d&lt;&amp;");
    }

    #[test]
    fn char_classes() {
        assert!(is_xml_char('\t'));
        assert!(!is_xml_char('\u{8}'));
        assert!(!is_xml_char('\u{FFFF}'));
        assert!(is_xml_char('\u{10FFFF}'));
        assert!(is_xml_space(" \t\r\n"));
        assert!(!is_xml_space(" x "));
    }
}
