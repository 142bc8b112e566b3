//! TOML text to a spanned, owned tree: every key and value keeps its byte range.
//!
//! This is the only module that knows the `toml` crate. It reports syntax errors (E0101) and
//! nesting beyond the parser's limit (E0106), all of them when the parser recovers, and gives
//! the rest of the front end a small tree it can merge (environments) and walk (schema,
//! lowering) without caring how TOML spells things. It assigns no meaning to any key.

use std::ops::Range;

use ir::{Diagnostics, FileId, Span, codes};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value and the byte range of its source text (for a string: including its quotes).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// The decoded string; the node's span covers the raw token.
    String(String),
    Integer(i64),
    Float,
    Boolean(bool),
    Datetime,
    Array(Vec<Node>),
    Table(Table),
    /// An integer outside `i64`, already reported: later stages stay silent about it.
    Invalid,
}

/// A key as written (decoded, without quotes) and its byte range.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) span: Range<usize>,
}

/// Entries in source order. TOML forbids duplicate keys, so a name occurs at most once.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Table {
    pub(crate) entries: Vec<(Key, Node)>,
}

impl Table {
    pub(crate) fn get(&self, name: &str) -> Option<&Node> {
        self.entry(name).map(|(_, node)| node)
    }

    pub(crate) fn entry(&self, name: &str) -> Option<&(Key, Node)> {
        self.entries.iter().find(|(key, _)| key.name == name)
    }

    pub(crate) fn entry_mut(&mut self, name: &str) -> Option<&mut (Key, Node)> {
        self.entries.iter_mut().find(|(key, _)| key.name == name)
    }

    pub(crate) fn remove(&mut self, name: &str) -> Option<(Key, Node)> {
        let index = self.entries.iter().position(|(key, _)| key.name == name)?;
        Some(self.entries.remove(index))
    }
}

impl Node {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn as_integer(&self) -> Option<i64> {
        match self.value {
            Value::Integer(number) => Some(number),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Boolean(flag) => Some(flag),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_table(&self) -> Option<&Table> {
        match &self.value {
            Value::Table(table) => Some(table),
            _ => None,
        }
    }

    pub(crate) fn as_table_mut(&mut self) -> Option<&mut Table> {
        match &mut self.value {
            Value::Table(table) => Some(table),
            _ => None,
        }
    }
}

impl Value {
    /// The TOML type, as a diagnostic names it ("expected a string, found an integer").
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) | Value::Invalid => "an integer",
            Value::Float => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// Converts a byte range of the file into an [`ir::Span`].
pub(crate) fn span(file: FileId, range: &Range<usize>) -> Span {
    Span::new(file, range.start, range.end)
}

/// Parses `text`. Returns `None` when it is not valid TOML, after reporting every error the
/// parser found: a tree rebuilt by error recovery holds placeholders that would only cause
/// confusing follow-up errors.
pub(crate) fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Table> {
    let (document, errors) = DeTable::parse_recoverable(text);
    for error in &errors {
        report_syntax_error(file, text, error, diags);
    }
    if !errors.is_empty() {
        return None;
    }
    let mut invalid = Vec::new();
    let table = convert_table(document.into_inner(), &mut invalid);
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

fn convert_table(table: DeTable<'_>, invalid: &mut Vec<Range<usize>>) -> Table {
    let entries = table
        .into_iter()
        .map(|(key, value)| {
            let key = Key {
                span: key.span(),
                name: key.into_inner().into_owned(),
            };
            (key, convert(value, invalid))
        })
        .collect();
    Table { entries }
}

fn convert(node: Spanned<DeValue<'_>>, invalid: &mut Vec<Range<usize>>) -> Node {
    let span = node.span();
    let value = match node.into_inner() {
        DeValue::String(text) => Value::String(text.into_owned()),
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
        DeValue::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| convert(item, invalid))
                .collect(),
        ),
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
