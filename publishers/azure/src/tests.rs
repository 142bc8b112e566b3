//! Tests of the plan on models built in Rust: what runs where, what the values render to,
//! and the databases of container-hosted servers.

use ir::IntegrationKind;
use ir::model::*;
use ir::testing::*;

use crate::plan::{Hosting, Plan};
use crate::values::{AppValues, Chunk, EnvValue, SecretValue};
use crate::{Target, plan};

/// Checks `model` (for the two Azure targets' naming rules) and plans it.
fn planned(model: &Model, check: impl FnOnce(&Plan<'_>, &ir::Diagnostics)) {
    let mut diags = ir::Diagnostics::new();
    let options = ir::CheckOptions {
        targets: &[],
        allow_unsupported: false,
        strict_names: true,
    };
    let checked = ir::check(model, &options, &mut diags).expect("the test model checks");
    let plan = plan(
        &checked,
        &ir::PublishOptions::default(),
        Target::Terraform,
        &mut diags,
    );
    check(&plan, &diags);
}

fn server(name: &str, kind: IntegrationKind, databases: &[&str], managed: bool) -> ResourceDecl {
    hosted(
        name,
        IntegrationDecl {
            databases: databases.iter().map(|d| s(d.to_string())).collect(),
            azure_hosting: managed.then(|| s(AzureHosting::Managed)),
            ..integration(kind)
        },
    )
}

/// The text of a rendered value, with `{...}` for what the deployment supplies.
fn text(plan: &Plan<'_>, chunks: &[Chunk<'_>]) -> String {
    chunks
        .iter()
        .map(|chunk| match chunk {
            Chunk::Text(text) => text.to_string(),
            Chunk::DefaultDomain => "{domain}".to_string(),
            Chunk::Param { param, uri } => format!(
                "{{{}{}}}",
                plan.model.parameter(*param).name,
                if *uri { ":uri" } else { "" }
            ),
            Chunk::ServerHost(server) => format!("{{{}.host}}", plan.servers[*server].label),
            Chunk::AdminLogin(server) => format!("{{{}.login}}", plan.servers[*server].label),
            Chunk::AccessKey { server, .. } => format!("{{{}.key}}", plan.servers[*server].label),
            Chunk::ModuleOutput { module, output, .. } => {
                format!("{{{}.outputs.{output}}}", plan.modules[*module].module.name)
            }
            Chunk::VaultSecret { name, .. } => format!("{{vault:{name}}}"),
        })
        .collect()
}

#[test]
fn container_postgres_and_mysql_create_their_databases_with_an_init_container() {
    let model = model(
        vec![],
        vec![
            server("pg", IntegrationKind::Postgres, &["orders", "stock"], false),
            server("my", IntegrationKind::MySql, &["billing"], false),
            server("sql", IntegrationKind::SqlServer, &["warehouse"], false),
            server("mongo", IntegrationKind::MongoDb, &["catalog"], false),
        ],
    );
    planned(&model, |plan, diags| {
        assert!(!diags.has_errors(), "{diags:?}");
        let app = |name: &str| plan.apps.iter().find(|a| a.name == name).unwrap();
        let pg = app("pg").init.as_ref().expect("an init container");
        assert_eq!(
            pg.script,
            "CREATE DATABASE \"orders\";\nCREATE DATABASE \"stock\";\n"
        );
        assert_eq!(pg.container, "pg-initdb");
        // Its volume is not one of the shares the app mounts.
        assert_eq!(pg.volume, "initdb");
        assert!(
            app("pg")
                .volumes
                .iter()
                .all(|&s| plan.shares.get(s).unwrap().name != "initdb")
        );
        let my = app("my").init.as_ref().expect("an init container");
        assert_eq!(my.script, "CREATE DATABASE `billing`;\n");
        // SQL Server has no hook (a note says so); MongoDB creates databases on first use.
        assert!(app("sql").init.is_none() && app("mongo").init.is_none());
        let notes: Vec<String> = app("sql").notes.iter().map(|n| n.text()).collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("`warehouse` is not created")),
            "{notes:?}"
        );
        assert!(
            app("pg")
                .notes
                .iter()
                .any(|n| n.text().contains("`pg-initdb`"))
        );
    });
}

#[test]
fn managed_servers_hold_their_databases_and_values_use_their_attributes() {
    let mut api = container("ghcr.io/acme/api:1");
    api.references = vec![reference("orders"), reference("cache")];
    let model = model(
        vec![],
        vec![
            server("pg", IntegrationKind::Postgres, &["orders"], true),
            server("cache", IntegrationKind::Redis, &[], true),
            compute("api", api),
        ],
    );
    planned(&model, |plan, diags| {
        assert!(!diags.has_errors(), "{diags:?}");
        assert_eq!(plan.servers.len(), 2);
        let pg = &plan.servers[0];
        assert_eq!(pg.name_prefix, "shop-pg");
        assert_eq!(pg.databases.len(), 1);
        assert_eq!(pg.databases[0].name, "orders");
        assert_eq!(
            plan.hosting[pg.databases[0].id.0 as usize],
            Hosting::Database(0)
        );
        assert!(plan.apps.iter().all(|a| a.init.is_none()));

        let api = plan.apps.iter().find(|a| a.name == "api").unwrap();
        let mut values = plan.values();
        let mut out = AppValues::default();
        values.app(api, &mut out, &mut ir::Diagnostics::new());
        let env = |name: &str| {
            let var = out.env.iter().find(|v| v.name == name).unwrap();
            match &var.value {
                EnvValue::Plain(range) => (text(plan, out.chunks(range)), None),
                EnvValue::Secret(index) => {
                    let secret = &out.secrets[*index];
                    let SecretValue::Text(range) = &secret.value else {
                        panic!("a Key Vault reference")
                    };
                    (text(plan, out.chunks(range)), Some(secret.name.clone()))
                }
            }
        };
        assert_eq!(
            env("ConnectionStrings__orders"),
            (
                "Host={pg.host};Port=5432;Username={pg.login};Password={pg-password};Ssl Mode=Require;Database=orders".to_string(),
                Some("connectionstrings--orders".to_string())
            )
        );
        assert_eq!(env("ORDERS_HOST"), ("{pg.host}".to_string(), None));
        assert_eq!(
            env("CACHE_PASSWORD"),
            (
                "{cache.key}".to_string(),
                Some("cache-password".to_string())
            )
        );
        let used = values.finish(&mut ir::Diagnostics::new());
        let used: Vec<&str> = used
            .iter()
            .map(|id| plan.model.parameter(*id).name.as_str())
            .collect();
        // The cache's model password is replaced by its access key: not a parameter.
        assert_eq!(used, ["pg-password"]);
    });
}

#[test]
fn a_secret_argument_is_reported_and_left_out() {
    let mut api = container("ghcr.io/acme/api:1");
    api.args = vec![template("--token={token.value}"), template("--plain")];
    let model = model(vec![param("token", true, None)], vec![compute("api", api)]);
    planned(&model, |plan, _| {
        let mut diags = ir::Diagnostics::new();
        let mut out = AppValues::default();
        plan.values().app(&plan.apps[0], &mut out, &mut diags);
        assert_eq!(codes(&diags), ["E0702"]);
        assert_eq!(out.args.len(), 1);
        assert_eq!(text(plan, out.chunks(&out.args[0])), "--plain");
    });
}
