//! Managed services for integrations with `azure.hosting = "managed"`: Postgres becomes an
//! Azure Database for PostgreSQL flexible server, Redis an Azure Cache for Redis.
//!
//! Their connection strings and properties are rebuilt here from resource attributes (the
//! server's FQDN, the cache's host name and access key), because the model's own form
//! describes the container (`Username=postgres`, port 6379). The values keep
//! `Part::ConnectionString` symbolic exactly so that this substitution is possible.

use hcl::{Block, Expression};
use ir::{
    AzureHosting, EndpointProperty, Integration, IntegrationKind, Part, Resource, ResourceId,
    ResourceKind, Role, Workload,
};

use crate::emit::{Piece, call, template, traversal};
use crate::names;
use crate::shared::{location, resource_block, resource_group_name, suffix};
use crate::value::{Rendered, Renderer};

/// Azure's server admin names exclude several common ones (`admin`, `root`, `azure_*`,
/// `pg_*`); this one is safe and says what it is.
const POSTGRES_ADMIN: &str = "pgadmin";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    Postgres,
    Redis,
}

impl Service {
    fn resource_type(self) -> &'static str {
        match self {
            Service::Postgres => "azurerm_postgresql_flexible_server",
            Service::Redis => "azurerm_redis_cache",
        }
    }

    /// The port clients use: Postgres' own, and the cache's TLS port (the plain one is off).
    fn port(self) -> &'static str {
        match self {
            Service::Postgres => "5432",
            Service::Redis => "6380",
        }
    }

    fn scheme(self) -> &'static str {
        match self {
            Service::Postgres => "tcp",
            Service::Redis => "rediss",
        }
    }

    fn host(self, label: &str) -> Expression {
        match self {
            Service::Postgres => traversal(self.resource_type(), &[label, "fqdn"]),
            Service::Redis => traversal(self.resource_type(), &[label, "hostname"]),
        }
    }
}

/// The managed service a resource is hosted as, if any.
pub(crate) fn service(resource: &Resource) -> Option<Service> {
    let integration = match &resource.kind {
        ResourceKind::Workload(Workload {
            role: Role::Integration(integration),
            ..
        }) => integration,
        ResourceKind::Workload(_) | ResourceKind::Database(_) | ResourceKind::External(_) => {
            return None;
        }
    };
    if integration.azure != AzureHosting::Managed {
        return None;
    }
    match integration.kind {
        IntegrationKind::Postgres => Some(Service::Postgres),
        IntegrationKind::Redis => Some(Service::Redis),
        // No managed equivalent: these run as container apps whatever the model asks.
        IntegrationKind::Valkey
        | IntegrationKind::RabbitMq
        | IntegrationKind::MongoDb
        | IntegrationKind::MySql
        | IntegrationKind::SqlServer
        | IntegrationKind::Kafka
        | IntegrationKind::Nats => None,
    }
}

