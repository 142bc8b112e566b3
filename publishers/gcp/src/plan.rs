//! The plan: every Google Cloud resource a deployment to Cloud Run needs, decided before any
//! HCL is written, with every problem reported once.
//!
//! Each workload becomes a [`Run`]: a Cloud Run service (a job for a workload with `job`),
//! its size (checked against Cloud Run's limits, E0707), the one HTTP port Cloud Run serves
//! (a TCP or UDP endpoint, or a second HTTP port, is E0702/E0704: Cloud Run serves one HTTP
//! port per service), its ingress (public for an external endpoint, else internal to the VPC),
//! its HTTP probes, its scaling and the init container of its folders of `files`. A workload
//! that is an integration runs as a container only where it serves HTTP, which no database
//! or broker does: without `hosting = "managed"` it is E0702 (left out with
//! --allow-unsupported). A managed one becomes a [`Server`] (Cloud SQL for PostgreSQL,
//! Memorystore for Redis), as on Azure ([`aspirec_azure::managed::Service`]).

use aspirec_azure::cloud_report::{IngressTexts, Report};
use aspirec_azure::files::Folders;
use aspirec_azure::managed::{CloudServer, Service};
use aspirec_azure::names::{self, UniqueNames};
use aspirec_azure::plan::{AppImage, Hosting, Placer, place};
use aspirec_azure::probes::Timing;
use ir::{
    AzureHosting, CheckedModel, Diagnostic, Diagnostics, HealthCheck, Integration, PublishOptions,
    Resource, ResourceId, Role, Workload, codes,
};

use crate::sizing::{self, Size};

/// The target's id, in diagnostics.
pub const TARGET: &str = "terraform-gcp";

/// Every Google Cloud resource of the deployment.
#[derive(Debug)]
pub struct Plan<'m> {
    pub model: &'m CheckedModel,
    /// By `ResourceId` (an `App` is an index into [`Plan::runs`]).
    pub hosting: Vec<Hosting>,
    pub runs: Vec<Run<'m>>,
    pub servers: Vec<Server<'m>>,
}

/// A workload as a Cloud Run service or job.
#[derive(Debug)]
pub struct Run<'m> {
    pub id: ResourceId,
    pub resource: &'m Resource,
    pub workload: &'m Workload,
    /// The service's or job's name: `<app>-<name>`, at most 49 characters (Cloud Run's limit
    /// for a service), which its URL starts with.
    pub name: String,
    /// The container's name.
    pub container: String,
    /// The snake-case label of the resource name (Terraform labels, secrets, outputs).
    pub label: String,
    /// The service account the service runs as: 6 to 30 characters.
    pub account: String,
    pub image: AppImage<'m>,
    pub size: Size,
    /// The served endpoint: its index among the workload's endpoints.
    pub port: Option<usize>,
    /// Whether the served endpoint is external: public ingress and the `allUsers` invoker.
    pub public: bool,
    /// The HTTP probe: path, port, timing.
    pub probe: Option<(&'m str, u16, Timing)>,
    /// Minimum and maximum instances.
    pub scale: (u32, u32),
    /// The CPU target of an autoscaling workload, which Cloud Run cannot take (a note).
    pub cpu_target: Option<u32>,
    /// The init container that writes the workload's folders of `files`.
    pub files: Option<Folders<'m>>,
    /// That container's size: the smallest share that keeps the instance's total one Cloud Run
    /// accepts ([`sizing::files_share`]).
    pub files_size: Size,
    /// The `ingress` settings of the served external endpoint: its hosts become domain
    /// mappings ([`crate::run`] writes them, with notes on its TLS and class).
    pub ingress: Option<&'m ir::Ingress>,
    /// `Some` for a job: a Cloud Run job, started by hand.
    pub job: Option<Trigger>,
    /// Left out of the output by --allow-unsupported (an integration Cloud Run cannot serve).
    pub left_out: bool,
}

/// How a job starts: by hand (`gcloud run jobs execute`, an output of the target); a schedule
/// needs Cloud Scheduler, which this target does not write (E0702, see the README).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    Manual,
}

/// A managed server: the shape every other cloud's plan shares.
pub type Server<'m> = CloudServer<'m>;

/// How a caller's traffic leaves Cloud Run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Egress {
    /// Straight to the internet: it reaches only public services.
    None,
    /// Private addresses through the VPC: the managed servers' private IPs.
    PrivateRanges,
    /// Everything through the VPC: internal-only services accept only traffic from it.
    AllTraffic,
}

