//! Where each resource of the model lives on Azure: a container app (with its ingress), a
//! managed service (Postgres flexible server, Azure Cache for Redis), a database on a managed
//! server, or nothing of its own (externals, databases inside a container-hosted server).
//!
//! Symbols are claimed here, in model order, so they are the same on every run.

use ir::integrations::Piece;
use ir::{
    AzureHosting, CheckedModel, Diagnostics, IntegrationKind, Protocol, PublishOptions,
    ResourceKind, Role,
};

use crate::ingress::{self, Ingress};
use crate::names::{Symbols, app_name, resource_symbol};
use crate::unsupported;

/// The hosting of one resource, indexed like [`CheckedModel::resources`].
#[derive(Debug)]
pub(crate) enum Hosting {
    App(AppHosting),
    Managed {
        kind: Managed,
        symbol: String,
    },
    /// A database on a managed Postgres server.
    ManagedDatabase {
        symbol: String,
    },
    /// Nothing on Azure of its own.
    Nothing,
}

#[derive(Debug)]
pub(crate) struct AppHosting {
    pub(crate) name: String,
    pub(crate) symbol: String,
    pub(crate) ingress: Ingress,
}

/// The managed services the Azure targets use (azure.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Managed {
    Postgres,
    Redis,
}

/// The administrator login of managed Postgres servers. Azure reserves some names (`admin`,
/// `root`, `azure_superuser`, names starting with `pg_`, ...); `pgadmin` is not one of them.
pub(crate) const POSTGRES_ADMIN: &str = "pgadmin";

impl Managed {
    /// The managed service for an integration, when it asks for one and one exists.
    pub(crate) fn of(kind: IntegrationKind, azure: AzureHosting) -> Option<Managed> {
        match (azure, kind) {
            (AzureHosting::Managed, IntegrationKind::Postgres) => Some(Managed::Postgres),
            (AzureHosting::Managed, IntegrationKind::Redis) => Some(Managed::Redis),
            (AzureHosting::Managed | AzureHosting::Container, _) => None,
        }
    }

    fn symbol_suffix(self) -> &'static str {
        match self {
            Managed::Postgres => "Server",
            Managed::Redis => "Cache",
        }
    }

    /// The Bicep expression of the service's host name.
    pub(crate) fn host(self, symbol: &str) -> String {
        match self {
            Managed::Postgres => format!("{symbol}.properties.fullyQualifiedDomainName"),
            Managed::Redis => format!("{symbol}.properties.hostName"),
        }
    }

    /// The scheme of its endpoint as others see it (Redis only speaks TLS).
    pub(crate) fn scheme(self) -> &'static str {
        match self {
            Managed::Postgres => "tcp",
            Managed::Redis => "rediss",
        }
    }

    /// The port clients use (Redis: the TLS port; the plain one is disabled).
    pub(crate) fn port(self) -> u16 {
        match self {
            Managed::Postgres => 5432,
            Managed::Redis => 6380,
        }
    }

    /// The connection string, rebuilt for the managed service (TLS, the Azure admin login).
    pub(crate) fn connection_string(self, for_database: bool) -> Vec<Piece> {
        use Piece::{Database, Host, Password, Port, Text};
        match self {
            Managed::Postgres => {
                let mut pieces = vec![
                    Text("Host="),
                    Host,
                    Text(";Port="),
                    Port,
                    Text(";Username="),
                    Text(POSTGRES_ADMIN),
                    Text(";Password="),
                    Password,
                    Text(";Ssl Mode=Require"),
                ];
                if for_database {
                    pieces.extend([Text(";Database="), Database]);
                }
                pieces
            }
            Managed::Redis => vec![
                Host,
                Text(":"),
                Port,
                Text(",password="),
                Password,
                Text(",ssl=True,abortConnect=False"),
            ],
        }
    }

    /// A connection property (`HOST`, `URI`, ...) rebuilt for the managed service; `None` for
    /// a property this service does not redefine.
    pub(crate) fn property(self, name: &str, for_database: bool) -> Option<Vec<Piece>> {
        use Piece::{Database, Host, Password, PasswordUri, Port, Text};
        let with_database = |mut pieces: Vec<Piece>, tail: &'static str| {
            if for_database {
                pieces.extend([Text("/"), Database]);
            }
            pieces.push(Text(tail));
            pieces
        };
        Some(match (self, name) {
            (_, "HOST") => vec![Host],
            (_, "PORT") => vec![Port],
            (_, "PASSWORD") => vec![Password],
            (Managed::Postgres, "USERNAME") => vec![Text(POSTGRES_ADMIN)],
            (Managed::Postgres, "URI") => with_database(
                vec![
                    Text("postgresql://"),
                    Text(POSTGRES_ADMIN),
                    Text(":"),
                    PasswordUri,
                    Text("@"),
                    Host,
                    Text(":"),
                    Port,
                ],
                "?sslmode=require",
            ),
            (Managed::Postgres, "JDBCCONNECTIONSTRING") => with_database(
                vec![Text("jdbc:postgresql://"), Host, Text(":"), Port],
                "?sslmode=require",
            ),
            (Managed::Postgres, "DATABASENAME") if for_database => vec![Database],
            (Managed::Redis, "URI") => vec![
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
}

/// Decides the hosting of every resource and claims its symbol. Ingress problems (E0704) and
/// UDP endpoints (E0702) go to `diags`.
pub(crate) fn plan(
    model: &CheckedModel,
    options: &PublishOptions,
    symbols: &mut Symbols,
    diags: &mut Diagnostics,
) -> Vec<Hosting> {
    let mut hosting: Vec<Hosting> = Vec::with_capacity(model.resources().len());
    for (_, resource) in model.resources() {
        let entry = match &resource.kind {
            ResourceKind::Workload(workload) => {
                let (managed, integration) = match &workload.role {
                    Role::Integration(integration) => {
                        (Managed::of(integration.kind, integration.azure), true)
                    }
                    Role::Container | Role::Project => (None, false),
                };
                match managed {
                    Some(kind) => Hosting::Managed {
                        kind,
                        symbol: symbols
                            .claim(&resource_symbol(&resource.name, kind.symbol_suffix())),
                    },
                    None => {
                        for endpoint in workload
                            .endpoints
                            .iter()
                            .filter(|e| e.protocol == Protocol::Udp)
                        {
                            unsupported::report(
                                diags,
                                options,
                                resource,
                                format!(
                                    "endpoint `{}` of `{}` is UDP, which Azure Container Apps ingress cannot carry",
                                    endpoint.name, resource.name
                                ),
                                "use a TCP endpoint",
                            );
                        }
                        Hosting::App(AppHosting {
                            name: app_name(&resource.name),
                            symbol: symbols.claim(&resource_symbol(&resource.name, "App")),
                            ingress: ingress::plan(
                                resource,
                                &workload.endpoints,
                                integration,
                                diags,
                            ),
                        })
                    }
                }
            }
            ResourceKind::Database(database) => match hosting.get(database.server.0 as usize) {
                Some(Hosting::Managed {
                    kind: Managed::Postgres,
                    ..
                }) => Hosting::ManagedDatabase {
                    symbol: symbols.claim(&resource_symbol(&resource.name, "Db")),
                },
                Some(_) | None => Hosting::Nothing,
            },
            ResourceKind::External(_) => Hosting::Nothing,
        };
        hosting.push(entry);
    }
    hosting
}
