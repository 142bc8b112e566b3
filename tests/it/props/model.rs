//! A generator of valid models, as model.toml text plus what the text means.
//!
//! proptest generates flat "genes" (kinds, names, ports, indices); [`build`] then resolves them
//! into a [`Spec`] that is valid by construction: unique names (also after the targets' name
//! shortening), references only to resources that inject something, `wait_for` only to
//! earlier resources (a DAG), ports unique per resource, at most one external endpoint (Azure
//! Container Apps' rule). Resolving in a plain function keeps the strategies simple and lets
//! proptest shrink every gene on its own.
//!
//! Env values, `args`, parameter defaults are literal text drawn from a hostile alphabet, or
//! expressions (parameters between such text, connection strings, endpoint parts). The
//! round-trip property reads back every env value known at compile time (literal text, and
//! text around a non-secret parameter's default); the others only need the model to compile.

use proptest::prelude::*;
use proptest::sample::Index;

use super::toml_text::{self, Style};

/// Pieces that break naive escaping in one target or another: YAML indicators and plain-scalar
/// words, Compose and Terraform interpolation, Kubernetes `$(VAR)`, Bicep `'` and `${`, the
/// model's own braces, line breaks YAML knows and JSON does not, non-ASCII, and what no YAML
/// parser or comment may hold raw (NUL, C0 and C1 controls, DEL, U+FFFE/U+FFFF, the byte
/// order mark, bidi overrides and isolates, the paragraph separator).
const HOSTILE: &[&str] = &[
    "\"", "'", "\\", "\\\\", "$", "$$", "${", "${X}", "$(", "$(X)", "$X", "%{", "%%{", "{", "}",
    "{{", "}}", "#", " #", ":", ": ", "- ", "---", "...", "\n", "\n\n", "\t", "\r", "\r\n", " ",
    "  ", "é", "日本", "🦀", "\u{2028}", "\u{85}", "\u{feff}", "\u{1b}", "\u{7f}", "\u{a0}", "yes",
    "no", "on", "off", "y", "n", "null", "~", "true", "False", "0644", "1e3", "0x1F", "0o17",
    ".inf", "-.5", "12:30", "&a", "*a", "!!str", "|", ">", "@", "`", "%", "[", "]", ",", "?", "=",
    "<<", "abc", "0", "-", "//", "/*", "\u{0}", "\u{1}", "\u{8}", "\u{9f}", "\u{fffe}", "\u{ffff}",
    "\u{2029}", "\u{202e}", "\u{2066}", "\u{200f}", "\u{61c}",
];

/// Text as the program should see it: hostile pieces glued together (possibly empty).
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(HOSTILE), 0..7).prop_map(|pieces| pieces.concat())
}

#[derive(Clone, Debug)]
pub(crate) enum ValueGene {
    /// Literal text (the round-trip property's subject).
    Literal(String),
    /// `{p.value}` of the `Index`-th parameter, between two literal texts.
    Param(String, Index, String),
    /// `{x.connectionString}` of the `Index`-th resource that has one.
    ConnectionString(Index),
    /// `{x.bindings.<ep>.<property>}` of the `Index`-th endpoint in the model.
    Endpoint(Index, &'static str),
}

fn value_gene() -> impl Strategy<Value = ValueGene> {
    prop_oneof![
        6 => hostile_text().prop_map(ValueGene::Literal),
        1 => (hostile_text(), any::<Index>(), hostile_text()).prop_map(|(a, i, b)| ValueGene::Param(a, i, b)),
        1 => any::<Index>().prop_map(ValueGene::ConnectionString),
        1 => (any::<Index>(), prop::sample::select(&["url", "host", "port", "targetPort", "scheme"][..]))
            .prop_map(|(i, p)| ValueGene::Endpoint(i, p)),
    ]
}

#[derive(Clone, Debug)]
pub(crate) struct EndpointGene {
    scheme: &'static str,
    target_port: u16,
    port: Option<u16>,
    external: bool,
}

fn endpoint_gene() -> impl Strategy<Value = EndpointGene> {
    (
        prop::sample::select(&["http", "https", "tcp"][..]),
        1..=65535u16,
        prop::option::of(1..=65535u16),
        any::<bool>(),
    )
        .prop_map(|(scheme, target_port, port, external)| EndpointGene {
            scheme,
            target_port,
            port,
            external,
        })
}

#[derive(Clone, Debug)]
pub(crate) enum KindGene {
    Container,
    Project,
    Integration(&'static str, Vec<String>, bool),
    External,
}

const INTEGRATIONS: &[&str] = &[
    "postgres",
    "redis",
    "valkey",
    "rabbitmq",
    "mongodb",
    "mysql",
    "sqlserver",
    "kafka",
    "nats",
];
const WITH_DATABASES: &[&str] = &["postgres", "mongodb", "mysql", "sqlserver"];

fn kind_gene() -> impl Strategy<Value = KindGene> {
    prop_oneof![
        3 => Just(KindGene::Container),
        2 => Just(KindGene::Project),
        2 => (prop::sample::select(INTEGRATIONS), prop::collection::vec(name(), 0..3), any::<bool>())
            .prop_map(|(kind, dbs, persistent)| KindGene::Integration(kind, dbs, persistent)),
        1 => Just(KindGene::External),
    ]
}

/// A name as the model allows it: mostly short, sometimes long and full of `-` (`--` included).
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}",
        1 => "[a-z]([a-z0-9-]{0,38}[a-z0-9])?",
    ]
}

