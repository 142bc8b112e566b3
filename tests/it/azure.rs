//! The two Azure targets print one plan: for every input, the Azure resources that
//! `main.tf` and `main.bicep` declare are the same set of (Azure type, name), read back from
//! the files themselves. Terraform's own helpers are not Azure resources (`random_*`, the
//! azapi patch of an app's ports), and the resource group is Terraform's alone (Bicep deploys
//! into an existing one), as is Bicep's `fileServices/default`, which azurerm creates with
//! the storage account. An Aspire manifest's Bicep modules are deployed by the bicep target
//! alone: a manifest with them (`bicep-*`) is compared with `--allow-unsupported`, which
//! leaves them out of Terraform, and without what serves only them in Bicep (its `module`
//! declarations, the Key Vaults created for modules' secret outputs, and the role that reads
//! Key Vault secrets).
//!
//! And Aspire's real manifests with modules build for the bicep target, given their module
//! files, which `../shared/corpus` does not have: the `#[ignore]`d test writes a stand-in file
//! for each module (declaring the parameters the manifest passes and the outputs it reads)
//! beside a copy of the manifest, and builds that.

use std::collections::BTreeSet;
use std::path::Path;

use crate::compile_ok::for_each_input_in;
use crate::{compile_file, corpus, ok_inputs};

/// [`compile_file`], with `--allow-unsupported` when `allow_unsupported`, reading the files
/// beside the input.
fn compile_with(
    path: &Path,
    targets: Vec<&'static dyn ir::Publisher>,
    allow_unsupported: bool,
) -> aspirec::Compilation {
    let bytes = std::fs::read(path).unwrap();
    let options = aspirec::CompileOptions {
        targets,
        allow_unsupported,
        read_file: Some(aspirec::files_beside(path)),
        ..Default::default()
    };
    aspirec::compile(&crate::display_name(path), &bytes, &options)
}

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
        "azurerm_container_app_job" => "Microsoft.App/jobs",
        "azurerm_resource_group"
        | "random_string"
        | "random_password"
        | "azapi_update_resource"
        // A custom domain is part of its container app in Bicep (`customDomains`).
        | "azurerm_container_app_custom_domain" => {
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

/// The file `path` of `target`'s output, which must have been produced.
fn output<'c>(compilation: &'c aspirec::Compilation, target: &str, path: &str) -> &'c str {
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics()
    );
    let (_, artifacts) = compilation
        .artifacts
        .iter()
        .find(|(id, _)| *id == target)
        .unwrap_or_else(|| panic!("no {target} output"));
    artifacts.get(path).unwrap()
}

/// Azure types a `main.bicep` declares only for the Bicep modules Terraform does not deploy.
const FOR_MODULES: [&str; 2] = [
    "Microsoft.KeyVault/vaults",
    "Microsoft.Authorization/roleAssignments",
];

/// Compiles `input` for both Azure targets and compares their resources.
fn assert_same_resources(input: &Path) {
    let targets = ["terraform", "bicep"]
        .iter()
        .filter_map(|id| aspirec::targets::by_id(id))
        .collect();
    let with_modules = crate::case_name(input).starts_with("bicep-");
    let compilation = if with_modules {
        compile_with(input, targets, true)
    } else {
        compile_file(input, targets)
    };
    assert!(
        !compilation.has_errors(),
        "{}:\n{}",
        input.display(),
        compilation.render_diagnostics()
    );
    let terraform = terraform_resources(output(&compilation, "terraform", "main.tf"));
    let mut bicep = bicep_resources(output(&compilation, "bicep", "main.bicep"));
    if with_modules {
        bicep.retain(|(kind, _)| !FOR_MODULES.contains(&kind.as_str()));
    }
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
    let targets = ["terraform", "bicep"]
        .iter()
        .filter_map(|id| aspirec::targets::by_id(id))
        .collect();
    let options = aspirec::CompileOptions {
        targets,
        ..Default::default()
    };
    let compilation = aspirec::compile("model.toml", model.as_bytes(), &options);
    let shares = |resources: BTreeSet<(String, String)>| -> Vec<String> {
        resources
            .into_iter()
            .filter(|(kind, _)| kind.ends_with("/shares"))
            .map(|(_, name)| name)
            .collect()
    };
    let terraform = shares(terraform_resources(output(
        &compilation,
        "terraform",
        "main.tf",
    )));
    let bicep = shares(bicep_resources(output(&compilation, "bicep", "main.bicep")));
    // Two volumes, two shares, each of at least three characters, named alike in both.
    assert_eq!(terraform, ["db-vol", "db-vol-2"]);
    assert_eq!(bicep, terraform);
}

