//! Model values as [`Chunk`]s: the one renderer of values both Azure printers use.
//!
//! A value's parameters stay deploy-time parameters; its endpoints become Container Apps
//! addresses ([`crate::ingress`]); connection strings and properties of managed services are
//! rebuilt from the service's own attributes ([`crate::managed`]); any other connection
//! string or property is the model's value, followed recursively. Each printer only writes
//! chunks in its own syntax. [`Values`] also records which parameters the output uses (only
//! those become variables or params), and turns what should never happen (a connection string
//! that contains itself, a reference to something the plan does not have) into one internal
//! error each ([`Values::finish`]), instead of output that silently lacks a part.

use std::borrow::Cow;
use std::ops::Range;

use ir::{
    CheckedModel, Diagnostics, Encoding, EndpointProperty, ModuleRead, ParamId, ParamOrigin, Part,
    ResourceId, Value,
};

use crate::Piece;
use crate::managed;
use crate::plan::{App, Hosting, Plan, Server};
use crate::{Reporter, Unsupported};

/// One piece of a rendered string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// Literal text (adjacent texts may follow each other).
    Text(Cow<'a, str>),
    /// The Container Apps environment's default domain.
    DefaultDomain,
    /// A deploy-time parameter's value, percent-encoded when `uri`.
    Param { param: ParamId, uri: bool },
    /// A managed server's host name: the index into [`Plan::servers`].
    ServerHost(usize),
    /// A managed Postgres server's administrator login.
    AdminLogin(usize),
    /// A managed cache's primary access key (secret), percent-encoded when `uri`.
    AccessKey { server: usize, uri: bool },
    /// An output of a deployed module (the index into [`Plan::modules`]), percent-encoded
    /// when `uri`.
    ModuleOutput {
        module: usize,
        output: &'a str,
        uri: bool,
    },
    /// A Key Vault secret (secret). Read by reference only: a value that holds one holds
    /// nothing else (see [`Values::app`]).
    VaultSecret { vault: Vault, name: &'a str },
}

/// A Key Vault that deployed modules' secrets are read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vault {
    /// The vault a Key Vault module deploys (the index into [`Plan::modules`]): its
    /// `vaultUri` output.
    Module(usize),
    /// The vault the deployment creates for a module's secret outputs (the module's index).
    Created(usize),
}

/// A value rendered into a chunk buffer: where, and whether it carries a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub range: Range<usize>,
    pub secret: bool,
}

/// Connection strings nest (a database's refers to its server's); the check rejects cycles,
/// and this bound turns a cycle that slipped through into a bug report instead of a hang.
const MAX_DEPTH: usize = 32;

/// What the server [`Piece`]s of a value refer to.
#[derive(Clone, Copy)]
struct ServerPieces<'m> {
    /// The index into [`Plan::servers`].
    index: usize,
    name: &'m str,
    /// The database name, in a database's strings.
    database: Option<&'m str>,
    /// The model's password of the server.
    password: Option<&'m Value>,
}

/// Renders the values of one plan, for one publication.
pub struct Values<'p, 'm> {
    plan: &'p Plan<'m>,
    model: &'m CheckedModel,
    /// Whether each parameter (by `ParamId`) was rendered.
    used: Vec<bool>,
    /// Internal inconsistencies, reported once each by [`Values::finish`].
    bugs: Vec<String>,
}

