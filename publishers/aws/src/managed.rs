//! Managed servers: RDS for PostgreSQL and ElastiCache for Redis, in the VPC's subnets
//! behind the tasks' security group, with the model's password as the master password or
//! auth token. Their settings are the smallest sizes, as on Azure; the connection strings
//! ([`crate::values`]) match them: the admin login, TLS, the Redis TLS port 6380.

use aspirec_azure::managed::{POSTGRES, POSTGRES_ADMIN, Service};
use aspirec_hcl::{Ref, Template, TfWriter};

use crate::plan::Server;
use crate::shared::{SUBNET_IDS, TASKS_SECURITY_GROUPS};
use crate::values::Values;

/// The blocks of one managed server.
pub fn blocks(w: &mut TfWriter, values: &mut Values<'_, '_>, server: &Server<'_>) {
    let label = server.label.as_str();
    let mut password = Template::default();
    let has_password = match server.password {
        Some(value) => {
            values.write(value, &mut password);
            true
        }
        None => false,
    };
    match server.service {
        Service::Postgres => {
            w.resource("aws_db_subnet_group", label);
            w.attr("name", server.identifier.as_str());
            w.attr("subnet_ids", SUBNET_IDS);
            w.end();

            let mut comment = vec![format!(
                "`{}`: RDS for PostgreSQL; clients connect as `{POSTGRES_ADMIN}` over TLS.",
                server.resource.name
            )];
            if server.databases.len() > 1 {
                comment.push(format!(
                    "RDS creates the first database only: create {} on the instance before the apps use them.",
                    server
                        .databases
                        .iter()
                        .skip(1)
                        .map(|d| format!("`{d}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            w.comment(&comment);
            w.resource("aws_db_instance", label);
            w.attr("identifier", server.identifier.as_str());
            w.attr("engine", "postgres");
            w.attr("engine_version", POSTGRES.version);
            w.attr("instance_class", "db.t4g.micro");
            w.attr("allocated_storage", 20u32);
            w.attr("storage_encrypted", true);
            w.attr("username", POSTGRES_ADMIN);
            if has_password {
                w.attr("password", &password);
            }
            if let Some(first) = server.databases.first() {
                w.attr("db_name", *first);
            }
            w.attr(
                "db_subnet_group_name",
                Ref("aws_db_subnet_group", [label, "name"]),
            );
            w.attr("vpc_security_group_ids", TASKS_SECURITY_GROUPS);
            w.attr("backup_retention_period", POSTGRES.backup_retention_days);
            w.attr("publicly_accessible", false);
            w.attr("skip_final_snapshot", true);
            w.end();
        }
        Service::Redis => {
            w.resource("aws_elasticache_subnet_group", label);
            w.attr("name", server.identifier.as_str());
            w.attr("subnet_ids", SUBNET_IDS);
            w.end();

            w.comment(&[format!(
                "`{}`: ElastiCache for Redis, TLS only on port 6380, the model's password as the auth token.",
                server.resource.name
            )]);
            w.resource("aws_elasticache_replication_group", label);
            w.attr("replication_group_id", server.identifier.as_str());
            w.attr(
                "description",
                format!("The `{}` cache", server.resource.name),
            );
            w.attr("engine", "redis");
            w.attr("node_type", "cache.t4g.micro");
            w.attr("num_cache_clusters", 1u32);
            w.attr("port", Service::Redis.port());
            w.attr("transit_encryption_enabled", true);
            w.attr("at_rest_encryption_enabled", true);
            if has_password {
                w.attr("auth_token", &password);
            }
            w.attr(
                "subnet_group_name",
                Ref("aws_elasticache_subnet_group", [label, "name"]),
            );
            w.attr("security_group_ids", TASKS_SECURITY_GROUPS);
            w.end();
        }
    }
}
