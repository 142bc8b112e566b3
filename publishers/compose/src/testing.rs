//! Test support: declared models built in Rust, checked with `ir::check` and published.
//!
//! Shared by the unit tests and by `tests/interpolation.rs` (which includes this file with
//! `#[path]`), so each uses only part of it.
#![allow(dead_code)]

use ir::expr::Template;
use ir::model::*;
use ir::{
    Artifacts, CheckOptions, CheckedModel, Diagnostics, IntegrationKind, PublishOptions, Publisher,
    Span, Spanned,
};

pub(crate) fn s<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::DETACHED)
}

/// A string with `{...}` expressions, as model.toml would give it.
pub(crate) fn template(text: &str) -> Template {
    let mut diags = Diagnostics::new();
    let template = Template::parse(text, Span::DETACHED, &|_, _| Span::DETACHED, &mut diags);
    assert!(diags.is_empty(), "bad template {text:?}: {diags:?}");
    template
}

/// A string taken literally: no expressions, braces and all.
pub(crate) fn literal(text: &str) -> Template {
    Template::literal(text, Span::DETACHED)
}

pub(crate) fn model(name: &str) -> Model {
    Model {
        name: s(name.to_string()),
        namespace: None,
        registry: Some(s("registry.example.com".to_string())),
        tag: Some(s("1.0".to_string())),
        parameters: Vec::new(),
        resources: Vec::new(),
        pre_injected: false,
    }
}

pub(crate) fn param(name: &str, secret: bool, value: Option<&str>) -> ParameterDecl {
    ParameterDecl {
        name: s(name.to_string()),
        secret,
        value: value.map(|v| s(v.to_string())),
        generate: None,
        description: None,
        is_connection_string: false,
    }
}

pub(crate) fn container(image: &str) -> ComputeDecl {
    ComputeDecl {
        project: false,
        image: Some(s(image.to_string())),
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
    }
}

pub(crate) fn project(context: &str) -> ComputeDecl {
    ComputeDecl {
        project: true,
        image: None,
        build: Some(BuildDecl {
            context: s(context.to_string()),
            dockerfile: None,
            target: None,
            args: Vec::new(),
            secrets: Vec::new(),
        }),
        ..container("")
    }
}

pub(crate) fn integration(kind: IntegrationKind) -> IntegrationDecl {
    IntegrationDecl {
        kind,
        image: None,
        password: None,
        persistent: true,
        replicas: None,
        env: Vec::new(),
        limits: LimitsDecl::default(),
        databases: Vec::new(),
        azure_hosting: None,
    }
}

pub(crate) fn env(name: &str, value: Template) -> EnvDecl {
    EnvDecl {
        name: s(name.to_string()),
        value,
    }
}

pub(crate) fn endpoint(name: &str, target_port: i64, external: bool) -> EndpointDecl {
    EndpointDecl {
        name: s(name.to_string()),
        scheme: None,
        transport: None,
        protocol: None,
        target_port: Some(s(target_port)),
        port: None,
        external,
        span: Span::DETACHED,
    }
}

pub(crate) fn reference(target: &str) -> ReferenceDecl {
    ReferenceDecl {
        target: s(target.to_string()),
        inject: None,
    }
}

pub(crate) fn resource(name: &str, kind: ResourceKindDecl) -> ResourceDecl {
    ResourceDecl {
        name: s(name.to_string()),
        kind,
    }
}

pub(crate) fn compute(name: &str, decl: ComputeDecl) -> ResourceDecl {
    resource(name, ResourceKindDecl::Compute(decl))
}

/// Checks the model for the compose target; panics with the diagnostics if it has errors.
pub(crate) fn check(model: &Model) -> CheckedModel {
    let targets: [&dyn Publisher; 1] = [&crate::PUBLISHER];
    let mut diags = Diagnostics::new();
    let options = CheckOptions {
        targets: &targets,
        allow_unsupported: false,
        strict_names: true,
    };
    let checked = ir::check(model, &options, &mut diags);
    assert!(!diags.has_errors(), "{diags:?}");
    checked.expect("a model without errors checks")
}

pub(crate) fn options() -> PublishOptions {
    PublishOptions {
        source_name: "model.toml".to_string(),
        ..PublishOptions::default()
    }
}

/// Checks and publishes; returns the artifacts (if any) and the diagnostics of publishing.
pub(crate) fn publish_with(
    model: &Model,
    options: &PublishOptions,
) -> (Option<Artifacts>, Diagnostics) {
    let checked = check(model);
    let mut diags = Diagnostics::new();
    let artifacts = crate::PUBLISHER.publish(&checked, options, &mut diags);
    (artifacts, diags)
}

/// Checks and publishes, expecting success: `(compose.yaml, .env.example)`.
pub(crate) fn publish(model: &Model) -> (String, String) {
    let (artifacts, diags) = publish_with(model, &options());
    assert!(!diags.has_errors(), "{diags:?}");
    let artifacts = artifacts.expect("published");
    let file = |path: &str| {
        artifacts
            .get(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .to_string()
    };
    (file("compose.yaml"), file(".env.example"))
}
