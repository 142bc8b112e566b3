//! Managed services for integrations with `azure.hosting = "managed"`: Postgres becomes an
//! Azure Database for PostgreSQL flexible server, Redis an Azure Cache for Redis.
//!
//! Which integrations are managed, and their connection strings and properties, are the
//! shared rules of `aspirec_azure::managed`; this module writes them as HCL: the pieces become
//! the server's attributes (`fqdn`, `administrator_login`, `primary_access_key`), and each
//! service becomes its azurerm resources.

use aspirec_azure::Piece;
use aspirec_azure::managed::{self as rules, POSTGRES_ADMIN};
use hcl::{Block, Expression};
use ir::{Part, ResourceId, ResourceKind, Value};

use crate::emit::{self, call, template, traversal};
use crate::names;
use crate::shared::{location, resource_block, resource_group_name, suffix};
use crate::value::{Rendered, Renderer};

/// The shared rules' view of managed services; `service` is also what `storage` asks.
pub(crate) use aspirec_azure::managed::{Service, service};

/// The azurerm resource type of a service.
fn resource_type(service: Service) -> &'static str {
    match service {
        Service::Postgres => "azurerm_postgresql_flexible_server",
        Service::Redis => "azurerm_redis_cache",
    }
}

/// What [`Piece`]s of one managed server refer to.
pub(crate) struct Server<'m> {
    pub(crate) service: Service,
    /// The Terraform label of the server's resource.
    pub(crate) label: String,
    pub(crate) database: Option<&'m str>,
    pub(crate) password: Option<&'m Value>,
}

impl Server<'_> {
    fn attribute(&self, name: &str) -> Expression {
        traversal(resource_type(self.service), &[&self.label, name])
    }

    /// The server's host name: a flexible server's `fqdn`, a cache's `hostname`.
    pub(crate) fn host(&self) -> Expression {
        self.attribute(match self.service {
            Service::Postgres => "fqdn",
            Service::Redis => "hostname",
        })
    }
}

/// Renders a connection string or property of a managed server or one of its databases from
/// the server's attributes. Returns false for anything else, which the caller expands as the
/// model says.
pub(crate) fn connection(renderer: &mut Renderer<'_>, part: &Part, out: &mut Rendered) -> bool {
    let model = renderer.model;
    let Some(connection) = rules::connection(model, part) else {
        return false;
    };
    let server = Server {
        service: connection.service,
        label: names::label(&model.resource(connection.server).name),
        database: connection.database,
        password: connection.password,
    };
    render(renderer, &connection.pieces, Some(&server), out);
    true
}

/// Appends shared pieces; `server` is what server pieces refer to (none for an app's address).
pub(crate) fn render(
    renderer: &mut Renderer<'_>,
    pieces: &[Piece<'_>],
    server: Option<&Server<'_>>,
    out: &mut Rendered,
) {
    let model = renderer.model;
    for piece in pieces {
        match (piece, server) {
            (Piece::Text(text), _) => out.text(text),
            (Piece::DefaultDomain, _) => out.expr(crate::value::default_domain()),
            (Piece::ServerHost, Some(server)) => out.expr(server.host()),
            (Piece::AdminLogin, Some(server)) => out.expr(server.attribute("administrator_login")),
            (Piece::Database, Some(server)) => out.text(server.database.unwrap_or_default()),
            (Piece::Password | Piece::PasswordUri, Some(server)) => {
                if let Some(password) = server.password {
                    let password = if *piece == Piece::PasswordUri {
                        model.expand(password).uri_encoded()
                    } else {
                        password.clone()
                    };
                    out.secret |= model.is_secret(&password);
                    renderer.append(&password, out);
                }
            }
            (Piece::AccessKey | Piece::AccessKeyUri, Some(server)) => {
                let key = server.attribute("primary_access_key");
                out.secret = true;
                out.expr(if *piece == Piece::AccessKeyUri {
                    call("urlencode", vec![key])
                } else {
                    key
                });
            }
            // Server pieces occur only in a server's own values.
            (
                Piece::ServerHost
                | Piece::AdminLogin
                | Piece::Database
                | Piece::Password
                | Piece::PasswordUri
                | Piece::AccessKey
                | Piece::AccessKeyUri,
                None,
            ) => {}
        }
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
        emit::Piece::Text(format!(
            "{}-",
            names::global_prefix(model.name(), &resource.name)
        )),
        emit::Piece::Expr(suffix()),
    ]);
    let Some(integration) = rules::integration(resource) else {
        return Vec::new();
    };
    match service {
        Service::Postgres => {
            let mut server = resource_block(resource_type(service), &label)
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
            let server_id = traversal(resource_type(service), &[&label, "id"]);
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
            resource_block(resource_type(service), &label)
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
