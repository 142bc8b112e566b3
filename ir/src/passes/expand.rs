//! Declares the checked resources and parameters: compute resources keep their shape,
//! integrations become workloads (image, endpoints, data volume, health check, implicit
//! password parameter) with their child databases, and endpoints and ports are checked.
//! Values are filled in later by `resolve` and `inject`; this pass builds the [`Ctx`].

use crate::check::CheckOptions;
use crate::checked::*;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::{
    AzureModuleDecl, ComputeDecl, EndpointDecl, HealthCheckDecl, HealthDecl, IntegrationDecl,
    LimitsDecl, Model, ParameterDecl, ResourceKindDecl,
};
use crate::passes::names::Symbols;
use crate::quantity::{parse_cpu, parse_memory};
use crate::span::{Span, Spanned};

/// What `--allow-unsupported` does with a resource it leaves out.
const LEFT_OUT_NOTE: &str =
    "left out by --allow-unsupported; values read from it become deploy-time parameters";

/// The state shared by the passes after `expand`.
pub(crate) struct Ctx<'m> {
    pub(crate) model: &'m Model,
    pub(crate) symbols: &'m Symbols,
    pub(crate) options: CheckOptions<'m>,
    pub(crate) params: Vec<Parameter>,
    /// The checked resources under construction; they become [`CheckedModel::resources`]
    /// as they are, without a copy.
    pub(crate) resources: Vec<Resource>,
    /// What later passes need to report on each resource, by the same index.
    pub(crate) slots: Vec<Slot<'m>>,
    /// Checked id of each resource declaration (`None` for unsupported ones and modules).
    pub(crate) resource_of_decl: Vec<Option<ResourceId>>,
    /// Azure Bicep modules, and the declaration of each.
    pub(crate) modules: Vec<Module>,
    pub(crate) module_decls: Vec<&'m AzureModuleDecl>,
    /// The module of each resource declaration (`None` for the others).
    pub(crate) module_of_decl: Vec<Option<ModuleId>>,
    /// The Aspire dashboard, when the model deploys it (`passes::telemetry`).
    pub(crate) dashboard: Option<crate::passes::telemetry::Dashboard>,
    /// The model's `otlp_endpoint`, resolved.
    pub(crate) otlp_endpoint: Option<Value>,
    /// The registries' credentials, resolved (`passes::registries` checks them).
    pub(crate) registries: Vec<Registry>,
}

/// Where a checked resource comes from, for the later passes to resolve and report on it.
pub(crate) struct Slot<'m> {
    pub(crate) decl_name: &'m Spanned<String>,
    pub(crate) decl: Option<&'m ResourceKindDecl>,
    /// The implicit password parameter of an integration.
    pub(crate) password_param: Option<ParamId>,
}

impl Ctx<'_> {
    pub(crate) fn finish(self, start_order: Vec<ResourceId>) -> CheckedModel {
        let model = self.model;
        let name = model.name.value.clone();
        let mut checked = CheckedModel {
            namespace: model
                .namespace
                .as_ref()
                .map_or_else(|| name.clone(), |n| n.value.clone()),
            name,
            tag: model
                .tag
                .as_ref()
                .map_or_else(|| "latest".to_string(), |t| t.value.clone()),
            registry: model.registry.as_ref().map(|r| r.value.clone()),
            parameters: self.params,
            resources: self.resources,
            modules: self.modules,
            dashboard: self.dashboard.map(|d| d.id),
            start_order,
            taint: Vec::new(),
            registries: self.registries,
        };
        checked.compute_taint();
        checked
    }

    pub(crate) fn workload_mut(&mut self, id: ResourceId) -> Option<&mut Workload> {
        match &mut self.resources[id.0 as usize].kind {
            ResourceKind::Workload(w) | ResourceKind::BuildOnly(w) => Some(w),
            ResourceKind::Database(_) | ResourceKind::External(_) => None,
        }
    }

    /// Adds a parameter and returns its id.
    pub(crate) fn add_param(&mut self, parameter: Parameter) -> ParamId {
        self.params.push(parameter);
        ParamId((self.params.len() - 1) as u32)
    }
}

