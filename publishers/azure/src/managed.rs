//! Managed services for integrations with `azure.hosting = "managed"`: Postgres becomes an
//! Azure Database for PostgreSQL flexible server, Redis an Azure Cache for Redis. Other kinds
//! have no managed equivalent and run as container apps whatever the model asks.
//!
//! Their settings (version, size, storage, backups, TLS, the firewall rule) are [`POSTGRES`]
//! and [`REDIS`], the one place both Azure targets read them from.
//!
//! Their connection strings and properties are rebuilt here (azure.md §5), because the
//! model's own form describes the container (`Username=postgres`, port 6379): host = the
//! service's host name, TLS ports, the admin login `pgadmin`, `Ssl Mode=Require`, and for
//! Redis the cache's access key instead of the model's password. The model's values keep
//! `Part::ConnectionString`/`Part::ConnectionProperty` symbolic exactly so that this
//! substitution is possible; each target renders the [`Piece`]s.

use ir::{
    AzureHosting, CheckedModel, Integration, IntegrationKind, Part, Resource, ResourceId,
    ResourceKind, Role, Value, Workload,
};

use crate::Piece;
use crate::ingress::{Address, Host};

/// The administrator login of managed Postgres servers. Azure reserves several common names
/// (`admin`, `administrator`, `root`, `azure_superuser`, names starting with `pg_`, ...);
/// this one is safe and says what it is.
pub const POSTGRES_ADMIN: &str = "pgadmin";

/// The settings of every managed Postgres server: the smallest burstable size, as Aspire's
/// defaults are, with password authentication (the model's password) and the firewall rule
/// that admits Azure services (the container apps) and nothing else.
#[derive(Debug)]
pub struct PostgresSettings {
    pub version: &'static str,
    /// The pricing tier (`Burstable`, `GeneralPurpose`, `MemoryOptimized`).
    pub tier: &'static str,
    /// The compute size within the tier.
    pub sku: &'static str,
    pub storage_gb: u32,
    pub backup_retention_days: u32,
    /// Pinned, as Aspire pins it: left out, Azure picks one and later plans differ.
    pub availability_zone: &'static str,
    /// Geo-redundant backups (off: they cost more, and the data is a demo's until sized).
    pub geo_redundant_backup: bool,
    /// Zone-redundant high availability (off, as in the smallest size).
    pub high_availability: bool,
    /// Password authentication with the admin login (on: the model has a password); Entra ID
    /// authentication (off: the model has no identities for it).
    pub password_auth: bool,
    pub entra_auth: bool,
    /// Public network access, limited to Azure services by the firewall rule.
    pub public_network_access: bool,
    pub admin_login: &'static str,
    /// The firewall rule from 0.0.0.0 to 0.0.0.0, which admits Azure services only.
    pub firewall_rule: &'static str,
    /// Of each database.
    pub charset: &'static str,
    pub collation: &'static str,
}

impl PostgresSettings {
    /// The SKU as azurerm spells it: the tier's initial(s), then the size (`B_Standard_B1ms`).
    pub fn azurerm_sku_name(&self) -> String {
        let tier = match self.tier {
            "GeneralPurpose" => "GP",
            "MemoryOptimized" => "MO",
            _ => "B",
        };
        format!("{tier}_{}", self.sku)
    }
}

/// See [`PostgresSettings`].
pub const POSTGRES: PostgresSettings = PostgresSettings {
    version: "16",
    tier: "Burstable",
    sku: "Standard_B1ms",
    storage_gb: 32,
    backup_retention_days: 7,
    availability_zone: "1",
    geo_redundant_backup: false,
    high_availability: false,
    password_auth: true,
    entra_auth: false,
    public_network_access: true,
    admin_login: POSTGRES_ADMIN,
    firewall_rule: "AllowAllAzureServices",
    charset: "UTF8",
    collation: "en_US.utf8",
};

