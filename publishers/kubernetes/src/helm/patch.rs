//! An object serialised with its deploy-time places filled, in one pass: a serde `Serializer`
//! that wraps another (the YAML writer's) and changes what reaches it at the places a template
//! decides ([`Places`]), so that no copy of the object is made.
//!
//! On the way every string and map key is escaped for Go templates ([`escape::text`]), so that
//! the only `{{` in the written text not followed by a backquote are the markers this puts in
//! place of values (`{{@n}}`); the template replaces each quoted marker afterwards. Only the
//! nodes on the way to a place keep track of where they are (a JSON pointer, RFC 6901); below
//! others the wrapper only escapes.

use std::borrow::Cow;

use serde::Serialize;
use serde::ser;

use super::escape;

/// What a template does at one place.
pub(crate) enum Action {
    /// The value becomes marker `n`; where the field is absent (an optional one), it is added
    /// at the end of its map.
    Mark(usize),
    /// A map of labels: the values of `marks` become markers, and `added` entries (in key
    /// order) join the others where their key sorts.
    Relabel {
        marks: Vec<(&'static str, usize)>,
        added: Vec<(String, Added)>,
    },
}

/// What a [`Action::Relabel`] does: its marks and added entries.
type Relabel<'a> = (&'a [(&'static str, usize)], &'a [(String, Added)]);

/// The value of an entry a [`Action::Relabel`] adds.
pub(crate) enum Added {
    Mark(usize),
    Text(String),
}

/// The places of one object, by JSON pointer.
#[derive(Default)]
pub(crate) struct Places {
    /// The pointers with `/` written as NUL, which sorts before every other character, so that
    /// in byte order the places below a node are contiguous, right after the node's own (with
    /// `/`, a sibling `a-b` would sort between `a` and `a/c`). Pointers hold no NUL of their own
    /// (the objects' keys are names).
    entries: Vec<(String, Action)>,
}

/// The separator of [`Places::entries`].
const SEPARATOR: char = '\0';

impl Places {
    pub(crate) fn new<'p>(pointers: impl IntoIterator<Item = (&'p str, Action)>) -> Places {
        let mut entries: Vec<(String, Action)> = pointers
            .into_iter()
            .map(|(at, action)| (at.replace('/', "\0"), action))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Places { entries }
    }

    /// The root of the object.
    pub(crate) fn root(&self) -> Option<Node<'_>> {
        Some(Node {
            entries: &self.entries,
            depth: 0,
        })
    }
}

/// A node of the object on the way to places: the places at it or below it, and the length of
/// its pointer (each of those places' pointers starts with it). Finding a child looks only at
/// those places, and builds no pointer.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a> {
    entries: &'a [(String, Action)],
    depth: usize,
}

impl<'a> Node<'a> {
    /// Child `key` (a field name, map key or list index), when a place is at it or below.
    fn child(self, key: &str) -> Option<Node<'a>> {
        let escaped: Cow<'_, str> = if key.contains(['~', '/']) {
            Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
        } else {
            Cow::Borrowed(key)
        };
        let inside = |at: &str| {
            at.get(self.depth..)
                .and_then(|rest| rest.strip_prefix(SEPARATOR))
                .and_then(|rest| rest.strip_prefix(escaped.as_ref()))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(SEPARATOR))
        };
        let start = self.entries.iter().position(|(at, _)| inside(at))?;
        let len = self.entries[start..]
            .iter()
            .take_while(|(at, _)| inside(at))
            .count();
        Some(Node {
            entries: &self.entries[start..start + len],
            depth: self.depth + 1 + escaped.len(),
        })
    }

    /// The action at this node itself.
    fn action(self) -> Option<&'a Action> {
        match self.entries.first() {
            Some((at, action)) if at.len() == self.depth => Some(action),
            _ => None,
        }
    }

    /// The marks of this node's direct children, with the child's key (unescaped).
    fn marks(self) -> impl Iterator<Item = (Cow<'a, str>, usize)> {
        self.entries.iter().filter_map(move |(at, action)| {
            let key = at.get(self.depth + 1..)?;
            match action {
                Action::Mark(n) if !key.contains(SEPARATOR) => {
                    let key = if key.contains('~') {
                        Cow::Owned(key.replace("~1", "/").replace("~0", "~"))
                    } else {
                        Cow::Borrowed(key)
                    };
                    Some((key, *n))
                }
                Action::Mark(_) | Action::Relabel { .. } => None,
            }
        })
    }
}

