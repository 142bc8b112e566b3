//! Strings with `{...}` expressions: parsing them into literal text and expression segments.
//!
//! The syntax is shared by `model.toml` and Aspire manifests: `{name.path.to.property}`, with
//! `{{` and `}}` for literal braces. This module only splits and checks the shape; what a
//! name or property means is decided by the resolve pass.

use crate::checked::Encoding;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::span::{Span, Spanned};

/// A user-written string that may contain expressions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub segments: Vec<Segment>,
    /// The span of the whole string value.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Expr(Expr),
}

/// `{target.path...}`: the target is a resource or parameter name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub target: Spanned<String>,
    pub path: Vec<Spanned<String>>,
    /// The span of the expression including its braces.
    pub span: Span,
    /// How the value is encoded where it is used: [`Encoding::Uri`] for a manifest's
    /// `annotated.string` with filter `uri`; always [`Encoding::Raw`] from [`Template::parse`].
    pub encoding: Encoding,
}

impl Expr {
    /// The expression as written, without braces.
    pub fn text(&self) -> String {
        let mut out = self.target.value.clone();
        for part in &self.path {
            out.push('.');
            out.push_str(&part.value);
        }
        out
    }
}

impl Template {
    /// A string taken as it is, with no expressions.
    pub fn literal(text: impl Into<String>, span: Span) -> Template {
        let text = text.into();
        let segments = if text.is_empty() {
            Vec::new()
        } else {
            vec![Segment::Text(text)]
        };
        Template { segments, span }
    }

    /// Parses `text`. `locate(start, end)` maps a byte range of `text` (the decoded string)
    /// to a span in the source, so that an expression inside an escaped string is still
    /// pointed at exactly. Errors go to `diags`; the result keeps the well-formed parts.
    pub fn parse(
        text: &str,
        span: Span,
        locate: &dyn Fn(usize, usize) -> Span,
        diags: &mut Diagnostics,
    ) -> Template {
        // Sized once for the most segments `text` can give: an expression per `{`, each after
        // a text, and a final text. (Grown step by step, the vectors of all templates of a
        // large model held megabytes of unused capacity.)
        let opens = text.bytes().filter(|&b| b == b'{').count();
        let mut segments = Vec::with_capacity(2 * opens + 1);
        let mut literal = String::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'{' if bytes.get(i + 1) == Some(&b'{') => {
                    literal.push('{');
                    i += 2;
                }
                b'}' if bytes.get(i + 1) == Some(&b'}') => {
                    literal.push('}');
                    i += 2;
                }
                b'{' => {
                    let Some(close) = text[i + 1..].find('}').map(|c| c + i + 1) else {
                        diags
                            .report(
                                codes::UNTERMINATED_EXPRESSION,
                                locate(i, text.len()),
                                "unterminated expression",
                            )
                            .with_label("this `{` is never closed")
                            .with_help(
                                "close the expression with `}`, or write `{{` for a literal `{`",
                            );
                        literal.push_str(&text[i..]);
                        break;
                    };
                    if let Some(expr) = parse_expr(text, i, close, locate, diags) {
                        if !literal.is_empty() {
                            segments.push(Segment::Text(std::mem::take(&mut literal)));
                        }
                        segments.push(Segment::Expr(expr));
                    }
                    i = close + 1;
                }
                b'}' => {
                    diags
                        .report(codes::INVALID_EXPRESSION, locate(i, i + 1), "unmatched `}`")
                        .with_label("no `{` opens this")
                        .with_help("write `}}` for a literal `}`");
                    literal.push('}');
                    i += 1;
                }
                _ => {
                    let next = text[i..].find(['{', '}']).map_or(text.len(), |n| n + i);
                    literal.push_str(&text[i..next]);
                    i = next;
                }
            }
        }
        if !literal.is_empty() {
            segments.push(Segment::Text(literal));
        }
        // The bound overestimates when expressions are adjacent or start the string.
        segments.shrink_to_fit();
        Template { segments, span }
    }

    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Expr(e) => Some(e),
            Segment::Text(_) => None,
        })
    }
}

fn parse_expr(
    text: &str,
    open: usize,
    close: usize,
    locate: &dyn Fn(usize, usize) -> Span,
    diags: &mut Diagnostics,
) -> Option<Expr> {
    let span = locate(open, close + 1);
    let inner = &text[open + 1..close];
    let mut target = None;
    // Sized once: one property per `.`.
    let mut path = Vec::with_capacity(inner.bytes().filter(|&b| b == b'.').count());
    let mut start = open + 1;
    for piece in inner.split('.') {
        let valid = !piece.is_empty()
            && piece
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            diags
                .report(codes::INVALID_EXPRESSION, span, format!("invalid expression `{{{inner}}}`"))
                .with_label("expected `{name.property}`")
                .with_help("names and properties are letters, digits, `-` and `_`, separated by `.`; write `{{` for a literal `{`");
            return None;
        }
        let part = Spanned::new(piece.to_string(), locate(start, start + piece.len()));
        if target.is_none() {
            target = Some(part);
        } else {
            path.push(part);
        }
        start += piece.len() + 1;
    }
    Some(Expr {
        target: target?,
        path,
        span,
        encoding: Encoding::Raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn parse(text: &str) -> (Template, Diagnostics) {
        let mut diags = Diagnostics::new();
        let base = Span::new(FileId(0), 10, 10 + text.len());
        let t = Template::parse(text, base, &|s, e| base.sub(s, e), &mut diags);
        (t, diags)
    }

    #[test]
    fn splits_text_and_expressions_with_exact_spans() {
        let (t, diags) = parse("Host={pg.bindings.tcp.host};x={{y}}");
        assert!(diags.is_empty());
        assert_eq!(t.segments.len(), 3);
        let Segment::Expr(e) = &t.segments[1] else {
            panic!("expected an expression")
        };
        assert_eq!(e.text(), "pg.bindings.tcp.host");
        assert_eq!((e.span.start, e.span.end), (15, 37));
        assert_eq!((e.target.span.start, e.target.span.end), (16, 18));
        assert_eq!(t.segments[2], Segment::Text(";x={y}".into()));
    }

    #[test]
    fn reports_unterminated_and_unmatched_braces() {
        let (_, diags) = parse("a{b.value");
        assert_eq!(diags.iter().next().map(|d| d.code.id), Some("E0104"));
        let (_, diags) = parse("a}b");
        assert_eq!(diags.iter().next().map(|d| d.code.id), Some("E0105"));
        let (_, diags) = parse("{a..b}");
        assert_eq!(diags.iter().next().map(|d| d.code.id), Some("E0105"));
    }
}
