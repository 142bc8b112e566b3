//! Volumes: every named volume is an Azure Files share in one storage account, registered with
//! the Container Apps environment so apps can mount it.
//!
//! A volume is identified by its name, as in Compose: two workloads that name the same volume
//! share it. Shares are SMB, so databases that rely on POSIX locking or ownership (Postgres,
//! MySQL) may misbehave on them; the managed services avoid that.

use indexmap::IndexMap;
use ir::CheckedModel;

use crate::emit::TfWriter;
use crate::expr::{Ref, Template};
use crate::shared::{ENVIRONMENT_ID, LOCATION, RESOURCE_GROUP_NAME, SUFFIX, resource_block};
use crate::{managed, names};

/// The space each share may use, in GiB.
const SHARE_QUOTA_GIB: u32 = 32;

/// One file share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Share {
    /// The share and environment-storage name.
    pub(crate) name: String,
    /// Whether every mount of it is read-only.
    pub(crate) read_only: bool,
}

/// The shares of every workload that runs as a container app, in first-use order.
pub(crate) fn shares(model: &CheckedModel) -> Vec<Share> {
    // Read-only-ness by share name: a map, as every mount of every app looks its share up.
    let mut shares: IndexMap<String, bool> = IndexMap::new();
    for (_, resource, workload) in model.workloads() {
        if managed::service(resource).is_some() {
            continue;
        }
        for volume in &workload.volumes {
            *shares
                .entry(names::share_name(&volume.name))
                .or_insert(volume.read_only) &= volume.read_only;
        }
    }
    shares
        .into_iter()
        .map(|(name, read_only)| Share { name, read_only })
        .collect()
}

/// An app's `volume` block for a share it mounts.
pub(crate) fn volume(w: &mut TfWriter, share: &str) {
    w.block("volume", &[]);
    w.attr("name", share);
    w.attr(
        "storage_name",
        Ref(
            "azurerm_container_app_environment_storage",
            [&names::label(share), "name"],
        ),
    );
    w.attr("storage_type", "AzureFile");
    w.end();
}

/// The storage account, and per share the share and its environment storage.
pub(crate) fn blocks(w: &mut TfWriter, app: &str, shares: &[Share]) {
    let account = |attr| Ref("azurerm_storage_account", ["volumes", attr]);
    resource_block(w, "azurerm_storage_account", "volumes");
    let mut name = Template::default();
    name.text(&names::storage_account_prefix(app)).expr(&SUFFIX);
    w.attr("name", &name);
    w.attr("resource_group_name", RESOURCE_GROUP_NAME);
    w.attr("location", LOCATION);
    w.attr("account_kind", "StorageV2");
    w.attr("account_tier", "Standard");
    w.attr("account_replication_type", "LRS");
    w.attr("min_tls_version", "TLS1_2");
    w.end();
    for share in shares {
        let label = names::label(&share.name);
        resource_block(w, "azurerm_storage_share", &label);
        w.attr("name", share.name.as_str());
        w.attr("storage_account_id", account("id"));
        w.attr("quota", SHARE_QUOTA_GIB);
        w.end();

        resource_block(w, "azurerm_container_app_environment_storage", &label);
        w.attr("name", share.name.as_str());
        w.attr("container_app_environment_id", ENVIRONMENT_ID);
        w.attr("account_name", account("name"));
        w.attr("share_name", Ref("azurerm_storage_share", [&label, "name"]));
        w.attr("access_key", account("primary_access_key"));
        w.attr(
            "access_mode",
            if share.read_only {
                "ReadOnly"
            } else {
                "ReadWrite"
            },
        );
        w.end();
    }
}
