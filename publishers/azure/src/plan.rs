//! The plan: every Azure resource a deployment to Azure Container Apps needs, decided once
//! for both Azure targets, which only print it (Terraform as HCL, Bicep as Bicep).
//!
//! [`plan()`] decides where each resource of the model lives ([`Hosting`]): a container app
//! ([`App`]: name, ingress, size, probes, scale, volumes, notes), a managed server
//! ([`Server`], with its databases), a database on one, or nothing of its own. It also plans
//! the file shares of named volumes ([`Shares`]) and reports, once, every problem it finds
//! (naming the Azure target(s) of the build). Values are rendered on demand through
//! [`Plan::values`] ([`crate::values`]), one app at a time, so that a large model never holds
//! all of its rendered values at once; the same object records which deploy-time parameters
//! the output uses.
//!
//! What a printer still decides is how to write the plan: its own names for things (Terraform
//! labels, Bicep symbols), the file layout, and how a deploy-time value is supplied (a
//! Terraform variable or `random_password`, a Bicep param read from the environment).

use ir::{
    CheckedModel, Diagnostics, Health, Image, PublishOptions, Resource, ResourceId, ResourceKind,
    Role, Workload,
};

use crate::databases::{self, Creation, InitDatabases};
use crate::files::{self, InitFiles};
use crate::ingress::{Ingress, MainRule};
use crate::managed::{self, Service};
use crate::modules::{self, DeployerParam, ModulePlan};
use crate::names;
use crate::notes::{self, Note};
use crate::probes::{self, Check, Timing};
use crate::sizing::{self, Pair};
use crate::storage::Shares;
use crate::values::Values;
use crate::{Reporter, Target, Unsupported};

/// Where one resource of the model lives on Azure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hosting {
    /// A container app: the index into [`Plan::apps`].
    App(usize),
    /// A managed service: the index into [`Plan::servers`].
    Server(usize),
    /// A database on a managed server: the server's index into [`Plan::servers`].
    Database(usize),
    /// Nothing of its own: an external service, or a database inside a container-hosted
    /// server.
    Nothing,
}

impl Hosting {
    /// The container's index, for an [`Hosting::App`].
    pub fn app(self) -> Option<usize> {
        match self {
            Hosting::App(index) => Some(index),
            Hosting::Server(_) | Hosting::Database(_) | Hosting::Nothing => None,
        }
    }

    /// The server's index, for a managed server or a database on one.
    pub fn server(self) -> Option<usize> {
        match self {
            Hosting::Server(index) | Hosting::Database(index) => Some(index),
            Hosting::App(_) | Hosting::Nothing => None,
        }
    }
}

/// Every Azure resource of the deployment.
#[derive(Debug)]
pub struct Plan<'m> {
    pub model: &'m CheckedModel,
    /// How problems are reported (the targets named, `--allow-unsupported`).
    pub reporter: Reporter,
    /// By `ResourceId`.
    pub hosting: Vec<Hosting>,
    /// Container apps, in model order.
    pub apps: Vec<App<'m>>,
    /// Managed servers, in model order.
    pub servers: Vec<Server<'m>>,
    /// File shares of named volumes, in first-use order (none: no storage account).
    pub shares: Shares<'m>,
    /// The Azure Bicep modules deployed (only by a target that deploys modules, and only
    /// those whose file was read), in model order, and the deploy-time values they take.
    pub modules: Vec<ModulePlan<'m>>,
    pub deployer_params: Vec<DeployerParam<'m>>,
    /// Each module's place in `modules`, by `ModuleId` (`None`: not deployed, so what is read
    /// from it is a deploy-time parameter).
    pub module_index: Vec<Option<usize>>,
}

