//! The child databases of a Postgres or MySQL server that runs as a container app: created
//! by the same script the Kubernetes and Compose targets mount, run by the image itself.
//!
//! The official Postgres and MySQL images run the scripts in `/docker-entrypoint-initdb.d`
//! when they initialise an empty data folder, before they accept connections, so the
//! databases exist before any app can reach the server. Container Apps cannot mount a file
//! from the deployment, so an init container writes the script (passed in its environment)
//! into an `EmptyDir` volume that the server's container mounts at that folder. A SQL Server
//! image has no such hook: its apps create their databases (as EF Core migrations do), and a
//! note says so. MongoDB creates a database on first use. Managed servers declare one
//! database resource each instead (see [`crate::plan::Server`]).

use ir::{CheckedModel, Integration, IntegrationKind, ResourceKind};

use crate::names::UniqueNames;
use crate::sizing::{PAIRS, Pair};

/// Where the images look for init scripts.
pub const INITDB_DIR: &str = "/docker-entrypoint-initdb.d";

/// The script's file name there (as on Kubernetes and Compose).
pub const INITDB_FILE: &str = "create-databases.sql";

/// The init container's image: the small pinned shell image the Kubernetes target waits with.
pub const INIT_IMAGE: &str = "docker.io/library/busybox:1.37.0";

/// Where the init container mounts the volume it writes the script to.
pub const INIT_MOUNT: &str = "/initdb";

/// The variable that carries the script into the init container.
pub const SCRIPT_VARIABLE: &str = "INITDB_SCRIPT";

/// The init container that writes the database creation script, and the volume it shares
/// with the server's container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitDatabases {
    /// The init container's name: the app's, with `-initdb`.
    pub container: String,
    /// The `EmptyDir` volume's name, unique among the app's volumes.
    pub volume: String,
    /// The SQL script (the one `IntegrationKind::database_init_script` writes for every
    /// target).
    pub script: String,
    /// The shell command line that writes the script (run with `/bin/sh -c`).
    pub command: String,
    /// The smallest CPU/memory pair: writing a file needs nothing more, and Container Apps
    /// accepts any sum of pairs.
    pub size: &'static Pair,
}

/// What becomes of an integration's child databases on Container Apps.
#[derive(Debug)]
pub enum Creation {
    /// Created by the init container.
    Init(InitDatabases),
    /// Not created: the image has no init hook (SQL Server); their names.
    ByTheApps(Vec<String>),
    /// Nothing to do: none, or the service creates them on first use.
    Nothing,
}

/// The creation of the child databases of `integration`, run as the container app `app`,
/// whose volumes already took the names in `volumes`.
pub fn creation(
    model: &CheckedModel,
    integration: &Integration,
    app: &str,
    volumes: &mut UniqueNames,
) -> Creation {
    let names: Vec<&str> = integration
        .databases
        .iter()
        .filter_map(|id| match &model.resource(*id).kind {
            ResourceKind::Database(db) => Some(db.database_name.as_str()),
            ResourceKind::Workload(_) | ResourceKind::External(_) | ResourceKind::BuildOnly(_) => {
                None
            }
        })
        .collect();
    if names.is_empty() {
        return Creation::Nothing;
    }
    match integration.kind.database_init_script(&names) {
        Some(script) => Creation::Init(InitDatabases {
            container: format!("{app}-initdb"),
            volume: volumes.claim("initdb", crate::names::APP_NAME_MAX),
            script,
            command: format!("printf '%s' \"${SCRIPT_VARIABLE}\" > {INIT_MOUNT}/{INITDB_FILE}"),
            size: &PAIRS[0],
        }),
        None if integration.kind == IntegrationKind::SqlServer => {
            Creation::ByTheApps(names.iter().map(|n| n.to_string()).collect())
        }
        None => Creation::Nothing,
    }
}
