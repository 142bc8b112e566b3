//! Model values to Bicep string values.
//!
//! Parameters become references to Bicep params (`uriComponent(...)` when URI-encoded),
//! endpoints become Azure Container Apps addresses, and connection strings and properties of
//! managed services are rebuilt from the service's own attributes (both by the shared rules
//! of `aspirec_azure`, whose [`Piece`]s are written here); everything else is the model's
//! value, followed recursively. The resolver records which parameters were used (only those become params)
//! and whether a value carries a secret.

use std::collections::BTreeSet;

use aspirec_azure::Piece;
use aspirec_azure::managed;
use ir::{CheckedModel, Encoding, EndpointProperty, ParamId, Part, ResourceId, Value};

use crate::bicep_string::BicepStr;
use crate::hosting::{self, Hosting, Managed, POSTGRES_ADMIN};

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

/// Room for the source of most values (a URL, a connection string): growing it from nothing
/// reallocates it several times, which cost more than writing it.
const VALUE_BYTES: usize = 128;

/// What the server [`Piece`]s of a value refer to.
struct Server<'a> {
    kind: Managed,
    /// The Bicep symbol of the server.
    symbol: &'a str,
    /// The server's resource name, for bug reports.
    name: &'a str,
    /// The database name, in a database's strings.
    database: Option<&'a str>,
    /// The model's password of the server.
    password: Option<&'a Value>,
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
        let mut out = Rendered {
            value: BicepStr::with_capacity(VALUE_BYTES),
            secret: false,
        };
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
                Part::Text(text) => out.value.push_text(text),
                Part::Param { param, encoding } => self.param(*param, *encoding, out),
                Part::Endpoint {
                    resource,
                    endpoint,
                    property,
                } => self.endpoint(*resource, *endpoint, *property, out),
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                    if !self.managed_connection(part, out, depth) {
                        self.follow(part, out, depth);
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
        match encoding {
            Encoding::Raw => out.value.push_expr(symbol),
            Encoding::Uri => out.value.push_expr(format!("uriComponent({symbol})")),
        }
        out.secret |= self.model.parameter(param).secret;
    }

    /// Renders a connection string or property of a managed server or of a database on one,
    /// as the shared rules rebuild it. Returns false for anything else.
    fn managed_connection(&mut self, part: &Part, out: &mut Rendered, depth: usize) -> bool {
        let model = self.model;
        let hosting = self.hosting;
        let Some(connection) = managed::connection(model, part) else {
            return false;
        };
        let Some(Hosting::Managed { kind, symbol }) = hosting.get(connection.server.0 as usize)
        else {
            return false;
        };
        let server = Server {
            kind: *kind,
            symbol,
            name: &model.resource(connection.server).name,
            database: connection.database,
            password: connection.password,
        };
        self.pieces(&connection.pieces, Some(&server), out, depth);
        true
    }

    /// Appends shared pieces: host, login and keys from the service, the password from the
    /// integration's password value. `server` is what server pieces refer to (none for an
    /// app's address).
    fn pieces(
        &mut self,
        pieces: &[Piece<'_>],
        server: Option<&Server<'_>>,
        out: &mut Rendered,
        depth: usize,
    ) {
        let model = self.model;
        for piece in pieces {
            match (piece, server) {
                (Piece::Text(text), _) => out.value.push_text(text),
                (Piece::DefaultDomain, _) => out.value.push_expr(DEFAULT_DOMAIN),
                (Piece::ServerHost, Some(server)) => {
                    out.value
                        .push_expr(hosting::host(server.kind, server.symbol));
                }
                (Piece::AdminLogin, Some(_)) => out.value.push_text(POSTGRES_ADMIN),
                (Piece::Database, Some(server)) => {
                    out.value.push_text(server.database.unwrap_or_default());
                }
                (Piece::AccessKey | Piece::AccessKeyUri, Some(server)) => {
                    let key = format!("{}.listKeys().primaryKey", server.symbol);
                    out.value.push_expr(if *piece == Piece::AccessKey {
                        key
                    } else {
                        format!("uriComponent({key})")
                    });
                    out.secret = true;
                }
                (Piece::Password | Piece::PasswordUri, Some(server)) => match server.password {
                    Some(password) if *piece == Piece::Password => {
                        self.append(password, out, depth + 1);
                    }
                    Some(password) => {
                        let encoded = model.expand(password).uri_encoded();
                        self.append(&encoded, out, depth + 1);
                    }
                    None => self
                        .bugs
                        .push(format!("managed server `{}` has no password", server.name)),
                },
                (
                    Piece::ServerHost
                    | Piece::AdminLogin
                    | Piece::Database
                    | Piece::AccessKey
                    | Piece::AccessKeyUri
                    | Piece::Password
                    | Piece::PasswordUri,
                    None,
                ) => self
                    .bugs
                    .push("a server's piece outside a managed server's value".to_string()),
            }
        }
    }

    /// An endpoint property as other apps in the environment see it.
    fn endpoint(
        &mut self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Rendered,
    ) {
        let model = self.model;
        let hosting = self.hosting;
        let Some(endpoint) = model.resource(resource).endpoints().get(index) else {
            self.bugs.push(format!(
                "`{}` has no endpoint #{index}",
                model.resource(resource).name
            ));
            return;
        };
        match hosting.get(resource.0 as usize) {
            Some(Hosting::App(app)) => {
                let pieces = app
                    .ingress
                    .address(&app.name, endpoint, index)
                    .pieces(property);
                self.pieces(&pieces, None, out, 0);
            }
            Some(Hosting::Managed { kind, symbol }) => {
                let server = Server {
                    kind: *kind,
                    symbol,
                    name: &model.resource(resource).name,
                    database: None,
                    password: None,
                };
                self.pieces(&kind.address().pieces(property), Some(&server), out, 0);
            }
            Some(Hosting::ManagedDatabase { .. } | Hosting::Nothing) | None => {
                self.bugs.push(format!(
                    "`{}` has endpoints but no container app",
                    model.resource(resource).name
                ));
            }
        }
    }
}
