//! Volumes: every named volume is an Azure Files share in one storage account, registered with
//! the Container Apps environment so apps can mount it.
//!
//! A volume is identified by its name, as in Compose: two workloads that name the same volume
//! share it. Shares are SMB, so databases that rely on POSIX locking or ownership (Postgres,
//! MySQL) may misbehave on them; the managed services avoid that.

use foldhash::fast::FixedState;
use indexmap::IndexMap;
use ir::CheckedModel;

use crate::emit::TfWriter;
use crate::expr::{Raw, Ref, Template};
use crate::shared::{ENVIRONMENT_ID, LOCATION, RESOURCE_GROUP_NAME, SUFFIX};
use crate::{managed, names};

/// The space each share may use, in GiB.
const SHARE_QUOTA_GIB: u32 = 32;

/// The file shares of every workload that runs as a container app, and the share of each
/// volume name.
pub(crate) struct Shares<'m> {
    /// By share (and environment-storage) name, in first-use order.
    shares: IndexMap<String, Share, FixedState>,
    /// Where the share of each volume name is in `shares`: apps look their mounts up here
    /// instead of deriving the names again.
    by_volume: IndexMap<&'m str, usize, FixedState>,
}

/// One file share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Share {
    /// The Terraform label of the share and of its environment storage.
    pub(crate) label: String,
    /// Whether every mount of it is read-only.
    pub(crate) read_only: bool,
}

impl<'m> Shares<'m> {
    pub(crate) fn new(model: &'m CheckedModel) -> Shares<'m> {
        // foldhash: names made by the compiler need no protection against chosen collisions,
        // and SipHash cost as much as deriving the names.
        let mut shares: IndexMap<String, Share, FixedState> = IndexMap::default();
        let mut by_volume: IndexMap<&'m str, usize, FixedState> = IndexMap::default();
        for (_, resource, workload) in model.workloads() {
            if managed::service(resource).is_some() {
                continue;
            }
            for volume in &workload.volumes {
                let index = *by_volume.entry(&volume.name).or_insert_with(|| {
                    // Volume names that make the same share name share it.
                    let entry = shares.entry(names::share_name(&volume.name));
                    let index = entry.index();
                    entry.or_insert_with_key(|name| Share {
                        label: names::label(name),
                        read_only: true,
                    });
                    index
                });
                if let Some((_, share)) = shares.get_index_mut(index) {
                    share.read_only &= volume.read_only;
                }
            }
        }
        Shares { shares, by_volume }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.shares.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.shares.len()
    }

    /// The name and share of a volume of a container app (every one has a share).
    pub(crate) fn of(&self, volume: &str) -> Option<(&str, &Share)> {
        let index = *self.by_volume.get(volume)?;
        self.shares
            .get_index(index)
            .map(|(name, share)| (name.as_str(), share))
    }
}

/// An app's `volume` block for a share it mounts.
pub(crate) fn volume(w: &mut TfWriter, name: &str, share: &Share) {
    w.block("volume", &[]);
    let storage = Ref(
        "azurerm_container_app_environment_storage",
        [&share.label, "name"],
    );
    w.attrs(&[
        ("name", &name),
        ("storage_name", &storage),
        ("storage_type", &"AzureFile"),
    ]);
    w.end();
}

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
    for (name, share) in &shares.shares {
        let label = &share.label;
        w.resource("azurerm_storage_share", label);
        w.attrs(&[
            ("name", &name.as_str()),
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
            ("name", &name.as_str()),
            ("container_app_environment_id", &ENVIRONMENT_ID),
            ("account_name", &ACCOUNT_NAME),
            ("share_name", &Ref("azurerm_storage_share", [label, "name"])),
            ("access_key", &ACCOUNT_KEY),
            ("access_mode", &access_mode),
        ]);
        w.end();
    }
}