#[derive(Clone, Debug)]
pub(crate) struct ResourceGene {
    name: String,
    kind: KindGene,
    env: Vec<(String, ValueGene, Style)>,
    endpoints: Vec<EndpointGene>,
    references: Vec<Index>,
    wait_for: Vec<Index>,
    replicas: Option<u8>,
    health: bool,
    /// An integration's `password = "{p.value}"` (the `Index`-th secret parameter), or an
    /// external's connection string (the `Index`-th parameter).
    password: Option<Index>,
    args: Vec<(ValueGene, Style)>,
}

fn resource_gene() -> impl Strategy<Value = ResourceGene> {
    (
        name(),
        kind_gene(),
        prop::collection::vec(
            (
                "[A-Z_][A-Z0-9_]{0,12}",
                value_gene(),
                prop::sample::select(&Style::ALL[..]),
            ),
            0..5,
        ),
        prop::collection::vec(endpoint_gene(), 0..3),
        prop::collection::vec(any::<Index>(), 0..3),
        prop::collection::vec(any::<Index>(), 0..2),
        prop::option::of(0..4u8),
        any::<bool>(),
        prop::option::of(any::<Index>()),
        prop::collection::vec((value_gene(), prop::sample::select(&Style::ALL[..])), 0..3),
    )
        .prop_map(
            |(
                name,
                kind,
                env,
                endpoints,
                references,
                wait_for,
                replicas,
                health,
                password,
                args,
            )| ResourceGene {
                name,
                kind,
                env,
                endpoints,
                references,
                wait_for,
                replicas,
                health,
                password,
                args,
            },
        )
}

#[derive(Clone, Debug)]
pub(crate) struct ParamGene {
    name: String,
    secret: bool,
    default: Option<String>,
    /// Written into comments (`.env.example`, `secrets.env.example`, `.bicepparam`).
    description: Option<String>,
    style: Style,
}

fn param_gene() -> impl Strategy<Value = ParamGene> {
    (
        name(),
        any::<bool>(),
        prop::option::of(hostile_text()),
        prop::option::of(hostile_text()),
        prop::sample::select(&Style::ALL[..]),
    )
        .prop_map(|(name, secret, default, description, style)| ParamGene {
            name,
            secret,
            default,
            description,
            style,
        })
}

#[derive(Clone, Debug)]
pub(crate) struct ModelGene {
    app: String,
    params: Vec<ParamGene>,
    resources: Vec<ResourceGene>,
}

/// Genes of a whole model: 1 to 7 resources, 0 to 3 parameters.
pub(crate) fn model_gene() -> impl Strategy<Value = ModelGene> {
    (
        "[a-z][a-z0-9]{0,10}",
        prop::collection::vec(param_gene(), 0..4),
        prop::collection::vec(resource_gene(), 1..8),
    )
        .prop_map(|(app, params, resources)| ModelGene {
            app,
            params,
            resources,
        })
}

