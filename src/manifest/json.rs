//! A small JSON parser (RFC 8259) that keeps the byte span of every key and value.
//!
//! `serde_json` forgets positions, and diagnostics on a manifest must point at the exact key
//! or value. Objects keep their key order (resources are lowered in the order written).
//! Strings keep the positions of their escapes, so an offset in the decoded text maps back to
//! the source exactly ([`Str::span`]), even after `\"`, `\\` or `\u00e9`.
//!
//! The first syntax error stops the parse (a machine-written manifest with a syntax error is
//! truncated or hand-edited; guessing further would only add noise). Duplicate keys are
//! reported and the first one is kept. Nesting deeper than [`MAX_DEPTH`] is reported instead of
//! exhausting the stack.

use std::collections::BTreeMap;

use ir::{Diagnostics, FileId, Span, codes};

/// No manifest nests more than a handful of levels; the cap protects the recursion.
pub(crate) const MAX_DEPTH: usize = 256;

/// A value with the span of its text (for strings, including the quotes).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number as written; readers decide which numbers they accept.
    Number(String),
    String(Str),
    Array(Vec<Node>),
    /// Members in source order, duplicates removed.
    Object(Vec<Member>),
}

impl Value {
    /// What the value is, for "expected ..., found ..." messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Member {
    pub(crate) key: Str,
    /// The key including its quotes.
    pub(crate) key_span: Span,
    pub(crate) value: Node,
}

/// A decoded string and what it takes to map offsets in it back to the source.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Str {
    pub(crate) text: String,
    file: FileId,
    /// Source offset of the first byte after the opening quote.
    raw_start: usize,
    /// Every escape sequence, in order.
    escapes: Vec<Escape>,
}

/// One escape sequence: `decoded_len` bytes at `decoded` in the text came from `raw_len`
/// source bytes at `raw` (an absolute offset).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Escape {
    decoded: usize,
    decoded_len: usize,
    raw: usize,
    raw_len: usize,
}

impl Str {
    /// The source span of the decoded byte range `start..end` of [`Str::text`].
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        Span::new(
            self.file,
            self.raw_offset(start, false),
            self.raw_offset(end, true),
        )
    }

    /// The span of the string's contents, without the quotes.
    pub(crate) fn content_span(&self) -> Span {
        self.span(0, self.text.len())
    }

    /// Maps a decoded offset to a source offset. Between escapes the two advance together;
    /// an offset inside the decoded text of an escape maps to the escape's start (or its end,
    /// for the end of a range), so a caret never splits an escape.
    fn raw_offset(&self, decoded: usize, is_end: bool) -> usize {
        // The difference between source and decoded offsets after the last escape passed.
        let mut raw_base = self.raw_start;
        let mut decoded_base = 0;
        for escape in &self.escapes {
            if decoded <= escape.decoded {
                break;
            }
            if decoded < escape.decoded + escape.decoded_len {
                return if is_end {
                    escape.raw + escape.raw_len
                } else {
                    escape.raw
                };
            }
            raw_base = escape.raw + escape.raw_len;
            decoded_base = escape.decoded + escape.decoded_len;
        }
        raw_base + (decoded - decoded_base)
    }
}

/// Parses `text` as one JSON value. Reports the first syntax error and returns `None`.
pub(crate) fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    let mut parser = Parser {
        text,
        pos: 0,
        file,
        diags,
    };
    parser.document().ok()
}

/// A syntax error was reported; the parse stops.
struct Stop;

type Parsed<T> = Result<T, Stop>;

struct Parser<'t, 'd> {
    text: &'t str,
    pos: usize,
    file: FileId,
    diags: &'d mut Diagnostics,
}

impl Parser<'_, '_> {
    fn document(&mut self) -> Parsed<Node> {
        self.skip_whitespace();
        let node = self.value(0)?;
        self.skip_whitespace();
        if self.pos < self.text.len() {
            return Err(self.error_here(
                "unexpected text after the end of the JSON document",
                "the document ended before this",
            ));
        }
        Ok(node)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// The span of the character at `at` (empty at the end of the input).
    fn char_span(&self, at: usize) -> Span {
        let len = self
            .text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        self.span(at, at + len)
    }

    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) -> Stop {
        self.diags
            .report(codes::JSON_SYNTAX, span, message)
            .with_label(label);
        Stop
    }

