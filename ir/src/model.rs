//! The model as declared: what a front end (`model.toml` or an Aspire manifest) produces.
//!
//! Names are still strings and expressions are unresolved [`Template`]s; every user-written
//! value keeps its span. Nothing here is checked beyond its shape: [`crate::check`] turns a
//! `Model` into a [`crate::CheckedModel`] or reports why it cannot.

use crate::expr::Template;
use crate::integrations::IntegrationKind;
use crate::span::{Span, Spanned};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub name: Spanned<String>,
    pub namespace: Option<Spanned<String>>,
    pub registry: Option<Spanned<String>>,
    pub tag: Option<Spanned<String>>,
    pub parameters: Vec<ParameterDecl>,
    pub resources: Vec<ResourceDecl>,
    /// Aspire manifests already carry the variables that references inject; a model.toml
    /// does not, and the inject pass adds them.
    pub pre_injected: bool,
    /// Why the input may hold expressions that read an endpoint or property their target
    /// does not have (an Aspire AppHost writes reads of what its run-time resources add, as a
    /// dev tunnel's endpoint on the project it exposes). Each such read is an error; with
    /// `allow_unsupported` it becomes a deploy-time parameter with a warning, as a read of a
    /// left-out resource does. `None` (model.toml, where the user wrote every expression)
    /// keeps them errors whatever the options.
    pub unresolved_reads: Option<String>,
    /// Where workloads send OpenTelemetry data, and whether the dashboard is deployed.
    pub observability: ObservabilityDecl,
    /// `[registries.<name>]`: pull credentials of private registries.
    pub registries: Vec<RegistryDecl>,
}

/// `[registries.<name>] server, username, password, pull_secret?` as written (checked in
/// `passes::registries`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryDecl {
    pub name: Spanned<String>,
    /// The registry host (`ghcr.io`, `myregistry.azurecr.io`, `localhost:5000`).
    pub server: Spanned<String>,
    pub username: Template,
    /// Must carry a secret parameter.
    pub password: Template,
    /// The Kubernetes image pull Secret's name (default `<name>-pull-secret`).
    pub pull_secret: Option<Spanned<String>>,
}

/// The observability of the app (Aspire's dashboard and its OTLP exporter variables; see
/// `passes::telemetry`). `Default` is none at all: no dashboard and no variables, what a front
/// end gets unless it asks (the model.toml and manifest front ends deploy the dashboard).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObservabilityDecl {
    /// Deploy the dashboard as this resource (named [`crate::telemetry::DASHBOARD_NAME`], spanned
    /// where the model asks for it, or at the model's name when it does by default).
    pub dashboard: Option<DashboardDecl>,
    /// An existing OTLP collector to send to instead of a dashboard.
    pub otlp_endpoint: Option<Template>,
    /// The OTLP protocol the workloads are told to use.
    pub protocol: OtlpProtocol,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardDecl {
    pub name: Spanned<String>,
    /// Its UI is reachable from outside the app.
    pub external: bool,
}

/// `OTEL_EXPORTER_OTLP_PROTOCOL`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OtlpProtocol {
    /// Aspire's default.
    #[default]
    Grpc,
    /// OTLP/HTTP with protobuf bodies.
    HttpProtobuf,
}

impl OtlpProtocol {
    pub const ALL: [OtlpProtocol; 2] = [OtlpProtocol::Grpc, OtlpProtocol::HttpProtobuf];

