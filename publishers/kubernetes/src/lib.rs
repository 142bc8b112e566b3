//! The Kubernetes publisher (`--emit k8s`): a kustomize base of plain manifests.
//!
//! Output, relative to the target folder:
//!
//! - `kustomization.yaml` lists every file below (`kubectl apply -k <folder>`);
//! - `namespace.yaml`: the Namespace (`defaults.namespace`, else the model's name);
//! - `<resource>.yaml` per workload: a Deployment, or a StatefulSet for an integration that
//!   keeps data; a ClusterIP Service named like the resource (its host name for other pods);
//!   an Ingress for external HTTP endpoints; claims and init scripts (`workload`);
//! - `parameters.yaml`: the defaults of non-secret parameters, as a ConfigMap;
//! - `secrets.env.example`: the keys of the Secret the user creates at deploy time
//!   (`inputs`); no secret, and no parameter value other than a non-secret default, is ever
//!   written.
//!
//! The modules (private, so named without links): `lower` maps the checked model to k8s-openapi objects, resolving values
//! with `values` and naming with `names`; `emit` writes them through `aspirec_yaml`.
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

mod emit;
mod expansion;
mod inputs;
mod integration;
mod kustomize;
mod lower;
mod names;
mod network;
mod values;
mod workload;

#[cfg(test)]
mod tests;

/// The Kubernetes target, registered in the root crate's `targets` module.
pub struct Kubernetes;

/// The one value this crate exports.
pub static PUBLISHER: Kubernetes = Kubernetes;

impl Publisher for Kubernetes {
    fn id(&self) -> &'static str {
        "k8s"
    }

    fn description(&self) -> &'static str {
        "Kubernetes manifests with a kustomization (kubectl apply -k)"
    }

    /// A resource's object name: the `names` pass reports two resources that would share one.
    fn object_name(&self, name: &str) -> String {
        names::object_name(name)
    }

    fn publish(
        &self,
        model: &CheckedModel,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Option<Artifacts> {
        let errors_before = diags.error_count();
        kustomize::check(model, diags);
        match lower::run(model, options, diags) {
            Ok(artifacts) if diags.error_count() == errors_before => Some(artifacts),
            Ok(_) => None,
            Err(error) => {
                bug(
                    diags,
                    &format!("an object could not be written as YAML: {error}"),
                );
                None
            }
        }
    }
}

/// Reports a broken invariant of the checked model instead of panicking.
pub(crate) fn bug(diags: &mut Diagnostics, what: &str) {
    diags.push(ir::Diagnostic::new(
        ir::codes::INTERNAL,
        ir::Span::DETACHED,
        format!("k8s publisher: {what}"),
    ));
}
