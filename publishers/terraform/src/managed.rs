//! The managed servers of the plan as azurerm resources: an Azure Database for PostgreSQL
//! flexible server (with its firewall rule and databases) or an Azure Cache for Redis, with
//! the settings of `aspirec_azure::managed` (the one place they are written).

use aspirec_azure::managed::{POSTGRES, REDIS, Service};
use aspirec_azure::plan::Server;
use aspirec_azure::values::{Chunk, Values};
use aspirec_azure::{Plan, notes};

use crate::emit::TfWriter;
use crate::expr::{Ref, Template};
use crate::shared::{LOCATION, RESOURCE_GROUP_NAME, SUFFIX};
use crate::value::{self, Params, server_type};

/// The Azure resources of a managed server, the first with a comment that says what it is.
pub(crate) fn blocks<'p, 'm>(
    w: &mut TfWriter,
    plan: &'p Plan<'m>,
    values: &mut Values<'p, 'm>,
    params: &Params,
    server: &'p Server<'m>,
) {
    let kind = server_type(server.service);
    let label = server.label.as_str();
    let mut name = Template::default();
    name.text(&server.name_prefix).text("-").expr(&SUFFIX);
    w.comment(&notes::server(server));
    w.resource(kind, label);
    w.attr("name", &name);
    w.attr("resource_group_name", RESOURCE_GROUP_NAME);
    w.attr("location", LOCATION);
    match server.service {
        Service::Postgres => {
            w.attr("version", POSTGRES.version);
            w.attr("zone", POSTGRES.availability_zone);
            w.attr("sku_name", POSTGRES.azurerm_sku_name());
            w.attr("storage_mb", POSTGRES.storage_gb * 1024);
            w.attr("backup_retention_days", POSTGRES.backup_retention_days);
            w.attr(
                "geo_redundant_backup_enabled",
                POSTGRES.geo_redundant_backup,
            );
            w.attr(
                "public_network_access_enabled",
                POSTGRES.public_network_access,
            );
            w.attr("administrator_login", POSTGRES.admin_login);
            let mut chunks: Vec<Chunk<'p>> = Vec::new();
            let password = values.password(server, &mut chunks);
            if !password.range.is_empty() {
                let mut text = Template::default();
                value::write(plan, params, &chunks[password.range], &mut text);
                w.attr("administrator_password", &text);
            }
            w.block("authentication", &[]);
            w.attr("password_auth_enabled", POSTGRES.password_auth);
            w.attr("active_directory_auth_enabled", POSTGRES.entra_auth);
            w.end();
            if POSTGRES.high_availability {
                w.block("high_availability", &[]);
                w.attr("mode", "ZoneRedundant");
                w.end();
            }
            w.end();

            let server_id = Ref(kind, [label, "id"]);
            w.resource(
                "azurerm_postgresql_flexible_server_firewall_rule",
                &format!("{label}_azure"),
            );
            w.attr("name", POSTGRES.firewall_rule);
            w.attr("server_id", server_id);
            w.attr("start_ip_address", "0.0.0.0");
            w.attr("end_ip_address", "0.0.0.0");
            w.end();

            for database in &server.databases {
                w.resource(
                    "azurerm_postgresql_flexible_server_database",
                    &database.label,
                );
                w.attr("name", database.name);
                w.attr("server_id", server_id);
                w.attr("charset", POSTGRES.charset);
                w.attr("collation", POSTGRES.collation);
                w.end();
            }
        }
        Service::Redis => {
            w.attr("capacity", REDIS.capacity);
            w.attr("family", REDIS.family);
            w.attr("sku_name", REDIS.sku);
            w.attr("minimum_tls_version", REDIS.minimum_tls_version);
            w.attr("non_ssl_port_enabled", REDIS.non_ssl_port);
            w.attr("access_keys_authentication_enabled", REDIS.access_key_auth);
            w.end();
        }
    }
}
