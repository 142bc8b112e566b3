//! Lowers the checked model to the Compose file ([`crate::spec`]): one service per workload
//! (containers, projects, integrations), in declaration order. Databases run nothing of their
//! own and externals run elsewhere: both only show up inside the values that use them.
//!
//! What Compose cannot carry is either a diagnostic (`E0702`, or a warning with
//! `--allow-unsupported`) or, where the file still works without it, a note that the caller
//! writes as a comment at the top of `compose.yaml`.

use std::collections::{BTreeMap, BTreeSet};

use ir::integrations::IntegrationKind;
use ir::{
    CheckedModel, Diagnostic, Diagnostics, Encoding, Endpoint, Health, HealthCheck, Image, Part,
    Protocol, PublishOptions, Resource, ResourceKind, Role, WaitCondition, Workload, codes,
};

use crate::entries::Entries;
use crate::interpolation::{Variable, escape};
use crate::names::{project_name, service_name};
use crate::paths::relative_to;
use crate::spec::*;
use crate::values::{Resolver, push_number};

/// Where Postgres and MySQL images run scripts on their first start.
const INITDB_TARGET: &str = "/docker-entrypoint-initdb.d/aspirec-databases.sql";

pub(crate) struct Lowered {
    pub(crate) file: ComposeFile,
    /// What the file does not carry and why, one note per entry, for the header comment.
    pub(crate) notes: Vec<String>,
    /// The variables the file reads, for `.env.example`.
    pub(crate) used: BTreeSet<Variable>,
}

pub(crate) fn lower(
    model: &CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Lowered {
    let mut cx = Lowering {
        model,
        options,
        resolver: Resolver::new(model),
        file: ComposeFile {
            name: project_name(model.name()),
            ..ComposeFile::default()
        },
        notes: Vec::new(),
        host_ports: BTreeMap::new(),
    };
    let mut services = Vec::new();
    for (id, resource, workload) in model.workloads() {
        let name = cx.resolver.names.of(id).to_string();
        let service = cx.service(&name, resource, workload, diags);
        services.push((name, service));
    }
    for (id, resource, workload) in model.build_only() {
        let name = cx.resolver.names.of(id).to_string();
        let service = cx.build_only_service(&name, resource, workload, diags);
        services.push((name, service));
    }
    cx.file.services = services.into_iter().collect();
    cx.notes.extend(login_notes(model));
    // Only a library caller that gave no output folder leaves the model's folder unknown.
    if options.model_dir.is_empty() && model.workloads().any(|(_, _, w)| has_relative_host_path(w))
    {
        cx.notes.push(
            "Build contexts and bind mount sources are written as the model gives them, relative to the model's \
             folder, while Compose reads them relative to the project directory. Run Compose from the model's folder \
             (`docker compose -f <this folder>/compose.yaml --env-file <this folder>/.env --project-directory . up`) \
             or move this folder there."
                .to_string(),
        );
    }
    Lowered {
        file: cx.file,
        notes: cx.notes,
        used: cx.resolver.used,
    }
}

struct Lowering<'m> {
    model: &'m CheckedModel,
    options: &'m PublishOptions,
    resolver: Resolver<'m>,
    file: ComposeFile,
    notes: Vec<String>,
    /// Host ports published so far, (UDP?, port) to the service: the host has each port once
    /// per protocol.
    host_ports: BTreeMap<(bool, u16), String>,
}

