//! The start of a map entry's line, `<indentation>key:`, rendered once per key and
//! indentation and then copied whole.
//!
//! A file of Kubernetes objects is mostly such lines, from a few dozen keys (struct field
//! names, the recommended labels) at a few indentations: deciding again and again whether a
//! key is plain, and copying its indentation, key and colon in three small copies, was a good
//! part of the writer's time. A small direct-mapped table remembers each rendered line.

use crate::scalar;

/// The rendered lines, by key and indentation.
pub(crate) struct KeyLines {
    /// `SLOTS` slots once the first key came; empty before, so that an idle writer allocates
    /// nothing.
    slots: Vec<Slot>,
}

/// Enough for the field names and label keys at the indentations of one publisher's objects,
/// with room for the collisions of a direct-mapped table: a few hundred lines in use, so with
/// 512 slots one line in fifteen evicted another and was rendered again; 2,048 slots (112 KB
/// per thread) leave almost none.
const SLOT_BITS: u32 = 11;
const SLOTS: usize = 1 << SLOT_BITS;

#[derive(Default)]
struct Slot {
    /// The address of a key that lives as long as the program (a field name), whose address
    /// and length identify its text; 0 for a key compared by its text.
    address: usize,
    key_len: usize,
    indent: usize,
    /// `<indent spaces>key:`, the key as [`scalar::write_key`] writes it; empty when unused.
    line: String,
}

impl KeyLines {
    pub(crate) const EMPTY: KeyLines = KeyLines { slots: Vec::new() };

    /// Appends `<indent spaces>key:` for a key that lives as long as the program: a field or
    /// variant name, looked up by address (a `&'static str` never changes nor goes away).
    /// Inlined, as is [`KeyLines::write_text`], into its one caller: it runs once per line.
    #[inline]
    pub(crate) fn write_static(&mut self, out: &mut String, indent: usize, key: &'static str) {
        let address = key.as_ptr() as usize;
        let hash = fibonacci(address as u64 ^ ((indent as u64) << 48));
        let slot = self.slot(hash);
        if slot.address != address || slot.key_len != key.len() || slot.indent != indent {
            slot.fill(address, indent, key);
        }
        out.push_str(&slot.line);
    }

    /// Appends `<indent spaces>key:` for a key of the value's own (a map key), looked up by its
    /// text. Only plain keys are remembered: their line holds the key as it is.
    #[inline]
    pub(crate) fn write_text(&mut self, out: &mut String, indent: usize, key: &str) {
        let bytes = key.as_bytes();
        let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
            push_line(out, indent, key);
            return;
        };
        let hash = fibonacci(
            (bytes.len() as u64)
                | (u64::from(*first) << 16)
                | (u64::from(*last) << 24)
                | ((indent as u64) << 32),
        );
        let slot = self.slot(hash);
        let cached = slot.address == 0
            && slot.indent == indent
            && slot.key_len == key.len()
            && slot.line.get(indent..indent + key.len()) == Some(key)
            && slot.line.len() == indent + key.len() + 1;
        if cached {
            out.push_str(&slot.line);
        } else if scalar::is_plain_key(key) {
            slot.fill(0, indent, key);
            out.push_str(&slot.line);
        } else {
            push_line(out, indent, key);
        }
    }

    fn slot(&mut self, hash: usize) -> &mut Slot {
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS, Slot::default);
        }
        // `hash` is below `SLOTS` and the table has `SLOTS` slots.
        &mut self.slots[hash]
    }
}

impl Slot {
    fn fill(&mut self, address: usize, indent: usize, key: &str) {
        self.address = address;
        self.key_len = key.len();
        self.indent = indent;
        self.line.clear();
        push_line(&mut self.line, indent, key);
    }
}

fn push_line(out: &mut String, indent: usize, key: &str) {
    crate::layout::indent(out, indent);
    scalar::write_key(out, key);
    out.push(':');
}

/// Fibonacci hashing into a slot index: keys of neighbouring addresses or lengths would crowd
/// a few slots on their low bits alone.
fn fibonacci(value: u64) -> usize {
    (value.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOT_BITS)) as usize
}