pub(crate) fn run<'m>(
    model: &'m Model,
    symbols: &'m Symbols,
    options: &CheckOptions<'m>,
    diags: &mut Diagnostics,
) -> Ctx<'m> {
    // Resources and their databases: sized once, as each `Resource` is large.
    let count = model.resources.len() + crate::passes::names::database_count(model);
    let mut ctx = Ctx {
        model,
        symbols,
        options: *options,
        params: model
            .parameters
            .iter()
            .map(|p| declared_parameter(p, diags))
            .collect(),
        resources: Vec::with_capacity(count),
        slots: Vec::with_capacity(count),
        resource_of_decl: Vec::with_capacity(model.resources.len()),
        modules: Vec::new(),
        module_decls: Vec::new(),
        module_of_decl: Vec::with_capacity(model.resources.len()),
        dashboard: None,
        otlp_endpoint: None,
        registries: Vec::new(),
    };
    for decl in &model.resources {
        let id = ResourceId(ctx.resources.len() as u32);
        let module = match &decl.kind {
            ResourceKindDecl::AzureModule(module) => Some(crate::passes::modules::declare(
                &mut ctx, &decl.name, module, diags,
            )),
            ResourceKindDecl::Compute(_)
            | ResourceKindDecl::Integration(_)
            | ResourceKindDecl::External(_)
            | ResourceKindDecl::Unsupported(_)
            | ResourceKindDecl::Undeclared(_) => None,
        };
        ctx.module_of_decl.push(module);
        let kind = match &decl.kind {
            ResourceKindDecl::Compute(compute) if compute.build_only => {
                report_build_only(&decl.name, options, diags);
                ResourceKind::BuildOnly(compute_workload(&decl.name, compute, model, diags))
            }
            ResourceKindDecl::Compute(compute) => {
                ResourceKind::Workload(compute_workload(&decl.name, compute, model, diags))
            }
            ResourceKindDecl::Integration(integration) => {
                ResourceKind::Workload(integration_workload(&decl.name, integration, diags))
            }
            ResourceKindDecl::External(_) => ResourceKind::External(External { url: None }),
            ResourceKindDecl::AzureModule(_) => {
                ctx.resource_of_decl.push(None);
                continue;
            }
            ResourceKindDecl::Unsupported(unsupported) => {
                let d = crate::Diagnostic::new(
                    codes::UNSUPPORTED_RESOURCE,
                    decl.name.span,
                    format!(
                        "resource `{}` of type `{}` cannot be published",
                        decl.name.value, unsupported.type_name
                    ),
                )
                .label(unsupported.reason.clone());
                if options.allow_unsupported {
                    diags.push(d.left_out(LEFT_OUT_NOTE));
                } else {
                    diags.push(d.help("pass --allow-unsupported to leave it out and supply what others read from it at deploy time"));
                }
                ctx.resource_of_decl.push(None);
                continue;
            }
            ResourceKindDecl::Undeclared(undeclared) => {
                // Without `allow_unsupported` it has no symbol: each read is reported there.
                if options.allow_unsupported {
                    diags.push(
                        // The warning form of the unknown name that each read would be.
                        crate::Diagnostic::new(
                            codes::UNKNOWN_REFERENCE,
                            decl.name.span,
                            format!("`{}` is read but not declared", decl.name.value),
                        )
                        .label(undeclared.reason.clone())
                        .left_out(LEFT_OUT_NOTE),
                    );
                }
                ctx.resource_of_decl.push(None);
                continue;
            }
        };
        ctx.resource_of_decl.push(Some(id));
        ctx.resources.push(Resource {
            name: decl.name.value.clone(),
            span: decl.name.span,
            kind,
            connection_string: None,
            properties: Vec::new(),
        });
        ctx.slots.push(Slot {
            decl_name: &decl.name,
            decl: Some(&decl.kind),
            password_param: None,
        });
        if let ResourceKindDecl::Integration(integration) = &decl.kind {
            add_integration_children(&mut ctx, id, &decl.name, integration, diags);
        }
    }
    crate::passes::telemetry::declare(&mut ctx, diags);
    ctx
}

