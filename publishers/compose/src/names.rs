//! Compose names: the project name and the names of services, volumes, configs and secrets.
//!
//! Service names double as host names on the project network, so every value that points at
//! a resource (`http://catalog:8080`) uses [`service_name`] too.

use ir::{CheckedModel, ResourceId};

/// A service (or top-level volume, config, secret) name: lowercase `[a-z0-9][a-z0-9_.-]*`.
/// model.toml names already fit; manifest names may carry upper case, which is lowered.
pub(crate) fn service_name(name: &str) -> String {
    sanitize(name, &['_', '.', '-'])
}

/// The project name (`name:`): lowercase `[a-z0-9][a-z0-9_-]*`, which has no `.`.
pub(crate) fn project_name(name: &str) -> String {
    sanitize(name, &['_', '-'])
}

/// Lowercases, turns every other character into `-`, and makes sure the first one is
/// alphanumeric, so the result is always a valid name.
fn sanitize(name: &str, punctuation: &[char]) -> String {
    // A lowered character is alphanumeric exactly when the original one is, so the `x` prefix
    // can be decided up front and the name written once, without an insert that shifts it.
    let prefix = !name.starts_with(|c: char| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(name.len() + usize::from(prefix));
    if prefix {
        out.push('x');
    }
    let keep = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || punctuation.contains(&c);
    // Most names are valid once lowered: one copy and one walk to confirm it, instead of a
    // character-by-character rebuild (every name is sanitised, and a large model has many).
    let start = out.len();
    out.push_str(name);
    out.make_ascii_lowercase();
    // A byte of a non-ASCII character is never kept, so bytes stand for characters here.
    let valid = out
        .get(start..)
        .is_some_and(|lowered| lowered.bytes().all(|b| keep(char::from(b))));
    if !valid {
        out.truncate(start);
        out.extend(name.chars().map(|c| {
            let c = c.to_ascii_lowercase();
            if keep(c) { c } else { '-' }
        }));
    }
    out
}

/// The service name of every resource, computed once: a resource's name is written wherever
/// something points at it (host names, `depends_on`), many times in a large model.
pub(crate) struct ServiceNames(Vec<String>);

impl ServiceNames {
    pub(crate) fn new(model: &CheckedModel) -> ServiceNames {
        ServiceNames(
            model
                .resources()
                .map(|(_, r)| service_name(&r.name))
                .collect(),
        )
    }

    /// The name of resource `id`, which the checked model guarantees to exist.
    pub(crate) fn of(&self, id: ResourceId) -> &str {
        self.0.get(id.0 as usize).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_compose_names() {
        assert_eq!(service_name("catalog-api"), "catalog-api");
        assert_eq!(service_name("My_Api.v2"), "my_api.v2");
        assert_eq!(service_name("_x"), "x_x");
        assert_eq!(service_name("a b/c"), "a-b-c");
        // One `-` per character, not per byte, where a name is not ASCII.
        assert_eq!(service_name("Café-é"), "caf---");
        assert_eq!(project_name("shop.v2"), "shop-v2");
    }
}
