//! Azure Bicep modules (`azure.bicep.v0`/`v1`): declared by `expand`, their values and what
//! expressions read from them resolved by `resolve` (through the functions here).
//!
//! A module is deployed by the targets that deploy modules (the bicep target) and is an
//! unsupported resource for the others: E0701 naming them, or with `--allow-unsupported` a
//! warning, and what they read from it becomes a deploy-time parameter there. Every read is a
//! parameter of [`ParamOrigin::Module`] for that reason: a target that deploys the module
//! reads the module instead. When a target deploys modules, the module's file must be
//! readable (E0705 at its `path`, or left out of every target with `--allow-unsupported`), the
//! parameters passed must be ones the file declares, every required one must be passed (but
//! `location`, which the deployment passes), every output read must be declared, a module
//! read as a Key Vault (`{kv.secrets.x}`) must give its `vaultUri`, and one whose secret
//! outputs are read must take the `keyVaultName` the deployment fills in.

use crate::check::CheckOptions;
use crate::checked::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::expr::{Expr, Template};
use crate::model::{AzureModuleDecl, ModuleValueDecl};
use crate::passes::Ctx;
use crate::span::Spanned;

/// The parameter the deployment passes to every module that declares it.
pub(crate) const LOCATION: &str = "location";

/// The parameter through which Aspire's older modules are given the Key Vault they write
/// their secret outputs to.
pub(crate) const KEY_VAULT_NAME: &str = "keyVaultName";

/// The output through which a Key Vault module gives its URI (secrets are read by reference
/// to it).
pub(crate) const VAULT_URI: &str = "vaultUri";

/// The targets of the build that deploy modules, and the others, by id.
fn targets(options: &CheckOptions<'_>) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut deploying = Vec::new();
    let mut others = Vec::new();
    for target in options.targets {
        if target.deploys_azure_modules() {
            deploying.push(target.id());
        } else {
            others.push(target.id());
        }
    }
    (deploying, others)
}

