//! End-to-end tests of the publisher on models built in Rust: escaping, parse-back with
//! hcl-rs, determinism, secrets, and the target's diagnostics.

use hcl::{Block, Body, Expression};
use ir::expr::Template;
use ir::model::*;
use ir::{
    Artifacts, CheckOptions, Diagnostics, IntegrationKind, PublishOptions, Publisher, Span, Spanned,
};

use crate::PUBLISHER;

fn s(text: &str) -> Spanned<String> {
    Spanned::new(text.to_string(), Span::DETACHED)
}

fn tpl(text: &str) -> Template {
    let mut diags = Diagnostics::new();
    let template = Template::parse(text, Span::DETACHED, &|_, _| Span::DETACHED, &mut diags);
    assert!(diags.is_empty(), "bad template {text}");
    template
}

fn param(name: &str, secret: bool, value: Option<&str>) -> ParameterDecl {
    ParameterDecl {
        name: s(name),
        secret,
        value: value.map(s),
        generate: None,
        description: None,
        is_connection_string: false,
    }
}

fn endpoint(name: &str, target_port: i64, external: bool) -> EndpointDecl {
    EndpointDecl {
        name: s(name),
        scheme: None,
        transport: None,
        protocol: None,
        target_port: Some(Spanned::new(target_port, Span::DETACHED)),
        port: None,
        external,
        span: Span::DETACHED,
    }
}

fn container(
    name: &str,
    env: &[(&str, &str)],
    endpoints: Vec<EndpointDecl>,
    references: &[&str],
) -> ResourceDecl {
    ResourceDecl {
        name: s(name),
        kind: ResourceKindDecl::Compute(ComputeDecl {
            project: false,
            image: Some(s("ghcr.io/acme/app:1.0")),
            build: None,
            entrypoint: Vec::new(),
            args: Vec::new(),
            env: env
                .iter()
                .map(|(k, v)| EnvDecl {
                    name: s(k),
                    value: tpl(v),
                })
                .collect(),
            endpoints,
            references: references
                .iter()
                .map(|r| ReferenceDecl {
                    target: s(r),
                    inject: None,
                })
                .collect(),
            wait_for: Vec::new(),
            replicas: None,
            health: None,
            volumes: Vec::new(),
            bind_mounts: Vec::new(),
            limits: LimitsDecl::default(),
            connection_string: None,
        }),
    }
}

fn integration(
    name: &str,
    kind: IntegrationKind,
    managed: bool,
    databases: &[&str],
) -> ResourceDecl {
    ResourceDecl {
        name: s(name),
        kind: ResourceKindDecl::Integration(IntegrationDecl {
            kind,
            image: None,
            password: None,
            persistent: true,
            replicas: None,
            env: Vec::new(),
            limits: LimitsDecl::default(),
            databases: databases.iter().map(|d| s(d)).collect(),
            azure_hosting: Some(Spanned::new(
                if managed {
                    AzureHosting::Managed
                } else {
                    AzureHosting::Container
                },
                Span::DETACHED,
            )),
        }),
    }
}

fn model(parameters: Vec<ParameterDecl>, resources: Vec<ResourceDecl>) -> Model {
    Model {
        name: s("shop"),
        namespace: None,
        registry: None,
        tag: None,
        parameters,
        resources,
        pre_injected: false,
    }
}

fn publish(model: &Model, allow_unsupported: bool) -> (Option<Artifacts>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let targets: [&dyn Publisher; 1] = [&PUBLISHER];
    let options = CheckOptions {
        targets: &targets,
        allow_unsupported,
        strict_names: true,
    };
    let checked = ir::check(model, &options, &mut diags);
    let checked = checked.unwrap_or_else(|| panic!("model does not check: {diags:?}"));
    let options = PublishOptions {
        source_name: "model.toml".into(),
        environment: None,
        allow_unsupported,
        ..PublishOptions::default()
    };
    (PUBLISHER.publish(&checked, &options, &mut diags), diags)
}

/// The model most tests use: a managed Postgres, a managed Redis, a Redis container and an
/// app that reads all of them plus a secret, a literal with template markers and a default.
fn shop() -> Model {
    model(
        vec![
            param("token", true, Some("s3cr3t-literal")),
            param("greeting", false, Some("hello ${name} %{x}")),
        ],
        vec![
            integration("pg", IntegrationKind::Postgres, true, &["orders"]),
            integration("cache", IntegrationKind::Redis, true, &[]),
            integration("queue", IntegrationKind::Redis, false, &[]),
            container(
                "api",
                &[
                    ("LITERAL", "a ${{b}} %{{c}} \"q\" \\ end"),
                    ("MIXED", "${{raw}} {greeting.value}!"),
                    ("TOKEN", "{token.value}"),
                ],
                vec![endpoint("http", 8080, true)],
                &["orders", "cache", "queue"],
            ),
        ],
    )
}

