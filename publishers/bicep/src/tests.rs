//! End-to-end tests of the publisher on models built in Rust: what reaches `main.bicep` and
//! `main.bicepparam`, determinism, secrets, and the target's diagnostics.

use ir::expr::Template;
use ir::model::*;
use ir::{
    Artifacts, CheckOptions, Diagnostics, FileId, IntegrationKind, PublishOptions, Publisher, Span,
    Spanned,
};

use crate::PUBLISHER;

fn span() -> Span {
    Span::new(FileId(0), 0, 0)
}

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(value, span())
}

fn template(text: &str) -> Template {
    let mut diags = Diagnostics::new();
    let t = Template::parse(text, span(), &|_, _| span(), &mut diags);
    assert!(diags.is_empty(), "bad template {text}");
    t
}

fn parameter(
    name: &str,
    secret: bool,
    value: Option<&str>,
    generate: Option<Generate>,
) -> ParameterDecl {
    ParameterDecl {
        name: sp(name.to_string()),
        secret,
        value: value.map(|v| sp(v.to_string())),
        generate: generate.map(sp),
        description: Some(format!("the {name}")),
        is_connection_string: false,
    }
}

fn compute(name: &str, edit: impl FnOnce(&mut ComputeDecl)) -> ResourceDecl {
    let mut decl = ComputeDecl {
        project: false,
        image: Some(sp(format!("docker.io/acme/{name}:1.0"))),
        build: None,
        entrypoint: Vec::new(),
        args: Vec::new(),
        env: Vec::new(),
        endpoints: Vec::new(),
        references: Vec::new(),
        wait_for: Vec::new(),
        replicas: None,
        health: None,
        volumes: Vec::new(),
        bind_mounts: Vec::new(),
        limits: LimitsDecl::default(),
        connection_string: None,
    };
    edit(&mut decl);
    ResourceDecl {
        name: sp(name.to_string()),
        kind: ResourceKindDecl::Compute(decl),
    }
}

fn integration(
    name: &str,
    kind: IntegrationKind,
    edit: impl FnOnce(&mut IntegrationDecl),
) -> ResourceDecl {
    let mut decl = IntegrationDecl {
        kind,
        image: None,
        password: None,
        persistent: true,
        replicas: None,
        env: Vec::new(),
        limits: LimitsDecl::default(),
        databases: Vec::new(),
        azure_hosting: None,
    };
    edit(&mut decl);
    ResourceDecl {
        name: sp(name.to_string()),
        kind: ResourceKindDecl::Integration(decl),
    }
}

fn endpoint(name: &str, scheme: &str, target_port: i64, external: bool) -> EndpointDecl {
    EndpointDecl {
        name: sp(name.to_string()),
        scheme: Some(sp(scheme.to_string())),
        transport: None,
        protocol: None,
        target_port: Some(sp(target_port)),
        port: None,
        external,
        span: span(),
    }
}

fn env(name: &str, value: &str) -> EnvDecl {
    EnvDecl {
        name: sp(name.to_string()),
        value: template(value),
    }
}

fn reference(target: &str) -> ReferenceDecl {
    ReferenceDecl {
        target: sp(target.to_string()),
        inject: None,
    }
}

fn model(parameters: Vec<ParameterDecl>, resources: Vec<ResourceDecl>) -> Model {
    Model {
        name: sp("shop".to_string()),
        namespace: None,
        registry: Some(sp("ghcr.io/acme".to_string())),
        tag: Some(sp("1.4.2".to_string())),
        parameters,
        resources,
        pre_injected: false,
    }
}

/// Checks and publishes; panics if the check fails (the tests write valid models).
fn publish(model: &Model, allow_unsupported: bool) -> (Option<Artifacts>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let targets: [&dyn Publisher; 1] = [&PUBLISHER];
    let options = CheckOptions {
        targets: &targets,
        allow_unsupported,
        strict_names: true,
    };
    let checked = ir::check(model, &options, &mut diags);
    let checked =
        checked.unwrap_or_else(|| panic!("check failed: {:?}", diags.iter().collect::<Vec<_>>()));
    let options = PublishOptions {
        source_name: "model.toml".into(),
        allow_unsupported,
        ..PublishOptions::default()
    };
    let artifacts = PUBLISHER.publish(&checked, &options, &mut diags);
    (artifacts, diags)
}

