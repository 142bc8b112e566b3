//! Names: Bicep symbols, and the Bicep form of the shared Azure names.
//!
//! Azure names are the shared rules of `aspirec_azure::names` (the same as the terraform
//! target's); globally unique ones get a 6-character suffix from
//! `uniqueString(resourceGroup().id)` here. Bicep symbols share one namespace (parameters,
//! variables and resources), so every symbol is claimed through [`Symbols`], which never hands
//! out the same one twice.

use aspirec_azure::names::storage_account_prefix;
use indexmap::IndexSet;
use ir::publish::{dns_label, env_name};

use crate::bicep_string::BicepStr;

/// The shared naming rules, under the names this crate's modules use: a parameter's symbol is
/// the Terraform variable name, an output's label the snake-case label.
pub(crate) use aspirec_azure::names::{label as snake_label, variable_name as param_symbol};

/// The Bicep expression of the 6-character suffix that makes global names unique. It is a
/// hash of the resource group id, so it is stable across deployments of the same group.
pub(crate) const UNIQUE_SUFFIX: &str = "take(uniqueString(resourceGroup().id), 6)";

/// `<prefix>-<suffix>`, at most 63 characters: the name of a globally unique service (a
/// Postgres flexible server, an Azure Cache for Redis), whose prefix the plan decides.
pub(crate) fn global_name(prefix: &str) -> BicepStr {
    let mut out = BicepStr::text(format!("{prefix}-"));
    out.push_expr(UNIQUE_SUFFIX);
    out
}

/// The storage account name: lowercase letters and digits only, at most 24 characters
/// (18 from the application name, then the suffix).
pub(crate) fn storage_account_name(app: &str) -> BicepStr {
    let mut out = BicepStr::text(storage_account_prefix(app));
    out.push_expr(UNIQUE_SUFFIX);
    out
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

/// The set of symbols in use in one Bicep file. Hashed (a file has thousands of symbols,
/// and an ordered set compared each new one with a dozen); it is only ever asked whether a
/// symbol is taken, never listed.
#[derive(Debug, Default)]
pub(crate) struct Symbols {
    used: IndexSet<String>,
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
        // `insert` is the test: one lookup claims a free symbol.
        while is_reserved_word(&candidate) || !self.used.insert(candidate.clone()) {
            candidate = format!("{wanted}_{n}");
            n += 1;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_symbols_are_identifiers_and_distinct() {
        assert_eq!(resource_symbol("orders", "Db"), "ordersDb");
        assert_eq!(resource_symbol("my-api", "App"), "myApiApp");
        assert_ne!(resource_symbol("a-1", "App"), resource_symbol("a1", "App"));
        assert_eq!(resource_symbol("1st", "App"), "_1stApp");
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
        let name = global_name(&aspirec_azure::names::global_prefix(
            "integrations",
            "a-very-long-postgres-server-name-that-goes-on-and-on",
        ));
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
