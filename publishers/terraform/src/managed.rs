//! Managed services for integrations with `azure.hosting = "managed"`: Postgres becomes an
//! Azure Database for PostgreSQL flexible server, Redis an Azure Cache for Redis.
//!
//! Which integrations are managed, and their connection strings and properties, are the
//! shared rules of `aspirec_azure::managed`; this module writes them as HCL: the pieces become
//! the server's attributes (`fqdn`, `administrator_login`, `primary_access_key`), and each
//! service becomes its azurerm resources.

use aspirec_azure::Piece;
use aspirec_azure::managed::{self as rules, POSTGRES_ADMIN};
use ir::{Part, ResourceId, ResourceKind, Value};

use crate::emit::TfWriter;
use crate::expr::{Call, Ref, Template};
use crate::names;
use crate::shared::{LOCATION, RESOURCE_GROUP_NAME, SUFFIX};
use crate::value::{DEFAULT_DOMAIN, Rendered, Renderer};

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
    pub(crate) label: &'m str,
    pub(crate) database: Option<&'m str>,
    pub(crate) password: Option<&'m Value>,
}

impl Server<'_> {
    fn attribute<'a>(&'a self, name: &'a str) -> Ref<'a, 2> {
        Ref(resource_type(self.service), [self.label, name])
    }

    /// The server's host name: a flexible server's `fqdn`, a cache's `hostname`.
    fn host(&self) -> Ref<'_, 2> {
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
        label: renderer.names.label(connection.server),
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
            (Piece::Text(text), _) => {
                out.value.text(text);
            }
            (Piece::DefaultDomain, _) => {
                out.value.expr(&DEFAULT_DOMAIN);
            }
            (Piece::ServerHost, Some(server)) => {
                out.value.expr(&server.host());
            }
            (Piece::AdminLogin, Some(server)) => {
                out.value.expr(&server.attribute("administrator_login"));
            }
            (Piece::Database, Some(server)) => {
                out.value.text(server.database.unwrap_or_default());
            }
            (Piece::Password | Piece::PasswordUri, Some(server)) => {
                if let Some(password) = server.password {
                    let encoded;
                    let password = if *piece == Piece::PasswordUri {
                        encoded = model.expand(password).uri_encoded();
                        &encoded
                    } else {
                        password
                    };
                    out.secret |= model.is_secret(password);
                    renderer.append(password, out);
                }
            }
            (Piece::AccessKey | Piece::AccessKeyUri, Some(server)) => {
                let key = server.attribute("primary_access_key");
                out.secret = true;
                if *piece == Piece::AccessKeyUri {
                    out.value.expr(&Call("urlencode", &[&key]));
                } else {
                    out.value.expr(&key);
                }
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

/// The Azure resources of a managed server, the first with a comment that says what it is.
pub(crate) fn blocks(
    w: &mut TfWriter,
    renderer: &mut Renderer<'_>,
    id: ResourceId,
    service: Service,
) {
    let model = renderer.model;
    let resource = model.resource(id);
    let Some(integration) = rules::integration(resource) else {
        return;
    };
    let label = names::label(&resource.name);
    let mut name = Template::default();
    name.text(&names::global_prefix(model.name(), &resource.name))
        .text("-")
        .expr(&SUFFIX);
    match service {
        Service::Postgres => {
            w.comment(&[
                format!("Managed PostgreSQL for `{}`: password authentication with the admin login `{POSTGRES_ADMIN}`", resource.name),
                "and the model's password; public access is limited to Azure services by the firewall rule below.".to_string(),
            ]);
            w.resource(resource_type(service), &label);
            w.attr("name", &name);
            w.attr("resource_group_name", RESOURCE_GROUP_NAME);
            w.attr("location", LOCATION);
            w.attr("version", "16");
            // Zone 1, as Aspire pins it: left out, Azure picks one and later plans differ.
            w.attr("zone", "1");
            w.attr("sku_name", "B_Standard_B1ms");
            w.attr("storage_mb", 32768u32);
            w.attr("backup_retention_days", 7u32);
            w.attr("public_network_access_enabled", true);
            w.attr("administrator_login", POSTGRES_ADMIN);
            if let Some(password) = &integration.password {
                w.attr("administrator_password", renderer.render(password));
            }
            w.end();

            let server_id = Ref(resource_type(service), [&label, "id"]);
            w.resource(
                "azurerm_postgresql_flexible_server_firewall_rule",
                &format!("{label}_azure"),
            );
            w.attr("name", "AllowAllAzureServices");
            w.attr("server_id", server_id);
            w.attr("start_ip_address", "0.0.0.0");
            w.attr("end_ip_address", "0.0.0.0");
            w.end();

            for &db in &integration.databases {
                let database = model.resource(db);
                let database_name = match &database.kind {
                    ResourceKind::Database(d) => d.database_name.as_str(),
                    ResourceKind::Workload(_) | ResourceKind::External(_) => continue,
                };
                w.resource(
                    "azurerm_postgresql_flexible_server_database",
                    &names::label(&database.name),
                );
                w.attr("name", database_name);
                w.attr("server_id", server_id);
                w.attr("charset", "UTF8");
                w.attr("collation", "en_US.utf8");
                w.end();
            }
        }
        Service::Redis => {
            w.comment(&[
                format!(
                    "Azure Cache for Redis for `{}`: TLS only (port 6380). Clients authenticate with the cache's",
                    resource.name
                ),
                "access key, so the model's password for it is not used.".to_string(),
            ]);
            w.resource(resource_type(service), &label);
            w.attr("name", &name);
            w.attr("resource_group_name", RESOURCE_GROUP_NAME);
            w.attr("location", LOCATION);
            w.attr("capacity", 0u32);
            w.attr("family", "C");
            w.attr("sku_name", "Basic");
            w.attr("minimum_tls_version", "1.2");
            w.attr("non_ssl_port_enabled", false);
            w.end();
        }
    }
}