fn files(model: &Model) -> (String, String) {
    let (artifacts, diags) = publish(model, false);
    let artifacts = artifacts
        .unwrap_or_else(|| panic!("publish failed: {:?}", diags.iter().collect::<Vec<_>>()));
    assert_eq!(artifacts.len(), 2);
    (
        artifacts.get("main.bicep").unwrap().to_string(),
        artifacts.get("main.bicepparam").unwrap().to_string(),
    )
}

fn codes(diags: &Diagnostics) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

/// The shop: a managed Postgres with a database, a managed Redis, a container-hosted RabbitMQ,
/// an API built from source and a public web front end with a secret.
fn shop() -> Model {
    model(
        vec![
            parameter("log-level", false, Some("info"), None),
            parameter("stripe-key", true, Some("sk_live_LITERAL_IN_MODEL"), None),
            parameter(
                "api-token",
                true,
                None,
                Some(Generate {
                    special: false,
                    min_length: 32,
                    ..Generate::default()
                }),
            ),
        ],
        vec![
            integration("pg", IntegrationKind::Postgres, |i| {
                i.databases = vec![sp("catalogdb".to_string())];
                i.azure_hosting = Some(sp(AzureHosting::Managed));
            }),
            integration("cache", IntegrationKind::Redis, |i| {
                i.azure_hosting = Some(sp(AzureHosting::Managed));
            }),
            integration("bus", IntegrationKind::RabbitMq, |_| {}),
            compute("catalog", |c| {
                c.project = true;
                c.image = None;
                c.build = Some(BuildDecl {
                    context: sp("src/Catalog".into()),
                    dockerfile: None,
                    target: None,
                    args: vec![],
                    secrets: vec![],
                });
                c.endpoints = vec![endpoint("http", "http", 8080, false)];
                c.references = vec![reference("catalogdb"), reference("cache"), reference("bus")];
                c.env = vec![
                    env("LOG_LEVEL", "{log-level.value}"),
                    env("API_TOKEN", "{api-token.value}"),
                ];
                c.volumes = vec![VolumeDecl {
                    name: sp("scratch".into()),
                    target: sp("/var/scratch".into()),
                    read_only: false,
                }];
            }),
            compute("web", |c| {
                c.replicas = Some(sp(2));
                c.endpoints = vec![endpoint("http", "http", 3000, true)];
                c.references = vec![reference("catalog")];
                c.env = vec![
                    env("STRIPE_KEY", "{stripe-key.value}"),
                    env("QUOTE", "it's ${{not}} {{braces}}\\"),
                ];
                c.health = Some(HealthDecl {
                    check: HealthCheckDecl::Http {
                        path: sp("/healthz".into()),
                        endpoint: sp("http".into()),
                    },
                    initial_delay: None,
                    period: Some(sp(15)),
                    timeout: None,
                    failure_threshold: None,
                    span: span(),
                });
            }),
        ],
    )
}

#[test]
fn the_shop_deploys_its_topology() {
    let (main, params) = files(&shop());
    assert!(
        main.starts_with("// Generated by aspirec from model.toml."),
        "{main}"
    );
    assert!(
        params.starts_with("// Generated by aspirec from model.toml."),
        "{params}"
    );
    for expected in [
        "resource law 'Microsoft.OperationalInsights/workspaces@2025-07-01'",
        "resource env 'Microsoft.App/managedEnvironments@2026-01-01'",
        "resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30'",
        "resource pgServer 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01'",
        "resource catalogdbDb 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01'",
        "resource cacheCache 'Microsoft.Cache/redis@2024-11-01'",
        "resource busApp 'Microsoft.App/containerApps@2026-01-01'",
        "resource catalogApp 'Microsoft.App/containerApps@2026-01-01'",
        "resource webApp 'Microsoft.App/containerApps@2026-01-01'",
        "resource scratchShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2025-08-01'",
        "name: 'shop-pg-${take(uniqueString(resourceGroup().id), 6)}'",
        // The built image takes its tag from the param.
        "image: 'ghcr.io/acme/catalog:${image_tag}'",
        "param image_tag string = '1.4.2'",
        "param log_level string = 'info'",
        "output web_url string = 'https://web.${env.properties.defaultDomain}'",
        "output environment_default_domain string = env.properties.defaultDomain",
    ] {
        assert!(main.contains(expected), "missing `{expected}` in\n{main}");
    }
    // No container app for managed services.
    assert!(
        !main.contains("resource pgApp") && !main.contains("resource cacheApp"),
        "{main}"
    );
}

