//! Reference injection: `references = ["x"]` adds Aspire 13's variables for `x` to the
//! consumer's environment, narrowed by `inject`. An explicit `env` entry of the same name wins,
//! with a warning. Aspire manifests already carry these variables, so they are not injected.
//!
//! A project is also told where to listen, as Aspire tells every project it publishes:
//! ASP.NET Core images listen on 8080 unless `HTTP_PORTS` says otherwise, so without it a
//! project endpoint on any other target port is declared, advertised and served by nothing.
//! `HTTP_PORTS` lists the target ports of its `http` endpoints, `HTTPS_PORTS` those of its
//! `https` endpoints that no `http` endpoint already serves (TLS usually ends in front of the
//! workload, on the port an `http` endpoint shares), and `ASPNETCORE_FORWARDEDHEADERS_ENABLED`
//! lets it see the original scheme and host behind that proxy. An explicit `env` entry wins,
//! silently: setting these by hand is deliberate. Manifests carry their own.

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
        let pre_injected = ctx.model.pre_injected;
        let Some(workload) = ctx.workload_mut(id) else {
            continue;
        };
        workload.references = targets;
        if compute.project && !pre_injected {
            for var in project_variables(id, &workload.endpoints) {
                if !workload.env.iter().any(|e| e.name == var.name) {
                    workload.env.push(var);
                }
            }
        }
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
                | ResourceKind::External(_)
                | ResourceKind::BuildOnly(_) => None,
            }
        }
    }
}