/// A workload that runs as a container app.
#[derive(Debug)]
pub struct App<'m> {
    pub id: ResourceId,
    pub resource: &'m Resource,
    pub workload: &'m Workload,
    /// The container app's name (and its container's); other apps reach it by this name.
    pub name: String,
    /// The snake-case label of the resource name (Terraform labels, output names).
    pub label: String,
    pub image: AppImage<'m>,
    pub ingress: Ingress,
    /// The custom domains of its external HTTP ingress (`ingress.hosts`), in model order.
    pub domains: Vec<CustomDomain<'m>>,
    /// The CPU/memory pair (the default one after an E0703, so planning goes on).
    pub size: &'static Pair,
    pub probe: Option<Probe<'m>>,
    /// Minimum and maximum replicas.
    pub scale: (u32, u32),
    /// The target average CPU utilisation in percent of an app that autoscales (`autoscale`):
    /// a `cpu` custom scale rule (KEDA's CPU scaler, which Container Apps runs).
    pub cpu_target: Option<u32>,
    /// The shares it mounts, each once, in first-mount order: indices into [`Plan::shares`]
    /// (an app volume takes its share's name).
    pub volumes: Vec<usize>,
    /// Each volume mount: the index into `volumes`, and the path.
    pub mounts: Vec<(usize, &'m str)>,
    /// The init container that creates a Postgres or MySQL server's databases, with its
    /// volume (see [`crate::databases`]).
    pub init: Option<InitDatabases>,
    /// One-line notes for the reader, printed above the app.
    pub notes: Vec<Note<'m>>,
    /// The init container that writes the workload's `files` (see [`crate::files`]).
    pub files: Option<InitFiles>,
    /// `Some` for a job: a Container Apps job (`Microsoft.App/jobs`, `azurerm_container_app_job`)
    /// instead of a container app, with no ingress, probes or scale.
    pub job: Option<Trigger<'m>>,
}

/// A host name of an app's external ingress, bound to a certificate of the environment or
/// (without one) added unbound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomDomain<'m> {
    pub host: &'m str,
    /// The name of a certificate of the Container Apps environment (`tls.secret`), bound by
    /// SNI; `None`: the host is added with its binding disabled.
    pub certificate: Option<&'m str>,
}

/// How a Container Apps job starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger<'m> {
    /// When started (`az containerapp job start`): a job that runs once per deployment.
    Manual,
    /// On a cron schedule (five fields, UTC).
    Schedule(&'m str),
}

/// How long one run of a job may take, in seconds (Container Apps requires a limit; the model
/// has none): 30 minutes, for migrations and batch work alike.
pub const JOB_REPLICA_TIMEOUT: u32 = 1800;

/// The name of the scale rule of an app that autoscales on CPU ([`App::cpu_target`]); both
/// printers write the rule as a `cpu` custom rule on `Utilization`.
pub const CPU_SCALE_RULE: &str = "cpu-utilization";

/// How often a failed run is retried: never, as Kubernetes (`backoffLimit: 0`) and Compose
/// (`restart: "no"`) run a job.
pub const JOB_RETRY_LIMIT: u32 = 0;

/// The image an app runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppImage<'m> {
    /// Pulled as it is.
    Pull(&'m str),
    /// Built from source and pushed as this repository, with the deployment's image tag
    /// (`image_tag`, a deploy-time value defaulting to the model's tag).
    Built { repository: &'m str },
}

/// Liveness and readiness probes alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe<'m> {
    pub check: Check<'m>,
    pub timing: Timing,
}

/// A managed server and its databases.
#[derive(Debug)]
pub struct Server<'m> {
    pub id: ResourceId,
    pub resource: &'m Resource,
    pub service: Service,
    /// The snake-case label of the resource name.
    pub label: String,
    /// Its globally unique name without the deployment's suffix: printers append `-` and the
    /// 6-character suffix.
    pub name_prefix: String,
    /// Its databases (Postgres only), in model order.
    pub databases: Vec<ManagedDatabase<'m>>,
}

/// A database on a managed server.
#[derive(Debug)]
pub struct ManagedDatabase<'m> {
    pub id: ResourceId,
    /// The snake-case label of its resource name.
    pub label: String,
    /// Its name on the server.
    pub name: &'m str,
}

/// Plans the deployment of `model` for the Azure target `own` (whose diagnostics name the
/// targets of the build, see [`Target::of`]). Every problem goes to `diags`; the plan stays
/// usable after one, so that every problem is found in one run.
pub fn plan<'m>(
    model: &'m CheckedModel,
    options: &PublishOptions,
    own: Target,
    diags: &mut Diagnostics,
) -> Plan<'m> {
    let reporter = Reporter {
        target: Target::of(own, options),
        allow_unsupported: options.allow_unsupported,
    };
    let mut module_index = Vec::new();
    let (modules, deployer_params) = if own.deploys_modules() {
        modules::plan(model, &mut module_index)
    } else {
        module_index = vec![None; model.modules().len()];
        (Vec::new(), Vec::new())
    };
    let mut plan = Plan {
        model,
        reporter,
        hosting: Vec::new(),
        apps: Vec::new(),
        servers: Vec::new(),
        shares: Shares::default(),
        modules,
        deployer_params,
        module_index,
    };
    plan.hosting = place(model, &mut plan, diags);
    plan
}

