//! serde's data model onto the block layout: values through [`ValueSer`], maps, lists and
//! structs through [`Compound`], map keys through `KeySer`.
//!
//! Values read as `serde_json` would give them, so that the YAML says what a JSON export
//! would: `None` and unit are `null`, a unit variant is its name, other variants are one-key
//! maps, bytes are a list of numbers.

use serde::Serialize;
use serde::ser::{self, Impossible};

use crate::error::Error;
use crate::layout::{Block, Place, Writer};
use crate::scalar;

/// Writes one value at a place.
pub(crate) struct ValueSer<'a> {
    writer: &'a mut Writer,
    place: Place,
}

impl<'a> ValueSer<'a> {
    pub(crate) fn root(writer: &'a mut Writer) -> ValueSer<'a> {
        ValueSer {
            writer,
            place: Place::Root,
        }
    }

    fn scalar(self, write: impl FnOnce(&mut String)) -> Result<(), Error> {
        self.writer.scalar(self.place, write);
        Ok(())
    }

    fn compound(self, map: bool) -> Compound<'a> {
        let block = self.writer.open(self.place, map);
        Compound {
            writer: self.writer,
            block,
            value: Place::Root,
            variant: None,
        }
    }

    /// A one-key map `variant:` whose value is a map or list (`map`), for tuple and struct
    /// variants.
    fn variant(self, variant: &'static str, map: bool) -> Compound<'a> {
        let mut outer = self.writer.open(self.place, true);
        let place = self.writer.field(&mut outer, variant);
        let block = self.writer.open(place, map);
        Compound {
            writer: self.writer,
            block,
            value: Place::Root,
            variant: Some(Box::new(outer)),
        }
    }
}

/// An open map, list, struct or variant.
pub(crate) struct Compound<'a> {
    writer: &'a mut Writer,
    block: Block,
    /// Where the value of the last key written by `serialize_key` goes.
    value: Place,
    /// The one-key map around a tuple or struct variant, closed after `block`. Boxed: variants
    /// are rare, and every map and list moves a `Compound` around.
    variant: Option<Box<Block>>,
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let place = self.writer.item(&mut self.block);
        value.serialize(ValueSer {
            writer: self.writer,
            place,
        })
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let place = self.writer.field(&mut self.block, key);
        value.serialize(ValueSer {
            writer: self.writer,
            place,
        })
    }

    fn close(mut self) -> Result<(), Error> {
        self.writer.close(&mut self.block);
        if let Some(mut outer) = self.variant {
            self.writer.close(&mut outer);
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for ValueSer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.scalar(|out| out.push_str(if v { "true" } else { "false" }))
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.scalar(|out| scalar::write_integer(out, v))
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.scalar(|out| scalar::write_float(out, f64::from(v)))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.scalar(|out| scalar::write_float(out, v))
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.scalar(|out| scalar::write_string(out, v.encode_utf8(&mut [0; 4])))
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.writer.string(self.place, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut list = self.compound(false);
        for byte in v {
            list.element(byte)?;
        }
        list.close()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.scalar(|out| out.push_str("null"))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut map = self.compound(true);
        map.field(variant, value)?;
        map.close()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.compound(false))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(self.compound(false))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(self.compound(false))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(self.variant(variant, false))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.compound(true))
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(self.compound(true))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(self.variant(variant, true))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.value = key.serialize(KeySer {
            writer: self.writer,
            block: &mut self.block,
        })?;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(ValueSer {
            writer: self.writer,
            place: self.value,
        })
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// A map key, written as the next entry of `block`: strings, and the scalars JSON would turn
/// into strings (numbers, bools, chars, unit variants). Gives the place of the entry's value.
struct KeySer<'a> {
    writer: &'a mut Writer,
    block: &'a mut Block,
}

impl KeySer<'_> {
    fn key(self, key: &str) -> Result<Place, Error> {
        Ok(self.writer.entry(self.block, key))
    }

    /// A key that is not text yet.
    fn integer(self, n: impl itoa::Integer) -> Result<Place, Error> {
        self.key(itoa::Buffer::new().format(n))
    }
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("a map key must be a string, a number or a bool")
}

impl ser::Serializer for KeySer<'_> {
    type Ok = Place;
    type Error = Error;
    type SerializeSeq = Impossible<Place, Error>;
    type SerializeTuple = Impossible<Place, Error>;
    type SerializeTupleStruct = Impossible<Place, Error>;
    type SerializeTupleVariant = Impossible<Place, Error>;
    type SerializeMap = Impossible<Place, Error>;
    type SerializeStruct = Impossible<Place, Error>;
    type SerializeStructVariant = Impossible<Place, Error>;

    fn serialize_bool(self, v: bool) -> Result<Place, Error> {
        self.key(if v { "true" } else { "false" })
    }

    fn serialize_i8(self, v: i8) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_i16(self, v: i16) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_i32(self, v: i32) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_i64(self, v: i64) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_i128(self, v: i128) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_u8(self, v: u8) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_u16(self, v: u16) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_u32(self, v: u32) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_u64(self, v: u64) -> Result<Place, Error> {
        self.integer(v)
    }

    fn serialize_u128(self, v: u128) -> Result<Place, Error> {
        self.integer(v)
    }

    /// Float keys are refused: their text differs between float formatters.
    fn serialize_f32(self, _v: f32) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_f64(self, _v: f64) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_char(self, v: char) -> Result<Place, Error> {
        self.key(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Place, Error> {
        self.key(v)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Place, Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Place, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Place, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}
