//! Text output: a `.tf` file written straight into one `String`, laid out the way
//! `terraform fmt` lays it out.
//!
//! The layout is the one hcl-rs's formatter gave (the output must not change) plus what
//! `terraform fmt` adds to it: two-space indents; a blank line between a block and whatever
//! comes before or after it in the same body; arrays and objects one element per line; an
//! empty block or object as `{}`; and the `=` of consecutive single-line attributes (or
//! object entries) aligned. An attribute whose value spans lines, a block, or the end of the
//! body ends such a run; as its width is known only then, the run's keys are padded when it
//! ends, in place (unless they were written together, aligned). Top-level blocks are
//! separated by a blank line and may have `#` comments.
//!
//! Block types and attribute keys are this target's own names, written as they are; labels
//! and references are model names, quoted or sanitized as hcl-rs did.

use crate::expr::{Inline, ident, quote};

/// What is open, innermost last.
#[derive(Clone, Copy)]
enum Open {
    /// A block, and where its body starts in the output (to write an empty one as `{}`).
    Block { body: usize },
    /// An object (an attribute's value or an array element), and what closes it (`}`, or
    /// `})` inside a call).
    Object { body: usize, close: &'static str },
    /// An array; `empty` until its first element; what closes it (`]`, or `])`).
    Array { empty: bool, close: &'static str },
}

/// What the current body wrote last, which decides the blank lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Nothing,
    Comment,
    Attribute,
    Block,
}

/// An attribute of the current run, to be aligned: where its key ends in the output, and the
/// key's width in characters (with the padding [`TfWriter::attrs`] wrote after it).
struct Pending {
    key_end: usize,
    key_width: usize,
}

/// The attributes of the current run.
#[derive(Default)]
struct Run {
    pending: Vec<Pending>,
    /// The widest key so far.
    width: usize,
    /// Whether the keys differ in width: most runs are written aligned
    /// ([`TfWriter::attrs`]) or have one key, and need no padding.
    ragged: bool,
}

impl Run {
    fn push(&mut self, pending: Pending) {
        if !self.pending.is_empty() && pending.key_width != self.width {
            self.ragged = true;
        }
        self.width = self.width.max(pending.key_width);
        self.pending.push(pending);
    }

    fn clear(&mut self) {
        self.pending.clear();
        self.width = 0;
        self.ragged = false;
    }
}

/// An optional value of [`TfWriter::attrs_opt`].
pub fn opt<T: Inline>(value: Option<&T>) -> Option<&dyn Inline> {
    value.map(|value| value as &dyn Inline)
}

/// Indentation and padding, written a slice at a time.
const SPACES: &str = "                                ";

/// A `.tf` file under construction.
pub struct TfWriter {
    out: String,
    open: Vec<Open>,
    last: Last,
    run: Run,
}

impl TfWriter {
    /// A file that starts with the header comment.
    pub fn new(header: &str) -> TfWriter {
        let mut writer = TfWriter::part();
        writer.out.push_str("# ");
        writer.out.push_str(header);
        writer.out.push('\n');
        writer
    }

    /// Top-level blocks without a header, to be appended to a file with [`TfWriter::append`].
    pub fn part() -> TfWriter {
        TfWriter::with_capacity(0)
    }

    /// A part for about `bytes` of text. Growing a string of tens of megabytes by doubling
    /// copies it again and again and touches twice the memory; room that is never written
    /// costs no memory.
    pub fn with_capacity(bytes: usize) -> TfWriter {
        TfWriter {
            out: String::with_capacity(bytes),
            open: Vec::new(),
            last: Last::Nothing,
            run: Run::default(),
        }
    }

    /// Appends the text of `part` (top-level blocks) to this file.
    pub fn append(&mut self, part: TfWriter) {
        let mut text = part.finish();
        self.flush();
        if text.len() > self.out.len() {
            // The part is the bulk of the file (the apps): the head moves instead of it.
            text.insert_str(0, &self.out);
            self.out = text;
        } else {
            self.out.push_str(&text);
        }
    }

    /// The length of the text so far.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Makes room for `bytes` more of text (see [`TfWriter::with_capacity`]).
    pub fn reserve(&mut self, bytes: usize) {
        self.out.reserve(bytes);
    }

    /// The file text. Every block must be closed.
    pub fn finish(mut self) -> String {
        debug_assert!(self.open.is_empty(), "an unclosed block");
        self.flush();
        self.out
    }

