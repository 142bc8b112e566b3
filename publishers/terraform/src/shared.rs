//! The resources every deployment has (resource group, Log Analytics workspace, Container Apps
//! environment, user-assigned identity, the unique-name suffix) and the references to them
//! that other blocks use.

use hcl::{Block, BlockBuilder, Expression};

use crate::emit::traversal;

/// `resource "<kind>" "<label>" { ... }`, to be filled in.
pub(crate) fn resource_block(kind: &str, label: &str) -> BlockBuilder {
    Block::builder("resource").add_label(kind).add_label(label)
}

pub(crate) fn resource_group_name() -> Expression {
    traversal("azurerm_resource_group", &["rg", "name"])
}

pub(crate) fn location() -> Expression {
    traversal("azurerm_resource_group", &["rg", "location"])
}

pub(crate) fn environment_id() -> Expression {
    traversal("azurerm_container_app_environment", &["env", "id"])
}

pub(crate) fn identity_id() -> Expression {
    traversal("azurerm_user_assigned_identity", &["identity", "id"])
}

/// The 6-character suffix that makes globally unique names (servers, caches, storage).
pub(crate) fn suffix() -> Expression {
    traversal("random_string", &["suffix", "result"])
}

/// The resource group, workspace, environment and identity, named after the application.
pub(crate) fn blocks(app: &str) -> Vec<Block> {
    vec![
        resource_block("azurerm_resource_group", "rg")
            .add_attribute(("name", traversal("var", &["resource_group_name"])))
            .add_attribute(("location", traversal("var", &["location"])))
            .build(),
        resource_block("azurerm_log_analytics_workspace", "law")
            .add_attribute(("name", format!("{app}-law")))
            .add_attribute(("resource_group_name", resource_group_name()))
            .add_attribute(("location", location()))
            .add_attribute(("sku", "PerGB2018"))
            .add_attribute(("retention_in_days", 30))
            .build(),
        resource_block("azurerm_container_app_environment", "env")
            .add_attribute(("name", format!("{app}-env")))
            .add_attribute(("resource_group_name", resource_group_name()))
            .add_attribute(("location", location()))
            .add_attribute((
                "log_analytics_workspace_id",
                traversal("azurerm_log_analytics_workspace", &["law", "id"]),
            ))
            .build(),
        resource_block("azurerm_user_assigned_identity", "identity")
            .add_attribute(("name", format!("{app}-identity")))
            .add_attribute(("resource_group_name", resource_group_name()))
            .add_attribute(("location", location()))
            .build(),
    ]
}

/// The suffix resource: lowercase letters and digits only, so it fits every naming rule.
pub(crate) fn suffix_block() -> Block {
    resource_block("random_string", "suffix")
        .add_attribute(("length", 6))
        .add_attribute(("lower", true))
        .add_attribute(("upper", false))
        .add_attribute(("numeric", true))
        .add_attribute(("special", false))
        .build()
}
