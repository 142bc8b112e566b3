//! The resources every deployment has (resource group, Log Analytics workspace, Container Apps
//! environment, user-assigned identity, the unique-name suffix) and the references to them
//! that other blocks use.

use crate::emit::TfWriter;
use crate::expr::{Raw, Ref};

// The references to them are fixed text: nothing in them comes from the model.

pub(crate) const RESOURCE_GROUP_NAME: Raw<'static> = Raw("azurerm_resource_group.rg.name");

pub(crate) const LOCATION: Raw<'static> = Raw("azurerm_resource_group.rg.location");

pub(crate) const ENVIRONMENT_ID: Raw<'static> = Raw("azurerm_container_app_environment.env.id");

pub(crate) const IDENTITY_ID: Raw<'static> = Raw("azurerm_user_assigned_identity.identity.id");

/// The 6-character suffix that makes globally unique names (servers, caches, storage).
pub(crate) const SUFFIX: Raw<'static> = Raw("random_string.suffix.result");

/// The resource group, workspace, environment and identity, named after the application.
pub(crate) fn blocks(w: &mut TfWriter, app: &str) {
    w.resource("azurerm_resource_group", "rg");
    w.attr("name", Ref("var", ["resource_group_name"]));
    w.attr("location", Ref("var", ["location"]));
    w.end();

    w.resource("azurerm_log_analytics_workspace", "law");
    w.attr("name", format!("{app}-law"));
    w.attr("resource_group_name", RESOURCE_GROUP_NAME);
    w.attr("location", LOCATION);
    w.attr("sku", "PerGB2018");
    w.attr("retention_in_days", 30u32);
    w.end();

    w.resource("azurerm_container_app_environment", "env");
    w.attr("name", format!("{app}-env"));
    w.attr("resource_group_name", RESOURCE_GROUP_NAME);
    w.attr("location", LOCATION);
    w.attr(
        "log_analytics_workspace_id",
        Ref("azurerm_log_analytics_workspace", ["law", "id"]),
    );
    w.end();

    w.resource("azurerm_user_assigned_identity", "identity");
    w.attr("name", format!("{app}-identity"));
    w.attr("resource_group_name", RESOURCE_GROUP_NAME);
    w.attr("location", LOCATION);
    w.end();
}

/// The suffix resource: lowercase letters and digits only, so it fits every naming rule.
pub(crate) fn suffix_block(w: &mut TfWriter) {
    w.comment(&["Makes the globally unique names (servers, caches, storage accounts) unique."]);
    w.resource("random_string", "suffix");
    w.attr("length", 6u32);
    w.attr("lower", true);
    w.attr("upper", false);
    w.attr("numeric", true);
    w.attr("special", false);
    w.end();
}
