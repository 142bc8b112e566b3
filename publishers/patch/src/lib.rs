//! `aspirec-patch`: what every target's patches share ([`ir::patch`] declares them): the
//! patch documents as JSON values ([`json`]), a merge whose list rule each target chooses per
//! place ([`merge()`]), and RFC 6902 operations ([`apply_op`]). Both report the places they
//! write, as JSON pointers, for the targets' checks of what a patch may touch.

mod json_patch;
mod merge;

pub use json_patch::{OpError, apply_op};
pub use merge::{ListRule, merge};

use ir::patch::Doc;
use serde_json::Value;

/// A patch document as a JSON value (a float that JSON cannot hold, NaN or infinite, as null).
pub fn json(doc: &Doc) -> Value {
    match doc {
        Doc::Null => Value::Null,
        Doc::Bool(flag) => Value::Bool(*flag),
        Doc::Integer(number) => Value::from(*number),
        Doc::Float(number) => {
            serde_json::Number::from_f64(*number).map_or(Value::Null, Value::Number)
        }
        Doc::String(text) => Value::String(text.clone()),
        Doc::List(items) => Value::Array(items.iter().map(json).collect()),
        Doc::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| (key.clone(), json(value)))
                .collect(),
        ),
    }
}

/// A JSON value as a patch document (a patch file's content).
pub fn doc(value: &Value) -> Doc {
    match value {
        Value::Null => Doc::Null,
        Value::Bool(flag) => Doc::Bool(*flag),
        Value::Number(number) => number.as_i64().map_or_else(
            || Doc::Float(number.as_f64().unwrap_or_default()),
            Doc::Integer,
        ),
        Value::String(text) => Doc::String(text.clone()),
        Value::Array(items) => Doc::List(items.iter().map(doc).collect()),
        Value::Object(map) => Doc::Map(map.iter().map(|(k, v)| (k.clone(), doc(v))).collect()),
    }
}

/// A JSON pointer's text for `path` (RFC 6901 escaping of `~` and `/`).
pub fn pointer(path: &[String]) -> String {
    let mut out = String::new();
    for part in path {
        out.push('/');
        out.push_str(&part.replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// The parts of a JSON pointer; `None` if it is not one (a non-empty pointer starts with `/`).
pub fn parts(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|part| part.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Reports a patch addressed at `name`, which the target does not emit (`E0801`), at `at`;
/// `what` says what it is ("Compose service"), `known` what there is instead.
pub fn report_missing<'a>(
    diags: &mut ir::Diagnostics,
    target: &str,
    at: ir::Span,
    what: &str,
    name: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) {
    let help = match ir::diagnostic::did_you_mean(name, known.clone()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => {
            let all: Vec<String> = known.map(|k| format!("`{k}`")).collect();
            if all.is_empty() {
                format!("the {target} output has no {what}")
            } else {
                format!("the {what}s are {}", all.join(", "))
            }
        }
    };
    diags
        .report(
            ir::codes::PATCH_ADDRESS_MISSING,
            at,
            format!("the patch addresses {what} `{name}`, which the {target} output does not have"),
        )
        .with_label(format!("no {what} of this name"))
        .with_help(help);
}