impl Lowering<'_> {
    fn service(
        &mut self,
        name: &str,
        resource: &Resource,
        workload: &Workload,
        diags: &mut Diagnostics,
    ) -> Service {
        let (ports, expose) = self.ports(name, workload);
        if let Some(Health {
            check: HealthCheck::Http { path, endpoint },
            ..
        }) = &workload.health
        {
            let port = workload
                .endpoints
                .get(*endpoint)
                .map_or_else(String::new, |e| format!(" on port {}", e.target_port));
            self.notes.push(format!(
                "`{name}`: its HTTP health check (GET {path}{port}) is not written. Compose runs health checks inside \
                 the container, whose image may have no HTTP client (distroless and .NET images have none); services \
                 that wait for `{name}` wait until it has started."
            ));
        }
        for endpoint in &workload.endpoints {
            if let Some(ingress) = &endpoint.ingress {
                self.notes.push(ingress_note(name, endpoint, ingress));
            }
        }
        if let Some(scale) = &workload.autoscale {
            self.notes.push(format!(
                "`{name}`: Compose does not autoscale; it runs `autoscale.min` ({}) of up to {} replicas (the other \
                 targets scale on {} percent CPU utilisation).",
                scale.min, scale.max, scale.cpu
            ));
        }
        Service {
            image: escape(workload.image.reference()),
            build: self.build(name, resource, &workload.image, diags),
            profiles: Vec::new(),
            entrypoint: workload.entrypoint.iter().map(|e| escape(e)).collect(),
            command: workload
                .args
                .iter()
                .map(|a| self.resolver.value(a, diags))
                .collect(),
            environment: self.environment(name, workload, diags),
            ports,
            expose,
            volumes: self.mounts(workload),
            configs: {
                let mut configs = self.init_scripts(name, workload);
                configs.extend(self.files(name, workload));
                configs
            },
            healthcheck: healthcheck(workload),
            depends_on: self.depends_on(workload),
            deploy: deploy(workload),
            restart: self.restart(name, workload, diags),
        }
    }

    /// The service of a build-only image: its image and build, in [`BUILD_ONLY_PROFILE`], so
    /// that `docker compose up` never starts it; what would only matter to a running
    /// container (environment, endpoints, volumes) is not written, and a note says so.
    fn build_only_service(
        &mut self,
        name: &str,
        resource: &Resource,
        workload: &Workload,
        diags: &mut Diagnostics,
    ) -> Service {
        self.notes.push(format!(
            "`{name}` is an image that only other images' builds use (`buildOnly`), never run: its service only \
             builds it, in the `{BUILD_ONLY_PROFILE}` profile, which `docker compose up` does not start. Build it \
             before the images that copy files from it: `docker compose build {name}`. Its environment and \
             endpoints, which only a running container would use, are not written."
        ));
        Service {
            image: escape(workload.image.reference()),
            build: self.build(name, resource, &workload.image, diags),
            profiles: vec![BUILD_ONLY_PROFILE.to_string()],
            ..Service::default()
        }
    }

    /// A job runs once and is not restarted (`restart: "no"`), so that `depends_on` with
    /// `service_completed_successfully` sees its exit status. Compose has no scheduler: a
    /// schedule is unsupported, and with `--allow-unsupported` the job runs once at `up`.
    fn restart(
        &self,
        service: &str,
        workload: &Workload,
        diags: &mut Diagnostics,
    ) -> Option<&'static str> {
        let job = workload.job.as_ref()?;
        if let Some(schedule) = &job.schedule {
            self.unsupported_at(
                diags,
                job.span,
                format!("job `{service}` runs on a schedule (`{schedule}`), which Compose cannot express"),
                "Compose has no scheduler: run the job from the host's cron (`docker compose run --rm <job>`), or use `--allow-unsupported` to run it once at `up`",
            );
        }
        Some("no")
    }

    /// The service's variables, without those that would advertise `https://` on a port that
    /// serves plain HTTP (see [`ir::CheckedModel::is_plaintext_https_discovery`]); a note
    /// names what was left out.
    fn environment(
        &mut self,
        service: &str,
        workload: &Workload,
        diags: &mut Diagnostics,
    ) -> Entries<String> {
        let mut left_out: Vec<&str> = Vec::new();
        let mut environment = Vec::with_capacity(workload.env.len());
        for var in &workload.env {
            if self.model.is_plaintext_https_discovery(var) {
                left_out.push(&var.name);
            } else {
                environment.push((var.name.clone(), self.resolver.value(&var.value, diags)));
            }
        }
        if !left_out.is_empty() {
            self.notes.push(format!(
                "`{service}`: {} not written: the https endpoints they name share their port with an http endpoint, \
                 which serves plain HTTP with no TLS in front of it in Compose; clients use the http address instead.",
                left_out.join(", ")
            ));
        }
        environment.into_iter().collect()
    }

    /// `build:` for an image built from source. The model gives the Dockerfile relative to its
    /// own folder, Compose wants it relative to the context.
    fn build(
        &mut self,
        service: &str,
        resource: &Resource,
        image: &Image,
        diags: &mut Diagnostics,
    ) -> Option<Build> {
        let build = match image {
            Image::Build(build) => build,
            Image::Pull(_) => return None,
        };
        let dockerfile = build.dockerfile.as_ref().map(|dockerfile| {
            relative_to(&build.context, dockerfile).unwrap_or_else(|| {
                self.notes.push(format!(
                    "`{service}`: the Dockerfile `{dockerfile}` cannot be expressed relative to the build context \
                     `{}`; it is written as the model gives it.",
                    build.context
                ));
                dockerfile.clone()
            })
        });
        let mut secrets = Vec::new();
        for (name, value) in &build.secrets {
            // Compose reads a build secret from one variable; anything else would have to be
            // written into the file.
            let [
                Part::Param {
                    param,
                    encoding: Encoding::Raw,
                },
            ] = value.parts.as_slice()
            else {
                self.unsupported(
                    diags,
                    resource,
                    format!(
                        "build secret `{name}` of `{service}` is not a single parameter, which Compose cannot read"
                    ),
                    "Compose reads a build secret from one variable of the environment; make the secret a parameter",
                );
                continue;
            };
            let variable = Variable {
                param: *param,
                uri_encoded: false,
            };
            self.resolver.used.insert(variable);
            let key = service_name(&format!("{service}-{name}"));
            self.file.secrets.insert(
                key.clone(),
                Secret {
                    environment: variable.name(self.model),
                },
            );
            secrets.push(SecretMount {
                source: key,
                target: escape(name),
            });
        }
        Some(Build {
            context: escape(&self.options.from_model_dir(&build.context)),
            dockerfile: dockerfile.map(|d| escape(&d)),
            target: build.target.as_deref().map(escape),
            args: build
                .args
                .iter()
                .map(|(k, v)| (k.clone(), self.resolver.value(v, diags)))
                .collect(),
            secrets,
        })
    }

    /// Named volumes (declared at the top level too) and bind mounts, in long syntax.
    fn mounts(&mut self, workload: &Workload) -> Vec<Mount> {
        let mut mounts = Vec::new();
        for volume in &workload.volumes {
            let source = service_name(&volume.name);
            self.file.volumes.entry(source.clone()).or_default();
            mounts.push(Mount {
                kind: MountKind::Volume,
                source,
                target: escape(&volume.target),
                read_only: volume.read_only,
            });
        }
        for bind in &workload.bind_mounts {
            mounts.push(Mount {
                kind: MountKind::Bind,
                source: escape(&self.options.from_model_dir(&bind.source)),
                target: escape(&bind.target),
                read_only: bind.read_only,
            });
        }
        mounts
    }

    /// The script that creates an integration's child databases, as an inline config mounted
    /// where the image runs scripts on its first start.
    fn init_scripts(&mut self, service: &str, workload: &Workload) -> Vec<ConfigMount> {
        let Role::Integration(integration) = &workload.role else {
            return Vec::new();
        };
        let databases: Vec<&str> = integration
            .databases
            .iter()
            .filter_map(|id| match &self.model.resource(*id).kind {
                ResourceKind::Database(db) => Some(db.database_name.as_str()),
                ResourceKind::Workload(_)
                | ResourceKind::External(_)
                | ResourceKind::BuildOnly(_) => None,
            })
            .collect();
        let Some(script) = integration.kind.database_init_script(&databases) else {
            if !databases.is_empty() && integration.kind == IntegrationKind::SqlServer {
                let (noun, pronoun) = if databases.len() == 1 {
                    ("database", "it")
                } else {
                    ("databases", "them")
                };
                self.notes.push(format!(
                    "`{service}`: the SQL Server image has no init hook, so the {noun} {} {} not created; the \
                     application creates {pronoun} on first use (as EF Core migrations do).",
                    databases.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", "),
                    if databases.len() == 1 { "is" } else { "are" },
                ));
            }
            return Vec::new();
        };
        let key = format!("{service}-initdb");
        self.file.configs.insert(
            key.clone(),
            Config {
                content: escape(&script),
            },
        );
        vec![ConfigMount {
            source: key,
            target: INITDB_TARGET.to_string(),
        }]
    }

    /// The workload's `files`, each file a config written inline (so the output folder holds
    /// everything) and mounted read-only at its path. The config's name carries a hash of
    /// the contents: a changed file changes the service, which `up` then recreates.
    fn files(&mut self, service: &str, workload: &Workload) -> Vec<ConfigMount> {
        let mut mounts = Vec::new();
        for (index, mount) in workload.files.iter().enumerate() {
            let hash = mount.content_hash();
            for (path, name, content) in mount.paths() {
                let key = format!("{service}-files{index}-{hash}-{name}");
                self.file.configs.insert(
                    key.clone(),
                    Config {
                        content: escape(content),
                    },
                );
                mounts.push(ConfigMount {
                    source: key,
                    target: path,
                });
            }
        }
        mounts
    }

    /// `wait_for` as `depends_on`: healthy where the target has a health check in this file.
    fn depends_on(&self, workload: &Workload) -> Entries<Dependency> {
        workload
            .wait_for
            .iter()
            .map(|wait| {
                let target = self.model.resource(wait.target);
                let healthy = match wait.condition {
                    WaitCondition::Healthy => {
                        target.as_workload().and_then(health_command).is_some()
                    }
                    WaitCondition::Started | WaitCondition::Completed => false,
                };
                let condition = if wait.condition == WaitCondition::Completed {
                    Condition::CompletedSuccessfully
                } else if healthy {
                    Condition::Healthy
                } else {
                    Condition::Started
                };
                (
                    self.resolver.names.of(wait.target).to_string(),
                    Dependency { condition },
                )
            })
            .collect()
    }

    /// A part of the model Compose cannot express: an error, or with `--allow-unsupported` a
    /// warning and the part is left out.
    fn unsupported(
        &self,
        diags: &mut Diagnostics,
        resource: &Resource,
        message: String,
        help: &str,
    ) {
        self.unsupported_at(diags, resource.span, message, help);
    }

    /// [`Self::unsupported`], pointing at `span`.
    fn unsupported_at(&self, diags: &mut Diagnostics, span: ir::Span, message: String, help: &str) {
        let diagnostic = Diagnostic::new(codes::UNSUPPORTED_FEATURE, span, message)
            .label("Compose cannot express part of this resource");
        diags.push(if self.options.allow_unsupported {
            diagnostic.left_out("left out of compose.yaml by --allow-unsupported")
        } else {
            diagnostic.help(help)
        });
    }

    /// External endpoints are published on the host (`port:target_port`); the others are only
    /// reachable inside the project network (`expose`). With several replicas one host port
    /// cannot serve them all, so they get a host port range starting at `port`.
    fn ports(&mut self, service: &str, workload: &Workload) -> (Vec<String>, Vec<String>) {
        let (mut ports, mut expose) = (Vec::new(), Vec::new());
        let mut published = Vec::new();
        for endpoint in &workload.endpoints {
            if endpoint.external {
                // http and https of a project often share one mapping: one entry, one claim.
                let mapping = (endpoint.port, endpoint.target_port, endpoint.protocol);
                if published.contains(&mapping) {
                    continue;
                }
                published.push(mapping);
            }
            // Room for `65535-65535:65535/udp`.
            let mut entry = String::with_capacity(24);
            let list = if endpoint.external {
                if let Some((first, last)) = self.host_range(service, endpoint, workload.replicas) {
                    push_number(&mut entry, first);
                    if last != first {
                        entry.push('-');
                        push_number(&mut entry, last);
                    }
                    entry.push(':');
                }
                &mut ports
            } else {
                &mut expose
            };
            push_number(&mut entry, endpoint.target_port);
            entry.push_str(match endpoint.protocol {
                Protocol::Tcp => "",
                Protocol::Udp => "/udp",
            });
            if !list.contains(&entry) {
                list.push(entry);
            }
        }
        (ports, expose)
    }

    /// The host ports of an external endpoint, one per replica from `port` on, claimed for
    /// `service`; `None` lets Docker pick free host ports. It does when the range does not fit,
    /// and when another mapping already published one of these ports (two external projects
    /// both on 8080): `docker compose up` would refuse the second, so it gets a free port and
    /// a note.
    fn host_range(
        &mut self,
        service: &str,
        endpoint: &Endpoint,
        replicas: u32,
    ) -> Option<(u16, u16)> {
        let first = endpoint.port;
        let extra = u16::try_from(replicas.saturating_sub(1)).ok()?;
        let last = first.checked_add(extra)?;
        let udp = endpoint.protocol == Protocol::Udp;
        let taken_by =
            (first..=last).find_map(|port| Some((port, self.host_ports.get(&(udp, port))?)));
        if let Some((port, owner)) = taken_by {
            self.notes.push(format!(
                "`{service}`: host port {port} of its endpoint `{}` is already published by `{owner}`, so Docker \
                 picks a free host port for it (`docker compose port {}{service} {}` shows which).",
                endpoint.name,
                if udp { "--protocol udp " } else { "" },
                endpoint.target_port
            ));
            return None;
        }
        for port in first..=last {
            self.host_ports.insert((udp, port), service.to_string());
        }
        Some((first, last))
    }
}

