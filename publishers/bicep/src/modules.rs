//! The plan's Azure Bicep modules as `module` declarations of `main.bicep`, with their
//! parameters wired (the manifest's values, the deployment's location, deploy-time values,
//! the Key Vault created for a module's secret outputs), and what goes with them: those Key
//! Vaults, and the role that lets the deployment's identity read Key Vault secrets.

use aspirec_azure::Plan;
use aspirec_azure::modules::{Arg, KEY_VAULT_SECRETS_USER};
use aspirec_azure::names::vault_prefix;
use aspirec_azure::values::{Chunk, Values, Vault};
use ir::{Diagnostics, ModuleValue};

use crate::bicep_string::{BicepStr, Literal};
use crate::names::{Symbols, UNIQUE_SUFFIX, resource_symbol};
use crate::values::{self, Symbols as ValueSymbols};
use crate::view::{ModuleParamView, ModuleView, Source, VaultView, list, views};

/// The symbols of the modules (by their index in the plan), of the Key Vaults created for
/// them (`None` for a module without one), of the deploy-time values they take, and of the
/// role assignment that reads Key Vault secrets (claimed with the modules, before any app
/// refers to it; printed only when one does).
pub(crate) struct ModuleSymbols {
    pub(crate) modules: Vec<String>,
    pub(crate) vaults: Vec<Option<String>>,
    pub(crate) deployer: Vec<String>,
    pub(crate) access: String,
}

impl ModuleSymbols {
    pub(crate) fn claim(plan: &Plan<'_>, symbols: &mut Symbols) -> ModuleSymbols {
        ModuleSymbols {
            modules: plan
                .modules
                .iter()
                .map(|m| symbols.claim(&resource_symbol(&m.module.name, "Module")))
                .collect(),
            vaults: plan
                .modules
                .iter()
                .map(|m| {
                    m.vault
                        .then(|| symbols.claim(&resource_symbol(&m.module.name, "Vault")))
                })
                .collect(),
            deployer: plan
                .deployer_params
                .iter()
                .map(|d| symbols.claim(d.name))
                .collect(),
            access: if plan.modules.is_empty() {
                String::new()
            } else {
                symbols.claim(KEY_VAULT_ACCESS)
            },
        }
    }

    /// The Bicep expression of a Key Vault's URI (it ends with `/`).
    pub(crate) fn vault_uri(&self, vault: Vault) -> String {
        match vault {
            Vault::Module(module) => format!(
                "{}.outputs.vaultUri",
                self.modules.get(module).map_or("", String::as_str)
            ),
            Vault::Created(module) => format!(
                "{}.properties.vaultUri",
                self.vaults
                    .get(module)
                    .and_then(Option::as_deref)
                    .unwrap_or_default()
            ),
        }
    }
}

/// The Key Vaults the deployment creates for modules' secret outputs.
pub(crate) fn vaults(plan: &Plan<'_>, symbols: &ModuleSymbols) -> Vec<VaultView> {
    plan.modules
        .iter()
        .zip(&symbols.vaults)
        .filter_map(|(module, symbol)| {
            let symbol = symbol.as_ref()?;
            let mut name = BicepStr::text(format!("{}-", vault_prefix(&module.module.name)));
            name.push_expr(UNIQUE_SUFFIX);
            Some(VaultView {
                symbol: symbol.clone(),
                module: module.module.name.clone(),
                name,
            })
        })
        .collect()
}

