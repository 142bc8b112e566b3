//! Model values to Bicep string values.
//!
//! Parameters become references to Bicep params (`uriComponent(...)` when URI-encoded),
//! endpoints become Azure Container Apps addresses (see [`crate::ingress`]), and connection
//! strings and properties of managed services are rebuilt from the service's own attributes
//! ([`Managed::connection_string`]); everything else is the model's value, followed
//! recursively. The resolver records which parameters were used (only those become params)
//! and whether a value carries a secret.

use std::collections::BTreeSet;

use ir::integrations::Piece;
use ir::{
    CheckedModel, Encoding, EndpointProperty, ParamId, Part, ResourceId, ResourceKind, Role, Value,
};

use crate::bicep_string::BicepStr;
use crate::hosting::{Hosting, Managed};
use crate::ingress::Address;

/// A value rendered for Bicep.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub(crate) value: BicepStr,
    /// Whether it contains a secret parameter or a key read from a managed service.
    pub(crate) secret: bool,
}

/// Connection strings nest (a database's refers to its server's); the check rejects cycles,
/// and this bound turns a cycle that slipped through into a bug report instead of a hang.
const MAX_DEPTH: usize = 32;

/// A connection part that refers to a managed service: the server itself, or a database on it.
struct ManagedTarget {
    kind: Managed,
    /// The Bicep symbol of the server.
    symbol: String,
    server: ResourceId,
    /// The database name, for a database on the server.
    database: Option<String>,
}

/// The Bicep expression of the managed environment's default domain.
pub(crate) const DEFAULT_DOMAIN: &str = "env.properties.defaultDomain";

