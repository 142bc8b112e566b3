//! Valid TOML straight to the tree: the events of `toml_parser` (the lexer and parser under
//! the `toml` crate) build it as they come, a few hundred lines of the file at a time.
//!
//! The `toml` crate's own document parser first lexes the whole file into a token vector,
//! turns that into an event vector, then builds its own tree: for a model of 10,000
//! services that is about 150 MB before our tree exists. Here the tokens of one stretch of
//! top-level lines are parsed and dropped before the next are lexed, and strings borrow
//! from the source unless escapes made them differ. A large file is cut into pieces built on
//! all cores at once, then merged ([`build_pieces`]).
//!
//! This path only builds; it never explains. On anything it does not accept (a syntax
//! error, a key defined twice, a table reopened, a date-time it would have to validate) it
//! gives up, and [`super::syntax`] parses the file again with the `toml` crate, which
//! reports every problem with its messages. So it must accept exactly the documents that
//! crate accepts and build the same tree from them; the table rules below follow the TOML
//! specification as that crate applies it (the tests compare both on tricky documents).

use std::borrow::Cow;
use std::mem;
use std::ops::Range;

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::lexer::{Token, TokenKind};
use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace, parse_document};
use toml_parser::{ErrorSink, ParseError, Raw, Source, Span};

use super::tree::{self, Array, Key, Node, Origin, Table, Value};

/// How deeply arrays and inline tables may nest, and how many keys a dotted key may have:
/// the limits of the `toml` crate, which protect its stack (and so ours) the same way.
const MAX_DEPTH: u32 = 80;

/// Tokens parsed at once: the stretch ends at the first top-level line end after this many.
const CHUNK_TOKENS: usize = 4096;

/// A piece is at least this long: below, starting a thread costs more than it saves.
const MIN_PIECE: usize = 64 * 1024;

/// The tree of a document and the ranges of integers too large for `i64` (their values are
/// [`Value::Invalid`]).
type Built<'s> = (Table<'s>, Vec<Range<usize>>);

/// The tree of `text`; `None` if the text is not TOML this path accepts.
///
/// A large file is cut into pieces, one per core, each starting with a line that starts
/// with `[`, and the pieces are built at the same time (this runs before anything else can,
/// so the other cores would idle). See [`build_pieces`] for why that gives the same tree.
pub(super) fn build(text: &str) -> Option<Built<'_>> {
    let pieces = crate::parallel::workers().min(text.len() / MIN_PIECE);
    build_pieces(text, &piece_starts(text, pieces))
}

/// Where pieces after the first start when `text` is cut into about `pieces` equal ones: at
/// the first line starting with `[` after each cut, in increasing order.
fn piece_starts(text: &str, pieces: usize) -> Vec<usize> {
    let mut starts: Vec<usize> = Vec::new();
    for piece in 1..pieces {
        let from = (text.len() / pieces * piece).max(starts.last().map_or(0, |s| s + 1));
        let Some(found) = text.get(from..).and_then(|rest| rest.find("\n[")) else {
            break;
        };
        starts.push(from + found + 1);
    }
    starts
}

/// Builds `text` cut before each of `starts` (byte offsets of line starts, increasing), the
/// pieces in parallel, then adds each piece's tables to those of the pieces before it.
///
/// Each piece starts at the start of a line. Where the whole file has a top-level line
/// there, the piece's lines parse exactly as they do in the file. Where it does not (the cut
/// is inside a multi-line string, array or inline table), the piece before ends inside that
/// value, which is an error there. What a piece cannot know is which tables the pieces
/// before it defined: [`merge`] adds a piece's tables only where no TOML rule can depend on
/// that (new names, tables that only deeper headers made, arrays of tables). On anything
/// else, and on any error, the whole text is built again in one piece, which decides.
fn build_pieces<'s>(text: &'s str, starts: &[usize]) -> Option<Built<'s>> {
    if starts.is_empty() {
        return build_piece(text, 0);
    }
    merge_pieces(text, starts).or_else(|| build_piece(text, 0))
}

/// [`build_pieces`] without the second try in one piece.
fn merge_pieces<'s>(text: &'s str, starts: &[usize]) -> Option<Built<'s>> {
    let ends = starts.iter().copied().chain([text.len()]);
    let ranges: Vec<Range<usize>> = [0]
        .into_iter()
        .chain(starts.iter().copied())
        .zip(ends)
        .map(|(start, end)| start..end)
        .collect();
    let built = crate::parallel::map(&ranges, |range| {
        build_piece(text.get(range.clone())?, range.start)
    });
    let mut pieces = built.into_iter();
    let first = pieces.next().flatten();
    pieces.try_fold(first?, |(mut root, mut invalid), piece| {
        let (table, more) = piece?;
        merge(&mut root, table).then(|| {
            invalid.extend(more);
            (root, invalid)
        })
    })
}

