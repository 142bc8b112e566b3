//! The view of one container app of the plan: image, command, environment and secrets, CPU
//! and memory, probes, scale, ingress and volumes, as the template prints them.
//!
//! Every environment value that is secret is a container-app secret (the plan names it) and
//! the variable refers to it, so secret values only ever appear as secure-param
//! interpolations inside `secrets`.

use std::sync::Arc;

use aspirec_azure::databases::{INIT_IMAGE, INIT_MOUNT, INITDB_DIR, SCRIPT_VARIABLE};
use aspirec_azure::files::FILES_MOUNT;
use aspirec_azure::plan::{
    App, AppImage, CPU_SCALE_RULE, CustomDomain, JOB_REPLICA_TIMEOUT, JOB_RETRY_LIMIT, Trigger,
};
use aspirec_azure::probes::Check;
use aspirec_azure::storage::Shares;
use aspirec_azure::values::{AppValues, EnvValue, SecretValue};

use crate::bicep_string::BicepStr;
use crate::modules::ModuleSymbols;
use crate::values::{self, Symbols};
use crate::view::{
    AppView, AppVolumeView, Bool, CpuRuleView, DomainView, EnvView, FilesView, HttpProbeView,
    IngressView, InitView, JobView, MountView, Number, PortMappingView, ProbeView, RegistryView,
    SecretView, Source, SubPathMountView, Views, list, views,
};

/// What an app's view refers to besides the app itself.
pub(crate) struct AppContext<'a> {
    /// The symbols of the modules and their Key Vaults (Key Vault references).
    pub(crate) modules: &'a ModuleSymbols,
    pub(crate) symbols: &'a Symbols<'a>,
    pub(crate) shares: &'a Shares<'a>,
    /// The environment-storage symbol of each share, by its index in the plan.
    pub(crate) storage_symbols: &'a [String],
    /// The `image_tag` param symbol.
    pub(crate) image_tag: &'a str,
}

