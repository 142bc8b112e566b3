//! Bicep string values and their one escaping rule.
//!
//! A [`BicepStr`] is what a Bicep string property holds: literal text with `${...}`
//! interpolations. Views carry it as data; the Bicep source it stands for is written as it is
//! built (literal text escaped on the way in), so escaping happens in exactly one place and
//! printing it is one copy. Templates reach it through the filter [`filter`] (registered as
//! `bicep_string`); the fields of the per-app views, which are most of the output, are
//! rendered by it ([`Literal`]) when the view is built (`view::Source`) and printed as they
//! are. Literal text is escaped by [`escape`]: `\` `'` newlines, tabs and other control
//! characters, and `${` (which would otherwise start an interpolation).

use std::fmt::Write;

use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr};
use minijinja::{Error, ErrorKind, Value};

/// A Bicep string value: literal text and interpolated expressions, in order.
///
/// Templates see it as an opaque object that only the `bicep_string` filter can print.
/// It holds its Bicep source between the quotes: values are built once and printed once, and
/// a list of pieces, each in a string of its own, to be escaped when printed, cost more than
/// everything else done with them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BicepStr {
    /// Literal text escaped, expressions as `${...}`.
    body: String,
    shape: Shape,
}

/// What a [`BicepStr`] is made of, as far as printing it cares: one expression alone is
/// printed bare (Bicep's `simplify-interpolation` rule), anything else quoted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Shape {
    #[default]
    Empty,
    LoneExpr,
    Quoted,
}

impl Object for BicepStr {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }
}

impl BicepStr {
    /// An empty value with room for `bytes` of source.
    pub(crate) fn with_capacity(bytes: usize) -> BicepStr {
        BicepStr {
            body: String::with_capacity(bytes),
            shape: Shape::Empty,
        }
    }

    pub(crate) fn text(text: impl AsRef<str>) -> BicepStr {
        let mut out = BicepStr::default();
        out.push_text(text.as_ref());
        out
    }

    pub(crate) fn expr(expr: impl AsRef<str>) -> BicepStr {
        let mut out = BicepStr::default();
        out.push_expr(expr);
        out
    }

    /// Appends literal text, escaped as if it were joined to the text before it.
    pub(crate) fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        // A `$` at the end of the body is literal text (an expression ends with `}`) and was
        // left as it is, as nothing followed it: a `{` makes it the start of a `${`.
        if text.starts_with('{') && self.body.ends_with('$') {
            self.body.insert(self.body.len() - 1, '\\');
        }
        escape_into(&mut self.body, text);
        self.shape = Shape::Quoted;
    }

    /// Appends an expression (already valid Bicep), interpolated as `${...}`.
    pub(crate) fn push_expr(&mut self, expr: impl AsRef<str>) {
        self.body.push_str("${");
        self.body.push_str(expr.as_ref());
        self.body.push('}');
        self.shape = match self.shape {
            Shape::Empty => Shape::LoneExpr,
            Shape::LoneExpr | Shape::Quoted => Shape::Quoted,
        };
    }

    /// The Bicep source of this value (what the filter prints).
    pub(crate) fn to_bicep(&self) -> String {
        match self.shape {
            Shape::LoneExpr => self
                .body
                .get(2..self.body.len() - 1)
                .unwrap_or_default()
                .to_string(),
            Shape::Empty | Shape::Quoted => quoted(&self.body),
        }
    }
}

/// `'body'`.
fn quoted(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2);
    out.push('\'');
    out.push_str(body);
    out.push('\'');
    out
}

/// A string a view holds that templates print as Bicep source: plain text (a literal), or a
/// [`BicepStr`].
pub(crate) trait Literal {
    /// Its Bicep source, exactly what the `bicep_string` filter prints for it.
    fn to_literal(&self) -> String;
}

impl Literal for str {
    fn to_literal(&self) -> String {
        let mut out = String::with_capacity(self.len() + 2);
        out.push('\'');
        escape_into(&mut out, self);
        out.push('\'');
        out
    }
}

impl Literal for String {
    fn to_literal(&self) -> String {
        self.as_str().to_literal()
    }
}

impl Literal for &str {
    fn to_literal(&self) -> String {
        (*self).to_literal()
    }
}