/// Adds the entries of `piece` (the root table of a later piece, or a table in it) to
/// `into`, as the piece's headers would have added them had the piece been parsed after the
/// text before it; `false` where that would need a rule this does not apply.
///
/// A name new to `into` is added. A name in both is taken only for a table the piece's
/// deeper headers made (`[a.b]` makes `a`), to be merged into a table of `into` that headers
/// may still add to (one made by a header or by deeper headers, not by a dotted key or
/// inline), and for arrays of tables, which `[[...]]` headers append to.
fn merge<'s>(into: &mut Table<'s>, piece: Table<'s>) -> bool {
    for (key, node) in piece.into_entries() {
        let Some(position) = into.position(&key.name) else {
            into.push(key, node);
            continue;
        };
        let Some(earlier) = into.node_at_mut(position) else {
            return false;
        };
        let merged = match (&mut earlier.value, node.value) {
            (Value::Table(earlier), Value::Table(later)) => {
                let open = |origin: Origin| !origin.dotted && !origin.inline;
                open(earlier.origin)
                    && open(later.origin)
                    && later.origin.implicit
                    && merge(earlier, later)
            }
            (Value::Array(earlier), Value::Array(later))
                if earlier.of_tables && later.of_tables =>
            {
                earlier.items.extend(later.items);
                true
            }
            _ => false,
        };
        if !merged {
            return false;
        }
    }
    true
}

/// Builds one piece of the file: `text` starts at byte `base` of it.
fn build_piece(text: &str, base: usize) -> Option<Built<'_>> {
    let source = Source::new(text);
    let mut builder = Builder::new(text, base);
    let mut first_error: Option<ParseError> = None;
    let mut lexer = source.lex();
    let mut tokens = Vec::with_capacity(CHUNK_TOKENS * 2);
    let mut depth = 0i64;
    // No bound inside brackets: a stretch must end at a top-level line end to parse as it
    // would within the whole file (an unclosed bracket is an error, found in its stretch).
    while next_stretch(&mut lexer, &mut tokens, &mut depth, usize::MAX) {
        let mut whitespace = ValidateWhitespace::new(&mut builder, source);
        let mut guard = RecursionGuard::new(&mut whitespace, MAX_DEPTH);
        parse_document(&tokens, &mut guard, &mut first_error);
        if first_error.is_some() || builder.refused {
            return None;
        }
    }
    builder.finish()
}

/// Replaces `tokens` with the next stretch of the lexer's tokens; `false` when none are left.
/// `depth` is the bracket depth, carried from stretch to stretch. A line end at depth 0 ends a
/// top-level expression, so the parser is at the start of a line there whether it sees the
/// rest of the file or not: a stretch that ends at such a line end (once it holds
/// [`CHUNK_TOKENS`]) parses exactly as it would within the whole file. A stretch also ends at
/// `max` tokens, whatever the depth.
fn next_stretch(
    lexer: &mut impl Iterator<Item = Token>,
    tokens: &mut Vec<Token>,
    depth: &mut i64,
    max: usize,
) -> bool {
    tokens.clear();
    for token in lexer {
        let kind = token.kind();
        tokens.push(token);
        match kind {
            TokenKind::LeftSquareBracket | TokenKind::LeftCurlyBracket => *depth += 1,
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => *depth -= 1,
            TokenKind::Newline if *depth <= 0 && tokens.len() >= CHUNK_TOKENS => break,
            _ if tokens.len() >= max => break,
            _ => {}
        }
    }
    !tokens.is_empty()
}

/// How many syntax errors the parser finds in `text`, and where the `nth` (1-based) is, without
/// keeping any. For junk input: the `toml` crate would build every one of hundreds of
/// thousands of messages, so only the part of the file holding the first few is handed to it
/// ([`super::syntax`]). Approximate where it does not matter: tokens are parsed in stretches
/// of bounded length (so memory stays bounded for unbalanced brackets too), and the errors
/// the decoder finds in strings and numbers are not counted.
pub(super) fn count_errors(text: &str, nth: usize) -> (usize, Option<usize>) {
    /// A stretch ends here even inside brackets: junk may never close them.
    const MAX_STRETCH: usize = 64 * CHUNK_TOKENS;
    let source = Source::new(text);
    let mut lexer = source.lex();
    let mut tokens = Vec::with_capacity(CHUNK_TOKENS * 2);
    let mut count = 0;
    let mut found = None;
    let mut depth = 0i64;
    while next_stretch(&mut lexer, &mut tokens, &mut depth, MAX_STRETCH) {
        let mut sink = |error: ParseError| {
            count += 1;
            if count == nth {
                found = error.unexpected().or(error.context()).map(|s| s.start());
            }
        };
        let mut none = ();
        let mut whitespace = ValidateWhitespace::new(&mut none, source);
        let mut guard = RecursionGuard::new(&mut whitespace, MAX_DEPTH);
        parse_document(&tokens, &mut guard, &mut sink);
    }
    (count, found)
}