fn declared_parameter(decl: &ParameterDecl, diags: &mut Diagnostics) -> Parameter {
    if let (Some(value), Some(generate)) = (&decl.value, &decl.generate) {
        diags
            .report(
                codes::PARAMETER_VALUE_AND_GENERATE,
                generate.span,
                format!("parameter `{}` has both `value` and `generate`", decl.name.value),
            )
            .with_label("`generate` is set here")
            .with_secondary(value.span, "`value` is set here")
            .with_help("keep `value` for a fixed default, or `generate` for a value the deploy tool creates");
    }
    if let Some(generate) = &decl.generate {
        check_generate(&generate.value, generate.span, diags);
    }
    if decl.secret {
        if let Some(value) = &decl.value {
            // The front ends conceal secret values already; this keeps it true for any
            // front end, since the snippet of this very warning shows the value.
            diags.conceal(value.span);
            diags
                .report(
                    codes::SECRET_LITERAL_DEFAULT,
                    value.span,
                    format!("secret parameter `{}` has a literal default", decl.name.value),
                )
                .with_label("this secret is committed with the model")
                .with_help("remove `value` and supply the secret at deploy time; aspirec never writes it to any output");
        }
    }
    Parameter {
        name: decl.name.value.clone(),
        span: decl.name.span,
        secret: decl.secret,
        // A secret's literal default never reaches output: it is dropped here.
        default: if decl.secret {
            None
        } else {
            decl.value.as_ref().map(|v| v.value.clone())
        },
        generate: decl.generate.as_ref().map(|g| g.value),
        description: decl.description.clone(),
        origin: ParamOrigin::Declared,
    }
}

fn check_generate(rule: &Generate, span: Span, diags: &mut Diagnostics) {
    let classes = [
        (rule.lower, rule.min_lower, "lower"),
        (rule.upper, rule.min_upper, "upper"),
        (rule.numeric, rule.min_numeric, "numeric"),
        (rule.special, rule.min_special, "special"),
    ];
    let problem = if classes.iter().all(|(allowed, _, _)| !allowed) {
        Some("every character class is excluded".to_string())
    } else if let Some((_, _, name)) = classes
        .iter()
        .find(|(allowed, min, _)| !allowed && *min > 0)
    {
        Some(format!("`min_{name}` is set but `{name}` is false"))
    } else {
        let sum: u32 = classes.iter().map(|(_, min, _)| min).sum();
        (sum > rule.min_length.max(sum)).then(|| "the minimum counts exceed the length".to_string())
    };
    if rule.min_length == 0 || rule.min_length > 1024 {
        diags
            .report(
                codes::INVALID_GENERATE,
                span,
                "`min_length` must be between 1 and 1024",
            )
            .with_label("cannot generate a value of this length");
    } else if let Some(problem) = problem {
        diags
            .report(
                codes::INVALID_GENERATE,
                span,
                "this `generate` rule cannot produce a value",
            )
            .with_label(problem);
    }
}

fn replicas(value: Option<&Spanned<i64>>, max: i64, diags: &mut Diagnostics, what: &str) -> u32 {
    let Some(value) = value else { return 1 };
    if value.value < 0 || value.value > max {
        diags
            .report(
                codes::INVALID_VALUE,
                value.span,
                format!("replicas must be between 0 and {max}"),
            )
            .with_label(format!("{what} cannot have {} replicas", value.value));
        return 1;
    }
    value.value as u32
}