#[test]
fn secrets_are_secure_params_behind_secret_refs_and_never_literals() {
    let (main, params) = files(&shop());
    assert!(
        !main.contains("sk_live_LITERAL_IN_MODEL") && !params.contains("sk_live_LITERAL_IN_MODEL")
    );
    assert!(
        main.contains("@secure()\nparam stripe_key string\n"),
        "{main}"
    );
    assert!(
        main.contains("@secure()\nparam api_token string\n"),
        "{main}"
    );
    // The env var refers to a secret whose value is the param.
    assert!(
        main.contains("name: 'STRIPE_KEY'\n              secretRef: 'stripe-key'"),
        "{main}"
    );
    assert!(
        main.contains("name: 'stripe-key'\n          value: stripe_key\n"),
        "{main}"
    );
    // The managed Postgres connection string is rebuilt with the Azure admin and TLS, as a secret.
    assert!(
        main.contains("value: 'Host=${pgServer.properties.fullyQualifiedDomainName};Port=5432;Username=pgadmin;Password=${pg_password};Ssl Mode=Require;Database=catalogdb'"),
        "{main}"
    );
    // The managed Redis key comes from the cache, and its model password is not a param.
    assert!(
        main.contains("'${cacheCache.properties.hostName}:6380,password=${cacheCache.listKeys().primaryKey},ssl=True,abortConnect=False'"),
        "{main}"
    );
    assert!(!main.contains("param cache_password"), "{main}");
    // Required values come from the environment, with a generation command for generated ones.
    assert!(
        params.contains("param stripe_key = readEnvironmentVariable('STRIPE_KEY')"),
        "{params}"
    );
    assert!(
        params.contains(
            "//   export API_TOKEN=\"$(LC_ALL=C tr -dc 'a-zA-Z0-9' < /dev/urandom | head -c 32)\""
        ),
        "{params}"
    );
    assert!(params.contains("param log_level = 'info'"), "{params}");
}

#[test]
fn every_secret_param_value_stays_out_of_plain_env_values() {
    let (main, _) = files(&shop());
    for line in main
        .lines()
        .filter(|l| l.trim_start().starts_with("value:"))
    {
        let is_secret_value = [
            "stripe_key",
            "api_token",
            "pg_password",
            "bus_password",
            "listKeys()",
        ]
        .iter()
        .any(|s| line.contains(s));
        if is_secret_value {
            // Only inside `secrets`, which are indented by ten spaces; env values by fourteen.
            assert!(
                line.starts_with("          value:") && !line.starts_with("              value:"),
                "secret in clear: {line}"
            );
        }
    }
}

#[test]
fn strings_from_the_model_are_escaped() {
    let (main, _) = files(&shop());
    assert!(
        main.contains("value: 'it\\'s \\${not} {braces}\\\\'"),
        "{main}"
    );
}

#[test]
fn service_discovery_uses_container_apps_addresses() {
    let (main, _) = files(&shop());
    // The API's internal HTTP ingress, seen from the web app.
    assert!(
        main.contains("value: 'https://catalog.internal.${env.properties.defaultDomain}'"),
        "{main}"
    );
    // RabbitMQ in a container: TCP ingress on its main port, reached by app name.
    assert!(main.contains("transport: 'tcp'"), "{main}");
    assert!(
        main.contains("'amqp://guest:${uriComponent(bus_password)}@bus:5672'"),
        "{main}"
    );
}

