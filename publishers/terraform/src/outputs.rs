//! `outputs.tf`, `versions.tf` and `providers.tf`: what a deployment reports back, and the
//! providers it needs.

use hcl::{Block, Expression};
use ir::CheckedModel;

use aspirec_azure::ingress::Ingress;

use crate::emit::{Piece, object, template, traversal};
use crate::value::default_domain;
use crate::{managed, names};

fn output(name: &str, description: &str, value: Expression) -> Block {
    Block::builder("output")
        .add_label(name)
        .add_attribute(("description", description))
        .add_attribute(("value", value))
        .build()
}

/// The resource group, the environment's domain, and the URL of every external endpoint.
pub(crate) fn outputs(model: &CheckedModel, plans: &[Ingress]) -> Vec<Block> {
    let mut out = vec![
        output(
            "resource_group_name",
            "The resource group",
            traversal("azurerm_resource_group", &["rg", "name"]),
        ),
        output(
            "environment_default_domain",
            "The default domain of the Container Apps environment",
            default_domain(),
        ),
    ];
    for (id, resource, _) in model.workloads() {
        if managed::service(resource).is_some() {
            continue;
        }
        let external = plans.get(id.0 as usize).is_some_and(Ingress::is_public);
        if external {
            let url = template(&[
                Piece::Text(format!("https://{}.", names::app_name(&resource.name))),
                Piece::Expr(default_domain()),
            ]);
            out.push(output(
                &format!("{}_url", names::label(&resource.name)),
                &format!("The public URL of `{}`", resource.name),
                url,
            ));
        }
    }
    out
}

/// The providers the output uses.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Providers {
    pub(crate) random: bool,
    pub(crate) azapi: bool,
}

/// `terraform { required_version, required_providers }`.
pub(crate) fn versions(providers: Providers) -> Block {
    let provider = |source: &str, version: &str| {
        object(vec![
            ("source", Expression::String(source.into())),
            ("version", Expression::String(version.into())),
        ])
    };
    let mut required = Block::builder("required_providers")
        // 4.30 or later: storage shares take `storage_account_id`.
        .add_attribute(("azurerm", provider("hashicorp/azurerm", "~> 4.30")));
    if providers.random {
        required = required.add_attribute(("random", provider("hashicorp/random", "~> 3.6")));
    }
    if providers.azapi {
        required = required.add_attribute(("azapi", provider("Azure/azapi", "~> 2.0")));
    }
    Block::builder("terraform")
        .add_attribute(("required_version", ">= 1.5.0"))
        .add_block(required.build())
        .build()
}

/// `provider "azurerm" { features {} }`: the other providers need no configuration.
pub(crate) fn providers() -> Block {
    Block::builder("provider")
        .add_label("azurerm")
        .add_block(Block::builder("features").build())
        .build()
}
