//! The writer's text for each shape of value, key reordering, escapes that read back, and the
//! agreement with a JSON export of the same value.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use crate::{KeyOrder, to_string, write_document};

/// The order the Kubernetes publisher asks for.
const K8S: KeyOrder = KeyOrder {
    document: &["apiVersion", "kind", "metadata"],
    list_item: &["name"],
};

fn ordered(value: &impl Serialize, order: KeyOrder) -> String {
    let mut out = String::new();
    write_document(&mut out, value, order).unwrap();
    out
}

#[test]
fn writes_block_yaml_with_quoted_strings() {
    let doc = json!({
        "name": "web",
        "replicas": 2,
        "ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 81}],
        "args": ["a", "b"],
        "empty": {},
        "none": [],
        "nested": [["x"]],
    });
    let yaml = to_string(&doc).unwrap();
    assert_eq!(
        yaml,
        "name: \"web\"\nreplicas: 2\nports:\n  - name: \"http\"\n    port: 80\n  - name: \"grpc\"\n    port: 81\nargs:\n  - \"a\"\n  - \"b\"\nempty: {}\nnone: []\nnested:\n  -\n    - \"x\"\n"
    );
}

#[test]
fn lists_in_lists_and_empty_collections_everywhere() {
    let doc = json!([
        [["deep"], {"k": 1}],
        [],
        {},
        [[]],
        [{}],
    ]);
    assert_eq!(
        to_string(&doc).unwrap(),
        "-\n  -\n    - \"deep\"\n  - k: 1\n- []\n- {}\n-\n  - []\n-\n  - {}\n"
    );
    assert_eq!(to_string(&json!({})).unwrap(), "{}\n");
    assert_eq!(to_string(&json!([])).unwrap(), "[]\n");
    assert_eq!(to_string(&json!("top")).unwrap(), "\"top\"\n");
}

#[derive(Serialize)]
struct Probe {
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u32>,
    kept: Option<u32>,
    empty: Empty,
    flags: Vec<bool>,
}

#[derive(Serialize)]
struct Empty {}

#[test]
fn none_is_left_out_only_when_the_type_skips_it() {
    let probe = Probe {
        skipped: None,
        kept: None,
        empty: Empty {},
        flags: vec![true, false],
    };
    assert_eq!(
        to_string(&probe).unwrap(),
        "kept: null\nempty: {}\nflags:\n  - true\n  - false\n"
    );
}

#[test]
fn numbers_read_as_json_writes_them() {
    let doc = json!({
        "neg": -42,
        "big": u64::MAX,
        "whole": 1.0,
        "huge": 1e21,
        "half": 0.5,
    });
    assert_eq!(
        to_string(&doc).unwrap(),
        "neg: -42\nbig: 18446744073709551615\nwhole: 1.0\nhuge: 1e+21\nhalf: 0.5\n"
    );
    assert_eq!(
        to_string(&[f64::NAN, f64::INFINITY]).unwrap(),
        "- null\n- null\n"
    );
    assert_eq!(to_string(&0.25_f32).unwrap(), "0.25\n");
}

#[test]
fn strings_and_keys_are_escaped() {
    let doc = json!({"a\"b": "q\"b\\s\nn\tt\u{1}\u{85}\u{2028}é", "on": "on", "ok-key/x.y": ""});
    assert_eq!(
        to_string(&doc).unwrap(),
        "\"a\\\"b\": \"q\\\"b\\\\s\\nn\\tt\\u0001\\u0085\\u2028é\"\n\"on\": \"on\"\nok-key/x.y: \"\"\n"
    );
}