/// `value`, at `node` (`None` below no place), serialised with its places filled.
pub(crate) struct Patched<'a, T: ?Sized> {
    pub(crate) value: &'a T,
    pub(crate) node: Option<Node<'a>>,
}

impl<T: Serialize + ?Sized> Serialize for Patched<'_, T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Ser {
            inner: serializer,
            node: self.node,
        })
    }
}

/// `value` below no place: only escaped.
fn plain<T: ?Sized>(value: &T) -> Patched<'_, T> {
    Patched { value, node: None }
}

/// `value` at `node`: a marker where the node has one, else the value, patched below.
enum At<'a, T: ?Sized> {
    Marker(usize),
    Value(Patched<'a, T>),
}

impl<T: Serialize + ?Sized> Serialize for At<'_, T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            At::Marker(n) => Marker(*n).serialize(serializer),
            At::Value(patched) => patched.serialize(serializer),
        }
    }
}

/// Child `key` of `parent` holding `value`.
fn at<'a, T: ?Sized>(parent: Option<Node<'a>>, key: &str, value: &'a T) -> At<'a, T> {
    let node = parent.and_then(|parent| parent.child(key));
    match node.and_then(Node::action) {
        Some(Action::Mark(n)) => At::Marker(*n),
        Some(Action::Relabel { .. }) | None => At::Value(Patched { value, node }),
    }
}

/// A marker in place of a value.
struct Marker(usize);

impl Serialize for Marker {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut number = itoa::Buffer::new();
        serializer.serialize_str(&["{{@", number.format(self.0), "}}"].concat())
    }
}

/// A string escaped for Go templates.
struct Escaped<'a>(&'a str);

impl Serialize for Escaped<'_> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&escape::text(self.0))
    }
}

/// The map key `key` as text (keys of the objects are strings).
fn key_text<T: Serialize + ?Sized, E: ser::Error>(key: &T) -> Result<String, E> {
    key.serialize(KeyText).map_err(|error| E::custom(error.0))
}

/// Captures a string key; anything else is an error (the objects' keys are strings).
struct KeyText;

#[derive(Debug)]
struct NotText(String);

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotText {}

impl ser::Error for NotText {
    fn custom<T: std::fmt::Display>(message: T) -> NotText {
        NotText(message.to_string())
    }
}

macro_rules! not_text {
    ($($method:ident($($ty:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $ty),*) -> Result<String, NotText> {
            Err(NotText("a map key that is not a string".to_string()))
        })*
    };
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = NotText;
    type SerializeSeq = ser::Impossible<String, NotText>;
    type SerializeTuple = ser::Impossible<String, NotText>;
    type SerializeTupleStruct = ser::Impossible<String, NotText>;
    type SerializeTupleVariant = ser::Impossible<String, NotText>;
    type SerializeMap = ser::Impossible<String, NotText>;
    type SerializeStruct = ser::Impossible<String, NotText>;
    type SerializeStructVariant = ser::Impossible<String, NotText>;

    fn serialize_str(self, v: &str) -> Result<String, NotText> {
        Ok(v.to_string())
    }

    not_text!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, NotText> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, NotText> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotText> {
        Err(NotText("a map key that is not a string".to_string()))
    }
}

/// Field names a template adds where the object has none (an optional field's place): struct
/// fields are `&'static str` to a serde serializer.
fn static_field<E: ser::Error>(name: &str) -> Result<&'static str, E> {
    const OPTIONAL: [&str; 4] = ["resources", "storageClassName", "ingressClassName", "tls"];
    OPTIONAL
        .into_iter()
        .find(|known| *known == name)
        .ok_or_else(|| E::custom(format!("no optional field `{name}` is known to the chart")))
}

struct Ser<'a, S> {
    inner: S,
    node: Option<Node<'a>>,
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(fn $method(self, $($arg: $ty),*) -> Result<S::Ok, S::Error> {
            self.inner.$method($($arg),*)
        })*
    };
}

