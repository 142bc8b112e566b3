//! The plan's named volumes as Azure Files: one storage account, and per share the share and
//! its environment storage (`aspirec_azure::storage` decides the shares and their names).

use aspirec_azure::storage::{SHARE_QUOTA_GIB, Shares};

use crate::emit::TfWriter;
use crate::expr::{Raw, Ref, Template};
use crate::names;
use crate::shared::{ENVIRONMENT_ID, LOCATION, RESOURCE_GROUP_NAME, SUFFIX};

// The references to the one storage account are fixed text, as in `shared`.
const ACCOUNT_ID: Raw<'static> = Raw("azurerm_storage_account.volumes.id");
const ACCOUNT_NAME: Raw<'static> = Raw("azurerm_storage_account.volumes.name");
const ACCOUNT_KEY: Raw<'static> = Raw("azurerm_storage_account.volumes.primary_access_key");

/// The storage account, and per share the share and its environment storage.
pub(crate) fn blocks(w: &mut TfWriter, app: &str, shares: &Shares<'_>) {
    w.resource("azurerm_storage_account", "volumes");
    let mut account_name = Template::default();
    account_name
        .text(&names::storage_account_prefix(app))
        .expr(&SUFFIX);
    w.attr("name", &account_name);
    w.attr("resource_group_name", RESOURCE_GROUP_NAME);
    w.attr("location", LOCATION);
    w.attr("account_kind", "StorageV2");
    w.attr("account_tier", "Standard");
    w.attr("account_replication_type", "LRS");
    w.attr("min_tls_version", "TLS1_2");
    w.end();
    for share in shares.all() {
        let label = share.label.as_str();
        w.resource("azurerm_storage_share", label);
        w.attrs(&[
            ("name", &share.name),
            ("storage_account_id", &ACCOUNT_ID),
            ("quota", &SHARE_QUOTA_GIB),
        ]);
        w.end();

        w.resource("azurerm_container_app_environment_storage", label);
        let access_mode = if share.read_only {
            "ReadOnly"
        } else {
            "ReadWrite"
        };
        w.attrs(&[
            ("name", &share.name),
            ("container_app_environment_id", &ENVIRONMENT_ID),
            ("account_name", &ACCOUNT_NAME),
            ("share_name", &Ref("azurerm_storage_share", [label, "name"])),
            ("access_key", &ACCOUNT_KEY),
            ("access_mode", &access_mode),
        ]);
        w.end();
    }
}
