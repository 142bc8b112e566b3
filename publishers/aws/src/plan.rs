//! The plan: every AWS resource a deployment to ECS on Fargate needs, decided before any
//! HCL is written, with every problem reported once.
//!
//! Each workload becomes a [`Task`] (a task definition and a service): its size (checked
//! against Fargate's combinations, E0706), its ports (each a Service Connect alias, so other
//! services reach it at `scheme://name:port` as on Kubernetes), its public listeners on a
//! load balancer of its own (external HTTP endpoints only, E0704 otherwise), its health check, its EFS
//! volumes and the init container that creates a container-hosted server's databases (the
//! Container Apps rule, [`aspirec_azure::databases`]). An integration with
//! `hosting = "managed"` becomes a [`Server`] (RDS Postgres, ElastiCache Redis) where AWS has
//! one, as on Azure ([`aspirec_azure::managed::Service`]).

use foldhash::fast::FixedState;
use indexmap::IndexSet;

use aspirec_azure::cloud_report::{IngressTexts, Report};
use aspirec_azure::databases::{self, Creation, InitDatabases};
use aspirec_azure::files::Folders;
use aspirec_azure::managed::{self, CloudServer, Service};
use aspirec_azure::names::{self, UniqueNames};
use aspirec_azure::plan::{AppImage, Hosting, Placer, place};
use aspirec_azure::probes::Timing;
use ir::{
    CheckedModel, Diagnostic, Diagnostics, HealthCheck, PublishOptions, Resource, ResourceId,
    Workload, codes,
};

use crate::schedule;
use crate::sizing::{self, Size};

/// The target's id, in diagnostics.
pub const TARGET: &str = "terraform-aws";

/// Every AWS resource of the deployment.
#[derive(Debug)]
pub struct Plan<'m> {
    pub model: &'m CheckedModel,
    /// By `ResourceId` (an `App` is an index into [`Plan::tasks`]).
    pub hosting: Vec<Hosting>,
    pub tasks: Vec<Task<'m>>,
    pub servers: Vec<Server<'m>>,
    /// Named volumes (EFS access points), in first-use order: a set, as a model may have a
    /// volume per service (with foldhash: the names are the model's, there is no one to
    /// defend against).
    pub volumes: IndexSet<&'m str, FixedState>,
}

/// A workload as a task definition and a service.
#[derive(Debug)]
pub struct Task<'m> {
    pub id: ResourceId,
    pub resource: &'m Resource,
    pub workload: &'m Workload,
    /// The service's and container's name: the host other services reach it by.
    pub name: String,
    /// The snake-case label of the resource name (Terraform labels, secrets, outputs).
    pub label: String,
    pub image: AppImage<'m>,
    pub size: Size,
    /// The TCP endpoints, each a port mapping and a Service Connect alias: index into the
    /// workload's endpoints and the port mapping's name.
    pub ports: Vec<(usize, String)>,
    /// External HTTP endpoints on the service's own load balancer, one per target port: index
    /// into the workload's endpoints and the listener's port (80 for the first, 443 when it
    /// has a TLS certificate).
    pub public: Vec<(usize, u16)>,
    /// The container's health check command (`CMD` or `CMD-SHELL` first) and its timing.
    pub health: Option<(Vec<String>, Timing)>,
    /// Each mount: the index into [`Plan::volumes`], the path, read-only.
    pub mounts: Vec<(usize, &'m str, bool)>,
    /// The init container that writes a Postgres or MySQL server's database script.
    pub init: Option<InitDatabases>,
    pub replicas: u32,
    /// The replica range and CPU target of a service that autoscales: an Application Auto
    /// Scaling target tracking the service's average CPU utilisation.
    pub autoscale: Option<ir::checked::Autoscale>,
    /// The init container that writes the workload's folders of `files`.
    pub files: Option<Folders<'m>>,
    /// `Some` for a job: a task definition without a service, started by hand or on a
    /// schedule.
    pub job: Option<Trigger>,
}

/// How a job's task starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// With `aws ecs run-task` (an output gives the command): once per deployment, by whoever
    /// deploys.
    Manual,
    /// By an EventBridge Scheduler schedule: the model's cron schedule and its `cron(...)`
    /// expression (read in UTC).
    Schedule { cron: String, expression: String },
}

