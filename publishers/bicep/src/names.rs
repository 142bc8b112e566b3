//! Names: Bicep symbols, Azure resource names and container-app secret names.
//!
//! Azure names follow the contract shared with the Terraform publisher (/work/notes/azure.md):
//! container apps are `shorten(dns_label(name), 32)`, globally unique services get a 6-character
//! suffix from `uniqueString(resourceGroup().id)`. Bicep symbols share one namespace
//! (parameters, variables and resources), so every symbol is claimed through [`Symbols`],
//! which never hands out the same one twice.

use std::collections::BTreeSet;

use ir::publish::{dns_label, env_name, shorten};

use crate::bicep_string::BicepStr;

/// The Bicep expression of the 6-character suffix that makes global names unique. It is a
/// hash of the resource group id, so it is stable across deployments of the same group.
pub(crate) const UNIQUE_SUFFIX: &str = "take(uniqueString(resourceGroup().id), 6)";

/// The container app name of a workload (also the name others use to reach it inside the
/// environment). ACA app names have at most 32 characters: lowercase letters, digits and `-`.
pub(crate) fn app_name(name: &str) -> String {
    let label = dns_label(name, 63);
    // ACA names start with a letter.
    let label = if label.starts_with(|c: char| c.is_ascii_digit()) {
        format!("app-{label}")
    } else {
        label
    };
    shorten(&label, 32)
}

/// `<app>-<name>-<suffix>`, at most 63 characters: the name of a globally unique service
/// (a Postgres flexible server, an Azure Cache for Redis).
pub(crate) fn global_name(app: &str, name: &str) -> BicepStr {
    // 63 minus `-` and the 6-character suffix.
    let mut out = BicepStr::text(format!("{}-", dns_label(&format!("{app}-{name}"), 56)));
    out.push_expr(UNIQUE_SUFFIX);
    out
}

/// The storage account name: lowercase letters and digits only, at most 24 characters
/// (18 from the application name, then the suffix).
pub(crate) fn storage_account_name(app: &str) -> BicepStr {
    let mut prefix: String = app
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(18)
        .collect();
    if prefix.len() < 3 {
        prefix.insert_str(0, "st");
    }
    let mut out = BicepStr::text(prefix);
    out.push_expr(UNIQUE_SUFFIX);
    out
}

/// A container-app secret name for an environment variable: lowercase, every character
/// other than a letter or digit becomes `-` (`ConnectionStrings__db` → `connectionstrings--db`,
/// as Aspire does), trimmed to start and end with an alphanumeric, at most 253 characters.
pub(crate) fn secret_name(env_var: &str) -> String {
    let lowered: String = env_var
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = lowered.trim_matches('-');
    let name = if trimmed.is_empty() {
        "secret"
    } else {
        trimmed
    };
    shorten(name, 253)
}

/// The Bicep parameter symbol of a model parameter: the Terraform variable name
/// (`env_name(p).to_lowercase()`, so `api-key` is `api_key` in both targets), with a
/// `param_` prefix where it would be one of the variables every Terraform output declares.
pub(crate) fn param_symbol(name: &str) -> String {
    let symbol = env_name(name).to_lowercase();
    if ["location", "resource_group_name", "image_tag"].contains(&symbol.as_str()) {
        format!("param_{symbol}")
    } else {
        symbol
    }
}

/// The snake-case label of a resource, for output names (`my-api` → `my_api`).
pub(crate) fn snake_label(name: &str) -> String {
    env_name(name).to_lowercase()
}

/// The environment variable a `.bicepparam` file reads a required parameter from.
pub(crate) fn param_env_var(name: &str) -> String {
    env_name(name)
}

/// A resource symbol: the camelCase of a DNS label plus a kind suffix (`orders` + `Db` →
/// `ordersDb`). The upper-case letters keep resource symbols apart from parameter symbols,
/// which are lowercase snake case.
pub(crate) fn resource_symbol(name: &str, suffix: &str) -> String {
    let label = dns_label(name, 63);
    let mut out = String::with_capacity(label.len() + suffix.len());
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '-' {
            // `a-1` must not become `a1`, which `a1` already is.
            match chars.peek() {
                Some(next) if next.is_ascii_digit() => out.push('_'),
                Some(_) | None => {}
            }
            if let Some(next) = chars.next_if(|n| n.is_ascii_alphabetic()) {
                out.push(next.to_ascii_uppercase());
            }
        } else {
            out.push(c);
        }
    }
    out.push_str(suffix);
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The set of symbols in use in one Bicep file.
#[derive(Debug, Default)]
pub(crate) struct Symbols {
    used: BTreeSet<String>,
}

