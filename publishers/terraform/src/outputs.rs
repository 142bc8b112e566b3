//! `outputs.tf`, `versions.tf` and `providers.tf`: what a deployment reports back, and the
//! providers it needs.

use aspirec_azure::Plan;

use crate::emit::TfWriter;
use crate::expr::{Inline, Template};
use crate::shared::RESOURCE_GROUP_NAME;
use crate::value::DEFAULT_DOMAIN;

fn output(w: &mut TfWriter, name: &str, description: &str, value: impl Inline) {
    w.block("output", &[name]);
    w.attr("description", description);
    w.attr("value", value);
    w.end();
}

/// The resource group, the environment's domain, and the URL of every external endpoint.
pub(crate) fn outputs(w: &mut TfWriter, plan: &Plan<'_>) {
    output(
        w,
        "resource_group_name",
        "The resource group",
        RESOURCE_GROUP_NAME,
    );
    output(
        w,
        "environment_default_domain",
        "The default domain of the Container Apps environment",
        DEFAULT_DOMAIN,
    );
    for app in plan.public_apps() {
        let mut url = Template::default();
        url.text("https://")
            .text(&app.name)
            .text(".")
            .expr(&DEFAULT_DOMAIN);
        output(
            w,
            &format!("{}_url", app.label),
            &format!("The public URL of `{}`", app.resource.name),
            &url,
        );
    }
}

/// The providers the output uses.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Providers {
    pub(crate) random: bool,
    pub(crate) azapi: bool,
}

/// `terraform { required_version, required_providers }`.
pub(crate) fn versions(w: &mut TfWriter, providers: Providers) {
    fn provider(w: &mut TfWriter, name: &'static str, source: &str, version: &str) {
        w.object(name);
        w.attr("source", source);
        w.attr("version", version);
        w.end();
    }
    w.block("terraform", &[]);
    w.attr("required_version", ">= 1.5.0");
    w.block("required_providers", &[]);
    // 4.30 or later: storage shares take `storage_account_id`.
    provider(w, "azurerm", "hashicorp/azurerm", "~> 4.30");
    if providers.random {
        provider(w, "random", "hashicorp/random", "~> 3.6");
    }
    if providers.azapi {
        provider(w, "azapi", "Azure/azapi", "~> 2.0");
    }
    w.end();
    w.end();
}

/// `provider "azurerm" { features {} }`: the other providers need no configuration.
pub(crate) fn providers(w: &mut TfWriter) {
    w.block("provider", &["azurerm"]);
    w.block("features", &[]);
    w.end();
    w.end();
}
