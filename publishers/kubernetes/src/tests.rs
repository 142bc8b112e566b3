//! Tests of the whole publisher on models built in Rust (the crate cannot see the TOML front
//! end): secrets never reach output, `$(` is escaped, values are assembled in order, output
//! is deterministic and parses back into k8s-openapi types.

use ir::model::*;
use ir::testing::*;
use ir::{FileId, IntegrationKind, Span, Spanned};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, PersistentVolumeClaim, Service};
use k8s_openapi::api::networking::v1::Ingress;
use serde::Deserialize;

use crate::PUBLISHER;

/// A secret value the tests plant in the model; it must never appear in any artifact.
pub(crate) const PLANTED: &str = "planted-s3cret";

pub(crate) fn postgres(password: Option<&str>, databases: &[&str]) -> IntegrationDecl {
    IntegrationDecl {
        password: password.map(template),
        databases: databases.iter().map(|d| s(d.to_string())).collect(),
        ..integration(IntegrationKind::Postgres)
    }
}

/// A model with a planted secret in every place a secret can go: a parameter's literal
/// default, an integration password, a plain variable, a connection string, an argument.
pub(crate) fn secret_model() -> Model {
    let mut api = container("ghcr.io/acme/api:1.0");
    api.endpoints = vec![endpoint("http", 8080, true)];
    api.references = vec![reference("orders")];
    api.wait_for = vec![s("orders".to_string())];
    api.env = vec![
        env("TOKEN", template("{token.value}")),
        env(
            "MIXED",
            template("Bearer {token.value}; level={level.value}"),
        ),
        env("SHELL", template("echo $(date) $$ {token.value}")),
    ];
    api.args = vec![template("--token={token.value}"), template("$(literal)")];
    model(
        vec![
            param("token", true, Some(PLANTED)),
            param("level", false, Some("info")),
            param("db-pass", true, Some(PLANTED)),
        ],
        vec![
            hosted("pg", postgres(Some("{db-pass.value}"), &["orders"])),
            compute("api", api),
        ],
    )
}

#[test]
fn planted_secrets_never_reach_any_artifact() {
    let (artifacts, diags) = publish(&PUBLISHER, &secret_model(), false);
    let artifacts = artifacts.unwrap_or_else(|| panic!("{diags:?}"));
    for (path, text) in artifacts.iter() {
        assert!(
            !text.contains(PLANTED),
            "`{path}` contains the planted secret:\n{text}"
        );
    }
    let api = file(&artifacts, "api.yaml");
    // Each secret reaches the container through the Secret the user supplies.
    assert!(api.contains("secretKeyRef:\n                  key: \"TOKEN\"\n                  name: \"shop-secrets\""), "{api}");
    assert!(api.contains("value: \"Host=pg;Port=5432;Username=postgres;Password=$(ASPIREC_SECRET_DB_PASS);Database=orders\""), "{api}");
    // The non-secret default is the one parameter value that is written, in the ConfigMap.
    assert!(file(&artifacts, "parameters.yaml").contains("LEVEL: \"info\""));
    let example = file(&artifacts, "secrets.env.example");
    assert!(
        example.contains("\nTOKEN=\n")
            && example.contains("\nDB_PASS=\n")
            && example.contains("\nDB_PASS_URI_ENCODED=\n"),
        "{example}"
    );
    assert!(
        !example.contains("LEVEL="),
        "a parameter with a default is not a deploy-time input:\n{example}"
    );
}

#[test]
fn literal_dollar_parens_are_escaped_and_helpers_come_first() {
    let (artifacts, _) = publish(&PUBLISHER, &secret_model(), false);
    let api = artifacts
        .as_ref()
        .map(|a| file(a, "api.yaml"))
        .unwrap_or_default();
    assert!(
        api.contains("value: \"echo $$(date) $$$ $(ASPIREC_SECRET_TOKEN)\""),
        "{api}"
    );
    assert!(
        api.contains("- \"--token=$(ASPIREC_SECRET_TOKEN)\"\n            - \"$$(literal)\""),
        "{api}"
    );
    assert!(
        api.contains("value: \"Bearer $(ASPIREC_SECRET_TOKEN); level=$(ASPIREC_PARAM_LEVEL)\""),
        "{api}"
    );
    // In `env`, `$(NAME)` sees only variables defined earlier in the list.
    let env = &api[api.find("env:").unwrap_or_default()..];
    for helper in [
        "ASPIREC_SECRET_TOKEN",
        "ASPIREC_PARAM_LEVEL",
        "ASPIREC_SECRET_DB_PASS",
    ] {
        let defined = env
            .find(&format!("- name: \"{helper}\""))
            .unwrap_or_else(|| panic!("{helper} is not defined"));
        let used = env
            .find(&format!("$({helper})"))
            .unwrap_or_else(|| panic!("{helper} is not used"));
        assert!(defined < used, "{helper} is used before it is defined");
    }
}