/// A managed server: the shape every other cloud's plan shares.
pub type Server<'m> = CloudServer<'m>;

/// Plans the deployment of `model`; every problem goes to `diags`.
pub fn plan<'m>(
    model: &'m CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Plan<'m> {
    let plan = Plan {
        model,
        hosting: Vec::new(),
        tasks: Vec::new(),
        servers: Vec::new(),
        volumes: IndexSet::default(),
    };
    let mut placer = Placing { plan, options };
    placer.plan.hosting = place(model, &mut placer, diags);
    placer.plan
}

/// The plan while [`place`] fills it, with the options a task needs.
struct Placing<'m, 'o> {
    plan: Plan<'m>,
    options: &'o PublishOptions,
}

impl<'m> Placer<'m> for Placing<'m, '_> {
    fn place_app(
        &mut self,
        id: ResourceId,
        resource: &'m Resource,
        workload: &'m Workload,
        diags: &mut Diagnostics,
    ) -> usize {
        let task = self.plan.task(id, resource, workload, self.options, diags);
        self.plan.tasks.push(task);
        self.plan.tasks.len() - 1
    }

    fn place_server(&mut self, id: ResourceId, resource: &'m Resource, service: Service) -> usize {
        let server = CloudServer::new(self.plan.model, id, resource, service);
        self.plan.servers.push(server);
        self.plan.servers.len() - 1
    }

    fn place_database(&mut self, server: usize, _: ResourceId, _: &'m Resource, name: &'m str) {
        if let Some(server) = self.plan.servers.get_mut(server) {
            server.databases.push(name);
        }
    }
}

