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
    if text.contains("{{") {
        Cow::Owned(text.replace("{{", OPEN))
    } else {
        Cow::Borrowed(text)
    }
}

/// Escapes every string and every map key inside `value`.
pub(crate) fn json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(string) => {
            if let Cow::Owned(escaped) = text(string) {
                *string = escaped;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(json),
        serde_json::Value::Object(map) => {
            if map.keys().any(|key| key.contains("{{")) {
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    json(&mut item);
                    map.insert(text(&key).into_owned(), item);
                }
            } else {
                map.values_mut().for_each(json);
            }
        }
        serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {}
    }
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

    #[test]
    fn keys_and_nested_strings_are_escaped() {
        let mut value = serde_json::json!({"a{{": ["x{{y", 1, {"k": "{{"}], "b": null});
        json(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"a{{`{{`}}": ["x{{`{{`}}y", 1, {"k": "{{`{{`}}"}], "b": null})
        );
    }

    #[test]
    fn go_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(go_string("a\"b\\c\nd\u{7}é"), "\"a\\\"b\\\\c\\nd\\u0007é\"");
    }
}