/// The event receiver that builds the tree. `refused` records anything it does not accept;
/// the caller then stops and falls back.
struct Builder<'s> {
    /// The piece of the file being built, and where it starts in the file: spans in the
    /// tree are the file's.
    text: &'s str,
    base: usize,
    refused: bool,
    /// The document: filled from the lines before the first header, then by headers.
    root: Table<'s>,
    /// The table of the lines since the last header; added to `root` at the next header.
    current: Table<'s>,
    header: Option<Header<'s>>,
    /// Keys not used yet: those of the open inline tables' and arrays' own entries, then
    /// those of the key being read.
    keys: Vec<Key<'s>>,
    /// Where the key being read starts in `keys`, while one is read.
    key_start: Option<usize>,
    /// How many keys (the dotted parts) the value that comes next belongs to.
    pending: usize,
    /// Open inline tables and arrays, innermost last.
    open: Vec<Open<'s>>,
    /// While a header is read: the start of its `[` or `[[` and whether it is `[[`.
    header_open: Option<(usize, bool)>,
    invalid: Vec<Range<usize>>,
    spare: Spare<'s>,
}

/// The emptied vectors of completed tables and arrays (see [`tree::fit`]), which the next
/// ones fill: a table or array is built in room that is already there, then moved into an
/// allocation of its exact size.
#[derive(Default)]
struct Spare<'s> {
    entries: Vec<Vec<(Key<'s>, Node<'s>)>>,
    items: Vec<Vec<Node<'s>>>,
}

impl<'s> Spare<'s> {
    fn table(&mut self, origin: Origin) -> Table<'s> {
        Table::reusing(origin, self.entries.pop().unwrap_or_default())
    }

    fn array(&mut self) -> Array<'s> {
        let mut items = self.items.pop().unwrap_or_default();
        items.clear();
        Array {
            items,
            of_tables: false,
        }
    }

    /// Moves a completed inline table or array into an allocation of its exact size.
    fn fit(&mut self, value: &mut Value<'s>) {
        match value {
            Value::Table(table) => keep(&mut self.entries, table.fit()),
            Value::Array(array) => keep(&mut self.items, tree::fit(&mut array.items)),
            _ => {}
        }
    }

    /// Fits a header's completed table and the tables its dotted keys made in it
    /// (`endpoints.http = { ... }` makes `endpoints`); its inline tables are fitted already.
    fn fit_table(&mut self, table: &mut Table<'s>) {
        keep(&mut self.entries, table.fit());
        for position in 0..table.entries().len() {
            if let Some(Value::Table(child)) = table.node_at_mut(position).map(|n| &mut n.value)
                && child.origin.dotted
                && !child.origin.inline
            {
                self.fit_table(child);
            }
        }
    }
}

/// Keeps an emptied vector for reuse, unless it has no room at all.
fn keep<T>(spare: &mut Vec<Vec<T>>, emptied: Vec<T>) {
    if emptied.capacity() > 0 {
        spare.push(emptied);
    }
}

/// A `[table]` or `[[array.of.tables]]` header.
struct Header<'s> {
    path: Vec<Key<'s>>,
    key: Key<'s>,
    span: Range<usize>,
    is_array: bool,
}

/// An inline table or array being read.
struct Open<'s> {
    start: usize,
    /// How many keys at the end of `Builder::keys` it is the value of (0 in an array).
    keys: usize,
    value: Value<'s>,
}

impl<'s> Builder<'s> {
    fn new(text: &'s str, base: usize) -> Builder<'s> {
        Builder {
            text,
            base,
            refused: false,
            root: Table::default(),
            current: Table::default(),
            header: None,
            keys: Vec::new(),
            key_start: None,
            pending: 0,
            open: Vec::new(),
            header_open: None,
            invalid: Vec::new(),
            spare: Spare::default(),
        }
    }

    fn finish(mut self) -> Option<(Table<'s>, Vec<Range<usize>>)> {
        let complete = self.open.is_empty() && self.key_start.is_none() && self.keys.is_empty();
        if !complete || self.header_open.is_some() {
            return None;
        }
        self.finish_table();
        (!self.refused).then_some((self.root, self.invalid))
    }

    fn refuse(&mut self) {
        self.refused = true;
    }

    /// Where `offset` in the piece is in the whole file.
    fn at(&self, offset: usize) -> usize {
        self.base + offset
    }

    /// Where the token at `span` of the piece is in the whole file.
    fn range(&self, span: Span) -> Range<usize> {
        self.at(span.start())..self.at(span.end())
    }

    /// The raw token at `span` as `toml_parser` decodes it.
    fn raw(&self, span: Span, encoding: Option<Encoding>) -> Option<Raw<'s>> {
        let text = self.text.get(span.start()..span.end())?;
        Some(Raw::new_unchecked(text, encoding, span))
    }