/// The stand-in file of the module `name` of `manifest`: a `param` for every parameter the
/// manifest passes (of its JSON type) and an `output` for every output it reads, plus
/// `vaultUri` when it is read as a Key Vault.
fn stand_in(manifest: &serde_json::Value, name: &str, text: &str) -> String {
    let mut out = String::from("// A stand-in written by a test: declarations only.\n");
    let params = manifest["resources"][name]["params"].as_object();
    for (param, value) in params.into_iter().flatten() {
        let kind = match value {
            serde_json::Value::Bool(_) => "bool",
            serde_json::Value::Number(_) => "int",
            serde_json::Value::Array(_) => "array",
            serde_json::Value::Object(_) => "object",
            serde_json::Value::String(_) | serde_json::Value::Null => "string",
        };
        out.push_str(&format!("param {param} {kind}\n"));
    }
    let mut outputs = BTreeSet::new();
    for (prefix, output) in [(".outputs.", None), (".secrets.", Some("vaultUri"))] {
        let needle = format!("{{{name}{prefix}");
        for (at, _) in text.match_indices(&needle) {
            let rest = &text[at + needle.len()..];
            let read = rest.split('}').next().unwrap();
            outputs.insert(output.unwrap_or(read).to_string());
        }
    }
    for output in outputs {
        out.push_str(&format!("output {output} string = ''\n"));
    }
    out
}

#[test]
#[ignore = "reads ../shared/corpus; .ci/run runs it with --ignored"]
fn corpus_manifests_with_modules_build_for_bicep_given_their_module_files() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-with-modules");
    let built = std::sync::atomic::AtomicUsize::new(0);
    for_each_input_in(&corpus(), |input| {
        let text = std::fs::read_to_string(input).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        let modules: Vec<(&String, &str)> = manifest["resources"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, r)| {
                r["type"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("azure.bicep."))
            })
            .map(|(name, r)| (name, r["path"].as_str().unwrap()))
            .collect();
        if modules.is_empty() {
            return;
        }
        let folder = scratch.join(crate::case_name(input));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let copy = folder.join(input.file_name().unwrap());
        std::fs::write(&copy, &text).unwrap();
        for (name, path) in &modules {
            std::fs::write(folder.join(path), stand_in(&manifest, name, &text)).unwrap();
        }
        let bicep = aspirec::targets::by_id("bicep").unwrap();
        // Without `--allow-unsupported` nothing about the modules is an error; what is (two
        // manifests run `executable.v0` processes, which no target deploys) is left out.
        let strict = compile_with(&copy, vec![bicep], false);
        let unrelated =
            |d: &ir::Diagnostic| d.code.id == "E0701" && !d.message.contains("azure.bicep");
        assert!(
            strict
                .diagnostics
                .iter()
                .all(|d| !d.is_error() || unrelated(d)),
            "{}:\n{}",
            input.display(),
            strict.render_diagnostics()
        );
        let compilation = if strict.has_errors() {
            compile_with(&copy, vec![bicep], true)
        } else {
            strict
        };
        assert!(
            compilation
                .diagnostics
                .iter()
                .all(|d| !d.message.contains("azure.bicep")),
            "{}:\n{}",
            input.display(),
            compilation.render_diagnostics()
        );
        let (_, files) = &compilation.artifacts[0];
        let main = files.get("main.bicep").unwrap();
        for (name, path) in &modules {
            assert!(files.get(path).is_some(), "{name}: {path} is not copied");
            assert!(
                main.contains(&format!("'{path}'")),
                "{name} is not deployed"
            );
        }
        // Kept for the validators: `validate-outputs.sh <folder>/out`.
        let out = folder.join("out/bicep");
        std::fs::create_dir_all(&out).unwrap();
        for (path, contents) in files.iter() {
            let file = out.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, contents).unwrap();
        }
        built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    assert!(built.into_inner() > 0, "no corpus manifest has modules");
}