#[test]
fn output_is_deterministic() {
    let (first, _) = publish(&PUBLISHER, &secret_model(), false);
    let (second, _) = publish(&PUBLISHER, &secret_model(), false);
    assert!(first.is_some());
    assert_eq!(first, second);
}

#[test]
fn every_document_parses_back_into_its_type() {
    let (artifacts, _) = publish(&PUBLISHER, &secret_model(), false);
    let artifacts = artifacts.unwrap_or_default();
    let mut kinds = Vec::new();
    for (path, text) in artifacts
        .iter()
        .filter(|(p, _)| p.ends_with(".yaml") && *p != "kustomization.yaml")
    {
        assert!(
            text.starts_with("# Generated by aspirec from model.toml."),
            "{path}"
        );
        for document in serde_yaml::Deserializer::from_str(text) {
            let value = serde_yaml::Value::deserialize(document).unwrap();
            let kind = value["kind"].as_str().unwrap_or_default().to_string();
            let parsed = match kind.as_str() {
                "Deployment" => serde_yaml::from_value::<Deployment>(value).map(drop),
                "StatefulSet" => serde_yaml::from_value::<StatefulSet>(value).map(drop),
                "Service" => serde_yaml::from_value::<Service>(value).map(drop),
                "Ingress" => serde_yaml::from_value::<Ingress>(value).map(drop),
                "ConfigMap" => serde_yaml::from_value::<ConfigMap>(value).map(drop),
                "Namespace" => serde_yaml::from_value::<Namespace>(value).map(drop),
                "PersistentVolumeClaim" => {
                    serde_yaml::from_value::<PersistentVolumeClaim>(value).map(drop)
                }
                other => panic!("unexpected kind `{other}` in {path}"),
            };
            parsed.unwrap_or_else(|e| panic!("{path}: {kind}: {e}"));
            kinds.push(kind);
        }
    }
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "ConfigMap",
            "ConfigMap",
            "Deployment",
            "Ingress",
            "Namespace",
            "Service",
            "Service",
            "StatefulSet"
        ]
    );
}

#[test]
fn a_persistent_database_server_creates_its_databases() {
    let (artifacts, _) = publish(&PUBLISHER, &secret_model(), false);
    let pg = artifacts
        .as_ref()
        .map(|a| file(a, "pg.yaml"))
        .unwrap_or_default();
    assert!(pg.contains("kind: \"StatefulSet\""), "{pg}");
    assert!(
        pg.contains("create-databases.sql: \"CREATE DATABASE \\\"orders\\\";\\n\""),
        "{pg}"
    );
    assert!(
        pg.contains("mountPath: \"/docker-entrypoint-initdb.d\""),
        "{pg}"
    );
    let api = artifacts
        .as_ref()
        .map(|a| file(a, "api.yaml"))
        .unwrap_or_default();
    assert!(
        api.contains("\"until nc -z -w 2 pg 5432; do echo waiting for pg:5432; sleep 2; done\""),
        "{api}"
    );
}

fn bind_mount_model() -> Model {
    let mut web = container("nginx:1.27");
    web.bind_mounts = vec![BindMountDecl {
        source: s("./site".to_string()),
        target: s("/usr/share/nginx/html".to_string()),
        read_only: true,
    }];
    model(Vec::new(), vec![compute("web", web)])
}

