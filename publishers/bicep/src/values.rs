//! Values: the plan's rendered [`Chunk`]s as Bicep string values. Parameters become
//! references to Bicep params (`uriComponent(...)` when URI-encoded), managed servers' pieces
//! their resource properties, the environment's domain its property.

use aspirec_azure::managed::{POSTGRES, Service};
use aspirec_azure::values::Chunk;

use crate::bicep_string::BicepStr;

/// The Bicep expression of the managed environment's default domain.
pub(crate) const DEFAULT_DOMAIN: &str = "env.properties.defaultDomain";

/// Room for the source of most values (a URL, a connection string): growing it from nothing
/// reallocates it several times, which cost more than writing it.
const VALUE_BYTES: usize = 128;

/// The symbols values refer to.
pub(crate) struct Symbols<'a> {
    /// By `ParamId`.
    pub(crate) params: &'a [String],
    /// Of each managed server (by its index in the plan), and its service.
    pub(crate) servers: &'a [(String, Service)],
    /// Of each deployed module (by its index in the plan).
    pub(crate) modules: &'a [String],
}

/// `chunks` as one Bicep string value.
pub(crate) fn bicep(symbols: &Symbols<'_>, chunks: &[Chunk<'_>]) -> BicepStr {
    let mut out = BicepStr::with_capacity(VALUE_BYTES);
    for chunk in chunks {
        match chunk {
            Chunk::Text(text) => out.push_text(text),
            Chunk::DefaultDomain => out.push_expr(DEFAULT_DOMAIN),
            Chunk::Param { param, uri } => {
                let symbol = symbols
                    .params
                    .get(param.0 as usize)
                    .map_or("", String::as_str);
                if *uri {
                    out.push_expr(format!("uriComponent({symbol})"));
                } else {
                    out.push_expr(symbol);
                }
            }
            Chunk::ServerHost(server) => {
                if let Some((symbol, service)) = symbols.servers.get(*server) {
                    out.push_expr(host(*service, symbol));
                }
            }
            // The login is fixed: written as the text it is.
            Chunk::AdminLogin(_) => out.push_text(POSTGRES.admin_login),
            Chunk::AccessKey { server, uri } => {
                if let Some((symbol, _)) = symbols.servers.get(*server) {
                    out.push_expr(encoded(format!("{symbol}.listKeys().primaryKey"), *uri));
                }
            }
            Chunk::ModuleOutput {
                module,
                output,
                uri,
            } => {
                if let Some(symbol) = symbols.modules.get(*module) {
                    out.push_expr(encoded(format!("{symbol}.outputs.{output}"), *uri));
                }
            }
            // Read by reference only: the plan gives a Key Vault secret as a secret of its
            // own ([`aspirec_azure::values::SecretValue::KeyVault`]), never inside a value.
            Chunk::VaultSecret { .. } => {}
        }
    }
    out
}

/// `expr`, percent-encoded when `uri`.
fn encoded(expr: String, uri: bool) -> String {
    if uri {
        format!("uriComponent({expr})")
    } else {
        expr
    }
}

/// The Bicep expression of a managed service's host name.
fn host(service: Service, symbol: &str) -> String {
    match service {
        Service::Postgres => format!("{symbol}.properties.fullyQualifiedDomainName"),
        Service::Redis => format!("{symbol}.properties.hostName"),
    }
}