/// Plans the deployment of `model`; every problem goes to `diags`.
pub fn plan<'m>(
    model: &'m CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Plan<'m> {
    let plan = Plan {
        model,
        hosting: Vec::new(),
        runs: Vec::new(),
        servers: Vec::new(),
    };
    let mut placer = Placing {
        plan,
        report: report(options.allow_unsupported),
        accounts: UniqueNames::default(),
    };
    placer.plan.hosting = place(model, &mut placer, diags);
    placer.plan
}

/// The plan while [`place`] fills it.
struct Placing<'m> {
    plan: Plan<'m>,
    report: Report,
    accounts: UniqueNames,
}

impl<'m> Placer<'m> for Placing<'m> {
    fn place_app(
        &mut self,
        id: ResourceId,
        resource: &'m Resource,
        workload: &'m Workload,
        diags: &mut Diagnostics,
    ) -> usize {
        let run = run(
            self.plan.model,
            id,
            resource,
            workload,
            self.report,
            &mut self.accounts,
            diags,
        );
        self.plan.runs.push(run);
        self.plan.runs.len() - 1
    }

    fn service(&self, resource: &'m Resource) -> Option<Service> {
        aspirec_azure::managed::integration(resource).and_then(hosted_service)
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

/// The managed service an integration is on Cloud Run: the one that exists for its kind
/// (Postgres: Cloud SQL, Redis: Memorystore), whether or not the model asks for `managed`,
/// since Cloud Run cannot run a database or cache container; none when the model chose
/// `hosting = "container"` (E0702 in [`run`]) or its kind has none.
pub fn hosted_service(integration: &Integration) -> Option<Service> {
    if integration.hosting_span.is_some() && integration.azure == AzureHosting::Container {
        return None;
    }
    Service::for_kind(integration.kind)
}

/// The Google Cloud name of a managed service, in diagnostics.
pub fn managed_name(service: Service) -> &'static str {
    match service {
        Service::Postgres => "Cloud SQL for PostgreSQL",
        Service::Redis => "Memorystore for Redis",
    }
}

/// The service account id of `name`: Google's rule is 6 to 30 characters, a letter first.
fn account_id(app: &str, name: &str, taken: &mut UniqueNames) -> String {
    let mut id = ir::publish::dns_label(&format!("{app}-{name}"), 30);
    while id.len() < 6 {
        id.push('-');
        id.push_str("run");
    }
    taken.claim(&id, 30)
}