#[test]
fn output_is_deterministic() {
    let first = publish(&shop(), false).0.unwrap();
    let second = publish(&shop(), false).0.unwrap();
    assert_eq!(first, second);
}

#[test]
fn resources_outside_the_allowed_pairs_are_e0703() {
    let m = model(
        vec![],
        vec![compute("api", |c| {
            c.limits = LimitsDecl {
                cpu: Some(sp("1".into())),
                memory: Some(sp("1Gi".into())),
            }
        })],
    );
    let (artifacts, diags) = publish(&m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0703"]);
}

#[test]
fn bind_mounts_are_e0702_or_left_out_with_a_warning() {
    let m = model(
        vec![],
        vec![compute("api", |c| {
            c.bind_mounts = vec![BindMountDecl {
                source: sp("./data".into()),
                target: sp("/data".into()),
                read_only: false,
            }];
        })],
    );
    let (artifacts, diags) = publish(&m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0702"]);
    let (artifacts, diags) = publish(&m, true);
    assert_eq!(codes(&diags), vec!["W0701"]);
    assert!(
        !artifacts
            .unwrap()
            .get("main.bicep")
            .unwrap()
            .contains("/data")
    );
}

#[test]
fn two_external_ports_are_e0704() {
    let m = model(
        vec![],
        vec![compute("api", |c| {
            c.endpoints = vec![
                endpoint("http", "http", 8080, true),
                endpoint("admin", "http", 9090, true),
            ];
        })],
    );
    let (artifacts, diags) = publish(&m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0704"]);
}

#[test]
fn health_commands_become_tcp_probes_with_a_note() {
    let m = model(
        vec![],
        vec![compute("gateway", |c| {
            c.endpoints = vec![endpoint("http", "http", 80, true)];
            c.health = Some(HealthDecl {
                check: HealthCheckDecl::Command(vec![sp("curl".into()), sp("-f".into())]),
                initial_delay: Some(sp(600)),
                period: None,
                timeout: None,
                failure_threshold: None,
                span: span(),
            });
        })],
    );
    let (main, _) = files(&m);
    assert!(
        main.contains("// The health command becomes a TCP probe on port 80"),
        "{main}"
    );
    assert!(main.contains("tcpSocket: {\n                port: 80\n              }\n              initialDelaySeconds: 60"), "{main}");
}

#[test]
fn udp_endpoints_are_e0702_or_left_out() {
    let m = model(
        vec![],
        vec![compute("dns", |c| {
            c.endpoints = vec![
                endpoint("dns", "udp", 53, false),
                endpoint("http", "http", 8080, false),
            ];
        })],
    );
    let (artifacts, diags) = publish(&m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0702"]);
    let (artifacts, diags) = publish(&m, true);
    assert_eq!(codes(&diags), vec!["W0701"]);
    let main = artifacts.unwrap().get("main.bicep").unwrap().to_string();
    assert!(
        main.contains("targetPort: 8080") && !main.contains("53"),
        "{main}"
    );
}

#[test]
fn a_health_command_without_a_port_is_e0702() {
    let m = model(
        vec![],
        vec![compute("worker", |c| {
            c.health = Some(HealthDecl {
                check: HealthCheckDecl::Command(vec![sp("true".into())]),
                initial_delay: None,
                period: None,
                timeout: None,
                failure_threshold: None,
                span: span(),
            });
        })],
    );
    assert_eq!(codes(&publish(&m, false).1), vec!["E0702"]);
    assert_eq!(codes(&publish(&m, true).1), vec!["W0701"]);
}

#[test]
fn endpoints_of_a_managed_redis_are_its_tls_port() {
    let (main, _) = files(&shop());
    assert!(
        main.contains("value: 'rediss://${cacheCache.properties.hostName}:6380'"),
        "{main}"
    );
    assert!(main.contains("capacity: 0"), "{main}");
}
