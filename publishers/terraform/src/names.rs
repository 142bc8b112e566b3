//! Names: what each model name becomes on Azure (container app names, file shares) and in
//! Terraform (resource labels, variable names, secret names).
//!
//! Every rule here is shared with the Bicep publisher through `notes/azure.md`, so both targets
//! name the same Azure object the same way.

use ir::publish::{dns_label, env_name, shorten};

/// The longest container app name Azure accepts.
const APP_NAME_MAX: usize = 32;

/// The container app name: a DNS label of 2 to 32 characters that starts with a letter
/// (Azure Container Apps rejects shorter names and names starting with a digit).
pub(crate) fn app_name(name: &str) -> String {
    let label = dns_label(name, 63);
    let label = if label.starts_with(|c: char| c.is_ascii_digit()) {
        format!("app-{label}")
    } else {
        label
    };
    let label = if label.len() < 2 {
        format!("{label}-app")
    } else {
        label
    };
    shorten(&label, APP_NAME_MAX)
}

/// A Terraform identifier for a model name: snake case, as the variable names are. Names that
/// would collide here collide as app names too, and the `names` pass reports those.
pub(crate) fn label(name: &str) -> String {
    env_name(name).to_ascii_lowercase()
}

/// The variables every output declares; a model parameter of the same name gets a `param_`
/// prefix instead of clashing with them.
pub(crate) const FIXED_VARIABLES: [&str; 3] = ["location", "resource_group_name", "image_tag"];

/// The Terraform variable of a model parameter (`api-key` becomes `api_key`).
pub(crate) fn variable_name(parameter: &str) -> String {
    let name = label(parameter);
    if FIXED_VARIABLES.contains(&name.as_str()) {
        format!("param_{name}")
    } else {
        name
    }
}

/// A container-app secret name for an environment variable: lowercase alphanumerics and `-`,
/// starting and ending alphanumeric (`ConnectionStrings__db` becomes `connectionstrings--db`,
/// as Aspire names them).
pub(crate) fn secret_name(env_var: &str) -> String {
    let mapped: String = env_var
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_matches('-');
    let name = if trimmed.is_empty() {
        "secret"
    } else {
        trimmed
    };
    shorten(name, 253)
}

/// The Azure name of a resource that needs a globally unique name: `<app>-<resource>`, short
/// enough to take `-` and the 6-character deployment suffix within 63 characters.
pub(crate) fn global_prefix(app: &str, resource: &str) -> String {
    dns_label(&format!("{app}-{resource}"), 56)
}

/// The file share (and environment storage) name of a volume: 3 to 32 characters (Azure Files
/// needs at least 3).
pub(crate) fn share_name(volume: &str) -> String {
    let label = dns_label(volume, APP_NAME_MAX);
    if label.len() < 3 {
        format!("{label}-vol")
    } else {
        label
    }
}

/// The storage-account prefix: lowercase alphanumerics only, 18 characters, so that the
/// 6-character suffix fits Azure's limit of 24.
pub(crate) fn storage_account_prefix(app: &str) -> String {
    let alnum: String = app
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(18)
        .collect();
    if alnum.is_empty() {
        "st".to_string()
    } else {
        alnum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_fit_container_apps_rules() {
        assert_eq!(app_name("api"), "api");
        assert_eq!(app_name("9lives"), "app-9lives");
        assert_eq!(app_name("a"), "a-app");
        assert_eq!(share_name("db"), "db-vol");
        assert_eq!(share_name("pg-data"), "pg-data");
        let long = app_name("a-really-long-service-name-that-exceeds-the-limit");
        assert!(long.len() <= 32, "{long}");
        assert!(!long.contains("--"), "{long}");
    }

    #[test]
    fn secret_names_follow_aspire() {
        assert_eq!(
            secret_name("ConnectionStrings__db"),
            "connectionstrings--db"
        );
        assert_eq!(secret_name("_1ABC"), "1abc");
        assert_eq!(label("my-db"), "my_db");
        assert_eq!(variable_name("api-key"), "api_key");
        assert_eq!(variable_name("location"), "param_location");
    }

    #[test]
    fn storage_account_prefix_is_alphanumeric_and_short() {
        assert_eq!(storage_account_prefix("my-shop"), "myshop");
        assert_eq!(
            storage_account_prefix("a-very-long-application-name").len(),
            18
        );
    }
}