    /// As the OpenTelemetry specification spells it (and model.toml's `otlp_protocol`).
    pub fn as_str(self) -> &'static str {
        match self {
            OtlpProtocol::Grpc => "grpc",
            OtlpProtocol::HttpProtobuf => "http/protobuf",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterDecl {
    pub name: Spanned<String>,
    pub secret: bool,
    /// A default value, taken literally.
    pub value: Option<Spanned<String>>,
    pub generate: Option<Spanned<Generate>>,
    pub description: Option<String>,
    /// An Aspire `AddConnectionString` parameter: `{name.connectionString}` is its value.
    pub is_connection_string: bool,
}

/// How a deploy tool may generate a missing value (Aspire's `generate` default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generate {
    pub min_length: u32,
    pub lower: bool,
    pub upper: bool,
    pub numeric: bool,
    pub special: bool,
    pub min_lower: u32,
    pub min_upper: u32,
    pub min_numeric: u32,
    pub min_special: u32,
}

impl Default for Generate {
    fn default() -> Self {
        Generate {
            min_length: 22,
            lower: true,
            upper: true,
            numeric: true,
            special: true,
            min_lower: 0,
            min_upper: 0,
            min_numeric: 0,
            min_special: 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceDecl {
    pub name: Spanned<String>,
    pub kind: ResourceKindDecl,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per declaration, stored once in a Vec: boxing buys nothing"
)]
pub enum ResourceKindDecl {
    Compute(ComputeDecl),
    Integration(IntegrationDecl),
    /// A service outside the app (`external`; a manifest `value.v0`).
    External(ExternalDecl),
    /// Something no target can publish (a manifest `executable.v0`, or an entry with only
    /// `error`). The check reports it, or with `allow_unsupported` leaves it out and turns what
    /// others read from it into deploy-time parameters.
    Unsupported(UnsupportedDecl),
    /// An Azure Bicep module (a manifest `azure.bicep.v0` or `v1`): deployed by the targets
    /// that deploy modules ([`crate::Publisher::deploys_azure_modules`]), and for the others
    /// unsupported as above.
    AzureModule(AzureModuleDecl),
    /// A name that expressions read but the input does not declare (an Aspire AppHost leaves a
    /// resource marked `ExcludeFromManifest` out of the manifest while others still read it),
    /// spanned at the first expression that names it. Each read is an unknown name, unless
    /// `allow_unsupported` leaves it out like an unsupported resource.
    Undeclared(UndeclaredDecl),
}

/// `Default` is a container with nothing declared, for front ends and tests to fill in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComputeDecl {
    /// `project`: built from source, `endpoints.http = {}` listens on 8080.
    pub project: bool,
    pub image: Option<Spanned<String>>,
    pub build: Option<BuildDecl>,
    pub entrypoint: Vec<Spanned<String>>,
    pub args: Vec<Template>,
    pub env: Vec<EnvDecl>,
    pub endpoints: Vec<EndpointDecl>,
    pub references: Vec<ReferenceDecl>,
    pub wait_for: Vec<Spanned<String>>,
    pub replicas: Option<Spanned<i64>>,
    pub health: Option<HealthDecl>,
    pub volumes: Vec<VolumeDecl>,
    pub bind_mounts: Vec<BindMountDecl>,
    pub limits: LimitsDecl,
    /// `job = { ... }`: runs to completion instead of running on.
    pub job: Option<JobDecl>,
    /// `files = [...]`: files beside the model, mounted read-only.
    pub files: Vec<FilesDecl>,
    /// `autoscale = { min, max, cpu }`: a replica range scaled on CPU utilisation.
    pub autoscale: Option<AutoscaleDecl>,
    /// A manifest container may declare its own connection string.
    pub connection_string: Option<Template>,
    /// An image built only for other images' builds, never run (a manifest `container.v1`
    /// with `build.buildOnly`): checked as a build-only resource ([`crate::ResourceKind::BuildOnly`]).
    pub build_only: bool,
    /// It has an OpenTelemetry exporter, so it is told where to send (`OTEL_EXPORTER_OTLP_*`
    /// and `OTEL_SERVICE_NAME`) when the model has a destination. Which resources have one is
    /// the front end's rule (model.toml: every `container` and `project` unless `otlp = false`).
    pub otlp_exporter: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvDecl {
    pub name: Spanned<String>,
    pub value: Template,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildDecl {
    pub context: Spanned<String>,
    pub dockerfile: Option<Spanned<String>>,
    pub target: Option<Spanned<String>>,
    pub args: Vec<EnvDecl>,
    /// Build secrets (manifest `build.secrets` of type env): name and value.
    pub secrets: Vec<EnvDecl>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointDecl {
    pub name: Spanned<String>,
    /// `http`, `https`, `tcp`, `udp` in model.toml; any URI scheme in a manifest.
    pub scheme: Option<Spanned<String>>,
    pub transport: Option<Spanned<String>>,
    /// `tcp` or `udp`.
    pub protocol: Option<Spanned<String>>,
    pub target_port: Option<Spanned<i64>>,
    pub port: Option<Spanned<i64>>,
    pub external: bool,
    /// `ingress = { hosts, path, tls, class }`: how an external HTTP endpoint is reached.
    pub ingress: Option<IngressDecl>,
    pub span: Span,
}

/// `ingress = { hosts?, path?, tls?, class? }` of an endpoint, as written (checked in
/// `passes::ingress`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressDecl {
    pub hosts: Vec<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub tls: Option<TlsDecl>,
    pub class: Option<Spanned<String>>,
    /// The `ingress` table itself.
    pub span: Span,
}

/// `tls = { secret }` or `tls = { issuer }` (the schema allows exactly one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsDecl {
    pub secret: Option<Spanned<String>>,
    pub issuer: Option<Spanned<String>>,
    /// The `tls` table itself.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceDecl {
    pub target: Spanned<String>,
    /// `None`: inject everything.
    pub inject: Option<Vec<Spanned<Inject>>>,
}

/// The kinds of variables a reference injects (Aspire's `ReferenceEnvironmentInjectionFlags`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Inject {
    /// `ConnectionStrings__x`.
    ConnectionString,
    /// `X_HOST`, `X_PORT`, `X_URI`, ...
    ConnectionProperties,
    /// `services__x__<scheme>__<i>`.
    ServiceDiscovery,
    /// `X_<ENDPOINT>`.
    Endpoints,
}

impl Inject {
    pub const ALL: [Inject; 4] = [
        Inject::ConnectionString,
        Inject::ConnectionProperties,
        Inject::ServiceDiscovery,
        Inject::Endpoints,
    ];

