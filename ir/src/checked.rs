//! The checked model: what publishers read.
//!
//! Every name is resolved to an id, every expression to [`Value`] parts, every integration to
//! its workload, and every value knows whether it is secret. Only [`crate::check`] builds a
//! `CheckedModel`, so a publisher cannot be handed a model with unresolved references.

use std::borrow::Cow;

use crate::integrations::IntegrationKind;
pub use crate::model::{AzureHosting, Generate, Inject, ModuleFile, ModuleFileParam};

/// Index of a parameter in [`CheckedModel::parameters`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub u32);

/// Index of a resource in [`CheckedModel::resources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub u32);

/// Index of an Azure Bicep module in [`CheckedModel::modules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleId(pub u32);

#[derive(Clone, Debug)]
pub struct CheckedModel {
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) tag: String,
    pub(crate) registry: Option<String>,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) resources: Vec<Resource>,
    /// Azure Bicep modules: not resources (no target but those that deploy modules has
    /// anything to say about them), read through parameters of [`ParamOrigin::Module`].
    pub(crate) modules: Vec<Module>,
    pub(crate) start_order: Vec<ResourceId>,
    /// The Aspire dashboard's workload, when the model deploys it.
    pub(crate) dashboard: Option<ResourceId>,
    /// Which connection information of each resource is secret, by resource index.
    pub(crate) taint: Vec<Taint>,
    /// Private registries' pull credentials, in model order.
    pub(crate) registries: Vec<Registry>,
}

/// Pull credentials of a private registry (`[registries.<name>]`), used by every image whose
/// reference starts with its server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    pub name: String,
    /// The host (and port) images name, lowercase (`ghcr.io`); Docker Hub is `docker.io`.
    pub server: String,
    pub username: Value,
    /// Carries a secret parameter (the check makes sure), so no target writes it in clear.
    pub password: Value,
    /// The name of the Kubernetes Secret of type `kubernetes.io/dockerconfigjson` that the
    /// deployer creates.
    pub pull_secret: String,
    /// Where it is declared.
    pub span: crate::span::Span,
}

/// The registry host of an image reference, as Docker reads it: the first path component when
/// it has a `.` or a `:` or is `localhost`, else Docker Hub (`docker.io`).
pub fn image_server(reference: &str) -> &str {
    match reference.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => match first {
            "index.docker.io" | "registry-1.docker.io" => "docker.io",
            host => host,
        },
        _ => "docker.io",
    }
}

/// Whether a resource's connection string and each of its connection properties (in the
/// order of [`Resource::properties`]) contain a secret. Computed once when the model is
/// checked, so that [`CheckedModel::is_secret`], which publishers call for every value, does
/// not walk connection strings again.
#[derive(Clone, Debug, Default)]
pub(crate) struct Taint {
    connection_string: bool,
    properties: Vec<bool>,
}

impl CheckedModel {
    /// Private registries' pull credentials, in model order.
    pub fn registries(&self) -> &[Registry] {
        &self.registries
    }

    /// The registry whose credentials pull `image` (by its server), if the model has one.
    pub fn registry_of(&self, image: &Image) -> Option<&Registry> {
        let server = image_server(image.reference());
        self.registries
            .iter()
            .find(|r| r.server.eq_ignore_ascii_case(server))
    }

    /// Fills in [`CheckedModel::taint`]; the check calls it once, on a model without errors
    /// (so connection strings do not contain themselves).
    pub(crate) fn compute_taint(&mut self) {
        let taint = self
            .resources
            .iter()
            .map(|r| Taint {
                connection_string: r
                    .connection_string
                    .as_ref()
                    .is_some_and(|v| self.contains_secret(v)),
                properties: r
                    .properties
                    .iter()
                    .map(|(_, v)| self.contains_secret(v))
                    .collect(),
            })
            .collect();
        self.taint = taint;
    }

