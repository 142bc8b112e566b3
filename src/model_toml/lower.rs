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
    AutoscaleDecl, AzureHosting, BuildDecl, ComputeDecl, DashboardDecl, EndpointDecl, EnvDecl,
    ExternalDecl, Generate, HealthCheckDecl, HealthDecl, IngressDecl, Inject, IntegrationDecl,
    JobDecl, LimitsDecl, Model, ObservabilityDecl, OtlpProtocol, ParameterDecl, ReferenceDecl,
    RegistryDecl, ResourceDecl, ResourceKindDecl, TlsDecl, VolumeDecl,
};
use ir::{Diagnostics, FileId, Spanned};

use super::strings::OffsetMap;
use super::tree::{Key, Node, Table, Value, span};

/// Lowers `root`. `None` only when the model has no usable `name` (already reported).
///
/// Takes the tree: each resource's part of it is dropped as soon as it is lowered, so that
/// the tree and the model it turns into are not both whole in memory at once.
pub(crate) fn lower(
    file: FileId,
    source: &str,
    mut root: Table<'_>,
    read_file: crate::manifest::ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Option<Model> {
    let mut lowerer = Lowerer {
        file,
        source,
        read_file,
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
    let observability = lowerer.observability(&root, &name);
    let parameters = each(entries(&root, "parameters").iter(), |(key, node)| {
        lowerer.parameter(key, node)
    });
    let resources = root
        .remove("resources")
        .and_then(|(_, node)| match node.value {
            Value::Table(resources) => Some(resources.into_entries()),
            _ => None,
        })
        .unwrap_or_default();
    let resources = each(resources.into_iter(), |(key, node)| {
        lowerer.resource(&key, &node)
    });
    let registries = each(entries(&root, "registries").iter(), |(key, node)| {
        lowerer.registry(key, node)
    });
    Some(Model {
        name,
        namespace,
        registry,
        tag,
        parameters,
        resources,
        pre_injected: false,
        unresolved_reads: None,
        observability,
        registries,
    })
}

/// The entries of the table at `key` of `table` (none if absent or not a table).
fn entries<'t, 's>(table: &'t Table<'s>, key: &str) -> &'t [(Key<'s>, Node<'s>)] {
    table
        .get(key)
        .and_then(Node::as_table)
        .map(Table::entries)
        .unwrap_or_default()
}

/// The items of the array at `key` of `table` (none if absent or not an array).
fn items<'t, 's>(table: &'t Table<'s>, key: &str) -> &'t [Node<'s>] {
    table.get(key).and_then(Node::as_array).unwrap_or_default()
}

/// Lowers each item, leaving out those that do not lower (already reported). The vector is
/// allocated once, at its final size unless some are left out: `collect` on a filter
/// would grow it step by step to up to twice that.
fn each<T, U>(
    items: impl ExactSizeIterator<Item = T>,
    lower: impl FnMut(T) -> Option<U>,
) -> Vec<U> {
    let mut lowered = Vec::with_capacity(items.len());
    lowered.extend(items.filter_map(lower));
    lowered
}

struct Lowerer<'s, 'd> {
    file: FileId,
    source: &'s str,
    /// Reads the files of `files` beside the model.
    read_file: crate::manifest::ReadFile<'s>,
    diags: &'d mut Diagnostics,
}

impl Lowerer<'_, '_> {
    fn name(&self, key: &Key<'_>) -> Spanned<String> {
        Spanned::new(key.name.to_string(), span(self.file, &key.span))
    }

    fn string(&self, node: &Node<'_>) -> Option<Spanned<String>> {
        Some(Spanned::new(
            node.as_str()?.to_string(),
            span(self.file, &node.span),
        ))
    }

    fn text(&self, table: &Table<'_>, key: &str) -> Option<Spanned<String>> {
        self.string(table.get(key)?)
    }

    fn integer(&self, table: &Table<'_>, key: &str) -> Option<Spanned<i64>> {
        let node = table.get(key)?;
        Some(Spanned::new(
            node.as_integer()?,
            span(self.file, &node.span),
        ))
    }