/// W0703 for the targets that do not build images: they deploy nothing for a build-only image
/// (Compose builds it, and says so in its file).
fn report_build_only(name: &Spanned<String>, options: &CheckOptions<'_>, diags: &mut Diagnostics) {
    let others: Vec<&str> = options
        .targets
        .iter()
        .filter(|t| !t.builds_images())
        .map(|t| t.id())
        .collect();
    if others.is_empty() {
        return;
    }
    let targets = if others.len() == 1 {
        "target deploys"
    } else {
        "targets deploy"
    };
    diags
        .report(
            codes::BUILD_ONLY_IMAGE,
            name.span,
            format!(
                "`{}` is an image built only for other images' builds; the {} {targets} nothing for it",
                name.value,
                crate::passes::modules::listed(&others),
            ),
        )
        .with_label("`buildOnly`: never run")
        .with_help(format!(
            "build the image of `{}` in CI before the images that copy files from it; Compose writes a service that only builds it",
            name.value
        ));
}

fn compute_workload(
    name: &Spanned<String>,
    decl: &ComputeDecl,
    model: &Model,
    diags: &mut Diagnostics,
) -> Workload {
    let image = match (&decl.image, &decl.build) {
        (Some(image), None) => Image::Pull(image.value.clone()),
        (_, Some(build)) => {
            if let Some(image) = &decl.image {
                diags
                    .report(
                        codes::CONFLICTING_KEYS,
                        image.span,
                        format!("`{}` has both `image` and `build`", name.value),
                    )
                    .with_label("remove `image` or `build`");
            }
            let tag = model.tag.as_ref().map_or("latest", |t| &t.value);
            let image = match &model.registry {
                Some(registry) => format!(
                    "{}/{}:{tag}",
                    registry.value.trim_end_matches('/'),
                    name.value.to_ascii_lowercase()
                ),
                None => format!("{}:{tag}", name.value.to_ascii_lowercase()),
            };
            Image::Build(Build {
                image,
                context: build.context.value.clone(),
                dockerfile: build.dockerfile.as_ref().map(|d| d.value.clone()),
                target: build.target.as_ref().map(|t| t.value.clone()),
                args: Vec::new(),
                secrets: Vec::new(),
            })
        }
        (None, None) => {
            diags
                .report(
                    codes::MISSING_KEY,
                    name.span,
                    format!("container `{}` has neither `image` nor `build`", name.value),
                )
                .with_label("add `image = \"...\"` or `build = { context = \"...\" }`");
            Image::Pull(String::new())
        }
    };
    let endpoints = endpoints(name, &decl.endpoints, decl.project, diags);
    let health = decl
        .health
        .as_ref()
        .and_then(|h| health(h, &decl.endpoints, &endpoints, diags));
    let job = decl
        .job
        .as_ref()
        .map(|job| crate::passes::jobs::job(name, decl, job, diags));
    let autoscale = crate::passes::autoscale::autoscale(name, decl, diags);
    let replicas = match autoscale {
        Some(scale) => scale.min,
        None if decl.autoscale.is_some() => 1,
        None => replicas(
            decl.replicas.as_ref(),
            crate::passes::autoscale::MAX_REPLICAS,
            diags,
            "a workload",
        ),
    };
    Workload {
        role: if decl.project {
            Role::Project
        } else {
            Role::Container
        },
        image,
        entrypoint: decl.entrypoint.iter().map(|e| e.value.clone()).collect(),
        args: Vec::new(),
        env: Vec::new(),
        endpoints,
        replicas,
        health,
        volumes: decl
            .volumes
            .iter()
            .map(|v| Volume {
                name: v.name.value.clone(),
                target: v.target.value.clone(),
                read_only: v.read_only,
            })
            .collect(),
        bind_mounts: decl
            .bind_mounts
            .iter()
            .map(|b| BindMount {
                source: b.source.value.clone(),
                target: b.target.value.clone(),
                read_only: b.read_only,
            })
            .collect(),
        limits: limits(&decl.limits, diags),
        job,
        files: decl
            .files
            .iter()
            .filter_map(|f| crate::passes::files::mount(f, diags))
            .collect(),
        autoscale,
        wait_for: Vec::new(),
        references: Vec::new(),
    }
}

