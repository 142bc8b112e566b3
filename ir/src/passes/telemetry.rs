//! Observability: the Aspire dashboard as a workload, and the OpenTelemetry variables of every
//! resource with an OTLP exporter (see [`crate::telemetry`] for the data).
//!
//! [`declare`] runs at the end of `expand`: when the model asks for the dashboard it becomes a
//! container workload after the model's resources, with two implicit secret parameters (its
//! browser token and OTLP API key, generated at deploy time like an integration's password), so
//! every target publishes it as it publishes any container, secrets through its own mechanism.
//! [`inject`] runs after `inject`: each workload whose declaration has an OTLP exporter gets
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (the dashboard's OTLP endpoint of the chosen protocol, or the
//! model's `otlp_endpoint`), `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_SERVICE_NAME` (its resource
//! name) and, towards the dashboard, `OTEL_EXPORTER_OTLP_HEADERS` with the API key. Integrations
//! get none: their servers (Postgres, Redis, ...) have no OTLP exporter. An explicit `env` entry
//! of the same name wins, silently, as for a project's `HTTP_PORTS`: it is deliberate.

use crate::checked::*;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::{DashboardDecl, OtlpProtocol, ResourceKindDecl};
use crate::passes::Ctx;
use crate::passes::expand::Slot;
use crate::telemetry as t;

/// Declares the dashboard workload and its parameters, when the model asks for it.
pub(crate) fn declare(ctx: &mut Ctx<'_>, diags: &mut Diagnostics) {
    let model = ctx.model;
    let Some(decl) = &model.observability.dashboard else {
        return;
    };
    let name = &decl.name;
    let id = ResourceId(ctx.resources.len() as u32);
    let token_name = t::browser_token_parameter(&name.value);
    let key_name = t::otlp_api_key_parameter(&name.value);
    for taken in [&name.value, &token_name, &key_name] {
        report_taken(ctx, decl, taken, diags);
    }
    let secret = |param_name: String, what: &str| Parameter {
        name: param_name,
        span: name.span,
        secret: true,
        default: None,
        generate: Some(t::SECRET_RULE),
        description: Some(format!("{what} of the Aspire dashboard `{}`", name.value)),
        origin: ParamOrigin::Dashboard(id),
    };
    let token = ctx.add_param(secret(token_name, "Browser login token"));
    let key = ctx.add_param(secret(key_name, "OTLP API key"));
    let endpoint = |name: &str, transport, target_port, external| Endpoint {
        name: name.to_string(),
        scheme: "http".to_string(),
        transport,
        protocol: Protocol::Tcp,
        target_port,
        port: target_port,
        external,
        ingress: None,
    };
    let text = |(name, value): (&str, &str)| EnvVar {
        name: name.to_string(),
        value: Value::text(value),
        origin: EnvOrigin::Telemetry,
    };
    let param = |name: &str, param| EnvVar {
        name: name.to_string(),
        value: Value {
            parts: vec![Part::Param {
                param,
                encoding: Encoding::Raw,
            }],
        },
        origin: EnvOrigin::Telemetry,
    };
    let workload = Workload {
        role: Role::Container,
        image: Image::Pull(t::DASHBOARD_IMAGE.to_string()),
        entrypoint: Vec::new(),
        args: Vec::new(),
        env: vec![
            text(t::FRONTEND_AUTH_MODE),
            param(t::FRONTEND_BROWSER_TOKEN, token),
            text(t::OTLP_AUTH_MODE),
            param(t::OTLP_PRIMARY_API_KEY, key),
        ],
        endpoints: vec![
            endpoint(t::UI_ENDPOINT, Transport::Http, t::UI_PORT, decl.external),
            endpoint(
                t::OTLP_GRPC_ENDPOINT,
                Transport::Http2,
                t::OTLP_GRPC_PORT,
                false,
            ),
            endpoint(
                t::OTLP_HTTP_ENDPOINT,
                Transport::Http,
                t::OTLP_HTTP_PORT,
                false,
            ),
        ],
        replicas: 1,
        health: None,
        volumes: Vec::new(),
        bind_mounts: Vec::new(),
        limits: Limits::default(),
        job: None,
        files: Vec::new(),
        autoscale: None,
        wait_for: Vec::new(),
        references: Vec::new(),
    };
    ctx.resources.push(Resource {
        name: name.value.clone(),
        span: name.span,
        kind: ResourceKind::Workload(workload),
        connection_string: None,
        properties: Vec::new(),
    });
    ctx.slots.push(Slot {
        decl_name: name,
        decl: None,
        password_param: None,
    });
    ctx.dashboard = Some(Dashboard { id, api_key: key });
}

/// A name the dashboard needs that the model already uses (resources, databases and parameters
/// share one namespace).
fn report_taken(ctx: &Ctx<'_>, decl: &DashboardDecl, taken: &str, diags: &mut Diagnostics) {
    let Some(symbol) = ctx.symbols.by_name.get(&taken.to_ascii_lowercase()) else {
        return;
    };
    diags
        .report(
            codes::DUPLICATE_NAME,
            symbol.1,
            format!("`{taken}` is a name the Aspire dashboard needs"),
        )
        .with_label("this name is taken")
        .with_secondary(
            decl.name.span,
            format!(
                "the Aspire dashboard `{}` and its secret parameters are deployed for this model",
                decl.name.value
            ),
        )
        .with_help("rename it, or set `observability.dashboard = false`");
}

/// The dashboard of the model under check.
#[derive(Clone, Copy)]
pub(crate) struct Dashboard {
    pub(crate) id: ResourceId,
    /// Its OTLP API key parameter.
    pub(crate) api_key: ParamId,
}

/// Adds the OpenTelemetry variables to every workload with an OTLP exporter.
pub(crate) fn inject(ctx: &mut Ctx<'_>) {
    let protocol = ctx.model.observability.protocol;
    let (endpoint, headers) = match (ctx.dashboard, &ctx.otlp_endpoint) {
        (Some(dashboard), _) => {
            let endpoint = match protocol {
                OtlpProtocol::Grpc => 1,
                OtlpProtocol::HttpProtobuf => 2,
            };
            let url = Value {
                parts: vec![Part::Endpoint {
                    resource: dashboard.id,
                    endpoint,
                    property: EndpointProperty::Url,
                }],
            };
            let mut headers = Value::text(format!("{}=", t::API_KEY_HEADER));
            headers.push(Part::Param {
                param: dashboard.api_key,
                encoding: Encoding::Raw,
            });
            (url, Some(headers))
        }
        (None, Some(collector)) => (collector.clone(), None),
        (None, None) => return,
    };
    for index in 0..ctx.resources.len() {
        let Some(ResourceKindDecl::Compute(compute)) = ctx.slots[index].decl else {
            continue;
        };
        if !compute.otlp_exporter {
            continue;
        }
        let name = ctx.resources[index].name.clone();
        let Some(workload) = ctx.workload_mut(ResourceId(index as u32)) else {
            continue;
        };
        let vars = [
            Some((t::ENDPOINT_VAR, endpoint.clone())),
            Some((t::PROTOCOL_VAR, Value::text(protocol.as_str()))),
            Some((t::SERVICE_NAME_VAR, Value::text(name))),
            headers.clone().map(|h| (t::HEADERS_VAR, h)),
        ];
        for (var, value) in vars.into_iter().flatten() {
            if !workload.env.iter().any(|e| e.name == var) {
                workload.env.push(EnvVar {
                    name: var.to_string(),
                    value,
                    origin: EnvOrigin::Telemetry,
                });
            }
        }
    }
}
