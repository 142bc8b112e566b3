//! The one YAML writer of aspirec's publishers.
//!
//! Every publisher that writes YAML goes through [`to_string`], so the writer can be swapped in
//! one place (`serde_yaml` is deprecated upstream). It serialises through `serde_json::Value`
//! (keeping field order) and emits block-style YAML in which **every string is double-quoted**
//! with JSON escapes. That choice removes the YAML 1.1 versus 1.2 ambiguities (`yes`, `on`,
//! `0644`, `1e3`, `~`, `1:20`) for every reader, at the cost of some quotes.

use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

/// Serialises `value` as one YAML document (no `---`), ending with a newline.
///
/// # Errors
/// When `value` cannot be represented as JSON-like data (a map with non-string keys).
pub fn to_string<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    Ok(value_to_string(&serde_json::to_value(value)?))
}

/// Writes a JSON value as one YAML document (no `---`), ending with a newline: the writer
/// behind [`to_string`], for a caller that already holds a `Value` (no serialising copy).
pub fn value_to_string(value: &Value) -> String {
    let mut out = String::new();
    write_document(&mut out, value);
    out
}

/// Appends `value` as one YAML document (no `---`), ending with a newline, to `out`: for a
/// caller that assembles a file of several documents in one buffer.
pub fn write_document(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => write_map(out, map, 0, false),
        Value::Array(items) if !items.is_empty() => write_seq(out, items, 0),
        scalar => {
            write_scalar(out, scalar);
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, level: usize) {
    out.extend(std::iter::repeat_n(' ', level));
}

/// The entries of `map` at indentation `level`; `after_dash` when the first entry goes on
/// the line of a list item's dash, which stands in for its indentation.
fn write_map(
    out: &mut String,
    map: &serde_json::Map<String, Value>,
    level: usize,
    after_dash: bool,
) {
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 || !after_dash {
            indent(out, level);
        }
        write_key(out, key);
        out.push(':');
        write_nested(out, value, level);
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first key goes on the dash line; the rest align under it.
                out.push(' ');
                write_map(out, map, level + 2, true);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, level + 2);
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

fn write_nested(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, level + 2, false);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, level + 2);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Keys are written plain when no YAML version could read them as anything but that string
/// (identifier-like, and not one of YAML 1.1's boolean or null words); otherwise quoted.
fn write_key(out: &mut String, key: &str) {
    const WORDS: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<",
    ];
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !WORDS.iter().any(|w| w.eq_ignore_ascii_case(key));
    if plain {
        out.push_str(key);
    } else {
        write_string(out, key);
    }
}

/// A YAML double-quoted scalar. JSON string escapes are valid YAML escapes, except that YAML
/// also needs the non-printable characters escaped, which JSON leaves as they are.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied whole: most strings are one run.
    let mut plain_from = 0;
    for (at, c) in text.char_indices() {
        // `Some` for a short escape, `None` for a `\u` one.
        let escape = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\t' => Some("\\t"),
            '\r' => Some("\\r"),
            // C0 and C1 controls, DEL, and the Unicode line separators YAML treats as breaks.
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || c == '\u{2028}'
                || c == '\u{2029}'
                || c == '\u{feff}' =>
            {
                None
            }
            _ => continue,
        };
        out.push_str(text.get(plain_from..at).unwrap_or_default());
        plain_from = at + c.len_utf8();
        match escape {
            Some(escape) => out.push_str(escape),
            None => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out.push_str(text.get(plain_from..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::to_string;
    use serde_json::json;

    #[test]
    fn writes_block_yaml_with_quoted_strings() {
        let doc = json!({
            "name": "web",
            "replicas": 2,
            "ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 81}],
            "args": ["a", "b"],
            "empty": {},
            "none": [],
            "nested": [["x"]],
        });
        let yaml = to_string(&doc).unwrap();
        assert_eq!(
            yaml,
            "name: \"web\"\nreplicas: 2\nports:\n  - name: \"http\"\n    port: 80\n  - name: \"grpc\"\n    port: 81\nargs:\n  - \"a\"\n  - \"b\"\nempty: {}\nnone: []\nnested:\n  -\n    - \"x\"\n"
        );
    }

    #[test]
    fn hostile_strings_read_back_exactly() {
        let hostile = [
            "yes",
            "no",
            "on",
            "off",
            "null",
            "~",
            "0644",
            "1e3",
            "1:20",
            "",
            " lead",
            "trail ",
            "a: b",
            "# c",
            "'q'",
            "\"dq\"",
            "back\\slash",
            "line\nbreak",
            "tab\there",
            "é☃𝄞",
            "\u{7f}\u{85}\u{2028}",
            "- x",
            "{x}",
            "[y]",
            "&anchor",
            "*alias",
            "!tag",
            "%directive",
            "@at",
            "`tick`",
            "$(VAR)",
            "${X}",
            "%{y}",
        ];
        for s in hostile {
            let yaml = to_string(&json!({ "v": s, s: "k" })).unwrap();
            let back: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(back["v"].as_str(), Some(s), "{yaml}");
            assert_eq!(back[s].as_str(), Some("k"), "{yaml}");
        }
    }
}
