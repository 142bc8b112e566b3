//! Test support for the publishers: declared models built in Rust, and one call that checks
//! and publishes them with a single target.
//!
//! Compiled only for this crate's tests and for dependents that enable the `testing` feature
//! (the publishers do, as a dev-dependency), so none of it reaches the compiler. The builders
//! fill every field the way a minimal `model.toml` entry would and leave the rest to the test,
//! which sets fields on the returned value. Every span is [`Span::DETACHED`]: tests that assert
//! on where a diagnostic points build their own spans.

use crate::expr::Template;
use crate::model::{
    AzureHosting, BuildDecl, ComputeDecl, EndpointDecl, EnvDecl, IntegrationDecl, JobDecl,
    LimitsDecl, Model, ParameterDecl, ReferenceDecl, ResourceDecl, ResourceKindDecl,
};
use crate::{
    Artifacts, CheckOptions, Diagnostics, IntegrationKind, PublishOptions, Publisher, Span, Spanned,
};

/// `value`, spanned nowhere.
pub fn s<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::DETACHED)
}

/// A string with `{...}` expressions, as `model.toml` would give it; panics if it does not parse.
pub fn template(text: &str) -> Template {
    let mut diags = Diagnostics::new();
    let template = Template::parse(text, Span::DETACHED, &|_, _| Span::DETACHED, &mut diags);
    assert!(diags.is_empty(), "bad template {text:?}: {diags:?}");
    template
}

/// A string taken literally: no expressions, braces and all.
pub fn literal(text: &str) -> Template {
    Template::literal(text, Span::DETACHED)
}

/// A model named `shop` with no registry and no tag.
pub fn model(parameters: Vec<ParameterDecl>, resources: Vec<ResourceDecl>) -> Model {
    Model {
        name: s("shop".to_string()),
        namespace: None,
        registry: None,
        tag: None,
        parameters,
        resources,
        pre_injected: false,
        unresolved_reads: None,
        observability: crate::model::ObservabilityDecl::default(),
        registries: Vec::new(),
    }
}

/// A parameter without description or generation; `value` is its default.
pub fn param(name: &str, secret: bool, value: Option<&str>) -> ParameterDecl {
    ParameterDecl {
        name: s(name.to_string()),
        secret,
        value: value.map(|v| s(v.to_string())),
        generate: None,
        description: None,
        is_connection_string: false,
    }
}

/// A container running `image`, with nothing else declared.
pub fn container(image: &str) -> ComputeDecl {
    ComputeDecl {
        image: Some(s(image.to_string())),
        ..ComputeDecl::default()
    }
}

/// A project built from the Dockerfile in `context`, with nothing else declared.
pub fn project(context: &str) -> ComputeDecl {
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

/// A persistent integration of `kind` with its defaults and no Azure hosting choice.
pub fn integration(kind: IntegrationKind) -> IntegrationDecl {
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

/// An environment variable (or build secret): see [`template`] and [`literal`] for `value`.
pub fn env(name: &str, value: Template) -> EnvDecl {
    EnvDecl {
        name: s(name.to_string()),
        value,
    }
}

/// An endpoint with a target port and no scheme, transport, protocol or published port.
pub fn endpoint(name: &str, target_port: i64, external: bool) -> EndpointDecl {
    EndpointDecl {
        name: s(name.to_string()),
        scheme: None,
        transport: None,
        protocol: None,
        target_port: Some(s(target_port)),
        port: None,
        external,
        ingress: None,
        span: Span::DETACHED,
    }
}

/// A reference to `target` with the default injection.
pub fn reference(target: &str) -> ReferenceDecl {
    ReferenceDecl {
        target: s(target.to_string()),
        inject: None,
    }
}

/// A resource named `name`.
pub fn resource(name: &str, kind: ResourceKindDecl) -> ResourceDecl {
    ResourceDecl {
        name: s(name.to_string()),
        kind,
    }
}

/// A compute resource (container or project) named `name`.
pub fn compute(name: &str, decl: ComputeDecl) -> ResourceDecl {
    resource(name, ResourceKindDecl::Compute(decl))
}

/// A container running the shared image `ghcr.io/acme/app:1.0`, with `vars` parsed as
/// templates, its endpoints, and references to `references` (the cloud targets' tests).
pub fn app(
    name: &str,
    vars: &[(&str, &str)],
    endpoints: Vec<EndpointDecl>,
    references: &[&str],
) -> ResourceDecl {
    let mut decl = container("ghcr.io/acme/app:1.0");
    decl.env = vars.iter().map(|(k, v)| env(k, template(v))).collect();
    decl.endpoints = endpoints;
    decl.references = references.iter().map(|r| reference(r)).collect();
    compute(name, decl)
}

/// An integration of `kind` with `databases`, hosted as the cloud's managed service.
pub fn managed(name: &str, kind: IntegrationKind, databases: &[&str]) -> ResourceDecl {
    hosted(
        name,
        IntegrationDecl {
            databases: databases.iter().map(|d| s(d.to_string())).collect(),
            azure_hosting: Some(s(AzureHosting::Managed)),
            ..integration(kind)
        },
    )
}

/// A workload of `decl` that runs to completion, on `schedule` if given.
pub fn job(mut decl: ResourceDecl, schedule: Option<&str>) -> ResourceDecl {
    if let ResourceKindDecl::Compute(c) = &mut decl.kind {
        c.job = Some(JobDecl {
            schedule: schedule.map(|text| s(text.to_string())),
            span: Span::DETACHED,
        });
    }
    decl
}

/// An integration resource named `name`.
pub fn hosted(name: &str, decl: IntegrationDecl) -> ResourceDecl {
    resource(name, ResourceKindDecl::Integration(decl))
}

/// Checks `model` for `publisher` alone and publishes it from `model.toml`, both with
/// `allow_unsupported`; returns the artifacts (if any) and every diagnostic of both steps.
/// Panics if the model does not check: the tests write valid models.
pub fn publish(
    publisher: &dyn Publisher,
    model: &Model,
    allow_unsupported: bool,
) -> (Option<Artifacts>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let targets = [publisher];
    let options = CheckOptions {
        targets: &targets,
        allow_unsupported,
        strict_names: true,
    };
    let checked = crate::check(model, &options, &mut diags);
    let checked = checked.unwrap_or_else(|| panic!("the test model does not check: {diags:?}"));
    let options = PublishOptions {
        source_name: "model.toml".to_string(),
        allow_unsupported,
        ..PublishOptions::default()
    };
    let artifacts = publisher.publish(&checked, &options, &mut diags);
    (artifacts, diags)
}

/// The text of the artifact at `path`; panics listing the paths there are.
pub fn file<'a>(artifacts: &'a Artifacts, path: &str) -> &'a str {
    artifacts.get(path).unwrap_or_else(|| {
        panic!(
            "no `{path}` among {:?}",
            artifacts.iter().map(|(p, _)| p).collect::<Vec<_>>()
        )
    })
}

/// The code of every diagnostic, in order.
pub fn codes(diags: &Diagnostics) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}