    /// [`CheckedModel::is_secret`] by walking connection values, for [`Self::compute_taint`].
    fn contains_secret(&self, value: &Value) -> bool {
        value.parts.iter().any(|p| match p {
            Part::Param { param, .. } => self.parameter(*param).secret,
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => self
                .connection_part(p)
                .is_some_and(|v| self.contains_secret(v)),
            Part::Text(_) | Part::Endpoint { .. } => false,
        })
    }

    /// The application name (a DNS label).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Kubernetes namespace: `defaults.namespace`, else the application name.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The tag of images the model builds (`defaults.tag`, default `latest`).
    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn registry(&self) -> Option<&str> {
        self.registry.as_deref()
    }

    /// Parameters in declaration order, implicit ones after the resource that caused them.
    pub fn parameters(&self) -> impl ExactSizeIterator<Item = (ParamId, &Parameter)> {
        self.parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (ParamId(i as u32), p))
    }

    pub fn parameter(&self, id: ParamId) -> &Parameter {
        &self.parameters[id.0 as usize]
    }

    /// Resources in declaration order; databases follow their server.
    pub fn resources(&self) -> impl ExactSizeIterator<Item = (ResourceId, &Resource)> {
        self.resources
            .iter()
            .enumerate()
            .map(|(i, r)| (ResourceId(i as u32), r))
    }

    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.0 as usize]
    }

    /// Azure Bicep modules, in declaration order.
    pub fn modules(&self) -> impl ExactSizeIterator<Item = (ModuleId, &Module)> {
        self.modules
            .iter()
            .enumerate()
            .map(|(i, m)| (ModuleId(i as u32), m))
    }

    pub fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.0 as usize]
    }

    /// Workloads only (containers, projects and integrations), in declaration order.
    pub fn workloads(&self) -> impl Iterator<Item = (ResourceId, &Resource, &Workload)> {
        self.resources().filter_map(|(id, r)| match &r.kind {
            ResourceKind::Workload(w) => Some((id, r, w)),
            ResourceKind::Database(_) | ResourceKind::External(_) | ResourceKind::BuildOnly(_) => {
                None
            }
        })
    }

    /// The build-only images ([`ResourceKind::BuildOnly`]), in declaration order.
    pub fn build_only(&self) -> impl Iterator<Item = (ResourceId, &Resource, &Workload)> {
        self.resources().filter_map(|(id, r)| match &r.kind {
            ResourceKind::BuildOnly(w) => Some((id, r, w)),
            ResourceKind::Workload(_) | ResourceKind::Database(_) | ResourceKind::External(_) => {
                None
            }
        })
    }

    /// The Aspire dashboard's workload (a container, after the model's resources), when the
    /// model deploys it (see [`crate::telemetry`]).
    pub fn dashboard(&self) -> Option<ResourceId> {
        self.dashboard
    }

    /// Resources ordered so that every `wait_for` target comes before its waiters.
    pub fn start_order(&self) -> &[ResourceId] {
        &self.start_order
    }

    /// The endpoint `endpoint` of workload `resource`.
    pub fn endpoint(&self, resource: ResourceId, endpoint: usize) -> &Endpoint {
        &self.resource(resource).endpoints()[endpoint]
    }

    /// Whether `var` is the service-discovery variable of an `https` endpoint that shares its
    /// target port with an `http` endpoint of the same resource (`services__api__https__0` or
    /// `API_HTTPS` = `{api.bindings.https.url}`): the process serves plain HTTP there, because
    /// TLS is meant to end in front of it. A target with nothing in front (Compose, a
    /// Kubernetes Service) would advertise an `https://` address that fails every handshake, so
    /// it leaves such variables out, as Aspire's Compose publisher does; .NET's `https+http://`
    /// resolution then uses the `http` one. Found by tests/e2e on Aspire's TestShop manifest.
    pub fn is_plaintext_https_discovery(&self, var: &EnvVar) -> bool {
        let [
            Part::Endpoint {
                resource,
                endpoint,
                property: EndpointProperty::Url,
            },
        ] = var.value.parts.as_slice()
        else {
            return false;
        };
        let owner = self.resource(*resource);
        let endpoints = owner.endpoints();
        let Some(https) = endpoints.get(*endpoint).filter(|e| e.scheme == "https") else {
            return false;
        };
        let shares_http = endpoints
            .iter()
            .any(|e| e.scheme == "http" && e.target_port == https.target_port);
        let discovery = var.name.starts_with("services__")
            || var.name
                == [
                    crate::publish::env_name(&owner.name),
                    "_".to_string(),
                    crate::publish::env_name(&https.name),
                ]
                .concat();
        shares_http && discovery
    }

    /// Whether a value contains a secret parameter, directly or through a connection string
    /// or property it refers to.
    pub fn is_secret(&self, value: &Value) -> bool {
        value.parts.iter().any(|p| match p {
            Part::Param { param, .. } => self.parameter(*param).secret,
            Part::ConnectionString { resource } => self
                .taint
                .get(resource.0 as usize)
                .is_some_and(|t| t.connection_string),
            Part::ConnectionProperty { resource, property } => {
                let (Some(taint), Some(resource)) = (
                    self.taint.get(resource.0 as usize),
                    self.resources.get(resource.0 as usize),
                ) else {
                    return false;
                };
                resource
                    .properties
                    .iter()
                    .position(|(name, _)| name == property)
                    .is_some_and(|i| taint.properties.get(i) == Some(&true))
            }
            Part::Text(_) | Part::Endpoint { .. } => false,
        })
    }

    /// The value a `ConnectionString` or `ConnectionProperty` part stands for.
    pub fn connection_part(&self, part: &Part) -> Option<&Value> {
        match part {
            Part::ConnectionString { resource } => {
                self.resource(*resource).connection_string.as_ref()
            }
            Part::ConnectionProperty { resource, property } => self
                .resource(*resource)
                .properties
                .iter()
                .find(|(name, _)| name == property)
                .map(|(_, v)| v),
            Part::Text(_) | Part::Param { .. } | Part::Endpoint { .. } => None,
        }
    }

    /// The value with every `ConnectionString` and `ConnectionProperty` part replaced by what
    /// it stands for, recursively, so only text, parameters and endpoints remain. Targets that
    /// do not treat connection information specially publish this form. (The check rejects
    /// connection strings that contain themselves, so this terminates.)
    pub fn expand(&self, value: &Value) -> Value {
        let mut out = Value {
            parts: Vec::with_capacity(self.expanded_len(value)),
        };
        self.expand_into(value, &mut out);
        out
    }

    /// [`CheckedModel::expand`] without copying a value that has nothing to expand (most
    /// values: text, parameters and endpoints).
    pub fn expanded<'v>(&self, value: &'v Value) -> Cow<'v, Value> {
        let symbolic = value.parts.iter().any(|p| {
            matches!(
                p,
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. }
            )
        });
        if symbolic {
            Cow::Owned(self.expand(value))
        } else {
            Cow::Borrowed(value)
        }
    }

    /// How many parts `value` has once expanded, at most (adjacent text may merge).
    fn expanded_len(&self, value: &Value) -> usize {
        value
            .parts
            .iter()
            .map(|part| match part {
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => self
                    .connection_part(part)
                    .map_or(0, |inner| self.expanded_len(inner)),
                Part::Text(_) | Part::Param { .. } | Part::Endpoint { .. } => 1,
            })
            .sum()
    }

    fn expand_into(&self, value: &Value, out: &mut Value) {
        self.for_each_expanded(value, &mut |part| out.push(part.clone()));
    }

    /// Calls `visit` with each part of [`CheckedModel::expand`]`(value)` in order (adjacent
    /// text not merged), without building the expanded value.
    pub fn for_each_expanded<'m>(&'m self, value: &'m Value, visit: &mut impl FnMut(&'m Part)) {
        for part in &value.parts {
            match part {
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                    if let Some(inner) = self.connection_part(part) {
                        self.for_each_expanded(inner, visit);
                    }
                }
                Part::Text(_) | Part::Param { .. } | Part::Endpoint { .. } => visit(part),
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    /// Where the parameter is declared (its name); for an implicit one, what caused it (the
    /// integration's name, the expression that read a left-out resource). For diagnostics a
    /// publisher reports about it.
    pub span: crate::span::Span,
    pub secret: bool,
    /// A non-secret default; the only parameter value that may appear in output.
    pub default: Option<String>,
    pub generate: Option<Generate>,
    pub description: Option<String>,
    pub origin: ParamOrigin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamOrigin {
    Declared,
    /// `<name>-password` of an integration without `password`.
    IntegrationPassword(ResourceId),
    /// A value read from a resource left out with `--allow-unsupported`.
    LeftOut,
    /// The browser token or the OTLP API key of the Aspire dashboard (this resource).
    Dashboard(ResourceId),
    /// A value an Azure Bicep module provides: read number `read` of [`Module::reads`].
    /// A target that deploys the module reads it there; every other target takes it at
    /// deploy time, as a value of a left-out resource.
    Module {
        module: ModuleId,
        read: u32,
    },
}

/// An Azure Bicep module (see [`crate::model::AzureModuleDecl`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    /// Where it is declared (its name).
    pub span: crate::span::Span,
    /// `azure.bicep.v0` or `azure.bicep.v1`.
    pub type_name: String,
    /// Its file, relative to the model's folder, as written, and where.
    pub path: String,
    pub path_span: crate::span::Span,
    /// The file, or `None` when it could not be read (it is then left out of every target,
    /// with `--allow-unsupported`; without, that is an error).
    pub file: Option<ModuleFile>,
    pub params: Vec<(String, ModuleValue)>,
    pub connection_string: Option<Value>,
    /// The resource group it deploys into, when not the deployment's.
    pub resource_group: Option<Value>,
    /// What values read from it, by [`ParamOrigin::Module`]'s `read`.
    pub reads: Vec<ModuleRead>,
}

/// A module parameter's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleValue {
    Value(Value),
    /// Left for the deploying tool to supply (see [`crate::model::ModuleValueDecl::Deployer`]).
    Deployer,
    Number(String),
    Bool(bool),
    Null,
    Array(Vec<ModuleValue>),
    Object(Vec<(String, ModuleValue)>),
}

