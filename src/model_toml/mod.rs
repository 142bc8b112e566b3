//! The `model.toml` front end (placeholder).

use ir::model::Model;
use ir::{Diagnostics, FileId};

/// Parses and lowers a model.toml, applying the `environment` overlay.
pub fn parse(_file: FileId, _text: &str, _environment: Option<&str>, _diags: &mut Diagnostics) -> Option<Model> {
    None
}

/// The JSON Schema of model.toml, generated from the front end's schema description
/// (placeholder until the declarative schema lands).
pub fn json_schema() -> serde_json::Value {
    serde_json::json!({})
}