    /// Takes the last `count` keys: the dotted path and the final key.
    fn take_keys(&mut self, count: usize) -> Option<(Vec<Key<'s>>, Key<'s>)> {
        if count == 0 {
            return None;
        }
        let start = self.keys.len().checked_sub(count)?;
        let key = self.keys.pop()?;
        let path = self.keys.split_off(start);
        if path.len() >= MAX_DEPTH as usize {
            return None;
        }
        Some((path, key))
    }

    /// A complete value: into the open array or inline table, or the current table.
    fn value(&mut self, node: Node<'s>, keys: usize) {
        let accepted = match self.open.last_mut() {
            Some(Open {
                value: Value::Array(array),
                ..
            }) if keys == 0 => {
                array.items.push(node);
                true
            }
            Some(Open {
                value: Value::Table(_),
                ..
            }) => match self.take_keys(keys) {
                Some((path, key)) => match self.open.last_mut() {
                    Some(Open {
                        value: Value::Table(table),
                        ..
                    }) => insert_inline(table, &path, key, node),
                    _ => false,
                },
                None => false,
            },
            Some(_) => false,
            None => match self.take_keys(keys) {
                Some((path, key)) => insert_dotted(&mut self.current, &path, key, node),
                None => false,
            },
        };
        if !accepted {
            self.refuse();
        }
    }

    fn open(&mut self, span: Span, value: Value<'s>) {
        self.open.push(Open {
            start: self.at(span.start()),
            keys: mem::take(&mut self.pending),
            value,
        });
    }

    fn close(&mut self, span: Span, array: bool) {
        match self.open.pop() {
            Some(mut open) if matches!(open.value, Value::Array(_)) == array => {
                self.spare.fit(&mut open.value);
                let node = Node {
                    value: open.value,
                    span: open.start..self.at(span.end()),
                };
                self.value(node, open.keys);
            }
            _ => self.refuse(),
        }
    }

    fn header_close(&mut self, span: Span) {
        let Some((start, is_array)) = self.header_open.take() else {
            return self.refuse();
        };
        let count = self
            .key_start
            .take()
            .and_then(|s| self.keys.len().checked_sub(s));
        let Some((path, key)) = count.and_then(|count| self.take_keys(count)) else {
            return self.refuse();
        };
        if !self.keys.is_empty() || !self.open.is_empty() {
            return self.refuse();
        }
        self.finish_table();
        self.start_table(Header {
            path,
            key,
            span: start..self.at(span.end()),
            is_array,
        });
    }

    /// Puts the table of the lines since the last header where that header says.
    fn finish_table(&mut self) {
        let fresh = self.spare.table(Origin::default());
        let mut table = mem::replace(&mut self.current, fresh);
        self.spare.fit_table(&mut table);
        let Some(header) = self.header.take() else {
            self.root = table;
            return;
        };
        let node = Node {
            value: Value::Table(table),
            span: header.span.clone(),
        };
        let Some(parent) = descend(&mut self.root, &header.path, false) else {
            return self.refuse();
        };
        let accepted = if header.is_array {
            let position = parent.position_or_push(&header.key, || Node {
                value: Value::Array(Array {
                    items: Vec::new(),
                    of_tables: true,
                }),
                span: header.span.clone(),
            });
            push_table(parent.node_at_mut(position), node)
        } else if parent.position(&header.key.name).is_none() {
            parent.push(header.key, node);
            true
        } else {
            // `start_table` took out any earlier table of this name.
            false
        };
        if !accepted {
            self.refuse();
        }
    }

    /// Starts the table of a header. A `[table]` may only give its own header to a table
    /// that so far exists only because of deeper headers (`[a.b]` before `[a]`); that table
    /// moves to where the header is.
    fn start_table(&mut self, header: Header<'s>) {
        if !header.is_array {
            let Some(parent) = descend(&mut self.root, &header.path, false) else {
                return self.refuse();
            };
            if let Some((_, earlier)) = parent.remove(&header.key.name) {
                match earlier.value {
                    Value::Table(table) if table.origin.implicit && !table.origin.dotted => {
                        self.current = table;
                    }
                    _ => return self.refuse(),
                }
            }
        }
        self.current.origin.implicit = false;
        self.current.origin.dotted = false;
        self.header = Some(header);
    }
}

