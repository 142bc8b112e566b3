//! Text that must reach a rendered manifest as it is, although Helm runs every template file
//! through Go's `text/template` first.
//!
//! Outside an action the only thing Go templates read is `{{` (with the default delimiters,
//! which Helm uses); `}}` alone is text. So each `{{` of such text becomes the action
//! ``{{`{{`}}``, which prints a raw-string literal holding `{{`. Every other character is left
//! to YAML's own quoting, applied after this. Escaped text never holds `{{` followed by
//! anything but a backquote, which is what lets the printer find its own markers
//! ([`super::template`]).

use std::borrow::Cow;

/// What a template must say to print `{{`.
const OPEN: &str = "{{`{{`}}";

/// `text` with every `{{` escaped; borrowed when there is none (nearly always).
pub(crate) fn text(text: &str) -> Cow<'_, str> {
    if has_open(text) {
        Cow::Owned(text.replace("{{", OPEN))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether `text` holds `{{`. Every string and key of every object is asked, and most are
/// short: a plain byte loop, without the setup of a substring or memchr search.
fn has_open(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            if bytes[i - 1] == b'{' {
                return true;
            }
            i += 1;
        } else {
            // Neither this byte nor the next pair starting at it can close a `{{`.
            i += 2;
        }
    }
    false
}

/// A Go string literal (`"..."`, Go's escapes) of `text`, for an argument of an action; Go
/// reads it back as `text` exactly.
pub(crate) fn go_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for the inside of a template comment (`{{/* ... */}}`), which ends at the first `*/`.
pub(crate) fn comment(text: &str) -> String {
    text.replace("*/", "* /")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_opening_brace_pair_becomes_an_action_that_prints_it() {
        assert_eq!(text("plain }} text"), "plain }} text");
        assert_eq!(text("{{ .Values.x }}"), "{{`{{`}} .Values.x }}");
        assert_eq!(text("{{{"), "{{`{{`}}{");
        assert_eq!(text("{{{{"), "{{`{{`}}{{`{{`}}");
        // No escaped text holds `{{` that is not followed by a backquote.
        for sample in ["{{", "{{{", "a{{@1}}b", "{{-", "{{`", "{{/*"] {
            let escaped = text(sample);
            let mut rest = escaped.as_ref();
            while let Some(at) = rest.find("{{") {
                assert!(rest[at + 2..].starts_with('`'), "{escaped}");
                rest = &rest[at + 2..];
            }
        }
    }

    /// The byte loop finds `{{` wherever a substring search does.
    #[test]
    fn brace_pairs_are_found_everywhere() {
        for len in 0..=7u32 {
            for bits in 0..(1u32 << len) {
                let text: String = (0..len)
                    .map(|i| if bits & (1 << i) != 0 { '{' } else { 'a' })
                    .collect();
                assert_eq!(has_open(&text), text.contains("{{"), "{text}");
            }
        }
        assert!(has_open("é{{"));
    }

    #[test]
    fn go_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(go_string("a\"b\\c\nd\u{7}é"), "\"a\\\"b\\\\c\\nd\\u0007é\"");
    }
}
