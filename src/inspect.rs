//! `aspirec inspect`: the checked model as JSON, in a documented, stable shape (README,
//! "aspirec inspect"). Values are shown with connection strings expanded, in the model's own
//! expression syntax (`{pg.bindings.tcp.host}`, `{pg-password.value}`), each marked `secret`
//! when it contains a secret parameter. No parameter value is ever shown except a non-secret
//! default.

use ir::{
    CheckedModel, EndpointProperty, EnvOrigin, HealthCheck, Image, ParamOrigin, Part, Resource,
    ResourceKind, Role, Value, Workload,
};
use serde_json::{Value as Json, json};

/// Version of the JSON shape; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

pub fn to_json(model: &CheckedModel) -> Json {
    let mut out = json!({
        "format_version": FORMAT_VERSION,
        "name": model.name(),
        "namespace": model.namespace(),
        "registry": model.registry(),
        "tag": model.tag(),
        "parameters": model.parameters().map(|(_, p)| json!({
            "name": p.name,
            "secret": p.secret,
            "default": p.default,
            "description": p.description,
            "generate": p.generate.map(|g| json!({
                "min_length": g.min_length, "lower": g.lower, "upper": g.upper, "numeric": g.numeric,
                "special": g.special, "min_lower": g.min_lower, "min_upper": g.min_upper,
                "min_numeric": g.min_numeric, "min_special": g.min_special,
            })),
            "origin": match p.origin {
                ParamOrigin::Declared => "declared",
                ParamOrigin::IntegrationPassword(_) => "integration-password",
                ParamOrigin::LeftOut => "left-out",
                ParamOrigin::Dashboard(_) => "dashboard",
                ParamOrigin::Module { .. } => "azure-module",
            },
        })).collect::<Vec<_>>(),
        "resources": model.resources().map(|(_, r)| resource(model, r)).collect::<Vec<_>>(),
        "start_order": model.start_order().iter().map(|id| model.resource(*id).name.as_str()).collect::<Vec<_>>(),
    });
    // Only where the model has some, so that models without keep their shape. Values are
    // shown as expressions, so the password is its parameter's name.
    if !model.registries().is_empty() {
        out["registries"] = model
            .registries()
            .iter()
            .map(|r| {
                json!({
                    "name": r.name, "server": r.server,
                    "username": value(model, &r.username), "password": value(model, &r.password),
                    "pull_secret": r.pull_secret,
                })
            })
            .collect();
    }
    out
}

fn resource(model: &CheckedModel, resource: &Resource) -> Json {
    let mut out = json!({
        "name": resource.name,
        "connection_string": resource.connection_string.as_ref().map(|v| value(model, v)),
        "properties": resource.properties.iter().map(|(k, v)| json!({"name": k, "value": value(model, v)})).collect::<Vec<_>>(),
    });
    let extra = match &resource.kind {
        ResourceKind::Workload(w) => workload(model, w),
        ResourceKind::BuildOnly(w) => {
            let mut json = workload(model, w);
            json["kind"] = json!("build-only");
            json
        }
        ResourceKind::Database(db) => json!({
            "kind": "database",
            "server": model.resource(db.server).name,
            "database_name": db.database_name,
        }),
        ResourceKind::External(e) => json!({
            "kind": "external",
            "url": e.url.as_ref().map(|v| value(model, v)),
        }),
    };
    if let (Json::Object(out), Json::Object(extra)) = (&mut out, extra) {
        out.extend(extra);
    }
    out
}

