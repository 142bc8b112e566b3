//! Lowering: a schema-checked tree to [`ir::model::Model`].
//!
//! Runs after [`super::validate`], so every value it reads has the right type; a value that
//! does not (already reported) is skipped here without a second diagnostic. The only
//! diagnostics of this module are those of expressions in strings (E0104, E0105), whose
//! positions it maps back into the source through [`super::strings`]. Meaning (names,
//! references, defaults of ports) is left to `ir`.

use ir::expr::Template;
use ir::integrations::IntegrationKind;
use ir::model::{
    AzureHosting, BuildDecl, ComputeDecl, EndpointDecl, EnvDecl, ExternalDecl, Generate,
    HealthCheckDecl, HealthDecl, Inject, IntegrationDecl, LimitsDecl, Model, ParameterDecl,
    ReferenceDecl, ResourceDecl, ResourceKindDecl, VolumeDecl,
};
use ir::{Diagnostics, FileId, Spanned};

use super::strings::OffsetMap;
use super::syntax::{Key, Node, Table, span};

/// Lowers `root`. `None` only when the model has no usable `name` (already reported).
pub(crate) fn lower(
    file: FileId,
    source: &str,
    root: &Table,
    diags: &mut Diagnostics,
) -> Option<Model> {
    let mut lowerer = Lowerer {
        file,
        source,
        diags,
    };
    let name = root.get("name").and_then(|node| lowerer.string(node))?;
    let defaults = root.get("defaults").and_then(Node::as_table);
    let default = |key: &str| {
        defaults
            .and_then(|d| d.get(key))
            .and_then(|node| lowerer.string(node))
    };
    let (namespace, registry, tag) = (default("namespace"), default("registry"), default("tag"));
    let parameters = entries(root, "parameters")
        .filter_map(|(key, node)| lowerer.parameter(key, node))
        .collect();
    let resources = entries(root, "resources")
        .filter_map(|(key, node)| lowerer.resource(key, node))
        .collect();
    Some(Model {
        name,
        namespace,
        registry,
        tag,
        parameters,
        resources,
        pre_injected: false,
    })
}

/// The entries of the table at `key` of `table` (none if absent or not a table).
fn entries<'t>(table: &'t Table, key: &str) -> impl Iterator<Item = &'t (Key, Node)> {
    table
        .get(key)
        .and_then(Node::as_table)
        .into_iter()
        .flat_map(|t| t.entries.iter())
}

struct Lowerer<'s, 'd> {
    file: FileId,
    source: &'s str,
    diags: &'d mut Diagnostics,
}

impl Lowerer<'_, '_> {
    fn name(&self, key: &Key) -> Spanned<String> {
        Spanned::new(key.name.clone(), span(self.file, &key.span))
    }

    fn string(&self, node: &Node) -> Option<Spanned<String>> {
        Some(Spanned::new(
            node.as_str()?.to_string(),
            span(self.file, &node.span),
        ))
    }

    fn text(&self, table: &Table, key: &str) -> Option<Spanned<String>> {
        self.string(table.get(key)?)
    }

    fn integer(&self, table: &Table, key: &str) -> Option<Spanned<i64>> {
        let node = table.get(key)?;
        Some(Spanned::new(
            node.as_integer()?,
            span(self.file, &node.span),
        ))
    }

    fn flag(table: &Table, key: &str, default: bool) -> bool {
        table.get(key).and_then(Node::as_bool).unwrap_or(default)
    }

    fn strings(&self, table: &Table, key: &str) -> Vec<Spanned<String>> {
        let items = table.get(key).and_then(Node::as_array).unwrap_or_default();
        items.iter().filter_map(|node| self.string(node)).collect()
    }

