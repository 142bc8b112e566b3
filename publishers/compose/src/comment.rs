//! `#` comments for YAML and `.env` files, safe for any text.

/// The characters YAML treats as a line break.
const LINE_BREAKS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// `text` as `# ` lines. Every character YAML treats as a line break (`\r`, NEL, LS, PS as
/// well as `\n`) starts a new comment line, so no text can end a comment early and become
/// content.
pub(crate) fn push_comment(out: &mut String, text: &str) {
    // Controls, bidi overrides and the like are shown escaped (`ir::text`); the other line
    // breaks are escaped there too, and still split on below in case that ever changes.
    let text = &*ir::text::comment_safe(text);
    // Searching for five characters decodes every character; the header of a large model
    // holds thousands of notes. Only `\n` can occur unless one of the bytes that start the
    // others does, and those are checked in one pass that the compiler vectorises.
    let other_breaks = text
        .bytes()
        .fold(false, |seen, b| seen | matches!(b, b'\r' | 0xC2 | 0xE2));
    if other_breaks {
        push_lines(out, text.split(LINE_BREAKS));
    } else {
        push_lines(out, text.split('\n'));
    }
}

fn push_lines<'a>(out: &mut String, lines: impl Iterator<Item = &'a str>) {
    for line in lines {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::push_comment;

    #[test]
    fn line_feeds_start_a_comment_line_and_other_breaks_are_escaped() {
        let mut out = String::new();
        push_comment(&mut out, "a\nb\n");
        assert_eq!(out, "# a\n# b\n#\n");
        let mut out = String::new();
        push_comment(&mut out, "\u{85}é\u{2029}\u{2027}\r\n");
        assert_eq!(out, "# \\u{85}é\\u{2029}\u{2027}\\u{d}\n#\n");
        let mut out = String::new();
        push_comment(&mut out, "\0\u{1b}[31m\u{7f}\u{feff}\u{202e}");
        assert_eq!(out, "# \\u{0}\\u{1b}[31m\\u{7f}\\u{feff}\\u{202e}\n");
    }
}
