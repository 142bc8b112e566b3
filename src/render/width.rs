//! Terminal columns of the text before and under a label, so that carets line up under a line
//! holding wide characters (CJK, fullwidth forms and emoji take two columns) or zero-width
//! ones (combining marks). Line and column numbers in `file:line:col` and in JSON still count
//! characters; only the drawing counts columns.

use unicode_width::UnicodeWidthChar;

/// The terminal columns `c` takes. A control character (which the snippet shows as it is,
/// and which TOML allows nowhere but in a comment or as a syntax error) counts one, as in a
/// count of characters.
fn columns(c: char) -> usize {
    c.width().unwrap_or(1)
}

/// The marker line's geometry for a label over the 0-based characters `start..end` of `line`
/// (`end` may pass the line's end, by the newline a multi-line label covers): the columns
/// before the label, and how many marks to draw, at least one.
pub(super) fn marker(line: &str, start: usize, end: usize) -> (usize, usize) {
    let mut before = 0;
    let mut under = 0;
    let mut count = 0;
    for (index, c) in line.chars().enumerate().take(end) {
        if index < start {
            before += columns(c);
        } else {
            under += columns(c);
        }
        count = index + 1;
    }
    // Past the line's end: one mark per character position, as before.
    under += end.saturating_sub(count.max(start));
    (before, under.max(1))
}

#[cfg(test)]
mod tests {
    use super::marker;

    #[test]
    fn wide_characters_take_two_columns_and_combining_marks_none() {
        // `x` after an emoji: the emoji and the space take three columns.
        assert_eq!(marker("🦀 x", 2, 3), (3, 1));
        // Under a CJK word: two marks per character.
        assert_eq!(marker("a = \"日本\"", 5, 7), (5, 4));
        // A fullwidth letter, and `e` + a combining acute accent (one column for two chars).
        assert_eq!(marker("Ａe\u{301}z", 3, 4), (3, 1));
        // ASCII is unchanged.
        assert_eq!(marker("name = 1", 7, 8), (7, 1));
    }

    #[test]
    fn a_label_past_the_end_or_of_zero_width_gets_marks() {
        // A multi-line label covers the newline: one column past the text.
        assert_eq!(marker("ab", 1, 3), (1, 2));
        // Only a combining mark: still one mark.
        assert_eq!(marker("e\u{301}", 1, 2), (1, 1));
        // An empty label at the end of the line.
        assert_eq!(marker("ab", 2, 2), (2, 1));
    }
}
