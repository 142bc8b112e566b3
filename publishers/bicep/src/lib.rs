//! The Bicep publisher: one `main.bicep` (resource-group scope) deploying the model to Azure
//! Container Apps, and a `main.bicepparam` with its values.
//!
//! The topology is the one the Terraform publisher emits too (/work/notes/azure.md): a Log
//! Analytics workspace, a Container Apps environment, a user-assigned identity, one container
//! app per workload, managed Postgres and Redis where the model asks for them, Azure Files for
//! named volumes, and outputs for public URLs.
//!
//! The Container Apps rules (names, ingress and service discovery, CPU and memory, probes,
//! managed connection strings, diagnostics) are `aspirec_azure`'s, shared with the terraform
//! target. Pipeline: [`build`] decides everything else (symbols, values, secrets) into the
//! view objects of [`view`], and [`templates`] prints them with minijinja: each container
//! app as soon as it is built, the few other resources by kind. The templates hold layout
//! only, and every Bicep string is escaped by the one function behind the `bicep_string`
//! filter ([`bicep_string`]), so escaping lives in one place.
#![warn(clippy::wildcard_enum_match_arm)]

mod app;
mod bicep_string;
mod build;
mod chunks;
mod hosting;
mod names;
mod params;
mod storage;
mod templates;
mod values;
mod view;

#[cfg(test)]
mod tests;

use aspirec_azure::{Reporter, Target};
use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher, Span, codes};

/// The Bicep target, registered in the root crate's `targets` module.
pub struct Bicep;

/// The one value this crate exports.
pub static PUBLISHER: Bicep = Bicep;

impl Publisher for Bicep {
    fn id(&self) -> &'static str {
        "bicep"
    }

    fn description(&self) -> &'static str {
        "Bicep for Azure Container Apps (main.bicep + main.bicepparam)"
    }

    /// Container app names, so the check reports two resources that would share one.
    fn object_name(&self, name: &str) -> String {
        names::app_name(name)
    }

    fn publish(
        &self,
        model: &CheckedModel,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Option<Artifacts> {
        let files = templates::Templates::new()
            .and_then(|templates| build::build(model, options, &templates, diags));
        match files {
            Ok(Some(files)) => {
                let mut artifacts = Artifacts::new();
                artifacts.insert("main.bicep", files.main);
                artifacts.insert("main.bicepparam", files.params);
                Some(artifacts)
            }
            Ok(None) => None,
            Err(error) => {
                diags.report(
                    codes::INTERNAL,
                    Span::DETACHED,
                    format!("bicep: a template failed to render: {error:#}"),
                );
                None
            }
        }
    }
}

/// What Container Apps cannot run is reported by the shared rules, as the bicep target's.
pub(crate) fn reporter(options: &PublishOptions) -> Reporter {
    Reporter {
        target: Target::Bicep,
        allow_unsupported: options.allow_unsupported,
    }
}