impl<'a, S: ser::Serializer> ser::Serializer for Ser<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Elements<'a, S::SerializeSeq>;
    type SerializeTuple = Elements<'a, S::SerializeTuple>;
    type SerializeTupleStruct = Elements<'a, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Elements<'a, S::SerializeTupleVariant>;
    type SerializeMap = Map<'a, S::SerializeMap>;
    type SerializeStruct = Fields<'a, S::SerializeStruct>;
    type SerializeStructVariant = Fields<'a, S::SerializeStructVariant>;

    forward!(
        serialize_bool(v: bool),
        serialize_i8(v: i8),
        serialize_i16(v: i16),
        serialize_i32(v: i32),
        serialize_i64(v: i64),
        serialize_u8(v: u8),
        serialize_u16(v: u16),
        serialize_u32(v: u32),
        serialize_u64(v: u64),
        serialize_f32(v: f32),
        serialize_f64(v: f64),
        serialize_char(v: char),
        serialize_bytes(v: &[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(name: &'static str),
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str),
    );

    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_str(&escape::text(v))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let patched = Patched {
            value,
            node: self.node,
        };
        self.inner.serialize_newtype_struct(name, &patched)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_variant(name, index, variant, &plain(value))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(Elements {
            inner: self.inner.serialize_seq(len)?,
            node: self.node,
            index: 0,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(Elements {
            inner: self.inner.serialize_tuple(len)?,
            node: None,
            index: 0,
        })
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Elements {
            inner: self.inner.serialize_tuple_struct(name, len)?,
            node: None,
            index: 0,
        })
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Elements {
            inner: self
                .inner
                .serialize_tuple_variant(name, index, variant, len)?,
            node: None,
            index: 0,
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let relabel = match self.node.and_then(Node::action) {
            Some(Action::Relabel { marks, added }) => Some((marks.as_slice(), added.as_slice())),
            Some(Action::Mark(_)) | None => None,
        };
        Ok(Map {
            inner: self.inner.serialize_map(len)?,
            node: self.node,
            relabel,
            added_next: 0,
            key: None,
            seen: Vec::new(),
        })
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Fields {
            inner: self.inner.serialize_struct(name, len)?,
            node: self.node,
            seen: Vec::new(),
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Ok(Fields {
            inner: self
                .inner
                .serialize_struct_variant(name, index, variant, len)?,
            node: None,
            seen: Vec::new(),
        })
    }
}

/// The items of a list (or a tuple, which the objects do not have: never a place).
struct Elements<'a, C> {
    inner: C,
    node: Option<Node<'a>>,
    index: usize,
}

impl<C: ser::SerializeSeq> ser::SerializeSeq for Elements<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        if self.node.is_none() {
            return self.inner.serialize_element(&plain(value));
        }
        let mut number = itoa::Buffer::new();
        let item = at(self.node, number.format(self.index), value);
        self.index += 1;
        self.inner.serialize_element(&item)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

macro_rules! plain_elements {
    ($trait:ident, $method:ident) => {
        impl<C: ser::$trait> ser::$trait for Elements<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                self.inner.$method(&plain(value))
            }

            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    };
}

plain_elements!(SerializeTuple, serialize_element);
plain_elements!(SerializeTupleStruct, serialize_field);
plain_elements!(SerializeTupleVariant, serialize_field);

/// The fields of a struct; marks of absent optional fields are added at its end.
struct Fields<'a, C> {
    inner: C,
    node: Option<Node<'a>>,
    /// The marks already written.
    seen: Vec<usize>,
}

macro_rules! fields {
    ($trait:ident) => {
        impl<C: ser::$trait> ser::$trait for Fields<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                if self.node.is_none() {
                    return self.inner.serialize_field(key, &plain(value));
                }
                let field = at(self.node, key, value);
                if let At::Marker(n) = field {
                    self.seen.push(n);
                }
                self.inner.serialize_field(key, &field)
            }

            fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
                self.inner.skip_field(key)
            }

            fn end(mut self) -> Result<C::Ok, C::Error> {
                if let Some(node) = self.node {
                    for (key, n) in node.marks() {
                        if !self.seen.contains(&n) {
                            self.inner
                                .serialize_field(static_field(&key)?, &Marker(n))?;
                        }
                    }
                }
                self.inner.end()
            }
        }
    };
}

fields!(SerializeStruct);
fields!(SerializeStructVariant);

/// The entries of a map: a labels map is relabelled; marks of absent keys are added at its
/// end.
struct Map<'a, C> {
    inner: C,
    node: Option<Node<'a>>,
    relabel: Option<Relabel<'a>>,
    /// The next entry of `relabel`'s added ones to write.
    added_next: usize,
    /// The key being written, when this map is on the way to a place.
    key: Option<String>,
    seen: Vec<usize>,
}

