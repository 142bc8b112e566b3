//! Values: the plan's rendered [`Chunk`]s as HCL string expressions. Parameters become
//! variable (or local) references, managed servers' pieces their azurerm attributes, the
//! environment's domain its attribute.

use aspirec_azure::Plan;
use aspirec_azure::managed::Service;
use aspirec_azure::values::Chunk;

pub(crate) use aspirec_hcl::params::Params;

use crate::expr::{Call, Raw, Ref, Template};

/// The azurerm resource type of a managed service.
pub(crate) fn server_type(service: Service) -> &'static str {
    match service {
        Service::Postgres => "azurerm_postgresql_flexible_server",
        Service::Redis => "azurerm_redis_cache",
    }
}

/// Writes `chunks` into `out` (cleared first) as one string expression.
pub(crate) fn write(plan: &Plan<'_>, params: &Params, chunks: &[Chunk<'_>], out: &mut Template) {
    out.clear();
    for chunk in chunks {
        match chunk {
            Chunk::Text(text) => {
                out.text(text);
            }
            Chunk::DefaultDomain => {
                out.expr(&DEFAULT_DOMAIN);
            }
            Chunk::Param { param, uri } => params.write(*param, *uri, out),
            Chunk::ServerHost(server) => server_attribute(plan, *server, None, out, false),
            Chunk::AdminLogin(server) => {
                server_attribute(plan, *server, Some("administrator_login"), out, false);
            }
            Chunk::AccessKey { server, uri } => {
                server_attribute(plan, *server, Some("primary_access_key"), out, *uri);
            }
            // Only a target that deploys Bicep modules reads them: for Terraform, what is read
            // from a module is a deploy-time parameter, and the plan never gives these.
            Chunk::ModuleOutput { .. } | Chunk::VaultSecret { .. } => {}
        }
    }
}

/// An attribute of a managed server (its host name when `attribute` is `None`).
fn server_attribute(
    plan: &Plan<'_>,
    server: usize,
    attribute: Option<&str>,
    out: &mut Template,
    uri: bool,
) {
    let Some(server) = plan.servers.get(server) else {
        return;
    };
    let attribute = attribute.unwrap_or(match server.service {
        Service::Postgres => "fqdn",
        Service::Redis => "hostname",
    });
    let reference = Ref(server_type(server.service), [&server.label, attribute]);
    if uri {
        out.expr(&Call("urlencode", &[&reference]));
    } else {
        out.expr(&reference);
    }
}

/// The Container Apps environment's domain.
pub(crate) const DEFAULT_DOMAIN: Raw<'static> =
    Raw("azurerm_container_app_environment.env.default_domain");