/// A resolved, valid model: the text and the facts the properties check it against.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    pub(crate) text: String,
    /// (resource, env var, the value the program must see) for every env value known at
    /// compile time: literal text, and text around a non-secret parameter's default.
    pub(crate) expected: Vec<(String, String, String)>,
    /// Declared parameters: (name, secret).
    pub(crate) params: Vec<(String, bool)>,
}

/// Hands out names unique in the model's one namespace, and also after the transformations
/// targets apply (dashes dropped in Bicep/Terraform identifiers, shortening to a length limit):
/// a collision there is a legitimate error (E0306), which a generator of valid models avoids.
#[derive(Default)]
struct Names {
    taken: Vec<String>,
}

impl Names {
    fn key(name: &str) -> String {
        name.replace('-', "").chars().take(20).collect()
    }

    fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(&Self::key(name))
    }

    /// `wanted`, or a variant of it that is free; `None` when the name cannot be freed.
    fn claim(&mut self, wanted: &str) -> Option<String> {
        let candidates = std::iter::once(wanted.to_string()).chain((0..26u8).map(|i| {
            format!(
                "{}{}",
                (b'a' + i) as char,
                wanted.chars().take(30).collect::<String>()
            )
        }));
        for candidate in candidates {
            let candidate = candidate.trim_end_matches('-').to_string();
            if candidate.len() <= 40 && self.is_free(&candidate) {
                self.taken.push(Self::key(&candidate));
                return Some(candidate);
            }
        }
        None
    }

    /// Reserves a name the compiler creates (an integration's `<name>-password`).
    fn reserve(&mut self, name: &str) {
        self.taken.push(Self::key(name));
    }
}

/// What one resource offers to others, for resolving indices.
struct Offer {
    name: String,
    has_connection_string: bool,
    /// (endpoint name) of each endpoint.
    endpoints: Vec<String>,
    /// Can be referenced: has a connection string or endpoints.
    referencable: bool,
    /// Can be waited for (not an external).
    waitable: bool,
}

fn pick<'a, T>(items: &'a [T], index: &Index) -> Option<&'a T> {
    (!items.is_empty()).then(|| index.get(items))
}

