//! Secret values in rendered diagnostics: the source bytes the front ends concealed
//! ([`ir::SourceFile::concealed`]) are shown as a fixed mask in every snippet, whatever the
//! diagnostic, and any message text that quotes one is redacted, in both formats.
//!
//! The mask has a fixed width, so a snippet tells neither the value nor its length; the
//! columns of carets after it are moved accordingly.

use std::borrow::Cow;

use ir::{SourceFile, SourceMap};

/// What a concealed run of characters is shown as.
pub(crate) const MASK: &str = "********";

/// Message text that quotes a secret shorter than this is left as it is: such a short value
/// is no secret worth the name, and redacting every occurrence of two letters would garble
/// the message.
const MIN_REDACTED: usize = 4;

/// One source line as shown: tabs as spaces, every concealed run of characters replaced by
/// [`MASK`].
pub(super) struct ShownLine {
    pub(super) text: String,
    /// For each character column of the original line (0-based, plus one past the end),
    /// the 0-based column where it is shown; empty when nothing on the line is concealed
    /// (columns stay as they are: a minified manifest has lines of megabytes).
    columns: Vec<usize>,
    /// For each character of the original line, whether it is concealed (empty likewise).
    secret: Vec<bool>,
}

impl ShownLine {
    pub(super) fn new(file: &SourceFile, line: usize) -> ShownLine {
        let start = file.line_start(line);
        let original = file.line_text(line);
        let concealed = file.concealed();
        let end = u32::try_from(start + original.len()).unwrap_or(u32::MAX);
        let first = concealed
            .partition_point(|&(_, stop)| stop <= u32::try_from(start).unwrap_or(u32::MAX));
        if concealed.get(first).is_none_or(|&(from, _)| from >= end) {
            return ShownLine {
                text: original.replace('\t', " "),
                columns: Vec::new(),
                secret: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut columns = Vec::with_capacity(original.len() + 1);
        let mut shown = 0;
        let mut in_mask = false;
        let mut flags = Vec::with_capacity(original.len());
        for (at, c) in original.char_indices() {
            let offset = u32::try_from(start + at).unwrap_or(u32::MAX);
            let secret = is_concealed(concealed, offset);
            flags.push(secret);
            if secret && in_mask {
                columns.push(shown - MASK.len());
                continue;
            }
            columns.push(shown);
            in_mask = secret;
            if secret {
                text.push_str(MASK);
                shown += MASK.len();
            } else {
                text.push(if c == '\t' { ' ' } else { c });
                shown += 1;
            }
        }
        columns.push(shown);
        ShownLine {
            text,
            columns,
            secret: flags,
        }
    }

    /// The 1-based shown column where a label that ends before the 1-based original column
    /// `original` ends: after the whole mask when its last character is concealed.
    pub(super) fn end_column(&self, original: usize) -> usize {
        let last = original.saturating_sub(2);
        if original >= 2 && self.secret.get(last).copied().unwrap_or(false) {
            self.columns[last] + 1 + MASK.len()
        } else {
            self.column(original)
        }
    }

    /// The 1-based shown column of a 1-based column of the original line.
    pub(super) fn column(&self, original: usize) -> usize {
        if self.columns.is_empty() {
            return original;
        }
        let last = self.columns.len() - 1;
        let index = original.saturating_sub(1);
        match self.columns.get(index) {
            Some(shown) => shown + 1,
            // Past the end of the line: as far past the shown end.
            None => self.columns[last] + 1 + (index - last),
        }
    }
}

fn is_concealed(ranges: &[(u32, u32)], offset: u32) -> bool {
    let after = ranges.partition_point(|&(start, _)| start <= offset);
    after > 0 && offset < ranges[after - 1].1
}

/// The concealed texts of every file, as they would appear in a message: the source text of
/// each concealed range, and that text without its quotes.
pub(super) fn secrets(sources: &SourceMap) -> Vec<String> {
    let mut found = Vec::new();
    for (_, file) in sources.files() {
        for &(start, end) in file.concealed() {
            let Some(raw) = file.text.get(start as usize..end as usize) else {
                continue;
            };
            let unquoted = raw.trim_matches(['"', '\'']);
            for text in [raw, unquoted] {
                if text.chars().count() >= MIN_REDACTED && !found.iter().any(|f| f == text) {
                    found.push(text.to_string());
                }
            }
        }
    }
    // Longest first, so a quoted form is replaced whole before its unquoted part.
    found.sort_by_key(|text| std::cmp::Reverse(text.len()));
    found
}

/// `text` with every occurrence of a secret replaced by [`MASK`].
pub(super) fn redact<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut text = Cow::Borrowed(text);
    for secret in secrets {
        if text.contains(secret.as_str()) {
            text = Cow::Owned(text.replace(secret.as_str(), MASK));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concealed_runs_become_one_fixed_mask_and_columns_follow() {
        let text = "a = \"hunter2\" # x\n\tb = 'zz'\n";
        let mut file = SourceFile::new("m.toml", text);
        file.conceal(4, 13);
        file.conceal(23, 27);
        let line = ShownLine::new(&file, 1);
        assert_eq!(line.text, "a = ******** # x");
        assert_eq!(line.column(5), 5); // the value's start
        assert_eq!(line.column(9), 5); // inside it
        assert_eq!(line.column(14), 13); // after it
        assert_eq!(line.end_column(14), 13);
        // A label on the value without its quotes still covers the whole mask.
        assert_eq!(line.column(6), 5);
        assert_eq!(line.end_column(13), 13);
        assert_eq!(line.column(18), 17); // one past the end
        assert_eq!(line.column(20), 19);
        let line = ShownLine::new(&file, 2);
        assert_eq!(line.text, " b = ********");
        let plain = SourceFile::new("m.toml", "a\tb\n");
        let line = ShownLine::new(&plain, 1);
        assert_eq!(
            (line.text.as_str(), line.column(3), line.end_column(3)),
            ("a b", 3, 3)
        );
    }

    #[test]
    fn messages_lose_the_secrets_they_quote() {
        let mut sources = SourceMap::new();
        let file = sources.add("m.toml", "v = \"hunter2\"\nw = \"ab\"\n");
        sources.conceal(ir::Span::new(file, 4, 13));
        sources.conceal(ir::Span::new(file, 18, 22));
        let secrets = secrets(&sources);
        assert_eq!(
            redact("`\"hunter2\"` or hunter2", &secrets),
            "`********` or ********"
        );
        // Too short to redact: `ab` stays (its quoted form is four characters).
        assert_eq!(redact("ab \"ab\"", &secrets), "ab ********");
    }
}