    /// The spelling used in `model.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Inject::ConnectionString => "connection_string",
            Inject::ConnectionProperties => "connection_properties",
            Inject::ServiceDiscovery => "service_discovery",
            Inject::Endpoints => "endpoints",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthDecl {
    pub check: HealthCheckDecl,
    pub initial_delay: Option<Spanned<i64>>,
    pub period: Option<Spanned<i64>>,
    pub timeout: Option<Spanned<i64>>,
    pub failure_threshold: Option<Spanned<i64>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HealthCheckDecl {
    Http {
        path: Spanned<String>,
        endpoint: Spanned<String>,
    },
    Command(Vec<Spanned<String>>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeDecl {
    pub name: Spanned<String>,
    pub target: Spanned<String>,
    pub read_only: bool,
}

/// One entry of `files`: a file or a folder of files beside the model, as the front end read
/// it, mounted read-only at `target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilesDecl {
    /// The path as written, relative to the model's folder.
    pub source: Spanned<String>,
    pub target: Spanned<String>,
    /// Whether `source` is a folder (its files are mounted in the folder `target`), else one
    /// file mounted as the file `target`.
    pub folder: bool,
    /// Each file: its name (the source's file name, or a name in the folder) and its text.
    pub files: Vec<(String, String)>,
}

/// `job = { schedule? }` of a compute resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobDecl {
    /// A cron schedule (five fields); without it the job runs once per deployment.
    pub schedule: Option<Spanned<String>>,
    /// The `job` table itself.
    pub span: Span,
}

/// `autoscale = { min?, max, cpu }` as written (checked in `passes::autoscale`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoscaleDecl {
    /// The fewest replicas (default 1).
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    /// Target average CPU utilisation, in percent of the CPU each replica requests.
    pub cpu: Option<Spanned<i64>>,
    /// The `autoscale` table itself.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindMountDecl {
    pub source: Spanned<String>,
    pub target: Spanned<String>,
    pub read_only: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitsDecl {
    pub cpu: Option<Spanned<String>>,
    pub memory: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationDecl {
    pub kind: IntegrationKind,
    pub image: Option<Spanned<String>>,
    pub password: Option<Template>,
    pub persistent: bool,
    pub replicas: Option<Spanned<i64>>,
    pub env: Vec<EnvDecl>,
    pub limits: LimitsDecl,
    pub databases: Vec<Spanned<String>>,
    pub azure_hosting: Option<Spanned<AzureHosting>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AzureHosting {
    /// The Azure managed service where one exists (Postgres flexible server, Azure Cache for Redis).
    Managed,
    /// A container app with an Azure Files volume.
    Container,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalDecl {
    pub url: Option<Template>,
    pub connection_string: Option<Template>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsupportedDecl {
    /// The manifest type (`executable.v0`), or `error` for entries that only carry one.
    pub type_name: String,
    pub reason: String,
}

/// An Azure Bicep module: a `.bicep` file deployed with parameters, whose outputs other
/// resources read (`{m.outputs.x}`, `{m.secretOutputs.x}`, `{kv.secrets.x}`,
/// `{m.connectionString}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureModuleDecl {
    /// `azure.bicep.v0` or `azure.bicep.v1`.
    pub type_name: String,
    /// The file, relative to the model's folder, as written.
    pub path: Spanned<String>,
    /// The file as the front end read it, or why it could not.
    pub file: Result<ModuleFile, String>,
    pub params: Vec<ModuleParamDecl>,
    pub connection_string: Option<Template>,
    /// The resource group to deploy into (`scope.resourceGroup`), when not the deployment's.
    pub resource_group: Option<Template>,
}

/// A module file and what it declares (read by the front end, which knows its syntax).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFile {
    pub text: String,
    pub params: Vec<ModuleFileParam>,
    /// Each `output`.
    pub outputs: Vec<String>,
}

/// A `param` of a module file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFileParam {
    pub name: String,
    /// Its type as written (`string`, `object`, `string?`, ...).
    pub type_name: String,
    /// Whether it must be passed (no default, not nullable).
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleParamDecl {
    pub name: Spanned<String>,
    pub value: ModuleValueDecl,
}

/// A module parameter's value, as JSON can write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleValueDecl {
    /// A string, with expressions.
    String(Template),
    /// A value left for the deploying tool to supply (Aspire writes an empty string for
    /// `principalId`, `keyVaultName` and the like).
    Deployer(Span),
    /// A number, as written.
    Number(String),
    Bool(bool),
    Null,
    Array(Vec<ModuleValueDecl>),
    Object(Vec<(String, ModuleValueDecl)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndeclaredDecl {
    /// Why the input may read a name it does not declare, for the diagnostics.
    pub reason: String,
}