    /// `# ` comment lines before the next top-level block, saying why it looks as it does.
    pub fn comment(&mut self, lines: &[impl AsRef<str>]) {
        if lines.is_empty() {
            return;
        }
        self.out.push('\n');
        for line in lines {
            self.out.push_str("# ");
            // One comment line each, whatever the text holds.
            self.out
                .push_str(&ir::text::comment_line_safe(line.as_ref()));
            self.out.push('\n');
        }
        self.last = Last::Comment;
    }

    /// Opens `kind "label" ... {`; [`TfWriter::end`] closes it.
    pub fn block(&mut self, kind: &'static str, labels: &[&str]) {
        self.start_block(kind);
        for label in labels {
            self.out.push(' ');
            quote(label, &mut self.out);
        }
        self.open_body();
    }

    /// Opens a block whose kind is not this target's own (a patch's): written as an identifier.
    pub fn block_named(&mut self, kind: &str, labels: &[&str]) {
        let mut name = String::new();
        ident(kind, &mut name);
        self.start_block(&name);
        for label in labels {
            self.out.push(' ');
            quote(label, &mut self.out);
        }
        self.open_body();
    }

    /// Appends `text` as it is (a patch's own HCL), after a blank line.
    pub fn raw_lines(&mut self, text: &str) {
        self.flush();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.out.push_str(text.trim_end());
        self.out.push('\n');
        self.last = Last::Block;
    }

    /// Appends `text` (lines already indented for the innermost open block) as it is.
    pub fn raw_body(&mut self, text: &str) {
        self.flush();
        self.out.push_str(text);
        self.last = Last::Attribute;
    }

    /// Opens `resource "kind" "label" {`: [`TfWriter::block`] with this target's own resource
    /// type, which (like a key) is written as it is, without looking for anything to escape.
    pub fn resource(&mut self, kind: &'static str, label: &str) {
        debug_assert!(
            kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "{kind}"
        );
        self.start_block("resource");
        self.out.push_str(" \"");
        self.out.push_str(kind);
        self.out.push_str("\" ");
        quote(label, &mut self.out);
        self.open_body();
    }

    /// The blank line before a block, and its type.
    fn start_block(&mut self, kind: &str) {
        self.flush();
        // Top-level blocks are separated by a blank line (their comments come after it).
        let blank = if self.open.is_empty() {
            self.last != Last::Comment
        } else {
            matches!(self.last, Last::Attribute | Last::Block)
        };
        if blank {
            self.out.push('\n');
        }
        self.indent();
        self.out.push_str(kind);
    }

    /// Ends the opening line of a block after its labels.
    fn open_body(&mut self) {
        self.out.push_str(" {\n");
        self.open.push(Open::Block {
            body: self.out.len(),
        });
        self.last = Last::Nothing;
    }

    /// `key = value` on one line, aligned with its neighbours.
    pub fn attr(&mut self, key: &'static str, value: impl Inline) {
        self.start_line();
        self.out.push_str(key);
        // This target's own keys are ASCII: their width is their length.
        debug_assert!(key.is_ascii(), "{key}");
        self.end_key(key.len(), value);
    }

