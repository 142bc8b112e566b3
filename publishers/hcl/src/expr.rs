//! Expressions as HCL text: anything that is written on one line ([`Inline`]), and how string
//! values are quoted and escaped.
//!
//! Expressions are written straight into the output instead of being built as hcl-rs values
//! and formatted: at 10,000 services building and dropping those trees cost more than all
//! the rest of the target. The text is the one hcl-rs's formatter wrote, which the parse-back
//! tests read back with hcl-rs: a plain string is escaped as hcl-rs escapes it
//! ([`quote`]), and a quoted template is escaped here, once ([`Template`]).

use std::fmt::Write as _;

/// An expression written on one line: literals, references, calls and string templates.
pub trait Inline {
    fn write_to(&self, out: &mut String);
}

impl<T: Inline + ?Sized> Inline for &T {
    fn write_to(&self, out: &mut String) {
        (**self).write_to(out);
    }
}

/// A string literal (a name, a fixed setting): quoted as [`quote`] does.
impl Inline for str {
    fn write_to(&self, out: &mut String) {
        quote(self, out);
    }
}

impl Inline for String {
    fn write_to(&self, out: &mut String) {
        quote(self, out);
    }
}

impl Inline for bool {
    fn write_to(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl Inline for $t {
            fn write_to(&self, out: &mut String) {
                // Without `core::fmt`, which costs several times the digits themselves.
                out.push_str(itoa::Buffer::new().format(*self));
            }
        }
    )*};
}
integers!(u16, u32, u64);

/// HCL text written as it is: a keyword (`null`, the type `string`) or a number already
/// spelled as HCL spells it, or a reference that never changes.
#[derive(Clone, Copy)]
pub struct Raw<'a>(pub &'a str);

impl Inline for Raw<'_> {
    fn write_to(&self, out: &mut String) {
        out.push_str(self.0);
    }
}

/// A reference `root.attr1.attr2...`, for example `azurerm_resource_group.rg.name`. The root
/// is this target's own name (a resource type, `var`, `local`): like a key, it is written as
/// it is; the rest may come from the model and is sanitized.
#[derive(Clone, Copy)]
pub struct Ref<'a, const N: usize>(pub &'static str, pub [&'a str; N]);

impl<const N: usize> Inline for Ref<'_, N> {
    fn write_to(&self, out: &mut String) {
        debug_assert!(is_ascii_ident(self.0), "{}", self.0);
        out.push_str(self.0);
        for attr in self.1 {
            out.push('.');
            ident(attr, out);
        }
    }
}

/// A function call `name(arg, ...)` of a Terraform function, whose name is written as it is.
pub struct Call<'a>(pub &'static str, pub &'a [&'a dyn Inline]);

impl Inline for Call<'_> {
    fn write_to(&self, out: &mut String) {
        debug_assert!(is_ascii_ident(self.0), "{}", self.0);
        out.push_str(self.0);
        out.push('(');
        for (index, arg) in self.1.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            arg.write_to(out);
        }
        out.push(')');
    }
}

/// User text as a string expression that Terraform reads back as exactly that text.
#[derive(Clone, Copy)]
pub struct Text<'a>(pub &'a str);

impl Inline for Text<'_> {
    fn write_to(&self, out: &mut String) {
        write_text(self.0, out);
    }
}

/// The text of an expression.
pub fn to_text(expr: &dyn Inline) -> String {
    let mut out = String::new();
    expr.write_to(&mut out);
    out
}

/// An identifier (block type, attribute or object key, reference part) as hcl-rs's
/// `Identifier::sanitized` makes it: valid ones unchanged, others with `_` for every
/// character that may not appear there.
pub fn ident(name: &str, out: &mut String) {
    if is_ascii_ident(name) {
        out.push_str(name);
    } else {
        // Unicode identifiers and invalid ones (rare: names are mostly already labels) take
        // hcl-rs's own rules.
        out.push_str(hcl::Identifier::sanitized(name).as_str());
    }
}