    fn flag(table: &Table<'_>, key: &str, default: bool) -> bool {
        table.get(key).and_then(Node::as_bool).unwrap_or(default)
    }

    fn strings(&self, table: &Table<'_>, key: &str) -> Vec<Spanned<String>> {
        each(items(table, key).iter(), |node| self.string(node))
    }

    /// A string with expressions. Positions inside it are mapped through the raw token, so
    /// that an expression after an escape or in a multi-line string is pointed at exactly.
    fn template(&mut self, node: &Node<'_>) -> Option<Template> {
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

    fn template_at(&mut self, table: &Table<'_>, key: &str) -> Option<Template> {
        self.template(table.get(key)?)
    }

    /// `env` and `build.args`: a table of expressions.
    fn variables(&mut self, table: &Table<'_>, key: &str) -> Vec<EnvDecl> {
        each(entries(table, key).iter(), |(name, node)| {
            Some(EnvDecl {
                name: self.name(name),
                value: self.template(node)?,
            })
        })
    }

    fn parameter(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<ParameterDecl> {
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

    fn resource(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<ResourceDecl> {
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

    /// `[observability]`: the dashboard unless `dashboard = false` or an `otlp_endpoint` is
    /// given. The dashboard is spanned at `dashboard`, else at the table, else at the model's
    /// name (it is there by default).
    fn observability(&mut self, root: &Table<'_>, name: &Spanned<String>) -> ObservabilityDecl {
        let entry = root.entry("observability");
        let table = entry.and_then(|(_, node)| node.as_table());
        let otlp_endpoint = table
            .and_then(|t| t.get("otlp_endpoint"))
            .and_then(|node| self.template(node));
        let protocol = table
            .and_then(|t| t.get("otlp_protocol"))
            .and_then(Node::as_str)
            .and_then(|p| {
                OtlpProtocol::ALL
                    .into_iter()
                    .find(|known| known.as_str() == p)
            })
            .unwrap_or_default();
        let wanted = table.is_none_or(|t| Self::flag(t, "dashboard", true));
        let span = table
            .and_then(|t| t.entry("dashboard"))
            .map(|(key, _)| span(self.file, &key.span))
            .or_else(|| entry.map(|(key, _)| span(self.file, &key.span)))
            .unwrap_or(name.span);
        let dashboard = (wanted && otlp_endpoint.is_none()).then(|| DashboardDecl {
            name: Spanned::new(ir::telemetry::DASHBOARD_NAME.to_string(), span),
            external: table.is_some_and(|t| Self::flag(t, "external", false)),
        });
        ObservabilityDecl {
            dashboard,
            otlp_endpoint,
            protocol,
        }
    }

    fn compute(&mut self, table: &Table<'_>, project: bool) -> ComputeDecl {
        ComputeDecl {
            project,
            image: self.text(table, "image"),
            build: self.build(table),
            entrypoint: self.strings(table, "entrypoint"),
            args: each(items(table, "args").iter(), |node| self.template(node)),
            env: self.variables(table, "env"),
            endpoints: each(entries(table, "endpoints").iter(), |(key, node)| {
                self.endpoint(key, node)
            }),
            references: each(items(table, "references").iter(), |node| {
                self.reference(node)
            }),
            wait_for: self.strings(table, "wait_for"),
            replicas: self.integer(table, "replicas"),
            health: table.get("health").and_then(|node| self.health(node)),
            volumes: each(items(table, "volumes").iter(), |node| self.volume(node)),
            bind_mounts: Vec::new(),
            limits: self.limits(table),
            job: table.get("job").and_then(|node| self.job(node)),
            autoscale: table.get("autoscale").and_then(|node| self.autoscale(node)),
            files: each(items(table, "files").iter(), |node| {
                let entry = node.as_table()?;
                let (source, target) = (self.text(entry, "source")?, self.text(entry, "target")?);
                super::files::read(source, target, self.read_file, self.diags)
            }),
            connection_string: None,
            build_only: false,
            otlp_exporter: Self::flag(table, "otlp", true),
        }
    }

    /// `build = { ... }`, or its shorthand `path = "..."` (`build = { context = path }`).
    fn build(&mut self, table: &Table<'_>) -> Option<BuildDecl> {
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

    fn endpoint(&self, key: &Key<'_>, node: &Node<'_>) -> Option<EndpointDecl> {
        let table = node.as_table()?;
        Some(EndpointDecl {
            name: self.name(key),
            scheme: self.text(table, "scheme"),
            transport: self.text(table, "transport"),
            protocol: None,
            target_port: self.integer(table, "target_port"),
            port: self.integer(table, "port"),
            external: Self::flag(table, "external", false),
            ingress: table.get("ingress").and_then(|node| self.ingress(node)),
            span: span(self.file, &key.span),
        })
    }

    /// `[registries.<name>] server, username, password, pull_secret?`.
    fn registry(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<RegistryDecl> {
        let table = node.as_table()?;
        Some(RegistryDecl {
            name: self.name(key),
            server: self.text(table, "server")?,
            username: self.template(table.get("username")?)?,
            password: self.template(table.get("password")?)?,
            pull_secret: self.text(table, "pull_secret"),
        })
    }

    /// `ingress = { hosts?, path?, tls?, class? }` of an endpoint.
    fn ingress(&self, node: &Node<'_>) -> Option<IngressDecl> {
        let table = node.as_table()?;
        let tls = table.get("tls").and_then(|node| {
            let tls = node.as_table()?;
            Some(TlsDecl {
                secret: self.text(tls, "secret"),
                issuer: self.text(tls, "issuer"),
                span: span(self.file, &node.span),
            })
        });
        Some(IngressDecl {
            hosts: self.strings(table, "hosts"),
            path: self.text(table, "path"),
            tls,
            class: self.text(table, "class"),
            span: span(self.file, &node.span),
        })
    }

    /// `"name"`, or `{ to = "name", inject = [...] }`.
    fn reference(&self, node: &Node<'_>) -> Option<ReferenceDecl> {
        if let Some(target) = self.string(node) {
            return Some(ReferenceDecl {
                target,
                inject: None,
            });
        }
        let table = node.as_table()?;
        let inject = table.get("inject").and_then(Node::as_array).map(|items| {
            each(items.iter(), |item| {
                let inject = Inject::ALL
                    .into_iter()
                    .find(|i| Some(i.key()) == item.as_str())?;
                Some(Spanned::new(inject, span(self.file, &item.span)))
            })
        });
        Some(ReferenceDecl {
            target: self.text(table, "to")?,
            inject,
        })
    }

    fn health(&self, node: &Node<'_>) -> Option<HealthDecl> {
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

    fn volume(&self, node: &Node<'_>) -> Option<VolumeDecl> {
        let table = node.as_table()?;
        Some(VolumeDecl {
            name: self.text(table, "name")?,
            target: self.text(table, "target")?,
            read_only: Self::flag(table, "read_only", false),
        })
    }

    /// `job = { schedule? }`.
    fn job(&self, node: &Node<'_>) -> Option<JobDecl> {
        let table = node.as_table()?;
        Some(JobDecl {
            schedule: self.text(table, "schedule"),
            span: span(self.file, &node.span),
        })
    }

    /// `autoscale = { min?, max, cpu }`.
    fn autoscale(&self, node: &Node<'_>) -> Option<AutoscaleDecl> {
        let table = node.as_table()?;
        Some(AutoscaleDecl {
            min: self.integer(table, "min"),
            max: self.integer(table, "max"),
            cpu: self.integer(table, "cpu"),
            span: span(self.file, &node.span),
        })
    }

    /// `resources = { cpu, memory }` of a resource.
    fn limits(&self, table: &Table<'_>) -> LimitsDecl {
        let limits = table.get("resources").and_then(Node::as_table);
        LimitsDecl {
            cpu: limits.and_then(|l| self.text(l, "cpu")),
            memory: limits.and_then(|l| self.text(l, "memory")),
        }
    }

    fn integration(&mut self, table: &Table<'_>, kind: IntegrationKind) -> IntegrationDecl {
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
fn generate(table: &Table<'_>) -> Generate {
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
