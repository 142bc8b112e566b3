//! The Kubernetes publisher (placeholder: reports that the target is not implemented yet).
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

/// The Kubernetes target, registered in the root crate's `targets` module.
pub struct Kubernetes;

/// The one value this crate exports.
pub static PUBLISHER: Kubernetes = Kubernetes;

impl Publisher for Kubernetes {
    fn id(&self) -> &'static str {
        "k8s"
    }

    fn description(&self) -> &'static str {
        "Kubernetes (not implemented yet)"
    }

    fn publish(&self, _model: &CheckedModel, _options: &PublishOptions, diags: &mut Diagnostics) -> Option<Artifacts> {
        diags.push(ir::Diagnostic::new(ir::codes::INTERNAL, ir::Span::DETACHED, "the k8s publisher is not implemented yet"));
        None
    }
}
