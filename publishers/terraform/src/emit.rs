//! Text output: one `.tf` file from hcl-rs blocks, formatted the way `terraform fmt` formats it.
//!
//! hcl-rs formats structure but not layout details: it neither aligns the `=` of consecutive
//! attributes nor writes an empty block as `{}`, and it has no comments. [`TfFile`] formats
//! each top-level block on its own, so comments can sit between blocks, and [`align`] then does
//! what `terraform fmt` does. Quoted templates are built here too ([`template`]), because
//! hcl-rs escapes template literals for `${` but not for quotes and backslashes.

use hcl::expr::{FuncCall, TemplateExpr, Traversal, Variable};
use hcl::{Block, Expression, Identifier};

/// A `.tf` file under construction: top-level blocks, each with optional comment lines.
#[derive(Default)]
pub(crate) struct TfFile {
    items: Vec<(Vec<String>, Block)>,
}

impl TfFile {
    pub(crate) fn push(&mut self, block: Block) {
        self.items.push((Vec::new(), block));
    }

    /// Adds a block preceded by `# ` comment lines that say why it looks the way it does.
    pub(crate) fn push_commented(&mut self, comment: Vec<String>, block: Block) {
        self.items.push((comment, block));
    }

    /// The file text: the header comment, then every block, separated by blank lines.
    pub(crate) fn render(&self, header: &str) -> Result<String, hcl::Error> {
        let mut out = String::new();
        align_into(&mut out, &format!("# {header}\n"));
        // Each item (blank line, comments, block) is formatted and aligned on its own, in one
        // reused buffer: the file is never held twice. A run of aligned attributes cannot
        // cross items, since each one ends with its block's closing `}` line.
        let mut item = String::new();
        for (comment, block) in &self.items {
            item.clear();
            item.push('\n');
            for line in comment {
                item.push_str("# ");
                item.push_str(line);
                item.push('\n');
            }
            item.push_str(&hcl::format::to_string(block)?);
            if !item.ends_with('\n') {
                item.push('\n');
            }
            align_into(&mut out, &item);
        }
        Ok(out)
    }
}

/// Aligns the `=` of consecutive single-line attributes and writes empty blocks as `{}`, as
/// `terraform fmt` does. An attribute whose value opens a multi-line array or object, a blank
/// line, or any other line ends a run of aligned attributes.
#[cfg(test)]
pub(crate) fn align(text: &str) -> String {
    let mut out = String::new();
    align_into(&mut out, text);
    out
}

/// [`align`], appending to `out`.
fn align_into(out: &mut String, text: &str) {
    let mut run: Vec<(&str, &str, &str)> = Vec::new();
    for line in text.lines() {
        if let Some(attribute) = single_line_attribute(line) {
            run.push(attribute);
            continue;
        }
        write_run(out, &mut run);
        match line.strip_suffix("{  }") {
            Some(head) => {
                out.push_str(head);
                out.push_str("{}");
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    write_run(out, &mut run);
}

/// Writes (and empties) a run of `(indent, key, value)` attributes with their `=` aligned.
fn write_run(out: &mut String, run: &mut Vec<(&str, &str, &str)>) {
    let width = run
        .iter()
        .map(|(_, key, _)| key.chars().count())
        .max()
        .unwrap_or(0);
    for (indent, key, value) in run.drain(..) {
        out.push_str(indent);
        out.push_str(key);
        out.extend(std::iter::repeat_n(' ', width - key.chars().count()));
        out.push_str(" = ");
        out.push_str(value);
        out.push('\n');
    }
}

/// `(indent, key, value)` of a line `key = value` whose value ends on the same line.
fn single_line_attribute(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.trim_start_matches(' ');
    let indent = &line[..line.len() - rest.len()];
    let key_len = if rest.starts_with('"') {
        quoted_len(rest)?
    } else {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?
    };
    if key_len == 0 {
        return None;
    }
    let (key, after) = rest.split_at(key_len);
    let value = after.strip_prefix(" = ")?;
    if value.ends_with(['{', '[', '(']) {
        return None;
    }
    Some((indent, key, value))
}

/// The byte length of the quoted string at the start of `text`, quotes included.
fn quoted_len(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i + 1),
            (false, _) => {}
        }
    }
    None
}

/// A piece of a string value: literal text, or an expression interpolated into it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Piece {
    Text(String),
    Expr(Expression),
}

/// User text as a string expression that Terraform reads back as exactly that text.
pub(crate) fn text(value: &str) -> Expression {
    template(&[Piece::Text(value.to_string())])
}

