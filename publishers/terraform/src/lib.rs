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
//! into HCL, [`app`], [`managed`], [`storage`], [`shared`] and [`params`] build blocks, and
//! [`emit`] writes text.
#![warn(clippy::wildcard_enum_match_arm)]

mod app;
mod emit;
mod managed;
mod outputs;
mod params;
mod shared;
mod storage;
#[cfg(test)]
mod tests;
mod value;

use aspirec_azure::ingress::{self, Ingress, MainRule};
// Every naming rule is the shared one; modules name it `crate::names`.
use aspirec_azure::names;
use aspirec_azure::{Reporter, Target};
use ir::{
    Artifacts, CheckedModel, Diagnostic, Diagnostics, ParamId, PublishOptions, Publisher,
    ResourceKind, Span, codes,
};

use crate::emit::TfFile;
use crate::value::Renderer;

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
        let header = options.header();
        let mut artifacts = Artifacts::new();
        for (path, file) in files {
            match file.render(&header) {
                Ok(text) => artifacts.insert(path, text),
                Err(error) => {
                    diags.push(Diagnostic::new(
                        codes::INTERNAL,
                        Span::DETACHED,
                        format!("cannot format terraform/{path}: {error}"),
                    ));
                    return None;
                }
            }
        }
        Some(artifacts)
    }
}

/// Every file, by path relative to the target folder.
fn files(
    model: &CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Vec<(&'static str, TfFile)> {
    let reporter = Reporter {
        target: Target::Terraform,
        allow_unsupported: options.allow_unsupported,
    };
    let plans: Vec<Ingress> = model
        .resources()
        .map(|(_, resource)| match resource.as_workload() {
            Some(workload) if managed::service(resource).is_none() => {
                let plan = ingress::plan(&workload.endpoints, MainRule::for_role(&workload.role));
                reporter.ingress(resource, &workload.endpoints, &plan, diags);
                plan
            }
            Some(_) | None => Ingress::default(),
        })
        .collect();
    let mut renderer = Renderer::new(model, plans.clone());
    let mut managed_blocks = Vec::new();
    let mut apps = Vec::new();
    for (id, resource) in model.resources() {
        match &resource.kind {
            ResourceKind::Workload(workload) => match managed::service(resource) {
                Some(service) => managed_blocks.extend(managed::blocks(&mut renderer, id, service)),
                None => {
                    let plan = plans.get(id.0 as usize).cloned().unwrap_or_default();
                    apps.push(app::blocks(
                        &mut renderer,
                        resource,
                        workload,
                        &plan,
                        &reporter,
                        diags,
                    ));
                }
            },
            // A managed server creates its databases; a container-hosted one cannot here
            // (see the comment on its app), and connection strings need no resource.
            ResourceKind::Database(_) => {}
            // Outside the app: nothing to deploy, references resolve to its URL.
            ResourceKind::External(_) => {}
        }
    }
    let used: Vec<ParamId> = renderer.used_parameters().collect();
    let shares = storage::shares(model);
    let generated = params::generated(model, &used);
    let needs_suffix = !managed_blocks.is_empty() || !shares.is_empty();

    let mut main = TfFile::default();
    for block in shared::blocks(model.name()) {
        main.push(block);
    }
    if needs_suffix {
        main.push_commented(
            vec![
                "Makes the globally unique names (servers, caches, storage accounts) unique."
                    .to_string(),
            ],
            shared::suffix_block(),
        );
    }
    for block in generated.iter().cloned() {
        main.push(block);
    }
    if !shares.is_empty() {
        for block in storage::blocks(model.name(), &shares) {
            main.push(block);
        }
    }
    for (comment, block) in managed_blocks {
        main.push_commented(comment, block);
    }
    let mut azapi = false;
    for app in apps {
        let mut blocks = app.blocks.into_iter();
        if let Some(first) = blocks.next() {
            main.push_commented(app.comment, first);
        }
        for block in blocks {
            azapi = true;
            main.push(block);
        }
    }

    let mut variables = TfFile::default();
    for block in params::variables(model, &used) {
        variables.push(block);
    }
    let mut outputs = TfFile::default();
    for block in outputs::outputs(model, &plans) {
        outputs.push(block);
    }
    let mut versions = TfFile::default();
    versions.push(outputs::versions(outputs::Providers {
        random: needs_suffix || !generated.is_empty(),
        azapi,
    }));
    let mut providers = TfFile::default();
    providers.push(outputs::providers());
    vec![
        ("main.tf", main),
        ("outputs.tf", outputs),
        ("providers.tf", providers),
        ("variables.tf", variables),
        ("versions.tf", versions),
    ]
}