/// YAML 1.2's printable set less what go-yaml's reader refuses (it refuses the same set, and
/// DEL and the C1 controls other than NEL are outside it): what a document may hold raw.
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[test]
fn hostile_strings_read_back_exactly() {
    let hostile = [
        "yes",
        "no",
        "on",
        "off",
        "null",
        "~",
        "0644",
        "1e3",
        "1:20",
        "",
        " lead",
        "trail ",
        "a: b",
        "# c",
        "'q'",
        "\"dq\"",
        "back\\slash",
        "line\nbreak",
        "tab\there",
        "é☃𝄞",
        "\u{7f}\u{85}\u{2028}",
        // Outside YAML's printable set, or refused raw by go-yaml (kustomize, kubectl).
        "\u{fffe}\u{ffff}\u{feff}\u{0}\u{1b}\u{9f}\u{2029}\u{202e}",
        "- x",
        "{x}",
        "[y]",
        "&anchor",
        "*alias",
        "!tag",
        "%directive",
        "@at",
        "`tick`",
        "$(VAR)",
        "${X}",
        "%{y}",
    ];
    for s in hostile {
        let yaml = to_string(&json!({ "v": s, s: "k" })).unwrap();
        let back: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert!(yaml.chars().all(printable), "{yaml:?}");
        assert_eq!(back["v"].as_str(), Some(s), "{yaml}");
        assert_eq!(back[s].as_str(), Some("k"), "{yaml}");
    }
}

#[test]
fn leading_keys_move_to_the_front() {
    let doc = json!({
        "spec": {"name": "not a list item", "containers": [
            {"args": ["x"], "env": [{"value": "1", "name": "A"}], "name": "web", "ports": []},
            {"name": "first", "image": "i"},
        ]},
        "metadata": {"name": "m"},
        "kind": "Deployment",
    });
    assert_eq!(
        ordered(&doc, K8S),
        "kind: \"Deployment\"\nmetadata:\n  name: \"m\"\nspec:\n  name: \"not a list item\"\n  containers:\n    - name: \"web\"\n      args:\n        - \"x\"\n      env:\n        - name: \"A\"\n          value: \"1\"\n      ports: []\n    - name: \"first\"\n      image: \"i\"\n"
    );
    // Without a rule, the serialised order stands.
    assert_eq!(
        ordered(&json!([{"a": 1, "name": 2}]), KeyOrder::AS_SERIALIZED),
        "- a: 1\n  name: 2\n"
    );
}

#[test]
fn several_leading_keys_keep_the_rule_order_and_the_rest_theirs() {
    let order = KeyOrder {
        document: &["c", "a"],
        list_item: &["z", "w"],
    };
    let doc =
        json!({"b": 1, "a": {"x": 1}, "d": 2, "c": [{"q": 1, "w": 2, "r": [3], "z": 4}], "e": 5});
    assert_eq!(
        ordered(&doc, order),
        "c:\n  - z: 4\n    w: 2\n    q: 1\n    r:\n      - 3\na:\n  x: 1\nb: 1\nd: 2\ne: 5\n"
    );
}

#[test]
fn a_quoted_key_can_lead() {
    let order = KeyOrder {
        document: &["on"],
        list_item: &[],
    };
    assert_eq!(
        ordered(&json!({"a": 1, "on": 2}), order),
        "\"on\": 2\na: 1\n"
    );
}