fn workload(model: &CheckedModel, w: &Workload) -> Json {
    let (kind, integration) = match &w.role {
        Role::Container => ("container", Json::Null),
        Role::Project => ("project", Json::Null),
        Role::Integration(i) => (
            "integration",
            json!({
                "type": i.kind.type_name(),
                "persistent": i.persistent,
                "databases": i.databases.iter().map(|d| model.resource(*d).name.as_str()).collect::<Vec<_>>(),
                "azure_hosting": match i.azure { ir::AzureHosting::Managed => "managed", ir::AzureHosting::Container => "container" },
            }),
        ),
    };
    json!({
        "kind": kind,
        "integration": integration,
        "image": w.image.reference(),
        "build": match &w.image {
            Image::Build(b) => json!({
                "context": b.context, "dockerfile": b.dockerfile, "target": b.target,
                "args": b.args.iter().map(|(k, v)| json!({"name": k, "value": value(model, v)})).collect::<Vec<_>>(),
            }),
            Image::Pull(_) => Json::Null,
        },
        "entrypoint": w.entrypoint,
        "args": w.args.iter().map(|v| value(model, v)).collect::<Vec<_>>(),
        "replicas": w.replicas,
        "autoscale": w.autoscale.map(|a| json!({"min": a.min, "max": a.max, "cpu": a.cpu})),
        "endpoints": w.endpoints.iter().map(|e| {
            let mut endpoint = json!({
                "name": e.name, "scheme": e.scheme,
                "transport": format!("{:?}", e.transport).to_lowercase(),
                "protocol": format!("{:?}", e.protocol).to_lowercase(),
                "target_port": e.target_port, "port": e.port, "external": e.external,
            });
            // Only where the model gives one, so that endpoints without keep their shape.
            if let (Some(ingress), Json::Object(map)) = (&e.ingress, &mut endpoint) {
                map.insert("ingress".into(), ingress_json(ingress));
            }
            endpoint
        }).collect::<Vec<_>>(),
        "env": w.env.iter().map(|e| {
            let mut entry = value(model, &e.value);
            if let Json::Object(map) = &mut entry {
                map.insert("name".into(), json!(e.name));
                map.insert("origin".into(), json!(match e.origin {
                    EnvOrigin::Explicit => "explicit".to_string(),
                    EnvOrigin::Integration => "integration".to_string(),
                    EnvOrigin::Project => "project".to_string(),
                    EnvOrigin::Telemetry => "telemetry".to_string(),
                    EnvOrigin::Reference(r) => format!("reference:{}", model.resource(r).name),
                }));
            }
            entry
        }).collect::<Vec<_>>(),
        "references": w.references.iter().map(|r| model.resource(*r).name.as_str()).collect::<Vec<_>>(),
        "wait_for": w.wait_for.iter().map(|wf| json!({
            "resource": model.resource(wf.target).name,
            "condition": crate::graph::condition(wf.condition),
        })).collect::<Vec<_>>(),
        "health": w.health.as_ref().map(|h| json!({
            "http": match &h.check { HealthCheck::Http { path, endpoint } => json!({"path": path, "endpoint": w.endpoints[*endpoint].name}), HealthCheck::Command(_) => Json::Null },
            "command": match &h.check { HealthCheck::Command(c) => json!(c), HealthCheck::Http { .. } => Json::Null },
            "initial_delay": h.initial_delay, "period": h.period, "timeout": h.timeout, "failure_threshold": h.failure_threshold,
        })),
        "volumes": w.volumes.iter().map(|v| json!({"name": v.name, "target": v.target, "read_only": v.read_only})).collect::<Vec<_>>(),
        "bind_mounts": w.bind_mounts.iter().map(|b| json!({"source": b.source, "target": b.target, "read_only": b.read_only})).collect::<Vec<_>>(),
        "limits": json!({"cpu": w.limits.cpu, "memory": w.limits.memory}),
        "job": w.job.as_ref().map(|j| json!({"schedule": j.schedule})),
        "files": w.files.iter().map(|f| json!({
            "source": f.source, "target": f.target, "folder": f.folder,
            "files": f.files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
            "hash": f.content_hash(),
        })).collect::<Vec<_>>(),
    })
}

/// `{"value": "...", "secret": bool}` for a value.
fn value(model: &CheckedModel, value: &Value) -> Json {
    json!({ "value": display(model, value), "secret": model.is_secret(value) })
}

/// A value in the model's expression syntax, connection strings expanded; literal braces are
/// doubled so the text could be pasted back into a model.
pub fn display(model: &CheckedModel, value: &Value) -> String {
    let mut out = String::new();
    for part in &model.expanded(value).parts {
        match part {
            Part::Text(text) => out.push_str(&text.replace('{', "{{").replace('}', "}}")),
            Part::Param { param, encoding } => {
                let name = &model.parameter(*param).name;
                match encoding {
                    ir::Encoding::Raw => out.push_str(&format!("{{{name}.value}}")),
                    ir::Encoding::Uri => out.push_str(&format!("{{{name}.value|uri}}")),
                }
            }
            Part::Endpoint {
                resource,
                endpoint,
                property,
            } => {
                let r = model.resource(*resource);
                let e = &r.endpoints()[*endpoint];
                let property = match property {
                    EndpointProperty::Url => "url",
                    other => other.name(),
                };
                out.push_str(&format!("{{{}.bindings.{}.{property}}}", r.name, e.name));
            }
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {}
        }
    }
    out
}

/// An endpoint's `ingress`: hosts, path, TLS (`{"secret": ...}` or `{"issuer": ...}`), class.
fn ingress_json(ingress: &ir::Ingress) -> Json {
    json!({
        "hosts": ingress.hosts,
        "path": ingress.path,
        "tls": ingress.tls.as_ref().map(|tls| match tls {
            ir::Tls::Secret(secret) => json!({"secret": secret}),
            ir::Tls::Issuer(issuer) => json!({"issuer": issuer}),
        }),
        "class": ingress.class,
    })
}
