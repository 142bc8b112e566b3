//! Azure Bicep modules (an Aspire manifest's `azure.bicep.v0`/`v1`), for a target that
//! deploys them: each module whose file the front end read is deployed from a copy of that
//! file, with its parameters wired, in its own resource group when it has a `scope`.
//!
//! What the deployment supplies to a module:
//! - `location`, when the module declares it and the manifest does not pass it (as Aspire's
//!   own `main.bicep` passes it to every module);
//! - a value Aspire leaves empty for the deploying tool (`principalId`, `principalType`, ...):
//!   a deploy-time value of the same name, one for every module that takes it
//!   ([`DeployerParam`]);
//! - `keyVaultName` (Aspire's older modules write their secret outputs into that vault): a
//!   Key Vault the deployment creates for the module alone, as two modules may write secrets
//!   of the same name.
//!
//! Values read from a deployed module are its outputs; its Key Vault secrets (`secrets.<name>`
//! of a Key Vault module, `secretOutputs.<name>` of an older module) are read by the container
//! apps through Key Vault references, never in clear, with the deployment's identity granted
//! the Key Vault Secrets User role. A module whose file is missing was left out by the check
//! (with `--allow-unsupported`): what is read from it is a deploy-time parameter, as for any
//! target that does not deploy modules.

use ir::{CheckedModel, Module, ModuleFile, ModuleId, ModuleValue};

/// The parameter the deployment passes to every module that declares it.
pub const LOCATION: &str = "location";

/// The parameter through which Aspire's older modules are given a Key Vault for their secret
/// outputs.
pub const KEY_VAULT_NAME: &str = "keyVaultName";

/// The built-in role that reads Key Vault secrets (Key Vault Secrets User).
pub const KEY_VAULT_SECRETS_USER: &str = "4633458b-17de-408a-b874-0445c86b69e6";

/// A module the deployment deploys.
#[derive(Debug)]
pub struct ModulePlan<'m> {
    pub id: ModuleId,
    pub module: &'m Module,
    pub file: &'m ModuleFile,
    /// Where its file is copied, relative to the output folder: the manifest's path when it
    /// is a plain relative path, else `modules/<name>.bicep`.
    pub output_path: String,
    pub args: Vec<(&'m str, Arg<'m>)>,
    /// Whether the deployment creates a Key Vault for it (see the module documentation).
    pub vault: bool,
}

/// What a module parameter is given.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'m> {
    /// The manifest's value.
    Value(&'m ModuleValue),
    /// The deployment's location.
    Location,
    /// The deploy-time value of this name ([`DeployerParam`]).
    Deployer(&'m str),
    /// The name of the Key Vault the deployment creates for this module.
    Vault,
}

/// A value Aspire leaves for the deploying tool: a deploy-time value of the deployment (a
/// string: Aspire leaves only strings empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployerParam<'m> {
    pub name: &'m str,
}

impl DeployerParam<'_> {
    /// Where the value comes from, for the person deploying: the environment variable that
    /// supplies it, and how to find it.
    pub fn source(&self) -> (String, &'static str) {
        match self.name {
            "principalId" | "userPrincipalId" => (
                "AZURE_PRINCIPAL_ID".to_string(),
                "the object id of the principal the modules grant access to, for a user: az ad signed-in-user show --query id -o tsv",
            ),
            "principalName" => (
                "AZURE_PRINCIPAL_NAME".to_string(),
                "the name of that principal, for a user: az ad signed-in-user show --query userPrincipalName -o tsv",
            ),
            "principalType" => (
                "AZURE_PRINCIPAL_TYPE".to_string(),
                "the type of that principal: User, Group or ServicePrincipal",
            ),
            other => (
                ir::publish::env_name(other),
                "a value Aspire leaves for the deploying tool to supply",
            ),
        }
    }
}

/// The modules of `model` a deploying target deploys (those whose file was read), and the
/// deploy-time values they take; `index` gets each deployed module's place, by `ModuleId`.
pub(crate) fn plan<'m>(
    model: &'m CheckedModel,
    index: &mut Vec<Option<usize>>,
) -> (Vec<ModulePlan<'m>>, Vec<DeployerParam<'m>>) {
    let mut plans: Vec<ModulePlan<'m>> = Vec::new();
    let mut deployer: Vec<DeployerParam<'m>> = Vec::new();
    index.clear();
    for (id, module) in model.modules() {
        let Some(file) = &module.file else {
            index.push(None);
            continue;
        };
        let mut args = Vec::with_capacity(module.params.len() + 1);
        let mut vault = false;
        for (name, value) in &module.params {
            let arg = match value {
                ModuleValue::Deployer if name == KEY_VAULT_NAME => {
                    vault = true;
                    Arg::Vault
                }
                ModuleValue::Deployer => {
                    if !deployer.iter().any(|d| d.name == name) {
                        deployer.push(DeployerParam { name });
                    }
                    Arg::Deployer(name)
                }
                ModuleValue::Value(_)
                | ModuleValue::Number(_)
                | ModuleValue::Bool(_)
                | ModuleValue::Null
                | ModuleValue::Array(_)
                | ModuleValue::Object(_) => Arg::Value(value),
            };
            args.push((name.as_str(), arg));
        }
        let declares_location = file.params.iter().any(|p| p.name == LOCATION);
        if declares_location && !module.params.iter().any(|(name, _)| name == LOCATION) {
            args.insert(0, (LOCATION, Arg::Location));
        }
        index.push(Some(plans.len()));
        plans.push(ModulePlan {
            id,
            module,
            file,
            output_path: output_path(&module.name, &module.path),
            args,
            vault,
        });
    }
    (plans, deployer)
}

/// Where a module's file is copied: its path, when that is a plain relative path inside the
/// output folder that names a `.bicep` file other than the deployment's own, else
/// `modules/<name>.bicep`.
fn output_path(name: &str, path: &str) -> String {
    let plain = path.ends_with(".bicep")
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        });
    if plain && path != "main.bicep" {
        path.to_string()
    } else {
        format!("modules/{}.bicep", ir::publish::dns_label(name, 63))
    }
}

#[cfg(test)]
mod tests {
    use super::output_path;

    #[test]
    fn module_files_keep_plain_relative_paths() {
        assert_eq!(
            output_path("storage", "storage.module.bicep"),
            "storage.module.bicep"
        );
        assert_eq!(output_path("infra", "infra/main.bicep"), "infra/main.bicep");
        assert_eq!(output_path("up", "../up.bicep"), "modules/up.bicep");
        assert_eq!(output_path("abs", "/tmp/x.bicep"), "modules/abs.bicep");
        assert_eq!(output_path("m", "main.bicep"), "modules/m.bicep");
        assert_eq!(output_path("W", "C:\\x.bicep"), "modules/w.bicep");
    }
}