/// Whether `name` is an ASCII identifier, which hcl-rs leaves as it is. Most names are: one
/// table look-up per byte decides it.
fn is_ascii_ident(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes
        .first()
        .is_some_and(|b| !b.is_ascii_digit() && *b != b'-')
        && bytes.iter().all(|b| IN_IDENT[usize::from(*b)])
}

/// The bytes of an ASCII identifier; it must not start with a digit or `-`.
const IN_IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        byte += 1;
    }
    table
};

/// A quoted string as hcl-rs writes `Expression::String`: `"`, `\` and control characters
/// below U+0020 escaped, and from the first `${` or `%{` on, its template-marker escaping,
/// which doubles the `$`/`%` of a marker but skips the character after every `$`/`%` (so it
/// misses one marker of `%${`; user text goes through [`Text`] and [`Template`] instead).
pub fn quote(value: &str, out: &mut String) {
    if let Err(Marker(at)) = quote_plain(value, out) {
        escape_markers(value.get(at..).unwrap_or_default(), out);
        out.push('"');
    }
}

/// Where the first template marker (`${` or `%{`) of a string starts.
struct Marker(usize);

/// [`quote`] of a string without template markers, in one pass: runs without anything to
/// escape are copied whole. At the first marker it stops, with the opening quote and the
/// text before the marker written, and says where the marker is.
fn quote_plain(value: &str, out: &mut String) -> Result<(), Marker> {
    out.push('"');
    let bytes = value.as_bytes();
    if !bytes.iter().any(|b| SPECIAL[usize::from(*b)]) {
        // Most strings (names, settings): nothing to escape.
        out.push_str(value);
        out.push('"');
        return Ok(());
    }
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if !SPECIAL[usize::from(byte)] {
            continue;
        }
        if byte != b'{' {
            out.push_str(value.get(start..index).unwrap_or_default());
            escape_char(char::from(byte), out);
            start = index + 1;
        } else if index > 0 && matches!(bytes.get(index - 1), Some(b'$' | b'%')) {
            // The marker starts at `index - 1`, an ASCII character: a character boundary.
            let at = index - 1;
            out.push_str(value.get(start..at).unwrap_or_default());
            return Err(Marker(at));
        }
    }
    out.push_str(value.get(start..).unwrap_or_default());
    out.push('"');
    Ok(())
}

/// The bytes [`quote`] looks at: what it escapes, and the `{` of a template marker.
const SPECIAL: [bool; 256] = controls_and(b"\"\\{");

/// hcl-rs's `escape_markers` from the first marker on, with the string escaping: the `$`/`%`
/// of a marker is doubled, and the character after every `$`/`%` is skipped.
fn escape_markers(rest: &str, out: &mut String) {
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        escape_char(c, out);
        if c == '$' || c == '%' {
            match chars.next() {
                Some('{') => {
                    out.push(c);
                    out.push('{');
                }
                Some(next) => escape_char(next, out),
                None => break,
            }
        }
    }
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if u32::from(c) < 0x20 => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// A string value made of literal text and interpolated expressions, built piece by piece
/// and written as the one expression `terraform fmt` keeps: a plain string when it is all
/// text, the expression itself when it is one expression (`"${x}"` is unwrapped), else a
/// quoted template in which literal text is escaped exactly once.
///
/// The pieces lie back to back in one string (expressions as HCL text), so building one
/// allocates nothing once a cleared template is reused.
#[derive(Clone, Debug, Default)]
pub struct Template {
    text: String,
    /// Where each piece ends in `text`, and whether it is an expression.
    ends: Vec<(usize, bool)>,
}

impl Template {
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Appends literal text (joined to literal text before it).
    pub fn text(&mut self, text: &str) -> &mut Template {
        if !text.is_empty() {
            self.text.push_str(text);
            match self.ends.last_mut() {
                Some((end, false)) => *end = self.text.len(),
                Some((_, true)) | None => self.ends.push((self.text.len(), false)),
            }
        }
        self
    }