/// The settings of every managed Redis: the smallest Basic cache, TLS only (the plain port is
/// off), clients authenticating with the cache's access key.
#[derive(Debug)]
pub struct RedisSettings {
    /// `Basic`, `Standard` or `Premium`.
    pub sku: &'static str,
    /// `C` (Basic and Standard) or `P` (Premium).
    pub family: &'static str,
    pub capacity: u32,
    pub minimum_tls_version: &'static str,
    pub non_ssl_port: bool,
    /// Access-key authentication (on: connection strings carry the key).
    pub access_key_auth: bool,
}

/// See [`RedisSettings`].
pub const REDIS: RedisSettings = RedisSettings {
    sku: "Basic",
    family: "C",
    capacity: 0,
    minimum_tls_version: "1.2",
    non_ssl_port: false,
    access_key_auth: true,
};

/// A managed service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Postgres,
    Redis,
}

/// The integration a resource is, if any.
pub fn integration(resource: &Resource) -> Option<&Integration> {
    match &resource.kind {
        ResourceKind::Workload(Workload {
            role: Role::Integration(integration),
            ..
        }) => Some(integration),
        ResourceKind::Workload(_)
        | ResourceKind::Database(_)
        | ResourceKind::External(_)
        | ResourceKind::BuildOnly(_) => None,
    }
}

/// The managed service a resource is hosted as, if any.
pub fn service(resource: &Resource) -> Option<Service> {
    integration(resource).and_then(Service::of)
}

impl Service {
    /// The managed service for an integration, when it asks for one and one exists.
    pub fn of(integration: &Integration) -> Option<Service> {
        if integration.azure != AzureHosting::Managed {
            return None;
        }
        Service::for_kind(integration.kind)
    }

    /// The managed service that exists for an integration of `kind`, whatever the model asks.
    pub fn for_kind(kind: IntegrationKind) -> Option<Service> {
        match kind {
            IntegrationKind::Postgres => Some(Service::Postgres),
            IntegrationKind::Redis => Some(Service::Redis),
            IntegrationKind::Valkey
            | IntegrationKind::RabbitMq
            | IntegrationKind::MongoDb
            | IntegrationKind::MySql
            | IntegrationKind::SqlServer
            | IntegrationKind::Kafka
            | IntegrationKind::Nats => None,
        }
    }

    /// The port clients use: Postgres' own, and the cache's TLS port (the plain one is off).
    pub fn port(self) -> u16 {
        match self {
            Service::Postgres => 5432,
            Service::Redis => 6380,
        }
    }

