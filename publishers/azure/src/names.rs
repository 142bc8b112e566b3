//! Names: what each model name becomes on Azure (container apps, secrets, globally unique
//! services, file shares, the storage account) and the variable/param name of a parameter.
//!
//! Both Azure targets name the same Azure object the same way, so a deployment made with one
//! can be read with the other's names in mind.

use foldhash::fast::FixedState;
use indexmap::IndexSet;

use ir::publish::{dns_label, env_name, shorten};

/// The longest container app name Azure accepts.
pub const APP_NAME_MAX: usize = 32;

/// The longest container-app secret name Azure accepts.
pub const SECRET_NAME_MAX: usize = 253;

/// The container app name: a DNS label of 2 to 32 characters that starts with a letter
/// (Azure Container Apps rejects shorter names and names starting with a digit). It is also
/// the name other apps use to reach it inside the environment.
pub fn app_name(name: &str) -> String {
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

/// The snake-case label of a model name (`my-api` → `my_api`): Terraform resource labels and
/// output names in both targets. Names that would collide here collide as app names too, and
/// the `names` pass reports those.
pub fn label(name: &str) -> String {
    env_name(name).to_ascii_lowercase()
}

/// The variables (Terraform) and params (Bicep) every output may declare; a model parameter
/// of the same name gets a `param_` prefix instead of clashing with them.
pub const FIXED_VARIABLES: [&str; 3] = ["location", "resource_group_name", "image_tag"];

/// The Terraform variable and Bicep param of a model parameter (`api-key` becomes `api_key`).
pub fn variable_name(parameter: &str) -> String {
    let name = label(parameter);
    if FIXED_VARIABLES.contains(&name.as_str()) {
        format!("param_{name}")
    } else {
        name
    }
}

/// A container-app secret name for an environment variable: lowercase alphanumerics and `-`,
/// starting and ending alphanumeric (`ConnectionStrings__db` becomes `connectionstrings--db`,
/// as Aspire names them). Two variables of one app may map to one name: claim it through
/// [`UniqueNames`].
pub fn secret_name(env_var: &str) -> String {
    // Every app has several: one string, of the right size, usually returned as it is.
    let mut name = String::with_capacity(env_var.len());
    for c in env_var.chars() {
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        });
    }
    let trimmed = name.trim_matches('-');
    if trimmed.is_empty() {
        "secret".to_string()
    } else if trimmed.len() == name.len() && name.len() <= SECRET_NAME_MAX {
        name
    } else {
        shorten(trimmed, SECRET_NAME_MAX)
    }
}

/// The Azure name of a resource that needs a globally unique name (a Postgres flexible
/// server, an Azure Cache for Redis), without the suffix: `<app>-<resource>`, short enough to
/// take `-` and the 6-character deployment suffix within 63 characters.
pub fn global_prefix(app: &str, resource: &str) -> String {
    dns_label(&format!("{app}-{resource}"), 56)
}

/// The file share (and environment storage) name of a volume: 3 to 32 characters (Azure Files
/// needs at least 3; environment storages take at most 32).
pub fn share_name(volume: &str) -> String {
    let label = dns_label(volume, APP_NAME_MAX);
    if label.len() < 3 {
        format!("{label}-vol")
    } else {
        label
    }
}

/// The name of the Key Vault the deployment creates for a module's secret outputs, without
/// the suffix: `kv-<module>`, short enough to take `-` and the 6-character suffix within Key
/// Vault's 24 characters.
pub fn vault_prefix(module: &str) -> String {
    format!("kv-{}", dns_label(module, 14))
}

/// The storage-account name without the suffix: lowercase alphanumerics only, at most 18
/// characters, so that the 6-character suffix fits Azure's limit of 24.
pub fn storage_account_prefix(app: &str) -> String {
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

/// Names unique within one scope (the secrets of an app, its volumes): `name`, `name-2`,
/// `name-3`, ... within `max` characters, in claim order (deterministic: claims happen in
/// model order).
#[derive(Debug, Default)]
pub struct UniqueNames {
    /// A scope may hold every volume of the model: a hash set (with foldhash: the names are
    /// the model's, there is no one to defend against) instead of a tree, whose string
    /// comparisons cost the most of claiming a name.
    used: IndexSet<String, FixedState>,
}

impl UniqueNames {
    /// Forgets every name, keeping the room (one scope after another).
    pub fn clear(&mut self) {
        self.used.clear();
    }

    /// `wanted` (shortened to `max`) if it is free, else the first free `wanted-<n>`.
    pub fn claim(&mut self, wanted: &str, max: usize) -> String {
        let mut candidate = shorten(wanted, max);
        let mut n = 2;
        while self.used.contains(&candidate) {
            candidate = shorten(&format!("{wanted}-{n}"), max);
            n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_fit_container_apps_rules() {
        assert_eq!(app_name("api"), "api");
        assert_eq!(app_name("My_Service.v2"), "my-service-v2");
        assert_eq!(app_name("9lives"), "app-9lives");
        assert_eq!(app_name("a"), "a-app");
        for name in [
            "a-really-long-service-name-that-exceeds-the-limit",
            "a-resource-name-that-is-much-longer-than-32",
        ] {
            let long = app_name(name);
            assert!(
                long.len() <= 32 && !long.ends_with('-') && !long.contains("--"),
                "{long}"
            );
        }
    }

    #[test]
    fn shares_and_storage_accounts_fit_azure_files() {
        assert_eq!(share_name("db"), "db-vol");
        assert_eq!(share_name("pg-data"), "pg-data");
        assert!(share_name(&"v".repeat(40)).len() <= 32);
        assert_eq!(storage_account_prefix("my-shop"), "myshop");
        assert_eq!(storage_account_prefix("--"), "st");
        assert_eq!(
            storage_account_prefix("a-very-long-application-name").len(),
            18
        );
    }

    #[test]
    fn global_names_leave_room_for_the_suffix() {
        let prefix = global_prefix(
            "integrations",
            "a-very-long-postgres-server-name-that-goes-on-and-on",
        );
        // `-` and the 6-character suffix make at most 63.
        assert!(prefix.len() + 7 <= 63, "{prefix}");
        assert_eq!(global_prefix("shop", "pg"), "shop-pg");
    }

    #[test]
    fn secret_and_variable_names_follow_aspire() {
        assert_eq!(
            secret_name("ConnectionStrings__db"),
            "connectionstrings--db"
        );
        assert_eq!(secret_name("API_KEY"), "api-key");
        assert_eq!(secret_name("_1ABC_"), "1abc");
        assert_eq!(secret_name("__"), "secret");
        assert_eq!(label("my-db"), "my_db");
        assert_eq!(variable_name("api-key"), "api_key");
        assert_eq!(variable_name("location"), "param_location");
    }

    #[test]
    fn unique_names_count_up_and_stay_within_the_limit() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("api-key", 253), "api-key");
        assert_eq!(names.claim("api-key", 253), "api-key-2");
        assert_eq!(names.claim("api-key", 253), "api-key-3");
        let long = "k".repeat(253);
        assert_eq!(names.claim(&long, 253), long);
        let second = names.claim(&long, 253);
        assert!(second.len() <= 253 && second != long, "{second}");
    }
}