/// Appends the variables `reference` injects to `out`, skipping names already there (the
/// first reference that injects a name wins).
fn variables(ctx: &Ctx<'_>, target: ResourceId, reference: &ReferenceDecl, out: &mut Vec<EnvVar>) {
    let resource = &ctx.resources[target.0 as usize];
    // Aspire's `WithReference` of a resource with a connection string (a database, a cache, a
    // broker) injects the connection string and its properties, not service discovery: only
    // resources without one (projects, containers) are reached through their endpoints. An
    // explicit `inject` list gets exactly what it names.
    let by_default = |kind: Inject| match kind {
        Inject::ServiceDiscovery | Inject::Endpoints => resource.connection_string.is_none(),
        Inject::ConnectionString | Inject::ConnectionProperties => true,
    };
    let wants = |kind: Inject| match &reference.inject {
        None => by_default(kind),
        Some(list) => list.iter().any(|i| i.value == kind),
    };
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

/// `HTTP_PORTS`, `HTTPS_PORTS` and `ASPNETCORE_FORWARDEDHEADERS_ENABLED` for a project with
/// HTTP endpoints (see the module documentation); each port is the endpoint's `targetPort`,
/// resolved by the target like any other endpoint property.
fn project_variables(project: ResourceId, endpoints: &[Endpoint]) -> Vec<EnvVar> {
    let http_like = |e: &Endpoint| matches!(e.transport, Transport::Http | Transport::Http2);
    let ports = |scheme: &str, taken: &[u16]| {
        let mut seen: Vec<u16> = Vec::new();
        let mut parts: Vec<Part> = Vec::new();
        for (index, endpoint) in endpoints.iter().enumerate() {
            if endpoint.scheme != scheme
                || !http_like(endpoint)
                || seen.contains(&endpoint.target_port)
                || taken.contains(&endpoint.target_port)
            {
                continue;
            }
            if !parts.is_empty() {
                parts.push(Part::Text(";".to_string()));
            }
            seen.push(endpoint.target_port);
            parts.push(Part::Endpoint {
                resource: project,
                endpoint: index,
                property: EndpointProperty::TargetPort,
            });
        }
        (seen, parts)
    };
    let (http_ports, http) = ports("http", &[]);
    let (_, https) = ports("https", &http_ports);
    let mut out = Vec::new();
    let mut push = |name: &str, parts: Vec<Part>| {
        out.push(EnvVar {
            name: name.to_string(),
            value: Value { parts },
            origin: EnvOrigin::Project,
        });
    };
    if !http.is_empty() {
        push("HTTP_PORTS", http);
    }
    if !https.is_empty() {
        push("HTTPS_PORTS", https);
    }
    if endpoints.iter().any(http_like) {
        push(
            "ASPNETCORE_FORWARDEDHEADERS_ENABLED",
            vec![Part::Text("true".to_string())],
        );
    }
    out
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

#[cfg(test)]
mod tests {
    use crate::checked::{CheckedModel, Part, Workload};
    use crate::testing::{compute, endpoint, env, literal, model, project, s};
    use crate::{CheckOptions, Diagnostics};

    fn checked(resources: Vec<crate::model::ResourceDecl>) -> CheckedModel {
        let mut diags = Diagnostics::new();
        let options = CheckOptions {
            strict_names: true,
            ..CheckOptions::default()
        };
        crate::check(&model(Vec::new(), resources), &options, &mut diags)
            .unwrap_or_else(|| panic!("{diags:?}"))
    }

    /// `name=value` for each variable of the workload, ports as the numbers they resolve to.
    fn variables(workload: &Workload) -> Vec<String> {
        workload
            .env
            .iter()
            .map(|var| {
                let value: String = (var.value.parts.iter())
                    .map(|part| match part {
                        Part::Text(text) => text.clone(),
                        Part::Endpoint { endpoint, .. } => {
                            workload.endpoints[*endpoint].target_port.to_string()
                        }
                        other @ (Part::Param { .. }
                        | Part::ConnectionString { .. }
                        | Part::ConnectionProperty { .. }) => panic!("unexpected {other:?}"),
                    })
                    .collect();
                format!("{}={value}", var.name)
            })
            .collect()
    }

    fn workload<'m>(model: &'m CheckedModel, name: &str) -> &'m Workload {
        model
            .workloads()
            .find(|(_, r, _)| r.name == name)
            .map(|(_, _, w)| w)
            .unwrap()
    }

    #[test]
    fn a_project_is_told_to_listen_on_its_http_target_ports() {
        let mut api = project("api");
        api.endpoints = vec![endpoint("http", 5000, true), endpoint("admin", 5001, false)];
        api.endpoints[1].scheme = Some(s("http".to_string()));
        let mut secure = project("secure");
        secure.endpoints = vec![endpoint("https", 8443, false)];
        let mut worker = project("worker");
        worker.endpoints = vec![endpoint("tcp", 9000, false)];
        let model = checked(vec![
            compute("api", api),
            compute("secure", secure),
            compute("worker", worker),
        ]);
        assert_eq!(
            variables(workload(&model, "api")),
            [
                "HTTP_PORTS=5000;5001",
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED=true"
            ]
        );
        assert_eq!(
            variables(workload(&model, "secure")),
            [
                "HTTPS_PORTS=8443",
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED=true"
            ]
        );
        // No HTTP endpoint: nothing to tell it.
        assert!(workload(&model, "worker").env.is_empty());
    }

    #[test]
    fn an_explicit_value_replaces_the_project_variable() {
        let mut api = project("api");
        api.endpoints = vec![endpoint("http", 5000, false)];
        api.env = vec![env("HTTP_PORTS", literal("5000;6000"))];
        let model = checked(vec![compute("api", api)]);
        assert_eq!(
            variables(workload(&model, "api")),
            [
                "HTTP_PORTS=5000;6000",
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED=true"
            ]
        );
    }

    #[test]
    fn a_projects_https_endpoint_without_a_port_listens_with_its_http_endpoint() {
        // Aspire's Proxyless playground: `http` has a `port` and no `targetPort`, `https`
        // neither. Both must reach the process, which listens on 8080.
        let mut proxyless = project("proxyless");
        proxyless.endpoints = vec![endpoint("http", 0, false), endpoint("https", 0, false)];
        proxyless.endpoints[0].target_port = None;
        proxyless.endpoints[0].port = Some(s(12345));
        proxyless.endpoints[1].target_port = None;
        // An `https` endpoint beside an `http` one on 5000 shares it.
        let mut paired = project("paired");
        paired.endpoints = vec![endpoint("https", 0, false), endpoint("http", 5000, false)];
        paired.endpoints[0].target_port = None;
        let model = checked(vec![
            compute("proxyless", proxyless),
            compute("paired", paired),
        ]);
        let ports = |name: &str| -> Vec<(u16, u16)> {
            let w = workload(&model, name);
            w.endpoints
                .iter()
                .map(|e| (e.target_port, e.port))
                .collect()
        };
        assert_eq!(ports("proxyless"), [(8080, 12345), (8080, 8080)]);
        assert_eq!(
            variables(workload(&model, "proxyless"))[0],
            "HTTP_PORTS=8080"
        );
        assert_eq!(ports("paired"), [(5000, 5000), (5000, 5000)]);
        assert_eq!(variables(workload(&model, "paired"))[0], "HTTP_PORTS=5000");
    }
}