/// `n` followed by `unit`: `30s`, `512m`.
fn with_unit(n: impl itoa::Integer, unit: &str) -> String {
    let mut text = String::with_capacity(8);
    push_number(&mut text, n);
    text.push_str(unit);
    text
}

/// The health check Compose can run: a command inside the container. HTTP checks are left out
/// (see the note in [`Lowering::service`]).
fn healthcheck(workload: &Workload) -> Option<Healthcheck> {
    let (health, command) = health_command(workload)?;
    let test = match command {
        // `CMD-SHELL` is `/bin/sh -c` already, and reads as the script it runs.
        [shell, flag, script] if matches!(shell.as_str(), "/bin/sh" | "sh") && flag == "-c" => {
            vec!["CMD-SHELL".to_string(), escape(script)]
        }
        _ => std::iter::once("CMD".to_string())
            .chain(command.iter().map(|c| escape(c)))
            .collect(),
    };
    let seconds = |s: Option<u32>| s.map(|s| with_unit(s, "s"));
    Some(Healthcheck {
        test,
        interval: seconds(health.period),
        timeout: seconds(health.timeout),
        retries: health.failure_threshold,
        start_period: seconds(health.initial_delay),
    })
}

/// The workload's health check when it is a command, the only kind [`healthcheck`] writes.
fn health_command(workload: &Workload) -> Option<(&Health, &[String])> {
    let health = workload.health.as_ref()?;
    match &health.check {
        HealthCheck::Command(command) => Some((health, command)),
        HealthCheck::Http { .. } => None,
    }
}

