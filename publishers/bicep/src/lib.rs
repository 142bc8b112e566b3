//! The Bicep publisher (placeholder: reports that the target is not implemented yet).
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

/// The Bicep target, registered in the root crate's `targets` module.
pub struct Bicep;

/// The one value this crate exports.
pub static PUBLISHER: Bicep = Bicep;

impl Publisher for Bicep {
    fn id(&self) -> &'static str {
        "bicep"
    }

    fn description(&self) -> &'static str {
        "Bicep (not implemented yet)"
    }

    fn publish(&self, _model: &CheckedModel, _options: &PublishOptions, diags: &mut Diagnostics) -> Option<Artifacts> {
        diags.push(ir::Diagnostic::new(ir::codes::INTERNAL, ir::Span::DETACHED, "the bicep publisher is not implemented yet"));
        None
    }
}