/// The `module` declaration of every deployed module.
pub(crate) fn views_of<'p, 'm>(
    plan: &'p Plan<'m>,
    values: &mut Values<'p, 'm>,
    value_symbols: &ValueSymbols<'_>,
    symbols: &ModuleSymbols,
    diags: &mut Diagnostics,
) -> Vec<ModuleView> {
    let mut out = Vec::with_capacity(plan.modules.len());
    for (index, module) in plan.modules.iter().enumerate() {
        let mut params = Vec::with_capacity(module.args.len());
        for &(name, arg) in &module.args {
            let value = match arg {
                Arg::Location => Some("location".to_string()),
                Arg::Deployer(param) => plan
                    .deployer_params
                    .iter()
                    .position(|d| d.name == param)
                    .and_then(|i| symbols.deployer.get(i).cloned()),
                Arg::Vault => symbols
                    .vaults
                    .get(index)
                    .and_then(Option::as_deref)
                    .map(|vault| format!("{vault}.name")),
                Arg::Value(value) => {
                    let mut printer = ValuePrinter {
                        values: &mut *values,
                        symbols: value_symbols,
                        module: module.module,
                        param: name,
                        diags: &mut *diags,
                        left_out: false,
                    };
                    let source = printer.source(value, 4);
                    (!printer.left_out).then_some(source)
                }
            };
            if let Some(value) = value {
                params.push(ModuleParamView {
                    key: Source::raw(key(name)),
                    value: Source::raw(value),
                });
            }
        }
        let scope = module.module.resource_group.as_ref().and_then(|group| {
            let mut chunks = Vec::new();
            let rendered =
                values.module_param(module.module, "scope", group, &mut chunks, diags)?;
            let group = values::bicep(value_symbols, &chunks[rendered.range]);
            Some(Source::raw(format!("resourceGroup({})", group.to_bicep())))
        });
        out.push(ModuleView {
            symbol: symbols.modules.get(index).cloned().unwrap_or_default(),
            path: Source::of(module.output_path.as_str()),
            name: Source::of(module.module.name.as_str()),
            scope,
            comments: list(module.vault.then(|| {
                format!(
                    "Writes its secret outputs to the Key Vault `{}`, created for it.",
                    symbols
                        .vaults
                        .get(index)
                        .and_then(Option::as_deref)
                        .unwrap_or_default()
                )
            })),
            params: views(params),
        });
    }
    out
}

/// An object key: as it is when it is an identifier, else quoted.
fn key(name: &str) -> String {
    let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        name.to_string()
    } else {
        name.to_literal()
    }
}

/// Prints a module parameter's value as Bicep source.
struct ValuePrinter<'a, 'p, 'm> {
    values: &'a mut Values<'p, 'm>,
    symbols: &'a ValueSymbols<'a>,
    module: &'m ir::Module,
    param: &'a str,
    diags: &'a mut Diagnostics,
    /// Set when a string read a Key Vault secret (reported): the parameter is left out.
    left_out: bool,
}

impl<'m> ValuePrinter<'_, '_, 'm> {
    /// The source of `value`, whose first line follows a key at `indent` spaces.
    fn source(&mut self, value: &'m ModuleValue, indent: usize) -> String {
        let pad = " ".repeat(indent + 2);
        match value {
            ModuleValue::Value(value) => {
                let mut chunks: Vec<Chunk<'_>> = Vec::new();
                match self.values.module_param(
                    self.module,
                    self.param,
                    value,
                    &mut chunks,
                    self.diags,
                ) {
                    Some(rendered) => {
                        values::bicep(self.symbols, &chunks[rendered.range]).to_bicep()
                    }
                    None => {
                        self.left_out = true;
                        String::new()
                    }
                }
            }
            // Given by the plan as its own argument; never a nested value.
            ModuleValue::Deployer => "''".to_string(),
            // Bicep numbers are integers: anything else goes through `json`.
            ModuleValue::Number(n) if n.parse::<i64>().is_ok() => n.clone(),
            ModuleValue::Number(n) => format!("json('{n}')"),
            ModuleValue::Bool(b) => b.to_string(),
            ModuleValue::Null => "null".to_string(),
            ModuleValue::Array(items) if items.is_empty() => "[]".to_string(),
            ModuleValue::Array(items) => {
                let mut out = String::from("[\n");
                for item in items {
                    out.push_str(&pad);
                    out.push_str(&self.source(item, indent + 2));
                    out.push('\n');
                }
                out.push_str(&" ".repeat(indent));
                out.push(']');
                out
            }
            ModuleValue::Object(members) if members.is_empty() => "{}".to_string(),
            ModuleValue::Object(members) => {
                let mut out = String::from("{\n");
                for (name, value) in members {
                    out.push_str(&pad);
                    out.push_str(&key(name));
                    out.push_str(": ");
                    out.push_str(&self.source(value, indent + 2));
                    out.push('\n');
                }
                out.push_str(&" ".repeat(indent));
                out.push('}');
                out
            }
        }
    }
}

/// The symbol of the role assignment that lets the deployment's identity read Key Vault
/// secrets, in the resource group (the container apps' Key Vault references use that
/// identity).
const KEY_VAULT_ACCESS: &str = "keyVaultSecretsUser";

/// The role's definition id, for the template.
pub(crate) const KEY_VAULT_ROLE: &str = KEY_VAULT_SECRETS_USER;
