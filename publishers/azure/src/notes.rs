//! The notes printed above a container app: what the reader of the output should know about
//! how Azure Container Apps runs it, worded once for both Azure targets.

use ir::{AzureHosting, IntegrationKind, Resource, Workload};

use crate::databases::{Creation, INITDB_DIR, INITDB_FILE};
use crate::plan::{Probe, integration};
use crate::probes::Check;

/// One note about a container app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note<'m> {
    /// The model asks for a managed service this integration does not have.
    NoManagedService(IntegrationKind),
    /// An integration keeps its data on an Azure Files share.
    DataOnAzureFiles {
        name: &'m str,
        kind: IntegrationKind,
    },
    /// The server's databases are created by its init container.
    DatabasesCreated {
        kind: IntegrationKind,
        container: String,
    },
    /// The server's databases (their names) are not created: the image has no init hook.
    DatabasesNotCreated(Vec<String>),
    /// The image is built from source and must be pushed first.
    BuiltFromSource(&'m str, Option<&'m str>),
    /// `wait_for` cannot be enforced.
    WaitForIgnored,
    /// A health command became a TCP probe on this port.
    CommandProbe(u16),
    /// A job without a schedule: a Container Apps job with a manual trigger, which the
    /// deployment does not start.
    ManualJob(&'m str),
    /// A scheduled job: its cron expression is read in UTC.
    ScheduledJob(&'m str),
    /// The workload's `files` are written by an init container, and writable.
    FilesWritten(String),
    /// Custom domains, and the certificate of the environment they are bound to (none:
    /// added unbound).
    CustomDomains {
        hosts: Vec<&'m str>,
        certificate: Option<&'m str>,
    },
    /// An Ingress class, which Container Apps has no use for.
    IngressClass(&'m str),
}

impl Note<'_> {
    /// The note as one line of text (without comment markers).
    pub fn text(&self) -> String {
        match self {
            Note::NoManagedService(kind) => format!(
                "`{}` has no managed Azure service here: it runs as a container app.",
                kind.type_name()
            ),
            Note::DataOnAzureFiles { name, kind } => format!(
                "`{name}` keeps its data on an Azure Files (SMB) share: {} may hit locking or permission problems there.",
                kind.type_name()
            ),
            Note::DatabasesCreated { kind, container } => format!(
                "Its databases are created when its data folder is first initialised: the init container `{container}` writes {INITDB_FILE} to {INITDB_DIR}, which the {} image runs then.",
                kind.type_name()
            ),
            Note::DatabasesNotCreated(names) => {
                let (noun, verb, pronoun) = if names.len() == 1 {
                    ("database", "is", "it")
                } else {
                    ("databases", "are", "them")
                };
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!(
                    "The SQL Server image has no init hook, so the {noun} {} {verb} not created: the application creates {pronoun} on first use (as EF Core migrations do).",
                    names.join(", ")
                )
            }
            Note::BuiltFromSource(name, None) => format!(
                "`{name}` is built from source: push its image with the tag in `image_tag` before deploying (registry credentials are not part of the model)."
            ),
            Note::BuiltFromSource(name, Some(registry)) => format!(
                "`{name}` is built from source: push its image with the tag in `image_tag` before deploying (to the registry `{registry}`, whose credentials the app pulls it with)."
            ),
            Note::WaitForIgnored => {
                "Azure Container Apps has no start order: `wait_for` is not enforced.".to_string()
            }
            Note::CommandProbe(port) => format!(
                "The health command becomes a TCP probe on port {port}: Azure Container Apps has no exec probes."
            ),
            Note::ManualJob(name) => format!(
                "`{name}` runs to completion as a Container Apps job with a manual trigger: deploying does not run it; start it with `az containerapp job start --name <its name> --resource-group <group>` (before the apps that wait for it)."
            ),
            Note::ScheduledJob(schedule) => {
                format!("A Container Apps job on the schedule `{schedule}` (UTC).")
            }
            Note::FilesWritten(container) => format!(
                "Its `files` are written by the init container `{container}` into an EmptyDir volume, mounted at each target: Container Apps has no read-only mounts, so the app could change its copy."
            ),
            Note::CustomDomains { hosts, certificate } => {
                let dns = format!(
                    "Custom domains {}: before deploying, each needs a CNAME record to the app's FQDN and a TXT record `asuid.<host>` with the environment's custom domain verification id",
                    hosts.join(", ")
                );
                match certificate {
                    Some(name) => format!(
                        "{dns}; they are bound to the certificate `{name}` of the environment, which must be uploaded to it before they are bound (`az containerapp env certificate upload --certificate-name {name}`; on a first deployment, once the environment exists)."
                    ),
                    None => format!(
                        "{dns}; they are added without a certificate (`az containerapp hostname bind` gives one a managed certificate)."
                    ),
                }
            }
            Note::IngressClass(class) => format!(
                "The Ingress class `{class}` is for Kubernetes: a container app has one ingress, of its own."
            ),
        }
    }
}

/// The notes of a workload that runs as a container app, in a fixed order.
pub(crate) fn of<'m>(
    resource: &'m Resource,
    workload: &'m Workload,
    probe: Option<&Probe<'_>>,
    databases: &Creation,
) -> Vec<Note<'m>> {
    let mut notes = Vec::new();
    if let Some(integration) = integration(workload) {
        if integration.azure == AzureHosting::Managed {
            notes.push(Note::NoManagedService(integration.kind));
        }
        if !workload.volumes.is_empty() {
            notes.push(Note::DataOnAzureFiles {
                name: &resource.name,
                kind: integration.kind,
            });
        }
        match databases {
            Creation::Init(init) => notes.push(Note::DatabasesCreated {
                kind: integration.kind,
                container: init.container.clone(),
            }),
            Creation::ByTheApps(names) => notes.push(Note::DatabasesNotCreated(names.clone())),
            Creation::Nothing => {}
        }
    }
    match workload.job.as_ref().map(|job| job.schedule.as_deref()) {
        Some(None) => notes.push(Note::ManualJob(&resource.name)),
        Some(Some(schedule)) => notes.push(Note::ScheduledJob(schedule)),
        None => {}
    }
    if !workload.files.is_empty() {
        let app = crate::names::app_name(&resource.name);
        notes.push(Note::FilesWritten(format!("{app}-files")));
    }
    if let ir::Image::Build(_) = &workload.image {
        notes.push(Note::BuiltFromSource(&resource.name, None));
    }
    if !workload.wait_for.is_empty() {
        notes.push(Note::WaitForIgnored);
    }
    if let (
        Some(ir::HealthCheck::Command(_)),
        Some(Probe {
            check: Check::Tcp { port },
            ..
        }),
    ) = (workload.health.as_ref().map(|h| &h.check), probe)
    {
        notes.push(Note::CommandProbe(*port));
    }
    notes
}

/// The notes printed above a managed server: what it is and how clients reach it.
pub fn server(server: &crate::plan::Server<'_>) -> Vec<String> {
    let name = &server.resource.name;
    match server.service {
        crate::managed::Service::Postgres => vec![
            format!(
                "Managed PostgreSQL for `{name}`: password authentication with the admin login `{}` and the model's password.",
                crate::managed::POSTGRES.admin_login
            ),
            "Public access is limited to Azure services by the firewall rule below.".to_string(),
        ],
        crate::managed::Service::Redis => vec![
            format!(
                "Azure Cache for Redis for `{name}`: TLS only (port {}).",
                crate::managed::Service::Redis.port()
            ),
            "Clients authenticate with the cache's access key, so the model's password for it is not used.".to_string(),
        ],
    }
}