impl<C: ser::SerializeMap> Map<'_, C> {
    /// Writes the added entries whose key sorts before `key` (all of them when `None`).
    fn add_before(&mut self, key: Option<&str>) -> Result<(), C::Error> {
        let Some((_, added)) = self.relabel else {
            return Ok(());
        };
        while let Some((added_key, value)) = added.get(self.added_next) {
            if key.is_some_and(|key| added_key.as_str() > key) {
                break;
            }
            self.added_next += 1;
            match value {
                Added::Mark(n) => self.inner.serialize_entry(added_key, &Marker(*n))?,
                Added::Text(text) => self.inner.serialize_entry(added_key, &Escaped(text))?,
            }
        }
        Ok(())
    }
}

impl<C: ser::SerializeMap> ser::SerializeMap for Map<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        if self.node.is_none() {
            return self.inner.serialize_key(&plain(key));
        }
        let text: String = key_text(key)?;
        self.add_before(Some(&text))?;
        self.inner.serialize_key(&Escaped(&text))?;
        self.key = Some(text);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let Some(key) = self.key.take() else {
            return self.inner.serialize_value(&plain(value));
        };
        if let Some((marks, _)) = self.relabel {
            if let Some((_, n)) = marks.iter().find(|(mark, _)| *mark == key) {
                return self.inner.serialize_value(&Marker(*n));
            }
        }
        let entry = at(self.node, &key, value);
        if let At::Marker(n) = entry {
            self.seen.push(n);
        }
        self.inner.serialize_value(&entry)
    }

    fn end(mut self) -> Result<C::Ok, C::Error> {
        self.add_before(None)?;
        if let Some(node) = self.node {
            for (key, n) in node.marks() {
                if !self.seen.contains(&n) {
                    self.inner.serialize_entry(&Escaped(&key), &Marker(n))?;
                }
            }
        }
        self.inner.end()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Serialize)]
    struct Object {
        name: String,
        count: i32,
        #[serde(skip_serializing_if = "Option::is_none")]
        tls: Option<String>,
        labels: BTreeMap<String, String>,
        items: Vec<String>,
    }

    fn write(object: &Object, places: &Places) -> String {
        let patched = Patched {
            value: object,
            node: places.root(),
        };
        aspirec_yaml::to_string(&patched).unwrap()
    }

    #[test]
    fn places_get_markers_and_text_is_escaped() {
        let object = Object {
            name: "a {{ b".to_string(),
            count: 2,
            tls: None,
            labels: BTreeMap::from([
                ("app.kubernetes.io/instance".to_string(), "shop".to_string()),
                ("z".to_string(), "{{".to_string()),
            ]),
            items: vec!["x".to_string(), "y".to_string()],
        };
        let places = Places::new(vec![
            ("/count", Action::Mark(0)),
            ("/tls", Action::Mark(1)),
            ("/items/1", Action::Mark(2)),
            (
                "/labels",
                Action::Relabel {
                    marks: vec![("app.kubernetes.io/instance", 3)],
                    added: vec![
                        ("helm.sh/chart".to_string(), Added::Mark(4)),
                        ("zz".to_string(), Added::Text("v{{".to_string())),
                    ],
                },
            ),
        ]);
        assert_eq!(
            write(&object, &places),
            "name: \"a {{`{{`}} b\"\n\
             count: \"{{@0}}\"\n\
             labels:\n  app.kubernetes.io/instance: \"{{@3}}\"\n  helm.sh/chart: \"{{@4}}\"\n  z: \"{{`{{`}}\"\n  zz: \"v{{`{{`}}\"\n\
             items:\n  - \"x\"\n  - \"{{@2}}\"\n\
             tls: \"{{@1}}\"\n"
        );
        // Without places, the text is the object's, escaped.
        let plain = write(&object, &Places::default());
        assert_eq!(
            plain.replace("{{`{{`}}", "{{"),
            aspirec_yaml::to_string(&object).unwrap()
        );
    }

    /// `k-x` and `k.z` sort between `k` and `k/v` in plain byte order; the places below `k`
    /// must still be found.
    #[test]
    fn places_below_a_node_are_found_past_siblings_that_share_its_name() {
        let value = serde_json::json!({"m": {"k": {"v": "1"}, "k-x": "2", "k.z": "3"}});
        let places = Places::new(vec![
            ("/m/k/v", Action::Mark(0)),
            ("/m/k-x", Action::Mark(1)),
        ]);
        let patched = Patched {
            value: &value,
            node: places.root(),
        };
        assert_eq!(
            aspirec_yaml::to_string(&patched).unwrap(),
            "m:\n  k:\n    v: \"{{@0}}\"\n  k-x: \"{{@1}}\"\n  k.z: \"3\"\n"
        );
    }
}