/// Symbols the templates write literally; nothing else may take them.
pub(crate) const FIXED_SYMBOLS: &[&str] = &[
    "location",
    "law",
    "env",
    "identity",
    "storage",
    "storageFiles",
];

impl Symbols {
    pub(crate) fn new() -> Symbols {
        let mut symbols = Symbols::default();
        for fixed in FIXED_SYMBOLS {
            symbols.used.insert((*fixed).to_string());
        }
        symbols
    }

    /// `wanted` if it is free, else `wanted_2`, `wanted_3`, ... (deterministic: claims happen
    /// in model order).
    pub(crate) fn claim(&mut self, wanted: &str) -> String {
        let mut candidate = wanted.to_string();
        let mut n = 2;
        while self.used.contains(&candidate) || is_reserved_word(&candidate) {
            candidate = format!("{wanted}_{n}");
            n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

/// Bicep keywords and literals, which cannot be symbols.
fn is_reserved_word(word: &str) -> bool {
    matches!(
        word,
        "true"
            | "false"
            | "null"
            | "param"
            | "var"
            | "resource"
            | "output"
            | "module"
            | "targetScope"
            | "existing"
            | "if"
            | "for"
            | "in"
            | "import"
            | "type"
            | "func"
            | "metadata"
            | "using"
            | "with"
            | "as"
            | "extension"
            | "assert"
            | "az"
            | "sys"
    )
}

/// Names unique within one scope (volumes of an app, secrets of an app, file shares):
/// `name`, `name-2`, `name-3`, ... within `max` characters.
#[derive(Debug, Default)]
pub(crate) struct UniqueNames {
    used: BTreeSet<String>,
}

impl UniqueNames {
    pub(crate) fn claim(&mut self, wanted: &str, max: usize) -> String {
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
    fn app_names_are_aca_names() {
        assert_eq!(app_name("api"), "api");
        assert_eq!(app_name("My_Service.v2"), "my-service-v2");
        let long = app_name("a-resource-name-that-is-much-longer-than-32");
        assert!(
            long.len() <= 32 && !long.ends_with('-') && !long.contains("--"),
            "{long}"
        );
    }

    #[test]
    fn secret_names_follow_aspire() {
        assert_eq!(
            secret_name("ConnectionStrings__orders"),
            "connectionstrings--orders"
        );
        assert_eq!(secret_name("API_KEY"), "api-key");
        assert_eq!(secret_name("_1ABC_"), "1abc");
        assert_eq!(secret_name("__"), "secret");
    }

    #[test]
    fn resource_symbols_are_identifiers_and_distinct() {
        assert_eq!(resource_symbol("orders", "Db"), "ordersDb");
        assert_eq!(resource_symbol("my-api", "App"), "myApiApp");
        assert_ne!(resource_symbol("a-1", "App"), resource_symbol("a1", "App"));
        assert_eq!(resource_symbol("1st", "App"), "_1stApp");
        assert_eq!(param_symbol("api-key"), "api_key");
        assert_eq!(param_symbol("location"), "param_location");
        assert_eq!(app_name("1st"), "app-1st");
    }

    #[test]
    fn symbols_are_never_handed_out_twice() {
        let mut symbols = Symbols::new();
        assert_eq!(symbols.claim("api_key"), "api_key");
        assert_eq!(symbols.claim("api_key"), "api_key_2");
        assert_eq!(symbols.claim("location"), "location_2");
        assert_eq!(symbols.claim("true"), "true_2");
    }

    #[test]
    fn global_names_fit_azure_limits() {
        let name = global_name(
            "integrations",
            "a-very-long-postgres-server-name-that-goes-on-and-on",
        );
        let rendered = name.to_bicep();
        assert!(
            rendered.ends_with("-${take(uniqueString(resourceGroup().id), 6)}'"),
            "{rendered}"
        );
        // 63 characters once the 6-character suffix is in.
        assert!(
            rendered.len() - "'${take(uniqueString(resourceGroup().id), 6)}'".len() + 6 <= 63,
            "{rendered}"
        );
        assert_eq!(
            storage_account_name("my-shop").to_bicep(),
            "'myshop${take(uniqueString(resourceGroup().id), 6)}'"
        );
    }
}
