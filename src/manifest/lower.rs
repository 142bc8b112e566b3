//! The manifest document to a [`Model`]: dispatch on each resource's `type`, and what holds
//! for the whole manifest.
//!
//! - The manifest has no application name, and the front end sees only the text: the name is
//!   always [`APP_NAME`]. (The driver could pass the file stem later; a fixed name keeps the
//!   output independent of how the file is called.)
//! - `pre_injected`: Aspire already wrote every variable that its references inject.
//! - References are not written in a manifest, only the expressions they produced. Each
//!   compute resource references the resources its values read, so the model's topology
//!   matches the AppHost's.
//! - Types no target can publish (`executable.v0`, `dapr.*`, `aws.*`, any unknown type,
//!   entries with only an `error`) become unsupported resources with the reason; the ir
//!   reports them, or leaves them out with `--allow-unsupported`. `azure.bicep.v0/v1` modules
//!   are modules ([`super::bicep`]): the bicep target deploys them.
//! - A name that expressions read but no entry declares (the AppHost's `ExcludeFromManifest`)
//!   becomes an undeclared resource: the ir reports each read as an unknown name, or leaves
//!   it out like an unsupported resource with `--allow-unsupported`.
//! - A read of an endpoint or property that its target lacks (`{api.bindings.tunnel.url}`,
//!   written by Aspire's dev tunnels; `{sql.bindings.tcp.host}` on a parameter) is an error
//!   that `--allow-unsupported` turns into a deploy-time parameter
//!   ([`Model::unresolved_reads`]): the AppHost wrote it, so the user cannot fix the read.
//! - Unknown keys of known types are errors: a manifest is written by a tool, so an unknown
//!   key means a newer format whose meaning would otherwise be dropped silently.

use std::collections::{BTreeMap, BTreeSet};

use ir::expr::Template;
use ir::model::{
    DashboardDecl, ExternalDecl, Model, ObservabilityDecl, OtlpProtocol, ReferenceDecl,
    ResourceDecl, ResourceKindDecl, UndeclaredDecl, UnsupportedDecl,
};
use ir::{Diagnostics, Span, Spanned};

use super::compute::{Flavor, compute};
use super::expr::Scope;
use super::fields::{self, Record};
use super::json::{Member, Node, Value};
use super::parameters::{annotated_string, parameter};

/// The application name of every manifest (see the module documentation).
pub(super) const APP_NAME: &str = "aspire";

/// Why a manifest may read an endpoint or property that does not exist
/// ([`Model::unresolved_reads`]).
const UNRESOLVED_READS: &str = "the AppHost may have written a read of what a resource gains only when it runs (a dev tunnel's endpoint, a parameter used as a server)";

