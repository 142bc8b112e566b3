//! The checked model: what publishers read.
//!
//! Every name is resolved to an id, every expression to [`Value`] parts, every integration to
//! its workload, and every value knows whether it is secret. Only [`crate::check`] builds a
//! `CheckedModel`, so a publisher cannot be handed a model with unresolved references.

use crate::integrations::IntegrationKind;
pub use crate::model::{AzureHosting, Generate, Inject};

/// Index of a parameter in [`CheckedModel::parameters`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub u32);

/// Index of a resource in [`CheckedModel::resources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub u32);

#[derive(Clone, Debug)]
pub struct CheckedModel {
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) tag: String,
    pub(crate) registry: Option<String>,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) resources: Vec<Resource>,
    pub(crate) start_order: Vec<ResourceId>,
}

impl CheckedModel {
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

    /// Workloads only (containers, projects and integrations), in declaration order.
    pub fn workloads(&self) -> impl Iterator<Item = (ResourceId, &Resource, &Workload)> {
        self.resources().filter_map(|(id, r)| match &r.kind {
            ResourceKind::Workload(w) => Some((id, r, w)),
            ResourceKind::Database(_) | ResourceKind::External(_) => None,
        })
    }

    /// Resources ordered so that every `wait_for` target comes before its waiters.
    pub fn start_order(&self) -> &[ResourceId] {
        &self.start_order
    }

    /// The endpoint `endpoint` of workload `resource`.
    pub fn endpoint(&self, resource: ResourceId, endpoint: usize) -> &Endpoint {
        &self.resource(resource).endpoints()[endpoint]
    }

    /// Whether a value contains a secret parameter, directly or through a connection string
    /// or property it refers to.
    pub fn is_secret(&self, value: &Value) -> bool {
        value.parts.iter().any(|p| match p {
            Part::Param { param, .. } => self.parameter(*param).secret,
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                self.connection_part(p).is_some_and(|v| self.is_secret(v))
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
        let mut out = Value::default();
        for part in &value.parts {
            match part {
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                    if let Some(inner) = self.connection_part(part) {
                        out.extend(&self.expand(inner));
                    }
                }
                Part::Text(_) | Part::Param { .. } | Part::Endpoint { .. } => {
                    out.push(part.clone());
                }
            }
        }
        out
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
            ResourceKind::Workload(w) => &w.endpoints,
            ResourceKind::Database(_) | ResourceKind::External(_) => &[],
        }
    }

    pub fn as_workload(&self) -> Option<&Workload> {
        match &self.kind {
            ResourceKind::Workload(w) => Some(w),
            ResourceKind::Database(_) | ResourceKind::External(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per resource, stored once in a Vec: boxing buys nothing"
)]
pub enum ResourceKind {
    /// Something that runs: a container, a project, or an integration's service.
    Workload(Workload),
    /// A database on an integration server; it runs nothing of its own.
    Database(Database),
    /// A service outside the app.
    External(External),
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
