//! `#` comments for YAML and `.env` files, safe for any text.

/// `text` as `# ` lines. Every character YAML treats as a line break (`\r`, NEL, LS, PS as
/// well as `\n`) starts a new comment line, so no text can end a comment early and become
/// content.
pub(crate) fn push_comment(out: &mut String, text: &str) {
    for line in text.split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
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
    fn every_line_break_starts_a_comment_line() {
        let mut out = String::new();
        push_comment(&mut out, "a\nb\rc\u{2028}d\n");
        assert_eq!(out, "# a\n# b\n# c\n# d\n#\n");
    }
}