/// Whether a target of the build deploys modules.
pub(crate) fn deployed(options: &CheckOptions<'_>) -> bool {
    options.targets.iter().any(|t| t.deploys_azure_modules())
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn listed(ids: &[&str]) -> String {
    match ids {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Declares module `decl` (named `name`): reports it to the targets that cannot deploy it,
/// checks its file and parameters for those that can, and adds it to the context.
pub(crate) fn declare<'m>(
    ctx: &mut Ctx<'m>,
    name: &'m Spanned<String>,
    decl: &'m AzureModuleDecl,
    diags: &mut Diagnostics,
) -> ModuleId {
    let options = ctx.options;
    let (deploying, others) = targets(&options);
    // Without a target that deploys it (or without targets, as a library may check), a
    // module is unsupported as it always was.
    if !others.is_empty() || deploying.is_empty() {
        diags.push(unsupported(name, decl, &deploying, &others, &options));
    }
    let file = match &decl.file {
        Ok(file) => {
            if !deploying.is_empty() {
                check_params(name, decl, file, diags);
            }
            Some(file.clone())
        }
        Err(why) => {
            if !deploying.is_empty() {
                diags.push(unreadable(name, decl, why, &deploying, &options));
            }
            None
        }
    };
    ctx.modules.push(Module {
        name: name.value.clone(),
        span: name.span,
        type_name: decl.type_name.clone(),
        path: decl.path.value.clone(),
        path_span: decl.path.span,
        file,
        params: Vec::new(),
        connection_string: None,
        resource_group: None,
        reads: Vec::new(),
    });
    ctx.module_decls.push(decl);
    ModuleId((ctx.modules.len() - 1) as u32)
}

/// E0701 (or W0701) for the targets that cannot deploy a module.
fn unsupported(
    name: &Spanned<String>,
    decl: &AzureModuleDecl,
    deploying: &[&str],
    others: &[&str],
    options: &CheckOptions<'_>,
) -> Diagnostic {
    let message = if deploying.is_empty() {
        format!(
            "resource `{}` of type `{}` cannot be published",
            name.value, decl.type_name
        )
    } else {
        format!(
            "resource `{}` of type `{}` cannot be published by the {} target{}",
            name.value,
            decl.type_name,
            listed(others),
            if others.len() == 1 { "" } else { "s" }
        )
    };
    let d = Diagnostic::new(codes::UNSUPPORTED_RESOURCE, name.span, message)
        .label("an Azure Bicep module, which only the bicep target deploys");
    let d = if others.contains(&"terraform") {
        d.note("Terraform cannot run a Bicep module; with --allow-unsupported, what Terraform reads from it becomes Terraform variables")
    } else {
        d
    };
    if options.allow_unsupported && others.is_empty() {
        d.left_out(
            "left out by --allow-unsupported; values read from it become deploy-time parameters",
        )
    } else if options.allow_unsupported {
        d.left_out(format!(
            "left out of the {} output{} by --allow-unsupported; values read from it become deploy-time parameters there",
            listed(others),
            if others.len() == 1 { "" } else { "s" }
        ))
    } else if deploying.is_empty() {
        d.help("emit bicep to deploy it as a module, or pass --allow-unsupported to leave it out and supply what others read from it at deploy time")
    } else {
        d.help("emit bicep alone to deploy it, or pass --allow-unsupported to leave it out of the other targets and supply what they read from it at deploy time")
    }
}

/// E0705 (or W0701) for a module file a deploying target cannot read.
fn unreadable(
    name: &Spanned<String>,
    decl: &AzureModuleDecl,
    why: &str,
    deploying: &[&str],
    options: &CheckOptions<'_>,
) -> Diagnostic {
    let d = Diagnostic::new(
        codes::INVALID_AZURE_MODULE,
        decl.path.span,
        format!(
            "the file `{}` of module `{}` cannot be read: {why}",
            decl.path.value, name.value
        ),
    )
    .label("the module's `.bicep` file, relative to the manifest")
    .note("Aspire writes each module's file beside the manifest; the deployment needs it");
    if options.allow_unsupported {
        d.left_out(format!(
            "the module is left out of the {} output by --allow-unsupported; values read from it become deploy-time parameters",
            listed(deploying)
        ))
    } else {
        d.help("put the file there (publish the AppHost's manifest again to write it), or pass --allow-unsupported to leave the module out")
    }
}

/// The parameters passed against the ones the file declares (E0705 for each mismatch).
fn check_params(
    name: &Spanned<String>,
    decl: &AzureModuleDecl,
    file: &ModuleFile,
    diags: &mut Diagnostics,
) {
    let declared: Vec<&str> = file.params.iter().map(|p| p.name.as_str()).collect();
    for param in &decl.params {
        if !declared.contains(&param.name.value.as_str()) {
            let d = diags
                .report(
                    codes::INVALID_AZURE_MODULE,
                    param.name.span,
                    format!(
                        "module `{}` declares no parameter `{}`",
                        name.value, param.name.value
                    ),
                )
                .with_label(format!("`{}` has no such `param`", decl.path.value));
            if declared.is_empty() {
                d.with_note("the module declares no parameters");
            } else {
                d.with_note(format!("its parameters are: {}", declared.join(", ")));
            }
        }
    }
    for ModuleFileParam {
        name: param,
        required,
        ..
    } in &file.params
    {
        let passed = decl.params.iter().any(|p| &p.name.value == param);
        if *required && !passed && param != LOCATION {
            diags
                .report(
                    codes::INVALID_AZURE_MODULE,
                    name.span,
                    format!(
                        "module `{}` needs parameter `{param}`, which the manifest does not pass",
                        name.value
                    ),
                )
                .with_label(format!(
                    "`{}` declares it without a default",
                    decl.path.value
                ))
                .with_help(format!(
                    "pass it in the module's `params`, or give it a default in `{}`",
                    decl.path.value
                ));
        }
    }
}

/// What `expr` (whose path is `path`) reads from `module`, or `None` after reporting why it
/// reads nothing. `checked` says whether outputs are checked against the file.
pub(crate) fn read(
    module: &Module,
    decl: &AzureModuleDecl,
    expr: &Expr,
    path: &[&str],
    checked: bool,
    diags: &mut Diagnostics,
) -> Option<ModuleRead> {
    let at = expr.path.first().map_or(expr.span, |p| p.span);
    let read = match path {
        ["outputs", output] => ModuleRead::Output((*output).to_string()),
        ["secretOutputs", output] => ModuleRead::SecretOutput((*output).to_string()),
        ["secrets", secret] => ModuleRead::VaultSecret((*secret).to_string()),
        ["connectionString"] if decl.connection_string.is_some() => ModuleRead::ConnectionString,
        ["connectionString"] => {
            diags
                .report(
                    codes::UNKNOWN_PROPERTY,
                    at,
                    format!("module `{}` has no connection string", module.name),
                )
                .with_label("`connectionString` is not available here")
                .with_help("read one of its outputs instead: `outputs.<name>`");
            return None;
        }
        _ => {
            let words: Vec<&str> = expr.path.iter().map(|p| p.value.as_str()).collect();
            diags
                .report(
                    codes::UNKNOWN_PROPERTY,
                    at,
                    format!("module `{}` has no property `{}`", module.name, words.join(".")),
                )
                .with_label("unknown property")
                .with_help("a Bicep module offers `outputs.<name>`, `secretOutputs.<name>`, `secrets.<name>` (a Key Vault's) and `connectionString`");
            return None;
        }
    };
    if let (ModuleRead::SecretOutput(_), Some(file), true) = (&read, &module.file, checked) {
        let given_vault = decl.params.iter().any(|p| {
            p.name.value == KEY_VAULT_NAME && matches!(p.value, ModuleValueDecl::Deployer(_))
        });
        if !given_vault || !file.params.iter().any(|p| p.name == KEY_VAULT_NAME) {
            diags
                .report(
                    codes::INVALID_AZURE_MODULE,
                    at,
                    format!(
                        "module `{}` has no Key Vault to write its secret outputs to",
                        module.name
                    ),
                )
                .with_label("a secret output is read here")
                .with_note(format!("a module's secret outputs are the secrets it writes to the Key Vault it is given as `{KEY_VAULT_NAME}`, a parameter the deployment fills in (an empty string in the manifest)"))
                .with_help(format!("declare `param {KEY_VAULT_NAME} string` in `{}` and pass it as `\"\"`, or read an output instead", module.path));
            return None;
        }
    }
    if let (ModuleRead::VaultSecret(_), Some(file), true) = (&read, &module.file, checked) {
        if !file.outputs.iter().any(|o| o == VAULT_URI) {
            diags
                .report(
                    codes::INVALID_AZURE_MODULE,
                    at,
                    format!(
                        "module `{}` is read as a Key Vault, but declares no output `{VAULT_URI}`",
                        module.name
                    ),
                )
                .with_label("a Key Vault secret is read here")
                .with_note("a secret is read by reference to the vault's URI, which a Key Vault module gives as its output `vaultUri`")
                .with_help(format!("declare `output {VAULT_URI} string` in `{}`", module.path));
            return None;
        }
    }
    if let (ModuleRead::Output(output), Some(file), true) = (&read, &module.file, checked) {
        if !file.outputs.contains(output) {
            let d = diags
                .report(
                    codes::UNKNOWN_PROPERTY,
                    expr.path.get(1).map_or(at, |p| p.span),
                    format!("module `{}` declares no output `{output}`", module.name),
                )
                .with_label(format!("`{}` has no such `output`", module.path));
            if let Some(s) =
                crate::diagnostic::did_you_mean(output, file.outputs.iter().map(String::as_str))
            {
                d.with_help(format!("did you mean `{s}`?"));
            } else if !file.outputs.is_empty() {
                d.with_note(format!("its outputs are: {}", file.outputs.join(", ")));
            }
            return None;
        }
    }
    Some(read)
}

/// A parameter's declared value as a module value; `template` resolves strings.
pub(crate) fn value(
    decl: &ModuleValueDecl,
    template: &mut impl FnMut(&Template) -> Value,
) -> ModuleValue {
    match decl {
        ModuleValueDecl::String(t) => ModuleValue::Value(template(t)),
        ModuleValueDecl::Deployer(_) => ModuleValue::Deployer,
        ModuleValueDecl::Number(n) => ModuleValue::Number(n.clone()),
        ModuleValueDecl::Bool(b) => ModuleValue::Bool(*b),
        ModuleValueDecl::Null => ModuleValue::Null,
        ModuleValueDecl::Array(items) => {
            ModuleValue::Array(items.iter().map(|i| value(i, template)).collect())
        }
        ModuleValueDecl::Object(members) => ModuleValue::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), value(v, template)))
                .collect(),
        ),
    }
}

