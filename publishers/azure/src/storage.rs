//! Named volumes on Azure Files: one storage account for the deployment, and per distinct
//! volume name one file share with the managed-environment storage that mounts it, both named
//! alike.
//!
//! A volume is identified by its name, as in Compose: two workloads that mount the same name
//! share its data, and two different names never share a share, even where Azure's naming
//! rules would make them alike (`db` and `DB_` become `db-vol` and `db-vol-2`). Shares are SMB,
//! so services that rely on POSIX locking or ownership (Postgres, MySQL) may misbehave on them;
//! the managed services avoid that.

use foldhash::fast::FixedState;
use indexmap::IndexMap;

use crate::names::{self, APP_NAME_MAX, UniqueNames};

/// The space each share may use, in GiB.
pub const SHARE_QUOTA_GIB: u32 = 32;

/// One file share and the environment storage that mounts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    /// The share's name, which its environment storage and every app volume mounting it take
    /// too: 3 to 32 characters, unique in the deployment.
    pub name: String,
    /// The snake-case label of the name (Terraform labels).
    pub label: String,
    /// Whether every mount of it is read-only.
    pub read_only: bool,
}

/// The shares of every workload that runs as a container app, and the share of each volume
/// name.
#[derive(Debug, Default)]
pub struct Shares<'m> {
    shares: Vec<Share>,
    /// Where each volume name's share is in `shares`. A hash map (foldhash: the names are the
    /// model's, there is no one to defend against): every mount looks its share up.
    by_volume: IndexMap<&'m str, usize, FixedState>,
    names: UniqueNames,
}

impl<'m> Shares<'m> {
    /// The share of `volume`, planned on first use; `read_only` is this mount's.
    pub fn mount(&mut self, volume: &'m str, read_only: bool) -> usize {
        let index = match self.by_volume.get(volume) {
            Some(&index) => index,
            None => {
                let name = self.names.claim(&names::share_name(volume), APP_NAME_MAX);
                self.shares.push(Share {
                    label: names::label(&name),
                    name,
                    read_only: true,
                });
                let index = self.shares.len() - 1;
                self.by_volume.insert(volume, index);
                index
            }
        };
        if let Some(share) = self.shares.get_mut(index) {
            share.read_only &= read_only;
        }
        index
    }

    /// Every share, in first-use order.
    pub fn all(&self) -> &[Share] {
        &self.shares
    }

    pub fn get(&self, index: usize) -> Option<&Share> {
        self.shares.get(index)
    }

    pub fn is_empty(&self) -> bool {
        self.shares.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_volumes_get_distinct_shares_of_three_characters_or_more() {
        let mut shares = Shares::default();
        let db = shares.mount("db", false);
        let upper = shares.mount("DB_", true);
        assert_ne!(db, upper);
        assert_eq!(
            shares.mount("db", true),
            db,
            "the same name, the same share"
        );
        let names: Vec<&str> = shares.all().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["db-vol", "db-vol-2"]);
        assert!(
            !shares.all()[0].read_only,
            "one writable mount makes it writable"
        );
        assert!(shares.all()[1].read_only);
        assert_eq!(shares.all()[1].label, "db_vol_2");
        let long_name = "v".repeat(40);
        let long = shares.mount(&long_name, false);
        assert!(shares.all()[long].name.len() <= 32);
    }
}