/// Appends a table to an array made by `[[...]]` headers.
fn push_table<'s>(tables: Option<&mut Node<'s>>, table: Node<'s>) -> bool {
    match tables.map(|node| &mut node.value) {
        Some(Value::Array(array)) if array.of_tables => {
            array.items.push(table);
            true
        }
        _ => false,
    }
}

/// The table at `path` below `table` outside inline tables, creating missing ones; for an
/// array of tables, its last table. `dotted` when the path is that of a dotted key, which
/// may only go through tables made by other dotted keys or on the way to headers.
fn descend<'t, 's>(
    mut table: &'t mut Table<'s>,
    path: &[Key<'s>],
    dotted: bool,
) -> Option<&'t mut Table<'s>> {
    for key in path {
        let origin = Origin {
            implicit: true,
            dotted,
            inline: false,
        };
        let position = table.position_or_push(key, || implicit_table(origin, key));
        table = match &mut table.node_at_mut(position)?.value {
            Value::Array(array) if array.of_tables => array.items.last_mut()?.as_table_mut()?,
            Value::Table(child) if !child.origin.inline => {
                if dotted && !child.origin.implicit {
                    return None;
                }
                child.origin.dotted |= dotted;
                child
            }
            _ => return None,
        };
    }
    Some(table)
}

/// A key-value pair outside inline tables (`a.b.c = 1`).
fn insert_dotted<'s>(
    table: &mut Table<'s>,
    path: &[Key<'s>],
    key: Key<'s>,
    node: Node<'s>,
) -> bool {
    let dotted = !path.is_empty();
    let Some(parent) = descend(table, path, dotted) else {
        return false;
    };
    if (dotted && !parent.origin.implicit) || parent.position(&key.name).is_some() {
        return false;
    }
    parent.push(key, node);
    true
}

/// A key-value pair inside an inline table (`{ a.b = 1 }`): dotted keys may only go
/// through the tables other dotted keys of the same inline table made.
fn insert_inline<'s>(
    table: &mut Table<'s>,
    path: &[Key<'s>],
    key: Key<'s>,
    node: Node<'s>,
) -> bool {
    let mut parent = table;
    for step in path {
        let origin = Origin {
            implicit: true,
            dotted: true,
            inline: true,
        };
        let position = parent.position_or_push(step, || implicit_table(origin, step));
        parent = match parent.node_at_mut(position).map(|node| &mut node.value) {
            Some(Value::Table(child)) if child.origin.implicit => child,
            _ => return false,
        };
    }
    if parent.origin.dotted == path.is_empty() || parent.position(&key.name).is_some() {
        return false;
    }
    parent.push(key, node);
    true
}

/// A table that a deeper key creates; its span is that of the key that created it.
fn implicit_table<'s>(origin: Origin, key: &Key<'s>) -> Node<'s> {
    Node {
        value: Value::Table(Table::with_origin(origin)),
        span: key.span.clone(),
    }
}

/// The events of `toml_parser`. Whitespace, comments and line ends carry nothing for the
/// tree (the [`ValidateWhitespace`] in front of this checks them); separators are implied
/// by the events around them.
impl<'s> EventReceiver for Builder<'s> {
    fn std_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.header_open = Some((self.at(span.start()), false));
    }

    fn std_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.header_close(span);
    }

    fn array_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.header_open = Some((self.at(span.start()), true));
    }

    fn array_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.header_close(span);
    }

    fn inline_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) -> bool {
        let origin = Origin {
            inline: true,
            ..Origin::default()
        };
        let table = self.spare.table(origin);
        self.open(span, Value::Table(table));
        true
    }

    fn inline_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.close(span, false);
    }

    fn array_open(&mut self, span: Span, _error: &mut dyn ErrorSink) -> bool {
        let array = self.spare.array();
        self.open(span, Value::Array(array));
        true
    }

    fn array_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.close(span, true);
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        let Some(raw) = self.raw(span, encoding) else {
            return self.refuse();
        };
        let name = match plain_key(raw.as_str(), encoding) {
            Some(name) => Cow::Borrowed(name),
            None => {
                let mut name = Cow::Borrowed("");
                raw.decode_key(&mut name, error);
                name
            }
        };
        self.key_start.get_or_insert(self.keys.len());
        let range = self.range(span);
        self.keys.push(Key::new(name, range));
    }

    fn key_val_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        match self
            .key_start
            .take()
            .and_then(|s| self.keys.len().checked_sub(s))
        {
            Some(count) => self.pending = count,
            None => self.refuse(),
        }
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        let Some(raw) = self.raw(span, encoding) else {
            return self.refuse();
        };
        let range = self.range(span);
        if let Some(value) = plain_scalar(raw.as_str(), encoding) {
            let keys = mem::take(&mut self.pending);
            return self.value(Node { value, span: range }, keys);
        }
        let mut decoded = Cow::Borrowed("");
        let value = match raw.decode_scalar(&mut decoded, error) {
            ScalarKind::String => Value::String(decoded),
            ScalarKind::Boolean(flag) => Value::Boolean(flag),
            ScalarKind::Float => Value::Float,
            ScalarKind::Integer(radix) => match i64::from_str_radix(&decoded, radix.value()) {
                Ok(number) => Value::Integer(number),
                Err(_) => {
                    self.invalid.push(range.clone());
                    Value::Invalid
                }
            },
            // Whether it is a valid date-time is for the `toml` crate to say; a model has
            // none, so giving up here costs nothing.
            ScalarKind::DateTime => return self.refuse(),
        };
        let keys = mem::take(&mut self.pending);
        self.value(Node { value, span: range }, keys);
    }

    fn error(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.refuse();
    }
}