impl<'p, 'm: 'p> Values<'p, 'm> {
    pub(crate) fn new(plan: &'p Plan<'m>) -> Values<'p, 'm> {
        Values {
            plan,
            model: plan.model,
            used: vec![false; plan.model.parameters().len()],
            bugs: Vec::new(),
        }
    }

    /// Renders `value` onto the end of `out`.
    pub fn render(&mut self, value: &'m Value, out: &mut Vec<Chunk<'p>>) -> Rendered {
        let start = out.len();
        let secret = self.append(value, out, 0);
        Rendered {
            range: start..out.len(),
            secret,
        }
    }

    /// The parameters rendered so far, in declaration order.
    pub fn used_parameters(&self) -> impl Iterator<Item = ParamId> + '_ {
        self.used
            .iter()
            .enumerate()
            .filter(|(_, used)| **used)
            .map(|(index, _)| ParamId(index as u32))
    }

    /// Reports every internal inconsistency found while rendering (B0001, once each) and
    /// returns the parameters the output uses, in declaration order.
    pub fn finish(self, diags: &mut Diagnostics) -> Vec<ParamId> {
        let mut bugs = self.bugs.clone();
        bugs.sort();
        bugs.dedup();
        for bug in bugs {
            diags.push(self.plan.reporter.bug(&bug));
        }
        self.used_parameters().collect()
    }

    /// Appends the chunks of `value`; whether it carries a secret.
    fn append(&mut self, value: &'m Value, out: &mut Vec<Chunk<'p>>, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            self.bugs
                .push("a connection string refers to itself".to_string());
            return false;
        }
        let mut secret = false;
        for part in &value.parts {
            if let Part::Text(text) = part {
                out.push(Chunk::Text(Cow::Borrowed(text)));
            } else {
                secret |= self.part(part, out, depth);
            }
        }
        secret
    }

    /// [`Values::append`] for a value made while rendering (an expanded, URI-encoded
    /// password), whose text cannot be borrowed.
    fn append_owned(&mut self, value: &Value, out: &mut Vec<Chunk<'p>>, depth: usize) -> bool {
        value
            .parts
            .iter()
            .fold(false, |secret, part| self.part(part, out, depth) | secret)
    }

    /// Appends one part (text copied: [`Values::append`] borrows it instead); whether it
    /// carries a secret.
    fn part(&mut self, part: &Part, out: &mut Vec<Chunk<'p>>, depth: usize) -> bool {
        match part {
            Part::Text(text) => {
                out.push(Chunk::Text(Cow::Owned(text.clone())));
                false
            }
            Part::Param { param, encoding } => self.param(*param, *encoding, out, depth),
            Part::Endpoint {
                resource,
                endpoint,
                property,
            } => self.endpoint(*resource, *endpoint, *property, out),
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                match self.managed_connection(part, out, depth) {
                    Some(secret) => secret,
                    None => self.follow(part, out, depth),
                }
            }
        }
    }

    /// The model's own value of a connection string or property.
    fn follow(&mut self, part: &Part, out: &mut Vec<Chunk<'p>>, depth: usize) -> bool {
        let model = self.model;
        match model.connection_part(part) {
            Some(inner) => self.append(inner, out, depth + 1),
            None => {
                self.bugs
                    .push("a connection string or property has no value".to_string());
                false
            }
        }
    }

    fn param(
        &mut self,
        param: ParamId,
        encoding: Encoding,
        out: &mut Vec<Chunk<'p>>,
        depth: usize,
    ) -> bool {
        if let Some(ParamOrigin::Module { module, read }) = self
            .model
            .parameters()
            .nth(param.0 as usize)
            .map(|(_, p)| p.origin)
        {
            let plan = self.plan;
            if let Some(index) = plan.module_index.get(module.0 as usize).copied().flatten() {
                return self.module_read(index, read as usize, encoding, out, depth);
            }
        }
        let Some(used) = self.used.get_mut(param.0 as usize) else {
            self.bugs
                .push(format!("parameter #{} does not exist", param.0));
            return false;
        };
        *used = true;
        out.push(Chunk::Param {
            param,
            uri: encoding == Encoding::Uri,
        });
        self.model.parameter(param).secret
    }

    /// What a value reads from deployed module number `index`: an output, its connection
    /// string, or one of its Key Vault secrets.
    fn module_read(
        &mut self,
        index: usize,
        read: usize,
        encoding: Encoding,
        out: &mut Vec<Chunk<'p>>,
        depth: usize,
    ) -> bool {
        let plan = self.plan;
        let Some(module) = plan.modules.get(index).map(|m| m.module) else {
            return false;
        };
        match module.reads.get(read) {
            Some(ModuleRead::Output(output)) => {
                out.push(Chunk::ModuleOutput {
                    module: index,
                    output,
                    uri: encoding == Encoding::Uri,
                });
                false
            }
            Some(ModuleRead::ConnectionString) => match &module.connection_string {
                Some(value) if depth <= MAX_DEPTH => self.append(value, out, depth + 1),
                Some(_) => {
                    self.bugs
                        .push("a connection string refers to itself".to_string());
                    false
                }
                None => {
                    self.bugs
                        .push(format!("module `{}` has no connection string", module.name));
                    false
                }
            },
            Some(ModuleRead::SecretOutput(name)) => {
                out.push(Chunk::VaultSecret {
                    vault: Vault::Created(index),
                    name,
                });
                true
            }
            Some(ModuleRead::VaultSecret(name)) => {
                out.push(Chunk::VaultSecret {
                    vault: Vault::Module(index),
                    name,
                });
                true
            }
            None => {
                self.bugs
                    .push(format!("module `{}` has no read #{read}", module.name));
                false
            }
        }
    }

    /// A connection string or property of a managed server or of a database on one, as the
    /// shared rules rebuild it; `None` for anything else (the model's value stands).
    fn managed_connection(
        &mut self,
        part: &Part,
        out: &mut Vec<Chunk<'p>>,
        depth: usize,
    ) -> Option<bool> {
        let model = self.model;
        let connection = managed::connection(model, part)?;
        let Some(Hosting::Server(index)) = self.plan.hosting.get(connection.server.0 as usize)
        else {
            return None;
        };
        let server = ServerPieces {
            index: *index,
            name: &model.resource(connection.server).name,
            database: connection.database,
            password: connection.password,
        };
        Some(self.pieces(&connection.pieces, Some(server), out, depth))
    }

    /// Appends shared pieces: host, login and keys of the server, the password from the
    /// integration's password value. `server` is what server pieces refer to (none for an
    /// app's address).
    fn pieces(
        &mut self,
        pieces: &[Piece<'p>],
        server: Option<ServerPieces<'m>>,
        out: &mut Vec<Chunk<'p>>,
        depth: usize,
    ) -> bool {
        let mut secret = false;
        for piece in pieces {
            match (piece, server) {
                (Piece::Text(text), _) => out.push(Chunk::Text(text.clone())),
                (Piece::DefaultDomain, _) => out.push(Chunk::DefaultDomain),
                (Piece::ServerHost, Some(server)) => out.push(Chunk::ServerHost(server.index)),
                (Piece::AdminLogin, Some(server)) => out.push(Chunk::AdminLogin(server.index)),
                (Piece::Database, Some(server)) => {
                    out.push(Chunk::Text(Cow::Borrowed(
                        server.database.unwrap_or_default(),
                    )));
                }
                (Piece::AccessKey | Piece::AccessKeyUri, Some(server)) => {
                    out.push(Chunk::AccessKey {
                        server: server.index,
                        uri: *piece == Piece::AccessKeyUri,
                    });
                    secret = true;
                }
                (Piece::Password, Some(server)) => match server.password {
                    Some(password) => secret |= self.append(password, out, depth + 1),
                    None => self.no_password(server.name),
                },
                (Piece::PasswordUri, Some(server)) => match server.password {
                    Some(password) => {
                        let encoded = self.model.expand(password).uri_encoded();
                        secret |= self.append_owned(&encoded, out, depth + 1);
                    }
                    None => self.no_password(server.name),
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
        secret
    }

    fn no_password(&mut self, server: &str) {
        self.bugs
            .push(format!("managed server `{server}` has no password"));
    }

    /// An endpoint property as other apps in the environment see it.
    fn endpoint(
        &mut self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Vec<Chunk<'p>>,
    ) -> bool {
        let plan = self.plan;
        let model = self.model;
        let name = &model.resource(resource).name;
        let Some(endpoint) = model.resource(resource).endpoints().get(index) else {
            self.bugs.push(format!("`{name}` has no endpoint #{index}"));
            return false;
        };
        match plan.hosting.get(resource.0 as usize) {
            Some(Hosting::App(app)) => {
                let Some(app) = plan.apps.get(*app) else {
                    return false;
                };
                let pieces = app
                    .ingress
                    .address(&app.name, endpoint, index)
                    .pieces(property);
                self.pieces(&pieces, None, out, 0)
            }
            Some(Hosting::Server(server)) => {
                let Some(Server { service, .. }) = plan.servers.get(*server) else {
                    return false;
                };
                let server = ServerPieces {
                    index: *server,
                    name,
                    database: None,
                    password: None,
                };
                self.pieces(&service.address().pieces(property), Some(server), out, 0)
            }
            Some(Hosting::Database(_) | Hosting::Nothing) | None => {
                self.bugs
                    .push(format!("`{name}` has endpoints but no container app"));
                false
            }
        }
    }

    /// A string in a module parameter's value, onto the end of `out`; `None` (reported, and
    /// left out) when it reads a Key Vault secret, which a deployment cannot pass.
    pub fn module_param(
        &mut self,
        module: &ir::Module,
        param: &str,
        value: &'m Value,
        out: &mut Vec<Chunk<'p>>,
        diags: &mut Diagnostics,
    ) -> Option<Rendered> {
        let rendered = self.render(value, out);
        let chunks = out.get(rendered.range.clone()).unwrap_or_default();
        if chunks
            .iter()
            .any(|c| matches!(c, Chunk::VaultSecret { .. }))
        {
            out.truncate(rendered.range.start);
            self.plan.reporter.unsupported_at(
                &module.name,
                module.span,
                Unsupported::VaultSecretParam(param),
                diags,
            );
            return None;
        }
        Some(rendered)
    }

    /// The administrator password of a managed Postgres server, onto the end of `out`.
    pub fn password(&mut self, server: &Server<'m>, out: &mut Vec<Chunk<'p>>) -> Rendered {
        let password = managed::integration(server.resource).and_then(|i| i.password.as_ref());
        match password {
            Some(password) => self.render(password, out),
            None => {
                self.no_password(&server.resource.name);
                Rendered {
                    range: out.len()..out.len(),
                    secret: false,
                }
            }
        }
    }

    /// Renders the arguments and environment of `app` into `out` (cleared first), naming a
    /// container-app secret for every value that carries one. A secret argument is reported
    /// (Container Apps arguments cannot refer to secrets) and left out.
    pub fn app(&mut self, app: &'p App<'m>, out: &mut AppValues<'p>, diags: &mut Diagnostics) {
        out.clear();
        let reporter: Reporter = self.plan.reporter;
        for arg in &app.workload.args {
            let rendered = self.render(arg, &mut out.chunks);
            if rendered.secret {
                out.chunks.truncate(rendered.range.start);
                reporter.unsupported(app.resource, Unsupported::SecretArgument, diags);
                continue;
            }
            out.args.push(rendered.range);
        }
        for var in &app.workload.env {
            let rendered = self.render(&var.value, &mut out.chunks);
            let chunks = out.chunks(&rendered.range);
            let vault = match chunks {
                [Chunk::VaultSecret { vault, name }] => Some(SecretValue::KeyVault {
                    vault: *vault,
                    name,
                }),
                chunks
                    if chunks
                        .iter()
                        .any(|c| matches!(c, Chunk::VaultSecret { .. })) =>
                {
                    out.chunks.truncate(rendered.range.start);
                    reporter.unsupported(
                        app.resource,
                        Unsupported::MixedVaultSecret(&var.name),
                        diags,
                    );
                    continue;
                }
                _ => None,
            };
            let value = if rendered.secret {
                let name = out.secret_names.claim(
                    &crate::names::secret_name(&var.name),
                    crate::names::SECRET_NAME_MAX,
                );
                out.secrets.push(Secret {
                    name,
                    value: vault.unwrap_or(SecretValue::Text(rendered.range)),
                });
                EnvValue::Secret(out.secrets.len() - 1)
            } else {
                EnvValue::Plain(rendered.range)
            };
            out.env.push(Env {
                name: &var.name,
                value,
            });
        }
        // A private registry's password is a secret parameter (the check makes sure): a
        // container-app secret, which the registry entry names.
        if let Some(registry) = self.plan.model.registry_of(&app.workload.image) {
            let username = self.render(&registry.username, &mut out.chunks);
            let password = self.render(&registry.password, &mut out.chunks);
            let name = out.secret_names.claim(
                &crate::names::secret_name(&format!("registry-{}-password", registry.name)),
                crate::names::SECRET_NAME_MAX,
            );
            out.secrets.push(Secret {
                name,
                value: SecretValue::Text(password.range),
            });
            out.registry = Some(RegistryValue {
                server: &registry.server,
                username: username.range,
                password: out.secrets.len() - 1,
            });
        }
    }
}

/// The pull credentials of an app's image: its registry's server, the username (the range
/// of its chunks) and the container-app secret that holds the password.
#[derive(Debug)]
pub struct RegistryValue<'p> {
    pub server: &'p str,
    pub username: Range<usize>,
    /// The index into [`AppValues::secrets`].
    pub password: usize,
}

/// The rendered arguments, environment and secrets of one app, reused from app to app so
/// that rendering allocates (almost) nothing once it has seen the largest app.
#[derive(Debug, Default)]
pub struct AppValues<'p> {
    /// Every chunk of the values below, back to back.
    pub chunks: Vec<Chunk<'p>>,
    /// The arguments that carry no secret (the others were reported).
    pub args: Vec<Range<usize>>,
    pub env: Vec<Env<'p>>,
    /// The app's secrets, in the order of the variables that read them (then its registry
    /// password).
    pub secrets: Vec<Secret<'p>>,
    /// The registry its image is pulled from, with credentials.
    pub registry: Option<RegistryValue<'p>>,
    secret_names: crate::names::UniqueNames,
}

impl<'p> AppValues<'p> {
    fn clear(&mut self) {
        self.chunks.clear();
        self.args.clear();
        self.env.clear();
        self.secrets.clear();
        self.registry = None;
        self.secret_names.clear();
    }

    /// The chunks of one value.
    pub fn chunks(&self, range: &Range<usize>) -> &[Chunk<'p>] {
        self.chunks.get(range.clone()).unwrap_or_default()
    }
}

/// An environment variable of an app.
#[derive(Debug)]
pub struct Env<'p> {
    pub name: &'p str,
    pub value: EnvValue,
}

/// A variable's value: in plain text, or a reference to one of the app's secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    Plain(Range<usize>),
    /// The index into [`AppValues::secrets`].
    Secret(usize),
}

/// A container-app secret: its name (after the variable, as Aspire names them) and value.
#[derive(Debug)]
pub struct Secret<'p> {
    pub name: String,
    pub value: SecretValue<'p>,
}

/// The value of a container-app secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretValue<'p> {
    /// A value (the range of its chunks), which the target writes as a secure expression.
    Text(Range<usize>),
    /// A Key Vault secret, read by reference with the deployment's identity.
    KeyVault { vault: Vault, name: &'p str },
}

impl AppValues<'_> {
    /// Whether any of the app's secrets is read from a Key Vault.
    pub fn reads_key_vaults(&self) -> bool {
        self.secrets
            .iter()
            .any(|s| matches!(s.value, SecretValue::KeyVault { .. }))
    }
}