/// Resolves genes into a valid model.
pub(crate) fn build(gene: &ModelGene) -> Spec {
    let mut names = Names::default();
    let mut out = String::new();
    let mut expected = Vec::new();
    out.push_str(&format!("name = \"{}\"\n\n", gene.app));

    // Names first: resources, their databases, implicit passwords, then parameters.
    let mut offers: Vec<Offer> = Vec::new();
    let mut resources: Vec<(&ResourceGene, String, Vec<String>)> = Vec::new();
    for resource in &gene.resources {
        let Some(name) = names.claim(&resource.name) else {
            continue;
        };
        let mut databases = Vec::new();
        if let KindGene::Integration(kind, dbs, _) = &resource.kind {
            names.reserve(&format!("{name}-password"));
            if WITH_DATABASES.contains(kind) {
                databases = dbs.iter().filter_map(|db| names.claim(db)).collect();
            }
        }
        resources.push((resource, name, databases));
    }
    let params: Vec<(String, &ParamGene)> = gene
        .params
        .iter()
        .filter_map(|p| names.claim(&p.name).map(|n| (n, p)))
        .collect();

    // What each resource offers, with endpoints made valid: unique target ports, one external
    // endpoint at most and only over http (Azure Container Apps' limits).
    let mut endpoints_of: Vec<Vec<EndpointGene>> = Vec::new();
    for (resource, name, databases) in &resources {
        let endpoints = match resource.kind {
            KindGene::Container | KindGene::Project => valid_endpoints(&resource.endpoints),
            _ => Vec::new(),
        };
        let (has_connection_string, referencable, waitable) = match &resource.kind {
            KindGene::Integration(..) => (true, true, true),
            KindGene::External => (false, true, false),
            KindGene::Container | KindGene::Project => (false, !endpoints.is_empty(), true),
        };
        offers.push(Offer {
            name: name.clone(),
            has_connection_string,
            endpoints: endpoints.iter().map(|e| e.scheme.to_string()).collect(),
            referencable,
            waitable,
        });
        for db in databases {
            offers.push(Offer {
                name: db.clone(),
                has_connection_string: true,
                endpoints: Vec::new(),
                referencable: true,
                waitable: true,
            });
        }
        endpoints_of.push(endpoints);
    }
    let connection_strings: Vec<&str> = offers
        .iter()
        .filter(|o| o.has_connection_string)
        .map(|o| o.name.as_str())
        .collect();
    let all_endpoints: Vec<(&str, &str)> = offers
        .iter()
        .flat_map(|o| {
            o.endpoints
                .iter()
                .map(move |e| (o.name.as_str(), e.as_str()))
        })
        .collect();

    for (name, param) in &params {
        out.push_str(&format!("[parameters.{name}]\nsecret = {}\n", param.secret));
        if let Some(description) = &param.description {
            out.push_str(&format!(
                "description = {}\n",
                toml_text::string(description, param.style)
            ));
        }
        // A literal secret default is legal but warned about; the leak property supplies
        // secret values through an overlay instead.
        if let (Some(default), false) = (&param.default, param.secret) {
            out.push_str(&format!(
                "value = {}\n",
                toml_text::string(default, param.style)
            ));
        }
        out.push('\n');
    }

    // `args` may not carry secrets (Azure Container Apps cannot hide them: E0702), so they
    // draw only on non-secret parameters and no connection strings.
    let public: Vec<(String, &ParamGene)> =
        params.iter().filter(|(_, p)| !p.secret).cloned().collect();
    let value_text = |value: &ValueGene, secrets_allowed: bool| -> Option<String> {
        match value {
            ValueGene::Literal(text) => Some(braces(text)),
            ValueGene::Param(before, index, after) => {
                pick(if secrets_allowed { &params } else { &public }, index)
                    .map(|(p, _)| format!("{}{{{p}.value}}{}", braces(before), braces(after)))
            }
            ValueGene::ConnectionString(_) if !secrets_allowed => None,
            ValueGene::ConnectionString(index) => {
                pick(&connection_strings, index).map(|x| format!("{{{x}.connectionString}}"))
            }
            ValueGene::Endpoint(index, property) => {
                pick(&all_endpoints, index).map(|(x, e)| format!("{{{x}.bindings.{e}.{property}}}"))
            }
        }
    };

    let mut position = 0; // index into `offers` of the current resource
    let mut variables = 0;
    for ((resource, name, databases), endpoints) in resources.iter().zip(&endpoints_of) {
        let earlier: Vec<&Offer> = offers[..position].iter().collect();
        out.push_str(&format!("[resources.{name}]\n"));
        match &resource.kind {
            KindGene::Container => out.push_str(&format!(
                "type = \"container\"\nimage = \"example.com/{name}:1\"\n"
            )),
            KindGene::Project => {
                out.push_str(&format!("type = \"project\"\npath = \"src/{name}\"\n"));
            }
            KindGene::Integration(kind, _, persistent) => {
                out.push_str(&format!("type = \"{kind}\"\npersistent = {persistent}\n"));
                let secrets: Vec<&str> = params
                    .iter()
                    .filter(|(_, p)| p.secret)
                    .map(|(n, _)| n.as_str())
                    .collect();
                let has_password = !matches!(*kind, "kafka" | "nats");
                if let (true, Some(secret)) = (
                    has_password,
                    resource.password.as_ref().and_then(|i| pick(&secrets, i)),
                ) {
                    out.push_str(&format!("password = \"{{{secret}.value}}\"\n"));
                }
                if !databases.is_empty() {
                    let list: Vec<String> = databases.iter().map(|d| format!("\"{d}\"")).collect();
                    out.push_str(&format!("databases = [{}]\n", list.join(", ")));
                }
            }
            KindGene::External => {
                out.push_str("type = \"external\"\n");
                // A connection string built from a parameter (usually a secret), or a plain URL.
                match resource.password.as_ref().and_then(|i| pick(&params, i)) {
                    Some((p, _)) => out.push_str(&format!(
                        "connection_string = \"Endpoint=https://ext;Key={{{p}.value}}\"\n"
                    )),
                    None => out.push_str("url = \"https://api.example.com/v1\"\n"),
                }
            }
        }
        let compute = matches!(resource.kind, KindGene::Container | KindGene::Project);
        if compute {
            let targets: Vec<&str> = offers
                .iter()
                .filter(|o| o.referencable && o.name != *name)
                .map(|o| o.name.as_str())
                .collect();
            let mut references: Vec<&str> = resource
                .references
                .iter()
                .filter_map(|i| pick(&targets, i).copied())
                .collect();
            references.dedup();
            references.sort_unstable();
            references.dedup();
            if !references.is_empty() {
                let list: Vec<String> = references.iter().map(|r| format!("\"{r}\"")).collect();
                out.push_str(&format!("references = [{}]\n", list.join(", ")));
            }
            // Only earlier resources: the wait_for graph is a DAG by construction.
            let waitable: Vec<&str> = earlier
                .iter()
                .filter(|o| o.waitable)
                .map(|o| o.name.as_str())
                .collect();
            let mut waits: Vec<&str> = resource
                .wait_for
                .iter()
                .filter_map(|i| pick(&waitable, i).copied())
                .collect();
            waits.sort_unstable();
            waits.dedup();
            if !waits.is_empty() {
                let list: Vec<String> = waits.iter().map(|r| format!("\"{r}\"")).collect();
                out.push_str(&format!("wait_for = [{}]\n", list.join(", ")));
            }
            let args: Vec<String> = resource
                .args
                .iter()
                .filter_map(|(value, style)| {
                    value_text(value, false).map(|t| toml_text::string(&t, *style))
                })
                .collect();
            if !args.is_empty() {
                out.push_str(&format!("args = [{}]\n", args.join(", ")));
            }
            if let Some(replicas) = resource.replicas {
                out.push_str(&format!("replicas = {replicas}\n"));
            }
            for endpoint in endpoints {
                out.push_str(&format!(
                    "endpoints.{} = {{ target_port = {}{}, external = {} }}\n",
                    endpoint.scheme,
                    endpoint.target_port,
                    endpoint
                        .port
                        .map(|p| format!(", port = {p}"))
                        .unwrap_or_default(),
                    endpoint.external
                ));
            }
            if let (true, Some(http)) = (
                resource.health,
                endpoints.iter().find(|e| e.scheme == "http"),
            ) {
                out.push_str(&format!(
                    "health = {{ path = \"/healthz\", endpoint = \"{}\" }}\n",
                    http.scheme
                ));
            }
        }
        if !matches!(resource.kind, KindGene::External) {
            let mut env = String::new();
            for (var, value, style) in &resource.env {
                let Some(text) = value_text(value, true) else {
                    continue;
                };
                // Unique in the whole model, so a reader can find it without knowing how a
                // target names containers; the `_<n>` suffix keeps it apart from every name a
                // reference injects or an integration sets.
                variables += 1;
                let var = format!("{var}_{variables}");
                env.push_str(&format!("{var} = {}\n", toml_text::string(&text, *style)));
                if let Some(value) = runtime_value(value, &params) {
                    expected.push((name.clone(), var, value));
                }
            }
            if !env.is_empty() {
                out.push_str(&format!("\n[resources.{name}.env]\n{env}"));
            }
        }
        out.push('\n');
        position += 1 + databases.len();
    }
    Spec {
        text: out,
        expected,
        params: params.iter().map(|(n, p)| (n.clone(), p.secret)).collect(),
    }
}

/// The value a program sees when no deploy-time input is given, where that is known.
fn runtime_value(value: &ValueGene, params: &[(String, &ParamGene)]) -> Option<String> {
    match value {
        ValueGene::Literal(text) => Some(text.clone()),
        ValueGene::Param(before, index, after) => {
            let (_, param) = pick(params, index)?;
            let default = param.default.as_ref().filter(|_| !param.secret)?;
            Some(format!("{before}{default}{after}"))
        }
        ValueGene::ConnectionString(_) | ValueGene::Endpoint(..) => None,
    }
}

/// The model's spelling of literal text: `{` and `}` doubled.
fn braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// Endpoints named after their scheme (one per scheme), unique target ports, and at most one
/// external endpoint, only over http.
fn valid_endpoints(genes: &[EndpointGene]) -> Vec<EndpointGene> {
    let mut out: Vec<EndpointGene> = Vec::new();
    for gene in genes {
        if out
            .iter()
            .any(|e| e.scheme == gene.scheme || e.target_port == gene.target_port)
        {
            continue;
        }
        let external = gene.external && gene.scheme == "http";
        out.push(EndpointGene {
            external,
            ..gene.clone()
        });
    }
    out
}