    /// A run of `key = value` lines written together: as their width is known, they are
    /// aligned as they are written and (unless the run goes on with wider keys) need no
    /// padding afterwards, which would move the text after them.
    pub fn attrs(&mut self, attrs: &[(&'static str, &dyn Inline)]) {
        let width = attrs.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
        for &(key, value) in attrs {
            self.aligned(key, width, value);
        }
    }

    /// [`TfWriter::attrs`] where some values may be absent: those lines are left out.
    pub fn attrs_opt(&mut self, attrs: &[(&'static str, Option<&dyn Inline>)]) {
        let width = attrs
            .iter()
            .filter_map(|(key, value)| value.map(|_| key.len()))
            .max()
            .unwrap_or(0);
        for &(key, value) in attrs {
            if let Some(value) = value {
                self.aligned(key, width, value);
            }
        }
    }

    /// A line of [`TfWriter::attrs`], its key padded to `width`.
    #[inline]
    fn aligned(&mut self, key: &'static str, width: usize, value: &dyn Inline) {
        self.start_line();
        self.out.push_str(key);
        debug_assert!(key.is_ascii(), "{key}");
        self.pad(width - key.len());
        // Padded, the key is as wide as the widest: only a wider one after the run moves it
        // further.
        self.end_key(width, value);
    }

    /// [`TfWriter::attr`] with a key that comes from the model, sanitized as hcl-rs did.
    pub fn attr_named(&mut self, key: &str, value: impl Inline) {
        self.start_line();
        let start = self.out.len();
        ident(key, &mut self.out);
        let width = self.out.get(start..).unwrap_or_default().chars().count();
        self.end_key(width, value);
    }

    fn start_line(&mut self) {
        if self.last == Last::Block {
            self.out.push('\n');
        }
        self.indent();
        self.last = Last::Attribute;
    }

    #[inline]
    fn end_key(&mut self, key_width: usize, value: impl Inline) {
        self.run.push(Pending {
            key_end: self.out.len(),
            key_width,
        });
        self.out.push_str(" = ");
        value.write_to(&mut self.out);
        self.out.push('\n');
    }

    /// `key = value` when there is a value.
    pub fn attr_opt(&mut self, key: &'static str, value: Option<impl Inline>) {
        if let Some(value) = value {
            self.attr(key, value);
        }
    }

    /// Opens `key = {`; entries are [`TfWriter::attr`]s, [`TfWriter::end`] closes it.
    pub fn object(&mut self, key: &'static str) {
        self.multi_line_attr(key, " = {\n");
        let body = self.out.len();
        self.open.push(Open::Object { body, close: "}" });
    }

    /// Opens `key = function({`, an object passed to a function (`jsonencode`); entries are
    /// [`TfWriter::attr`]s, [`TfWriter::end`] closes both.
    pub fn call_object(&mut self, key: &'static str, function: &'static str) {
        self.call_opening(key, function, "({\n");
        let body = self.out.len();
        self.open.push(Open::Object { body, close: "})" });
    }

    /// Opens `key = function([`, an array of objects ([`TfWriter::object_item`]) passed to a
    /// function (`jsonencode`); [`TfWriter::end`] closes both.
    pub fn call_object_array(&mut self, key: &'static str, function: &'static str) {
        self.call_opening(key, function, "([\n");
        self.open.push(Open::Array {
            empty: true,
            close: "])",
        });
    }

    /// `key = function(` and the bracket that opens its argument.
    fn call_opening(&mut self, key: &'static str, function: &'static str, bracket: &str) {
        debug_assert!(
            function.bytes().all(|b| b.is_ascii_lowercase()),
            "{function}"
        );
        self.multi_line_attr(key, " = ");
        self.out.push_str(function);
        self.out.push_str(bracket);
    }

    /// `key = [item, ...]`, one item per line.
    pub fn array<T: Inline>(&mut self, key: &'static str, items: impl IntoIterator<Item = T>) {
        self.multi_line_attr(key, " = [\n");
        self.open.push(Open::Array {
            empty: true,
            close: "]",
        });
        for item in items {
            self.separate_item();
            self.indent();
            item.write_to(&mut self.out);
            self.out.push('\n');
        }
        self.end();
    }

    /// Opens `key = [`, for objects as items ([`TfWriter::object_item`]).
    pub fn object_array(&mut self, key: &'static str) {
        self.multi_line_attr(key, " = [\n");
        self.open.push(Open::Array {
            empty: true,
            close: "]",
        });
    }

    /// Opens an object as the next item of the innermost array.
    pub fn object_item(&mut self) {
        self.flush();
        self.separate_item();
        self.indent();
        self.out.push_str("{\n");
        let body = self.out.len();
        self.open.push(Open::Object { body, close: "}" });
        self.last = Last::Nothing;
    }

    /// Closes the innermost block, object or array.
    pub fn end(&mut self) {
        self.flush();
        let Some(open) = self.open.pop() else {
            debug_assert!(false, "nothing to close");
            return;
        };
        let (empty, close, last) = match open {
            Open::Block { body } => (self.out.len() == body, "}", Last::Block),
            Open::Object { body, close } => (self.out.len() == body, close, Last::Attribute),
            Open::Array { empty, close } => (empty, close, Last::Attribute),
        };
        if empty {
            // `{}` and `[]` on the opening line.
            self.out.pop();
        } else {
            self.indent();
        }
        self.out.push_str(close);
        self.out.push('\n');
        self.last = last;
    }

    /// Starts an attribute whose value spans lines: `key` then `opening` (` = {\n`).
    fn multi_line_attr(&mut self, key: &'static str, opening: &str) {
        self.flush();
        if self.last == Last::Block {
            self.out.push('\n');
        }
        self.indent();
        self.out.push_str(key);
        self.out.push_str(opening);
        self.last = Last::Nothing;
    }

    /// Ends the previous item of the innermost array with a comma.
    fn separate_item(&mut self) {
        if let Some(Open::Array { empty, .. }) = self.open.last_mut() {
            if !*empty {
                self.out.pop();
                self.out.push_str(",\n");
            }
            *empty = false;
        }
    }

    /// Two spaces per open block, object or array.
    fn indent(&mut self) {
        self.pad(2 * self.open.len());
    }

    /// `width` spaces.
    fn pad(&mut self, mut width: usize) {
        while width > 0 {
            let spaces = SPACES.get(..width).unwrap_or(SPACES);
            self.out.push_str(spaces);
            width -= spaces.len();
        }
    }

    /// Ends the run of attributes: pads their keys so that every `=` lines up. From the last
    /// to the first, so that the offsets of the ones before stay valid; each insertion moves
    /// only the rest of the run.
    fn flush(&mut self) {
        let run = &mut self.run;
        if run.ragged {
            for pending in run.pending.iter().rev() {
                let mut pad = run.width - pending.key_width;
                while pad > 0 {
                    let spaces = SPACES.get(..pad).unwrap_or(SPACES);
                    self.out.insert_str(pending.key_end, spaces);
                    pad -= spaces.len();
                }
            }
        }
        run.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Ref;

    #[test]
    fn aligns_runs_of_single_line_attributes_only() {
        let mut w = TfWriter::new("header");
        w.block("x", &[]);
        w.attr("a", 1u32);
        w.attr("bbb", 2u32);
        w.object("c");
        w.attr("dd", 1u32);
        w.attr("e", 2u32);
        w.end();
        w.attr("f", 3u32);
        w.block("g", &[]);
        w.end();
        w.end();
        assert_eq!(
            w.finish(),
            "# header\n\nx {\n  a   = 1\n  bbb = 2\n  c = {\n    dd = 1\n    e  = 2\n  }\n  f = 3\n\n  g {}\n}\n"
        );
    }

    #[test]
    fn runs_written_together_are_aligned_and_padded_again_by_wider_keys() {
        let mut w = TfWriter::part();
        w.resource("kind", "a \"label\"");
        w.attrs(&[("a", &1u32), ("bb", &2u32)]);
        w.attrs_opt(&[("ccc", None), ("d", Some(&3u32))]);
        w.block("inner", &[]);
        w.attrs(&[("e", &4u32), ("ff", &5u32)]);
        w.attr("gggg", 6u32);
        w.end();
        w.end();
        assert_eq!(
            w.finish(),
            "\nresource \"kind\" \"a \\\"label\\\"\" {\n  a  = 1\n  bb = 2\n  d  = 3\n\n  inner {\n    e    = 4\n    ff   = 5\n    gggg = 6\n  }\n}\n"
        );
    }

    #[test]
    fn blocks_are_separated_from_their_neighbours_by_blank_lines() {
        let mut w = TfWriter::part();
        w.comment(&["why"]);
        w.block("resource", &["kind", "label"]);
        w.attr("name", "n");
        w.block("inner", &[]);
        w.attr("flag", true);
        w.end();
        w.attr("after", Ref("var", ["x"]));
        w.end();
        w.block("next", &[]);
        w.end();
        assert_eq!(
            w.finish(),
            "\n# why\nresource \"kind\" \"label\" {\n  name = \"n\"\n\n  inner {\n    flag = true\n  }\n\n  after = var.x\n}\n\nnext {}\n"
        );
    }

    #[test]
    fn arguments_of_a_call_span_lines_and_close_with_it() {
        let mut w = TfWriter::part();
        w.block("b", &[]);
        w.attr("family", "f");
        w.call_object_array("defs", "jsonencode");
        w.object_item();
        w.attr("name", "a");
        w.attr("essential", true);
        w.end();
        w.end();
        w.call_object("policy", "jsonencode");
        w.attr("Version", "1");
        w.end();
        w.end();
        assert_eq!(
            w.finish(),
            "\nb {\n  family = \"f\"\n  defs = jsonencode([\n    {\n      name      = \"a\"\n      essential = true\n    }\n  ])\n  policy = jsonencode({\n    Version = \"1\"\n  })\n}\n"
        );
    }

    #[test]
    fn arrays_hold_one_item_per_line() {
        let mut w = TfWriter::part();
        w.block("b", &[]);
        w.attr("type", "t");
        w.array("ids", ["a", "b"]);
        w.array("none", Vec::<&str>::new());
        w.object_array("maps");
        for port in [1u32, 22] {
            w.object_item();
            w.attr("external", false);
            w.attr("port", port);
            w.end();
        }
        w.end();
        w.end();
        assert_eq!(
            w.finish(),
            "\nb {\n  type = \"t\"\n  ids = [\n    \"a\",\n    \"b\"\n  ]\n  none = []\n  maps = [\n    {\n      external = false\n      port     = 1\n    },\n    {\n      external = false\n      port     = 22\n    }\n  ]\n}\n"
        );
    }
}