fn integration_workload(
    name: &Spanned<String>,
    decl: &IntegrationDecl,
    diags: &mut Diagnostics,
) -> Workload {
    let kind = decl.kind;
    if !kind.has_databases() {
        if let Some(db) = decl.databases.first() {
            diags
                .report(
                    codes::INVALID_VALUE,
                    db.span,
                    format!("`{}` has no databases", kind.type_name()),
                )
                .with_label("`databases` is not supported here")
                .with_note("`databases` is accepted by postgres, mongodb, mysql and sqlserver");
        }
    }
    let (entrypoint, args) = kind.container_command();
    let volumes = if decl.persistent {
        vec![Volume {
            name: format!("{}-data", name.value),
            target: kind.data_path().to_string(),
            read_only: false,
        }]
    } else {
        Vec::new()
    };
    Workload {
        role: Role::Integration(Integration {
            kind,
            password: None,
            persistent: decl.persistent,
            databases: Vec::new(),
            azure: decl
                .azure_hosting
                .as_ref()
                .map_or(AzureHosting::Container, |h| h.value),
            hosting_span: decl.azure_hosting.as_ref().map(|h| h.span),
        }),
        image: Image::Pull(
            decl.image
                .as_ref()
                .map_or_else(|| kind.default_image().to_string(), |i| i.value.clone()),
        ),
        entrypoint: entrypoint.iter().map(|s| s.to_string()).collect(),
        args: args.iter().map(|a| Value::text(*a)).collect(),
        env: Vec::new(),
        endpoints: kind
            .endpoints()
            .iter()
            .map(|e| Endpoint {
                name: e.name.to_string(),
                scheme: e.scheme.to_string(),
                transport: if e.http {
                    Transport::Http
                } else {
                    Transport::Tcp
                },
                protocol: Protocol::Tcp,
                target_port: e.port,
                port: e.port,
                external: false,
                ingress: None,
            })
            .collect(),
        // Scaling a stateful single-node service needs its own clustering setup.
        replicas: replicas(decl.replicas.as_ref(), 1, diags, kind.type_name()),
        health: Some(Health {
            check: HealthCheck::Command(
                kind.health_command()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            initial_delay: Some(5),
            period: Some(10),
            timeout: Some(5),
            failure_threshold: Some(6),
        }),
        volumes,
        bind_mounts: Vec::new(),
        limits: limits(&decl.limits, diags),
        job: None,
        files: Vec::new(),
        autoscale: None,
        wait_for: Vec::new(),
        references: Vec::new(),
    }
}

/// Adds the implicit password parameter and the child databases of an integration.
fn add_integration_children<'m>(
    ctx: &mut Ctx<'m>,
    id: ResourceId,
    name: &Spanned<String>,
    decl: &'m IntegrationDecl,
    diags: &mut Diagnostics,
) {
    let kind = decl.kind;
    if kind.has_password() && decl.password.is_none() {
        let param_name = format!("{}-password", name.value);
        if let Some(symbol) = ctx.symbols.by_name.get(&param_name.to_ascii_lowercase()) {
            diags
                .report(
                    codes::DUPLICATE_NAME,
                    symbol.1,
                    format!("`{param_name}` is also the name of `{}`'s implicit password parameter", name.value),
                )
                .with_label("this name is taken")
                .with_secondary(name.span, format!("`{}` has no `password`, so aspirec creates `{param_name}`", name.value))
                .with_help(format!("to use this parameter as the password, write `password = \"{{{param_name}.value}}\"` on `{}`", name.value));
        }
        let param = ctx.add_param(Parameter {
            name: param_name,
            span: name.span,
            secret: true,
            default: None,
            generate: Some(kind.password_rule()),
            description: Some(format!(
                "Password of the {} server `{}`",
                kind.type_name(),
                name.value
            )),
            origin: ParamOrigin::IntegrationPassword(id),
        });
        ctx.slots[id.0 as usize].password_param = Some(param);
    }
    if !kind.has_databases() {
        return;
    }
    let mut databases = Vec::new();
    for db in &decl.databases {
        let db_id = ResourceId(ctx.resources.len() as u32);
        databases.push(db_id);
        ctx.resources.push(Resource {
            name: db.value.clone(),
            span: db.span,
            kind: ResourceKind::Database(Database {
                server: id,
                database_name: db.value.clone(),
            }),
            connection_string: None,
            properties: Vec::new(),
        });
        ctx.slots.push(Slot {
            decl_name: db,
            decl: None,
            password_param: None,
        });
    }
    if let Some(Workload {
        role: Role::Integration(integration),
        ..
    }) = ctx.workload_mut(id)
    {
        integration.databases = databases;
    }
}

