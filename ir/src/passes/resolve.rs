//! Resolves every expression to [`Value`] parts and computes each resource's connection string
//! and connection properties. Secrecy needs no bookkeeping here: a value is secret exactly
//! when it contains a secret parameter, and connection strings are inlined part by part, so
//! the taint follows them wherever they are used.

use indexmap::IndexMap;

use crate::checked::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::expr::{Expr, Segment, Template};
use crate::integrations::{IntegrationKind, Piece};
use crate::model::{EnvDecl, ResourceKindDecl};
use crate::passes::names::Symbol;
use crate::passes::{Ctx, modules};

#[derive(Clone)]
enum Memo {
    Todo,
    Busy,
    Done(Option<Value>),
}

pub(crate) struct Resolver<'a, 'm> {
    pub(crate) ctx: &'a mut Ctx<'m>,
    passwords: Vec<Memo>,
    /// Implicit parameters standing for values of resources left out by `--allow-unsupported`.
    left_out: IndexMap<String, ParamId>,
}

pub(crate) fn run(ctx: &mut Ctx<'_>, diags: &mut Diagnostics) {
    let count = ctx.resources.len();
    let mut resolver = Resolver {
        ctx,
        passwords: vec![Memo::Todo; count],
        left_out: IndexMap::new(),
    };
    for index in 0..count {
        let id = ResourceId(index as u32);
        let connection_string = resolver.connection_string(id, diags);
        let properties = resolver.properties(id, diags);
        resolver.fill_workload(id, diags);
        let resource = &mut resolver.ctx.resources[index];
        resource.connection_string = connection_string;
        resource.properties = properties;
    }
    for index in 0..resolver.ctx.modules.len() {
        resolver.fill_module(index, diags);
    }
    let model = resolver.ctx.model;
    if let Some(collector) = &model.observability.otlp_endpoint {
        resolver.ctx.otlp_endpoint = Some(resolver.template(collector, diags));
    }
    crate::passes::registries::resolve(&mut resolver, diags);
    report_connection_cycles(ctx, diags);
    modules::report_cycles(ctx, diags);
}

