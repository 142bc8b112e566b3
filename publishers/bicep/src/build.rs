//! Prints the Azure plan as `main.bicep` and `main.bicepparam`: symbols first (parameters,
//! then resources, in model order), then the storage, every container app, managed service
//! and output, and last the head with the params that were used.
//!
//! Each container app (most of the file) is printed as soon as its values are rendered, and
//! its view dropped, so only one app's values are alive at a time however large the model.
//! The other resources are small and few: their views are collected and each kind printed in
//! one go, which saves the fixed cost of a template rendering per resource. The head comes
//! first in the file but is known last (its params are the ones the resources' values used),
//! so the file is joined in file order at the end ([`Sections`]).

use aspirec_azure::managed::{POSTGRES, REDIS, Service};
use aspirec_azure::notes;
use aspirec_azure::plan::{Hosting, Plan, Server};
use aspirec_azure::values::{AppValues, SecretValue, Values, Vault};
use ir::{Diagnostics, PublishOptions};
use minijinja::Value;
use minijinja::value::Object;

use crate::app::{self, AppContext};
use crate::bicep_string::BicepStr;
use crate::chunks::Chunks;
use crate::modules::{self, ModuleSymbols};
use crate::names::{Symbols, global_name, param_symbol, resource_symbol, snake_label};
use crate::params;
use crate::storage;
use crate::templates::Templates;
use crate::values::{self, DEFAULT_DOMAIN};
use crate::view::{
    Bool, DatabaseView, HeadView, ModulesView, Number, OutputView, ParamFile, PostgresView,
    RedisView, list, views,
};

/// Both files, as printed, and the copied module files (path, text).
pub(crate) struct Files {
    pub(crate) main: String,
    pub(crate) params: String,
    pub(crate) modules: Vec<(String, String)>,
}

/// The parts of `main.bicep` after its head, in file order. Resources of different kinds
/// come interleaved in model order, and the file groups them by kind.
#[derive(Default)]
struct Sections {
    storage: String,
    modules: String,
    postgres: Vec<PostgresView>,
    redis: Vec<RedisView>,
    apps: Chunks,
    outputs: Vec<OutputView>,
}

impl Sections {
    /// Prints what is left and joins the whole file: one allocation of the final size, each
    /// part freed once copied.
    fn join(self, head: &str, templates: &Templates) -> Result<String, minijinja::Error> {
        let postgres = templates.render_one("postgres.bicep.j2", "servers", all(self.postgres))?;
        let redis = templates.render_one("redis.bicep.j2", "caches", all(self.redis))?;
        let outputs = templates.render_one("outputs.bicep.j2", "outputs", all(self.outputs))?;
        let len = head.len()
            + self.storage.len()
            + self.modules.len()
            + postgres.len()
            + redis.len()
            + self.apps.len()
            + outputs.len();
        let mut main = String::with_capacity(len);
        for part in [head, &self.storage, &self.modules, &postgres, &redis] {
            main.push_str(part);
        }
        self.apps.move_into(&mut main);
        main.push_str(&outputs);
        Ok(main)
    }
}

/// A list of views as one template value.
fn all<T: Object + 'static>(items: Vec<T>) -> Value {
    Value::from_dyn_object(views(items))
}

/// An output.
fn output(symbol: String, description: String, value: BicepStr) -> OutputView {
    OutputView {
        symbol,
        description,
        value,
    }
}

/// The Bicep symbol of each resource that has an Azure resource of its own (`None` for the
/// others), claimed in model order so they are the same on every run.
fn resource_symbols(plan: &Plan<'_>, symbols: &mut Symbols) -> Vec<Option<String>> {
    plan.model
        .resources()
        .map(|(id, resource)| {
            let suffix = match plan.hosting.get(id.0 as usize)? {
                Hosting::App(_) => "App",
                Hosting::Server(server) => match plan.servers.get(*server)?.service {
                    Service::Postgres => "Server",
                    Service::Redis => "Cache",
                },
                Hosting::Database(_) => "Db",
                Hosting::Nothing => return None,
            };
            Some(symbols.claim(&resource_symbol(&resource.name, suffix)))
        })
        .collect()
}