/// What an expression reads from a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleRead {
    /// `{m.outputs.<name>}`.
    Output(String),
    /// `{m.secretOutputs.<name>}`: Aspire's older secret outputs, which the module writes to
    /// the Key Vault the deployment passes as its `keyVaultName`.
    SecretOutput(String),
    /// `{kv.secrets.<name>}`: a secret of the Key Vault the module deploys.
    VaultSecret(String),
    /// `{m.connectionString}`: its connection string, made of the above.
    ConnectionString,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub name: String,
    /// Where the resource is declared (its name), for diagnostics a publisher reports about it.
    pub span: crate::span::Span,
    pub kind: ResourceKind,
    /// What `{name.connectionString}` and `ConnectionStrings__name` resolve to.
    pub connection_string: Option<Value>,
    /// Aspire 13 connection properties: (`HOST`, value), (`URI`, value), ...
    pub properties: Vec<(String, Value)>,
}

impl Resource {
    pub fn endpoints(&self) -> &[Endpoint] {
        match &self.kind {
            // A build-only image keeps what it declares, so that its own values (a `PORT` read
            // from its endpoint) resolve; no target runs it.
            ResourceKind::Workload(w) | ResourceKind::BuildOnly(w) => &w.endpoints,
            ResourceKind::Database(_) | ResourceKind::External(_) => &[],
        }
    }