/// What a cloud's plan makes of the resources [`place`] decides on.
pub trait Placer<'m> {
    /// The managed service `resource` is hosted as, if any: by default the one its integration
    /// asks for ([`managed::service`]); a cloud that cannot run it as a container decides
    /// otherwise.
    fn service(&self, resource: &'m Resource) -> Option<Service> {
        managed::service(resource)
    }

    /// Plans `workload` as a container (an app, a task); its index among them.
    fn place_app(
        &mut self,
        id: ResourceId,
        resource: &'m Resource,
        workload: &'m Workload,
        diags: &mut Diagnostics,
    ) -> usize;

    /// Plans `resource` as the managed `service`; its index among the servers.
    fn place_server(&mut self, id: ResourceId, resource: &'m Resource, service: Service) -> usize;

    /// Adds the database `database` (resource `id`) to server number `server`.
    fn place_database(
        &mut self,
        server: usize,
        id: ResourceId,
        resource: &'m Resource,
        name: &'m str,
    );
}

/// Where each resource of `model` lives, by the rule every cloud plan shares: a workload is
/// a managed server when the placer hosts it as one ([`Placer::service`]),
/// else a container; a database on a managed server is hosted by it; any other database and
/// every external service have nothing of their own.
pub fn place<'m>(
    model: &'m CheckedModel,
    placer: &mut impl Placer<'m>,
    diags: &mut Diagnostics,
) -> Vec<Hosting> {
    let mut hosting = Vec::with_capacity(model.resources().len());
    for (id, resource) in model.resources() {
        let place = match &resource.kind {
            ResourceKind::Workload(workload) => match placer.service(resource) {
                Some(service) => Hosting::Server(placer.place_server(id, resource, service)),
                None => Hosting::App(placer.place_app(id, resource, workload, diags)),
            },
            ResourceKind::Database(database) => {
                match hosting.get(database.server.0 as usize).copied() {
                    Some(Hosting::Server(index)) => {
                        placer.place_database(index, id, resource, &database.database_name);
                        Hosting::Database(index)
                    }
                    Some(Hosting::App(_) | Hosting::Database(_) | Hosting::Nothing) | None => {
                        Hosting::Nothing
                    }
                }
            }
            // Reported by the check (W0703): Container Apps deploy nothing for it.
            ResourceKind::External(_) | ResourceKind::BuildOnly(_) => Hosting::Nothing,
        };
        hosting.push(place);
    }
    hosting
}

impl<'m> Placer<'m> for Plan<'m> {
    fn place_app(
        &mut self,
        id: ResourceId,
        resource: &'m Resource,
        workload: &'m Workload,
        diags: &mut Diagnostics,
    ) -> usize {
        let app = self.app(id, resource, workload, diags);
        self.apps.push(app);
        self.apps.len() - 1
    }

    fn place_server(&mut self, id: ResourceId, resource: &'m Resource, service: Service) -> usize {
        self.servers.push(Server {
            id,
            resource,
            service,
            label: names::label(&resource.name),
            name_prefix: names::global_prefix(self.model.name(), &resource.name),
            databases: Vec::new(),
        });
        self.servers.len() - 1
    }

    fn place_database(
        &mut self,
        server: usize,
        id: ResourceId,
        resource: &'m Resource,
        name: &'m str,
    ) {
        if let Some(server) = self.servers.get_mut(server) {
            server.databases.push(ManagedDatabase {
                id,
                label: names::label(&resource.name),
                name,
            });
        }
    }
}

