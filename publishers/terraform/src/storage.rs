//! Volumes: every named volume is an Azure Files share in one storage account, registered with
//! the Container Apps environment so apps can mount it.
//!
//! A volume is identified by its name, as in Compose: two workloads that name the same volume
//! share it. Shares are SMB, so databases that rely on POSIX locking or ownership (Postgres,
//! MySQL) may misbehave on them; the managed services avoid that.

use hcl::{Block, Expression};
use indexmap::IndexMap;
use ir::CheckedModel;

use crate::emit::{Piece, template, traversal};
use crate::shared::{environment_id, location, resource_block, resource_group_name, suffix};
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

/// The storage name an app's `volume` block refers to.
pub(crate) fn storage_name(share: &str) -> Expression {
    traversal(
        "azurerm_container_app_environment_storage",
        &[&names::label(share), "name"],
    )
}

/// The storage account, and per share the share and its environment storage.
pub(crate) fn blocks(app: &str, shares: &[Share]) -> Vec<Block> {
    let account = |attr: &str| traversal("azurerm_storage_account", &["volumes", attr]);
    let mut out = vec![
        resource_block("azurerm_storage_account", "volumes")
            .add_attribute((
                "name",
                template(&[
                    Piece::Text(names::storage_account_prefix(app)),
                    Piece::Expr(suffix()),
                ]),
            ))
            .add_attribute(("resource_group_name", resource_group_name()))
            .add_attribute(("location", location()))
            .add_attribute(("account_kind", "StorageV2"))
            .add_attribute(("account_tier", "Standard"))
            .add_attribute(("account_replication_type", "LRS"))
            .add_attribute(("min_tls_version", "TLS1_2"))
            .build(),
    ];
    for share in shares {
        let label = names::label(&share.name);
        out.push(
            resource_block("azurerm_storage_share", &label)
                .add_attribute(("name", share.name.as_str()))
                .add_attribute(("storage_account_id", account("id")))
                .add_attribute(("quota", SHARE_QUOTA_GIB))
                .build(),
        );
        out.push(
            resource_block("azurerm_container_app_environment_storage", &label)
                .add_attribute(("name", share.name.as_str()))
                .add_attribute(("container_app_environment_id", environment_id()))
                .add_attribute(("account_name", account("name")))
                .add_attribute((
                    "share_name",
                    traversal("azurerm_storage_share", &[&label, "name"]),
                ))
                .add_attribute(("access_key", account("primary_access_key")))
                .add_attribute((
                    "access_mode",
                    if share.read_only {
                        "ReadOnly"
                    } else {
                        "ReadWrite"
                    },
                ))
                .build(),
        );
    }
    out
}