#[derive(Serialize)]
enum Shape {
    Unit,
    Newtype(u8),
    Tuple(u8, &'static str),
    Struct { name: &'static str, side: u8 },
}

#[test]
fn enum_variants_read_as_json_writes_them() {
    let shapes = [
        Shape::Unit,
        Shape::Newtype(1),
        Shape::Tuple(2, "t"),
        Shape::Struct { name: "s", side: 3 },
    ];
    assert_eq!(
        to_string(&shapes).unwrap(),
        "- \"Unit\"\n- Newtype: 1\n- Tuple:\n    - 2\n    - \"t\"\n- Struct:\n    name: \"s\"\n    side: 3\n"
    );
}

#[derive(Serialize)]
struct Everything {
    text: String,
    number: i32,
    labels: BTreeMap<String, String>,
    by_port: BTreeMap<u16, bool>,
    shapes: Vec<Shape>,
    bytes: serde_bytes_like::Bytes,
    unit: (),
    nested: Vec<Vec<Option<u8>>>,
    character: char,
}

/// `serialize_bytes` without a dependency.
mod serde_bytes_like {
    pub(super) struct Bytes(pub(super) &'static [u8]);

    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }
}

/// Writing a value directly gives the text of writing its JSON export: the serializer maps
/// serde's data model as `serde_json` does.
#[test]
fn a_value_reads_like_its_json_export() {
    let value = Everything {
        text: "t".into(),
        number: -3,
        labels: [("app".to_string(), "web".to_string())].into(),
        by_port: [(80, true), (443, false)].into(),
        shapes: vec![Shape::Unit, Shape::Tuple(1, "x"), Shape::Newtype(2)],
        bytes: serde_bytes_like::Bytes(&[1, 2]),
        unit: (),
        nested: vec![vec![Some(1), None], vec![]],
        character: 'c',
    };
    let direct = ordered(&value, K8S);
    let via_json = ordered(&serde_json::to_value(&value).unwrap(), K8S);
    assert_eq!(direct, via_json);
    assert!(direct.contains("by_port:\n  \"80\": true\n"), "{direct}");
}

#[test]
fn a_failed_document_leaves_the_buffer_as_it_was() {
    let bad: BTreeMap<Vec<u8>, &str> = [(vec![1], "a list as a key")].into();
    let mut out = String::from("kept\n");
    let error = write_document(&mut out, &json!({"a": [1, 2]}), K8S)
        .and_then(|()| write_document(&mut out, &[("x", &bad)], K8S));
    let error = error.unwrap_err();
    assert_eq!(out, "kept\na:\n  - 1\n  - 2\n");
    assert!(error.to_string().contains("map key"), "{error}");
}

#[test]
fn keys_yaml_1_1_reads_as_booleans_or_null_are_quoted() {
    let doc = json!({"Yes": 1, "NULL": 2, "oFF": 3, "y": 4, "name": 5, "yess": 6, "_x": 7, "9a": 8, "": 9});
    assert_eq!(
        to_string(&doc).unwrap(),
        "\"Yes\": 1\n\"NULL\": 2\n\"oFF\": 3\n\"y\": 4\nname: 5\nyess: 6\n_x: 7\n\"9a\": 8\n\"\": 9\n"
    );
}

#[derive(Serialize)]
struct Workflow {
    #[serde(rename = "on")]
    trigger: &'static str,
    #[serde(rename = "run-name")]
    run_name: &'static str,
    /// A document written while this one is being written: it must not share this one's
    /// state (leading keys, reused buffers).
    inner: Inner,
}

struct Inner;

impl Serialize for Inner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = ordered(&json!({"a": 1, "name": "x"}), K8S);
        s.serialize_str(&text)
    }
}

/// Field names are decided once and remembered by address: the second document, whose keys
/// all come from the memory, is spelt as the first.
#[test]
fn field_names_are_spelt_the_same_every_time() {
    let workflow = Workflow {
        trigger: "push",
        run_name: "ci",
        inner: Inner,
    };
    let expected = "\"on\": \"push\"\nrun-name: \"ci\"\ninner: \"a: 1\\nname: \\\"x\\\"\\n\"\n";
    for _ in 0..2 {
        assert_eq!(ordered(&workflow, K8S), expected);
    }
    // A list item's map leads with `name`: the nested document ends no map of the outer one.
    assert_eq!(
        ordered(&[&workflow], K8S),
        "- \"on\": \"push\"\n  run-name: \"ci\"\n  inner: \"a: 1\\nname: \\\"x\\\"\\n\"\n"
    );
}

/// Map keys' lines are remembered by text and indentation: the same keys at other depths, in
/// a list item's first line, and after a key of the same length and ends (`aab` and `abb` share
/// a slot's hash inputs) are spelt as they were the first time; keys that must be quoted are
/// never taken from the memory.
#[test]
fn map_keys_are_spelt_the_same_at_every_depth() {
    let labels = json!({"app.kubernetes.io/name": "x", "yes": "y", "a b": "z", "aab": 1, "abb": 2});
    let doc = json!({"labels": labels, "items": [labels, {"nested": labels}]});
    let expected = "labels:\n  app.kubernetes.io/name: \"x\"\n  \"yes\": \"y\"\n  \"a b\": \"z\"\n  aab: 1\n  abb: 2\nitems:\n  - app.kubernetes.io/name: \"x\"\n    \"yes\": \"y\"\n    \"a b\": \"z\"\n    aab: 1\n    abb: 2\n  - nested:\n      app.kubernetes.io/name: \"x\"\n      \"yes\": \"y\"\n      \"a b\": \"z\"\n      aab: 1\n      abb: 2\n";
    for _ in 0..2 {
        assert_eq!(ordered(&doc, K8S), expected);
    }
}
