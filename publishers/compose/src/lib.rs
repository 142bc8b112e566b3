//! The Compose publisher (placeholder: reports that the target is not implemented yet).
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

/// The Compose target, registered in the root crate's `targets` module.
pub struct Compose;

/// The one value this crate exports.
pub static PUBLISHER: Compose = Compose;

impl Publisher for Compose {
    fn id(&self) -> &'static str {
        "compose"
    }

    fn description(&self) -> &'static str {
        "Compose (not implemented yet)"
    }

    fn publish(&self, _model: &CheckedModel, _options: &PublishOptions, diags: &mut Diagnostics) -> Option<Artifacts> {
        diags.push(ir::Diagnostic::new(ir::codes::INTERNAL, ir::Span::DETACHED, "the compose publisher is not implemented yet"));
        None
    }
}