fn port(value: &Spanned<i64>, diags: &mut Diagnostics) -> Option<u16> {
    match u16::try_from(value.value) {
        Ok(port) if port > 0 => Some(port),
        _ => {
            diags
                .report(
                    codes::PORT_OUT_OF_RANGE,
                    value.span,
                    format!("port {} is out of range", value.value),
                )
                .with_label("ports are between 1 and 65535");
            None
        }
    }
}

/// An `http` and an `https` endpoint with the same transport may share a target port: TLS
/// ends in front of the workload (an Ingress, Azure Container Apps), as Aspire's own
/// manifests assume (an Azure Functions project declares both on 8080).
fn is_tls_pair(a: &EndpointDecl, b: &EndpointDecl) -> bool {
    let transport = |d: &EndpointDecl| d.transport.as_ref().map(|t| t.value.clone());
    let mut schemes = [declared_scheme(a), declared_scheme(b)];
    schemes.sort();
    schemes == ["http", "https"] && transport(a) == transport(b)
}

/// The scheme an endpoint declares: its `scheme`, else its name when that is a scheme, else `tcp`.
fn declared_scheme(decl: &EndpointDecl) -> String {
    decl.scheme.as_ref().map_or_else(
        || {
            let name = &decl.name.value;
            if matches!(name.as_str(), "http" | "https" | "tcp" | "udp") {
                name.clone()
            } else {
                "tcp".to_string()
            }
        },
        |s| s.value.clone(),
    )
}

/// Where a project's endpoint without a target port listens: an `https` endpoint where the
/// first `http` endpoint of the same transport listens (TLS ends in front of the process, which
/// serves both on one port), anything else on [`PROJECT_TARGET_PORT`].
fn project_default_port(decl: &EndpointDecl, decls: &[EndpointDecl]) -> u16 {
    if declared_scheme(decl) != "https" {
        return PROJECT_TARGET_PORT;
    }
    decls
        .iter()
        .find(|d| declared_scheme(d) == "http" && is_tls_pair(d, decl))
        .and_then(|d| d.target_port.as_ref())
        .and_then(|p| u16::try_from(p.value).ok())
        .filter(|p| *p > 0)
        .unwrap_or(PROJECT_TARGET_PORT)
}

/// Where a project listens when its endpoint does not say: ASP.NET Core images' default.
const PROJECT_TARGET_PORT: u16 = 8080;