    /// An error at the current character, describing it.
    fn error_here(&mut self, message: &str, label: &str) -> Stop {
        let span = self.char_span(self.pos);
        let message = match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            Some(found) => format!("{message}, found `{}`", found.escape_debug()),
            None => format!("{message}, found the end of the file"),
        };
        self.error(span, message, label)
    }

    fn value(&mut self, depth: usize) -> Parsed<Node> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.nested(depth, Self::object)?,
            Some(b'[') => self.nested(depth, Self::array)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(b't') if self.text[self.pos..].starts_with("true") => {
                self.literal("true", Value::Bool(true))
            }
            Some(b'f') if self.text[self.pos..].starts_with("false") => {
                self.literal("false", Value::Bool(false))
            }
            Some(b'n') if self.text[self.pos..].starts_with("null") => {
                self.literal("null", Value::Null)
            }
            Some(b'\'') => {
                let span = self.char_span(self.pos);
                self.diags
                    .report(codes::JSON_SYNTAX, span, "JSON strings use double quotes")
                    .with_label("a single quote cannot start a value")
                    .with_help("write \"...\"");
                return Err(Stop);
            }
            Some(b'/') => {
                let span = self.char_span(self.pos);
                return Err(self.error(
                    span,
                    "JSON has no comments",
                    "a comment cannot start a value",
                ));
            }
            _ => return Err(self.error_here(
                "expected a JSON value",
                "a value (object, array, string, number, true, false or null) was expected here",
            )),
        };
        Ok(Node {
            value,
            span: self.span(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Value {
        self.pos += word.len();
        value
    }

    /// Parses an object or array one level deeper, or reports that it is too deep.
    fn nested(
        &mut self,
        depth: usize,
        inner: fn(&mut Self, usize) -> Parsed<Value>,
    ) -> Parsed<Value> {
        if depth >= MAX_DEPTH {
            let span = self.char_span(self.pos);
            self.diags
                .report(
                    codes::NESTING_TOO_DEEP,
                    span,
                    format!("the JSON nests deeper than {MAX_DEPTH} levels"),
                )
                .with_label("this opens one level too many")
                .with_note("an Aspire manifest nests only a few levels deep");
            return Err(Stop);
        }
        inner(self, depth + 1)
    }

    fn object(&mut self, depth: usize) -> Parsed<Value> {
        self.pos += 1; // `{`
        let mut members: Vec<Member> = Vec::new();
        // Key to the span of its first occurrence: a lookup per key keeps huge objects linear.
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(
                    self.error_here("expected a key in double quotes", "object keys are strings")
                );
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = self.span(key_start, self.pos);
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error_here(
                    "expected `:` after the key",
                    "a `:` and a value were expected here",
                ));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            match seen.get(&key.text) {
                Some(first) => {
                    self.diags
                        .report(
                            codes::JSON_SYNTAX,
                            key_span,
                            format!("duplicate key `{}`", key.text),
                        )
                        .with_label("this key appears twice in the object; this one is ignored")
                        .with_secondary(*first, "first written here");
                }
                None => {
                    seen.insert(key.text.clone(), key_span);
                    members.push(Member {
                        key,
                        key_span,
                        value,
                    });
                }
            }
            if self.closes(b'}', "an object member", "the object")? {
                return Ok(Value::Object(members));
            }
        }
    }

    /// After a member of an object or element of an array: consumes a `,` (false: more follow)
    /// or the closing bracket `close` (true). A comma right before `close` is an error.
    fn closes(&mut self, close: u8, item: &str, container: &str) -> Parsed<bool> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_whitespace();
                if self.peek() == Some(close) {
                    return Err(self.trailing_comma(comma));
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.error_here(
                &format!("expected `,` or `{}` after {item}", close as char),
                &format!("{container} continues or ends here"),
            )),
        }
    }

    fn array(&mut self, depth: usize) -> Parsed<Value> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            if self.closes(b']', "an array element", "the array")? {
                return Ok(Value::Array(items));
            }
        }
    }

    fn trailing_comma(&mut self, comma: usize) -> Stop {
        let span = self.span(comma, comma + 1);
        self.diags
            .report(codes::JSON_SYNTAX, span, "trailing comma")
            .with_label("JSON allows no comma before the closing bracket")
            .with_help("remove this comma");
        Stop
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Parsed<String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_here("invalid number", "a digit was expected here")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(
                    self.error_here("invalid number", "a digit must follow the decimal point")
                );
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error_here("invalid number", "a digit must follow the exponent"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            // Only `0` stops before a digit: a leading zero.
            return Err(self.error_here("invalid number", "JSON numbers have no leading zeros"));
        }
        Ok(self.text[start..self.pos].to_string())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Parsed<Str> {
        let open = self.pos;
        self.pos += 1; // `"`
        let raw_start = self.pos;
        let mut text = String::new();
        let mut escapes = Vec::new();
        loop {
            // Copy the run of plain characters at once.
            let rest = &self.text[self.pos..];
            let run = rest
                .find(|c: char| c == '"' || c == '\\' || c < ' ')
                .unwrap_or(rest.len());
            text.push_str(&rest[..run]);
            self.pos += run;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Str {
                        text,
                        file: self.file,
                        raw_start,
                        escapes,
                    });
                }
                Some(b'\\') => {
                    let raw = self.pos;
                    let decoded = text.len();
                    self.escape(&mut text)?;
                    escapes.push(Escape {
                        decoded,
                        decoded_len: text.len() - decoded,
                        raw,
                        raw_len: self.pos - raw,
                    });
                }
                Some(_) => {
                    let span = self.char_span(self.pos);
                    self.diags
                        .report(codes::JSON_SYNTAX, span, "control character in a string")
                        .with_label("this character must be written as an escape")
                        .with_help("write a line break as `\\n` and a tab as `\\t`");
                    return Err(Stop);
                }
                None => {
                    let span = self.span(open, open + 1);
                    return Err(self.error(
                        span,
                        "unterminated string",
                        "this string is never closed",
                    ));
                }
            }
        }
    }

    /// Decodes the escape at the current `\` into `text`.
    fn escape(&mut self, text: &mut String) -> Parsed<()> {
        let start = self.pos;
        self.pos += 1; // `\`
        let decoded = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4(start)?;
                let c = match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by `\u` and a low one.
                        if !self.text[self.pos..].starts_with("\\u") {
                            return Err(self.lone_surrogate(start));
                        }
                        self.pos += 2;
                        let low = self.hex4(start)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.lone_surrogate(start));
                        }
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    }
                    0xDC00..=0xDFFF => None,
                    _ => char::from_u32(unit),
                };
                let Some(c) = c else {
                    return Err(self.lone_surrogate(start));
                };
                text.push(c);
                return Ok(());
            }
            _ => {
                let span = Span::new(self.file, start, self.char_span(self.pos).end as usize);
                return Err(self.error(
                    span,
                    "invalid escape in a string",
                    "JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                ));
            }
        };
        self.pos += 1;
        text.push(decoded);
        Ok(())
    }

    fn hex4(&mut self, escape_start: usize) -> Parsed<u32> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(value) = digits.and_then(|d| u32::from_str_radix(d, 16).ok()) else {
            let end = self.text[self.pos..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .map_or(self.text.len(), |n| n + self.pos);
            let span = self.span(escape_start, end.min(self.pos + 4).max(self.pos));
            return Err(self.error(
                span,
                "invalid unicode escape",
                "`\\u` takes exactly four hexadecimal digits",
            ));
        };
        self.pos += 4;
        Ok(value)
    }

    fn lone_surrogate(&mut self, escape_start: usize) -> Stop {
        let span = self.span(escape_start, self.pos);
        self.error(
            span,
            "invalid unicode escape",
            "a UTF-16 surrogate must come in a high-low pair",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        let mut diags = Diagnostics::new();
        let node = parse(FileId(0), text, &mut diags);
        assert!(diags.is_empty(), "{:?}", diags.iter().collect::<Vec<_>>());
        node.expect("no diagnostics but no node")
    }

    /// The first diagnostic: code, the source text under it, and its message.
    fn parse_err(text: &str) -> (&'static str, String, String) {
        let mut diags = Diagnostics::new();
        assert!(
            parse(FileId(0), text, &mut diags).is_none(),
            "{text:?} parsed"
        );
        let d = diags.iter().next().expect("expected a diagnostic").clone();
        let span = d.primary.span;
        (
            d.code.id,
            text[span.start as usize..span.end as usize].to_string(),
            d.message,
        )
    }

    fn source(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    fn members(node: &Node) -> &[Member] {
        match &node.value {
            Value::Object(m) => m,
            other => panic!("expected an object, got {other:?}"),
        }
    }

    #[test]
    fn keeps_spans_of_keys_and_values_and_key_order() {
        let text = r#"{ "b": [1, -2.5e3, true, null], "a": {"x": "y"} }"#;
        let root = parse_ok(text);
        let m = members(&root);
        assert_eq!(
            m.iter().map(|m| m.key.text.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(source(text, m[0].key_span), "\"b\"");
        assert_eq!(source(text, m[0].value.span), "[1, -2.5e3, true, null]");
        let Value::Array(items) = &m[0].value.value else {
            panic!("array")
        };
        assert_eq!(items[1].value, Value::Number("-2.5e3".into()));
        assert_eq!(source(text, items[2].span), "true");
        assert_eq!(source(text, m[1].value.span), "{\"x\": \"y\"}");
        assert_eq!(source(text, root.span), text.trim());
    }

    #[test]
    fn decodes_escapes_and_maps_decoded_offsets_to_the_source() {
        let text = r#""a\"b\u00e9c\\{x.y}\ud83d\ude00z""#;
        let node = parse_ok(text);
        let Value::String(s) = &node.value else {
            panic!("string")
        };
        assert_eq!(s.text, "a\"béc\\{x.y}😀z");
        let brace = s.text.find('{').unwrap();
        let close = s.text.find('}').unwrap();
        assert_eq!(source(text, s.span(brace, close + 1)), "{x.y}");
        assert_eq!(source(text, s.span(1, 2)), "\\\"");
        let e = s.text.find('é').unwrap();
        assert_eq!(source(text, s.span(e, e + 2)), "\\u00e9");
        let emoji = s.text.find('😀').unwrap();
        assert_eq!(source(text, s.span(emoji, emoji + 4)), "\\ud83d\\ude00");
        assert_eq!(source(text, s.span(emoji + 4, s.text.len())), "z");
        // A range that starts or ends inside a decoded escape widens to the whole escape.
        assert_eq!(source(text, s.span(e + 1, e + 1)), "\\u00e9");
        assert_eq!(source(text, s.content_span()), &text[1..text.len() - 1]);
    }

    #[test]
    fn reports_syntax_errors_at_the_exact_position() {
        assert_eq!(
            parse_err("{\"a\": 1,}"),
            ("E0102", ",".into(), "trailing comma".into())
        );
        assert_eq!(parse_err("{\"a\" 1}").1, "1");
        assert_eq!(parse_err("{\"a\": 1 \"b\": 2}").0, "E0102");
        assert_eq!(parse_err("{\"a\": 1 \"b\": 2}").1, "\"");
        assert_eq!(
            parse_err("[1, 2"),
            (
                "E0102",
                "".into(),
                "expected `,` or `]` after an array element, found the end of the file".into()
            )
        );
        assert_eq!(parse_err("{\"a\": \"x").1, "\"");
        assert_eq!(parse_err("{\"a\": \"x\\q\"}").1, "\\q");
        assert_eq!(parse_err("{\"a\": \"\\u12g4\"}").1, "\\u12");
        assert_eq!(parse_err("{\"a\": \"\\ud800x\"}").1, "\\ud800");
        assert_eq!(parse_err("{\"a\": \"tab\there\"}").1, "\t");
        assert_eq!(parse_err("{\"a\": 01}").1, "1");
        assert_eq!(parse_err("{\"a\": 1.}").1, "}");
        assert_eq!(parse_err("{\"a\": tru}").1, "t");
        assert_eq!(parse_err("{'a': 1}").1, "'");
        assert_eq!(
            parse_err("{} x").2,
            "unexpected text after the end of the JSON document, found `x`"
        );
        assert_eq!(parse_err("{\"é\": é}").1, "é");
        assert_eq!(parse_err("// c\n{}").2, "JSON has no comments");
    }

    #[test]
    fn reports_duplicate_keys_and_keeps_the_first() {
        let text = r#"{"a": 1, "a": 2}"#;
        let mut diags = Diagnostics::new();
        let root = parse(FileId(0), text, &mut diags).expect("duplicates do not stop the parse");
        assert_eq!(members(&root).len(), 1);
        assert_eq!(members(&root)[0].value.value, Value::Number("1".into()));
        let d = diags.iter().next().expect("a diagnostic");
        assert_eq!((d.code.id, d.primary.span.start), ("E0102", 9));
        assert_eq!(d.secondary[0].span.start, 1);
    }

    #[test]
    fn caps_nesting_depth_without_overflowing_the_stack() {
        let deep = "[".repeat(100_000);
        let (code, under, _) = parse_err(&deep);
        assert_eq!((code, under.as_str()), ("E0106", "["));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        parse_ok(&ok);
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse_err(&too_deep).0, "E0106");
    }

    #[test]
    fn never_panics_on_truncated_input() {
        let text = r#"{"resources": {"a": {"type": "x\u00e9", "n": [1.5e-3, true, null, "\ud83d\ude00"]}}}"#;
        for end in 0..text.len() {
            if let Some(prefix) = text.get(..end) {
                let mut diags = Diagnostics::new();
                assert!(parse(FileId(0), prefix, &mut diags).is_none());
                assert!(diags.has_errors(), "prefix {prefix:?}");
            }
        }
    }
}
