//! Managed servers: Cloud SQL for PostgreSQL and Memorystore for Redis, on private addresses
//! of the deployment's VPC (private services access: a reserved range and the peering with
//! Google's service network), reached by the services through Direct VPC egress.
//!
//! Cloud SQL gets the admin user `pgadmin` with the model's password and every database of
//! the model, and requires TLS; Memorystore has AUTH on and TLS in transit, and makes its own
//! AUTH string, which values use instead of the model's password (it only ever reaches a
//! Secret Manager secret, never an output). Sizes are the smallest, as on Azure.

use aspirec_azure::managed::{POSTGRES, POSTGRES_ADMIN, Service};
use aspirec_hcl::{Raw, Ref, Template, TfWriter};

use crate::plan::Server;
use crate::values::Values;

/// The network every managed server is on.
const NETWORK_ID: Raw<'static> = Raw("google_compute_network.main.id");

/// The blocks of one managed server.
pub fn blocks(w: &mut TfWriter, values: &mut Values<'_, '_>, server: &Server<'_>) {
    let label = server.label.as_str();
    match server.service {
        Service::Postgres => {
            w.comment(&[format!(
                "`{}`: Cloud SQL for PostgreSQL on a private address; clients connect as `{POSTGRES_ADMIN}` over TLS.",
                server.resource.name
            )]);
            w.resource("google_sql_database_instance", label);
            w.attr("name", server.name.as_str());
            w.attr("region", Ref("var", ["region"]));
            w.attr(
                "database_version",
                format!("POSTGRES_{}", POSTGRES.version).as_str(),
            );
            w.attr("deletion_protection", false);
            w.block("settings", &[]);
            w.attr("tier", "db-f1-micro");
            w.attr("edition", "ENTERPRISE");
            w.block("ip_configuration", &[]);
            w.attr("ipv4_enabled", false);
            w.attr("private_network", NETWORK_ID);
            w.attr("ssl_mode", "ENCRYPTED_ONLY");
            w.end();
            w.block("backup_configuration", &[]);
            w.attr("enabled", true);
            w.end();
            w.end();
            w.array(
                "depends_on",
                [Raw("google_service_networking_connection.main")],
            );
            w.end();

            if let Some(value) = server.password {
                let mut password = Template::default();
                values.write(value, &mut password);
                w.resource("google_sql_user", label);
                w.attr("name", POSTGRES_ADMIN);
                w.attr(
                    "instance",
                    Ref("google_sql_database_instance", [label, "name"]),
                );
                w.attr("password", &password);
                w.end();
            }
            for database in &server.databases {
                let db_label = format!("{label}_{}", aspirec_azure::names::label(database));
                w.resource("google_sql_database", &db_label);
                w.attr("name", *database);
                w.attr(
                    "instance",
                    Ref("google_sql_database_instance", [label, "name"]),
                );
                w.end();
            }
        }
        Service::Redis => {
            w.comment(&[format!(
                "`{}`: Memorystore for Redis with AUTH and TLS (clients trust the instance's CA, the output `{label}_ca_certificate`); its AUTH string reaches the apps through Secret Manager only.",
                server.resource.name
            )]);
            w.resource("google_redis_instance", label);
            w.attr("name", server.name.as_str());
            w.attr("region", Ref("var", ["region"]));
            w.attr("tier", "BASIC");
            w.attr("memory_size_gb", 1u32);
            w.attr("redis_version", "REDIS_7_2");
            w.attr("auth_enabled", true);
            w.attr("transit_encryption_mode", "SERVER_AUTHENTICATION");
            w.attr("connect_mode", "PRIVATE_SERVICE_ACCESS");
            w.attr("authorized_network", NETWORK_ID);
            w.array(
                "depends_on",
                [Raw("google_service_networking_connection.main")],
            );
            w.end();
        }
    }
}
