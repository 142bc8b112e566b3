//! The Aspire manifest front end (placeholder).

use ir::model::Model;
use ir::{Diagnostics, FileId};

/// Parses and lowers an `aspire-manifest.json`.
pub fn parse(_file: FileId, _text: &str, _environment: Option<&str>, _diags: &mut Diagnostics) -> Option<Model> {
    None
}