/// A key that needs no decoding: unquoted, or quoted without escapes. Most keys are, and
/// `toml_parser`'s decoder would only check them byte by byte to return the same slice.
fn plain_key(raw: &str, encoding: Option<Encoding>) -> Option<&str> {
    match encoding {
        None => (!raw.is_empty()
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then_some(raw),
        quoted => plain_string(raw, quoted),
    }
}

/// A scalar that needs no decoding: a string without escapes (borrowed from the source), a
/// boolean or a plain decimal integer. `None` for anything else, which `toml_parser`
/// decodes and checks (and which gives up on it if that finds an error).
fn plain_scalar(raw: &str, encoding: Option<Encoding>) -> Option<Value<'_>> {
    if encoding.is_some() {
        return plain_string(raw, encoding).map(|text| Value::String(Cow::Borrowed(text)));
    }
    match raw {
        "true" => Some(Value::Boolean(true)),
        "false" => Some(Value::Boolean(false)),
        // No sign, underscore or leading zero: exactly what `i64`'s parser reads the same
        // way; one too large is left to the decoder (and reported as out of range).
        _ if (raw == "0" || !raw.starts_with('0')) && raw.bytes().all(|b| b.is_ascii_digit()) => {
            raw.parse().ok().map(Value::Integer)
        }
        _ => None,
    }
}

/// The text of a one-line string token without escapes: what is between its quotes, as
/// long as every byte there is one the TOML grammar allows unescaped (tab, and no other
/// control character; in a basic string no `\`, in either no closing quote).
fn plain_string(raw: &str, encoding: Option<Encoding>) -> Option<&str> {
    let (quote, escape) = match encoding? {
        Encoding::BasicString => ('"', Some(b'\\')),
        Encoding::LiteralString => ('\'', None),
        _ => return None,
    };
    let text = raw.strip_prefix(quote)?.strip_suffix(quote)?;
    let allowed =
        |b: u8| b == b'\t' || (b >= 0x20 && b != 0x7f && b != quote as u8 && Some(b) != escape);
    text.bytes().all(allowed).then_some(text)
}

/// Builds `text` both ways, this path and the `toml` crate's: this path must give up where
/// that crate finds an error, and otherwise build the same tree; and cut in two before any
/// of its first lines starting with `[`, it must build that tree or give up. `Ok(whether
/// this path built it)`, or what differs. For the tests and the differential fuzz target.
pub(super) fn compare_with_toml(text: &str) -> Result<bool, String> {
    let whole = build_piece(text, 0);
    for cut in header_lines(text).take(16) {
        if let Some(pieced) = merge_pieces(text, &[cut]) {
            if Some(&pieced) != whole.as_ref() {
                return Err(format!(
                    "cut at byte {cut}, built {pieced:?}\n  in one piece: {whole:?}"
                ));
            }
        }
    }
    let built = whole.map(|(table, _)| table);
    let (document, errors) = toml::de::DeTable::parse_recoverable(text);
    let expected = errors
        .is_empty()
        .then(|| super::syntax::convert_table(document.into_inner(), &mut Vec::new()));
    match (&built, &expected) {
        (Some(built), Some(expected)) if built != expected => Err(format!(
            "different trees:\n  streamed: {built:?}\n  toml:     {expected:?}"
        )),
        (Some(_), None) => Err("accepted what the toml crate rejects".to_string()),
        _ => Ok(built.is_some()),
    }
}