    fn port_text(self) -> &'static str {
        match self {
            Service::Postgres => "5432",
            Service::Redis => "6380",
        }
    }

    /// The scheme of its endpoint as others see it (Redis only speaks TLS).
    pub fn scheme(self) -> &'static str {
        match self {
            Service::Postgres => "tcp",
            Service::Redis => "rediss",
        }
    }

    /// Where apps reach the service, whichever of its endpoints they name.
    pub fn address(self) -> Address<'static> {
        Address {
            host: Host::Server,
            port: self.port(),
            target_port: self.port(),
            scheme: self.scheme(),
        }
    }

    /// The connection string of the server, or of a database on it.
    pub fn connection_string(self, database: bool) -> Vec<Piece<'static>> {
        let port = Piece::text(self.port_text());
        match self {
            Service::Postgres => {
                let mut pieces = vec![
                    Piece::text("Host="),
                    Piece::ServerHost,
                    Piece::text(";Port="),
                    port,
                    Piece::text(";Username="),
                    Piece::AdminLogin,
                    Piece::text(";Password="),
                    Piece::Password,
                    Piece::text(";Ssl Mode=Require"),
                ];
                if database {
                    pieces.extend([Piece::text(";Database="), Piece::Database]);
                }
                pieces
            }
            Service::Redis => vec![
                Piece::ServerHost,
                Piece::text(":"),
                port,
                Piece::text(",password="),
                Piece::AccessKey,
                Piece::text(",ssl=True,abortConnect=False"),
            ],
        }
    }

    /// A connection property (`HOST`, `URI`, ...) of the server or of a database on it;
    /// `None` for a property this service does not redefine (the model's value stands).
    pub fn property(self, name: &str, database: bool) -> Option<Vec<Piece<'static>>> {
        let port = Piece::text(self.port_text());
        // `/<database>` then the TLS query, in a database's URIs.
        let with_path = |mut pieces: Vec<Piece<'static>>| {
            if database {
                pieces.extend([Piece::text("/"), Piece::Database]);
            }
            pieces.push(Piece::text("?sslmode=require"));
            pieces
        };
        Some(match (self, name) {
            (_, "HOST") => vec![Piece::ServerHost],
            (_, "PORT") => vec![port],
            (Service::Postgres, "PASSWORD") => vec![Piece::Password],
            (Service::Redis, "PASSWORD") => vec![Piece::AccessKey],
            (Service::Postgres, "USERNAME") => vec![Piece::AdminLogin],
            (Service::Postgres, "URI") => with_path(vec![
                Piece::text("postgresql://"),
                Piece::AdminLogin,
                Piece::text(":"),
                Piece::PasswordUri,
                Piece::text("@"),
                Piece::ServerHost,
                Piece::text(":"),
                port,
            ]),
            (Service::Postgres, "JDBCCONNECTIONSTRING") => with_path(vec![
                Piece::text("jdbc:postgresql://"),
                Piece::ServerHost,
                Piece::text(":"),
                port,
            ]),
            (Service::Postgres, "DATABASENAME") if database => vec![Piece::Database],
            (Service::Redis, "URI") => vec![
                Piece::text("rediss://:"),
                Piece::AccessKeyUri,
                Piece::text("@"),
                Piece::ServerHost,
                Piece::text(":"),
                port,
            ],
            _ => return None,
        })
    }
}

/// A managed server of another cloud's plan (terraform-aws, terraform-gcp), placed by
/// [`crate::plan::place`] with the databases on it.
#[derive(Debug)]
pub struct CloudServer<'m> {
    pub id: ResourceId,
    pub resource: &'m Resource,
    pub service: Service,
    /// The snake-case label of the resource name (Terraform labels, outputs).
    pub label: String,
    /// The cloud's name of the instance: `<app>-<name>`, a DNS label of at most 40
    /// characters (RDS, ElastiCache, Cloud SQL and Memorystore all take it).
    pub name: String,
    /// Its databases, in model order.
    pub databases: Vec<&'m str>,
    /// The model's password of the server.
    pub password: Option<&'m Value>,
}

impl<'m> CloudServer<'m> {
    pub fn new(
        model: &CheckedModel,
        id: ResourceId,
        resource: &'m Resource,
        service: Service,
    ) -> CloudServer<'m> {
        CloudServer {
            id,
            resource,
            service,
            label: crate::names::label(&resource.name),
            name: ir::publish::dns_label(&format!("{}-{}", model.name(), resource.name), 40),
            databases: Vec::new(),
            password: integration(resource).and_then(|i| i.password.as_ref()),
        }
    }
}

/// A connection string or property rebuilt for a managed server or a database on one.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection<'m> {
    /// The server (for a database: the server it is on).
    pub server: ResourceId,
    pub service: Service,
    /// The database name, for a database on the server ([`Piece::Database`]).
    pub database: Option<&'m str>,
    /// The model's password of the server ([`Piece::Password`]).
    pub password: Option<&'m Value>,
    pub pieces: Vec<Piece<'static>>,
}

/// The managed form of a connection part, or `None` when `part` is not a connection string or
/// property of a managed server or its database (the model's value then stands).
pub fn connection<'m>(model: &'m CheckedModel, part: &Part) -> Option<Connection<'m>> {
    connection_by(model, part, Service::of)
}