/// Both files (the caller drops them if the plan or its values reported an error); `Err` when
/// a template failed (a bug, reported by the caller).
pub(crate) fn build(
    plan: &Plan<'_>,
    options: &PublishOptions,
    templates: &Templates,
    diags: &mut Diagnostics,
) -> Result<Files, minijinja::Error> {
    let model = plan.model;
    let mut symbols = Symbols::new();
    let param_symbols: Vec<String> = model
        .parameters()
        .map(|(_, p)| symbols.claim(&param_symbol(&p.name)))
        .collect();
    let image_tag = symbols.claim("image_tag");
    let resource_symbols = resource_symbols(plan, &mut symbols);
    let symbol_of = |id: ir::ResourceId| {
        resource_symbols
            .get(id.0 as usize)
            .and_then(Option::as_deref)
            .unwrap_or_default()
    };
    let share_symbols = storage::symbols(&plan.shares, &mut symbols);
    let module_symbols = ModuleSymbols::claim(plan, &mut symbols);
    let server_symbols: Vec<(String, Service)> = plan
        .servers
        .iter()
        .map(|server| (symbol_of(server.id).to_string(), server.service))
        .collect();
    let value_symbols = values::Symbols {
        params: &param_symbols,
        servers: &server_symbols,
        modules: &module_symbols.modules,
    };
    let storage_symbols: Vec<String> = share_symbols.iter().map(|(_, s)| s.clone()).collect();
    let ctx = AppContext {
        modules: &module_symbols,
        symbols: &value_symbols,
        shares: &plan.shares,
        storage_symbols: &storage_symbols,
        image_tag: &image_tag,
    };
    let mut sections = Sections {
        storage: storage::render(model.name(), &plan.shares, &share_symbols, templates)?,
        ..Sections::default()
    };
    // Outputs: the resource group, the environment's domain, then each public URL.
    sections.outputs.push(output(
        symbols.claim("resource_group_name"),
        "The resource group deployed to.".to_string(),
        BicepStr::expr("resourceGroup().name"),
    ));
    sections.outputs.push(output(
        symbols.claim("environment_default_domain"),
        "Default domain of the Container Apps environment.".to_string(),
        BicepStr::expr(DEFAULT_DOMAIN),
    ));
    let mut values = plan.values();
    let module_views = modules::views_of(plan, &mut values, &value_symbols, &module_symbols, diags);
    let vault_views = modules::vaults(plan, &module_symbols);
    let mut key_vault_access = false;
    let mut app_values = AppValues::default();
    for (id, resource) in model.resources() {
        match plan.hosting.get(id.0 as usize) {
            Some(Hosting::App(index)) => {
                let Some(app) = plan.apps.get(*index) else {
                    continue;
                };
                if app.ingress.is_public() {
                    let mut url = BicepStr::text(format!("https://{}.", app.name));
                    url.push_expr(DEFAULT_DOMAIN);
                    sections.outputs.push(output(
                        symbols.claim(&format!("{}_url", snake_label(&resource.name))),
                        format!("Public URL of `{}`.", resource.name),
                        url,
                    ));
                }
                values.app(app, &mut app_values, diags);
                let depends_on = depends_on(plan, &module_symbols, &app_values);
                key_vault_access |= !depends_on.is_empty();
                let view = app::view(&ctx, app, symbol_of(id), &app_values, depends_on);
                let printed = templates.render("container-app.bicep.j2", view)?;
                sections.apps.push_str(&printed);
            }
            Some(Hosting::Server(index)) => {
                let Some(server) = plan.servers.get(*index) else {
                    continue;
                };
                match server.service {
                    Service::Postgres => {
                        let view = postgres_view(
                            &mut values,
                            &value_symbols,
                            server,
                            &symbol_of,
                            &mut symbols,
                        );
                        sections.postgres.push(view);
                    }
                    Service::Redis => sections.redis.push(RedisView {
                        symbol: symbol_of(id).to_string(),
                        comments: list(notes::server(server)),
                        name: global_name(&server.name_prefix),
                        sku: REDIS.sku,
                        family: REDIS.family,
                        capacity: Number::of(REDIS.capacity),
                        minimum_tls_version: REDIS.minimum_tls_version,
                        non_ssl_port: Bool(REDIS.non_ssl_port),
                        disable_access_keys: Bool(!REDIS.access_key_auth),
                    }),
                }
            }
            Some(Hosting::Database(_) | Hosting::Nothing) | None => {}
        }
    }
    if !plan.modules.is_empty() {
        let view = ModulesView {
            vaults: views(vault_views),
            modules: views(module_views),
            access: key_vault_access.then(|| module_symbols.access.clone()),
            role: modules::KEY_VAULT_ROLE,
        };
        sections.modules =
            templates.render_one("modules.bicep.j2", "modules", Value::from_object(view))?;
    }
    let used = values.finish(diags);
    let image_tag_used = plan.builds_images();
    let mut params = params::build(
        model,
        used.iter().copied(),
        &param_symbols,
        image_tag_used.then_some(image_tag.as_str()),
    );
    params::deployer(&mut params, &plan.deployer_params, &module_symbols.deployer);
    let header = params::one_line(&options.header());
    let app = model.name();
    let head = HeadView {
        header: header.clone(),
        params: views(params.declared),
        law_name: format!("{app}-law"),
        env_name: format!("{app}-env"),
        identity_name: format!("{app}-identity"),
    };
    let main = sections.join(&templates.render("main.bicep.j2", head)?, templates)?;
    let param_file = ParamFile {
        header,
        entries: views(params.entries),
    };
    Ok(Files {
        main,
        params: templates.render("main.bicepparam.j2", param_file)?,
        modules: module_files(plan, &options.source_name),
    })
}