impl<'m> Plan<'m> {
    fn task(
        &mut self,
        id: ResourceId,
        resource: &'m Resource,
        workload: &'m Workload,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Task<'m> {
        let report = report(options.allow_unsupported);
        let size = sizing::size(&workload.limits).unwrap_or_else(|| {
            diags.push(
                Diagnostic::new(
                    codes::INVALID_FARGATE_RESOURCES,
                    resource.span,
                    format!(
                        "`{}` asks for {}, which Fargate cannot run ({TARGET} target)",
                        resource.name,
                        aspirec_azure::sizing::asked(&workload.limits)
                    ),
                )
                .label("not a CPU/memory combination Fargate accepts")
                .help(format!(
                    "use one of Fargate's combinations: {}",
                    sizing::allowed()
                ))
                .note("giving only `cpu` or only `memory` picks the smallest matching partner"),
            );
            sizing::DEFAULT
        });
        for mount in &workload.bind_mounts {
            report.unsupported(
                resource,
                format!(
                    "`{}` bind-mounts `{}`, which Fargate cannot do",
                    resource.name, mount.source
                ),
                "a Fargate task sees no host file system",
                "use a named volume (an EFS access point) instead",
                "the bind mount",
                diags,
            );
        }
        if workload.args.iter().any(|arg| self.model.is_secret(arg)) {
            report.unsupported(
                resource,
                format!(
                    "an argument of `{}` contains a secret, which an ECS task definition cannot pass",
                    resource.name
                ),
                "the command of a task definition is plain text, and aspirec never writes a secret in plain text",
                "pass the secret in an environment variable instead",
                "the argument",
                diags,
            );
        }
        let mut ports = Vec::new();
        let mut public = Vec::new();
        let mut port_names = UniqueNames::default();
        for (index, endpoint) in workload.endpoints.iter().enumerate() {
            if endpoint.protocol == ir::Protocol::Udp {
                report.unsupported(
                    resource,
                    format!(
                        "endpoint `{}` of `{}` is UDP, which ECS Service Connect cannot carry",
                        endpoint.name, resource.name
                    ),
                    "Service Connect and the load balancer carry TCP only",
                    "use a TCP endpoint instead",
                    "the endpoint",
                    diags,
                );
                continue;
            }
            ports.push((
                index,
                port_names.claim(&ir::publish::dns_label(&endpoint.name, 50), 60),
            ));
            if !endpoint.external {
                continue;
            }
            if !endpoint.is_http() {
                report.invalid_ingress(
                    resource,
                    format!(
                        "external endpoint `{}` of `{}` is not HTTP, and the Application Load Balancer carries HTTP only ({TARGET} target)",
                        endpoint.name, resource.name
                    ),
                    diags,
                );
                continue;
            }
            // Endpoints that share a target port are one exposure (Aspire's `http` and
            // `https` of a project), as on Container Apps.
            if public.iter().any(|&(other, _)| {
                workload
                    .endpoints
                    .get(other)
                    .is_some_and(|e: &ir::Endpoint| e.target_port == endpoint.target_port)
            }) {
                continue;
            }
            // The first on port 80 of the service's own load balancer (443 with a TLS
            // certificate, `ingress.tls`), others on their port.
            let tls = endpoint.ingress.as_ref().and_then(|i| i.tls.as_ref());
            let port = match (public.is_empty(), tls) {
                (true, Some(ir::Tls::Secret(_))) => 443,
                (true, _) => 80,
                (false, _) => endpoint.port,
            };
            if let (Some(ir::Tls::Issuer(issuer)), Some(ingress)) = (tls, &endpoint.ingress) {
                report.unsupported_at(
                    ingress.tls_span,
                    format!(
                        "endpoint `{}` of `{}` takes its certificate from the cert-manager issuer `{issuer}`, which AWS does not have",
                        endpoint.name, resource.name
                    ),
                    "cert-manager runs in Kubernetes clusters; an Application Load Balancer serves an ACM certificate",
                    "name a certificate with `tls = { secret = \"...\" }`: its ACM certificate ARN is then a variable (in an environment of its own if Kubernetes keeps the issuer)",
                    "the certificate",
                    diags,
                );
            }
            if public.iter().any(|&(_, taken)| taken == port) {
                let message = format!(
                    "external endpoint `{}` of `{}` needs load balancer port {port}, which another of its endpoints listens on ({TARGET} target)",
                    endpoint.name, resource.name
                );
                report.invalid_ingress(resource, message, diags);
                continue;
            }
            public.push((index, port));
        }
        let health = workload.health.as_ref().map(|health| {
            let command = match &health.check {
                HealthCheck::Command(args) => std::iter::once("CMD".to_string())
                    .chain(args.iter().cloned())
                    .collect(),
                HealthCheck::Http { path, endpoint } => {
                    let port = workload
                        .endpoints
                        .get(*endpoint)
                        .map_or(80, |e| e.target_port);
                    vec![
                        "CMD-SHELL".to_string(),
                        format!("curl -fsS http://localhost:{port}{path} > /dev/null || exit 1"),
                    ]
                }
            };
            (command, Timing::of(health))
        });
        let mut mounts = Vec::with_capacity(workload.volumes.len());
        for volume in &workload.volumes {
            let (index, _) = self.volumes.insert_full(&volume.name);
            mounts.push((index, volume.target.as_str(), volume.read_only));
        }
        let name = ir::publish::dns_label(&resource.name, 63);
        let mut taken = UniqueNames::default();
        for &(volume, _, _) in &mounts {
            if let Some(volume) = self.volumes.get_index(volume) {
                taken.claim(&ir::publish::dns_label(volume, 63), 63);
            }
        }
        let init = match managed::integration(resource) {
            Some(integration) => {
                match databases::creation(self.model, integration, &name, &mut taken) {
                    Creation::Init(init) => Some(init),
                    Creation::ByTheApps(_) | Creation::Nothing => None,
                }
            }
            None => None,
        };
        let files = files(resource, workload, &name, &mut taken, report, diags);
        Task {
            id,
            resource,
            workload,
            label: names::label(&resource.name),
            name,
            image: aspirec_azure::plan::image(&workload.image),
            size,
            ports,
            public,
            health,
            mounts,
            init,
            files,
            replicas: workload.replicas,
            autoscale: workload.autoscale,
            job: workload
                .job
                .as_ref()
                .map(|job| trigger(resource, job, report, diags)),
        }
    }

    /// Whether any task runs an image built from source (and so needs `image_tag`).
    pub fn builds_images(&self) -> bool {
        self.tasks
            .iter()
            .any(|task| matches!(task.image, AppImage::Built { .. }))
    }

    /// Whether `task` is a service registered in Cloud Map DNS as well as in Service Connect:
    /// a service with ports, when some job (whose task is outside Service Connect) may reach it.
    pub fn registered(&self, task: &Task<'m>) -> bool {
        task.job.is_none() && !task.ports.is_empty() && self.tasks.iter().any(|t| t.job.is_some())
    }

    /// The DNS name of a [`Plan::registered`] service in the namespace: `<name>.<app>.internal`.
    pub fn dns_name(&self, task: &Task<'m>) -> String {
        format!("{}.{}", task.name, namespace(self.model.name()))
    }

    /// The task of resource `id`, if it runs as one.
    pub fn task_of(&self, id: ResourceId) -> Option<&Task<'m>> {
        let index = self.hosting.get(id.0 as usize)?.app()?;
        self.tasks.get(index)
    }