fn endpoints(
    owner: &Spanned<String>,
    decls: &[EndpointDecl],
    project: bool,
    diags: &mut Diagnostics,
) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = Vec::new();
    // (target port, span, declaration) of the endpoints so far, to find duplicates; the span
    // is the `target_port` where one was written, else the endpoint's.
    let mut taken: Vec<(u16, Span, &EndpointDecl)> = Vec::new();
    for decl in decls {
        let target_port = decl.target_port.as_ref().and_then(|p| port(p, diags));
        let published = decl.port.as_ref().and_then(|p| port(p, diags));
        let name = &decl.name.value;
        let scheme = declared_scheme(decl);
        let target_port = match (target_port, published) {
            (Some(t), _) => t,
            // A project's HTTP endpoints without a target port listen where ASP.NET Core
            // images listen (told so by `HTTP_PORTS`), whatever port others use to reach
            // them: Aspire leaves this port to the deployer, and an `https` endpoint beside
            // them must reach the same process (Aspire's Proxyless playground gives `http` a
            // `port` and `https` none).
            (None, _) if project && (scheme == "http" || scheme == "https") => {
                project_default_port(decl, decls)
            }
            (None, Some(p)) => p,
            (None, None) if decl.target_port.is_none() && decl.port.is_none() => {
                if project {
                    project_default_port(decl, decls)
                } else {
                    diags
                        .report(
                            codes::MISSING_KEY,
                            decl.span,
                            format!(
                                "endpoint `{}` of `{}` has no `target_port`",
                                decl.name.value, owner.value
                            ),
                        )
                        .with_label("where does the process listen?")
                        .with_help("add `target_port = <port>`");
                    continue;
                }
            }
            (None, None) => continue,
        };
        let span = decl.target_port.as_ref().map_or(decl.span, |p| p.span);
        let listens = |d: &EndpointDecl, p: u16, already: &str| {
            let default = if project && d.target_port.is_none() {
                ", a project's default"
            } else {
                ""
            };
            format!(
                "endpoint `{}` {already}listens on {p}{default}",
                d.name.value
            )
        };
        let clash = taken
            .iter()
            .find(|(q, _, first)| *q == target_port && !is_tls_pair(first, decl));
        if let Some((p, first, first_decl)) = clash {
            let help = if project && decl.target_port.is_none() {
                format!(
                    "give endpoint `{}` a `target_port` of its own",
                    decl.name.value
                )
            } else {
                "give each endpoint its own target port".to_string()
            };
            diags
                .report(
                    codes::DUPLICATE_TARGET_PORT,
                    span,
                    format!(
                        "target port {p} of `{}` is used by two endpoints",
                        owner.value
                    ),
                )
                .with_label(listens(decl, *p, ""))
                .with_secondary(*first, listens(first_decl, *p, "already "))
                .with_help(help);
        } else {
            taken.push((target_port, span, decl));
        }
        let transport = match decl.transport.as_ref().map(|t| t.value.as_str()) {
            Some("http2") => Transport::Http2,
            Some("http") => Transport::Http,
            Some(_) => Transport::Tcp,
            None if scheme == "http" || scheme == "https" => Transport::Http,
            None => Transport::Tcp,
        };
        let protocol = match decl.protocol.as_ref().map(|p| p.value.as_str()) {
            Some("udp") => Protocol::Udp,
            Some(_) => Protocol::Tcp,
            None if scheme == "udp" => Protocol::Udp,
            None => Protocol::Tcp,
        };
        let mut endpoint = Endpoint {
            name: name.clone(),
            scheme,
            transport,
            protocol,
            target_port,
            port: published.unwrap_or(target_port),
            external: decl.external,
            ingress: None,
        };
        endpoint.ingress = crate::passes::ingress::ingress(owner, decl, &endpoint, diags);
        out.push(endpoint);
    }
    crate::passes::ingress::agree(owner, decls, &out, diags);
    out
}

