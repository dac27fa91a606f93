//! Which characters stored text may hold. Pinterest refuses control characters in names; free
//! text (descriptions, titles, alt text) keeps the tab and line breaks people type and refuses the
//! other control characters. The rule is the domain's, so every engine stores the same texts:
//! NUL in particular is text PostgreSQL cannot keep and SQLite can.

use crate::error::{Error, Result};

/// What a text field may hold besides printable characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Names and identifiers: no control character at all.
    Name,
    /// Free text: tab, line feed and carriage return, no other control character.
    Free,
}

impl TextKind {
    fn allows(self, c: char) -> bool {
        !c.is_control() || (self == TextKind::Free && matches!(c, '\t' | '\n' | '\r'))
    }
}

/// Refuses `value` if it holds a control character `kind` does not allow, naming the field, the
/// character and where it is.
pub fn check_characters(field: &str, value: &str, kind: TextKind) -> Result<()> {
    match value.chars().enumerate().find(|(_, c)| !kind.allows(*c)) {
        None => Ok(()),
        Some((at, c)) => Err(Error::invalid(format!(
            "Invalid request: '{field}' contains a control character (U+{:04X}) at character {}. \
             {}",
            c as u32,
            at + 1,
            match kind {
                TextKind::Name => "Names may not hold control characters, tabs or line breaks.",
                TextKind::Free => {
                    "Text may hold tabs and line breaks but no other control character."
                }
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_every_control_character() {
        for bad in ["a\0b", "a\tb", "a\nb", "a\rb", "\u{7f}", "\u{85}", "\u{9f}"] {
            let e = check_characters("name", bad, TextKind::Name).unwrap_err();
            assert!(e.message.contains("'name'"), "{}", e.message);
        }
        check_characters("name", "Summer 🍓 e\u{301} \u{200f}", TextKind::Name).unwrap();
    }

    #[test]
    fn free_text_keeps_tabs_and_line_breaks_only() {
        check_characters("description", "one\r\ntwo\tthree", TextKind::Free).unwrap();
        let e = check_characters("description", "ab\u{0}", TextKind::Free).unwrap_err();
        assert!(
            e.message.contains("U+0000") && e.message.contains("character 3"),
            "{}",
            e.message
        );
        assert!(check_characters("title", "\u{1b}[31m", TextKind::Free).is_err());
    }
}