pub(super) fn model(
    root: &Node,
    read_file: super::ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Option<Model> {
    // The opening brace stands for the document when a key is missing.
    let owner = Span {
        end: root.span.start.saturating_add(1),
        ..root.span
    };
    let document = Record::new(
        root,
        owner,
        "the manifest".to_string(),
        &["$schema", "resources"],
        diags,
    )?;
    let entries = fields::object(document.require("resources", diags)?, "`resources`", diags)?;
    let mut scope = Scope::default();
    for entry in entries {
        let type_name = type_of(entry);
        scope.declare(&entry.key.text, type_name == Some("parameter.v0"));
        if type_name == Some("annotated.string") {
            annotated_string(&name_of(entry), entry, &mut scope, diags);
        }
    }
    let mut model = Model {
        name: Spanned::new(APP_NAME.to_string(), Span::DETACHED),
        namespace: None,
        registry: None,
        tag: None,
        parameters: Vec::new(),
        resources: Vec::new(),
        pre_injected: true,
        unresolved_reads: Some(UNRESOLVED_READS.to_string()),
        // Aspire's Compose and Container Apps environments deploy the dashboard by default; a
        // manifest cannot say otherwise (`WithDashboard(false)` stays in the AppHost).
        observability: ObservabilityDecl {
            dashboard: Some(DashboardDecl {
                name: Spanned::new(ir::telemetry::DASHBOARD_NAME.to_string(), owner),
                external: false,
            }),
            otlp_endpoint: None,
            protocol: OtlpProtocol::Grpc,
        },
        // A manifest names no registry credentials (Aspire's deployers take them from the
        // environment).
        registries: Vec::new(),
    };
    for entry in entries {
        let name = name_of(entry);
        if fields::object(&entry.value, &format!("resource `{}`", name.value), diags).is_none() {
            continue;
        }
        match type_of(entry) {
            Some("parameter.v0") => model.parameters.extend(parameter(&name, entry, diags)),
            Some("annotated.string") => {} // an alias, recorded above
            Some("value.v0") => model.resources.extend(value(&name, entry, &scope, diags)),
            Some(type_name) => {
                let kind = match Flavor::from_type(type_name) {
                    Some(flavor) => compute(flavor, &name, entry, &scope, diags),
                    None if matches!(type_name, "azure.bicep.v0" | "azure.bicep.v1") => {
                        super::bicep::module(type_name, &name, entry, &scope, read_file, diags)
                    }
                    None => Some(unsupported(
                        type_name.to_string(),
                        unsupported_reason(type_name),
                    )),
                };
                model
                    .resources
                    .extend(kind.map(|kind| ResourceDecl { name, kind }));
            }
            None => model.resources.extend(untyped(&name, entry, diags)),
        }
    }
    add_references(&mut model.resources);
    // After the references: a read of an undeclared name is reported (or left out) once, at
    // the expression, not again as a reference.
    let undeclared = undeclared(&model.resources, &scope);
    model.resources.extend(undeclared);
    Some(model)
}

/// The resource's name, spanned without its quotes.
fn name_of(entry: &Member) -> Spanned<String> {
    Spanned::new(entry.key.text.clone(), entry.key.content_span())
}

/// The `type` string of an entry, if it has one.
fn type_of(entry: &Member) -> Option<&str> {
    let Value::Object(members) = &entry.value.value else {
        return None;
    };
    match &members.iter().find(|m| m.key.text == "type")?.value.value {
        Value::String(s) => Some(&s.text),
        _ => None,
    }
}

/// An entry without a usable `type`: the manifest writer's `error` placeholder, or a mistake.
fn untyped(
    name: &Spanned<String>,
    entry: &Member,
    diags: &mut Diagnostics,
) -> Option<ResourceDecl> {
    // Other keys are not checked: without a type, nothing says which keys belong.
    let record = Record::open(
        &entry.value,
        entry.key_span,
        format!("resource `{}`", name.value),
        diags,
    )?;
    if record.get("type").is_some() {
        record.string("type", diags); // reports the wrong type
        return None;
    }
    let Some(error) = record.string("error", diags) else {
        record.require("type", diags);
        return None;
    };
    let reason = format!(
        "Aspire could not write it into the manifest: {}",
        error.value
    );
    Some(ResourceDecl {
        name: name.clone(),
        kind: unsupported("error".to_string(), reason),
    })
}

fn unsupported(type_name: String, reason: String) -> ResourceKindDecl {
    ResourceKindDecl::Unsupported(UnsupportedDecl { type_name, reason })
}

fn unsupported_reason(type_name: &str) -> String {
    let reason = match type_name {
        "executable.v0" => {
            "a process started on the host; build it into a container image to deploy it"
        }
        "dapr.v0" | "dapr.component.v0" => {
            "a Dapr sidecar or component, which aspirec does not deploy"
        }
        t if t.starts_with("aws.") => "an AWS CloudFormation stack, which aspirec does not deploy",
        _ => "a resource type that the Aspire manifest schema (8.0) does not define",
    };
    reason.to_string()
}

/// `value.v0`: a computed connection string, as an external service.
fn value(
    name: &Spanned<String>,
    entry: &Member,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<ResourceDecl> {
    let what = format!("value.v0 resource `{}`", name.value);
    let record = Record::new(
        &entry.value,
        entry.key_span,
        what,
        &["type", "connectionString"],
        diags,
    )?;
    let Some((text, span)) = record.str("connectionString", diags) else {
        record.require("connectionString", diags);
        return None;
    };
    let connection_string = scope.template(text, span, diags);
    Some(ResourceDecl {
        name: name.clone(),
        kind: ResourceKindDecl::External(ExternalDecl {
            url: None,
            connection_string: Some(connection_string),
        }),
    })
}

/// Every template of a resource declaration, in no particular order.
fn templates(kind: &ResourceKindDecl) -> Vec<&Template> {
    match kind {
        ResourceKindDecl::Compute(compute) => {
            let build = compute
                .build
                .iter()
                .flat_map(|b| b.args.iter().chain(&b.secrets));
            compute
                .env
                .iter()
                .chain(build)
                .map(|e| &e.value)
                .chain(&compute.args)
                .chain(&compute.connection_string)
                .collect()
        }
        ResourceKindDecl::External(external) => external
            .url
            .iter()
            .chain(&external.connection_string)
            .collect(),
        ResourceKindDecl::AzureModule(module) => super::bicep::templates(module),
        ResourceKindDecl::Integration(_)
        | ResourceKindDecl::Unsupported(_)
        | ResourceKindDecl::Undeclared(_) => Vec::new(),
    }
}

/// Names that expressions read but the manifest does not declare: an AppHost leaves out a
/// resource marked `ExcludeFromManifest` and still writes what others read from it. Each
/// becomes an [`UndeclaredDecl`] at the first expression naming it, so the ir reports every
/// read as an unknown name, or with `--allow-unsupported` turns them into deploy-time
/// parameters as it does for other resources it leaves out.
fn undeclared(resources: &[ResourceDecl], scope: &Scope) -> Vec<ResourceDecl> {
    // Lower-cased name to the first expression's target, by position in the file.
    let mut first: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
    let exprs = resources
        .iter()
        .flat_map(|r| templates(&r.kind))
        .flat_map(Template::exprs);
    for expr in exprs {
        let target = &expr.target;
        if scope.declares(&target.value) {
            continue;
        }
        first
            .entry(target.value.to_ascii_lowercase())
            .and_modify(|seen| {
                if target.span.start < seen.span.start {
                    *seen = target;
                }
            })
            .or_insert(target);
    }
    let mut names: Vec<&Spanned<String>> = first.into_values().collect();
    names.sort_by_key(|name| name.span.start);
    names
        .into_iter()
        .map(|name| ResourceDecl {
            name: name.clone(),
            kind: ResourceKindDecl::Undeclared(UndeclaredDecl {
                reason: format!(
                    "the AppHost may have excluded `{}` from the manifest (`ExcludeFromManifest`)",
                    name.value
                ),
            }),
        })
        .collect()
}

/// Each compute resource references every other resource its values read from.
fn add_references(resources: &mut [ResourceDecl]) {
    let names: BTreeSet<String> = resources
        .iter()
        .map(|r| r.name.value.to_ascii_lowercase())
        .collect();
    for resource in resources.iter_mut() {
        if !matches!(resource.kind, ResourceKindDecl::Compute(_)) {
            continue;
        }
        let own = resource.name.value.to_ascii_lowercase();
        let mut seen = BTreeSet::new();
        let mut references = Vec::new();
        for expr in templates(&resource.kind)
            .into_iter()
            .flat_map(Template::exprs)
        {
            let lower = expr.target.value.to_ascii_lowercase();
            if lower != own && names.contains(&lower) && seen.insert(lower) {
                references.push(ReferenceDecl {
                    target: expr.target.clone(),
                    inject: None,
                });
            }
        }
        if let ResourceKindDecl::Compute(compute) = &mut resource.kind {
            compute.references = references;
        }
    }
}
