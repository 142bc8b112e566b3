//! User text that generated files show to people in comments (descriptions, the model's file
//! name): which characters must not reach a comment, and how they are shown instead.
//!
//! A comment has no escape syntax of its own, so a character that a terminal, an editor or a
//! parser would act on is written as its visible `\u{..}` form: C0 and C1 controls (ESC would
//! drive the terminal of whoever runs `cat`, NUL makes grep treat the file as binary), DEL,
//! the byte order mark, the bidirectional overrides and isolates (they make text read
//! differently from what it is, "Trojan Source"), the line and paragraph separators (YAML 1.1
//! reads them as line breaks) and U+FFFE/U+FFFF (outside YAML's printable set). Line feeds
//! and tabs are kept: every comment writer starts a new comment line at a line feed.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not appear as itself in a generated comment (see the module doc).
pub fn is_unsafe_in_comment(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if c.is_control() => true,
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

/// `text` with every character of [`is_unsafe_in_comment`] written as `\u{hex}`; borrowed
/// when there is none (the usual case). Line feeds stay: for comment writers that start a new
/// comment line at each.
pub fn comment_safe(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`comment_safe`] for text that must stay on one comment line (a file name in a header):
/// line feeds are escaped too.
pub fn comment_line_safe(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe_in_comment(c) || (newlines && c == '\n');
    // Every unsafe character is a control (ASCII or C1, whose UTF-8 starts with 0xC2) or
    // starts with 0xD8 (U+061C), 0xE2 (U+2000 block) or 0xEF (U+FEFF, U+FFFx): a byte scan
    // rules most text out without decoding it.
    let maybe = text.bytes().any(|b| {
        (b < 0x20 && b != b'\t' && (newlines || b != b'\n'))
            || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef)
    });
    if !maybe || !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_separators_are_shown_escaped() {
        assert_eq!(comment_safe("plain é 日本\tx\ny"), "plain é 日本\tx\ny");
        assert!(matches!(comment_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(
            comment_safe("a\u{1b}[31m\0\u{7f}\u{85}\u{9f}\r"),
            "a\\u{1b}[31m\\u{0}\\u{7f}\\u{85}\\u{9f}\\u{d}"
        );
        assert_eq!(
            comment_safe("\u{feff}\u{202e}x\u{2066}\u{2028}\u{fffe}\u{ffff}\u{61c}"),
            "\\u{feff}\\u{202e}x\\u{2066}\\u{2028}\\u{fffe}\\u{ffff}\\u{61c}"
        );
        assert_eq!(comment_line_safe("a\nb\u{1b}"), "a\\u{a}b\\u{1b}");
        // Characters near the unsafe ones stay as they are.
        assert_eq!(
            comment_safe("\u{a0}\u{2027}\u{fffd}\u{2030}"),
            "\u{a0}\u{2027}\u{fffd}\u{2030}"
        );
    }

    #[test]
    fn the_byte_scan_misses_no_unsafe_character() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            if is_unsafe_in_comment(c) {
                let text = c.to_string();
                assert!(matches!(comment_safe(&text), Cow::Owned(_)), "{c:?}");
            }
        }
    }
}
