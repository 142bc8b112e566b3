//! Where each byte of a decoded TOML string came from in the source.
//!
//! Expressions are parsed in the decoded string, but their diagnostics must point at the
//! source. For a literal string, or a basic string without escapes, decoded byte `i` sits at
//! `token_start + 1 + i`. Escapes (`\"`, `\u00e9`), multi-line delimiters and line-ending
//! backslashes shift that, so for those strings this module re-decodes the raw token and
//! records the source range of every decoded byte. The result is checked against the decoder
//! of the `toml` crate: if the two ever disagree, positions fall back to the whole string
//! instead of pointing at the wrong place.

use std::ops::Range;

/// Maps byte ranges of a decoded string to byte ranges of the file.
#[derive(Debug)]
pub(crate) enum OffsetMap {
    /// Decoded byte `i` is at `start + i`.
    Shifted { start: usize },
    /// The source range of each decoded byte (all bytes of an escaped character share the
    /// range of its escape sequence).
    Table(Vec<Range<usize>>),
    /// No exact map: every range maps to the whole token.
    Whole(Range<usize>),
}

impl OffsetMap {
    /// Builds the map of the string token `raw` at `token` in the file, whose decoded value
    /// is `decoded`.
    pub(crate) fn new(raw: &str, token: Range<usize>, decoded: &str) -> OffsetMap {
        let inner = raw.get(1..raw.len().saturating_sub(1));
        let single_line = !raw.starts_with("\"\"\"") && !raw.starts_with("'''");
        if single_line && inner == Some(decoded) {
            return OffsetMap::Shifted {
                start: token.start + 1,
            };
        }
        match decode(raw) {
            Some((text, ranges)) if text == decoded => OffsetMap::Table(
                ranges
                    .into_iter()
                    .map(|r| r.start + token.start..r.end + token.start)
                    .collect(),
            ),
            _ => OffsetMap::Whole(token),
        }
    }

    /// The source range of the decoded bytes `start..end`.
    pub(crate) fn locate(&self, start: usize, end: usize) -> Range<usize> {
        match self {
            OffsetMap::Shifted { start: base } => base + start..base + end.max(start),
            OffsetMap::Table(ranges) => {
                let Some(first) = ranges.get(start).or(ranges.last()) else {
                    return 0..0;
                };
                let last = end
                    .checked_sub(1)
                    .and_then(|e| ranges.get(e))
                    .filter(|_| end > start)
                    .unwrap_or(first);
                first.start..last.end.max(first.start)
            }
            OffsetMap::Whole(token) => token.clone(),
        }
    }
}

/// Decodes a string token (with its quotes) into its value and the source range, relative
/// to the token, of every byte of the value. `None` if the token is not a string this
/// decoder understands (the caller then falls back to coarse positions).
fn decode(raw: &str) -> Option<(String, Vec<Range<usize>>)> {
    let (delimiter, basic) = if raw.starts_with("\"\"\"") {
        ("\"\"\"", true)
    } else if raw.starts_with("'''") {
        ("'''", false)
    } else if raw.starts_with('"') {
        ("\"", true)
    } else if raw.starts_with('\'') {
        ("'", false)
    } else {
        return None;
    };
    let body_end = raw.len().checked_sub(delimiter.len())?;
    let mut start = delimiter.len();
    if delimiter.len() == 3 {
        // A newline right after the opening delimiter is not part of the value.
        if raw[start..].starts_with("\r\n") {
            start += 2;
        } else if raw[start..].starts_with('\n') {
            start += 1;
        }
    }
    let body = raw.get(start..body_end)?;
    let mut out = Decoded::default();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        if c != '\\' || !basic {
            out.push_char(c, at..at + c.len_utf8());
            continue;
        }
        let (j, escape) = chars.next()?;
        let simple = match escape {
            'b' => Some('\u{8}'),
            't' => Some('\t'),
            'n' => Some('\n'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(decoded) = simple {
            out.push_char(decoded, at..start + j + 1);
            continue;
        }
        let digits = match escape {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ if escape.is_whitespace() => {
                // A line-ending backslash: the value skips all whitespace and newlines after it.
                while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
                continue;
            }
            _ => return None,
        };
        let hex_start = start + j + 1;
        let hex = raw.get(hex_start..hex_start + digits)?;
        let decoded = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
        for _ in 0..digits {
            chars.next()?;
        }
        out.push_char(decoded, at..hex_start + digits);
    }
    Some((out.text, out.ranges))
}

#[derive(Default)]
struct Decoded {
    text: String,
    ranges: Vec<Range<usize>>,
}

impl Decoded {
    fn push_char(&mut self, c: char, source: Range<usize>) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.ranges.push(source.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Maps the first occurrence of `needle` in the decoded value of the string token that
    /// starts at `token_start` of `source`, and returns the source text it maps to.
    fn located<'a>(source: &'a str, decoded: &str, needle: &str) -> &'a str {
        let token_start = source.find(['"', '\'']).expect("a string token");
        let raw = &source[token_start..];
        let map = OffsetMap::new(raw, token_start..source.len(), decoded);
        let start = decoded.find(needle).expect("needle in the decoded string");
        &source[map.locate(start, start + needle.len())]
    }

    #[test]
    fn plain_strings_shift_by_the_quote() {
        assert_eq!(
            located("a = \"x{p.value}\"", "x{p.value}", "{p.value}"),
            "{p.value}"
        );
        assert_eq!(
            located("a = 'é{p.value}'", "é{p.value}", "{p.value}"),
            "{p.value}"
        );
    }

    #[test]
    fn escapes_are_mapped_to_their_source() {
        let source = r#"a = "\u00e9\"\n{p.value}\t{q.x}""#;
        let decoded = "é\"\n{p.value}\t{q.x}";
        assert_eq!(located(source, decoded, "{p.value}"), "{p.value}");
        assert_eq!(located(source, decoded, "{q.x}"), "{q.x}");
        assert_eq!(located(source, decoded, "é"), r"\u00e9");
        assert_eq!(located(source, decoded, "\""), "\\\"");
    }

    #[test]
    fn multi_line_strings_skip_the_first_newline_and_line_continuations() {
        let source = "a = \"\"\"\nab \\\n   {p.value}\"\"\"";
        assert_eq!(located(source, "ab {p.value}", "{p.value}"), "{p.value}");
        let literal = "a = '''\r\nx\\n{p.value}'''";
        assert_eq!(located(literal, "x\\n{p.value}", "{p.value}"), "{p.value}");
    }

    #[test]
    fn a_disagreement_falls_back_to_the_whole_token() {
        let source = "a = \"abc\"";
        let map = OffsetMap::new(&source[4..], 4..9, "something else");
        assert_eq!(map.locate(1, 2), 4..9);
    }
}
