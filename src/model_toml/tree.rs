//! The spanned tree the front end works on: every key and value keeps its byte range, and
//! strings borrow from the source text unless TOML escapes made them differ from it.
//!
//! [`super::syntax`] builds it; the other steps merge (environments), walk (schema) and read
//! (lowering) it without caring how TOML spells things.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use ir::{FileId, Span};

/// A value and the byte range of its source text (for a string: including its quotes).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node<'s> {
    pub(crate) value: Value<'s>,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'s> {
    /// The decoded string; the node's span covers the raw token.
    String(Cow<'s, str>),
    Integer(i64),
    Float,
    Boolean(bool),
    Datetime,
    Array(Array<'s>),
    Table(Table<'s>),
    /// An integer outside `i64`, already reported: later stages stay silent about it.
    Invalid,
}

/// A key as written (decoded, without quotes) and its byte range.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Key<'s> {
    pub(crate) name: Cow<'s, str>,
    pub(crate) span: Range<usize>,
}

impl<'s> Key<'s> {
    pub(crate) fn new(name: impl Into<Cow<'s, str>>, span: Range<usize>) -> Key<'s> {
        Key {
            name: name.into(),
            span,
        }
    }
}

/// The items of an array.
#[derive(Clone, Debug, Default)]
pub(crate) struct Array<'s> {
    pub(crate) items: Vec<Node<'s>>,
    /// Made by `[[name]]` headers, which may add to it; a written `[...]` is closed.
    pub(crate) of_tables: bool,
}

/// Entries in source order. TOML forbids duplicate keys, so a name occurs at most once.
///
/// Large tables (a model's `resources` has one entry per resource) keep an index by name,
/// so that building and merging them stays linear; every change goes through the methods
/// here, which keep that index right.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table<'s> {
    entries: Vec<(Key<'s>, Node<'s>)>,
    #[expect(
        clippy::box_collection,
        reason = "one pointer in each of the many small tables that never need an index, not a whole map"
    )]
    index: Option<Box<BTreeMap<Cow<'s, str>, usize>>>,
    /// How TOML defined the table: decides what may still add keys to it while the tree is
    /// built (see [`super::syntax`]); meaningless afterwards.
    pub(crate) origin: Origin,
}

/// How a TOML table came to be, as far as later keys and headers care.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Origin {
    /// Created on the way to a deeper key (`[a.b]` or `a.b = 1` creates `a`), not by its own
    /// header or by an inline table.
    pub(crate) implicit: bool,
    /// Created or extended by a dotted key (`a.b = 1`), which a later `[a]` may not redefine.
    pub(crate) dotted: bool,
    /// Written inline (`{ ... }`), or created inside one: closed to anything outside it.
    pub(crate) inline: bool,
}

/// From this many entries on, a table keeps an index by name: below, a scan is cheaper.
const INDEXED_FROM: usize = 16;

