//! What running an integration's image on Kubernetes needs beyond the model's catalogue
//! ([`ir::IntegrationKind`]): volume ownership, data sub-paths, and database creation.

use ir::IntegrationKind;

/// Where the database creation script is mounted: the official Postgres and MySQL images run
/// every script in this folder once, when they initialise an empty data folder.
pub(crate) const INITDB_PATH: &str = "/docker-entrypoint-initdb.d";

/// The script's key in its ConfigMap (and so its file name in [`INITDB_PATH`]).
pub(crate) const INITDB_SCRIPT: &str = "create-databases.sql";

/// The group that must own the data volume, for images that do not run as root. A fresh
/// PersistentVolume is owned by root; `fsGroup` makes the kubelet hand it to this group.
pub(crate) fn fs_group(kind: IntegrationKind) -> Option<i64> {
    match kind {
        // The image runs as the `mssql` user, uid 10001.
        IntegrationKind::SqlServer => Some(10001),
        // Confluent images run as `appuser`, uid and gid 1000.
        IntegrationKind::Kafka => Some(1000),
        // These start as root and hand the data folder to their service user themselves.
        IntegrationKind::Postgres
        | IntegrationKind::Redis
        | IntegrationKind::Valkey
        | IntegrationKind::RabbitMq
        | IntegrationKind::MongoDb
        | IntegrationKind::MySql
        | IntegrationKind::Nats => None,
    }
}

/// A sub-folder of the volume to mount as the data folder. Postgres's `initdb` and MySQL's
/// `--initialize` refuse a folder that is not empty, and many volumes come with a
/// `lost+found` folder at their root; a sub-folder is always empty at first.
pub(crate) fn data_sub_path(kind: IntegrationKind) -> Option<&'static str> {
    match kind {
        IntegrationKind::Postgres | IntegrationKind::MySql => Some("data"),
        IntegrationKind::SqlServer
        | IntegrationKind::Kafka
        | IntegrationKind::Redis
        | IntegrationKind::Valkey
        | IntegrationKind::RabbitMq
        | IntegrationKind::MongoDb
        | IntegrationKind::Nats => None,
    }
}

/// The comment above the ConfigMap that holds the database creation script.
pub(crate) fn initdb_comment(kind: IntegrationKind, databases: &[&str]) -> Vec<String> {
    let list: Vec<String> = databases.iter().map(|db| format!("`{db}`")).collect();
    vec![
        format!(
            "The {} image runs the scripts in {INITDB_PATH} when it initialises an empty data folder:",
            kind.type_name()
        ),
        format!("this one creates the model's databases ({}) on first start.", list.join(", ")),
        "A database added to the model later is not created in an existing volume; create it by hand.".to_string(),
    ]
}