/// The view of one container app, whose values are `values`, and which waits for
/// `depends_on`.
pub(crate) fn view(
    ctx: &AppContext<'_>,
    app: &App<'_>,
    symbol: &str,
    values: &AppValues<'_>,
    depends_on: Vec<String>,
) -> AppView {
    let bicep = |range| Source::of(&values::bicep(ctx.symbols, values.chunks(range)));
    let secrets = views(values.secrets.iter().map(|secret| match &secret.value {
        SecretValue::Text(range) => SecretView {
            name: Source::of(&secret.name),
            value: Some(bicep(range)),
            key_vault_url: None,
        },
        SecretValue::KeyVault { vault, name } => {
            // The vault's URI ends with `/`.
            let mut url = BicepStr::expr(ctx.modules.vault_uri(*vault));
            url.push_text(&format!("secrets/{name}"));
            SecretView {
                name: Source::of(&secret.name),
                value: None,
                key_vault_url: Some(Source::of(&url)),
            }
        }
    }));
    let env = views(values.env.iter().map(|var| match &var.value {
        EnvValue::Secret(secret) => EnvView {
            name: Source::of(var.name),
            value: None,
            secret_ref: values.secrets.get(*secret).map(|s| Source::of(&s.name)),
        },
        EnvValue::Plain(range) => EnvView {
            name: Source::of(var.name),
            value: Some(bicep(range)),
            secret_ref: None,
        },
    }));
    let registry = values.registry.as_ref().map(|registry| {
        Arc::new(RegistryView {
            server: Source::of(registry.server),
            username: bicep(&registry.username),
            password_secret: Source::of(
                values
                    .secrets
                    .get(registry.password)
                    .map_or("", |s| s.name.as_str()),
            ),
        })
    });
    let ingress = app.ingress.main.map(|main| {
        Arc::new(IngressView {
            external: Bool(main.external),
            target_port: Number::of(main.target_port),
            transport: Source::of(main.transport.as_str()),
            exposed_port: main.exposed_port.map(Number::of),
            additional: views(app.ingress.additional.iter().map(|m| PortMappingView {
                target_port: Number::of(m.target_port),
                exposed_port: Number::of(m.exposed_port),
            })),
            domains: views(app.domains.iter().map(domain)),
        })
    });
    let share_name = |index: usize| {
        app.volumes
            .get(index)
            .and_then(|&share| ctx.shares.get(share))
            .map_or("", |share| share.name.as_str())
    };
    let volumes = views(app.volumes.iter().map(|&share| AppVolumeView {
        name: Source::of(ctx.shares.get(share).map_or("", |s| s.name.as_str())),
        storage_symbol: ctx.storage_symbols.get(share).cloned().unwrap_or_default(),
    }));
    let mounts = views(app.mounts.iter().map(|&(volume, path)| MountView {
        volume: Source::of(share_name(volume)),
        path: Source::of(path),
    }));
    AppView {
        symbol: symbol.to_string(),
        name: Source::of(&app.name),
        comments: list(app.notes.iter().map(|note| note.text())),
        ingress,
        secrets,
        registry,
        image: Source::of(&image(ctx, app.image)),
        command: list(app.workload.entrypoint.iter().map(Source::of)),
        args: list(values.args.iter().map(bicep)),
        env,
        cpu: Source::of(app.size.cpu),
        memory: Source::of(app.size.memory),
        probes: probes(app),
        mounts,
        volumes,
        init: app.init.as_ref().map(|init| {
            Arc::new(InitView {
                name: Source::of(&init.container),
                image: Source::of(INIT_IMAGE),
                command: Source::of(&init.command),
                variable: Source::of(SCRIPT_VARIABLE),
                script: Source::of(&init.script),
                cpu: Source::of(init.size.cpu),
                memory: Source::of(init.size.memory),
                volume: Source::of(&init.volume),
                mount: Source::of(INIT_MOUNT),
                dir: Source::of(INITDB_DIR),
            })
        }),
        depends_on: list(depends_on),
        min_replicas: Number::of(app.scale.0),
        max_replicas: Number::of(app.scale.1),
        cpu_rule: app.cpu_target.map(|target| {
            Arc::new(CpuRuleView {
                name: Source::of(CPU_SCALE_RULE),
                value: Source::of(&target.to_string()),
            })
        }),
        files: app.files.as_ref().map(|files| {
            Arc::new(FilesView {
                name: Source::of(&files.container),
                image: Source::of(files.image),
                command: Source::of(&files.command),
                env: views(files.variables.iter().map(|(name, value)| EnvView {
                    name: Source::of(name),
                    value: Some(Source::of(value)),
                    secret_ref: None,
                })),
                cpu: Source::of(files.size.cpu),
                memory: Source::of(files.size.memory),
                volume: Source::of(&files.volume),
                mount: Source::of(FILES_MOUNT),
                mounts: views(
                    files
                        .mounts
                        .iter()
                        .map(|(path, sub_path)| SubPathMountView {
                            path: Source::of(path),
                            sub_path: Source::of(sub_path),
                        }),
                ),
            })
        }),
        job: app.job.map(|trigger| {
            let (kind, schedule) = match trigger {
                Trigger::Manual => ("Manual", None),
                Trigger::Schedule(schedule) => ("Schedule", Some(Source::of(schedule))),
            };
            Arc::new(JobView {
                trigger: Source::of(kind),
                schedule,
                timeout: Number::of(JOB_REPLICA_TIMEOUT),
                retries: Number::of(JOB_RETRY_LIMIT),
            })
        }),
    }
}

/// The image: a built image takes its tag from the `image_tag` param.
fn image(ctx: &AppContext<'_>, image: AppImage<'_>) -> BicepStr {
    match image {
        AppImage::Pull(reference) => BicepStr::text(reference),
        AppImage::Built { repository } => {
            let mut out = BicepStr::text(format!("{repository}:"));
            out.push_expr(ctx.image_tag);
            out
        }
    }
}

/// Liveness and readiness probes, alike.
fn probes(app: &App<'_>) -> Views<ProbeView> {
    let Some(probe) = &app.probe else {
        return views([]);
    };
    let (http, tcp_port) = match probe.check {
        Check::Http { path, port, https } => (
            Some(Arc::new(HttpProbeView {
                path: Source::of(path),
                port: Number::of(port),
                scheme: Source::of(if https { "HTTPS" } else { "HTTP" }),
            })),
            None,
        ),
        Check::Tcp { port } => (None, Some(port)),
    };
    let timing = probe.timing;
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

/// A custom domain of the app's ingress, bound by SNI to the named certificate of the
/// environment (`env`), or added with its binding disabled.
fn domain(domain: &CustomDomain<'_>) -> DomainView {
    match domain.certificate {
        Some(certificate) => {
            let mut id = BicepStr::expr("env.id");
            id.push_text("/certificates/");
            id.push_text(certificate);
            DomainView {
                name: Source::of(domain.host),
                binding_type: Source::of("SniEnabled"),
                certificate_id: Some(Source::raw(id.to_bicep())),
            }
        }
        None => DomainView {
            name: Source::of(domain.host),
            binding_type: Source::of("Disabled"),
            certificate_id: None,
        },
    }
}
