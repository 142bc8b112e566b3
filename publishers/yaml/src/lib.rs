//! The one YAML writer of aspirec's publishers.
//!
//! Every publisher that writes YAML goes through [`write_document`] (or its shorthand
//! [`to_string`]), so the writer can be swapped in one place (`serde_yaml` is deprecated
//! upstream). It is a `serde::Serializer` that writes block-style YAML straight into the
//! caller's buffer, in the order the value serialises its fields, except for the leading keys a
//! [`KeyOrder`] asks for. **Every string is double-quoted** with JSON-style escapes: that
//! removes the YAML 1.1 versus 1.2 ambiguities (`yes`, `on`, `0644`, `1e3`, `~`, `1:20`) for
//! every reader, at the cost of some quotes.
//!
//! Scalars read as JSON would: `None` and `()` are `null`, a unit variant is its name, a
//! newtype, tuple or struct variant is a one-key map, bytes are a list of numbers.
//!
//! Modules: `layout` places lines (indentation, empty collections, leading keys), `ser` maps
//! serde's calls onto it, `scalar` writes keys, strings and numbers, `keys` remembers the
//! rendered start of each entry's line.

mod error;
mod keys;
mod layout;
mod scalar;
mod ser;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use error::Error;

/// Keys that come first in a map, in this order, wherever the value serialised them: so that a
/// Kubernetes object starts with `apiVersion` and `kind`, and `- name: web` heads a list item,
/// as people write them. The other keys keep their serialised order.
#[derive(Clone, Copy, Debug)]
pub struct KeyOrder {
    /// Leading keys of the document's top-level map.
    pub document: &'static [&'static str],
    /// Leading keys of every map that is an item of a list, at any depth.
    pub list_item: &'static [&'static str],
}

impl KeyOrder {
    /// Every key where the value serialised it.
    pub const AS_SERIALIZED: KeyOrder = KeyOrder {
        document: &[],
        list_item: &[],
    };
}

/// Appends `value` as one YAML document (no `---`), ending with a newline, to `out`: a file of
/// several documents is assembled in one buffer.
///
/// # Errors
/// When `value` cannot be written as YAML of this shape: a map key that is not a string, a
/// number or a bool, or an error of `value`'s own `Serialize`. `out` is then left as it was.
pub fn write_document<T: Serialize + ?Sized>(
    out: &mut String,
    value: &T,
    order: KeyOrder,
) -> Result<(), Error> {
    let before = out.len();
    let mut writer = layout::Writer::new(std::mem::take(out), order);
    let result = value.serialize(ser::ValueSer::root(&mut writer));
    *out = writer.into_inner();
    if result.is_err() {
        out.truncate(before);
    }
    result
}

/// `value` as one YAML document with every key where it was serialised: [`write_document`]
/// into a new string.
///
/// # Errors
/// As [`write_document`].
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = String::new();
    write_document(&mut out, value, KeyOrder::AS_SERIALIZED)?;
    Ok(out)
}
