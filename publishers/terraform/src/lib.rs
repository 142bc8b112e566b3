//! The Terraform publisher (placeholder: reports that the target is not implemented yet).
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

/// The Terraform target, registered in the root crate's `targets` module.
pub struct Terraform;

/// The one value this crate exports.
pub static PUBLISHER: Terraform = Terraform;

impl Publisher for Terraform {
    fn id(&self) -> &'static str {
        "terraform"
    }

    fn description(&self) -> &'static str {
        "Terraform (not implemented yet)"
    }

    fn publish(&self, _model: &CheckedModel, _options: &PublishOptions, diags: &mut Diagnostics) -> Option<Artifacts> {
        diags.push(ir::Diagnostic::new(ir::codes::INTERNAL, ir::Span::DETACHED, "the terraform publisher is not implemented yet"));
        None
    }
}
