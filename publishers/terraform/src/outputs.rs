//! `outputs.tf`, `versions.tf` and `providers.tf`: what a deployment reports back, and the
//! providers it needs.

use aspirec_azure::Plan;

use crate::emit::TfWriter;
use aspirec_hcl::blocks::{self, Provider, output};

use crate::expr::Template;
use crate::shared::RESOURCE_GROUP_NAME;
use crate::value::DEFAULT_DOMAIN;

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
    // 4.30 or later: storage shares take `storage_account_id`.
    let mut required = vec![Provider {
        name: "azurerm",
        source: "hashicorp/azurerm",
        version: "~> 4.30",
    }];
    if providers.random {
        required.push(blocks::RANDOM);
    }
    if providers.azapi {
        required.push(Provider {
            name: "azapi",
            source: "Azure/azapi",
            version: "~> 2.0",
        });
    }
    blocks::versions(w, &required);
}

/// `provider "azurerm" { features {} }`: the other providers need no configuration.
pub(crate) fn providers(w: &mut TfWriter) {
    w.block("provider", &["azurerm"]);
    w.block("features", &[]);
    w.end();
    w.end();
}
