//! A merge of one JSON document into another, the rules every patch target shares: maps merge
//! key by key, `null` deletes a key, scalars replace; each list is replaced, appended to or
//! merged item by item as the target's [`ListRule`] says for its place. Every place written or
//! deleted is recorded as a JSON pointer, for the target's checks of what a patch may touch.

use serde_json::Value;

use crate::pointer;

/// What a merge does with a list at a place (the place's path of keys, without list
/// positions, is what the rule is asked about).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListRule {
    /// The patch's list replaces the list.
    Replace,
    /// The patch's items are added after the list's.
    Append,
    /// Items are maps with a key `key`: an item of the patch merges into the item with the
    /// same value there, or is added after the others. A patch item without the key is added
    /// unless an equal item is there.
    ByKey(&'static str),
    /// Like [`ListRule::Append`], but an item equal to one already there is not added twice.
    Union,
}

/// Merges `patch` into `target`; `path` is `target`'s place (keys and list positions) and
/// `touched` receives the pointer of every place written or deleted. `rule` is asked with the
/// keys of a list's place (list positions left out).
pub fn merge(
    target: &mut Value,
    patch: &Value,
    rule: &dyn Fn(&[&str]) -> ListRule,
    path: &mut Vec<String>,
    touched: &mut Vec<String>,
) {
    match (target, patch) {
        (Value::Object(map), Value::Object(changes)) => {
            for (key, change) in changes {
                path.push(key.clone());
                match (map.get_mut(key), change) {
                    (Some(_), Value::Null) => {
                        map.shift_remove(key);
                        touched.push(pointer(path));
                    }
                    (None, Value::Null) => {}
                    (Some(existing), change) => merge(existing, change, rule, path, touched),
                    (None, change) => {
                        map.insert(key.clone(), without_nulls(change));
                        touched.push(pointer(path));
                    }
                }
                path.pop();
            }
        }
        (Value::Array(items), Value::Array(changes)) => {
            let keys: Vec<&str> = path
                .iter()
                .filter(|part| part.parse::<usize>().is_err())
                .map(String::as_str)
                .collect();
            match rule(&keys) {
                ListRule::Replace => {
                    *items = changes.iter().map(without_nulls).collect();
                    touched.push(pointer(path));
                }
                ListRule::Append | ListRule::Union => {
                    let union = rule(&keys) == ListRule::Union;
                    for change in changes {
                        if union && items.contains(change) {
                            continue;
                        }
                        path.push(items.len().to_string());
                        touched.push(pointer(path));
                        path.pop();
                        items.push(without_nulls(change));
                    }
                }
                ListRule::ByKey(key) => {
                    let keyed = |item: &Value| item.get(key).filter(|k| !k.is_null()).cloned();
                    for change in changes {
                        // An item without the key (a short-syntax string) is added unless an
                        // equal one is there.
                        let found = match keyed(change) {
                            Some(wanted) => {
                                items.iter().position(|i| keyed(i) == Some(wanted.clone()))
                            }
                            None if items.contains(change) => continue,
                            None => None,
                        };
                        let index = found.unwrap_or(items.len());
                        path.push(index.to_string());
                        match found {
                            Some(index) => merge(&mut items[index], change, rule, path, touched),
                            None => {
                                items.push(without_nulls(change));
                                touched.push(pointer(path));
                            }
                        }
                        path.pop();
                    }
                }
            }
        }
        (target, patch) => {
            let patch = without_nulls(patch);
            // Writing the value already there changes nothing (a list item's key).
            if *target != patch {
                *target = patch;
                touched.push(pointer(path));
            }
        }
    }
}

/// `value` without the keys whose value is `null` (in a merge, `null` only deletes).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn merged(target: Value, patch: Value) -> (Value, Vec<String>) {
        let mut target = target;
        let mut touched = Vec::new();
        let rule = |keys: &[&str]| match keys.last() {
            Some(&"containers") => ListRule::ByKey("name"),
            Some(&"tags") => ListRule::Append,
            Some(&"set") => ListRule::Union,
            _ => ListRule::Replace,
        };
        merge(&mut target, &patch, &rule, &mut Vec::new(), &mut touched);
        (target, touched)
    }

    #[test]
    fn maps_merge_nulls_delete_scalars_replace() {
        let (value, touched) = merged(
            json!({"a": {"b": 1, "c": 2}, "d": 3}),
            json!({"a": {"b": null, "e": {"f": null, "g": 1}}, "d": "x"}),
        );
        assert_eq!(value, json!({"a": {"c": 2, "e": {"g": 1}}, "d": "x"}));
        assert_eq!(touched, ["/a/b", "/a/e", "/d"]);
    }

    #[test]
    fn lists_follow_their_rule() {
        let (value, touched) = merged(
            json!({"containers": [{"name": "a", "image": "x"}], "tags": [1], "set": [1, 2], "other": [1, 2]}),
            json!({"containers": [{"name": "a", "image": "y"}, {"name": "b"}], "tags": [2], "set": [2, 3], "other": [3]}),
        );
        assert_eq!(
            value,
            json!({"containers": [{"name": "a", "image": "y"}, {"name": "b"}], "tags": [1, 2], "set": [1, 2, 3], "other": [3]})
        );
        assert_eq!(
            touched,
            [
                "/containers/0/image",
                "/containers/1",
                "/tags/1",
                "/set/2",
                "/other"
            ]
        );
        // An item without the key is added, once.
        let (value, _) = merged(
            json!({"containers": [{"name": "a"}, "s"]}),
            json!({"containers": [{"image": "z"}, "s"]}),
        );
        assert_eq!(
            value,
            json!({"containers": [{"name": "a"}, "s", {"image": "z"}]})
        );
    }
}
