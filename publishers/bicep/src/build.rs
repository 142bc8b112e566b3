//! Builds `main.bicep` and `main.bicepparam` from the checked model: symbols first
//! (parameters, then resources, in model order), then the hosting plan and the storage, then
//! every container app, managed service and output, and last the head with the params that
//! were used.
//!
//! Each container app (most of the file) is printed as soon as its view is built, and the
//! view dropped, so only one app's values are alive at a time however large the model. The
//! other resources are small and few: their views are collected and each kind printed in one
//! go, which saves the fixed cost of a template rendering per resource. The head comes first
//! in the file but is known last (its params are the ones the resources' values used), so
//! the file is joined in file order at the end ([`Sections`]).

use ir::{CheckedModel, Diagnostics, PublishOptions, ResourceId, ResourceKind, Role, Span, codes};
use minijinja::Value;
use minijinja::value::Object;

use crate::app::{self, AppContext};
use crate::bicep_string::BicepStr;
use crate::chunks::Chunks;
use crate::hosting::{self, Hosting, Managed, POSTGRES_ADMIN};
use crate::names::{Symbols, global_name, param_symbol, resource_symbol, snake_label};
use crate::params;
use crate::storage::Shares;
use crate::templates::Templates;
use crate::values::{DEFAULT_DOMAIN, Resolver};
use crate::view::{DatabaseView, HeadView, OutputView, ParamFile, PostgresView, RedisView, views};

/// Both files, as printed.
pub(crate) struct Files {
    pub(crate) main: String,
    pub(crate) params: String,
}

/// The parts of `main.bicep` after its head, in file order. Resources of different kinds
/// come interleaved in model order, and the file groups them by kind.
#[derive(Default)]
struct Sections {
    storage: String,
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
            + postgres.len()
            + redis.len()
            + self.apps.len()
            + outputs.len();
        let mut main = String::with_capacity(len);
        for part in [head, &self.storage, &postgres, &redis] {
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

/// Both files; `Ok(None)` when an error was reported to `diags`, `Err` when a template failed
/// (a bug, reported by the caller).
pub(crate) fn build(
    model: &CheckedModel,
    options: &PublishOptions,
    templates: &Templates,
    diags: &mut Diagnostics,
) -> Result<Option<Files>, minijinja::Error> {
    let errors_before = diags.error_count();
    let mut symbols = Symbols::new();
    let param_symbols: Vec<String> = model
        .parameters()
        .map(|(_, p)| symbols.claim(&param_symbol(&p.name)))
        .collect();
    let image_tag = symbols.claim("image_tag");
    let hosting = hosting::plan(model, options, &mut symbols, diags);
    let shares = Shares::plan(model, &hosting, &mut symbols);
    let mut resolver = Resolver::new(model, &hosting, &param_symbols);
    let mut sections = Sections {
        storage: shares.render(model.name(), templates)?,
        ..Sections::default()
    };

    let mut ctx = AppContext {
        model,
        options,
        resolver: &mut resolver,
        shares: &shares,
        image_tag: &image_tag,
        image_tag_used: false,
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
    let databases = databases_by_server(model, &hosting);
    for (id, resource, workload) in model.workloads() {
        match hosting.get(id.0 as usize) {
            Some(Hosting::App(app_hosting)) => {
                if app_hosting.ingress.main.is_some_and(|main| main.external) {
                    let mut url = BicepStr::text(format!("https://{}.", app_hosting.name));
                    url.push_expr(DEFAULT_DOMAIN);
                    sections.outputs.push(output(
                        symbols.claim(&format!("{}_url", snake_label(&resource.name))),
                        format!("Public URL of `{}`.", resource.name),
                        url,
                    ));
                }
                if let Some(app) = app::build(&mut ctx, resource, workload, app_hosting, diags) {
                    let printed = templates.render("container-app.bicep.j2", app)?;
                    sections.apps.push_str(&printed);
                }
            }
            Some(Hosting::Managed {
                kind: Managed::Postgres,
                symbol,
            }) => {
                let server = postgres_view(
                    model,
                    ctx.resolver,
                    databases.get(id.0 as usize).map_or(&[], Vec::as_slice),
                    id,
                    symbol,
                    &mut symbols,
                );
                sections.postgres.push(server);
            }
            Some(Hosting::Managed {
                kind: Managed::Redis,
                symbol,
            }) => {
                sections.redis.push(RedisView {
                    symbol: symbol.clone(),
                    name: global_name(model.name(), &resource.name),
                });
            }
            Some(Hosting::ManagedDatabase { .. } | Hosting::Nothing) | None => {}
        }
    }
    let image_tag_used = ctx.image_tag_used;

    for bug in &resolver.bugs {
        diags.report(codes::INTERNAL, Span::DETACHED, format!("bicep: {bug}"));
    }
    let params = params::build(
        model,
        resolver.used_params().iter().copied(),
        &param_symbols,
        image_tag_used.then_some(image_tag.as_str()),
    );
    if diags.error_count() > errors_before {
        return Ok(None);
    }
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
    Ok(Some(Files {
        main,
        params: templates.render("main.bicepparam.j2", param_file)?,
    }))
}

/// The managed databases of each server, by the server's `ResourceId`, in model order, with
/// their symbols: found in one pass, rather than a pass over every resource per server.
fn databases_by_server<'m>(
    model: &'m CheckedModel,
    hosting: &'m [Hosting],
) -> Vec<Vec<(&'m str, &'m str)>> {
    let mut out: Vec<Vec<(&str, &str)>> = vec![Vec::new(); model.resources().len()];
    for (id, database) in model.resources() {
        let ResourceKind::Database(db) = &database.kind else {
            continue;
        };
        if let (Some(Hosting::ManagedDatabase { symbol }), Some(list)) = (
            hosting.get(id.0 as usize),
            out.get_mut(db.server.0 as usize),
        ) {
            list.push((symbol.as_str(), db.database_name.as_str()));
        }
    }
    out
}

/// A managed Postgres server: password authentication with the integration's password, the
/// Azure-services firewall rule, and one database per child database (`(symbol, name)`).
fn postgres_view(
    model: &CheckedModel,
    resolver: &mut Resolver<'_>,
    databases: &[(&str, &str)],
    server: ResourceId,
    symbol: &str,
    symbols: &mut Symbols,
) -> PostgresView {
    let resource = model.resource(server);
    let password = match &resource.kind {
        ResourceKind::Workload(workload) => match &workload.role {
            Role::Integration(integration) => integration
                .password
                .as_ref()
                .map(|p| resolver.render(p).value),
            Role::Container | Role::Project => None,
        },
        ResourceKind::Database(_) | ResourceKind::External(_) => None,
    };
    if password.is_none() {
        resolver.bugs.push(format!(
            "managed server `{}` has no password",
            resource.name
        ));
    }
    let firewall_symbol = symbols.claim(&resource_symbol(&resource.name, "AllowAzure"));
    let mut previous = firewall_symbol.clone();
    let mut database_views = Vec::with_capacity(databases.len());
    for &(symbol, name) in databases {
        database_views.push(DatabaseView {
            symbol: symbol.to_string(),
            name: name.to_string(),
            depends_on: previous,
        });
        previous = symbol.to_string();
    }
    PostgresView {
        symbol: symbol.to_string(),
        name: global_name(model.name(), &resource.name),
        admin_login: POSTGRES_ADMIN,
        password: password.unwrap_or_default(),
        firewall_symbol,
        databases: views(database_views),
    }
}