/// What an app whose values are `values` waits for: when it reads Key Vault secrets, the role
/// that lets it, and the modules that write them (a Key Vault module's writers are the
/// modules given its outputs; a created vault's writer is the module it was created for).
fn depends_on(plan: &Plan<'_>, symbols: &ModuleSymbols, values: &AppValues<'_>) -> Vec<String> {
    let mut writers: Vec<usize> = Vec::new();
    for secret in &values.secrets {
        match secret.value {
            SecretValue::KeyVault {
                vault: Vault::Module(vault),
                ..
            } => writers.extend(plan.vault_writers(vault)),
            SecretValue::KeyVault {
                vault: Vault::Created(module),
                ..
            } => writers.push(module),
            SecretValue::Text(_) => {}
        }
    }
    if !values.reads_key_vaults() {
        return Vec::new();
    }
    writers.sort_unstable();
    writers.dedup();
    let mut out = vec![symbols.access.clone()];
    out.extend(
        writers
            .into_iter()
            .filter_map(|w| symbols.modules.get(w).cloned()),
    );
    out
}

/// The copied file of every deployed module (once per path), with a header naming it.
fn module_files(plan: &Plan<'_>, source: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for module in &plan.modules {
        if files.iter().any(|(path, _)| *path == module.output_path) {
            continue;
        }
        let text = format!(
            "// Generated by aspirec from {}: a copy of `{}`. Do not edit: change that file and rebuild.\n{}",
            params::one_line(source),
            params::one_line(&module.module.path),
            module.file.text
        );
        files.push((module.output_path.clone(), text));
    }
    files
}

/// `Enabled` or `Disabled`, as the API spells its switches.
fn switch(on: bool) -> &'static str {
    if on { "Enabled" } else { "Disabled" }
}

/// A managed Postgres server: password authentication with the integration's password, the
/// Azure-services firewall rule, and its databases.
fn postgres_view<'p, 'm>(
    values: &mut Values<'p, 'm>,
    value_symbols: &values::Symbols<'_>,
    server: &'p Server<'m>,
    symbol_of: &impl Fn(ir::ResourceId) -> &'p str,
    symbols: &mut Symbols,
) -> PostgresView {
    let mut chunks = Vec::new();
    let password = values.password(server, &mut chunks);
    let password = values::bicep(value_symbols, &chunks[password.range]);
    let symbol = symbol_of(server.id).to_string();
    let firewall_symbol = symbols.claim(&resource_symbol(&server.resource.name, "AllowAzure"));
    let mut previous = firewall_symbol.clone();
    let mut databases = Vec::with_capacity(server.databases.len());
    for database in &server.databases {
        let database_symbol = symbol_of(database.id).to_string();
        databases.push(DatabaseView {
            symbol: database_symbol.clone(),
            name: database.name.to_string(),
            charset: POSTGRES.charset,
            collation: POSTGRES.collation,
            depends_on: previous,
        });
        previous = database_symbol;
    }
    PostgresView {
        symbol,
        comments: list(notes::server(server)),
        name: global_name(&server.name_prefix),
        sku: POSTGRES.sku,
        tier: POSTGRES.tier,
        version: POSTGRES.version,
        availability_zone: POSTGRES.availability_zone,
        admin_login: POSTGRES.admin_login,
        password,
        storage_gb: Number::of(POSTGRES.storage_gb),
        backup_retention_days: Number::of(POSTGRES.backup_retention_days),
        geo_redundant_backup: switch(POSTGRES.geo_redundant_backup),
        high_availability: if POSTGRES.high_availability {
            "ZoneRedundant"
        } else {
            "Disabled"
        },
        password_auth: switch(POSTGRES.password_auth),
        entra_auth: switch(POSTGRES.entra_auth),
        public_network_access: switch(POSTGRES.public_network_access),
        firewall_symbol,
        firewall_rule: POSTGRES.firewall_rule,
        databases: views(databases),
    }
}
