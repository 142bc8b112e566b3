//! One container app per workload: image, command, environment and secrets, CPU and memory,
//! probes, scale, ingress and volumes.
//!
//! Every environment value that is secret becomes a container-app secret (named after the
//! variable, see [`secret_name`]) and the variable refers to it, so secret values only ever
//! appear as secure-parameter interpolations inside `secrets`.

use std::sync::Arc;

use aspirec_azure::Unsupported;
use aspirec_azure::names::SECRET_NAME_MAX;
use aspirec_azure::probes::{self, Check, Timing};
use ir::{CheckedModel, Diagnostics, Image, PublishOptions, Resource, Role, Workload};

use crate::bicep_string::BicepStr;
use crate::hosting::AppHosting;
use crate::names::{UniqueNames, secret_name};
use crate::storage::Shares;
use crate::values::Resolver;
use crate::view::{
    AppView, AppVolumeView, Bool, EnvView, HttpProbeView, IngressView, List, MountView, Number,
    PortMappingView, ProbeView, SecretView, Source, Views, list, views,
};

/// What building an app needs besides the workload itself.
pub(crate) struct AppContext<'a, 'r> {
    pub(crate) model: &'a CheckedModel,
    pub(crate) options: &'a PublishOptions,
    pub(crate) resolver: &'a mut Resolver<'r>,
    pub(crate) shares: &'a Shares,
    /// The `image_tag` param symbol; set to used when a built image refers to it.
    pub(crate) image_tag: &'a str,
    pub(crate) image_tag_used: bool,
}

/// The view of one container app, or `None` after an error.
pub(crate) fn build(
    ctx: &mut AppContext<'_, '_>,
    resource: &Resource,
    workload: &Workload,
    hosting: &AppHosting,
    diags: &mut Diagnostics,
) -> Option<AppView> {
    let mut comments = notes(workload);
    let reporter = crate::reporter(ctx.options);
    let size = reporter.size(resource, &workload.limits, diags);

    let (secrets, env) = environment(ctx, workload);
    let args = arguments(ctx, resource, workload, diags);
    for mount in &workload.bind_mounts {
        reporter.unsupported(resource, Unsupported::BindMount(mount), diags);
    }
    let (volumes, mounts) = volumes(ctx, workload);
    let probes = probes(ctx, resource, workload, &mut comments, diags);

    let image = image(ctx, &workload.image);
    let ingress = hosting.ingress.main.map(|main| {
        Arc::new(IngressView {
            external: Bool(main.external),
            target_port: Number::of(main.target_port),
            transport: Source::of(main.transport.as_str()),
            exposed_port: main.exposed_port.map(Number::of),
            additional: views(hosting.ingress.additional.iter().map(|m| PortMappingView {
                target_port: Number::of(m.target_port),
                exposed_port: Number::of(m.exposed_port),
            })),
        })
    });
    let size = size?;
    let (min_replicas, max_replicas) = probes::scale(workload.replicas);
    Some(AppView {
        symbol: hosting.symbol.clone(),
        name: Source::of(&hosting.name),
        comments: list(comments),
        ingress,
        secrets,
        image: Source::of(&image),
        command: list(workload.entrypoint.iter().map(Source::of)),
        args,
        env,
        cpu: Source::of(size.cpu),
        memory: Source::of(size.memory),
        probes,
        mounts,
        volumes,
        min_replicas: Number::of(min_replicas),
        max_replicas: Number::of(max_replicas),
    })
}

/// One-line notes for the reader of the output: what this target does differently.
fn notes(workload: &Workload) -> Vec<String> {
    let mut comments = Vec::new();
    if let Role::Integration(integration) = &workload.role {
        if integration.azure == ir::AzureHosting::Managed {
            comments.push(format!(
                "`{}` has no managed Azure service here: it runs as a container app.",
                integration.kind.type_name()
            ));
        }
        if !workload.volumes.is_empty()
            && matches!(
                integration.kind,
                ir::IntegrationKind::Postgres | ir::IntegrationKind::MySql
            )
        {
            comments.push(
                "Its data is on Azure Files (SMB), where Postgres and MySQL have known locking and permission issues.".to_string(),
            );
        }
    }
    if let Image::Build(_) = &workload.image {
        comments.push(
            "Built from source: push the image before deploying; registry credentials are not configured here.".to_string(),
        );
    }
    if !workload.wait_for.is_empty() {
        comments.push(
            "Azure Container Apps has no start order: `wait_for` is not enforced.".to_string(),
        );
    }

    comments
}

/// The image: built images take their tag from the `image_tag` param.
fn image(ctx: &mut AppContext<'_, '_>, image: &Image) -> BicepStr {
    match image {
        Image::Pull(reference) => BicepStr::text(reference.clone()),
        Image::Build(build) => {
            let tag_suffix = format!(":{}", ctx.model.tag());
            let repository = build
                .image
                .strip_suffix(&tag_suffix)
                .unwrap_or(&build.image);
            ctx.image_tag_used = true;
            let mut out = BicepStr::text(format!("{repository}:"));
            out.push_expr(ctx.image_tag);
            out
        }
    }
}

