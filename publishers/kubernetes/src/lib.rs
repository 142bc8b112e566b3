//! The Kubernetes platform: one lowering to a plan, and two printers of it.
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
//! - `--emit helm` ([`HELM`]): a Helm chart, `<app>/`, of the same objects, whose deploy-time
//!   places (images, replicas, CPU and memory, Ingress, storage, parameters, the Secret) are
//!   values (`helm`).
//!
//! No secret, and no parameter value other than a non-secret default, is ever written.
//!
//! The modules (private, so named without links): `lower` maps the checked model to the plan
//! (`plan`: k8s-openapi objects and their deploy-time places), resolving values with `values`
//! and naming with `names`; `kustomize` and `helm` print it, through `aspirec_yaml`.
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

mod conditional;
mod emit;
mod expansion;
mod helm;
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

pub use helm::valid_chart_version;

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

/// The Helm target: the same plan as [`Kubernetes`], printed as a chart.
pub struct Helm;

/// The one value this crate exports for `--emit helm`.
pub static HELM: Helm = Helm;

impl Publisher for Helm {
    fn id(&self) -> &'static str {
        "helm"
    }

    fn description(&self) -> &'static str {
        "a Helm chart of the same Kubernetes objects (helm install)"
    }

    /// The chart's objects are the kustomize base's, named alike.
    fn object_name(&self, name: &str) -> String {
        names::object_name(name)
    }

    fn publish(
        &self,
        model: &CheckedModel,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Option<Artifacts> {
        let printer = helm::Chart::new(options);
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
            bug(diags, &error.to_string());
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