impl<'m> Plan<'m> {
    /// Plans the container app of a workload, reporting what Container Apps cannot run.
    fn app(
        &mut self,
        id: ResourceId,
        resource: &'m Resource,
        workload: &'m Workload,
        diags: &mut Diagnostics,
    ) -> App<'m> {
        let reporter = self.reporter;
        let ingress = reporter.plan_ingress(
            resource,
            &workload.endpoints,
            MainRule::for_role(&workload.role),
            diags,
        );
        // After E0703 the default pair keeps planning going, so every other problem is
        // reported too; the output is discarded because of the error.
        let size = reporter
            .size(resource, &workload.limits, diags)
            .unwrap_or(sizing::DEFAULT);
        for mount in &workload.bind_mounts {
            reporter.unsupported(resource, Unsupported::BindMount(mount), diags);
        }
        let probe = workload
            .health
            .as_ref()
            .and_then(|health| probe(resource, workload, health, &reporter, diags));
        let mut volumes: Vec<usize> = Vec::new();
        let mut mounts = Vec::with_capacity(workload.volumes.len());
        let name = names::app_name(&resource.name);
        for volume in &workload.volumes {
            let share = self.shares.mount(&volume.name, volume.read_only);
            let index = match volumes.iter().position(|&s| s == share) {
                Some(index) => index,
                None => {
                    volumes.push(share);
                    volumes.len() - 1
                }
            };
            mounts.push((index, volume.target.as_str()));
        }
        // An init volume's name must differ from the shares the app mounts.
        let mut taken = names::UniqueNames::default();
        for &share in &volumes {
            if let Some(share) = self.shares.get(share) {
                taken.claim(&share.name, names::APP_NAME_MAX);
            }
        }
        let creation = match integration(workload) {
            Some(integration) => databases::creation(self.model, integration, &name, &mut taken),
            None => Creation::Nothing,
        };
        let files = files::init(workload, &name, &mut taken);
        let domains = crate::domains::of(resource, workload, &ingress, &reporter, diags);
        let mut notes = notes::of(resource, workload, probe.as_ref(), &creation);
        notes.extend(crate::domains::notes(workload, &domains));
        if let Some(registry) = self.model.registry_of(&workload.image) {
            for note in &mut notes {
                if let Note::BuiltFromSource(_, pushed_to) = note {
                    *pushed_to = Some(&registry.name);
                }
            }
        }
        App {
            id,
            resource,
            workload,
            name,
            label: names::label(&resource.name),
            image: image(&workload.image),
            notes,
            init: match creation {
                Creation::Init(init) => Some(init),
                Creation::ByTheApps(_) | Creation::Nothing => None,
            },
            ingress,
            domains,
            size,
            probe,
            scale: match workload.autoscale {
                Some(autoscale) => (autoscale.min, autoscale.max),
                None => probes::scale(workload.replicas),
            },
            cpu_target: workload.autoscale.map(|a| a.cpu),
            volumes,
            mounts,
            files,
            job: workload.job.as_ref().map(|job| match &job.schedule {
                Some(schedule) => Trigger::Schedule(schedule),
                None => Trigger::Manual,
            }),
        }
    }

    /// The renderer of this plan's values (see [`Values`]).
    pub fn values(&self) -> Values<'_, 'm> {
        Values::new(self)
    }

    /// Whether any app runs an image built from source (and so needs `image_tag`).
    pub fn builds_images(&self) -> bool {
        self.apps
            .iter()
            .any(|app| matches!(app.image, AppImage::Built { .. }))
    }

    /// Whether any resource needs the deployment's unique suffix in its name (servers, the
    /// storage account).
    pub fn needs_suffix(&self) -> bool {
        !self.servers.is_empty() || !self.shares.is_empty()
    }

    /// The apps with a public URL (an external HTTP main ingress), in model order.
    pub fn public_apps(&self) -> impl Iterator<Item = &App<'m>> {
        self.apps.iter().filter(|app| app.ingress.is_public())
    }

    /// The deployed module `id`, if this plan deploys it.
    pub fn deployed_module(&self, id: ir::ModuleId) -> Option<&ModulePlan<'m>> {
        let index = self.module_index.get(id.0 as usize).copied().flatten()?;
        self.modules.get(index)
    }

    /// The modules that write secrets to the Key Vault of module number `vault` (in
    /// [`Plan::modules`]): those given one of its outputs, as Aspire gives a resource the
    /// vault it writes its connection strings to. An app that reads the vault's secrets waits
    /// for them.
    pub fn vault_writers(&self, vault: usize) -> Vec<usize> {
        let Some(vault) = self.modules.get(vault) else {
            return Vec::new();
        };
        let reads_vault = |value: &ir::ModuleValue| {
            let mut found = false;
            visit_values(value, &mut |v| {
                found |= v.parts.iter().any(|part| match part {
                    ir::Part::Param { param, .. } => matches!(
                        self.model.parameter(*param).origin,
                        ir::ParamOrigin::Module { module, .. } if module == vault.id
                    ),
                    ir::Part::Text(_)
                    | ir::Part::Endpoint { .. }
                    | ir::Part::ConnectionString { .. }
                    | ir::Part::ConnectionProperty { .. } => false,
                });
            });
            found
        };
        self.modules
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.id != vault.id && m.module.params.iter().any(|(_, v)| reads_vault(v))
            })
            .map(|(index, _)| index)
            .collect()
    }

    /// The app hosting resource `id`, if it runs as one.
    pub fn app_of(&self, id: ResourceId) -> Option<&App<'m>> {
        let index = self.hosting.get(id.0 as usize)?.app()?;
        self.apps.get(index)
    }

    /// The server hosting resource `id` (a managed server, or the server of a managed
    /// database).
    pub fn server_of(&self, id: ResourceId) -> Option<&Server<'m>> {
        let index = self.hosting.get(id.0 as usize)?.server()?;
        self.servers.get(index)
    }
}

