//! The Bicep publisher: one `main.bicep` (resource-group scope) deploying the model to Azure
//! Container Apps, and a `main.bicepparam` with its values.
//!
//! A printer of the Azure plan (`aspirec_azure::plan`), which it shares with the terraform
//! target: the plan decides every Azure resource (a Log Analytics workspace, a Container Apps
//! environment, a user-assigned identity, container apps, managed Postgres and Redis, Azure
//! Files for named volumes) and renders every value; this crate names their Bicep symbols and
//! prints them. Pipeline: [`build`] turns the plan into the view objects of [`view`] ([`app`]
//! for container apps, [`values`] for values, [`storage`] and [`params`]), [`patches`] (the
//! model's `bicep` patches on `main.bicep`), and [`templates`]
//! prints them with minijinja: each container app as soon as it is built, the few other
//! resources by kind. An Aspire manifest's Bicep modules ([`modules`]) are `module`
//! declarations of copies of their files, written beside `main.bicep`. The templates hold layout only, and every Bicep string is escaped by
//! the one function behind the `bicep_string` filter ([`bicep_string`]), so escaping lives in
//! one place.
#![warn(clippy::wildcard_enum_match_arm)]

mod app;
mod bicep_string;
mod build;
mod chunks;
mod modules;
mod names;
mod params;
mod patches;
mod storage;
mod templates;
mod values;
mod view;

#[cfg(test)]
mod tests;

use aspirec_azure::{AzurePublisher, Plan, Target};
use ir::{Diagnostics, PublishOptions, Span, codes};

/// The Bicep target, registered in the root crate's `targets` module: the Azure plan, printed
/// as Bicep.
pub static PUBLISHER: AzurePublisher = AzurePublisher {
    target: Target::Bicep,
    description: "Bicep for Azure Container Apps (main.bicep + main.bicepparam)",
    print: files,
};

/// Both files and the copied module files; a template that fails to render is a bug
/// (B0001), and then there are none.
fn files(
    plan: &Plan<'_>,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    let files = templates::Templates::new()
        .and_then(|templates| build::build(plan, options, &templates, diags));
    match files {
        Ok(mut files) => {
            patches::apply(&mut files.main, options, diags);
            let mut out = vec![
                ("main.bicep".to_string(), files.main),
                ("main.bicepparam".to_string(), files.params),
            ];
            out.extend(files.modules);
            out
        }
        Err(error) => {
            diags.report(
                codes::INTERNAL,
                Span::DETACHED,
                format!("bicep: a template failed to render: {error:#}"),
            );
            Vec::new()
        }
    }
}
