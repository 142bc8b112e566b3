//! End-to-end tests of the publisher on models built in Rust: what reaches `main.bicep` and
//! `main.bicepparam`, determinism, secrets, and the target's diagnostics.

use ir::model::*;
use ir::testing::*;
use ir::{IntegrationKind, Span};

use crate::PUBLISHER;

/// A parameter as the shop declares it: described, possibly generated.
fn parameter(
    name: &str,
    secret: bool,
    value: Option<&str>,
    generate: Option<Generate>,
) -> ParameterDecl {
    ParameterDecl {
        generate: generate.map(s),
        description: Some(format!("the {name}")),
        ..param(name, secret, value)
    }
}

/// A container named `name` running `docker.io/acme/<name>:1.0`, then edited.
fn app(name: &str, edit: impl FnOnce(&mut ComputeDecl)) -> ResourceDecl {
    let mut decl = container(&format!("docker.io/acme/{name}:1.0"));
    edit(&mut decl);
    compute(name, decl)
}

/// An integration of `kind` named `name`, then edited.
fn service(
    name: &str,
    kind: IntegrationKind,
    edit: impl FnOnce(&mut IntegrationDecl),
) -> ResourceDecl {
    let mut decl = integration(kind);
    edit(&mut decl);
    hosted(name, decl)
}

/// An endpoint with an explicit scheme.
fn endpoint_as(name: &str, scheme: &str, target_port: i64, external: bool) -> EndpointDecl {
    EndpointDecl {
        scheme: Some(s(scheme.to_string())),
        ..endpoint(name, target_port, external)
    }
}

/// The shared model with a registry and a tag, which built images need.
fn shop_model(parameters: Vec<ParameterDecl>, resources: Vec<ResourceDecl>) -> Model {
    Model {
        registry: Some(s("ghcr.io/acme".to_string())),
        tag: Some(s("1.4.2".to_string())),
        ..model(parameters, resources)
    }
}

fn files(model: &Model) -> (String, String) {
    let (artifacts, diags) = publish(&PUBLISHER, model, false);
    let artifacts = artifacts
        .unwrap_or_else(|| panic!("publish failed: {:?}", diags.iter().collect::<Vec<_>>()));
    assert_eq!(artifacts.len(), 2);
    (
        artifacts.get("main.bicep").unwrap().to_string(),
        artifacts.get("main.bicepparam").unwrap().to_string(),
    )
}