/// Reports every module whose connection string contains itself, through the connection
/// strings of modules it reads (a target that deploys modules could never write it).
pub(crate) fn report_cycles(ctx: &Ctx<'_>, diags: &mut Diagnostics) {
    let reads_of = |module: &Module| -> Vec<usize> {
        let mut deps: Vec<usize> = module
            .connection_string
            .iter()
            .flat_map(|v| v.parts.iter())
            .filter_map(|part| match part {
                Part::Param { param, .. } => match ctx.params[param.0 as usize].origin {
                    ParamOrigin::Module { module, read } => {
                        let read = ctx.modules[module.0 as usize].reads.get(read as usize)?;
                        (*read == ModuleRead::ConnectionString).then_some(module.0 as usize)
                    }
                    ParamOrigin::Declared
                    | ParamOrigin::IntegrationPassword(_)
                    | ParamOrigin::LeftOut
                    | ParamOrigin::Dashboard(_) => None,
                },
                Part::Text(_)
                | Part::Endpoint { .. }
                | Part::ConnectionString { .. }
                | Part::ConnectionProperty { .. } => None,
            })
            .collect();
        deps.sort_unstable();
        deps.dedup();
        deps
    };
    for start in 0..ctx.modules.len() {
        // A walk from each module: modules are few, and this finds each one on a cycle.
        let mut seen = vec![false; ctx.modules.len()];
        let mut stack = reads_of(&ctx.modules[start]);
        while let Some(next) = stack.pop() {
            if next == start {
                let module = &ctx.modules[start];
                diags
                    .report(
                        codes::INVALID_REFERENCE_TARGET,
                        module.span,
                        format!("the connection string of `{}` contains itself", module.name),
                    )
                    .with_label("built from its own connection string, directly or through others");
                break;
            }
            if !std::mem::replace(&mut seen[next], true) {
                stack.extend(reads_of(&ctx.modules[next]));
            }
        }
    }
}