fn file<'a>(artifacts: &'a Artifacts, path: &str) -> &'a str {
    artifacts.get(path).unwrap_or_else(|| panic!("no {path}"))
}

/// The `resource "<kind>" "<label>"` block of a parsed file.
fn resource<'a>(body: &'a Body, kind: &str, label: &str) -> &'a Block {
    body.blocks()
        .find(|b| {
            b.identifier() == "resource"
                && b.labels().iter().map(|l| l.as_str()).collect::<Vec<_>>() == [kind, label]
        })
        .unwrap_or_else(|| panic!("no resource {kind}.{label}"))
}

fn child<'a>(block: &'a Block, name: &str) -> impl Iterator<Item = &'a Block> {
    block
        .body()
        .blocks()
        .filter(move |b| b.identifier() == name)
}

fn attribute<'a>(block: &'a Block, key: &str) -> Option<&'a Expression> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr())
}

/// `(name, value, secret_name)` of every env entry of an app's container.
fn env(main: &Body, app: &str) -> Vec<(String, Option<Expression>, Option<Expression>)> {
    let app = resource(main, "azurerm_container_app", app);
    let template = child(app, "template").next().expect("template");
    let container = child(template, "container").next().expect("container");
    child(container, "env")
        .map(|e| {
            let name = match attribute(e, "name") {
                Some(Expression::String(n)) => n.clone(),
                other => panic!("env name {other:?}"),
            };
            (
                name,
                attribute(e, "value").cloned(),
                attribute(e, "secret_name").cloned(),
            )
        })
        .collect()
}

fn env_var(main: &Body, app: &str, name: &str) -> (Option<Expression>, Option<Expression>) {
    env(main, app)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, v, s)| (v, s))
        .unwrap_or_else(|| panic!("no env {name}"))
}

#[test]
fn every_file_parses_back_and_starts_with_the_header() {
    let (artifacts, diags) = publish(&shop(), false);
    let artifacts = artifacts.unwrap_or_else(|| panic!("{diags:?}"));
    let paths: Vec<&str> = artifacts.iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            "main.tf",
            "outputs.tf",
            "providers.tf",
            "variables.tf",
            "versions.tf"
        ]
    );
    for (path, text) in artifacts.iter() {
        assert!(
            text.starts_with("# Generated by aspirec from model.toml."),
            "{path}"
        );
        hcl::parse(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{text}"));
    }
}

