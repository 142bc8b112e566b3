//! The Terraform publisher: Azure Container Apps on the azurerm provider (`--emit terraform`).
//!
//! A printer of the Azure plan (`aspirec_azure::plan`), which it shares with the bicep target:
//! the plan decides every Azure resource (environment, identity, log workspace, container
//! apps, managed servers, file shares) and renders every value; this crate writes them as
//! HCL. Output is `versions.tf`, `providers.tf`, `variables.tf`, `main.tf` and `outputs.tf`,
//! formatted as `terraform fmt` would. What is Terraform's own: a resource group it creates,
//! the `random_string` suffix of globally unique names, and `random_password` resources for
//! generated parameters. Modules: [`value`] writes rendered values, [`app`], [`managed`],
//! [`storage`], [`shared`], [`params`] and [`outputs`] write blocks, through [`emit`] (the
//! layout) and [`expr`] (expressions and escaping). hcl-rs only reads the output back, in the
//! tests.
#![warn(clippy::wildcard_enum_match_arm)]

mod app;
mod managed;
mod outputs;
mod params;
mod shared;
mod storage;
#[cfg(test)]
mod tests;
mod value;

// Every naming rule is the shared one; modules name it `crate::names`. The HCL writer is the
// one every Terraform target shares; modules name it `crate::emit` and `crate::expr`.
use aspirec_azure::names;
use aspirec_azure::values::AppValues;
use aspirec_azure::{AzurePublisher, Plan, Target};
use aspirec_hcl::{emit, expr};
use ir::{Diagnostics, PublishOptions};

use crate::emit::TfWriter;
use crate::expr::Template;
use aspirec_hcl::params::Params;

/// The Terraform target, registered in the root crate's `targets` module: the Azure plan,
/// printed as HCL.
pub static PUBLISHER: AzurePublisher = AzurePublisher {
    target: Target::Terraform,
    description: "Terraform for Azure Container Apps (azurerm provider)",
    print: patched_files,
};

/// [`files`], with the model's `terraform` patches as files beside them.
fn patched_files(
    plan: &Plan<'_>,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    let mut out = files(plan, options, diags);
    aspirec_hcl::patches::apply("terraform", &mut out, options, diags);
    out
}

/// Room for the text of one app: a few kilobytes each (environments are the variable part),
/// generously, as room that is never written costs no memory (see [`TfWriter::with_capacity`]).
const APP_BYTES: usize = 8 << 10;

/// Room for the fixed blocks, and for each share or parameter, in the head of `main.tf`:
/// about twice what a share's two blocks or a parameter's random resource take.
const HEAD_BYTES: usize = 1 << 10;

/// Every file, by path relative to the target folder.
fn files(
    plan: &Plan<'_>,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    let header = options.header();
    let params = Params::new(plan.model, names::variable_name);
    let mut values = plan.values();
    // Managed services and apps come last in `main.tf`, but what comes before them (the
    // generated parameters) depends on what they use: they are written first, on their own.
    let mut servers = TfWriter::part();
    for server in &plan.servers {
        managed::blocks(&mut servers, plan, &mut values, &params, server);
    }
    let mut apps = TfWriter::with_capacity(APP_BYTES * plan.apps.len());
    let mut azapi = false;
    let mut app_values = AppValues::default();
    let mut text = Template::default();
    for app in &plan.apps {
        values.app(app, &mut app_values, diags);
        let printed = app::Printed {
            plan,
            params: &params,
            app,
            values: &app_values,
        };
        azapi |= app::write(&mut apps, &printed, &mut text);
    }
    let used = values.finish(diags);
    files_around(plan, &header, &used, servers, apps, azapi)
}

/// The files, given `main.tf`'s servers and apps (already written) and the parameters they
/// use.
fn files_around(
    plan: &Plan<'_>,
    header: &str,
    used: &[ir::ParamId],
    servers: TfWriter,
    apps: TfWriter,
    azapi: bool,
) -> Vec<(String, String)> {
    let model = plan.model;
    let mut main = TfWriter::new(header);
    // Room for the head of the file: shares and generated parameters are the variable part.
    main.reserve(HEAD_BYTES * (1 + plan.shares.all().len() + used.len()) + servers.len());
    shared::blocks(&mut main, model.name());
    if plan.needs_suffix() {
        shared::suffix_block(&mut main);
    }
    let generated = params::generated(&mut main, model, used);
    if !plan.shares.is_empty() {
        storage::blocks(&mut main, model.name(), &plan.shares);
    }
    main.append(servers);
    main.append(apps);

    let mut variables = TfWriter::new(header);
    params::variables(&mut variables, model, used, plan.builds_images());
    let mut outputs = TfWriter::new(header);
    outputs::outputs(&mut outputs, plan);
    let mut versions = TfWriter::new(header);
    outputs::versions(
        &mut versions,
        outputs::Providers {
            random: plan.needs_suffix() || generated,
            azapi,
        },
    );
    let mut providers = TfWriter::new(header);
    outputs::providers(&mut providers);
    aspirec_hcl::blocks::Files {
        main,
        outputs,
        providers,
        variables,
        versions,
    }
    .finish()
}