    /// Appends an interpolated expression.
    pub fn expr(&mut self, expr: &dyn Inline) -> &mut Template {
        expr.write_to(&mut self.text);
        self.ends.push((self.text.len(), true));
        self
    }
}

impl Inline for Template {
    fn write_to(&self, out: &mut String) {
        match self.ends.as_slice() {
            [] => out.push_str("\"\""),
            [(_, true)] => out.push_str(&self.text),
            // All text: `text` is that text, already joined.
            ends if ends.iter().all(|(_, expr)| !expr) => write_text(&self.text, out),
            ends => {
                out.push('"');
                let mut start = 0;
                for (index, &(end, expr)) in ends.iter().enumerate() {
                    let piece = self.text.get(start..end).unwrap_or_default();
                    start = end;
                    if expr {
                        out.push_str("${");
                        out.push_str(piece);
                        out.push('}');
                        continue;
                    }
                    let before_expr = ends.get(index + 1).is_some_and(|(_, expr)| *expr);
                    let head = piece.trim_end_matches(['$', '%']);
                    if before_expr && head.len() < piece.len() {
                        // `$` right before `${` would read as the escape `$${`: the marker
                        // characters go in as an interpolated string instead, the whole run
                        // of them, or the one before would meet the `${` of that string (`$$`
                        // then `{p}` was written `$${"$"}`).
                        escape_literal(head, out);
                        out.push_str("${\"");
                        out.push_str(&piece[head.len()..]);
                        out.push_str("\"}");
                    } else {
                        escape_literal(piece, out);
                    }
                }
                out.push('"');
            }
        }
    }
}

/// Literal text as a string: quoted as hcl-rs quotes it, unless it holds a template marker.
fn write_text(text: &str, out: &mut String) {
    let start = out.len();
    if quote_plain(text, out).is_err() {
        // hcl-rs's marker escaping misses markers (see [`quote`]): Terraform would read
        // `%${%%{` back as `%${%{` (found by tests/it/props.rs), so a quoted template
        // escaped here, once, is written instead. Markers are rare: the text before the
        // marker is written again rather than scanned twice every time.
        out.truncate(start);
        out.push('"');
        escape_literal(text, out);
        out.push('"');
    }
}

/// Escapes literal text for the inside of a quoted template: quotes, backslashes and control
/// characters as in a string, and the template markers `${` and `%{` doubled.
///
/// Not [`escape_char`] plus the markers: that one reproduces hcl-rs's quoting of plain
/// strings byte for byte (it leaves DEL and the C1 controls as they are), while this one also
/// escapes those, as templates always were. Both read back as the same text; sharing one
/// table would change existing outputs.
fn escape_literal(text: &str, out: &mut String) {
    // As in [`quote`], runs without anything to escape are copied whole.
    let bytes = text.as_bytes();
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if !IN_LITERAL[usize::from(byte)] {
            continue;
        }
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            b'$' | b'%' if bytes.get(index + 1) != Some(&b'{') => continue,
            b'$' => "$$",
            b'%' => "%%",
            // Other control characters: ASCII ones, DEL, and the C1 controls (U+0080 to
            // U+009F), which start with 0xC2; `index` is where a character starts.
            _ => {
                let Some(c) = text.get(index..).and_then(|rest| rest.chars().next()) else {
                    continue;
                };
                if !c.is_control() {
                    continue;
                }
                out.push_str(text.get(start..index).unwrap_or_default());
                let _ = write!(out, "\\u{:04x}", u32::from(c));
                start = index + c.len_utf8();
                continue;
            }
        };
        out.push_str(text.get(start..index).unwrap_or_default());
        out.push_str(escape);
        start = index + 1;
    }
    out.push_str(text.get(start..).unwrap_or_default());
}

/// The bytes [`escape_literal`] looks at: control characters, DEL, the first byte of the C1
/// controls, quotes, backslashes and the first character of a template marker.
const IN_LITERAL: [bool; 256] = controls_and(b"\x7f\xc2\"\\$%");

