//! [`Entries`]: the maps of `compose.yaml` (services, environment, `depends_on`, build args),
//! kept as a list in model order instead of a hash map.
//!
//! A large model has tens of thousands of such entries and almost never a repeated key, so
//! hashing every key only to find no duplicate was a large part of the publisher's time. A
//! sorted list of the keys finds duplicates without hashing; only when there is one does the
//! map fall back to [`IndexMap`]'s rule, so the file is the same either way.

use indexmap::IndexMap;
use serde::{Serialize, Serializer};

/// A map in insertion order. A key given twice keeps its first place and its last value, as
/// with [`IndexMap`].
#[derive(Debug)]
pub(crate) struct Entries<V>(Vec<(String, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<V> Entries<V> {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl<V> FromIterator<(String, V)> for Entries<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let entries: Vec<(String, V)> = iter.into_iter().collect();
        if has_duplicate_keys(&entries) {
            let map: IndexMap<String, V> = entries.into_iter().collect();
            Entries(map.into_iter().collect())
        } else {
            Entries(entries)
        }
    }
}

/// Maps up to this size are checked pair by pair: comparing two keys of different lengths
/// costs next to nothing, while sorting compares their bytes.
const PAIRWISE: usize = 16;

fn has_duplicate_keys<V>(entries: &[(String, V)]) -> bool {
    if entries.len() <= PAIRWISE {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (key, _))| entries.iter().take(i).any(|(earlier, _)| earlier == key));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair.first() == pair.last())
}

impl<V: Serialize> Serialize for Entries<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::Entries;

    fn entries(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
        let map: Entries<u32> = pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        map.0
    }

    #[test]
    fn keeps_model_order_and_merges_repeated_keys_like_an_index_map() {
        assert_eq!(
            entries(&[("b", 1), ("a", 2), ("c", 3)]),
            [("b".into(), 1), ("a".into(), 2), ("c".into(), 3)]
        );
        assert_eq!(
            entries(&[("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]),
            [("b".into(), 3), ("a".into(), 5), ("c".into(), 4)]
        );
        assert!(entries(&[]).is_empty());
        // Past the size checked pair by pair.
        let keys: Vec<String> = (0..40).map(|n| format!("k{n}")).collect();
        let mut pairs: Vec<(&str, u32)> =
            keys.iter().zip(0..).map(|(k, v)| (k.as_str(), v)).collect();
        let expected: Vec<(String, u32)> = keys.iter().cloned().zip(0..).collect();
        assert_eq!(entries(&pairs), expected);
        pairs.push(("k3", 99));
        let mut expected = expected;
        expected[3].1 = 99;
        assert_eq!(entries(&pairs), expected);
    }
}
