//! The plan's named volumes as Azure Files: one storage account, and per share the file share
//! and the managed-environment storage that mounts it (`aspirec_azure::storage` decides the
//! shares and their names; this module names their symbols and prints them).

use aspirec_azure::storage::{SHARE_QUOTA_GIB, Shares};
use minijinja::Value;

use crate::names::{Symbols, resource_symbol, storage_account_name};
use crate::templates::Templates;
use crate::view::{Number, ShareView, Source, StorageView, views};

/// The symbols of each share (by its index in the plan): the share's and its environment
/// storage's.
pub(crate) fn symbols(shares: &Shares<'_>, symbols: &mut Symbols) -> Vec<(String, String)> {
    shares
        .all()
        .iter()
        .map(|share| {
            (
                symbols.claim(&resource_symbol(&share.name, "Share")),
                symbols.claim(&resource_symbol(&share.name, "Volume")),
            )
        })
        .collect()
}

/// The storage account and every share, printed; empty when no volume needs them.
pub(crate) fn render(
    app: &str,
    shares: &Shares<'_>,
    share_symbols: &[(String, String)],
    templates: &Templates,
) -> Result<String, minijinja::Error> {
    if shares.is_empty() {
        return Ok(String::new());
    }
    let views = views(shares.all().iter().zip(share_symbols).map(
        |(share, (share_symbol, storage_symbol))| {
            let name = Source::of(&share.name);
            ShareView {
                share_symbol: share_symbol.clone(),
                storage_symbol: storage_symbol.clone(),
                // The share and the environment storage have the same name: one value serves
                // both.
                share_name: name.clone(),
                storage_name: name,
                access_mode: Source::of(if share.read_only {
                    "ReadOnly"
                } else {
                    "ReadWrite"
                }),
            }
        },
    ));
    let storage = StorageView {
        account_name: storage_account_name(app),
        quota: Number::of(SHARE_QUOTA_GIB),
        shares: views,
    };
    templates.render_one("storage.bicep.j2", "storage", Value::from_object(storage))
}
