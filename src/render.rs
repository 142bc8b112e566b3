//! Rendering of diagnostics (placeholder).
use ir::{Diagnostic, SourceMap};

/// Human format.
pub fn human(_sources: &SourceMap, diagnostics: &[Diagnostic], _color: bool) -> String {
    diagnostics.iter().map(|d| format!("{}[{}]: {}\n", if d.is_error() { "error" } else { "warning" }, d.code.id, d.message)).collect()
}
