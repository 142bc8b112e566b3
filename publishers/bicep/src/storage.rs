//! Azure Files for named volumes: one storage account for the deployment, one file share and
//! one managed-environment storage per distinct volume name. Like Compose named volumes, two
//! workloads that mount the same volume name share its data.

use indexmap::IndexMap;
use ir::publish::dns_label;

use minijinja::Value;

use crate::hosting::Hosting;
use crate::names::{Symbols, UniqueNames, resource_symbol, storage_account_name};
use crate::templates::Templates;
use crate::view::{ShareView, StorageView, views};

/// The shares, by volume name, in first-use order (a map: every mount looks its share up).
#[derive(Debug, Default)]
pub(crate) struct Shares {
    shares: IndexMap<String, ShareView>,
}

impl Shares {
    /// Plans a share for every volume of every workload hosted as a container app.
    pub(crate) fn plan(
        model: &ir::CheckedModel,
        hosting: &[Hosting],
        symbols: &mut Symbols,
    ) -> Shares {
        let mut shares = Shares::default();
        let mut names = UniqueNames::default();
        for (id, _, workload) in model.workloads() {
            if !matches!(hosting.get(id.0 as usize), Some(Hosting::App(_))) {
                continue;
            }
            for volume in &workload.volumes {
                if let Some(share) = shares.shares.get_mut(&volume.name) {
                    if !volume.read_only {
                        share.access_mode = "ReadWrite";
                    }
                    continue;
                }
                // Environment storages take at most 32 characters (shares 63).
                let share_name = names.claim(&dns_label(&volume.name, 32), 32);
                let share = ShareView {
                    share_symbol: symbols.claim(&resource_symbol(&share_name, "Share")),
                    storage_symbol: symbols.claim(&resource_symbol(&share_name, "Volume")),
                    storage_name: share_name.clone(),
                    share_name,
                    access_mode: if volume.read_only {
                        "ReadOnly"
                    } else {
                        "ReadWrite"
                    },
                };
                shares.shares.insert(volume.name.clone(), share);
            }
        }
        shares
    }

    /// The environment-storage symbol of a volume.
    pub(crate) fn storage_symbol(&self, volume: &str) -> Option<&str> {
        self.shares
            .get(volume)
            .map(|share| share.storage_symbol.as_str())
    }

    /// The storage account and every share, printed; empty when no volume needs them.
    pub(crate) fn render(
        &self,
        app: &str,
        templates: &Templates,
    ) -> Result<String, minijinja::Error> {
        if self.shares.is_empty() {
            return Ok(String::new());
        }
        let storage = StorageView {
            account_name: storage_account_name(app),
            shares: views(self.shares.values().cloned()),
        };
        templates.render_one("storage.bicep.j2", "storage", Value::from_object(storage))
    }
}