    pub fn as_workload(&self) -> Option<&Workload> {
        match &self.kind {
            ResourceKind::Workload(w) => Some(w),
            ResourceKind::Database(_) | ResourceKind::External(_) | ResourceKind::BuildOnly(_) => {
                None
            }
        }
    }
}

// Two variants hold a `Workload`, so clippy's `large_enum_variant` no longer applies; as
// before, one value per resource is stored once in a Vec, and boxing would buy nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// Something that runs: a container, a project, or an integration's service.
    Workload(Workload),
    /// A database on an integration server; it runs nothing of its own.
    Database(Database),
    /// A service outside the app.
    External(External),
    /// An image built only for other images' builds and never run (an Aspire `container.v1`
    /// with `build.buildOnly`), with the shape of a workload: its build, and what it declares
    /// besides. Not among [`CheckedModel::workloads`]: Compose writes a service that only
    /// builds it, and the other targets deploy nothing for it (the check reports that).
    BuildOnly(Workload),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub role: Role,
    pub image: Image,
    pub entrypoint: Vec<String>,
    pub args: Vec<Value>,
    /// The final environment: explicit entries, then injected ones, in a stable order.
    pub env: Vec<EnvVar>,
    pub endpoints: Vec<Endpoint>,
    pub replicas: u32,
    pub health: Option<Health>,
    pub volumes: Vec<Volume>,
    pub bind_mounts: Vec<BindMount>,
    pub limits: Limits,
    /// `Some` for a workload that runs to completion (a `job`).
    pub job: Option<Job>,
    /// Files from beside the model, mounted read-only (`files`).
    pub files: Vec<FileMount>,
    /// `Some`: the replica count ranges from `min` (which `replicas` holds) to `max`.
    pub autoscale: Option<Autoscale>,
    pub wait_for: Vec<WaitFor>,
    /// The resources named in `references`, in order (what the topology graph shows).
    pub references: Vec<ResourceId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Container,
    /// Built from source (`project`): its image is `{registry}/{name}:{tag}`.
    Project,
    Integration(Integration),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    pub kind: IntegrationKind,
    /// The password value (a parameter, implicit or declared, or any expression).
    pub password: Option<Value>,
    pub persistent: bool,
    pub databases: Vec<ResourceId>,
    pub azure: AzureHosting,
    /// Where the model wrote `azure = { hosting = ... }`, if it did: `azure` is then the
    /// model's choice rather than the default (a target that hosts the integration its own
    /// way reports a choice it cannot follow there).
    pub hosting_span: Option<crate::span::Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Image {
    /// Pulled as it is.
    Pull(String),
    /// Built from source, then pushed as `image`.
    Build(Build),
}

