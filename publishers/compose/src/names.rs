//! Compose names: the project name and the names of services, volumes, configs and secrets.
//!
//! Service names double as host names on the project network, so every value that points at
//! a resource (`http://catalog:8080`) uses [`service_name`] too.

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
    let mut out: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || punctuation.contains(&c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        out.insert(0, 'x');
    }
    out
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
        assert_eq!(project_name("shop.v2"), "shop-v2");
    }
}
