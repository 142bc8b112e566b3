//! The Kubernetes platform: one lowering to a plan, and its printers.
//!
//! - `--emit k8s` ([`PUBLISHER`]): a kustomize base of plain manifests:
//!   - `kustomization.yaml` lists every file below (`kubectl apply -k <folder>`);
//!   - `namespace.yaml`: the Namespace (`defaults.namespace`, else the model's name);
//!   - `<resource>.yaml` per workload: a Deployment, or a StatefulSet for an integration that
//!     keeps data; a ClusterIP Service named like the resource (its host name for other pods);
//!     an Ingress for external HTTP endpoints; claims and init scripts (`workload`);
//!   - `parameters.yaml`: the defaults of non-secret parameters, as a ConfigMap;
//!   - `secrets.env.example`: the keys of the Secret the user creates at deploy time
//!     (`inputs`).
//!
//! No secret, and no parameter value other than a non-secret default, is ever written.
//!
//! The modules (private, so named without links): `lower` maps the checked model to the plan
//! (`plan`: k8s-openapi objects and their deploy-time places), resolving values with `values`
//! and naming with `names`; `kustomize` prints it, through `aspirec_yaml`.
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

mod conditional;
mod emit;
mod expansion;
mod image;
mod inputs;
mod integration;
mod kustomize;
mod lower;
mod names;
mod network;
mod plan;
mod values;
mod workload;

#[cfg(test)]
mod tests;

/// The Kubernetes target, registered in the root crate's `targets` module.
pub struct Kubernetes;

/// The one value this crate exports for `--emit k8s`.
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
        let printer = kustomize::Kustomize::new(options.header());
        publish(model, options, diags, printer)
    }
}

/// Lowers the model and prints it with `printer`.
fn publish(
    model: &CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
    printer: impl plan::Printer,
) -> Option<Artifacts> {
    let errors_before = diags.error_count();
    match lower::run(model, options, diags, printer) {
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

/// Reports a broken invariant of the checked model instead of panicking.
pub(crate) fn bug(diags: &mut Diagnostics, what: &str) {
    diags.push(ir::Diagnostic::new(
        ir::codes::INTERNAL,
        ir::Span::DETACHED,
        format!("k8s publisher: {what}"),
    ));
}
