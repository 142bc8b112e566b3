//! The view structs the templates print. They hold finished decisions only: names, symbols,
//! numbers and [`BicepStr`] values; the templates add layout and nothing else. Each is the
//! context of one rendering (the head of `main.bicep`, one resource, one output), made just
//! before it is printed and dropped right after.
//!
//! Templates print every string through the `bicep_string` filter; symbols, numbers and
//! [`Bool`] are printed as they are (Rust guarantees they are valid Bicep tokens). The views
//! of container apps, one per workload and most of `main.bicep`, are the exception: their
//! strings serialize as Bicep source already (`serialize_with = "literal"`), made by the
//! function behind the filter, so `container-app.bicep.j2` prints them as they are instead
//! of calling the filter for each.

use serde::{Serialize, Serializer};

use crate::bicep_string::{BicepStr, literal, literal_list, literal_option};

/// A boolean printed as Bicep's `true`/`false` (minijinja prints Python's `True`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bool(pub(crate) bool);

impl Serialize for Bool {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.0 { "true" } else { "false" })
    }
}

/// The head of `main.bicep`: its params and the shared resources.
#[derive(Debug, Serialize)]
pub(crate) struct HeadView {
    /// The generated-file header, one line.
    pub(crate) header: String,
    pub(crate) params: Vec<ParamView>,
    pub(crate) law_name: String,
    pub(crate) env_name: String,
    pub(crate) identity_name: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ParamView {
    pub(crate) symbol: String,
    pub(crate) description: Option<String>,
    pub(crate) secure: bool,
    pub(crate) default: Option<BicepStr>,
}

/// The Azure Files storage account behind named volumes (its shares are [`ShareView`]s).
#[derive(Debug, Serialize)]
pub(crate) struct StorageView {
    pub(crate) account_name: BicepStr,
}

/// One file share and the environment storage that mounts it.
#[derive(Debug, Serialize)]
pub(crate) struct ShareView {
    pub(crate) share_symbol: String,
    pub(crate) share_name: String,
    pub(crate) storage_symbol: String,
    pub(crate) storage_name: String,
    /// `ReadOnly` when every mount of the volume is read-only, else `ReadWrite`.
    pub(crate) access_mode: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct PostgresView {
    pub(crate) symbol: String,
    pub(crate) name: BicepStr,
    pub(crate) admin_login: &'static str,
    pub(crate) password: BicepStr,
    pub(crate) firewall_symbol: String,
    pub(crate) databases: Vec<DatabaseView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DatabaseView {
    pub(crate) symbol: String,
    pub(crate) name: String,
    /// The server allows one operation at a time, so children are created one after another.
    pub(crate) depends_on: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct RedisView {
    pub(crate) symbol: String,
    pub(crate) name: BicepStr,
}

#[derive(Debug, Serialize)]
pub(crate) struct AppView {
    pub(crate) symbol: String,
    #[serde(serialize_with = "literal")]
    pub(crate) name: String,
    /// One-line notes printed above the resource.
    pub(crate) comments: Vec<String>,
    pub(crate) ingress: Option<IngressView>,
    pub(crate) secrets: Vec<SecretView>,
    pub(crate) container: ContainerView,
    pub(crate) volumes: Vec<AppVolumeView>,
    pub(crate) min_replicas: u32,
    pub(crate) max_replicas: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct IngressView {
    pub(crate) external: Bool,
    pub(crate) target_port: u16,
    #[serde(serialize_with = "literal")]
    pub(crate) transport: &'static str,
    pub(crate) exposed_port: Option<u16>,
    pub(crate) additional: Vec<PortMappingView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PortMappingView {
    pub(crate) target_port: u16,
    pub(crate) exposed_port: u16,
}

#[derive(Debug, Serialize)]
pub(crate) struct SecretView {
    #[serde(serialize_with = "literal")]
    pub(crate) name: String,
    #[serde(serialize_with = "literal")]
    pub(crate) value: BicepStr,
}

#[derive(Debug, Serialize)]
pub(crate) struct ContainerView {
    #[serde(serialize_with = "literal")]
    pub(crate) name: String,
    #[serde(serialize_with = "literal")]
    pub(crate) image: BicepStr,
    #[serde(serialize_with = "literal_list")]
    pub(crate) command: Vec<String>,
    #[serde(serialize_with = "literal_list")]
    pub(crate) args: Vec<BicepStr>,
    pub(crate) env: Vec<EnvView>,
    #[serde(serialize_with = "literal")]
    pub(crate) cpu: &'static str,
    #[serde(serialize_with = "literal")]
    pub(crate) memory: &'static str,
    pub(crate) probes: Vec<ProbeView>,
    pub(crate) mounts: Vec<MountView>,
}

/// An environment variable: a plain `value`, or a `secret_ref` to one of the app's secrets.
#[derive(Debug, Serialize)]
pub(crate) struct EnvView {
    #[serde(serialize_with = "literal")]
    pub(crate) name: String,
    #[serde(serialize_with = "literal_option")]
    pub(crate) value: Option<BicepStr>,
    #[serde(serialize_with = "literal_option")]
    pub(crate) secret_ref: Option<String>,
}

/// A probe: exactly one of `http` and `tcp_port` is set.
#[derive(Debug, Serialize)]
pub(crate) struct ProbeView {
    /// `Liveness` or `Readiness`.
    #[serde(serialize_with = "literal")]
    pub(crate) kind: &'static str,
    pub(crate) http: Option<HttpProbeView>,
    pub(crate) tcp_port: Option<u16>,
    pub(crate) initial_delay: Option<u32>,
    pub(crate) period: Option<u32>,
    pub(crate) timeout: Option<u32>,
    pub(crate) failure_threshold: Option<u32>,
}

#[derive(Debug, Serialize)]
pub(crate) struct HttpProbeView {
    #[serde(serialize_with = "literal")]
    pub(crate) path: String,
    pub(crate) port: u16,
    /// `HTTP` or `HTTPS`.
    #[serde(serialize_with = "literal")]
    pub(crate) scheme: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct MountView {
    #[serde(serialize_with = "literal")]
    pub(crate) volume: String,
    #[serde(serialize_with = "literal")]
    pub(crate) path: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct AppVolumeView {
    #[serde(serialize_with = "literal")]
    pub(crate) name: String,
    /// The symbol of the environment storage it mounts.
    pub(crate) storage_symbol: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct OutputView {
    pub(crate) symbol: String,
    pub(crate) description: String,
    pub(crate) value: BicepStr,
}

/// `main.bicepparam`.
#[derive(Debug, Serialize)]
pub(crate) struct ParamFile {
    pub(crate) header: String,
    pub(crate) entries: Vec<ParamEntry>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ParamEntry {
    pub(crate) symbol: String,
    /// One-line notes printed above the assignment.
    pub(crate) comments: Vec<String>,
    pub(crate) value: BicepStr,
}
