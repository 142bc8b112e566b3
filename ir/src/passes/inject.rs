//! Reference injection: `references = ["x"]` adds Aspire 13's variables for `x` to the
//! consumer's environment, narrowed by `inject`. An explicit `env` entry of the same name wins,
//! with a warning. Aspire manifests already carry these variables, so they are not injected.

use crate::checked::*;
use crate::codes;
use crate::diagnostic::{Diagnostics, did_you_mean};
use crate::model::{Inject, ReferenceDecl, ResourceKindDecl};
use crate::passes::Ctx;
use crate::passes::names::Symbol;
use crate::publish::env_name;
use crate::span::Spanned;

pub(crate) fn run(ctx: &mut Ctx<'_>, diags: &mut Diagnostics) {
    for index in 0..ctx.resources.len() {
        let id = ResourceId(index as u32);
        let Some(ResourceKindDecl::Compute(compute)) = ctx.slots[index].decl else {
            continue;
        };
        let mut injected: Vec<EnvVar> = Vec::new();
        let mut targets: Vec<ResourceId> = Vec::new();
        for reference in &compute.references {
            let Some(target) = resolve_target(ctx, &reference.target, diags) else {
                continue;
            };
            if !targets.contains(&target) {
                targets.push(target);
            }
            if ctx.model.pre_injected {
                continue;
            }
            variables(ctx, target, reference, &mut injected);
        }
        let Some(workload) = ctx.workload_mut(id) else {
            continue;
        };
        workload.references = targets;
        workload.env.reserve_exact(injected.len());
        for var in injected {
            if workload.env.iter().any(|e| e.name == var.name) {
                let span = compute
                    .env
                    .iter()
                    .find(|e| e.name.value == var.name)
                    .map(|e| e.name.span);
                if let Some(span) = span {
                    diags
                        .report(
                            codes::ENV_OVERRIDES_INJECTED,
                            span,
                            format!("`{}` overrides an injected variable", var.name),
                        )
                        .with_label("this explicit value wins over the one a reference injects");
                }
                continue;
            }
            workload.env.push(var);
        }
    }
}

/// Resolves a reference or `wait_for` name to a resource; reports what it cannot be.
pub(crate) fn resolve_target(
    ctx: &Ctx<'_>,
    name: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<ResourceId> {
    match ctx.symbols.get(&name.value) {
        None => {
            let d = diags
                .report(
                    codes::UNKNOWN_REFERENCE,
                    name.span,
                    format!("unknown resource `{}`", name.value),
                )
                .with_label("no resource has this name");
            let resources = ctx
                .symbols
                .by_name
                .iter()
                .filter(|(_, (s, _))| !matches!(s, Symbol::Parameter(_)))
                .map(|(n, _)| n.as_str());
            if let Some(s) = did_you_mean(&name.value, resources) {
                d.with_help(format!("did you mean `{s}`?"));
            }
            None
        }
        Some(Symbol::Parameter(_)) => {
            diags
                .report(
                    codes::INVALID_REFERENCE_TARGET,
                    name.span,
                    format!("`{}` is a parameter, not a resource", name.value),
                )
                .with_label("parameters cannot be referenced or waited for")
                .with_help(format!(
                    "use `{{{}.value}}` in an `env` value instead",
                    name.value
                ));
            None
        }
        Some(Symbol::Resource(decl)) => ctx.resource_of_decl[decl],
        Some(Symbol::Database { server, index }) => {
            let server = ctx.resource_of_decl[server]?;
            match &ctx.resources[server.0 as usize].kind {
                ResourceKind::Workload(Workload {
                    role: Role::Integration(i),
                    ..
                }) => i.databases.get(index).copied(),
                ResourceKind::Workload(_)
                | ResourceKind::Database(_)
                | ResourceKind::External(_) => None,
            }
        }
    }
}

/// Appends the variables `reference` injects to `out`, skipping names already there (the
/// first reference that injects a name wins).
fn variables(ctx: &Ctx<'_>, target: ResourceId, reference: &ReferenceDecl, out: &mut Vec<EnvVar>) {
    let wants = |kind: Inject| {
        reference
            .inject
            .as_ref()
            .is_none_or(|list| list.iter().any(|i| i.value == kind))
    };
    let resource = &ctx.resources[target.0 as usize];
    let upper = env_name(&resource.name);
    let mut push = |name: String, value: Value| {
        if !out.iter().any(|e| e.name == name) {
            out.push(EnvVar {
                name,
                value,
                origin: EnvOrigin::Reference(target),
            });
        }
    };
    if wants(Inject::ConnectionString) && resource.connection_string.is_some() {
        push(
            ["ConnectionStrings__", &resource.name].concat(),
            Value {
                parts: vec![Part::ConnectionString { resource: target }],
            },
        );
    }
    if wants(Inject::ConnectionProperties) {
        for (suffix, _) in &resource.properties {
            push(
                [&upper, "_", suffix].concat(),
                Value {
                    parts: vec![Part::ConnectionProperty {
                        resource: target,
                        property: suffix.clone(),
                    }],
                },
            );
        }
    }
    if let ResourceKind::External(External { url: Some(url) }) = &resource.kind {
        if wants(Inject::ServiceDiscovery) {
            push(
                ["services__", &resource.name, "__default__0"].concat(),
                url.clone(),
            );
        }
        if wants(Inject::Endpoints) {
            push(upper.clone(), url.clone());
        }
    }
    let endpoints = resource.endpoints();
    if wants(Inject::ServiceDiscovery) {
        let mut per_scheme: Vec<(&str, usize)> = Vec::new();
        for (index, endpoint) in endpoints.iter().enumerate() {
            let counter = match per_scheme.iter_mut().find(|(s, _)| *s == endpoint.scheme) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    per_scheme.push((&endpoint.scheme, 0));
                    0
                }
            };
            push(
                [
                    "services__",
                    &resource.name,
                    "__",
                    &endpoint.scheme,
                    "__",
                    &counter.to_string(),
                ]
                .concat(),
                url(target, index),
            );
        }
    }
    if wants(Inject::Endpoints) {
        for (index, endpoint) in endpoints.iter().enumerate() {
            push(
                [&upper, "_", &env_name(&endpoint.name)].concat(),
                url(target, index),
            );
        }
    }
}

fn url(resource: ResourceId, endpoint: usize) -> Value {
    Value {
        parts: vec![Part::Endpoint {
            resource,
            endpoint,
            property: EndpointProperty::Url,
        }],
    }
}