#[test]
fn bind_mounts_are_an_error_unless_left_out() {
    let (artifacts, diags) = publish(&PUBLISHER, &bind_mount_model(), false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0702"]);
    assert!(diags.iter().any(|d| d.message.contains("`web`")));

    let (artifacts, diags) = publish(&PUBLISHER, &bind_mount_model(), true);
    assert_eq!(codes(&diags), ["W0701"]);
    let web = artifacts
        .as_ref()
        .map(|a| file(a, "web.yaml"))
        .unwrap_or_default();
    assert!(
        web.contains("kind: \"Deployment\"") && !web.contains("nginx/html"),
        "{web}"
    );
}

#[test]
fn a_uri_encoded_default_is_encoded_now() {
    let pg = postgres(Some("{pw.value}"), &[]);
    let mut api = container("api:1");
    api.references = vec![reference("pg")];
    let model = model(
        vec![param("pw", false, Some("p@ss word"))],
        vec![hosted("pg", pg), compute("api", api)],
    );
    let (artifacts, _) = publish(&PUBLISHER, &model, false);
    let parameters = artifacts
        .as_ref()
        .map(|a| file(a, "parameters.yaml"))
        .unwrap_or_default();
    assert!(
        parameters.contains("PW: \"p@ss word\"\n  PW_URI_ENCODED: \"p%40ss%20word\"\n"),
        "{parameters}"
    );
    assert!(
        artifacts
            .as_ref()
            .is_some_and(|a| a.get("secrets.env.example").is_none())
    );
}

#[test]
fn a_parameter_without_default_is_a_deploy_time_input_even_if_not_secret() {
    let mut api = container("api:1");
    api.env = vec![env("REGION", template("{region.value}"))];
    let model = model(
        vec![param("region", false, None)],
        vec![compute("api", api)],
    );
    let (artifacts, _) = publish(&PUBLISHER, &model, false);
    let api = artifacts
        .as_ref()
        .map(|a| file(a, "api.yaml"))
        .unwrap_or_default();
    assert!(
        api.contains("secretKeyRef:\n                  key: \"REGION\""),
        "{api}"
    );
    let example = artifacts
        .as_ref()
        .and_then(|a| a.get("secrets.env.example"))
        .unwrap_or_default();
    assert!(
        example.contains("# Not secret, but it has no default: parameter `region`.\nREGION=\n"),
        "{example}"
    );
    assert!(
        artifacts
            .as_ref()
            .is_some_and(|a| a.get("parameters.yaml").is_none())
    );
}

#[test]
fn external_endpoints_get_an_ingress_or_a_load_balancer() {
    let mut edge = container("edge:1");
    let mut dns = endpoint("dns", 53, false);
    dns.protocol = Some(s("udp".to_string()));
    let mut admin = endpoint("admin", 9000, true);
    admin.scheme = Some(s("http".to_string()));
    edge.endpoints = vec![
        endpoint("http", 8080, true),
        admin,
        endpoint("mqtt", 1883, true),
        dns,
    ];
    let model = model(Vec::new(), vec![compute("edge", edge)]);
    let (artifacts, diags) = publish(&PUBLISHER, &model, false);
    let edge = artifacts
        .as_ref()
        .map(|a| file(a, "edge.yaml"))
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(edge.contains("- host: \"edge.shop.localhost\""), "{edge}");
    assert!(
        edge.contains("- host: \"admin.edge.shop.localhost\""),
        "{edge}"
    );
    assert!(edge.contains("name: \"edge-external\""), "{edge}");
    assert!(edge.contains("type: \"LoadBalancer\""), "{edge}");
    let external = &edge[edge.find("name: \"edge-external\"").unwrap_or_default()..];
    assert!(
        external.contains("port: 1883") && !external.contains("port: 8080"),
        "{external}"
    );
    assert!(
        edge.contains("containerPort: 53\n              protocol: \"UDP\""),
        "{edge}"
    );
}

/// `db`'s LoadBalancer Service `db-external` meets the Service of a resource named
/// `db-external`: the collision points at the second resource and names the first.
#[test]
fn two_objects_with_one_name_point_at_both_resources() {
    let declared = |name: &str, start: usize, endpoint_external: bool| {
        let mut compute = container("postgres:17");
        compute.endpoints = vec![endpoint("tcp", 5432, endpoint_external)];
        ResourceDecl {
            name: Spanned::new(
                name.to_string(),
                Span::new(FileId(0), start, start + name.len()),
            ),
            kind: ResourceKindDecl::Compute(compute),
        }
    };
    let db = declared("db", 10, true);
    let other = declared("db-external", 40, false);
    let (db_span, other_span) = (db.name.span, other.name.span);
    let (artifacts, diags) = publish(&PUBLISHER, &model(Vec::new(), vec![db, other]), false);
    assert!(artifacts.is_none());
    let collisions: Vec<_> = diags.iter().filter(|d| d.code.id == "E0306").collect();
    assert_eq!(collisions.len(), 1, "{diags:?}");
    let collision = collisions[0];
    assert!(
        collision.message.contains("Service `db-external`"),
        "{}",
        collision.message
    );
    assert_eq!(collision.primary.span, other_span);
    let secondary: Vec<Span> = collision.secondary.iter().map(|l| l.span).collect();
    assert_eq!(secondary, [db_span]);
}

#[test]
fn https_discovery_on_a_plain_http_port_is_left_out() {
    // catalog serves http and https on one port, as a project does when TLS ends in front of
    // it: nothing ends TLS between pods, so `https://catalog:8080` would fail every handshake.
    // A variable the model itself names with that URL is the user's own and stays.
    let mut catalog = container("ghcr.io/acme/catalog:1");
    catalog.endpoints = vec![
        endpoint("http", 8080, false),
        endpoint("https", 8080, false),
    ];
    let mut web = container("ghcr.io/acme/web:1");
    web.references = vec![reference("catalog")];
    web.env = vec![env(
        "CATALOG_SECURE",
        template("{catalog.bindings.https.url}"),
    )];
    let model = model(
        Vec::new(),
        vec![compute("catalog", catalog), compute("web", web)],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &model, false);
    let web = artifacts
        .as_ref()
        .map(|a| file(a, "web.yaml"))
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(web.contains("services__catalog__http__0"), "{web}");
    assert!(web.contains("\"http://catalog:8080\""), "{web}");
    assert!(!web.contains("services__catalog__https__0"), "{web}");
    assert!(!web.contains("CATALOG_HTTPS"), "{web}");
    assert!(web.contains("CATALOG_SECURE"), "{web}");
    assert!(web.contains("\"https://catalog:8080\""), "{web}");
}
