//! Bicep string values and their one escaping rule.
//!
//! A [`BicepStr`] is what a Bicep string property holds: literal text with `${...}`
//! interpolations. Views carry it as data; only the template filter [`filter`] (registered as
//! `bicep_string`) turns it into Bicep source, so escaping happens in exactly one place.
//! Literal text is escaped by [`escape`]: `\` `'` newlines, tabs and other control characters,
//! and `${` (which would otherwise start an interpolation).

use minijinja::{Error, ErrorKind, Value, value::ValueKind};
use serde::Serialize;

/// A Bicep string value: literal text and interpolated expressions, in order.
///
/// It serializes as a list of `{"text": ...}` / `{"expr": ...}` maps, which the
/// `bicep_string` filter reads back. Adjacent text pieces are merged on push.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub(crate) struct BicepStr {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Piece {
    /// Literal text, escaped when rendered.
    Text(String),
    /// A Bicep expression (already valid Bicep), interpolated as `${...}`.
    Expr(String),
}

impl BicepStr {
    pub(crate) fn text(text: impl Into<String>) -> BicepStr {
        let mut out = BicepStr::default();
        out.push_text(text);
        out
    }

    pub(crate) fn expr(expr: impl Into<String>) -> BicepStr {
        let mut out = BicepStr::default();
        out.push_expr(expr);
        out
    }

    pub(crate) fn push_text(&mut self, text: impl Into<String>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        match self.pieces.last_mut() {
            Some(Piece::Text(last)) => last.push_str(&text),
            Some(Piece::Expr(_)) | None => self.pieces.push(Piece::Text(text)),
        }
    }

    pub(crate) fn push_expr(&mut self, expr: impl Into<String>) {
        self.pieces.push(Piece::Expr(expr.into()));
    }

    /// The Bicep source of this value (what the filter prints), for Rust-side use and tests.
    pub(crate) fn to_bicep(&self) -> String {
        render_pieces(self.pieces.iter().map(|p| match p {
            Piece::Text(t) => (false, t.as_str()),
            Piece::Expr(e) => (true, e.as_str()),
        }))
    }
}

/// Escapes literal text for a single-quoted Bicep string (without the quotes).
///
/// Bicep's escapes are `\\`, `\'`, `\n`, `\r`, `\t`, `\$` and `\u{hex}`. `$` only needs one
/// when `{` follows; other control characters (and the invisible line/paragraph separators
/// and BOM) use `\u{...}` so the file stays one visible line per property.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{{{:X}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// `(is_expr, text)` pieces to Bicep: one expression alone is printed bare (Bicep's
/// `simplify-interpolation` rule), anything else as a quoted, interpolated string.
/// Adjacent text is joined before escaping, so a `$` and a `{` in separate pieces still
/// get their escape.
fn render_pieces<'a>(pieces: impl Iterator<Item = (bool, &'a str)>) -> String {
    let pieces: Vec<(bool, &str)> = pieces.collect();
    if let [(true, expr)] = pieces.as_slice() {
        return (*expr).to_string();
    }
    let mut out = String::from("'");
    let mut text = String::new();
    for (is_expr, piece) in pieces {
        if is_expr {
            out.push_str(&escape(&std::mem::take(&mut text)));
            out.push_str("${");
            out.push_str(piece);
            out.push('}');
        } else {
            text.push_str(piece);
        }
    }
    out.push_str(&escape(&text));
    out.push('\'');
    out
}

/// The `bicep_string` template filter: a plain string becomes a quoted literal; a
/// [`BicepStr`] (a list of `text`/`expr` maps) becomes a literal with interpolations.
/// Anything else is a bug in a view, reported as a render error.
pub(crate) fn filter(value: Value) -> Result<String, Error> {
    if let Some(text) = value.as_str() {
        return Ok(render_pieces(std::iter::once((false, text))));
    }
    if value.kind() != ValueKind::Seq {
        return Err(not_a_string(&value));
    }
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for item in value.try_iter()? {
        let text = item.get_attr("text")?;
        let expr = item.get_attr("expr")?;
        match (text.as_str(), expr.as_str()) {
            (Some(t), None) => pieces.push((false, t.to_string())),
            (None, Some(e)) => pieces.push((true, e.to_string())),
            _ => return Err(not_a_string(&item)),
        }
    }
    Ok(render_pieces(
        pieces.iter().map(|(is_expr, s)| (*is_expr, s.as_str())),
    ))
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
    fn the_filter_reads_strings_and_serialized_values_and_rejects_the_rest() {
        let mut value = BicepStr::text("a'");
        value.push_expr("x");
        let serialized = Value::from(minijinja::value::Serde(&value));
        assert_eq!(filter(serialized).unwrap(), "'a\\'${x}'");
        assert_eq!(filter(Value::from("${y}")).unwrap(), "'\\${y}'");
        assert!(filter(Value::from(3)).is_err());
        assert!(filter(Value::from(true)).is_err());
        assert!(filter(Value::UNDEFINED).is_err());
    }
}