impl Image {
    /// The image reference the workload runs.
    pub fn reference(&self) -> &str {
        match self {
            Image::Pull(image) => image,
            Image::Build(build) => &build.image,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// `{registry}/{resource}:{tag}`.
    pub image: String,
    pub context: String,
    pub dockerfile: Option<String>,
    pub target: Option<String>,
    pub args: Vec<(String, Value)>,
    pub secrets: Vec<(String, Value)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: Value,
    pub origin: EnvOrigin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvOrigin {
    /// Written in the model.
    Explicit,
    /// Injected by a reference to this resource.
    Reference(ResourceId),
    /// Part of an integration's own container.
    Integration,
    /// What a project is told about itself, as Aspire's publishers tell it: `HTTP_PORTS` and
    /// `ASPNETCORE_FORWARDEDHEADERS_ENABLED` (see `passes::inject`).
    Project,
    /// The Aspire dashboard's configuration, and the OpenTelemetry variables of an exporter
    /// (see [`crate::telemetry`]).
    Telemetry,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub name: String,
    /// `http`, `https`, `tcp`, `udp`, or another URI scheme from a manifest (`redis`).
    pub scheme: String,
    pub transport: Transport,
    pub protocol: Protocol,
    /// Where the process listens.
    pub target_port: u16,
    /// Where others reach it (defaults to `target_port`).
    pub port: u16,
    pub external: bool,
    /// Hosts, path, TLS and class of an external HTTP endpoint (`ingress`); `None`: the
    /// target's default (a `*.localhost` host on Kubernetes, the platform's domain elsewhere).
    pub ingress: Option<Ingress>,
}

/// How an external HTTP endpoint is reached from outside (`ingress`), checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    /// DNS names, lowercase, no wildcard; may be empty (the target's default host).
    pub hosts: Vec<String>,
    /// A path prefix starting with `/` (default `/`).
    pub path: String,
    /// Where `path` is written, else the `ingress` table: for a target without paths.
    pub path_span: crate::span::Span,
    /// Only with `hosts`.
    pub tls: Option<Tls>,
    /// Where `tls` is written.
    pub tls_span: crate::span::Span,
    /// An Ingress class name (Kubernetes only).
    pub class: Option<String>,
    /// Where `class` is written, else the `ingress` table.
    pub class_span: crate::span::Span,
    /// The `ingress` table.
    pub span: crate::span::Span,
}

impl Ingress {
    /// Whether `path` routes everything (the only path Container Apps can express).
    pub fn routes_everything(&self) -> bool {
        self.path == "/"
    }
}

/// Where the certificate of an ingress's hosts comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tls {
    /// A certificate that exists by this name: a Kubernetes TLS Secret, a certificate of the
    /// Container Apps environment.
    Secret(String),
    /// A cert-manager ClusterIssuer that issues one (Kubernetes only).
    Issuer(String),
}

impl Endpoint {
    /// Whether the endpoint speaks HTTP (and so can sit behind an Ingress or an HTTP ingress).
    pub fn is_http(&self) -> bool {
        matches!(self.transport, Transport::Http | Transport::Http2)
            || self.scheme == "http"
            || self.scheme == "https"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Http,
    Http2,
    Tcp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    pub check: HealthCheck,
    /// Seconds.
    pub initial_delay: Option<u32>,
    pub period: Option<u32>,
    pub timeout: Option<u32>,
    pub failure_threshold: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HealthCheck {
    /// An HTTP GET of `path` on the workload's endpoint `endpoint` (an index into its endpoints).
    Http { path: String, endpoint: usize },
    /// A command run inside the container; exit status 0 means healthy.
    Command(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    pub target: String,
    pub read_only: bool,
}

/// A file, or a folder of files, from beside the model, mounted read-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMount {
    /// The path as written, relative to the model's folder (for comments).
    pub source: String,
    /// Where it is mounted: the file's path, or the folder's.
    pub target: String,
    /// Whether the files are mounted in the folder `target` (else the one file is `target`).
    pub folder: bool,
    /// Each file's name and text, in name order.
    pub files: Vec<(String, String)>,
    /// Where `target` is written: for a target that cannot place the mount.
    pub span: crate::span::Span,
}

impl FileMount {
    /// A stable hash of the names and contents (8 hexadecimal digits): targets put it
    /// in the names of what carries the files, so that a changed file changes the workload and
    /// rolls it.
    pub fn content_hash(&self) -> String {
        let mut text = String::new();
        for (name, content) in &self.files {
            text.push_str(name);
            text.push('\0');
            text.push_str(&content.len().to_string());
            text.push('\0');
            text.push_str(content);
        }
        format!("{:08x}", crate::publish::stable_hash(&text))
    }

    /// Each file's path inside the container.
    pub fn paths(&self) -> impl Iterator<Item = (String, &str, &str)> {
        self.files.iter().map(|(name, content)| {
            let path = if self.folder {
                format!("{}/{name}", self.target.trim_end_matches('/'))
            } else {
                self.target.clone()
            };
            (path, name.as_str(), content.as_str())
        })
    }
}

/// A workload that runs to completion: once per deployment, or on a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// A cron schedule of five fields (minute, hour, day of month, month, day of week), as
    /// written; `None`: it runs once per deployment, and others may wait for it to complete.
    pub schedule: Option<String>,
    /// Where the schedule is written, else the `job` table: for a target that cannot express it.
    pub span: crate::span::Span,
}

/// A replica range scaled on CPU utilisation (`autoscale`); the workload's `replicas` is `min`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Autoscale {
    /// At least 1.
    pub min: u32,
    /// At least `min`.
    pub max: u32,
    /// Target average CPU utilisation in percent (1 to 100) of the CPU a replica requests.
    pub cpu: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindMount {
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Kubernetes quantity syntax: `500m`, `1`, `0.25`.
    pub cpu: Option<String>,
    /// Kubernetes quantity syntax: `512Mi`, `1Gi`.
    pub memory: Option<String>,
}

impl Limits {
    /// The CPU limit in millicores.
    pub fn cpu_millicores(&self) -> Option<u64> {
        self.cpu.as_deref().and_then(crate::quantity::parse_cpu)
    }