/// The image of a workload: a built image's repository is its reference without the tag.
pub fn image(image: &Image) -> AppImage<'_> {
    match image {
        Image::Pull(reference) => AppImage::Pull(reference),
        Image::Build(build) => {
            let repository = match build.image.rfind(':') {
                // A colon followed by a `/` belongs to a registry's port, not to a tag.
                Some(colon) if !build.image[colon..].contains('/') => &build.image[..colon],
                Some(_) | None => build.image.as_str(),
            };
            AppImage::Built { repository }
        }
    }
}

/// The probe of a workload's health check (the shared rule: a command check becomes a TCP
/// check of the first endpoint, as Container Apps has no exec probes); `None` when there is
/// nothing to probe, reported when it is because nothing can be probed.
fn probe<'m>(
    resource: &Resource,
    workload: &'m Workload,
    health: &'m Health,
    reporter: &Reporter,
    diags: &mut Diagnostics,
) -> Option<Probe<'m>> {
    match probes::check(&workload.endpoints, health) {
        Ok(check) => check.map(|check| Probe {
            check,
            timing: Timing::of(health),
        }),
        Err(probes::NoPortToProbe) => {
            reporter.unsupported(resource, Unsupported::HealthCommand, diags);
            None
        }
    }
}

/// Calls `visit` with every string value inside a module parameter's value.
pub(crate) fn visit_values<'v>(value: &'v ir::ModuleValue, visit: &mut impl FnMut(&'v ir::Value)) {
    match value {
        ir::ModuleValue::Value(v) => visit(v),
        ir::ModuleValue::Array(items) => items.iter().for_each(|i| visit_values(i, visit)),
        ir::ModuleValue::Object(members) => {
            members.iter().for_each(|(_, v)| visit_values(v, visit));
        }
        ir::ModuleValue::Deployer
        | ir::ModuleValue::Number(_)
        | ir::ModuleValue::Bool(_)
        | ir::ModuleValue::Null => {}
    }
}

/// The role of a workload, for notes: the integration it is, if any.
pub(crate) fn integration(workload: &Workload) -> Option<&ir::Integration> {
    match &workload.role {
        Role::Integration(integration) => Some(integration),
        Role::Container | Role::Project => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_images_lose_their_tag_but_not_a_registry_port() {
        let build = |image: &str| {
            Image::Build(ir::Build {
                image: image.to_string(),
                context: ".".to_string(),
                dockerfile: None,
                target: None,
                args: Vec::new(),
                secrets: Vec::new(),
            })
        };
        assert_eq!(
            image(&build("ghcr.io/acme/api:1.2")),
            AppImage::Built {
                repository: "ghcr.io/acme/api"
            }
        );
        assert_eq!(
            image(&build("localhost:5000/api")),
            AppImage::Built {
                repository: "localhost:5000/api"
            }
        );
    }
}