/// A piece of a managed connection string.
#[derive(Clone, Copy)]
enum Seg {
    Text(&'static str),
    Host,
    Port,
    User,
    Password,
    PasswordUri,
    Database,
}

fn connection_string(service: Service, database: bool) -> Vec<Seg> {
    use Seg::*;
    let mut segs = match service {
        Service::Postgres => vec![
            Text("Host="),
            Host,
            Text(";Port="),
            Port,
            Text(";Username="),
            User,
            Text(";Password="),
            Password,
            Text(";Ssl Mode=Require"),
        ],
        Service::Redis => vec![
            Host,
            Text(":"),
            Port,
            Text(",password="),
            Password,
            Text(",ssl=True,abortConnect=False"),
        ],
    };
    if database {
        segs.extend([Text(";Database="), Database]);
    }
    segs
}

fn property(service: Service, property: &str, database: bool) -> Option<Vec<Seg>> {
    use Seg::*;
    let path = |segs: &mut Vec<Seg>| {
        if database {
            segs.extend([Text("/"), Database]);
        }
    };
    Some(match (service, property) {
        (_, "HOST") => vec![Host],
        (_, "PORT") => vec![Port],
        (_, "PASSWORD") => vec![Password],
        (Service::Postgres, "USERNAME") => vec![User],
        (Service::Postgres, "URI") => {
            let mut segs = vec![
                Text("postgresql://"),
                User,
                Text(":"),
                PasswordUri,
                Text("@"),
                Host,
                Text(":"),
                Port,
            ];
            path(&mut segs);
            segs.push(Text("?sslmode=require"));
            segs
        }
        (Service::Postgres, "JDBCCONNECTIONSTRING") => {
            let mut segs = vec![Text("jdbc:postgresql://"), Host, Text(":"), Port];
            path(&mut segs);
            segs.push(Text("?sslmode=require"));
            segs
        }
        (Service::Postgres, "DATABASENAME") if database => vec![Database],
        (Service::Redis, "URI") => vec![
            Text("rediss://:"),
            PasswordUri,
            Text("@"),
            Host,
            Text(":"),
            Port,
        ],
        _ => return None,
    })
}

/// Renders a connection string or property of a managed server or one of its databases.
/// Returns false for anything else, which the caller expands as the model says.
pub(crate) fn connection(renderer: &mut Renderer<'_>, part: &Part, out: &mut Rendered) -> bool {
    let model = renderer.model;
    let (id, wanted) = match part {
        Part::ConnectionString { resource } => (*resource, None),
        Part::ConnectionProperty { resource, property } => (*resource, Some(property.as_str())),
        Part::Text(_) | Part::Param { .. } | Part::Endpoint { .. } => return false,
    };
    let (server, database) = match &model.resource(id).kind {
        ResourceKind::Database(db) => (db.server, Some(db.database_name.as_str())),
        ResourceKind::Workload(_) => (id, None),
        ResourceKind::External(_) => return false,
    };
    let server_resource = model.resource(server);
    let Some(service) = service(server_resource) else {
        return false;
    };
    let segs = match wanted {
        None => connection_string(service, database.is_some()),
        Some(name) => match property(service, name, database.is_some()) {
            Some(segs) => segs,
            None => return false,
        },
    };
    let label = names::label(&server_resource.name);
    let password = integration(server_resource).and_then(|i| i.password.clone());
    let key = traversal(service.resource_type(), &[&label, "primary_access_key"]);
    for seg in segs {
        match seg {
            Seg::Text(text) => out.text(text),
            Seg::Host => out.expr(service.host(&label)),
            Seg::Port => out.text(service.port()),
            Seg::User => out.expr(traversal(
                service.resource_type(),
                &[&label, "administrator_login"],
            )),
            Seg::Database => out.text(database.unwrap_or_default()),
            Seg::Password | Seg::PasswordUri => {
                let uri = matches!(seg, Seg::PasswordUri);
                match service {
                    Service::Postgres => {
                        if let Some(password) = &password {
                            let password = if uri {
                                model.expand(password).uri_encoded()
                            } else {
                                password.clone()
                            };
                            out.secret |= model.is_secret(&password);
                            renderer.append(&password, out);
                        }
                    }
                    Service::Redis => {
                        out.secret = true;
                        out.expr(if uri {
                            call("urlencode", vec![key.clone()])
                        } else {
                            key.clone()
                        });
                    }
                }
            }
        }
    }
    true
}

/// An endpoint property of a managed server. Returns false when `resource` is not one.
pub(crate) fn endpoint(
    resource: &Resource,
    property: EndpointProperty,
    out: &mut Rendered,
) -> bool {
    let Some(service) = service(resource) else {
        return false;
    };
    let label = names::label(&resource.name);
    match property {
        EndpointProperty::Url => {
            out.text(&format!("{}://", service.scheme()));
            out.expr(service.host(&label));
            out.text(&format!(":{}", service.port()));
        }
        EndpointProperty::Host => out.expr(service.host(&label)),
        EndpointProperty::Port | EndpointProperty::TargetPort => out.text(service.port()),
        EndpointProperty::Scheme => out.text(service.scheme()),
    }
    true
}

fn integration(resource: &Resource) -> Option<&Integration> {
    match &resource.kind {
        ResourceKind::Workload(Workload {
            role: Role::Integration(integration),
            ..
        }) => Some(integration),
        ResourceKind::Workload(_) | ResourceKind::Database(_) | ResourceKind::External(_) => None,
    }
}

/// The Azure resources of a managed server, with the comment that goes above the first.
pub(crate) fn blocks(
    renderer: &mut Renderer<'_>,
    id: ResourceId,
    service: Service,
) -> Vec<(Vec<String>, Block)> {
    let model = renderer.model;
    let resource = model.resource(id);
    let label = names::label(&resource.name);
    let name = template(&[
        Piece::Text(format!(
            "{}-",
            names::global_prefix(model.name(), &resource.name)
        )),
        Piece::Expr(suffix()),
    ]);
    let Some(integration) = integration(resource) else {
        return Vec::new();
    };
    match service {
        Service::Postgres => {
            let mut server = resource_block(service.resource_type(), &label)
                .add_attribute(("name", name))
                .add_attribute(("resource_group_name", resource_group_name()))
                .add_attribute(("location", location()))
                .add_attribute(("version", "16"))
                // Zone 1, as Aspire pins it: left out, Azure picks one and later plans differ.
                .add_attribute(("zone", "1"))
                .add_attribute(("sku_name", "B_Standard_B1ms"))
                .add_attribute(("storage_mb", 32768))
                .add_attribute(("backup_retention_days", 7))
                .add_attribute(("public_network_access_enabled", true))
                .add_attribute(("administrator_login", POSTGRES_ADMIN));
            if let Some(password) = &integration.password {
                server = server.add_attribute((
                    "administrator_password",
                    renderer.render(password).expression(),
                ));
            }
            let server_id = traversal(service.resource_type(), &[&label, "id"]);
            let mut out = vec![(
                vec![
                    format!("Managed PostgreSQL for `{}`: password authentication with the admin login `{POSTGRES_ADMIN}`", resource.name),
                    "and the model's password; public access is limited to Azure services by the firewall rule below.".to_string(),
                ],
                server.build(),
            )];
            out.push((
                Vec::new(),
                resource_block(
                    "azurerm_postgresql_flexible_server_firewall_rule",
                    &format!("{label}_azure"),
                )
                .add_attribute(("name", "AllowAllAzureServices"))
                .add_attribute(("server_id", server_id.clone()))
                .add_attribute(("start_ip_address", "0.0.0.0"))
                .add_attribute(("end_ip_address", "0.0.0.0"))
                .build(),
            ));
            for &db in &integration.databases {
                let database = model.resource(db);
                let database_name = match &database.kind {
                    ResourceKind::Database(d) => d.database_name.as_str(),
                    ResourceKind::Workload(_) | ResourceKind::External(_) => continue,
                };
                out.push((
                    Vec::new(),
                    resource_block(
                        "azurerm_postgresql_flexible_server_database",
                        &names::label(&database.name),
                    )
                    .add_attribute(("name", database_name))
                    .add_attribute(("server_id", server_id.clone()))
                    .add_attribute(("charset", "UTF8"))
                    .add_attribute(("collation", "en_US.utf8"))
                    .build(),
                ));
            }
            out
        }
        Service::Redis => vec![(
            vec![
                format!(
                    "Azure Cache for Redis for `{}`: TLS only (port 6380). Clients authenticate with the cache's",
                    resource.name
                ),
                "access key, so the model's password for it is not used.".to_string(),
            ],
            resource_block(service.resource_type(), &label)
                .add_attribute(("name", name))
                .add_attribute(("resource_group_name", resource_group_name()))
                .add_attribute(("location", location()))
                .add_attribute(("capacity", 0))
                .add_attribute(("family", "C"))
                .add_attribute(("sku_name", "Basic"))
                .add_attribute(("minimum_tls_version", "1.2"))
                .add_attribute(("non_ssl_port_enabled", false))
                .build(),
        )],
    }
}
