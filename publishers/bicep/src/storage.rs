//! Azure Files for named volumes: one storage account for the deployment, one file share and
//! one managed-environment storage per distinct volume name. Like Compose named volumes, two
//! workloads that mount the same volume name share its data.

use indexmap::IndexMap;
use ir::publish::dns_label;

use minijinja::Value;

use crate::hosting::Hosting;
use crate::names::{Symbols, UniqueNames, resource_symbol, storage_account_name};
use crate::templates::Templates;
use crate::view::{ShareView, Source, StorageView, views};

/// The shares, by volume name, in first-use order (a map: every mount looks its share up).
#[derive(Debug, Default)]
pub(crate) struct Shares {
    shares: IndexMap<String, Share>,
}

/// One file share and the environment storage that mounts it, both named `name`.
#[derive(Debug)]
struct Share {
    share_symbol: String,
    storage_symbol: String,
    name: String,
    /// Whether every mount of the volume is read-only.
    read_only: bool,
}

impl Share {
    fn view(&self) -> ShareView {
        let name = Source::of(&self.name);
        ShareView {
            share_symbol: self.share_symbol.clone(),
            storage_symbol: self.storage_symbol.clone(),
            // The share and the environment storage have the same name: one value serves both.
            share_name: name.clone(),
            storage_name: name,
            access_mode: Source::of(if self.read_only {
                "ReadOnly"
            } else {
                "ReadWrite"
            }),
        }
    }
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
                    share.read_only &= volume.read_only;
                    continue;
                }
                // Environment storages take at most 32 characters (shares 63).
                let share_name = names.claim(&dns_label(&volume.name, 32), 32);
                let share = Share {
                    share_symbol: symbols.claim(&resource_symbol(&share_name, "Share")),
                    storage_symbol: symbols.claim(&resource_symbol(&share_name, "Volume")),
                    name: share_name,
                    read_only: volume.read_only,
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
            shares: views(self.shares.values().map(Share::view)),
        };
        templates.render_one("storage.bicep.j2", "storage", Value::from_object(storage))
    }
}