    /// A string with expressions. Positions inside it are mapped through the raw token, so
    /// that an expression after an escape or in a multi-line string is pointed at exactly.
    fn template(&mut self, node: &Node) -> Option<Template> {
        let text = node.as_str()?;
        let whole = span(self.file, &node.span);
        if !text.contains(['{', '}']) {
            return Some(Template::literal(text, whole));
        }
        let raw = self.source.get(node.span.clone()).unwrap_or_default();
        let map = OffsetMap::new(raw, node.span.clone(), text);
        let file = self.file;
        Some(Template::parse(
            text,
            whole,
            &|start, end| span(file, &map.locate(start, end)),
            self.diags,
        ))
    }

    fn template_at(&mut self, table: &Table, key: &str) -> Option<Template> {
        self.template(table.get(key)?)
    }

    /// `env` and `build.args`: a table of expressions.
    fn variables(&mut self, table: &Table, key: &str) -> Vec<EnvDecl> {
        entries(table, key)
            .filter_map(|(name, node)| {
                Some(EnvDecl {
                    name: self.name(name),
                    value: self.template(node)?,
                })
            })
            .collect()
    }

    fn parameter(&mut self, key: &Key, node: &Node) -> Option<ParameterDecl> {
        let table = node.as_table()?;
        let generate = table.get("generate").and_then(|node| {
            Some(Spanned::new(
                generate(node.as_table()?),
                span(self.file, &node.span),
            ))
        });
        Some(ParameterDecl {
            name: self.name(key),
            secret: Self::flag(table, "secret", false),
            value: self.text(table, "value"),
            generate,
            description: table
                .get("description")
                .and_then(Node::as_str)
                .map(str::to_string),
            is_connection_string: false,
        })
    }

    fn resource(&mut self, key: &Key, node: &Node) -> Option<ResourceDecl> {
        let table = node.as_table()?;
        let kind = match table.get("type").and_then(Node::as_str)? {
            "container" => ResourceKindDecl::Compute(self.compute(table, false)),
            "project" => ResourceKindDecl::Compute(self.compute(table, true)),
            "external" => ResourceKindDecl::External(ExternalDecl {
                url: self.template_at(table, "url"),
                connection_string: self.template_at(table, "connection_string"),
            }),
            other => ResourceKindDecl::Integration(
                self.integration(table, IntegrationKind::from_type_name(other)?),
            ),
        };
        Some(ResourceDecl {
            name: self.name(key),
            kind,
        })
    }

    fn compute(&mut self, table: &Table, project: bool) -> ComputeDecl {
        let args = table
            .get("args")
            .and_then(Node::as_array)
            .unwrap_or_default();
        ComputeDecl {
            project,
            image: self.text(table, "image"),
            build: self.build(table),
            entrypoint: self.strings(table, "entrypoint"),
            args: args.iter().filter_map(|node| self.template(node)).collect(),
            env: self.variables(table, "env"),
            endpoints: entries(table, "endpoints")
                .filter_map(|(key, node)| self.endpoint(key, node))
                .collect(),
            references: table
                .get("references")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(|node| self.reference(node))
                .collect(),
            wait_for: self.strings(table, "wait_for"),
            replicas: self.integer(table, "replicas"),
            health: table.get("health").and_then(|node| self.health(node)),
            volumes: table
                .get("volumes")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .filter_map(|node| self.volume(node))
                .collect(),
            bind_mounts: Vec::new(),
            limits: self.limits(table),
            connection_string: None,
        }
    }

    /// `build = { ... }`, or its shorthand `path = "..."` (`build = { context = path }`).
    fn build(&mut self, table: &Table) -> Option<BuildDecl> {
        let Some(build) = table.get("build").and_then(Node::as_table) else {
            let context = self.text(table, "path")?;
            return Some(BuildDecl {
                context,
                dockerfile: None,
                target: None,
                args: Vec::new(),
                secrets: Vec::new(),
            });
        };
        Some(BuildDecl {
            context: self.text(build, "context")?,
            dockerfile: self.text(build, "dockerfile"),
            target: self.text(build, "target"),
            args: self.variables(build, "args"),
            secrets: Vec::new(),
        })
    }