/// Environment variables and the secrets behind the secret ones.
fn environment(
    ctx: &mut AppContext<'_, '_>,
    workload: &Workload,
) -> (Views<SecretView>, Views<EnvView>) {
    let mut secrets = Vec::new();
    let mut env = Vec::with_capacity(workload.env.len());
    let mut secret_names = UniqueNames::default();
    for var in &workload.env {
        let rendered = ctx.resolver.render(&var.value);
        if rendered.secret {
            let name = secret_names.claim(&secret_name(&var.name), SECRET_NAME_MAX);
            secrets.push(SecretView {
                name: Source::of(&name),
                value: Source::of(&rendered.value),
            });
            env.push(EnvView {
                name: Source::of(&var.name),
                value: None,
                secret_ref: Some(Source::of(&name)),
            });
        } else {
            env.push(EnvView {
                name: Source::of(&var.name),
                value: Some(Source::of(&rendered.value)),
                secret_ref: None,
            });
        }
    }
    (views(secrets), views(env))
}

/// Arguments. ACA cannot pass a secret as an argument without showing it in the app's
/// definition, so a secret argument is unsupported.
fn arguments(
    ctx: &mut AppContext<'_, '_>,
    resource: &Resource,
    workload: &Workload,
    diags: &mut Diagnostics,
) -> Arc<List<Source>> {
    let mut args = Vec::new();
    for arg in &workload.args {
        let rendered = ctx.resolver.render(arg);
        if rendered.secret {
            crate::reporter(ctx.options).unsupported(resource, Unsupported::SecretArgument, diags);
        } else {
            args.push(Source::of(&rendered.value));
        }
    }
    list(args)
}

fn volumes(
    ctx: &AppContext<'_, '_>,
    workload: &Workload,
) -> (Views<AppVolumeView>, Views<MountView>) {
    let mut volumes: Vec<(&str, String, &str)> = Vec::new();
    let mut mounts = Vec::new();
    let mut names = UniqueNames::default();
    for volume in &workload.volumes {
        let Some(storage_symbol) = ctx.shares.storage_symbol(&volume.name) else {
            continue;
        };
        let app_volume = match volumes
            .iter()
            .find(|(model_name, _, _)| *model_name == volume.name)
        {
            Some((_, existing, _)) => Source::of(existing),
            None => {
                let name = names.claim(&ir::publish::dns_label(&volume.name, 63), 63);
                let source = Source::of(&name);
                volumes.push((&volume.name, name, storage_symbol));
                source
            }
        };
        mounts.push(MountView {
            volume: app_volume,
            path: Source::of(&volume.target),
        });
    }
    let volumes = volumes
        .into_iter()
        .map(|(_, name, storage_symbol)| AppVolumeView {
            name: Source::of(&name),
            storage_symbol: storage_symbol.to_string(),
        });
    (views(volumes), views(mounts))
}

/// Liveness and readiness probes (the shared plan). ACA has no exec probes: a health command
/// becomes a TCP probe on the first (non-UDP) endpoint's target port, noted in a comment;
/// without any endpoint it is unsupported.
fn probes(
    ctx: &AppContext<'_, '_>,
    resource: &Resource,
    workload: &Workload,
    comments: &mut Vec<String>,
    diags: &mut Diagnostics,
) -> Views<ProbeView> {
    let Some(health) = &workload.health else {
        return views([]);
    };
    let (http, tcp_port) = match probes::check(&workload.endpoints, health) {
        Ok(Some(Check::Http { path, port, https })) => (
            Some(Arc::new(HttpProbeView {
                path: Source::of(path),
                port: Number::of(port),
                scheme: Source::of(if https { "HTTPS" } else { "HTTP" }),
            })),
            None,
        ),
        Ok(Some(Check::Tcp { port })) => {
            comments.push(format!(
                "The health command becomes a TCP probe on port {port}: Azure Container Apps has no exec probes."
            ));
            (None, Some(port))
        }
        Ok(None) => return views([]),
        Err(probes::NoPortToProbe) => {
            crate::reporter(ctx.options).unsupported(resource, Unsupported::HealthCommand, diags);
            return views([]);
        }
    };
    let timing = Timing::of(health);
    views(["Liveness", "Readiness"].map(|kind| ProbeView {
        kind: Source::of(kind),
        // Both probes check the same way: one view, shared.
        http: http.clone(),
        tcp_port: tcp_port.map(Number::of),
        initial_delay: timing.initial_delay.map(Number::of),
        period: timing.period.map(Number::of),
        timeout: timing.timeout.map(Number::of),
        failure_threshold: timing.failure_threshold.map(Number::of),
    }))
}