/// Plans the service or job of `workload`, reporting what Cloud Run cannot run.
fn run<'m>(
    model: &'m CheckedModel,
    id: ResourceId,
    resource: &'m Resource,
    workload: &'m Workload,
    report: Report,
    accounts: &mut UniqueNames,
    diags: &mut Diagnostics,
) -> Run<'m> {
    let app = model.name();
    let name = ir::publish::dns_label(&format!("{app}-{}", resource.name), 49);
    let container = ir::publish::dns_label(&resource.name, 63);
    let mut planned = Run {
        id,
        resource,
        workload,
        label: names::label(&resource.name),
        account: account_id(app, &resource.name, accounts),
        name,
        image: aspirec_azure::plan::image(&workload.image),
        size: sizing::DEFAULT,
        port: None,
        public: false,
        probe: None,
        scale: match workload.autoscale {
            Some(autoscale) => (autoscale.min, autoscale.max),
            None => (workload.replicas, workload.replicas.max(1)),
        },
        cpu_target: workload.autoscale.map(|a| a.cpu),
        files: None,
        files_size: sizing::DEFAULT,
        ingress: None,
        job: workload
            .job
            .as_ref()
            .map(|job| trigger(resource, job, report, diags)),
        left_out: false,
        container,
    };
    // The dashboard takes OTLP on two ports besides its UI's, and Cloud Run serves one: it is
    // not deployed (the output says so in a note, the README says why), and the exporters'
    // variables that point at it are left out with it ([`Plan::dashboard_left_out`]).
    if model.dashboard() == Some(id) {
        planned.left_out = true;
        return planned;
    }
    // A database or broker speaks its own protocol over TCP, which Cloud Run does not serve:
    // one with a managed service is hosted as that ([`hosted_service`]), so an integration
    // that reaches here either has none or the model chose `hosting = "container"`.
    if let Role::Integration(integration) = &workload.role {
        match (Service::for_kind(integration.kind), integration.hosting_span) {
            (Some(service), Some(span)) => report.unsupported_at(
                span,
                format!(
                    "`{}` is hosted as a container (`hosting = \"container\"`), and Cloud Run serves HTTP only",
                    resource.name
                ),
                "a Cloud Run service receives HTTP requests on one port; clients cannot open a TCP connection to it",
                &format!(
                    "remove `hosting = \"container\"`: on this target a {} is {}",
                    integration.kind.type_name(),
                    managed_name(service)
                ),
                &format!("`{}`", resource.name),
                diags,
            ),
            _ => report.unsupported(
                resource,
                format!(
                    "`{}` is a {}, which this target does not host as a managed service, and Cloud Run cannot run its container: it serves HTTP only",
                    resource.name,
                    integration.kind.type_name()
                ),
                "a Cloud Run service receives HTTP requests on one port; clients cannot open a TCP connection to it",
                "run it elsewhere and make it an `external` service",
                &format!("`{}`", resource.name),
                diags,
            ),
        }
        planned.left_out = true;
        return planned;
    }
    // A container that serves no HTTP at all (a database or broker image, in an Aspire
    // manifest) is as unreachable on Cloud Run as an integration.
    if !workload.endpoints.is_empty() && !workload.endpoints.iter().any(|e| e.is_http()) {
        report.unsupported(
            resource,
            format!(
                "`{}` serves no HTTP endpoint (only {}), and Cloud Run serves HTTP only",
                resource.name,
                workload
                    .endpoints
                    .iter()
                    .map(|e| format!("`{}`", e.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "a Cloud Run service receives HTTP requests on one port; clients cannot open a TCP connection to it",
            "run it elsewhere and make it an `external` service, or use a managed service",
            &format!("`{}`", resource.name),
            diags,
        );
        planned.left_out = true;
        return planned;
    }
    planned.size = sizing::size(&workload.limits).unwrap_or_else(|| {
        diags.push(
            Diagnostic::new(
                codes::INVALID_CLOUD_RUN_RESOURCES,
                resource.span,
                format!(
                    "`{}` asks for {}, which Cloud Run cannot run ({TARGET} target)",
                    resource.name,
                    aspirec_azure::sizing::asked(&workload.limits)
                ),
            )
            .label("not a CPU/memory pair Cloud Run accepts")
            .help(format!(
                "stay within Cloud Run's limits: {}",
                sizing::rules()
            ))
            .note(
                "giving only `cpu` or only `memory` picks the smallest partner Cloud Run accepts",
            ),
        );
        sizing::DEFAULT
    });
    for mount in &workload.bind_mounts {
        report.unsupported(
            resource,
            format!(
                "`{}` bind-mounts `{}`, which Cloud Run cannot do",
                resource.name, mount.source
            ),
            "a Cloud Run instance sees no host file system",
            "bake the files into the image, or use `files`",
            "the bind mount",
            diags,
        );
    }
    for volume in &workload.volumes {
        report.unsupported(
            resource,
            format!(
                "`{}` mounts the named volume `{}`, which this target does not provision on Cloud Run",
                resource.name, volume.name
            ),
            "Cloud Run keeps no disk between instances; a persistent volume would need a Filestore share (1 TiB at least) or a Cloud Storage bucket",
            "keep state in a managed service, or mount a Filestore or Cloud Storage volume by hand",
            "the volume (the path is then the instance's own, lost on restart)",
            diags,
        );
    }
    if workload.args.iter().any(|arg| model.is_secret(arg)) {
        report.unsupported(
            resource,
            format!(
                "an argument of `{}` contains a secret, which a Cloud Run container's args cannot hold",
                resource.name
            ),
            "a container's args are plain text in the service, and aspirec never writes a secret in plain text",
            "pass the secret in an environment variable instead",
            "the argument",
            diags,
        );
    }
    for (index, endpoint) in workload.endpoints.iter().enumerate() {
        if !endpoint.is_http() {
            report.unsupported(
                resource,
                format!(
                    "endpoint `{}` of `{}` is {}, and Cloud Run serves HTTP only",
                    endpoint.name, resource.name, endpoint.scheme
                ),
                "a Cloud Run service receives HTTP requests on one port",
                "serve HTTP (or gRPC) on the endpoint",
                "the endpoint",
                diags,
            );
            continue;
        }
        match planned.port.and_then(|p| workload.endpoints.get(p)) {
            None => {
                planned.port = Some(index);
                planned.public = endpoint.external;
            }
            // Endpoints that share a target port are one exposure (Aspire's `http` and
            // `https` of a project), as on Container Apps.
            Some(served) if served.target_port == endpoint.target_port => {
                planned.public |= endpoint.external;
            }
            Some(served) => report.invalid_ingress(
                resource,
                format!(
                    "endpoint `{}` of `{}` listens on port {}, but Cloud Run serves one port per service, {} here ({TARGET} target)",
                    endpoint.name, resource.name, endpoint.target_port, served.target_port
                ),
                diags,
            ),
        }
    }
    planned.ingress = ingress(resource, workload, &planned, report, diags);
    if let Some(registry) = model.registry_of(&workload.image) {
        report.unsupported_at(
            registry.span,
            format!(
                "`{}` pulls its image from the registry `{}` with a username and password, which Cloud Run cannot use",
                resource.name, registry.name
            ),
            "Cloud Run pulls an image with the service's own identity, from Artifact Registry or a public registry; it takes no registry password",
            "push the image to Artifact Registry (or mirror the registry with an Artifact Registry remote repository holding its credentials), and name that image",
            "the registry's credentials (the image is pulled without them)",
            diags,
        );
    }
    planned.probe = workload.health.as_ref().and_then(|health| match &health.check {
        HealthCheck::Http { path, endpoint } => {
            let port = workload.endpoints.get(*endpoint).map(|e| e.target_port)?;
            Some((path.as_str(), port, Timing::of(health)))
        }
        HealthCheck::Command(_) => {
            report.unsupported(
                resource,
                format!(
                    "the health check of `{}` runs a command, which Cloud Run probes cannot",
                    resource.name
                ),
                "Cloud Run probes are HTTP, TCP or gRPC requests",
                "check an HTTP path instead (`health = { path = \"/health\", endpoint = \"http\" }`)",
                "the health check",
                diags,
            );
            None
        }
    });
    let mut taken = UniqueNames::default();
    let (files, single) = aspirec_azure::files::folders(workload, &planned.container, &mut taken);
    for mount in single {
        report.unsupported_at(
            mount.span,
            format!(
                "`{}` mounts the file `{}` at `{}`, which Cloud Run cannot place without hiding the rest of the image's folder",
                resource.name, mount.source, mount.target
            ),
            "Cloud Run volume mounts have no sub-path: a volume replaces the whole folder it is mounted at",
            "mount a folder of files at a folder of its own (`files = [{ source = \"<folder>\", target = \"<folder in the image>\" }]`) and point the application at it",
            "the file",
            diags,
        );
    }
    // A job's task ends when its containers do, and the files' container keeps serving its
    // readiness port: on a job the folders cannot be written before the app starts.
    if let (Some(files), Some(_)) = (&files, &planned.job) {
        for (_, target) in &files.mounts {
            report.unsupported(
                resource,
                format!(
                    "the job `{}` mounts a folder of files at `{target}`, which a Cloud Run job cannot write before its container starts",
                    resource.name
                ),
                "the files are written by a second container that the app's waits for, which keeps running; a job's task would never end",
                "bake the files into the job's image",
                "the folder",
                diags,
            );
        }
        planned.files = None;
        return planned;
    }
    if files.is_some() {
        match sizing::files_share(planned.size) {
            Some(share) => planned.files_size = share,
            None => diags.push(
                Diagnostic::new(
                    codes::INVALID_CLOUD_RUN_RESOURCES,
                    resource.span,
                    format!(
                        "`{}` asks for {} and has `files`, whose container needs a share of the instance beyond Cloud Run's largest ({TARGET} target)",
                        resource.name,
                        aspirec_azure::sizing::asked(&workload.limits)
                    ),
                )
                .label("no room for the files' container")
                .help(format!(
                    "ask for less, so that the app and its files' container fit: {}",
                    sizing::rules()
                )),
            ),
        }
    }
    planned.files = files;
    planned
}

/// The `ingress` settings of the external endpoint `planned` serves, if any. A domain mapping
/// maps a whole host to a service: a path other than `/` is E0702 at the path (W0701 with
/// --allow-unsupported, and the host then reaches every path).
fn ingress<'m>(
    resource: &Resource,
    workload: &'m Workload,
    planned: &Run<'m>,
    report: Report,
    diags: &mut Diagnostics,
) -> Option<&'m ir::Ingress> {
    if !planned.public || planned.job.is_some() {
        return None;
    }
    let served = workload.endpoints.get(planned.port?)?;
    let (endpoint, settings) = workload
        .endpoints
        .iter()
        .filter(|e| e.external && e.target_port == served.target_port)
        .find_map(|e| Some((e, e.ingress.as_ref()?)))?;
    if !settings.routes_everything() {
        report.unsupported_at(
            settings.path_span,
            format!(
                "endpoint `{}` of `{}` is reached at the path `{}` of its hosts, and a Cloud Run domain mapping maps a whole host",
                endpoint.name, resource.name, settings.path
            ),
            "a domain mapping sends every path of its host to one service",
            "route the whole host (`path = \"/\"`), or put a load balancer with a URL map in front of the services",
            "the path (the hosts then reach every path of the service)",
            diags,
        );
    }
    Some(settings)
}