/// [`connection`], where `hosted` says which managed service an integration is (a cloud that
/// hosts one whatever the model asks, as Cloud Run does, passes its own rule).
pub fn connection_by<'m>(
    model: &'m CheckedModel,
    part: &Part,
    hosted: fn(&Integration) -> Option<Service>,
) -> Option<Connection<'m>> {
    let (id, property) = match part {
        Part::ConnectionString { resource } => (*resource, None),
        Part::ConnectionProperty { resource, property } => (*resource, Some(property.as_str())),
        Part::Text(_) | Part::Param { .. } | Part::Endpoint { .. } => return None,
    };
    let (server, database) = match &model.resource(id).kind {
        ResourceKind::Database(db) => (db.server, Some(db.database_name.as_str())),
        ResourceKind::Workload(_) => (id, None),
        ResourceKind::External(_) | ResourceKind::BuildOnly(_) => return None,
    };
    let integration = integration(model.resource(server))?;
    let service = hosted(integration)?;
    let pieces = match property {
        None => service.connection_string(database.is_some()),
        Some(name) => service.property(name, database.is_some())?,
    };
    Some(Connection {
        server,
        service,
        database,
        password: integration.password.as_ref(),
        pieces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_text as text;

    #[test]
    fn postgres_strings_use_tls_and_the_admin_login() {
        let pg = Service::Postgres;
        assert_eq!(
            text(&pg.connection_string(false)),
            "Host={host};Port=5432;Username={login};Password={password};Ssl Mode=Require"
        );
        assert_eq!(
            text(&pg.connection_string(true)),
            "Host={host};Port=5432;Username={login};Password={password};Ssl Mode=Require;Database={db}"
        );
        let property = |name, database| pg.property(name, database).map(|p| text(&p));
        assert_eq!(
            property("URI", true).as_deref(),
            Some("postgresql://{login}:{password:uri}@{host}:5432/{db}?sslmode=require")
        );
        assert_eq!(
            property("JDBCCONNECTIONSTRING", false).as_deref(),
            Some("jdbc:postgresql://{host}:5432?sslmode=require")
        );
        assert_eq!(property("DATABASENAME", true).as_deref(), Some("{db}"));
        assert_eq!(property("DATABASENAME", false), None);
        assert_eq!(property("USERNAME", false).as_deref(), Some("{login}"));
    }

    #[test]
    fn redis_strings_use_the_access_key_on_the_tls_port() {
        let redis = Service::Redis;
        assert_eq!(
            text(&redis.connection_string(false)),
            "{host}:6380,password={key},ssl=True,abortConnect=False"
        );
        assert_eq!(
            redis.property("URI", false).map(|p| text(&p)).as_deref(),
            Some("rediss://:{key:uri}@{host}:6380")
        );
        assert_eq!(
            redis
                .property("PASSWORD", false)
                .map(|p| text(&p))
                .as_deref(),
            Some("{key}")
        );
        assert_eq!(redis.property("USERNAME", false), None);
        let address = redis.address();
        assert_eq!(
            text(&address.pieces(ir::EndpointProperty::Url)),
            "rediss://{host}:6380"
        );
        assert_eq!(
            text(&address.pieces(ir::EndpointProperty::TargetPort)),
            "6380"
        );
    }

    #[test]
    fn only_postgres_and_redis_have_managed_services() {
        let integration = |kind, azure| Integration {
            kind,
            password: None,
            persistent: true,
            databases: Vec::new(),
            azure,
            hosting_span: None,
        };
        assert_eq!(
            Service::of(&integration(
                IntegrationKind::Postgres,
                AzureHosting::Managed
            )),
            Some(Service::Postgres)
        );
        assert_eq!(
            Service::of(&integration(
                IntegrationKind::Redis,
                AzureHosting::Container
            )),
            None
        );
        assert_eq!(
            Service::of(&integration(IntegrationKind::Valkey, AzureHosting::Managed)),
            None
        );
    }
}
