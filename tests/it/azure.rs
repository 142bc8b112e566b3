//! The two Azure targets print one plan: for every input, the Azure resources that
//! `main.tf` and `main.bicep` declare are the same set of (Azure type, name), read back from
//! the files themselves. Terraform's own helpers are not Azure resources (`random_*`, the
//! azapi patch of an app's ports), and the resource group is Terraform's alone (Bicep deploys
//! into an existing one), as is Bicep's `fileServices/default`, which azurerm creates with
//! the storage account.

use std::collections::BTreeSet;
use std::path::Path;

use crate::compile_ok::for_each_input_in;
use crate::{compile_file, corpus, ok_inputs};

/// The Azure resource type of each azurerm resource type the output may declare; `None` for
/// what is not an Azure resource of its own.
fn azure_type(terraform: &str) -> Option<&'static str> {
    Some(match terraform {
        "azurerm_log_analytics_workspace" => "Microsoft.OperationalInsights/workspaces",
        "azurerm_container_app_environment" => "Microsoft.App/managedEnvironments",
        "azurerm_user_assigned_identity" => "Microsoft.ManagedIdentity/userAssignedIdentities",
        "azurerm_storage_account" => "Microsoft.Storage/storageAccounts",
        "azurerm_storage_share" => "Microsoft.Storage/storageAccounts/fileServices/shares",
        "azurerm_container_app_environment_storage" => "Microsoft.App/managedEnvironments/storages",
        "azurerm_postgresql_flexible_server" => "Microsoft.DBforPostgreSQL/flexibleServers",
        "azurerm_postgresql_flexible_server_firewall_rule" => {
            "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules"
        }
        "azurerm_postgresql_flexible_server_database" => {
            "Microsoft.DBforPostgreSQL/flexibleServers/databases"
        }
        "azurerm_redis_cache" => "Microsoft.Cache/redis",
        "azurerm_container_app" => "Microsoft.App/containerApps",
        "azurerm_resource_group"
        | "random_string"
        | "random_password"
        | "azapi_update_resource" => {
            return None;
        }
        other => panic!("add `{other}` to the Azure types of this test"),
    })
}

/// The deployment's unique suffix, as each target writes it.
const SUFFIXES: [&str; 2] = [
    "${random_string.suffix.result}",
    "${take(uniqueString(resourceGroup().id), 6)}",
];

/// A resource's name as written, quotes removed and the unique suffix made `<suffix>`.
fn name(written: &str) -> String {
    let mut name = written.trim().trim_matches(['"', '\'']).to_string();
    for suffix in SUFFIXES {
        name = name.replace(suffix, "<suffix>");
    }
    name
}

/// The first `name` of the body of the block opened at line `at`, at the body's indentation.
fn first_name<'a>(lines: &[&'a str], at: usize, separator: char) -> &'a str {
    lines[at + 1..]
        .iter()
        .take_while(|line| *line != &"}")
        .find_map(|line| {
            let rest = line.strip_prefix("  ")?;
            let (key, value) = rest.split_once(separator)?;
            (!key.starts_with(' ') && key.trim() == "name").then_some(value)
        })
        .unwrap_or_else(|| panic!("no name in the block at line {}", at + 1))
}

/// (Azure type, name) of every Azure resource of a `main.tf`.
fn terraform_resources(main: &str) -> BTreeSet<(String, String)> {
    let lines: Vec<&str> = main.lines().collect();
    let mut out = BTreeSet::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("resource \"") else {
            continue;
        };
        let kind = rest.split('"').next().unwrap();
        if let Some(azure) = azure_type(kind) {
            out.insert((azure.to_string(), name(first_name(&lines, at, '='))));
        }
    }
    out
}

/// (Azure type, name) of every Azure resource of a `main.bicep`.
fn bicep_resources(main: &str) -> BTreeSet<(String, String)> {
    let lines: Vec<&str> = main.lines().collect();
    let mut out = BTreeSet::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("resource ") else {
            continue;
        };
        let kind = rest.split('\'').nth(1).unwrap();
        let kind = kind.split('@').next().unwrap();
        if kind == "Microsoft.Storage/storageAccounts/fileServices" {
            continue;
        }
        out.insert((kind.to_string(), name(first_name(&lines, at, ':'))));
    }
    out
}

/// Compiles `input` for both Azure targets and compares their resources.
fn assert_same_resources(input: &Path) {
    let targets = ["terraform", "bicep"]
        .iter()
        .filter_map(|id| aspirec::targets::by_id(id))
        .collect();
    let compilation = compile_file(input, targets);
    assert!(
        !compilation.has_errors(),
        "{}:\n{}",
        input.display(),
        compilation.render_diagnostics()
    );
    let file = |target: &str, path: &str| {
        let (_, artifacts) = compilation
            .artifacts
            .iter()
            .find(|(id, _)| *id == target)
            .unwrap_or_else(|| panic!("{}: no {target} output", input.display()));
        artifacts.get(path).unwrap().to_string()
    };
    let terraform = terraform_resources(&file("terraform", "main.tf"));
    let bicep = bicep_resources(&file("bicep", "main.bicep"));
    assert!(!terraform.is_empty(), "{}: no resources", input.display());
    assert_eq!(
        terraform.difference(&bicep).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "{}: only in Terraform",
        input.display()
    );
    assert_eq!(
        bicep.difference(&terraform).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "{}: only in Bicep",
        input.display()
    );
}

#[test]
fn both_azure_targets_declare_the_same_resources() {
    for_each_input_in(&ok_inputs(), assert_same_resources);
}

#[test]
#[ignore = "reads ../shared/corpus; .ci/run runs it with --ignored"]
fn both_azure_targets_declare_the_same_resources_for_the_corpus() {
    for_each_input_in(&corpus(), assert_same_resources);
}

#[test]
fn volumes_whose_names_azure_would_merge_get_the_same_distinct_shares() {
    let model = r#"
name = "shop"

[resources.a]
type = "container"
image = "ghcr.io/acme/a:1"
volumes = [{ name = "db", target = "/a" }]

[resources.b]
type = "container"
image = "ghcr.io/acme/b:1"
volumes = [{ name = "DB_", target = "/b" }]
"#;
    let options = aspirec::CompileOptions {
        targets: aspirec::targets::all().to_vec(),
        ..Default::default()
    };
    let compilation = aspirec::compile("model.toml", model.as_bytes(), &options);
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics()
    );
    let file = |target: &str, path: &str| {
        let (_, artifacts) = compilation
            .artifacts
            .iter()
            .find(|(id, _)| *id == target)
            .unwrap();
        artifacts.get(path).unwrap().to_string()
    };
    let shares = |resources: BTreeSet<(String, String)>| -> Vec<String> {
        resources
            .into_iter()
            .filter(|(kind, _)| kind.ends_with("/shares"))
            .map(|(_, name)| name)
            .collect()
    };
    let terraform = shares(terraform_resources(&file("terraform", "main.tf")));
    let bicep = shares(bicep_resources(&file("bicep", "main.bicep")));
    // Two volumes, two shares, each of at least three characters, named alike in both.
    assert_eq!(terraform, ["db-vol", "db-vol-2"]);
    assert_eq!(bicep, terraform);
}