impl Run<'_> {
    /// What the instance is allocated: the app's size, and its files' container's.
    pub fn instance(&self) -> Size {
        match self.files {
            Some(_) => self.size.plus(self.files_size),
            None => self.size,
        }
    }
}

impl<'m> Plan<'m> {
    /// Whether the model's Aspire dashboard is left out (always, when it has one).
    pub fn dashboard_left_out(&self) -> bool {
        self.model.dashboard().is_some()
    }

    /// The runs that are written (not left out).
    pub fn written(&self) -> impl Iterator<Item = &Run<'m>> {
        self.runs.iter().filter(|r| !r.left_out)
    }

    /// Whether any run uses an image built from source (and so needs `image_tag`).
    pub fn builds_images(&self) -> bool {
        self.written()
            .any(|run| matches!(run.image, AppImage::Built { .. }))
    }

    /// The run of resource `id`, if it is one that is written.
    pub fn run_of(&self, id: ResourceId) -> Option<&Run<'m>> {
        let index = self.hosting.get(id.0 as usize)?.app()?;
        self.runs.get(index).filter(|r| !r.left_out)
    }

    /// The server of resource `id` (a managed server, or the server of a database on one).
    pub fn server_of(&self, id: ResourceId) -> Option<&Server<'m>> {
        let index = self.hosting.get(id.0 as usize)?.server()?;
        self.servers.get(index)
    }

    /// How `run`'s traffic leaves Cloud Run: through the VPC when it reaches an internal
    /// service (everything) or a managed server (private addresses).
    pub fn egress(&self, run: &Run<'m>) -> Egress {
        let mut egress = Egress::None;
        for &reference in &run.workload.references {
            if let Some(other) = self.run_of(reference) {
                if other.port.is_some() && !other.public && other.job.is_none() {
                    return Egress::AllTraffic;
                }
            } else if self.server_of(reference).is_some() {
                egress = Egress::PrivateRanges;
            }
        }
        egress
    }

    /// Whether the output needs the VPC network: a managed server, or a run that egresses
    /// through it.
    pub fn needs_network(&self) -> bool {
        !self.servers.is_empty() || self.written().any(|r| self.egress(r) != Egress::None)
    }
}

