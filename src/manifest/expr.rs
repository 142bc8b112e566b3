//! Manifest strings to [`Template`]s, under the manifest's own brace rules, and the
//! `annotated.string` aliases they may use.
//!
//! Aspire writes a manifest value by formatting the expression with its placeholders
//! replaced, so literal braces come out unescaped: a YARP route is written as
//! `"/catalog/{**catch-all}"`, and `{{` means two braces. The `model.toml` rules of
//! [`Template::parse`] (where `{{` is an escape and any other `{...}` must be an expression)
//! would reject or change such text. Here `{a.b...}` is an expression exactly when its inside
//! has the shape Aspire writes, a name and at least one property (`[A-Za-z0-9_-]+` pieces
//! joined by `.`); every other brace is literal text.
//!
//! An `annotated.string` with filter `uri` is a parameter seen through URI encoding
//! (`{pw-uri-encoded.value}`). It is not a resource: each use is rewritten to the expression it
//! wraps, marked [`Encoding::Uri`] so the resolve pass encodes the value.

use std::collections::{BTreeMap, BTreeSet};

use ir::checked::Encoding;
use ir::expr::{Expr, Segment, Template};
use ir::{Diagnostics, Span, Spanned, codes};

use super::json::Str;

/// The suffix Aspire gives an `annotated.string` named after its parameter.
const URI_ENCODED_SUFFIX: &str = "-uri-encoded";

/// What expressions may refer to, beyond what the ir checks itself.
#[derive(Default)]
pub(super) struct Scope {
    /// `annotated.string` name (lower case) to the expression it wraps, already URI-marked.
    aliases: BTreeMap<String, Expr>,
    /// Every name the manifest declares (lower case), resources and parameters alike.
    declared: BTreeSet<String>,
    /// The names of `parameter.v0` entries (lower case).
    parameters: BTreeSet<String>,
}

impl Scope {
    pub(super) fn declare(&mut self, name: &str, is_parameter: bool) {
        let lower = name.to_ascii_lowercase();
        if is_parameter {
            self.parameters.insert(lower.clone());
        }
        self.declared.insert(lower);
    }

    /// Whether the manifest has an entry named `name` (any case).
    pub(super) fn declares(&self, name: &str) -> bool {
        self.declared.contains(&name.to_ascii_lowercase())
    }

    /// Records `name` as the URI-encoded form of `inner`.
    pub(super) fn alias(&mut self, name: &str, mut inner: Expr) {
        inner.encoding = Encoding::Uri;
        self.aliases.insert(name.to_ascii_lowercase(), inner);
    }

    /// A manifest string value (`span` covers the whole token) as a template, with aliases
    /// resolved.
    pub(super) fn template(&self, s: &Str, span: Span, diags: &mut Diagnostics) -> Template {
        let mut template = split(s, span);
        for segment in &mut template.segments {
            if let Segment::Expr(expr) = segment {
                self.resolve_alias(expr, diags);
            }
        }
        template
    }

    /// Rewrites `{alias.value}` to the aliased expression, keeping the spans of what was
    /// written so diagnostics still point at the use.
    fn resolve_alias(&self, expr: &mut Expr, diags: &mut Diagnostics) {
        let lower = expr.target.value.to_ascii_lowercase();
        let inner = match self.aliases.get(&lower) {
            Some(inner) => inner.clone(),
            None => match self.implicit_alias(&lower) {
                Some(parameter) => Expr {
                    target: Spanned::new(parameter.to_string(), expr.target.span),
                    path: vec![Spanned::new("value".to_string(), expr.span)],
                    span: expr.span,
                    encoding: Encoding::Uri,
                },
                None => return,
            },
        };
        if !matches!(expr.path.as_slice(), [p] if p.value == "value") {
            diags
                .report(
                    codes::UNKNOWN_PROPERTY,
                    expr.path.first().map_or(expr.span, |p| p.span),
                    format!(
                        "`{}` has no property `{}`",
                        expr.target.value,
                        path_text(expr)
                    ),
                )
                .with_label("unknown property")
                .with_help(format!(
                    "a URI-encoded string offers only `{{{}.value}}`",
                    expr.target.value
                ));
            return;
        }
        let path_span = expr.path.first().map_or(expr.span, |p| p.span);
        *expr = Expr {
            target: Spanned::new(inner.target.value, expr.target.span),
            path: inner
                .path
                .into_iter()
                .map(|p| Spanned::new(p.value, path_span))
                .collect(),
            span: expr.span,
            encoding: Encoding::Uri,
        };
    }

    /// `{p-uri-encoded.value}` where no such entry exists but parameter `p` does: older
    /// Aspire versions wrote the reference without declaring the `annotated.string`. The
    /// name is Aspire's fixed convention, so its meaning is not in doubt.
    fn implicit_alias<'n>(&self, lower: &'n str) -> Option<&'n str> {
        if self.declared.contains(lower) {
            return None;
        }
        let parameter = lower.strip_suffix(URI_ENCODED_SUFFIX)?;
        self.parameters.contains(parameter).then_some(parameter)
    }
}