fn health(
    decl: &HealthDecl,
    endpoint_decls: &[EndpointDecl],
    endpoints: &[Endpoint],
    diags: &mut Diagnostics,
) -> Option<Health> {
    let seconds = |v: &Option<Spanned<i64>>, min: i64, diags: &mut Diagnostics| -> Option<u32> {
        let v = v.as_ref()?;
        if v.value < min || v.value > 3600 {
            diags
                .report(
                    codes::INVALID_VALUE,
                    v.span,
                    format!("must be between {min} and 3600"),
                )
                .with_label(format!("{} is out of range", v.value));
            return None;
        }
        Some(v.value as u32)
    };
    let check = match &decl.check {
        HealthCheckDecl::Http { path, endpoint } => {
            let Some(index) = endpoints.iter().position(|e| e.name == endpoint.value) else {
                let known: Vec<&str> = endpoint_decls
                    .iter()
                    .map(|e| e.name.value.as_str())
                    .collect();
                let d = diags
                    .report(
                        codes::UNKNOWN_ENDPOINT,
                        endpoint.span,
                        format!("no endpoint named `{}`", endpoint.value),
                    )
                    .with_label("the health check must use one of this resource's endpoints");
                if let Some(s) =
                    crate::diagnostic::did_you_mean(&endpoint.value, known.iter().copied())
                {
                    d.with_help(format!("did you mean `{s}`?"));
                }
                return None;
            };
            if !endpoints[index].is_http() {
                diags
                    .report(
                        codes::INVALID_VALUE,
                        endpoint.span,
                        format!("endpoint `{}` is not http", endpoint.value),
                    )
                    .with_label("an HTTP health check needs an http or https endpoint");
                return None;
            }
            if !path.value.starts_with('/') {
                diags
                    .report(
                        codes::INVALID_VALUE,
                        path.span,
                        "a health check path starts with `/`",
                    )
                    .with_label("add a leading `/`");
            }
            HealthCheck::Http {
                path: path.value.clone(),
                endpoint: index,
            }
        }
        HealthCheckDecl::Command(command) => {
            if command.is_empty() {
                diags
                    .report(
                        codes::INVALID_VALUE,
                        decl.span,
                        "a health command cannot be empty",
                    )
                    .with_label("add the command to run");
                return None;
            }
            HealthCheck::Command(command.iter().map(|c| c.value.clone()).collect())
        }
    };
    Some(Health {
        check,
        initial_delay: seconds(&decl.initial_delay, 0, diags),
        period: seconds(&decl.period, 1, diags),
        timeout: seconds(&decl.timeout, 1, diags),
        failure_threshold: seconds(&decl.failure_threshold, 1, diags),
    })
}

/// CPU and memory in Kubernetes quantity syntax, which every target can convert from.
fn limits(decl: &LimitsDecl, diags: &mut Diagnostics) -> Limits {
    let cpu = decl.cpu.as_ref().filter(|cpu| {
        let ok = parse_cpu(&cpu.value).is_some();
        if !ok {
            diags
                .report(
                    codes::INVALID_VALUE,
                    cpu.span,
                    format!("invalid cpu quantity `{}`", cpu.value),
                )
                .with_label("expected cores like `0.5` or `2`, or millicores like `500m`");
        }
        ok
    });
    let memory = decl.memory.as_ref().filter(|memory| {
        let ok = parse_memory(&memory.value).is_some();
        if !ok {
            diags
                .report(
                    codes::INVALID_VALUE,
                    memory.span,
                    format!("invalid memory quantity `{}`", memory.value),
                )
                .with_label("expected a size like `512Mi`, `1Gi` or `1.5Gi`");
        }
        ok
    });
    Limits {
        cpu: cpu.map(|c| c.value.clone()),
        memory: memory.map(|m| m.value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use crate::integrations::IntegrationKind;

    #[test]
    fn every_integration_kind_has_a_usable_catalogue_entry() {
        for kind in IntegrationKind::ALL {
            assert!(!kind.endpoints().is_empty(), "{kind:?}");
            assert!(!kind.health_command().is_empty(), "{kind:?}");
            assert_eq!(
                IntegrationKind::from_type_name(kind.type_name()),
                Some(kind)
            );
        }
    }
}