/// The offsets of the lines after the first that start with `[`: where a file may be cut.
fn header_lines(text: &str) -> impl Iterator<Item = usize> {
    text.match_indices("\n[").map(|(at, _)| at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`compare_with_toml`], failing the test on a disagreement.
    fn agrees(text: &str) -> bool {
        compare_with_toml(text).unwrap_or_else(|difference| panic!("{difference}\n{text}"))
    }

    #[test]
    fn builds_what_toml_builds() {
        let documents = [
            "",
            "a = 1\n",
            "# comment only",
            "name = \"shop\"\n[resources.cache]\ntype = 'redis'\n",
            "a.b.c = 1\na.b.d = 'x'\na.e = true\n",
            "[a.b]\nx = 1\n[a]\ny = 2\n",
            "[a.b]\nx = 1\n[a.c]\ny = 2\n[a]\nz = 3\n",
            "[[t]]\nx = 1\n[[t]]\nx = 2\n[t.sub]\ny = 3\n[[t.list]]\nz = 4\n",
            "[a]\nb.c = 1\n[a.b.d]\ne = 2\n",
            "x = { a = 1, b.c = [1, 2, { d = 3 }], e = {} }\n",
            "x = [[1, 2], [\"a\"], [{ k = 'v' }]]\n",
            "\"quoted key\" = \"esc\\u00e9\\t\"\n'lit.key' = '''\nmulti\nline'''\n",
            "n = 0xff\nm = 0o17\nb = 0b11\nf = 1.5e3\ni = +inf\nu = 1_000\n",
            "big = 0xffffffffffffffff\n",
            "x = {\n  a = 1,\n  b = [\n    1,\n    2,\n  ],\n}\n",
            "\u{feff}a = 1\n",
            "a = \"\"\"\nx \\\n  y\"\"\"\nb = 1\r\nc = 2\r\n",
            "\"k\" = \"tab\there \u{e9}\"\n'l' = 'it \"q\"'\ne = \"\"\nz = 0\nn = -7\n",
            "huge = 99999999999999999999\nt = true\nf = false\n",
        ];
        for text in documents {
            assert!(agrees(text), "gave up on valid TOML:\n{text}");
        }
    }

    #[test]
    fn gives_up_where_toml_finds_errors() {
        let documents = [
            "a = 1\na = 2\n",
            "[a]\n[a]\n",
            "[a]\nb = 1\n[a.b]\n",
            "a.b = 1\n[a]\n",
            "a.b = 1\n[a.b]\n",
            "[a.b]\n[a]\nb = 1\n",
            "a = {}\n[a]\n",
            "a = {}\na.b = 1\n",
            "a = []\n[[a]]\n",
            "[[a]]\n[a]\n",
            "a = 1\na.b = 2\n",
            "[x]\na = { b = 1, b = 2 }\n",
            "a = { b = { c = 1 }, b.d = 2 }\n",
            "a = { b.c = 1, b = 2 }\n",
            "a = [1,\n",
            "a = 1979-05-27T07:32:00Z\n",
            "a = 1979-13-45\n",
            "a = \"\\q\"\n",
            "a = 1 b = 2\n",
            "= 1\n",
            "[a\n",
            "a = ]\n",
            "a = {b = 1\n",
            "a = 007\n",
            "a = \"bell\u{7}\"\n",
            "a = 'del\u{7f}'\n",
            "a.\u{e9} = 1\n",
        ];
        for text in documents {
            assert!(!agrees(text), "built what it should leave to toml:\n{text}");
        }
    }

    #[test]
    fn long_files_span_several_chunks() {
        let mut text = String::from("name = \"big\"\n");
        for i in 0..3_000 {
            text.push_str(&format!(
                "[resources.r{i}]\ntype = \"container\"\nenv = {{ A = \"{i}\", B = [\n  1,\n  2,\n] }}\n[resources.r{i}.health]\npath = \"/\"\n"
            ));
        }
        assert!(agrees(&text));
        text.push_str("[resources.r7]\n");
        assert!(!agrees(&text), "a table defined twice, far apart");
    }

    #[test]
    fn every_toml_input_of_the_repository_agrees_whole_and_in_pieces() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut valid, mut merged) = (0, 0);
        for dir in ["tests/models", "tests/fixtures/ok", "tests/fixtures/err"] {
            let Ok(files) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for path in files.filter_map(|f| Some(f.ok()?.path())) {
                let bytes = std::fs::read(&path).unwrap_or_default();
                let Ok(text) = std::str::from_utf8(&bytes) else {
                    continue;
                };
                if path.extension().is_some_and(|e| e == "toml") {
                    let built = agrees(text);
                    // Never gives up on a valid repository file (no date-times there).
                    let valid_toml = toml::de::DeTable::parse_recoverable(text).1.is_empty();
                    assert_eq!(built, valid_toml, "{}", path.display());
                    valid += usize::from(built);
                    merged += every_cut_merges_soundly(text, 8)
                        .unwrap_or_else(|bad| panic!("{}: {bad}", path.display()));
                }
            }
        }
        assert!(valid > 10, "found the example models and fixtures");
        assert!(merged > 100, "most cuts of the models merge ({merged})");
    }

    /// Every way to cut `text` in two, three or four pieces at lines starting with `[`
    /// (up to `limit` cut positions): `Err` with the first cuts whose pieces merge into a
    /// tree other than the one-piece tree; else how many cuts merged.
    fn every_cut_merges_soundly(text: &str, limit: usize) -> Result<usize, String> {
        let whole = build_piece(text, 0);
        let cuts: Vec<usize> = header_lines(text).take(limit).collect();
        let mut ways: Vec<Vec<usize>> = cuts.iter().map(|&c| vec![c]).collect();
        for (i, &a) in cuts.iter().enumerate() {
            for (j, &b) in cuts.iter().enumerate().skip(i + 1) {
                ways.push(vec![a, b]);
                ways.extend(cuts.iter().skip(j + 1).map(|&c| vec![a, b, c]));
            }
        }
        let mut merged = 0;
        for starts in ways {
            if let Some(pieced) = merge_pieces(text, &starts) {
                if Some(&pieced) != whole.as_ref() {
                    return Err(format!("cuts {starts:?} of\n{text}"));
                }
                merged += 1;
            }
        }
        Ok(merged)
    }

    #[test]
    fn pieces_merge_into_the_one_piece_tree_or_not_at_all() {
        let documents = [
            "name = \"shop\"\n[resources.a]\ntype = 'redis'\n[resources.b]\nx = 1\n[resources.a.env]\nK = 1\n",
            "[a.b]\nx = 1\n[a]\ny = 2\n[a.c]\nz = 3\n",
            "[a]\nb.c = 1\n[a.b.d]\ne = 2\n[a.f]\n",
            "[[t]]\nx = 1\n[[t]]\nx = 2\n[t.sub]\ny = 3\n[[t.list]]\nz = 4\n[[t]]\n[t.sub]\n",
            "[a]\n[b]\n[a]\n",
            "[a.b]\n[a.b]\n",
            "[x]\nk = 1\n[y]\nbig = 99999999999999999999\n[z]\nhuge = 0xffffffffffffffff\n",
            // Lines starting with `[` inside multi-line values: cuts there must not merge.
            "a = \"\"\"\n[b]\nc = 1\n\"\"\"\n[d]\ne = '''\n[f]\n'''\n",
            "a = [\n[1, 2],\n[3],\n]\n[b]\nc = 1\n",
            "a = {\n  b = [\n[1],\n],\n}\n[c]\n",
            "[a]\nx = 1\n[a.b]\n[[a.c]]\n[a.c.d]\n[[a.c]]\n[e.f.g]\n[e.f]\n",
            "[a]\nb = { c = 1 }\n[a.b.d]\n",
            "[a]\nb.c = 1\n[a.b]\n",
        ];
        for text in documents {
            every_cut_merges_soundly(text, 12).unwrap_or_else(|bad| panic!("{bad}"));
        }
        let model = documents[0];
        assert_eq!(
            every_cut_merges_soundly(model, 12),
            Ok(7),
            "a model cut anywhere between resources (3 ways in two pieces, 3 in three, 1 in four) merges"
        );
        let multi_line = documents[7];
        assert_eq!(
            every_cut_merges_soundly(multi_line, 12),
            Ok(1),
            "merges only the cut at `[d]`: the others start inside multi-line strings"
        );
    }

    #[test]
    fn a_large_file_is_cut_where_lines_start_with_a_header() {
        let text = "[a]\nx = 1\n".repeat(10);
        let starts = piece_starts(&text, 3);
        assert_eq!(starts.len(), 2);
        assert!(
            starts
                .iter()
                .all(|&s| text[s..].starts_with("[a]") && s > 0)
        );
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(piece_starts("a = 1\nb = [\n1]\n", 4), Vec::<usize>::new());
        let one_header = "a = 1\nb = 2\n[c]\nd = 3\ne = 4\n";
        assert_eq!(
            piece_starts(one_header, 4),
            vec![12],
            "fewer pieces, never the same twice"
        );
    }

    #[test]
    fn strings_without_escapes_borrow_from_the_source() {
        let text = "a = \"plain\"\nb = \"esc\\n\"\n";
        let (table, _) = build(text).expect("valid");
        let borrowed: Vec<bool> = table
            .entries()
            .iter()
            .map(|(_, node)| matches!(node.value, Value::String(Cow::Borrowed(_))))
            .collect();
        assert_eq!(borrowed, [true, false]);
    }
}