    fn endpoint(&self, key: &Key, node: &Node) -> Option<EndpointDecl> {
        let table = node.as_table()?;
        Some(EndpointDecl {
            name: self.name(key),
            scheme: self.text(table, "scheme"),
            transport: self.text(table, "transport"),
            protocol: None,
            target_port: self.integer(table, "target_port"),
            port: self.integer(table, "port"),
            external: Self::flag(table, "external", false),
            span: span(self.file, &key.span),
        })
    }

    /// `"name"`, or `{ to = "name", inject = [...] }`.
    fn reference(&self, node: &Node) -> Option<ReferenceDecl> {
        if let Some(target) = self.string(node) {
            return Some(ReferenceDecl {
                target,
                inject: None,
            });
        }
        let table = node.as_table()?;
        let inject = table.get("inject").and_then(Node::as_array).map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    let inject = Inject::ALL
                        .into_iter()
                        .find(|i| Some(i.key()) == item.as_str())?;
                    Some(Spanned::new(inject, span(self.file, &item.span)))
                })
                .collect()
        });
        Some(ReferenceDecl {
            target: self.text(table, "to")?,
            inject,
        })
    }

    fn health(&self, node: &Node) -> Option<HealthDecl> {
        let table = node.as_table()?;
        let check = if table.get("command").is_some() {
            HealthCheckDecl::Command(self.strings(table, "command"))
        } else {
            HealthCheckDecl::Http {
                path: self.text(table, "path")?,
                endpoint: self.text(table, "endpoint")?,
            }
        };
        Some(HealthDecl {
            check,
            initial_delay: self.integer(table, "initial_delay"),
            period: self.integer(table, "period"),
            timeout: self.integer(table, "timeout"),
            failure_threshold: self.integer(table, "failure_threshold"),
            span: span(self.file, &node.span),
        })
    }

    fn volume(&self, node: &Node) -> Option<VolumeDecl> {
        let table = node.as_table()?;
        Some(VolumeDecl {
            name: self.text(table, "name")?,
            target: self.text(table, "target")?,
            read_only: Self::flag(table, "read_only", false),
        })
    }

    /// `resources = { cpu, memory }` of a resource.
    fn limits(&self, table: &Table) -> LimitsDecl {
        let limits = table.get("resources").and_then(Node::as_table);
        LimitsDecl {
            cpu: limits.and_then(|l| self.text(l, "cpu")),
            memory: limits.and_then(|l| self.text(l, "memory")),
        }
    }

    fn integration(&mut self, table: &Table, kind: IntegrationKind) -> IntegrationDecl {
        let azure_hosting = table
            .get("azure")
            .and_then(Node::as_table)
            .and_then(|azure| {
                let hosting = azure.get("hosting")?;
                let value = match hosting.as_str()? {
                    "managed" => AzureHosting::Managed,
                    "container" => AzureHosting::Container,
                    _ => return None,
                };
                Some(Spanned::new(value, span(self.file, &hosting.span)))
            });
        IntegrationDecl {
            kind,
            image: self.text(table, "image"),
            password: self.template_at(table, "password"),
            persistent: Self::flag(table, "persistent", true),
            replicas: self.integer(table, "replicas"),
            env: self.variables(table, "env"),
            limits: self.limits(table),
            databases: self.strings(table, "databases"),
            azure_hosting,
        }
    }
}

/// A `generate` table over Aspire's defaults. Counts were checked to fit `u32`.
fn generate(table: &Table) -> Generate {
    let count = |key: &str, default: u32| {
        table
            .get(key)
            .and_then(Node::as_integer)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(default)
    };
    let flag = |key: &str, default: bool| table.get(key).and_then(Node::as_bool).unwrap_or(default);
    let base = Generate::default();
    Generate {
        min_length: count("min_length", base.min_length),
        lower: flag("lower", base.lower),
        upper: flag("upper", base.upper),
        numeric: flag("numeric", base.numeric),
        special: flag("special", base.special),
        min_lower: count("min_lower", base.min_lower),
        min_upper: count("min_upper", base.min_upper),
        min_numeric: count("min_numeric", base.min_numeric),
        min_special: count("min_special", base.min_special),
    }
}
