//! Where each resource of the model lives on Azure: a container app (with its ingress), a
//! managed service (Postgres flexible server, Azure Cache for Redis), a database on a managed
//! server, or nothing of its own (externals, databases inside a container-hosted server).
//!
//! The rules (which integrations are managed, the ingress plan and its diagnostics) are
//! `aspirec_azure`'s, shared with the terraform target. Symbols are claimed here, in model
//! order, so they are the same on every run.

use aspirec_azure::ingress::{Ingress, MainRule};
use ir::{CheckedModel, Diagnostics, PublishOptions, ResourceKind, Role};

use crate::names::{Symbols, app_name, resource_symbol};

/// The managed services (azure.md §5) are the shared rules' `Service`; this crate calls one
/// `Managed`, as in [`Hosting::Managed`].
pub(crate) use aspirec_azure::managed::{POSTGRES_ADMIN, Service as Managed};

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

/// The resource symbol's suffix of a managed service.
fn symbol_suffix(kind: Managed) -> &'static str {
    match kind {
        Managed::Postgres => "Server",
        Managed::Redis => "Cache",
    }
}

/// The Bicep expression of a managed service's host name.
pub(crate) fn host(kind: Managed, symbol: &str) -> String {
    match kind {
        Managed::Postgres => format!("{symbol}.properties.fullyQualifiedDomainName"),
        Managed::Redis => format!("{symbol}.properties.hostName"),
    }
}

/// Decides the hosting of every resource and claims its symbol. Ingress problems (E0704, or
/// W0701 for what `--allow-unsupported` leaves out) and UDP endpoints (E0702) go to `diags`.
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
                let managed = match &workload.role {
                    Role::Integration(integration) => Managed::of(integration),
                    Role::Container | Role::Project => None,
                };
                let rule = MainRule::for_role(&workload.role);
                match managed {
                    Some(kind) => Hosting::Managed {
                        kind,
                        symbol: symbols
                            .claim(&resource_symbol(&resource.name, symbol_suffix(kind))),
                    },
                    None => {
                        let ingress = crate::reporter(options).plan_ingress(
                            resource,
                            &workload.endpoints,
                            rule,
                            diags,
                        );
                        Hosting::App(AppHosting {
                            name: app_name(&resource.name),
                            symbol: symbols.claim(&resource_symbol(&resource.name, "App")),
                            ingress,
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