/// A connection string that contains itself (through `{x.connectionString}` in manifests'
/// `value.v0` or containers) could never be written out: report each such resource once.
fn report_connection_cycles(ctx: &Ctx<'_>, diags: &mut Diagnostics) {
    let count = ctx.resources.len();
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; count];
    for start in 0..count {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, connection_deps(ctx, start))];
        state[start] = 1;
        while let Some((node, deps)) = stack.last_mut() {
            let node = *node;
            match deps.pop() {
                Some(next) if state[next] == 1 => {
                    let name = ctx.slots[next].decl_name;
                    let d = diags
                        .report(
                            codes::INVALID_REFERENCE_TARGET,
                            name.span,
                            format!("the connection string of `{}` contains itself", name.value),
                        )
                        .with_label(
                            "built from its own connection string, directly or through others",
                        );
                    if node != next {
                        let through = ctx.slots[node].decl_name;
                        d.with_secondary(
                            through.span,
                            format!("`{}` reads it back from here", through.value),
                        );
                    }
                }
                Some(next) if state[next] == 0 => {
                    state[next] = 1;
                    stack.push((next, connection_deps(ctx, next)));
                }
                Some(_) => {}
                None => {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }
}

fn connection_deps(ctx: &Ctx<'_>, index: usize) -> Vec<usize> {
    let resource = &ctx.resources[index];
    let values = resource
        .connection_string
        .iter()
        .chain(resource.properties.iter().map(|(_, v)| v));
    let mut deps: Vec<usize> = values
        .flat_map(|v| v.parts.iter())
        .filter_map(|p| match p {
            Part::ConnectionString { resource } | Part::ConnectionProperty { resource, .. } => {
                Some(resource.0 as usize)
            }
            Part::Text(_) | Part::Param { .. } | Part::Endpoint { .. } => None,
        })
        .collect();
    deps.sort_unstable();
    deps.dedup();
    deps.reverse();
    deps
}

impl<'m> Resolver<'_, 'm> {
    fn decl(&self, id: ResourceId) -> Option<&'m ResourceKindDecl> {
        self.ctx.slots[id.0 as usize].decl
    }

    fn integration(&self, id: ResourceId) -> Option<IntegrationKind> {
        match &self.ctx.resources[id.0 as usize].kind {
            ResourceKind::Workload(Workload {
                role: Role::Integration(i),
                ..
            }) => Some(i.kind),
            ResourceKind::Workload(_)
            | ResourceKind::Database(_)
            | ResourceKind::External(_)
            | ResourceKind::BuildOnly(_) => None,
        }
    }

    /// The database resource's server and name, if it is one.
    fn database(&self, id: ResourceId) -> Option<(ResourceId, String)> {
        match &self.ctx.resources[id.0 as usize].kind {
            ResourceKind::Database(db) => Some((db.server, db.database_name.clone())),
            ResourceKind::Workload(_) | ResourceKind::External(_) | ResourceKind::BuildOnly(_) => {
                None
            }
        }
    }

    /// The password of integration `id`, resolved once and lent out: it is copied into
    /// every connection string and property of the server and its databases.
    fn password(&mut self, id: ResourceId, diags: &mut Diagnostics) -> Option<&Value> {
        let index = id.0 as usize;
        if let Memo::Todo = self.passwords[index] {
            self.passwords[index] = Memo::Busy;
            let value = self.resolve_password(id, diags);
            self.passwords[index] = Memo::Done(value);
        }
        match &self.passwords[index] {
            Memo::Done(value) => value.as_ref(),
            // Reported by the connection-string cycle check.
            Memo::Busy | Memo::Todo => None,
        }
    }

    fn resolve_password(&mut self, id: ResourceId, diags: &mut Diagnostics) -> Option<Value> {
        if let Some(param) = self.ctx.slots[id.0 as usize].password_param {
            Some(Value {
                parts: vec![Part::Param {
                    param,
                    encoding: Encoding::Raw,
                }],
            })
        } else if let Some(ResourceKindDecl::Integration(decl)) = self.decl(id) {
            decl.password.as_ref().map(|t| self.template(t, diags))
        } else {
            None
        }
    }

    fn pieces(
        &mut self,
        server: ResourceId,
        pieces: &[Piece],
        database: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Value {
        // A piece gives at most one part (text merges, a password is usually one parameter).
        let mut value = Value {
            parts: Vec::with_capacity(pieces.len()),
        };
        for piece in pieces {
            match piece {
                Piece::Text(text) => value.push(Part::Text((*text).to_string())),
                Piece::Host => value.push(Part::Endpoint {
                    resource: server,
                    endpoint: 0,
                    property: EndpointProperty::Host,
                }),
                Piece::Port => value.push(Part::Endpoint {
                    resource: server,
                    endpoint: 0,
                    property: EndpointProperty::Port,
                }),
                Piece::Password => {
                    if let Some(pw) = self.password(server, diags) {
                        value.extend(pw);
                    }
                }
                Piece::PasswordUri => {
                    if let Some(pw) = self.password(server, diags) {
                        value.extend(&pw.uri_encoded());
                    }
                }
                Piece::Database => value.push(Part::Text(database.unwrap_or_default().to_string())),
            }
        }
        value
    }

    /// Whether `{id.connectionString}` means something, known from the declaration alone.
    fn has_connection_string(&self, id: ResourceId) -> bool {
        self.integration(id).is_some()
            || matches!(
                self.ctx.resources[id.0 as usize].kind,
                ResourceKind::Database(_)
            )
            || match self.decl(id) {
                Some(ResourceKindDecl::Compute(c)) => c.connection_string.is_some(),
                Some(ResourceKindDecl::External(e)) => {
                    e.connection_string.is_some() || e.url.is_some()
                }
                Some(
                    ResourceKindDecl::Integration(_)
                    | ResourceKindDecl::Unsupported(_)
                    | ResourceKindDecl::AzureModule(_)
                    | ResourceKindDecl::Undeclared(_),
                )
                | None => false,
            }
    }

    fn connection_string(&mut self, id: ResourceId, diags: &mut Diagnostics) -> Option<Value> {
        if let Some(kind) = self.integration(id) {
            Some(self.pieces(id, kind.connection_string(), None, diags))
        } else if let Some((server, name)) = self.database(id) {
            self.integration(server).map(|kind| {
                self.pieces(
                    server,
                    kind.database_connection_string(),
                    Some(&name),
                    diags,
                )
            })
        } else {
            match self.decl(id) {
                Some(ResourceKindDecl::Compute(c)) => c
                    .connection_string
                    .as_ref()
                    .map(|t| self.template(t, diags)),
                Some(ResourceKindDecl::External(e)) => e
                    .connection_string
                    .as_ref()
                    .or(e.url.as_ref())
                    .map(|t| self.template(t, diags)),
                Some(
                    ResourceKindDecl::Integration(_)
                    | ResourceKindDecl::Unsupported(_)
                    | ResourceKindDecl::AzureModule(_)
                    | ResourceKindDecl::Undeclared(_),
                )
                | None => None,
            }
        }
    }

    fn properties(&mut self, id: ResourceId, diags: &mut Diagnostics) -> Vec<(String, Value)> {
        let (server, database, kind) = if let Some(kind) = self.integration(id) {
            (id, None, kind)
        } else if let Some((server, name)) = self.database(id) {
            match self.integration(server) {
                Some(kind) => (server, Some(name), kind),
                None => return Vec::new(),
            }
        } else {
            return Vec::new();
        };
        kind.connection_properties(database.is_some())
            .into_iter()
            .map(|(suffix, pieces)| {
                (
                    suffix.to_string(),
                    self.pieces(server, &pieces, database.as_deref(), diags),
                )
            })
            .collect()
    }

    /// Fills env, args and build values of a workload, and the url of an external.
    fn fill_workload(&mut self, id: ResourceId, diags: &mut Diagnostics) {
        let Some(decl) = self.decl(id) else { return };
        match decl {
            ResourceKindDecl::Compute(compute) => {
                let env = self.env(&compute.env, EnvOrigin::Explicit, diags);
                let args: Vec<Value> = compute
                    .args
                    .iter()
                    .map(|a| self.template(a, diags))
                    .collect();
                let build = compute
                    .build
                    .as_ref()
                    .map(|b| (self.pairs(&b.args, diags), self.pairs(&b.secrets, diags)));
                if let Some(workload) = self.ctx.workload_mut(id) {
                    workload.env = env;
                    workload.args = args;
                    if let (Image::Build(image), Some((args, secrets))) =
                        (&mut workload.image, build)
                    {
                        image.args = args;
                        image.secrets = secrets;
                    }
                }
            }
            ResourceKindDecl::Integration(integration) => {
                let kind = integration.kind;
                let mut env: Vec<EnvVar> = kind
                    .container_env()
                    .iter()
                    .map(|(name, pieces)| EnvVar {
                        name: (*name).to_string(),
                        value: self.pieces(id, pieces, None, diags),
                        origin: EnvOrigin::Integration,
                    })
                    .collect();
                for var in self.env(&integration.env, EnvOrigin::Explicit, diags) {
                    match env.iter_mut().find(|e| e.name == var.name) {
                        Some(existing) => *existing = var,
                        None => env.push(var),
                    }
                }
                let password = self.password(id, diags).cloned();
                if let Some(workload) = self.ctx.workload_mut(id) {
                    workload.env = env;
                    if let Role::Integration(i) = &mut workload.role {
                        i.password = password;
                    }
                }
            }
            ResourceKindDecl::External(external) => {
                let url = external.url.as_ref().map(|t| self.template(t, diags));
                if let ResourceKind::External(e) = &mut self.ctx.resources[id.0 as usize].kind {
                    e.url = url;
                }
            }
            ResourceKindDecl::Unsupported(_)
            | ResourceKindDecl::AzureModule(_)
            | ResourceKindDecl::Undeclared(_) => {}
        }
    }

    fn env(
        &mut self,
        decls: &[EnvDecl],
        origin: EnvOrigin,
        diags: &mut Diagnostics,
    ) -> Vec<EnvVar> {
        decls
            .iter()
            .map(|d| EnvVar {
                name: d.name.value.clone(),
                value: self.template(&d.value, diags),
                origin,
            })
            .collect()
    }

    fn pairs(&mut self, decls: &[EnvDecl], diags: &mut Diagnostics) -> Vec<(String, Value)> {
        decls
            .iter()
            .map(|d| (d.name.value.clone(), self.template(&d.value, diags)))
            .collect()
    }

    pub(crate) fn template(&mut self, template: &Template, diags: &mut Diagnostics) -> Value {
        // Every segment gives at most one part: sized once, as most values are one segment.
        let mut value = Value {
            parts: Vec::with_capacity(template.segments.len()),
        };
        for segment in &template.segments {
            match segment {
                Segment::Text(text) => value.push(Part::Text(text.clone())),
                Segment::Expr(expr) => match expr.encoding {
                    Encoding::Raw => {
                        if let Some(part) = self.expr(expr, diags) {
                            value.push(part);
                        }
                    }
                    Encoding::Uri => {
                        if let Some(part) = self.expr(expr, diags) {
                            value.extend(&Value { parts: vec![part] }.uri_encoded());
                        }
                    }
                },
            }
        }
        value
    }

    /// The one part an expression stands for.
    fn expr(&mut self, expr: &Expr, diags: &mut Diagnostics) -> Option<Part> {
        // Matched as words without collecting them: every known path has at most 3, so a
        // longer one keeps 4 and matches none.
        let mut words = [""; 4];
        for (word, part) in words.iter_mut().zip(&expr.path) {
            *word = &part.value;
        }
        let path = &words[..expr.path.len().min(words.len())];
        let Some(symbol) = self.ctx.symbols.get(&expr.target.value) else {
            let d = diags
                .report(
                    codes::UNKNOWN_REFERENCE,
                    expr.target.span,
                    format!("unknown name `{}`", expr.target.value),
                )
                .with_label("no resource or parameter has this name");
            let suggestion = did_you_mean(&expr.target.value, self.ctx.symbols.names());
            if let Some(s) = &suggestion {
                d.with_help(format!("did you mean `{s}`?"));
            }
            if let Some(reason) = self.undeclared_reason(&expr.target.value) {
                let hint = format!(
                    "{reason}; --allow-unsupported turns what reads it into deploy-time parameters"
                );
                // A likely typo keeps the help; the other explanation follows it.
                match suggestion {
                    Some(_) => d.with_note(hint),
                    None => d.with_help(hint),
                };
            }
            return None;
        };
        let id = match symbol {
            Symbol::Parameter(index) => return self.parameter_expr(index, expr, path, diags),
            Symbol::Resource(decl) => match self.ctx.resource_of_decl[decl] {
                Some(id) => id,
                None => match self.ctx.module_of_decl.get(decl).copied().flatten() {
                    Some(module) => return self.module_expr(module, expr, path, diags),
                    None => return self.left_out_expr(expr),
                },
            },
            Symbol::Database { server, index } => {
                let server = self.ctx.resource_of_decl[server]?;
                match &self.ctx.resources[server.0 as usize].kind {
                    ResourceKind::Workload(Workload {
                        role: Role::Integration(i),
                        ..
                    }) => *i.databases.get(index)?,
                    ResourceKind::Workload(_)
                    | ResourceKind::Database(_)
                    | ResourceKind::External(_)
                    | ResourceKind::BuildOnly(_) => return None,
                }
            }
        };
        match path {
            ["connectionString"] => {
                if self.has_connection_string(id) {
                    Some(Part::ConnectionString { resource: id })
                } else {
                    let d = self.no_connection_string(id, expr);
                    self.unresolved(expr, d, diags)
                }
            }
            ["bindings" | "endpoints", endpoint, property] => {
                self.endpoint_expr(id, expr, endpoint, property, diags)
            }
            _ => {
                let name = &self.ctx.resources[id.0 as usize].name;
                let d = Diagnostic::new(
                    codes::UNKNOWN_PROPERTY,
                    expr.path.first().map_or(expr.span, |p| p.span),
                    format!("`{}` has no property `{}`", name, path_text(expr)),
                )
                .label("unknown property")
                .help("a resource offers `connectionString` and `bindings.<endpoint>.url|host|port|targetPort|scheme`");
                self.unresolved(expr, d, diags)
            }
        }
    }

    /// Reports a read of an endpoint or property that its target does not have, and gives
    /// the part it stands for. It is `diagnostic`, an error, unless the input says why it
    /// may hold such reads ([`crate::model::Model::unresolved_reads`], an Aspire manifest) and
    /// `--allow-unsupported` is given: then the read becomes a secret deploy-time parameter,
    /// as a read of a left-out resource does ([`Resolver::deploy_time`]), and the diagnostic
    /// its left-out warning, naming the parameter.
    fn unresolved(
        &mut self,
        expr: &Expr,
        diagnostic: Diagnostic,
        diags: &mut Diagnostics,
    ) -> Option<Part> {
        let Some(reason) = self.ctx.model.unresolved_reads.as_deref() else {
            diags.push(diagnostic);
            return None;
        };
        if !self.ctx.options.allow_unsupported {
            let hint = format!(
                "{reason}; --allow-unsupported turns this read into a deploy-time parameter"
            );
            diags.push(match diagnostic.help {
                Some(_) => diagnostic.note(hint),
                None => diagnostic.help(hint),
            });
            return None;
        }
        let part = self.deploy_time(expr, ParamOrigin::LeftOut);
        let name = match &part {
            Some(Part::Param { param, .. }) => {
                let param = &mut self.ctx.params[param.0 as usize];
                param.description = Some(format!(
                    "`{{{}}}`, which names what its resource does not have",
                    expr.text()
                ));
                param.name.clone()
            }
            _ => String::new(),
        };
        diags.push(diagnostic.note(reason).left_out(format!(
            "left out by --allow-unsupported: the value is the secret deploy-time parameter `{name}`"
        )));
        part
    }

    /// Why the input reads `name` without declaring it, if its front end knows.
    fn undeclared_reason(&self, name: &str) -> Option<&str> {
        // Only on the error path, so a scan is cheap enough.
        self.ctx.model.resources.iter().find_map(|r| match &r.kind {
            ResourceKindDecl::Undeclared(u) => r
                .name
                .value
                .eq_ignore_ascii_case(name)
                .then_some(u.reason.as_str()),
            ResourceKindDecl::Compute(_)
            | ResourceKindDecl::Integration(_)
            | ResourceKindDecl::External(_)
            | ResourceKindDecl::Unsupported(_)
            | ResourceKindDecl::AzureModule(_) => None,
        })
    }

    fn no_connection_string(&self, id: ResourceId, expr: &Expr) -> Diagnostic {
        let resource = &self.ctx.resources[id.0 as usize];
        Diagnostic::new(
            codes::UNKNOWN_PROPERTY,
            expr.path.first().map_or(expr.span, |p| p.span),
            format!("`{}` has no connection string", resource.name),
        )
        .label("`connectionString` is not available here")
        .help("integrations, their databases, and externals with a `url` or `connection_string` have one; use `bindings.<endpoint>.url` for a service")
    }

    fn parameter_expr(
        &mut self,
        index: usize,
        expr: &Expr,
        path: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<Part> {
        let decl = &self.ctx.model.parameters[index];
        let ok = match path {
            ["value"] | ["inputs", "value"] => true,
            ["connectionString"] => decl.is_connection_string,
            _ => false,
        };
        if !ok {
            let d = Diagnostic::new(
                codes::UNKNOWN_PROPERTY,
                expr.path.first().map_or(expr.span, |p| p.span),
                format!(
                    "parameter `{}` has no property `{}`",
                    decl.name.value,
                    path_text(expr)
                ),
            )
            .label("unknown property")
            .help(format!("write `{{{}.value}}`", decl.name.value));
            return self.unresolved(expr, d, diags);
        }
        Some(Part::Param {
            param: ParamId(index as u32),
            encoding: Encoding::Raw,
        })
    }

    fn endpoint_expr(
        &mut self,
        id: ResourceId,
        expr: &Expr,
        endpoint: &str,
        property: &str,
        diags: &mut Diagnostics,
    ) -> Option<Part> {
        let resource = &self.ctx.resources[id.0 as usize];
        let Some(index) = resource.endpoints().iter().position(|e| e.name == endpoint) else {
            let names: Vec<&str> = resource
                .endpoints()
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            let d = Diagnostic::new(
                codes::UNKNOWN_ENDPOINT,
                expr.path[1].span,
                format!("`{}` has no endpoint `{endpoint}`", resource.name),
            )
            .label("unknown endpoint");
            let d = if names.is_empty() {
                d.note(format!("`{}` has no endpoints", resource.name))
            } else if let Some(s) = did_you_mean(endpoint, names.iter().copied()) {
                d.help(format!("did you mean `{s}`?"))
            } else {
                d.note(format!(
                    "its endpoints are: {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            };
            return self.unresolved(expr, d, diags);
        };
        if property == "tlsEnabled" {
            let tls = resource.endpoints()[index].scheme == "https";
            return Some(Part::Text(if tls { "true" } else { "false" }.to_string()));
        }
        let Some(property) = EndpointProperty::from_name(property) else {
            let d = Diagnostic::new(
                codes::UNKNOWN_PROPERTY,
                expr.path[2].span,
                format!("endpoints have no property `{property}`"),
            )
            .label("unknown property")
            .help("an endpoint offers `url`, `host`, `port`, `targetPort` and `scheme`");
            return self.unresolved(expr, d, diags);
        };
        Some(Part::Endpoint {
            resource: id,
            endpoint: index,
            property,
        })
    }

    /// A value read from a resource left out by `--allow-unsupported` becomes a secret
    /// deploy-time parameter (secret, because nothing says it is not).
    fn left_out_expr(&mut self, expr: &Expr) -> Option<Part> {
        if !self.ctx.options.allow_unsupported {
            return None; // the resource itself was reported
        }
        self.deploy_time(expr, ParamOrigin::LeftOut)
    }

    /// A value read from an Azure Bicep module: a parameter of [`ParamOrigin::Module`], which
    /// a target that deploys the module reads from it, and the others take at deploy time as
    /// they take a left-out resource's (named and described alike).
    fn module_expr(
        &mut self,
        module: ModuleId,
        expr: &Expr,
        path: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<Part> {
        let index = module.0 as usize;
        let checked = modules::deployed(&self.ctx.options);
        let read = modules::read(
            &self.ctx.modules[index],
            self.ctx.module_decls[index],
            expr,
            path,
            checked,
            diags,
        )?;
        let reads = &mut self.ctx.modules[index].reads;
        let read = match reads.iter().position(|r| *r == read) {
            Some(existing) => existing,
            None => {
                reads.push(read);
                reads.len() - 1
            }
        };
        self.deploy_time(
            expr,
            ParamOrigin::Module {
                module,
                read: read as u32,
            },
        )
    }

    /// The secret deploy-time parameter that stands for `expr`, one per name.
    fn deploy_time(&mut self, expr: &Expr, origin: ParamOrigin) -> Option<Part> {
        let name = crate::publish::dns_label(&expr.text().replace('.', "-"), 64);
        let param = match self.left_out.get(&name) {
            Some(p) => *p,
            None => {
                let p = self.ctx.add_param(Parameter {
                    name: name.clone(),
                    span: expr.span,
                    secret: true,
                    default: None,
                    generate: None,
                    description: Some(format!(
                        "`{{{}}}` of a resource aspirec left out",
                        expr.text()
                    )),
                    origin,
                });
                self.left_out.insert(name, p);
                p
            }
        };
        Some(Part::Param {
            param,
            encoding: Encoding::Raw,
        })
    }

    /// Resolves the values of module number `index`: its parameters, connection string and
    /// resource group.
    fn fill_module(&mut self, index: usize, diags: &mut Diagnostics) {
        let decl = self.ctx.module_decls[index];
        let params = decl
            .params
            .iter()
            .map(|p| {
                let value = modules::value(&p.value, &mut |t| self.template(t, diags));
                (p.name.value.clone(), value)
            })
            .collect();
        let connection_string = decl
            .connection_string
            .as_ref()
            .map(|t| self.template(t, diags));
        let resource_group = decl
            .resource_group
            .as_ref()
            .map(|t| self.template(t, diags));
        let module = &mut self.ctx.modules[index];
        module.params = params;
        module.connection_string = connection_string;
        module.resource_group = resource_group;
    }
}

/// The property path of an expression as written (`bindings.http.url`), for messages.
fn path_text(expr: &Expr) -> String {
    let words: Vec<&str> = expr.path.iter().map(|p| p.value.as_str()).collect();
    words.join(".")
}