pub(crate) struct Resolver<'a> {
    model: &'a CheckedModel,
    hosting: &'a [Hosting],
    /// The Bicep symbol of each parameter, by `ParamId`.
    param_symbols: &'a [String],
    used_params: BTreeSet<ParamId>,
    /// Internal inconsistencies, reported as B0001 by the caller.
    pub(crate) bugs: Vec<String>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(
        model: &'a CheckedModel,
        hosting: &'a [Hosting],
        param_symbols: &'a [String],
    ) -> Resolver<'a> {
        Resolver {
            model,
            hosting,
            param_symbols,
            used_params: BTreeSet::new(),
            bugs: Vec::new(),
        }
    }

    /// The parameters referenced so far, in `ParamId` order.
    pub(crate) fn used_params(&self) -> &BTreeSet<ParamId> {
        &self.used_params
    }

    pub(crate) fn render(&mut self, value: &Value) -> Rendered {
        let mut out = Rendered::default();
        self.append(value, &mut out, 0);
        out.secret |= self.model.is_secret(value);
        out
    }

    fn append(&mut self, value: &Value, out: &mut Rendered, depth: usize) {
        if depth > MAX_DEPTH {
            self.bugs
                .push("a connection string refers to itself".to_string());
            return;
        }
        for part in &value.parts {
            match part {
                Part::Text(text) => out.value.push_text(text.clone()),
                Part::Param { param, encoding } => self.param(*param, *encoding, out),
                Part::Endpoint {
                    resource,
                    endpoint,
                    property,
                } => self.endpoint(*resource, *endpoint, *property, out),
                Part::ConnectionString { resource } => match self.managed_of(*resource) {
                    Some(target) => {
                        let pieces = target.kind.connection_string(target.database.is_some());
                        self.pieces(&pieces, &target, out, depth);
                    }
                    None => self.follow(part, out, depth),
                },
                Part::ConnectionProperty { resource, property } => {
                    let managed = self.managed_of(*resource).and_then(|target| {
                        let pieces = target.kind.property(property, target.database.is_some())?;
                        Some((target, pieces))
                    });
                    match managed {
                        Some((target, pieces)) => self.pieces(&pieces, &target, out, depth),
                        None => self.follow(part, out, depth),
                    }
                }
            }
        }
    }

    /// The model's own value of a connection string or property.
    fn follow(&mut self, part: &Part, out: &mut Rendered, depth: usize) {
        let model = self.model;
        match model.connection_part(part) {
            Some(inner) => self.append(inner, out, depth + 1),
            None => self
                .bugs
                .push("a connection string or property has no value".to_string()),
        }
    }

    fn param(&mut self, param: ParamId, encoding: Encoding, out: &mut Rendered) {
        let Some(symbol) = self.param_symbols.get(param.0 as usize) else {
            self.bugs
                .push(format!("parameter #{} has no symbol", param.0));
            return;
        };
        self.used_params.insert(param);
        out.value.push_expr(match encoding {
            Encoding::Raw => symbol.clone(),
            Encoding::Uri => format!("uriComponent({symbol})"),
        });
        out.secret |= self.model.parameter(param).secret;
    }

    /// The managed service a connection part of `resource` refers to, if any.
    fn managed_of(&self, resource: ResourceId) -> Option<ManagedTarget> {
        let model = self.model;
        match (
            self.hosting.get(resource.0 as usize)?,
            &model.resource(resource).kind,
        ) {
            (Hosting::Managed { kind, symbol }, _) => Some(ManagedTarget {
                kind: *kind,
                symbol: symbol.clone(),
                server: resource,
                database: None,
            }),
            (Hosting::ManagedDatabase { .. }, ResourceKind::Database(database)) => {
                match self.hosting.get(database.server.0 as usize)? {
                    Hosting::Managed { kind, symbol } => Some(ManagedTarget {
                        kind: *kind,
                        symbol: symbol.clone(),
                        server: database.server,
                        database: Some(database.database_name.clone()),
                    }),
                    Hosting::App(_) | Hosting::ManagedDatabase { .. } | Hosting::Nothing => None,
                }
            }
            (Hosting::ManagedDatabase { .. } | Hosting::App(_) | Hosting::Nothing, _) => None,
        }
    }

    /// A managed-service template: host, port and keys from the service, the password from
    /// the integration's password value (Postgres) or the service's access key (Redis).
    fn pieces(
        &mut self,
        pieces: &[Piece],
        target: &ManagedTarget,
        out: &mut Rendered,
        depth: usize,
    ) {
        let ManagedTarget {
            kind,
            symbol,
            server,
            database,
        } = target;
        let (kind, server) = (*kind, *server);
        let model = self.model;
        let password = match &model.resource(server).kind {
            ResourceKind::Workload(workload) => match &workload.role {
                Role::Integration(integration) => integration.password.as_ref(),
                Role::Container | Role::Project => None,
            },
            ResourceKind::Database(_) | ResourceKind::External(_) => None,
        };
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.value.push_text(*text),
                Piece::Host => out.value.push_expr(kind.host(symbol)),
                Piece::Port => out.value.push_text(kind.port().to_string()),
                Piece::Database => out.value.push_text(database.as_deref().unwrap_or_default()),
                Piece::Password | Piece::PasswordUri => match kind {
                    Managed::Redis => {
                        let key = format!("{symbol}.listKeys().primaryKey");
                        out.value.push_expr(if *piece == Piece::Password {
                            key
                        } else {
                            format!("uriComponent({key})")
                        });
                        out.secret = true;
                    }
                    Managed::Postgres => match password {
                        Some(password) if *piece == Piece::Password => {
                            self.append(password, out, depth + 1);
                        }
                        Some(password) => {
                            let encoded = model.expand(password).uri_encoded();
                            self.append(&encoded, out, depth + 1);
                        }
                        None => self.bugs.push(format!(
                            "managed server `{}` has no password",
                            model.resource(server).name
                        )),
                    },
                },
            }
        }
    }

    fn endpoint(
        &mut self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Rendered,
    ) {
        let model = self.model;
        let Some(endpoint) = model.resource(resource).endpoints().get(index) else {
            self.bugs.push(format!(
                "`{}` has no endpoint #{index}",
                model.resource(resource).name
            ));
            return;
        };
        // (host, port, scheme) as other apps in the environment see them.
        let (host, port, scheme) = match self.hosting.get(resource.0 as usize) {
            Some(Hosting::App(app)) => match app.ingress.addresses.get(index).copied().flatten() {
                Some(Address::MainHttp { external }) => {
                    let mut host = BicepStr::text(format!(
                        "{}.{}",
                        app.name,
                        if external { "" } else { "internal." }
                    ));
                    host.push_expr(DEFAULT_DOMAIN);
                    (host, 443, "https".to_string())
                }
                Some(Address::Port(port)) => (
                    BicepStr::text(app.name.clone()),
                    port,
                    endpoint.scheme.clone(),
                ),
                // Left out of the ingress (already reported); name what the model meant.
                None => (
                    BicepStr::text(app.name.clone()),
                    endpoint.port,
                    endpoint.scheme.clone(),
                ),
            },
            Some(Hosting::Managed { kind, symbol }) => (
                BicepStr::expr(kind.host(symbol)),
                kind.port(),
                kind.scheme().to_string(),
            ),
            Some(Hosting::ManagedDatabase { .. } | Hosting::Nothing) | None => {
                self.bugs.push(format!(
                    "`{}` has endpoints but no container app",
                    model.resource(resource).name
                ));
                return;
            }
        };
        match property {
            EndpointProperty::Url => {
                out.value.push_text(format!("{scheme}://"));
                out.value.extend(host);
                // The main HTTPS ingress is on the default port.
                if !(scheme == "https" && port == 443) {
                    out.value.push_text(format!(":{port}"));
                }
            }
            EndpointProperty::Host => out.value.extend(host),
            EndpointProperty::Port => out.value.push_text(port.to_string()),
            EndpointProperty::TargetPort => out.value.push_text(endpoint.target_port.to_string()),
            EndpointProperty::Scheme => out.value.push_text(scheme),
        }
    }
}
