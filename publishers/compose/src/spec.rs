//! The subset of the Compose Specification that aspirec writes, as serde types.
//!
//! Field order here is the key order in `compose.yaml`. Empty collections and unset options are
//! left out, so a service only shows what the model says. Every string in these types is
//! already in Compose's interpolation syntax (see [`crate::interpolation`]): the types do no
//! escaping of their own.

use indexmap::IndexMap;
use serde::Serialize;

use crate::entries::Entries;

/// A whole `compose.yaml` (no `version:`: the Compose Specification made it obsolete).
#[derive(Debug, Default, Serialize)]
pub(crate) struct ComposeFile {
    pub(crate) name: String,
    pub(crate) services: Entries<Service>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) volumes: IndexMap<String, NamedVolume>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) configs: IndexMap<String, Config>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(crate) secrets: IndexMap<String, Secret>,
}

/// The profile of the services that only build an image other images' builds use
/// ([`ir::ResourceKind::BuildOnly`]): `docker compose up` starts no service of a profile it is
/// not given, and `docker compose build <service>` (or `--profile build-only build`) builds it.
pub(crate) const BUILD_ONLY_PROFILE: &str = "build-only";

#[derive(Debug, Default, Serialize)]
pub(crate) struct Service {
    pub(crate) image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) build: Option<Build>,
    /// Only a build-only image's service has one ([`BUILD_ONLY_PROFILE`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) profiles: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) entrypoint: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) command: Vec<String>,
    #[serde(skip_serializing_if = "Entries::is_empty")]
    pub(crate) environment: Entries<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) ports: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) expose: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) volumes: Vec<Mount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) configs: Vec<ConfigMount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "Entries::is_empty")]
    pub(crate) depends_on: Entries<Dependency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) deploy: Option<Deploy>,
    /// `"no"` for a job: it runs to completion once, and a failure is not retried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) restart: Option<&'static str>,
}

/// `build:`, written next to `image:` so that one file both builds (`docker compose build`)
/// and runs the image under the name the other targets pull.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Build {
    pub(crate) context: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dockerfile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) target: Option<String>,
    #[serde(skip_serializing_if = "Entries::is_empty")]
    pub(crate) args: Entries<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) secrets: Vec<SecretMount>,
}

/// A volume or bind mount in long syntax, which says what it is instead of leaving Compose to
/// guess from the shape of `source`.
#[derive(Debug, Serialize)]
pub(crate) struct Mount {
    #[serde(rename = "type")]
    pub(crate) kind: MountKind,
    pub(crate) source: String,
    pub(crate) target: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) read_only: bool,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MountKind {
    Volume,
    Bind,
}

#[derive(Debug, Serialize)]
pub(crate) struct ConfigMount {
    pub(crate) source: String,
    pub(crate) target: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct SecretMount {
    pub(crate) source: String,
    pub(crate) target: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Healthcheck {
    /// `["CMD", ...]` or `["CMD-SHELL", script]`.
    pub(crate) test: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) retries: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) start_period: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Dependency {
    pub(crate) condition: Condition,
}

/// Compose's `depends_on` conditions, spelled `service_<condition>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Condition {
    #[serde(rename = "service_started")]
    Started,
    #[serde(rename = "service_healthy")]
    Healthy,
    /// The target is a job: wait until it has exited with status 0.
    #[serde(rename = "service_completed_successfully")]
    CompletedSuccessfully,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Deploy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resources: Option<Resources>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Resources {
    pub(crate) limits: Limits,
}

#[derive(Debug, Serialize)]
pub(crate) struct Limits {
    /// Cores as a decimal string (`"0.5"`), the form the specification documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cpus: Option<String>,
    /// Bytes with Docker's binary unit suffix (`"512m"` is 512 MiB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) memory: Option<String>,
}

/// A top-level named volume; Compose creates it (as `<project>_<name>`) with its defaults.
#[derive(Debug, Default, Serialize)]
pub(crate) struct NamedVolume {}

/// A top-level config whose file content is written inline.
#[derive(Debug, Serialize)]
pub(crate) struct Config {
    pub(crate) content: String,
}

/// A top-level secret read from a variable of the environment (and so of `.env`).
#[derive(Debug, Serialize)]
pub(crate) struct Secret {
    pub(crate) environment: String,
}