/// Compiles manifest `text` for the bicep target, its module files read from `files`.
fn compile_bicep(
    text: &str,
    files: &'static [(&'static str, &'static str)],
    allow_unsupported: bool,
) -> aspirec::Compilation {
    let options = aspirec::CompileOptions {
        targets: vec![aspirec::targets::by_id("bicep").unwrap()],
        allow_unsupported,
        read_file: Some(std::sync::Arc::new(move |path: &str| {
            files
                .iter()
                .find(|(name, _)| *name == path)
                .map(|(_, text)| (*text).to_string())
                .ok_or_else(|| "there is no such file".to_string())
        })),
        ..Default::default()
    };
    aspirec::compile("aspire-manifest.json", text.as_bytes(), &options)
}

const VAULT_MODULE: &[(&str, &str)] = &[(
    "kv.module.bicep",
    "param location string = resourceGroup().location\noutput vaultUri string = ''\noutput name string = ''\n",
)];

#[test]
fn key_vault_secrets_are_references_and_never_mixed_with_text() {
    let manifest = r#"{"resources": {
      "kv": {"type": "azure.bicep.v0", "path": "kv.module.bicep"},
      "api": {"type": "container.v0", "image": "api:1", "env": {
        "WHOLE": "{kv.secrets.api-key}",
        "MIXED": "key={kv.secrets.api-key}",
        "NAME": "{kv.outputs.name}"
      }}
    }}"#;
    let strict = compile_bicep(manifest, VAULT_MODULE, false);
    let codes: Vec<&str> = strict.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0702"], "{}", strict.render_diagnostics());
    assert!(strict.diagnostics[0].message.contains("`MIXED`"));
    let lenient = compile_bicep(manifest, VAULT_MODULE, true);
    assert!(!lenient.has_errors(), "{}", lenient.render_diagnostics());
    let (_, files) = &lenient.artifacts[0];
    let main = files.get("main.bicep").unwrap();
    assert!(
        main.contains("keyVaultUrl: '${kvModule.outputs.vaultUri}secrets/api-key'"),
        "{main}"
    );
    assert!(main.contains("value: kvModule.outputs.name"), "{main}");
    assert!(!main.contains("MIXED"), "left out: {main}");
    assert!(main.contains("resource keyVaultSecretsUser"), "{main}");
    assert_eq!(
        files.get("kv.module.bicep").map(|f| f.lines().nth(1)),
        Some(Some("param location string = resourceGroup().location"))
    );
}

#[test]
fn a_module_without_its_file_is_left_out_of_bicep_only_with_allow_unsupported() {
    let manifest = r#"{"resources": {
      "store": {"type": "azure.bicep.v0", "path": "store.module.bicep"},
      "api": {"type": "container.v0", "image": "api:1", "env": {
        "BLOBS": "{store.outputs.blobEndpoint}"
      }}
    }}"#;
    let strict = compile_bicep(manifest, &[], false);
    let codes: Vec<&str> = strict.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0705"], "{}", strict.render_diagnostics());
    let lenient = compile_bicep(manifest, &[], true);
    let codes: Vec<&str> = lenient.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["W0701"], "{}", lenient.render_diagnostics());
    let (_, files) = &lenient.artifacts[0];
    let main = files.get("main.bicep").unwrap();
    // What is read from it is supplied at deploy time, as for any left-out resource.
    assert!(
        main.contains("param store_outputs_blobendpoint string"),
        "{main}"
    );
    assert!(!main.contains("module "), "{main}");
}