/// A byte table: true for the control characters below U+0020 and the bytes of `extra`.
const fn controls_and(extra: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    let mut index = 0;
    while index < extra.len() {
        table[extra[index] as usize] = true;
        index += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str) -> Ref<'_, 1> {
        Ref("var", [name])
    }

    #[test]
    fn strings_are_quoted_exactly_as_hcl_rs_quotes_them() {
        // Every string of up to four characters over the characters escaping cares about.
        let alphabet = ['$', '%', '{', '"', '\\', '\n', '\u{1}', '\u{7f}', 'é', 'a'];
        let mut strings = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|s| {
                    alphabet.iter().map(move |c| {
                        let mut next = s.clone();
                        next.push(*c);
                        next
                    })
                })
                .collect();
            strings.extend(last.iter().cloned());
        }
        assert_eq!(strings.len(), 11_111);
        for s in strings {
            let mut ours = String::new();
            quote(&s, &mut ours);
            let theirs = hcl::format::to_string(&hcl::Expression::String(s.clone()));
            assert_eq!(Ok(ours), theirs.map_err(|e| e.to_string()), "{s:?}");
        }
    }

    #[test]
    fn identifiers_are_sanitized_as_hcl_rs_does() {
        for name in ["rg", "my_api-2", "_x", "2x", "a b", "fööbär", "", "ä-1"] {
            let mut ours = String::new();
            ident(name, &mut ours);
            assert_eq!(ours, hcl::Identifier::sanitized(name).as_str(), "{name:?}");
        }
    }

    #[test]
    fn references_and_calls() {
        let key = Ref("random_password", ["pg_password", "result"]);
        let call = Call("coalesce", &[&Ref("var", ["pg_password"]), &key]);
        assert_eq!(
            to_text(&call),
            "coalesce(var.pg_password, random_password.pg_password.result)"
        );
    }

    #[test]
    fn literal_text_is_escaped_exactly_once() {
        let mut t = Template::default();
        t.text("a${b} %{c} \"q\" \\ $x %y\n")
            .expr(&var("p"))
            .text("$");
        assert_eq!(to_text(&t), r#""a$${b} %%{c} \"q\" \\ $x %y\n${var.p}$""#);
    }

    #[test]
    fn plain_text_with_adjacent_markers_is_escaped_once() {
        // Terraform reads `%`, `$${` as `${`, `%`, `%%{` as `%{`: the original text.
        let mut t = Template::default();
        t.text("%${%%{");
        assert_eq!(to_text(&t), r#""%$${%%%{""#);
        assert_eq!(to_text(&Text("%${%%{")), r#""%$${%%%{""#);
    }

    #[test]
    fn templates_escape_every_control_character() {
        // ASCII controls, DEL and the C1 controls (two bytes, the first 0xC2) are escaped;
        // U+00A0 (also 0xC2 first) and other non-ASCII text are not.
        let mut out = String::new();
        escape_literal("a\u{1}\u{7f}\u{85}\u{9f}\u{a0}é\t\"$%{x}$", &mut out);
        assert_eq!(out, "a\\u0001\\u007f\\u0085\\u009f\u{a0}é\\t\\\"$%%{x}$");
    }

    #[test]
    fn a_marker_character_before_an_interpolation_stays_literal() {
        let mut t = Template::default();
        t.text("cost: $").expr(&var("p"));
        assert_eq!(to_text(&t), r#""cost: ${"$"}${var.p}""#);
        t.clear();
        t.text("$$").expr(&var("p"));
        assert_eq!(to_text(&t), r#""${"$$"}${var.p}""#);
    }

    #[test]
    fn plain_strings_and_single_expressions_are_not_templates() {
        let mut t = Template::default();
        assert_eq!(to_text(&t), r#""""#);
        t.text("x $y");
        assert_eq!(to_text(&t), r#""x $y""#);
        t.clear();
        t.expr(&var("p"));
        assert_eq!(to_text(&t), "var.p");
        // Text pieces join: markers across them are still escaped.
        t.clear();
        t.text("a$").text("{b}");
        assert_eq!(to_text(&t), r#""a$${b}""#);
    }
}
