//! TOML text to the spanned tree of [`super::tree`].
//!
//! This is the only module that knows the `toml` crate. Valid TOML takes the fast path of
//! [`super::stream`]; anything that path refuses is parsed again here with the `toml`
//! crate's document parser, whose messages the diagnostics quote: syntax errors (E0101) and
//! nesting beyond the parser's limit (E0106), all of them when the parser recovers. Integers
//! beyond `i64` are reported here too (E0205). It assigns no meaning to any key.

use std::ops::Range;

use ir::{Diagnostics, FileId, codes};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::stream;
use super::tree::{Array, Key, Node, Table, Value, span};

/// Parses `text`. Returns `None` when it is not valid TOML, after reporting every error the
/// parser found: a tree rebuilt by error recovery holds placeholders that would only cause
/// confusing follow-up errors.
pub(crate) fn parse<'s>(file: FileId, text: &'s str, diags: &mut Diagnostics) -> Option<Table<'s>> {
    let (table, invalid) = match stream::build(text) {
        Some(built) => built,
        None => {
            // Junk input has errors without end: the `toml` crate gets only the text before
            // the first one past the diagnostics cap, and the rest are counted.
            let cap = ir::diagnostic::MAX_PER_FILE;
            let (total, past_cap) = stream::count_errors(text, cap + 1);
            // Cut at that error itself: the first ones are then exactly where they are in the
            // whole file (an error the cut itself makes comes after them, past the cap).
            let parsed = past_cap
                .and_then(|offset| text.get(..offset))
                .unwrap_or(text);
            let (document, errors) = DeTable::parse_recoverable(parsed);
            for error in &errors {
                report_syntax_error(file, text, error, diags);
            }
            if parsed.len() < text.len() {
                diags.count_unreported_errors(file, total.saturating_sub(errors.len()));
                return None;
            }
            if !errors.is_empty() {
                return None;
            }
            // Valid after all (a date-time, say): the same tree, built from toml's.
            let mut invalid = Vec::new();
            let table = convert_table(document.into_inner(), &mut invalid);
            (table, invalid)
        }
    };
    for range in invalid {
        diags
            .report(
                codes::INVALID_VALUE,
                span(file, &range),
                "integer out of range",
            )
            .with_label("this does not fit in a 64-bit integer");
    }
    Some(table)
}

fn report_syntax_error(file: FileId, text: &str, error: &toml::de::Error, diags: &mut Diagnostics) {
    let message = error.message().trim_end_matches('\n');
    // The parser stops descending at a fixed depth (80 levels) to protect its stack; both of
    // its messages for that contain "recurs".
    let too_deep = message.contains("recurs");
    let range = error.span().unwrap_or_else(|| {
        // Only the key-path depth check reports no position; find the key path it refused.
        let offset = if too_deep { deepest_key_line(text) } else { 0 };
        offset..offset
    });
    if too_deep {
        diags
            .report(
                codes::NESTING_TOO_DEEP,
                span(file, &range),
                "tables or arrays are nested too deeply",
            )
            .with_label("nesting exceeds the limit here")
            .with_help("a model needs only a few levels of nesting; flatten this value");
    } else {
        diags
            .report(codes::TOML_SYNTAX, span(file, &range), "invalid TOML")
            .with_label(message.to_string());
    }
}

/// The start of the line whose key path has the most `.` separators: the parser's key-depth
/// error has no position, and that line is the one it refused. Approximate (a dot inside a
/// quoted key counts too), which is fine for a pathological input.
fn deepest_key_line(text: &str) -> usize {
    let mut best = (0, 0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let key_part = line.split('=').next().unwrap_or(line);
        let dots = key_part.bytes().filter(|&b| b == b'.').count();
        if dots > best.0 {
            best = (dots, offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    best.1
}

/// The tree of a document the `toml` crate parsed; `invalid` collects the integers beyond
/// `i64`.
pub(super) fn convert_table<'s>(table: DeTable<'s>, invalid: &mut Vec<Range<usize>>) -> Table<'s> {
    let mut converted = Table::default();
    for (key, value) in table {
        let span = key.span();
        let key = Key::new(key.into_inner(), span);
        converted.push(key, convert(value, invalid));
    }
    converted
}

fn convert<'s>(node: Spanned<DeValue<'s>>, invalid: &mut Vec<Range<usize>>) -> Node<'s> {
    let span = node.span();
    let value = match node.into_inner() {
        DeValue::String(text) => Value::String(text),
        DeValue::Integer(number) => match i64::from_str_radix(number.as_str(), number.radix()) {
            Ok(number) => Value::Integer(number),
            Err(_) => {
                invalid.push(span.clone());
                Value::Invalid
            }
        },
        DeValue::Float(_) => Value::Float,
        DeValue::Boolean(flag) => Value::Boolean(flag),
        DeValue::Datetime(_) => Value::Datetime,
        DeValue::Array(items) => Value::Array(Array {
            items: items
                .into_iter()
                .map(|item| convert(item, invalid))
                .collect(),
            of_tables: false,
        }),
        DeValue::Table(table) => Value::Table(convert_table(table, invalid)),
    };
    Node { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(text: &str) -> Vec<&'static str> {
        let mut diags = Diagnostics::new();
        let _ = parse(FileId(0), text, &mut diags);
        diags.iter().map(|d| d.code.id).collect()
    }

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = "name = \"shop\"\n[resources.cache]\ntype = 'redis'\n";
        let mut diags = Diagnostics::new();
        let root = parse(FileId(0), text, &mut diags).expect("valid TOML");
        let (key, name) = root.entry("name").expect("name");
        assert_eq!((key.span.clone(), name.span.clone()), (0..4, 7..13));
        let cache = root
            .get("resources")
            .and_then(|r| r.as_table())
            .and_then(|r| r.get("cache"));
        let kind = cache
            .and_then(|c| c.as_table())
            .and_then(|c| c.get("type"))
            .expect("type");
        assert_eq!(kind.as_str(), Some("redis"));
        assert_eq!(&text[kind.span.clone()], "'redis'");
    }

    #[test]
    fn reports_every_syntax_error() {
        let text = "a = \nb = = 1\n";
        let mut diags = Diagnostics::new();
        assert!(parse(FileId(0), text, &mut diags).is_none());
        assert!(diags.iter().all(|d| d.code.id == "E0101"));
        let lines: Vec<bool> = [0..5, 5..text.len()]
            .iter()
            .map(|line| {
                diags
                    .iter()
                    .any(|d| line.contains(&(d.primary.span.start as usize)))
            })
            .collect();
        assert_eq!(lines, [true, true], "an error on each line");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for depth in [500, 10_000] {
            let arrays = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(codes_of(&arrays), ["E0106"], "arrays {depth}");
            let inline = format!("a = {}1{}\n", "{b = ".repeat(depth), "}".repeat(depth));
            assert_eq!(codes_of(&inline), ["E0106"], "inline tables {depth}");
            let header = format!("name = \"x\"\n[{}]\n", vec!["a"; depth].join("."));
            let mut diags = Diagnostics::new();
            let _ = parse(FileId(0), &header, &mut diags);
            let first = diags.iter().next().expect("an error");
            assert_eq!(first.code.id, "E0106", "headers {depth}");
            assert_eq!(first.primary.span.start, 11, "points at the header");
            assert!(!codes_of(&"[".repeat(depth)).is_empty());
        }
    }

    #[test]
    fn integers_beyond_i64_are_invalid_values() {
        assert_eq!(codes_of("a = 0xffffffffffffffff\n"), ["E0205"]);
    }
}