/// The shop: a managed Postgres with a database, a managed Redis, a container-hosted RabbitMQ,
/// an API built from source and a public web front end with a secret.
fn shop() -> Model {
    shop_model(
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
            service("pg", IntegrationKind::Postgres, |i| {
                i.databases = vec![s("catalogdb".to_string())];
                i.azure_hosting = Some(s(AzureHosting::Managed));
            }),
            service("cache", IntegrationKind::Redis, |i| {
                i.azure_hosting = Some(s(AzureHosting::Managed));
            }),
            service("bus", IntegrationKind::RabbitMq, |_| {}),
            app("catalog", |c| {
                c.project = true;
                c.image = None;
                c.build = Some(BuildDecl {
                    context: s("src/Catalog".into()),
                    dockerfile: None,
                    target: None,
                    args: vec![],
                    secrets: vec![],
                });
                c.endpoints = vec![endpoint_as("http", "http", 8080, false)];
                // The cache's endpoints too, which a plain reference to it does not inject.
                let mut cache = reference("cache");
                cache.inject = Some(vec![
                    s(Inject::ConnectionString),
                    s(Inject::ServiceDiscovery),
                ]);
                c.references = vec![reference("catalogdb"), cache, reference("bus")];
                c.env = vec![
                    env("LOG_LEVEL", template("{log-level.value}")),
                    env("API_TOKEN", template("{api-token.value}")),
                ];
                c.volumes = vec![VolumeDecl {
                    name: s("scratch".into()),
                    target: s("/var/scratch".into()),
                    read_only: false,
                }];
            }),
            app("web", |c| {
                c.replicas = Some(s(2));
                c.endpoints = vec![endpoint_as("http", "http", 3000, true)];
                c.references = vec![reference("catalog")];
                c.env = vec![
                    env("STRIPE_KEY", template("{stripe-key.value}")),
                    env("QUOTE", template("it's ${{not}} {{braces}}\\")),
                ];
                c.health = Some(HealthDecl {
                    check: HealthCheckDecl::Http {
                        path: s("/healthz".into()),
                        endpoint: s("http".into()),
                    },
                    initial_delay: None,
                    period: Some(s(15)),
                    timeout: None,
                    failure_threshold: None,
                    span: Span::DETACHED,
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
            "//   export API_TOKEN=\"$(LC_ALL=C tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 32)\""
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
    let first = publish(&PUBLISHER, &shop(), false).0.unwrap();
    let second = publish(&PUBLISHER, &shop(), false).0.unwrap();
    assert_eq!(first, second);
}

#[test]
fn resources_outside_the_allowed_pairs_are_e0703() {
    let m = shop_model(
        vec![],
        vec![app("api", |c| {
            c.limits = LimitsDecl {
                cpu: Some(s("1".into())),
                memory: Some(s("1Gi".into())),
            }
        })],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0703"]);
}

#[test]
fn bind_mounts_are_e0702_or_left_out_with_a_warning() {
    let m = shop_model(
        vec![],
        vec![app("api", |c| {
            c.bind_mounts = vec![BindMountDecl {
                source: s("./data".into()),
                target: s("/data".into()),
                read_only: false,
            }];
        })],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0702"]);
    let (artifacts, diags) = publish(&PUBLISHER, &m, true);
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
    let m = shop_model(
        vec![],
        vec![app("api", |c| {
            c.endpoints = vec![
                endpoint_as("http", "http", 8080, true),
                endpoint_as("admin", "http", 9090, true),
            ];
        })],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0704"]);
}

#[test]
fn allow_unsupported_makes_extra_and_tcp_external_endpoints_internal() {
    let m = shop_model(
        vec![],
        vec![app("api", |c| {
            c.endpoints = vec![
                endpoint_as("http", "http", 8080, true),
                endpoint_as("admin", "http", 9090, true),
                endpoint_as("raw", "tcp", 7000, true),
            ];
        })],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &m, true);
    assert_eq!(codes(&diags), vec!["W0701", "W0701"]);
    let main = artifacts.unwrap().get("main.bicep").unwrap().to_string();
    // One external ingress (the main one, on 8080); the others are internal port mappings.
    assert_eq!(main.matches("external: true").count(), 1, "{main}");
    assert!(main.contains("targetPort: 8080"), "{main}");
    for port in [9090, 7000] {
        assert!(
            main.contains(&format!("exposedPort: {port}\n")),
            "{port}: {main}"
        );
    }
}

#[test]
fn health_commands_become_tcp_probes_with_a_note() {
    let m = shop_model(
        vec![],
        vec![app("gateway", |c| {
            c.endpoints = vec![endpoint_as("http", "http", 80, true)];
            c.health = Some(HealthDecl {
                check: HealthCheckDecl::Command(vec![s("curl".into()), s("-f".into())]),
                initial_delay: Some(s(600)),
                period: None,
                timeout: None,
                failure_threshold: None,
                span: Span::DETACHED,
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
    let m = shop_model(
        vec![],
        vec![app("dns", |c| {
            c.endpoints = vec![
                endpoint_as("dns", "udp", 53, false),
                endpoint_as("http", "http", 8080, false),
            ];
        })],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), vec!["E0702"]);
    let (artifacts, diags) = publish(&PUBLISHER, &m, true);
    assert_eq!(codes(&diags), vec!["W0701"]);
    let main = artifacts.unwrap().get("main.bicep").unwrap().to_string();
    assert!(
        main.contains("targetPort: 8080") && !main.contains("53"),
        "{main}"
    );
}

#[test]
fn a_health_command_without_a_port_is_e0702() {
    let m = shop_model(
        vec![],
        vec![app("worker", |c| {
            c.health = Some(HealthDecl {
                check: HealthCheckDecl::Command(vec![s("true".into())]),
                initial_delay: None,
                period: None,
                timeout: None,
                failure_threshold: None,
                span: Span::DETACHED,
            });
        })],
    );
    assert_eq!(codes(&publish(&PUBLISHER, &m, false).1), vec!["E0702"]);
    assert_eq!(codes(&publish(&PUBLISHER, &m, true).1), vec!["W0701"]);
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
