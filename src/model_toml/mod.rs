//! The `model.toml` front end (placeholder).

use ir::model::Model;
use ir::{Diagnostics, FileId};

/// Parses and lowers a model.toml, applying the `environment` overlay.
pub fn parse(_file: FileId, _text: &str, _environment: Option<&str>, _diags: &mut Diagnostics) -> Option<Model> {
    None
}
