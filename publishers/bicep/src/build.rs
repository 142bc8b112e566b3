//! Builds the views of `main.bicep` and `main.bicepparam` from the checked model: symbols
//! first (parameters, then resources, in model order), then the hosting plan, the storage,
//! every container app and managed service, the outputs, and last the params that were used.

use ir::{CheckedModel, Diagnostics, PublishOptions, ResourceId, ResourceKind, Role, Span, codes};

use crate::app::{self, AppContext};
use crate::bicep_string::BicepStr;
use crate::hosting::{self, Hosting, Managed, POSTGRES_ADMIN};
use crate::names::{Symbols, global_name, param_symbol, resource_symbol, snake_label};
use crate::params;
use crate::storage::Shares;
use crate::values::{DEFAULT_DOMAIN, Resolver};
use crate::view::{DatabaseView, MainFile, OutputView, ParamFile, PostgresView, RedisView};

/// The views of both files, or `None` when an error was reported.
pub(crate) fn build(
    model: &CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Option<(MainFile, ParamFile)> {
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

    let mut ctx = AppContext {
        model,
        options,
        resolver: &mut resolver,
        shares: &shares,
        image_tag: &image_tag,
        image_tag_used: false,
    };
    // Outputs: the resource group, the environment's domain, then each public URL.
    let mut outputs = vec![
        OutputView {
            symbol: symbols.claim("resource_group_name"),
            description: "The resource group deployed to.".to_string(),
            value: BicepStr::expr("resourceGroup().name"),
        },
        OutputView {
            symbol: symbols.claim("environment_default_domain"),
            description: "Default domain of the Container Apps environment.".to_string(),
            value: BicepStr::expr(DEFAULT_DOMAIN),
        },
    ];
    let databases = databases_by_server(model, &hosting);
    let mut apps = Vec::new();
    let mut postgres = Vec::new();
    let mut redis = Vec::new();
    for (id, resource, workload) in model.workloads() {
        match hosting.get(id.0 as usize) {
            Some(Hosting::App(app_hosting)) => {
                if app_hosting.ingress.main.is_some_and(|main| main.external) {
                    let mut url = BicepStr::text(format!("https://{}.", app_hosting.name));
                    url.push_expr(DEFAULT_DOMAIN);
                    outputs.push(OutputView {
                        symbol: symbols.claim(&format!("{}_url", snake_label(&resource.name))),
                        description: format!("Public URL of `{}`.", resource.name),
                        value: url,
                    });
                }
                apps.extend(app::build(&mut ctx, resource, workload, app_hosting, diags));
            }
            Some(Hosting::Managed {
                kind: Managed::Postgres,
                symbol,
            }) => {
                postgres.push(postgres_view(
                    model,
                    ctx.resolver,
                    databases.get(id.0 as usize).map_or(&[], Vec::as_slice),
                    id,
                    symbol,
                    &mut symbols,
                ));
            }
            Some(Hosting::Managed {
                kind: Managed::Redis,
                symbol,
            }) => {
                redis.push(RedisView {
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
        return None;
    }
    let header = params::one_line(&options.header());
    let app = model.name();
    let main = MainFile {
        header: header.clone(),
        params: params.declared,
        law_name: format!("{app}-law"),
        env_name: format!("{app}-env"),
        identity_name: format!("{app}-identity"),
        storage: shares.into_view(app),
        postgres,
        redis,
        apps,
        outputs,
    };
    Some((
        main,
        ParamFile {
            header,
            entries: params.entries,
        },
    ))
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
    let mut views = Vec::with_capacity(databases.len());
    for &(symbol, name) in databases {
        views.push(DatabaseView {
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
        databases: views,
    }
}