    /// The memory limit in bytes.
    pub fn memory_bytes(&self) -> Option<u64> {
        self.memory
            .as_deref()
            .and_then(crate::quantity::parse_memory)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitFor {
    /// A workload (waiting for a database waits for its server).
    pub target: ResourceId,
    pub condition: WaitCondition,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitCondition {
    /// The target has a health check: wait until it passes.
    Healthy,
    /// No health check: wait until it has started (answers on its port, where it has one).
    Started,
    /// The target is a job that runs once: wait until it has completed successfully.
    Completed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Database {
    pub server: ResourceId,
    /// The database's name on the server (the resource name).
    pub database_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct External {
    pub url: Option<Value>,
}

/// A string value made of literal text and things only a target can resolve.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Value {
    pub parts: Vec<Part>,
}

impl Value {
    pub fn text(text: impl Into<String>) -> Value {
        let text = text.into();
        if text.is_empty() {
            Value::default()
        } else {
            Value {
                parts: vec![Part::Text(text)],
            }
        }
    }

    /// Appends a part, merging adjacent text.
    pub fn push(&mut self, part: Part) {
        match (self.parts.last_mut(), part) {
            (_, Part::Text(t)) if t.is_empty() => {}
            (Some(Part::Text(last)), Part::Text(t)) => last.push_str(&t),
            (_, part) => self.parts.push(part),
        }
    }

    pub fn extend(&mut self, other: &Value) {
        for part in &other.parts {
            self.push(part.clone());
        }
    }

    /// The literal text when the value has no parts a target must resolve.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Param { .. }
                | Part::Endpoint { .. }
                | Part::ConnectionString { .. }
                | Part::ConnectionProperty { .. } => return None,
            }
        }
        Some(out)
    }

    /// The same value percent-encoded for use inside a URI: literal text is encoded now,
    /// parameters are marked so the target encodes them at deploy time. Call it on an
    /// expanded value (see [`CheckedModel::expand`]); the check only encodes passwords, which
    /// are parameters or expanded values.
    pub fn uri_encoded(&self) -> Value {
        let mut out = Value::default();
        for part in &self.parts {
            out.push(match part {
                Part::Text(t) => Part::Text(percent_encode(t)),
                Part::Param { param, .. } => Part::Param {
                    param: *param,
                    encoding: Encoding::Uri,
                },
                Part::Endpoint { .. }
                | Part::ConnectionString { .. }
                | Part::ConnectionProperty { .. } => part.clone(),
            });
        }
        out
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// A parameter's value, supplied at deploy time.
    Param {
        param: ParamId,
        encoding: Encoding,
    },
    /// A property of an endpoint, resolved per target (a Service name, a Compose service, an
    /// Azure Container Apps address).
    Endpoint {
        resource: ResourceId,
        endpoint: usize,
        property: EndpointProperty,
    },
    /// The connection string of a resource (`{x.connectionString}`, `ConnectionStrings__x`).
    /// Kept symbolic so a target that hosts the resource as a managed service can substitute
    /// its own; others use [`CheckedModel::expand`].
    ConnectionString {
        resource: ResourceId,
    },
    /// A connection property of a resource (`HOST`, `PORT`, `URI`, ... as in `X_HOST`).
    ConnectionProperty {
        resource: ResourceId,
        property: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Raw,
    /// Percent-encoded for use inside a URI (`uriComponent` in Bicep, `urlencode` in Terraform).
    Uri,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointProperty {
    /// `scheme://host:port`.
    Url,
    Host,
    Port,
    TargetPort,
    Scheme,
}

impl EndpointProperty {
    pub fn from_name(name: &str) -> Option<EndpointProperty> {
        Some(match name {
            "url" => EndpointProperty::Url,
            "host" => EndpointProperty::Host,
            "port" => EndpointProperty::Port,
            "targetPort" => EndpointProperty::TargetPort,
            "scheme" => EndpointProperty::Scheme,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            EndpointProperty::Url => "url",
            EndpointProperty::Host => "host",
            EndpointProperty::Port => "port",
            EndpointProperty::TargetPort => "targetPort",
            EndpointProperty::Scheme => "scheme",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use crate::{CheckOptions, Diagnostics};

    /// `db` (postgres, implicit secret password), `plain` (an external with a non-secret
    /// url), and `api` reading both.
    fn checked() -> CheckedModel {
        let mut api = container("api:1");
        api.env = vec![
            env("PLAIN", template("{log.value}")),
            env("DB", template("{db.connectionString}")),
            env("URL", template("{plain.connectionString}")),
        ];
        api.references = vec![reference("db")];
        let external = crate::model::ExternalDecl {
            url: Some(template("http://{log.value}")),
            connection_string: None,
        };
        let model = model(
            vec![param("log", false, Some("info"))],
            vec![
                hosted("db", integration(IntegrationKind::Postgres)),
                resource("plain", crate::model::ResourceKindDecl::External(external)),
                compute("api", api),
            ],
        );
        let mut diags = Diagnostics::new();
        let checked = crate::check(&model, &CheckOptions::default(), &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
        checked.expect("no errors")
    }

    fn env_value<'m>(model: &'m CheckedModel, name: &str) -> &'m Value {
        let (_, _, api) = model.workloads().find(|(_, r, _)| r.name == "api").unwrap();
        &api.env.iter().find(|e| e.name == name).unwrap().value
    }

    #[test]
    fn secrecy_follows_connection_strings_and_properties() {
        let model = checked();
        assert!(!model.is_secret(env_value(&model, "PLAIN")));
        assert!(model.is_secret(env_value(&model, "DB")));
        assert!(!model.is_secret(env_value(&model, "URL")));
        assert!(model.is_secret(env_value(&model, "DB_PASSWORD")));
        assert!(!model.is_secret(env_value(&model, "DB_HOST")));
        assert!(model.is_secret(env_value(&model, "DB_URI")));
        // The precomputed answer is the one found by walking the values.
        for (_, _, workload) in model.workloads() {
            for var in &workload.env {
                assert_eq!(
                    model.is_secret(&var.value),
                    model.contains_secret(&var.value),
                    "{}",
                    var.name
                );
            }
        }
    }

    #[test]
    fn expanded_borrows_what_has_nothing_to_expand() {
        let model = checked();
        let plain = env_value(&model, "PLAIN");
        assert!(matches!(model.expanded(plain), Cow::Borrowed(v) if v == plain));
        let db = env_value(&model, "DB");
        let expanded = model.expanded(db);
        assert!(matches!(expanded, Cow::Owned(_)));
        assert_eq!(*expanded, model.expand(db));
        assert!(expanded.parts.iter().all(|p| !matches!(
            p,
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. }
        )));
        assert_eq!(expanded.parts.len(), 6, "{expanded:?}");
    }
}