fn deploy(workload: &Workload) -> Option<Deploy> {
    let replicas = (workload.replicas != 1).then_some(workload.replicas);
    let cpus = workload.limits.cpu_millicores().map(cores);
    let memory = workload.limits.memory_bytes().map(bytes);
    let resources = (cpus.is_some() || memory.is_some()).then_some(Resources {
        limits: Limits { cpus, memory },
    });
    (replicas.is_some() || resources.is_some()).then_some(Deploy {
        replicas,
        resources,
    })
}

/// Millicores as decimal cores: 500 is `0.5`, 2000 is `2`, 1 is `0.001`.
fn cores(millicores: u64) -> String {
    let (whole, fraction) = (millicores / 1000, millicores % 1000);
    let mut text = with_unit(whole, "");
    if fraction != 0 {
        // `1000 + fraction` has four digits, the last three the fraction's zero-padded ones.
        let mut padded = itoa::Buffer::new();
        let digits = padded.format(1000 + fraction).get(1..).unwrap_or_default();
        text.push('.');
        text.push_str(digits.trim_end_matches('0'));
    }
    text
}

/// Bytes in the largest binary unit that divides them exactly (Docker's `k`, `m`, `g` are
/// 1024-based, like Kubernetes' `Ki`, `Mi`, `Gi`), else plain bytes.
fn bytes(bytes: u64) -> String {
    for (unit, size) in [("g", 1u64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if bytes >= size && bytes % size == 0 {
            return with_unit(bytes / size, unit);
        }
    }
    with_unit(bytes, "b")
}

/// Whether the workload has a path on the build machine or host that is relative.
fn has_relative_host_path(workload: &Workload) -> bool {
    let relative = |path: &str| !path.starts_with('/') && !path.starts_with('~');
    let context = match &workload.image {
        Image::Build(build) => relative(&build.context),
        Image::Pull(_) => false,
    };
    context || workload.bind_mounts.iter().any(|b| relative(&b.source))
}

/// How images of private registries are pulled: Compose reads the credentials `docker login`
/// stored on the machine, so the output holds none. One note per registry, naming its
/// services.
fn login_notes(model: &CheckedModel) -> Vec<String> {
    model
        .registries()
        .iter()
        .filter_map(|registry| {
            let services: Vec<String> = model
                .workloads()
                .chain(model.build_only())
                .filter(|(_, _, w)| model.registry_of(&w.image) == Some(registry))
                .map(|(_, r, _)| format!("`{}`", r.name))
                .collect();
            (!services.is_empty()).then(|| {
                format!(
                    "The images of {} are in the private registry `{}` (`{}`): run `docker login {}` \
                     with its credentials before `docker compose pull`, `up` or `push`.",
                    services.join(", "),
                    registry.name,
                    registry.server,
                    registry.server
                )
            })
        })
        .collect()
}

/// What Compose does with an endpoint's `ingress`: nothing, said in the header. Compose
/// publishes the port on the host, with no host names, path routing or TLS in front of it.
fn ingress_note(name: &str, endpoint: &Endpoint, ingress: &ir::Ingress) -> String {
    let mut parts = Vec::new();
    if !ingress.hosts.is_empty() {
        parts.push(format!("hosts {}", ingress.hosts.join(", ")));
    }
    if !ingress.routes_everything() {
        parts.push(format!("path {}", ingress.path));
    }
    match &ingress.tls {
        Some(ir::Tls::Secret(secret)) => parts.push(format!("TLS certificate `{secret}`")),
        Some(ir::Tls::Issuer(issuer)) => parts.push(format!("TLS from issuer `{issuer}`")),
        None => {}
    }
    if let Some(class) = &ingress.class {
        parts.push(format!("Ingress class `{class}`"));
    }
    format!(
        "`{name}`: endpoint `{}` is published on the host over plain HTTP, without its ingress settings ({}): \
         Compose has no ingress; put a reverse proxy in front of it to serve them.",
        endpoint.name,
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::{bytes, cores};

    #[test]
    fn limits_convert_exactly() {
        assert_eq!(cores(500), "0.5");
        assert_eq!(cores(250), "0.25");
        assert_eq!(cores(2000), "2");
        assert_eq!(cores(1500), "1.5");
        assert_eq!(cores(1), "0.001");
        assert_eq!(cores(10), "0.01");
        assert_eq!(cores(2999), "2.999");
        assert_eq!(bytes(512 << 20), "512m");
        assert_eq!(bytes(1 << 30), "1g");
        assert_eq!(bytes(1536 << 20), "1536m");
        assert_eq!(bytes(1_000_000_000), "1000000000b");
        assert_eq!(bytes(0), "0b");
    }
}