/// How `job` of `resource` starts. A schedule needs Cloud Scheduler, which this target does
/// not write: E0702 at the schedule (W0701, started by hand, with --allow-unsupported).
fn trigger(resource: &Resource, job: &ir::Job, report: Report, diags: &mut Diagnostics) -> Trigger {
    if let Some(cron) = &job.schedule {
        report.unsupported_at(
            job.span,
            format!(
                "`{}` runs on the schedule `{cron}`, which needs Cloud Scheduler, and this target writes Cloud Run jobs only",
                resource.name
            ),
            "a Cloud Run job runs when executed; a schedule is a Cloud Scheduler job calling the Cloud Run API, which is outside what this target writes",
            "create a Cloud Scheduler job that executes the Cloud Run job (see the README), and drop the schedule from this environment",
            "the schedule (the job then runs only when executed)",
            diags,
        );
    }
    Trigger::Manual
}

/// How the Cloud Run plan reports a problem (the rule every other cloud's target shares).
fn report(allow_unsupported: bool) -> Report {
    Report {
        allow_unsupported,
        target: TARGET,
        platform: "Cloud Run",
        ingress: IngressTexts {
            label: "an endpoint Cloud Run cannot serve",
            note: "a Cloud Run service receives requests on one container port",
            left_out: "the endpoint is not served in the Cloud Run output by --allow-unsupported",
            help: "serve every HTTP endpoint on one port, or pass --allow-unsupported to leave the others unserved",
        },
    }
}