/// The expression for a string made of `pieces`: a plain string when it is all text, the
/// expression itself when it is one expression (`terraform fmt` unwraps `"${x}"`), else a
/// quoted template in which literal text is escaped exactly once.
pub(crate) fn template(pieces: &[Piece]) -> Expression {
    match pieces {
        [] => Expression::String(String::new()),
        [Piece::Expr(expr)] => expr.clone(),
        _ if pieces.iter().all(|p| matches!(p, Piece::Text(_))) => {
            let text: String = pieces
                .iter()
                .map(|p| {
                    if let Piece::Text(t) = p {
                        t.as_str()
                    } else {
                        ""
                    }
                })
                .collect();
            if text.contains("${") || text.contains("%{") {
                // hcl-rs's writer (hcl-primitives `escape_markers`) skips the character after
                // every `$`/`%`, so in `%${%%{` the second `%{` stays unescaped and Terraform
                // reads `%{`: escape the markers here, once (found by tests/it/props.rs).
                let mut raw = String::new();
                escape_literal(&text, &mut raw);
                return Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw)));
            }
            Expression::String(text)
        }
        _ => {
            let mut raw = String::new();
            for (index, piece) in pieces.iter().enumerate() {
                match piece {
                    Piece::Text(text) => {
                        let before_expr = matches!(pieces.get(index + 1), Some(Piece::Expr(_)));
                        let head = text.trim_end_matches(['$', '%']);
                        match Some(head).filter(|head| before_expr && head.len() < text.len()) {
                            // `$` right before `${` would read as the escape `$${`: the
                            // marker characters go in as an interpolated string instead, the
                            // whole run of them, or the one before would meet the `${` of
                            // that string (`$$` then `{p}` was written `$${"$"}`).
                            Some(head) => {
                                escape_literal(head, &mut raw);
                                raw.push_str(&format!("${{\"{}\"}}", &text[head.len()..]));
                            }
                            None => escape_literal(text, &mut raw),
                        }
                    }
                    Piece::Expr(expr) => {
                        raw.push_str("${");
                        raw.push_str(&expression_text(expr));
                        raw.push('}');
                    }
                }
            }
            Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw)))
        }
    }
}

/// Escapes literal text for the inside of a quoted template: quotes, backslashes and control
/// characters as in a string, and the template markers `${` and `%{` doubled.
fn escape_literal(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// The HCL text of an expression (for use inside a template interpolation).
fn expression_text(expr: &Expression) -> String {
    // Formatting an in-memory expression writes to a Vec and cannot fail in practice; an empty
    // interpolation would be caught by the parse-back test.
    hcl::format::to_string(expr).unwrap_or_default()
}

/// `root.attr1.attr2...`, for example `azurerm_resource_group.rg.name`.
pub(crate) fn traversal(root: &str, attrs: &[&str]) -> Expression {
    let mut builder = Traversal::builder(Variable::from(Identifier::sanitized(root)));
    for attr in attrs {
        builder = builder.attr(Identifier::sanitized(*attr));
    }
    Expression::Traversal(Box::new(builder.build()))
}

/// A function call `name(args...)`.
pub(crate) fn call(name: &str, args: Vec<Expression>) -> Expression {
    let mut builder = FuncCall::builder(Identifier::sanitized(name));
    for arg in args {
        builder = builder.arg(arg);
    }
    Expression::FuncCall(Box::new(builder.build()))
}

/// An object expression with identifier keys, in the given order.
pub(crate) fn object(entries: Vec<(&str, Expression)>) -> Expression {
    Expression::Object(
        entries
            .into_iter()
            .map(|(k, v)| (hcl::ObjectKey::Identifier(Identifier::sanitized(k)), v))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_of_single_line_attributes_only() {
        let text =
            "x {\n  a = 1\n  bbb = 2\n  c = {\n    dd = 1\n    e = 2\n  }\n  f = 3\n  g {  }\n}\n";
        assert_eq!(
            align(text),
            "x {\n  a   = 1\n  bbb = 2\n  c = {\n    dd = 1\n    e  = 2\n  }\n  f = 3\n  g {}\n}\n"
        );
    }

    #[test]
    fn quoted_keys_count_whole() {
        assert_eq!(
            align("  \"a b\" = 1\n  c = 2\n"),
            "  \"a b\" = 1\n  c     = 2\n"
        );
    }

    #[test]
    fn literal_text_is_escaped_exactly_once() {
        let pieces = [
            Piece::Text("a${b} %{c} \"q\" \\ $x %y\n".into()),
            Piece::Expr(traversal("var", &["p"])),
            Piece::Text("$".into()),
        ];
        let Expression::TemplateExpr(t) = template(&pieces) else {
            panic!("expected a template")
        };
        assert_eq!(
            t.to_string(),
            "a$${b} %%{c} \\\"q\\\" \\\\ $x %y\\n${var.p}$"
        );
    }

    #[test]
    fn plain_text_with_adjacent_markers_is_escaped_once() {
        // Terraform reads `%`, `$${` as `${`, `%`, `%%{` as `%{`: the original text.
        let Expression::TemplateExpr(t) = template(&[Piece::Text("%${%%{".into())]) else {
            panic!("expected a template")
        };
        assert_eq!(t.to_string(), "%$${%%%{");
    }

    #[test]
    fn a_marker_character_before_an_interpolation_stays_literal() {
        let pieces = [
            Piece::Text("cost: $".into()),
            Piece::Expr(traversal("var", &["p"])),
        ];
        let Expression::TemplateExpr(t) = template(&pieces) else {
            panic!("expected a template")
        };
        assert_eq!(t.to_string(), "cost: ${\"$\"}${var.p}");
        let pieces = [
            Piece::Text("$$".into()),
            Piece::Expr(traversal("var", &["p"])),
        ];
        let Expression::TemplateExpr(t) = template(&pieces) else {
            panic!("expected a template")
        };
        assert_eq!(t.to_string(), "${\"$$\"}${var.p}");
    }

    #[test]
    fn plain_strings_and_single_expressions_are_not_templates() {
        assert_eq!(
            template(&[Piece::Text("x $y".into())]),
            Expression::String("x $y".into())
        );
        assert_eq!(
            template(&[Piece::Expr(traversal("var", &["p"]))]),
            traversal("var", &["p"])
        );
    }
}
