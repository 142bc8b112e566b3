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
//! and naming with `names`; `patches` applies the model's `k8s` patches to its objects;
//! `kustomize` and `helm` print it, through `aspirec_yaml`.
#![warn(clippy::wildcard_enum_match_arm)]

use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher};

mod autoscale;
mod conditional;
mod emit;
mod expansion;
mod helm;
mod image;
mod inputs;
mod integration;
mod job;
mod kustomize;
mod lower;
mod names;
mod network;
mod patches;
mod plan;
mod refused;
mod values;
mod workload;

#[cfg(test)]
mod tests;

pub use helm::valid_chart_version;

/// A Kubernetes target, registered in the root crate's `targets` module: the one lowering,
/// printed in one format.
pub struct Kubernetes {
    format: Format,
}

/// How the plan is printed.
enum Format {
    Kustomize,
    Helm,
}

/// `--emit k8s`: the kustomize base.
pub static PUBLISHER: Kubernetes = Kubernetes {
    format: Format::Kustomize,
};

/// `--emit helm`: the Helm chart of the same objects.
pub static HELM: Kubernetes = Kubernetes {
    format: Format::Helm,
};

impl Publisher for Kubernetes {
    fn id(&self) -> &'static str {
        match self.format {
            Format::Kustomize => "k8s",
            Format::Helm => "helm",
        }
    }

    fn description(&self) -> &'static str {
        match self.format {
            Format::Kustomize => "Kubernetes manifests with a kustomization (kubectl apply -k)",
            Format::Helm => "a Helm chart of the same Kubernetes objects (helm install)",
        }
    }

    /// A resource's object name, the same in both formats: the `names` pass reports two
    /// resources that would share one.
    fn object_name(&self, name: &str) -> String {
        names::object_name(name)
    }

    fn publish(
        &self,
        model: &CheckedModel,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Option<Artifacts> {
        match self.format {
            Format::Kustomize => {
                // What `kubectl apply -k` refuses is the kustomize base's own problem: Helm
                // sends the manifests as JSON, which holds those characters.
                refused::check(model, diags);
                let printer = kustomize::Kustomize::new(options.header());
                publish(model, options, diags, printer)
            }
            Format::Helm => publish(model, options, diags, helm::Chart::new(options)),
        }
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