fn path_text(expr: &Expr) -> String {
    expr.path
        .iter()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// Splits a decoded string into text and expressions by the manifest rules (see the module
/// documentation). Never reports: a brace that is not an expression is text.
pub(super) fn split(s: &Str, span: Span) -> Template {
    let text = &s.text;
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut rest_start = 0;
    let mut search = 0;
    while let Some(open) = text[search..].find('{').map(|i| i + search) {
        let expr = text[open + 1..]
            .find('}')
            .and_then(|close| expression(s, open, open + 1 + close));
        match expr {
            Some(expr) => {
                literal.push_str(&text[rest_start..open]);
                if !literal.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut literal)));
                }
                let end = expr.span_end;
                segments.push(Segment::Expr(expr.expr));
                rest_start = end;
                search = end;
            }
            None => search = open + 1,
        }
    }
    literal.push_str(&text[rest_start..]);
    if !literal.is_empty() {
        segments.push(Segment::Text(literal));
    }
    Template { segments, span }
}

struct Found {
    expr: Expr,
    /// The decoded offset just after the closing brace.
    span_end: usize,
}

/// The expression between the braces at `open` and `close`, if the inside has the shape
/// `name.property[.more]`.
fn expression(s: &Str, open: usize, close: usize) -> Option<Found> {
    let inner = &s.text[open + 1..close];
    let mut pieces = Vec::new();
    let mut start = open + 1;
    for piece in inner.split('.') {
        let valid = !piece.is_empty()
            && piece
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return None;
        }
        pieces.push(Spanned::new(
            piece.to_string(),
            s.span(start, start + piece.len()),
        ));
        start += piece.len() + 1;
    }
    if pieces.len() < 2 {
        return None;
    }
    let mut pieces = pieces.into_iter();
    let target = pieces.next()?;
    Some(Found {
        expr: Expr {
            target,
            path: pieces.collect(),
            span: s.span(open, close + 1),
            encoding: Encoding::Raw,
        },
        span_end: close + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::json::{self, Value};
    use ir::FileId;

    /// Parses `text` (a JSON string literal) and splits it with `scope`.
    fn template(scope: &Scope, text: &str) -> (Template, Diagnostics) {
        let mut diags = Diagnostics::new();
        let node = json::parse(FileId(0), text, &mut diags).expect("valid JSON");
        let Value::String(s) = &node.value else {
            panic!("a string")
        };
        let t = scope.template(s, node.span, &mut diags);
        (t, diags)
    }

    fn shape(t: &Template) -> Vec<String> {
        t.segments
            .iter()
            .map(|s| match s {
                Segment::Text(t) => format!("text:{t}"),
                Segment::Expr(e) => format!(
                    "expr:{}{}",
                    e.text(),
                    if e.encoding == Encoding::Uri {
                        ":uri"
                    } else {
                        ""
                    }
                ),
            })
            .collect()
    }

    #[test]
    fn braces_that_are_not_expressions_stay_literal() {
        let (t, diags) = template(
            &Scope::default(),
            r#""/catalog/{**catch-all} {x} {{a.value}} {}""#,
        );
        assert!(diags.is_empty());
        assert_eq!(
            shape(&t),
            [
                "text:/catalog/{**catch-all} {x} {",
                "expr:a.value",
                "text:} {}"
            ]
        );
    }

    #[test]
    fn expression_spans_point_into_escaped_source() {
        let text = r#""caf\u00e9=\"{pg.bindings.tcp.host}\"""#;
        let (t, _) = template(&Scope::default(), text);
        let Segment::Expr(e) = &t.segments[1] else {
            panic!("an expression")
        };
        let at = |span: Span| &text[span.start as usize..span.end as usize];
        assert_eq!(at(e.span), "{pg.bindings.tcp.host}");
        assert_eq!(at(e.target.span), "pg");
        assert_eq!(at(e.path[2].span), "host");
        assert_eq!(at(t.span), text);
    }

    #[test]
    fn uri_aliases_become_encoded_parameter_reads() {
        let mut scope = Scope::default();
        scope.declare("pw", true);
        scope.declare("pw-uri-encoded", false);
        scope.declare("old", true);
        let (inner, _) = template(&scope, r#""{pw.value}""#);
        let Some(Segment::Expr(inner)) = inner.segments.into_iter().next() else {
            panic!("an expression")
        };
        scope.alias("pw-uri-encoded", inner);
        let (t, diags) = template(
            &scope,
            r#""amqp://u:{PW-uri-encoded.value}@{old-uri-encoded.value}""#,
        );
        assert!(diags.is_empty());
        assert_eq!(
            shape(&t),
            [
                "text:amqp://u:",
                "expr:pw.value:uri",
                "text:@",
                "expr:old.value:uri"
            ]
        );
        let Segment::Expr(e) = &t.segments[1] else {
            panic!("an expression")
        };
        assert_eq!(
            (e.target.span.start, e.target.span.end),
            (11, 25),
            "the span of what was written"
        );
        let (_, diags) = template(&scope, r#""{pw-uri-encoded.inputs.value}""#);
        assert_eq!(diags.iter().next().map(|d| d.code.id), Some("E0305"));
        // Not a parameter: no implicit alias.
        let (t, _) = template(&scope, r#""{cache-uri-encoded.value}""#);
        assert_eq!(shape(&t), ["expr:cache-uri-encoded.value"]);
    }
}