impl Literal for BicepStr {
    fn to_literal(&self) -> String {
        self.to_bicep()
    }
}

/// Escapes literal text for a single-quoted Bicep string (without the quotes).
///
/// Bicep's escapes are `\\`, `\'`, `\n`, `\r`, `\t`, `\$` and `\u{hex}`. `$` only needs one
/// when `{` follows; other control characters (and the invisible line/paragraph separators
/// and BOM) use `\u{...}` so the file stays one visible line per property.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// The bytes after which [`escape_into`] must look closer: all but printable ASCII, and
/// `\\`, `'` and `$`.
const MAY_ESCAPE: [bool; 256] = {
    let mut table = [true; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = matches!(b as u8, b'\\' | b'\'' | b'$');
        b += 1;
    }
    table
};

/// [`escape`], appending to `out`. Runs of characters that need no escape are copied whole.
fn escape_into(out: &mut String, text: &str) {
    // Nearly all text is plain ASCII with nothing to escape: one byte scan proves it (a table
    // lookup per byte; this runs for every string of the output). Any other byte (a `$`, a
    // control, the start of a non-ASCII character) takes the exact path.
    if !text.bytes().any(|b| MAY_ESCAPE[usize::from(b)]) {
        out.push_str(text);
        return;
    }
    let mut plain_from = 0;
    for (at, c) in text.char_indices() {
        // `Some` for a short escape, `None` for a `\u{...}` one.
        let escape = match c {
            '\\' => Some("\\\\"),
            '\'' => Some("\\'"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '$' if text.as_bytes().get(at + 1) == Some(&b'{') => Some("\\$"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => None,
            _ => continue,
        };
        out.push_str(text.get(plain_from..at).unwrap_or_default());
        plain_from = at + c.len_utf8();
        match escape {
            Some(escape) => out.push_str(escape),
            // Writing into a String cannot fail.
            None => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
        }
    }
    out.push_str(text.get(plain_from..).unwrap_or_default());
}

/// The `bicep_string` template filter: a plain string becomes a quoted literal; a
/// [`BicepStr`] becomes a literal with interpolations. Anything else is a bug in a view,
/// reported as a render error.
pub(crate) fn filter(value: Value) -> Result<String, Error> {
    if let Some(text) = value.as_str() {
        return Ok(text.to_literal());
    }
    match value.downcast_object_ref::<BicepStr>() {
        Some(bicep) => Ok(bicep.to_bicep()),
        None => Err(not_a_string(&value)),
    }
}

fn not_a_string(value: &Value) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "bicep_string expects a string or a Bicep string value, got {}",
            value.kind()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece of a string literal as [`parse_literal`] reads it back.
    #[derive(Debug, PartialEq, Eq)]
    enum Piece {
        Text(String),
        Expr(String),
    }

    /// An independent reader of single-quoted Bicep string literals (the subset the escaper
    /// emits, plus `${`): returns the pieces, or an error for what Bicep would reject.
    fn parse_literal(source: &str) -> Result<Vec<Piece>, String> {
        let inner = source
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .ok_or_else(|| format!("not quoted: {source}"))?;
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('\\') => text.push('\\'),
                    Some('\'') => text.push('\''),
                    Some('n') => text.push('\n'),
                    Some('r') => text.push('\r'),
                    Some('t') => text.push('\t'),
                    Some('$') => text.push('$'),
                    Some('u') => {
                        if chars.next() != Some('{') {
                            return Err("bad \\u".into());
                        }
                        let hex: String = chars.by_ref().take_while(|&h| h != '}').collect();
                        let code = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                        text.push(char::from_u32(code).ok_or("bad code point")?);
                    }
                    other => return Err(format!("unknown escape {other:?}")),
                },
                '\'' => return Err("unescaped quote".into()),
                '\n' | '\r' => return Err("raw newline".into()),
                '$' if chars.peek() == Some(&'{') => {
                    chars.next();
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    let expr: String = chars.by_ref().take_while(|&h| h != '}').collect();
                    pieces.push(Piece::Expr(expr));
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(pieces)
    }

    fn round_trip(text: &str) {
        let rendered = BicepStr::text(text).to_bicep();
        let parsed = parse_literal(&rendered).unwrap_or_else(|e| panic!("{rendered}: {e}"));
        let expected = if text.is_empty() {
            vec![]
        } else {
            vec![Piece::Text(text.to_string())]
        };
        assert_eq!(parsed, expected, "{text:?} rendered as {rendered}");
        assert!(
            !rendered.contains('\n') && !rendered.contains('\r'),
            "{rendered}"
        );
    }

    #[test]
    fn escapes_the_characters_bicep_treats_specially() {
        assert_eq!(escape("it's"), "it\\'s");
        assert_eq!(escape("C:\\temp"), "C:\\\\temp");
        assert_eq!(escape("${x}"), "\\${x}");
        assert_eq!(escape("$5 and {x}"), "$5 and {x}");
        assert_eq!(escape("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(escape("bell\u{7}"), "bell\\u{7}");
        assert_eq!(escape("naïve 日本 🚀"), "naïve 日本 🚀");
    }

    #[test]
    fn every_escaped_literal_reads_back_as_the_original() {
        for text in [
            "",
            "plain",
            "it's 'quoted'",
            "back\\slash\\",
            "${not.an.expression}",
            "$${double}",
            "$",
            "{}",
            "line1\nline2\r\n\ttabbed",
            "nul\u{0}del\u{7f}c1\u{85}",
            "sep\u{2028}\u{2029}\u{feff}",
            "unicode: é ß 日本語 🚀 \u{10ffff}",
            "\\'${'}\\",
        ] {
            round_trip(text);
        }
        // Every short string over a tricky alphabet.
        let alphabet = ['\\', '\'', '$', '{', '}', '\n', 'a', 'é'];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    round_trip(&format!("{a}{b}{c}"));
                }
            }
        }
    }

    #[test]
    fn interpolations_stay_expressions_and_text_around_them_is_escaped() {
        let mut value = BicepStr::text("Host=");
        value.push_expr("pg.properties.fullyQualifiedDomainName");
        value.push_text(";Password='$");
        value.push_text("{x}");
        value.push_expr("uriComponent(pg_password)");
        let rendered = value.to_bicep();
        assert_eq!(
            rendered,
            "'Host=${pg.properties.fullyQualifiedDomainName};Password=\\'\\${x}${uriComponent(pg_password)}'"
        );
        assert_eq!(
            parse_literal(&rendered).unwrap(),
            vec![
                Piece::Text("Host=".into()),
                Piece::Expr("pg.properties.fullyQualifiedDomainName".into()),
                Piece::Text(";Password='${x}".into()),
                Piece::Expr("uriComponent(pg_password)".into()),
            ]
        );
    }

    #[test]
    fn a_lone_expression_is_printed_bare_and_empty_is_two_quotes() {
        assert_eq!(BicepStr::expr("api_key").to_bicep(), "api_key");
        assert_eq!(BicepStr::default().to_bicep(), "''");
    }

    #[test]
    fn view_sources_are_exactly_what_the_filter_prints() {
        use crate::view::Source;
        let through_filter =
            |v: Value| filter(v).unwrap_or_else(|e| panic!("the filter failed: {e}"));
        let plain = "a'b\\c$";
        assert_eq!(
            Source::of(plain).as_str(),
            through_filter(Value::from(plain))
        );
        let mut value = BicepStr::text("it's ${x}\n");
        value.push_expr("p");
        let expected = through_filter(Value::from_object(value.clone()));
        assert_eq!(expected, "'it\\'s \\${x}\\n${p}'");
        assert_eq!(Source::of(&value).as_str(), expected);
    }

    #[test]
    fn the_filter_reads_strings_and_bicep_values_and_rejects_the_rest() {
        let mut value = BicepStr::text("a'");
        value.push_expr("x");
        assert_eq!(filter(Value::from_object(value)).unwrap(), "'a\\'${x}'");
        assert_eq!(filter(Value::from("${y}")).unwrap(), "'\\${y}'");
        assert!(filter(Value::from(3)).is_err());
        assert!(filter(Value::from(true)).is_err());
        assert!(filter(Value::UNDEFINED).is_err());
    }
}
