//! The Terraform publisher: Azure Container Apps on the azurerm provider (`--emit terraform`).
//!
//! The topology is the one `notes/azure.md` fixes for both Azure targets: a resource group, a
//! Log Analytics workspace, a Container Apps environment and a user-assigned identity; one
//! container app per workload; managed PostgreSQL and Redis where the model asks for them;
//! Azure Files shares for volumes. Output is `versions.tf`, `providers.tf`, `variables.tf`,
//! `main.tf` and `outputs.tf`, formatted as `terraform fmt` would.
//!
//! The Container Apps rules themselves (names, the ingress plan and service discovery, CPU and
//! memory pairs, probes, managed connection strings, diagnostics) are `aspirec_azure`'s, shared
//! with the bicep target; this crate writes them as HCL. Modules: [`value`] turns model values
//! into HCL, [`app`], [`managed`], [`storage`], [`shared`], [`params`] and [`outputs`] write
//! blocks, through [`emit`] (the layout) and [`expr`] (expressions and escaping). hcl-rs only
//! reads the output back, in the tests.
#![warn(clippy::wildcard_enum_match_arm)]

mod app;
mod emit;
mod expr;
mod managed;
mod outputs;
mod params;
mod shared;
mod storage;
#[cfg(test)]
mod tests;
mod value;

use aspirec_azure::ingress::{Ingress, MainRule};
// Every naming rule is the shared one; modules name it `crate::names`.
use aspirec_azure::names;
use aspirec_azure::{Reporter, Target};
use ir::{Artifacts, CheckedModel, Diagnostics, ParamId, PublishOptions, Publisher, ResourceKind};

use crate::emit::TfWriter;
use crate::value::{Names, Renderer};

/// The Terraform target, registered in the root crate's `targets` module.
pub struct Terraform;

/// The one value this crate exports.
pub static PUBLISHER: Terraform = Terraform;

impl Publisher for Terraform {
    fn id(&self) -> &'static str {
        "terraform"
    }

    fn description(&self) -> &'static str {
        "Terraform for Azure Container Apps (azurerm provider)"
    }

    fn object_name(&self, name: &str) -> String {
        // Terraform labels (snake case) collide only where these app names do.
        names::app_name(name)
    }

    fn publish(
        &self,
        model: &CheckedModel,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Option<Artifacts> {
        let errors_before = diags.error_count();
        let files = files(model, options, diags);
        if diags.error_count() > errors_before {
            return None;
        }
        let mut artifacts = Artifacts::new();
        for (path, text) in files {
            artifacts.insert(path, text);
        }
        Some(artifacts)
    }
}

/// The plan of a resource that has none (there is one per resource).
static NO_INGRESS: Ingress = Ingress {
    main: None,
    additional: Vec::new(),
    placements: Vec::new(),
    problems: Vec::new(),
    left_out: Vec::new(),
};

/// Room for the text of one app: a few kilobytes each (environments are the variable part),
/// generously, as room that is never written costs no memory (see [`TfWriter::with_capacity`]).
const APP_BYTES: usize = 8 << 10;

/// Room for the fixed blocks, and for each share or parameter, in the head of `main.tf`:
/// about twice what a share's two blocks or a parameter's random resource take.
const HEAD_BYTES: usize = 1 << 10;

/// Every file, by path relative to the target folder.
fn files(
    model: &CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Vec<(&'static str, String)> {
    let header = options.header();
    let reporter = Reporter {
        target: Target::Terraform,
        allow_unsupported: options.allow_unsupported,
    };
    let plans: Vec<Ingress> = model
        .resources()
        .map(|(_, resource)| match resource.as_workload() {
            Some(workload) if managed::service(resource).is_none() => reporter.plan_ingress(
                resource,
                &workload.endpoints,
                MainRule::for_role(&workload.role),
                diags,
            ),
            Some(_) | None => Ingress::default(),
        })
        .collect();
    let names = Names::new(model);
    let mut renderer = Renderer::new(model, &names, &plans);
    let shares = storage::Shares::new(model);
    let mut scratch = app::Scratch::default();
    // Managed services and apps come last in `main.tf`, but what comes before them (the
    // generated parameters) depends on what they use: they are written first, on their own.
    let mut managed_part = TfWriter::part();
    let mut apps = TfWriter::with_capacity(APP_BYTES * model.resources().len());
    let mut azapi = false;
    for (id, resource) in model.resources() {
        match &resource.kind {
            ResourceKind::Workload(workload) => match managed::service(resource) {
                Some(service) => managed::blocks(&mut managed_part, &mut renderer, id, service),
                None => {
                    let app = app::App {
                        id,
                        resource,
                        workload,
                        plan: plans.get(id.0 as usize).unwrap_or(&NO_INGRESS),
                        shares: &shares,
                    };
                    azapi |= app::write(
                        &mut apps,
                        &mut renderer,
                        &mut scratch,
                        app,
                        &reporter,
                        diags,
                    );
                }
            },
            // A managed server creates its databases; a container-hosted one cannot here
            // (see the comment on its app), and connection strings need no resource.
            ResourceKind::Database(_) => {}
            // Outside the app: nothing to deploy, references resolve to its URL.
            ResourceKind::External(_) => {}
        }
    }
    let managed_any = !managed_part.is_empty();
    let used: Vec<ParamId> = renderer.used_parameters().collect();
    let needs_suffix = managed_any || !shares.is_empty();

    let mut main = TfWriter::new(&header);
    // Room for the head of the file: shares and generated parameters are the variable part.
    main.reserve(HEAD_BYTES * (1 + shares.len() + used.len()) + managed_part.len());
    shared::blocks(&mut main, model.name());
    if needs_suffix {
        shared::suffix_block(&mut main);
    }
    let generated = params::generated(&mut main, model, &used);
    if !shares.is_empty() {
        storage::blocks(&mut main, model.name(), &shares);
    }
    main.append(managed_part);
    main.append(apps);

    let mut variables = TfWriter::new(&header);
    params::variables(&mut variables, model, &used);
    let mut outputs = TfWriter::new(&header);
    outputs::outputs(&mut outputs, model, &names, &plans);
    let mut versions = TfWriter::new(&header);
    outputs::versions(
        &mut versions,
        outputs::Providers {
            random: needs_suffix || generated,
            azapi,
        },
    );
    let mut providers = TfWriter::new(&header);
    outputs::providers(&mut providers);
    vec![
        ("main.tf", main.finish()),
        ("outputs.tf", outputs.finish()),
        ("providers.tf", providers.finish()),
        ("variables.tf", variables.finish()),
        ("versions.tf", versions.finish()),
    ]
}