#[test]
fn literal_markers_are_escaped_once_and_references_interpolate() {
    let (artifacts, _) = publish(&shop(), false);
    let artifacts = artifacts.expect("artifacts");
    let text = file(&artifacts, "main.tf");
    assert!(
        text.contains(r#"value = "a $${b} %%{c} \"q\" \\ end""#),
        "{text}"
    );
    assert!(
        text.contains(r#"value = "$${raw} ${var.greeting}!""#),
        "{text}"
    );
    let main = hcl::parse(text).expect("parse");
    // Parsed back, the mixed value is the literal text plus one real interpolation.
    let (Some(Expression::TemplateExpr(mixed)), None) = env_var(&main, "api", "MIXED") else {
        panic!("MIXED")
    };
    let template = hcl::Template::from_expr(&mixed).expect("template");
    let expected = hcl::Template::new()
        .add_literal("${raw} ")
        .add_interpolation(crate::emit::traversal("var", &["greeting"]))
        .add_literal("!");
    assert_eq!(template, expected);
    // A default with markers is escaped in variables.tf too.
    assert!(file(&artifacts, "variables.tf").contains(r#"default     = "hello $${name} %%{x}""#));
}

#[test]
fn secrets_go_through_secret_blocks_only() {
    let (artifacts, _) = publish(&shop(), false);
    let artifacts = artifacts.expect("artifacts");
    for (path, text) in artifacts.iter() {
        assert!(
            !text.contains("s3cr3t-literal"),
            "{path} leaks a secret default"
        );
    }
    let main = hcl::parse(file(&artifacts, "main.tf")).expect("parse");
    let (value, secret) = env_var(&main, "api", "TOKEN");
    assert_eq!(
        (value, secret),
        (None, Some(Expression::String("token".into())))
    );
    let (value, secret) = env_var(&main, "api", "ConnectionStrings__orders");
    assert!(value.is_none() && secret.is_some());
    let app = resource(&main, "azurerm_container_app", "api");
    for secret in child(app, "secret") {
        let value = attribute(secret, "value").expect("secret value");
        assert!(
            !matches!(value, Expression::String(_)),
            "a secret is a literal: {value:?}"
        );
    }
    let variables = file(&artifacts, "variables.tf");
    assert!(variables.contains("variable \"token\" {") && variables.contains("sensitive   = true"));
}

#[test]
fn managed_services_connect_through_resource_attributes() {
    let (artifacts, _) = publish(&shop(), false);
    let artifacts = artifacts.expect("artifacts");
    let text = file(&artifacts, "main.tf");
    assert!(text.contains(
        "value = \"Host=${azurerm_postgresql_flexible_server.pg.fqdn};Port=5432;Username=${azurerm_postgresql_flexible_server.pg.administrator_login};Password=${local.pg_password};Ssl Mode=Require;Database=orders\""
    ));
    assert!(text.contains("resource \"azurerm_postgresql_flexible_server_database\" \"orders\""));
    assert!(text.contains(
        "value = \"${azurerm_redis_cache.cache.hostname}:6380,password=${azurerm_redis_cache.cache.primary_access_key},ssl=True,abortConnect=False\""
    ));
    // The container-hosted Redis is addressed by its app name and gets a tcp ingress.
    assert!(text.contains("value = \"queue:6379,password=${local.queue_password}\""));
    let variables = file(&artifacts, "variables.tf");
    assert!(
        !variables.contains("cache_password"),
        "the managed cache's password is unused"
    );
    assert!(variables.contains("variable \"queue_password\""));
    assert!(text.contains("resource \"random_password\" \"queue_password\""));
}

#[test]
fn output_is_deterministic() {
    let (first, _) = publish(&shop(), false);
    let (second, _) = publish(&shop(), false);
    assert_eq!(first.expect("first"), second.expect("second"));
}

#[test]
fn service_discovery_uses_container_apps_addresses() {
    let web = container(
        "web",
        &[],
        vec![
            endpoint("http", 3000, false),
            endpoint("admin", 9000, false),
        ],
        &["api"],
    );
    let mut m = shop();
    m.resources.push(web);
    let (artifacts, _) = publish(&m, false);
    let artifacts = artifacts.expect("artifacts");
    let main = hcl::parse(file(&artifacts, "main.tf")).expect("parse");
    let (value, _) = env_var(&main, "web", "API_HTTP");
    let Some(Expression::TemplateExpr(url)) = value else {
        panic!("API_HTTP")
    };
    assert_eq!(
        url.to_string(),
        "https://api.${azurerm_container_app_environment.env.default_domain}"
    );
    assert!(file(&artifacts, "outputs.tf").contains("output \"api_url\""));
    // web's second port is an additional mapping, set through azapi.
    let text = file(&artifacts, "main.tf");
    assert!(
        text.contains("resource \"azapi_update_resource\" \"web_ports\""),
        "{text}"
    );
    assert!(file(&artifacts, "versions.tf").contains("Azure/azapi"));
}

fn codes(diags: &Diagnostics) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

#[test]
fn unsupported_pairs_and_ingress_are_errors() {
    let mut api = container(
        "api",
        &[],
        vec![endpoint("http", 8080, true), endpoint("admin", 9000, true)],
        &[],
    );
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.limits = LimitsDecl {
            cpu: Some(s("500m")),
            memory: Some(s("2Gi")),
        };
    }
    let (artifacts, diags) = publish(&model(Vec::new(), vec![api]), false);
    assert!(artifacts.is_none());
    // Two external target ports, and one of them (`admin`, TCP) external: two E0704s.
    assert_eq!(codes(&diags), ["E0704", "E0704", "E0703"]);
}

#[test]
fn bind_mounts_are_errors_or_left_out() {
    let mut api = container("api", &[], vec![endpoint("http", 8080, false)], &[]);
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.bind_mounts.push(BindMountDecl {
            source: s("./conf"),
            target: s("/conf"),
            read_only: true,
        });
    }
    let m = model(Vec::new(), vec![api]);
    let (artifacts, diags) = publish(&m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0702"]);
    let (artifacts, diags) = publish(&m, true);
    assert_eq!(codes(&diags), ["W0701"]);
    assert!(!file(&artifacts.expect("artifacts"), "main.tf").contains("/conf"));
}