    /// The server of resource `id` (a managed server, or the server of a database on one).
    pub fn server_of(&self, id: ResourceId) -> Option<&Server<'m>> {
        let index = self.hosting.get(id.0 as usize)?.server()?;
        self.servers.get(index)
    }
}

/// The folders of `workload`'s `files` (app `name`, whose volumes took the names in
/// `taken`). ECS mount points have no sub-path, so one file cannot be placed in a folder of
/// the image without hiding the rest of it: E0702 (W0701, left out, with --allow-unsupported).
fn files<'m>(
    resource: &Resource,
    workload: &'m Workload,
    name: &str,
    taken: &mut UniqueNames,
    report: Report,
    diags: &mut Diagnostics,
) -> Option<Folders<'m>> {
    let (folders, single) = aspirec_azure::files::folders(workload, name, taken);
    for mount in single {
        report.unsupported_at(
            mount.span,
            format!(
                "`{}` mounts the file `{}` at `{}`, which an ECS task cannot place without hiding the rest of the image's folder",
                resource.name, mount.source, mount.target
            ),
            "ECS mount points have no sub-path: a volume replaces the whole folder it is mounted at",
            "mount a folder of files at a folder of its own (`files = [{ source = \"<folder>\", target = \"<folder in the image>\" }]`) and point the application at it",
            "the file",
            diags,
        );
    }
    folders
}

/// The Cloud Map namespace of application `app`.
pub fn namespace(app: &str) -> String {
    format!("{app}.internal")
}

/// How `job` of `resource` starts; a schedule EventBridge cannot express is E0702 at the
/// schedule (with --allow-unsupported, W0701 and the job is started by hand).
fn trigger(resource: &Resource, job: &ir::Job, report: Report, diags: &mut Diagnostics) -> Trigger {
    let Some(cron) = &job.schedule else {
        return Trigger::Manual;
    };
    match schedule::aws_cron(cron) {
        Ok(expression) => Trigger::Schedule {
            cron: cron.clone(),
            expression,
        },
        Err(why) => {
            report.unsupported_at(
                job.span,
                format!(
                    "the schedule `{cron}` of `{}` cannot be an EventBridge Scheduler expression: {why}",
                    resource.name
                ),
                "EventBridge's cron has one of day-of-month and day-of-week `?`, counts weekdays 1-7 from Sunday and takes no step in them",
                "write a schedule that restricts only one of the two days",
                "the schedule (the job then runs only when started)",
                diags,
            );
            Trigger::Manual
        }
    }
}

/// How the AWS plan reports a problem (the rule every other cloud's target shares).
fn report(allow_unsupported: bool) -> Report {
    Report {
        allow_unsupported,
        target: TARGET,
        platform: "AWS",
        ingress: IngressTexts {
            label: "an external endpoint the load balancer cannot expose",
            note: "a service's Application Load Balancer listens for HTTP: port 80 for its first external target port, the endpoint's own port for others",
            left_out: "the endpoint stays internal in the AWS output by --allow-unsupported",
            help: "make the endpoint internal or HTTP on a port of its own, or pass --allow-unsupported to keep it internal",
        },
    }
}