impl<'s> Table<'s> {
    pub(crate) fn with_origin(origin: Origin) -> Table<'s> {
        Table {
            origin,
            ..Table::default()
        }
    }

    /// An empty table that fills `spare` (cleared first): a builder hands back vectors that
    /// [`Table::fit`] emptied, so that tables being filled rarely grow step by step.
    pub(crate) fn reusing(origin: Origin, mut spare: Vec<(Key<'s>, Node<'s>)>) -> Table<'s> {
        spare.clear();
        Table {
            entries: spare,
            index: None,
            origin,
        }
    }

    /// Shrinks the entries to exactly their number once the table is complete; returns the
    /// emptied vector they were in, for [`Table::reusing`].
    pub(crate) fn fit(&mut self) -> Vec<(Key<'s>, Node<'s>)> {
        fit(&mut self.entries)
    }

    pub(crate) fn entries(&self) -> &[(Key<'s>, Node<'s>)] {
        &self.entries
    }

    pub(crate) fn into_entries(self) -> Vec<(Key<'s>, Node<'s>)> {
        self.entries
    }

    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.entries.iter().position(|(key, _)| key.name == name),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Node<'s>> {
        self.entry(name).map(|(_, node)| node)
    }

    pub(crate) fn entry(&self, name: &str) -> Option<&(Key<'s>, Node<'s>)> {
        self.entries.get(self.position(name)?)
    }

    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut Node<'s>> {
        let position = self.position(name)?;
        self.node_at_mut(position)
    }

    /// The node of the entry at `position` (see [`Table::position`]).
    pub(crate) fn node_at_mut(&mut self, position: usize) -> Option<&mut Node<'s>> {
        self.entries.get_mut(position).map(|(_, node)| node)
    }

    /// The position of the entry `name`, adding it with `make` if there is none.
    pub(crate) fn position_or_push(
        &mut self,
        key: &Key<'s>,
        make: impl FnOnce() -> Node<'s>,
    ) -> usize {
        self.position(&key.name).unwrap_or_else(|| {
            self.push(key.clone(), make());
            self.entries.len() - 1
        })
    }

    /// Adds an entry whose name the table does not have yet (the caller checked).
    pub(crate) fn push(&mut self, key: Key<'s>, node: Node<'s>) {
        if let Some(index) = &mut self.index {
            index.insert(key.name.clone(), self.entries.len());
        }
        self.entries.push((key, node));
        if self.index.is_none() && self.entries.len() >= INDEXED_FROM {
            self.reindex();
        }
    }

    /// Sets `key`: an entry of that name is replaced where it is, else one is added.
    pub(crate) fn insert(&mut self, key: Key<'s>, node: Node<'s>) {
        match self.position(&key.name) {
            Some(position) => {
                if let Some(entry) = self.entries.get_mut(position) {
                    *entry = (key, node);
                }
            }
            None => self.push(key, node),
        }
    }

    /// Removes the entry `name`; the ones after it move up (source order is kept).
    pub(crate) fn remove(&mut self, name: &str) -> Option<(Key<'s>, Node<'s>)> {
        let position = self.position(name)?;
        let removed = self.entries.remove(position);
        if self.index.is_some() {
            self.reindex();
        }
        Some(removed)
    }

    fn reindex(&mut self) {
        let index = self
            .entries
            .iter()
            .enumerate()
            .map(|(position, (key, _))| (key.name.clone(), position))
            .collect();
        self.index = Some(Box::new(index));
    }
}

/// Moves `items` into a new vector of exactly their number and returns the old, emptied one
/// (an empty one if it was exact already). A vector grown by pushing has up to twice the
/// room it needs, and the tree is whole in memory at once: most of its tables and arrays
/// hold two or three entries in room for four. (Shrinking in place would not do: the
/// allocator keeps a block that is at least half used.)
pub(crate) fn fit<T>(items: &mut Vec<T>) -> Vec<T> {
    if items.len() == items.capacity() {
        return Vec::new();
    }
    let mut exact = Vec::with_capacity(items.len());
    exact.append(items);
    std::mem::replace(items, exact)
}

/// Two tables are equal when their entries are: the index and the origin only serve
/// building.
impl PartialEq for Table<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

/// Two arrays are equal when their items are.
impl PartialEq for Array<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<'s> Node<'s> {
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

    pub(crate) fn as_array(&self) -> Option<&[Node<'s>]> {
        match &self.value {
            Value::Array(array) => Some(&array.items),
            _ => None,
        }
    }

    pub(crate) fn as_table(&self) -> Option<&Table<'s>> {
        match &self.value {
            Value::Table(table) => Some(table),
            _ => None,
        }
    }

    pub(crate) fn as_table_mut(&mut self) -> Option<&mut Table<'s>> {
        match &mut self.value {
            Value::Table(table) => Some(table),
            _ => None,
        }
    }
}

impl Value<'_> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(number: i64) -> Node<'static> {
        Node {
            value: Value::Integer(number),
            span: 0..0,
        }
    }

    #[test]
    fn a_large_table_finds_by_name_after_removals() {
        let mut table = Table::default();
        for i in 0..40 {
            table.push(Key::new(format!("k{i}"), i..i), scalar(i as i64));
        }
        assert!(table.index.is_some());
        assert_eq!(table.get("k39").and_then(Node::as_integer), Some(39));
        let removed = table.remove("k3").map(|(key, _)| key.name);
        assert_eq!(removed.as_deref(), Some("k3"));
        assert_eq!(table.position("k4"), Some(3));
        assert!(table.get("k3").is_none());
        table.insert(Key::new("k4", 99..99), scalar(-4));
        assert_eq!(table.position("k4"), Some(3), "replaced in place");
        assert_eq!(table.get("k4").and_then(Node::as_integer), Some(-4));
        table.insert(Key::new("k3", 0..0), scalar(3));
        assert_eq!(table.position("k3"), Some(39), "added at the end");
    }
}
