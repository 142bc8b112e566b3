//! `aspirec graph`: the topology as Graphviz dot or a Mermaid flowchart: one node per
//! resource, `uses` edges from every value that reads another resource (references and
//! expressions), `waits for` edges from `wait_for`, and database-to-server edges.

use std::collections::BTreeSet;
use std::fmt::Write;

use ir::{CheckedModel, Part, ResourceId, ResourceKind, Role, Value, WaitCondition};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Edge {
    Uses,
    WaitsFor(&'static str),
    DatabaseOf,
}

fn edges(model: &CheckedModel) -> BTreeSet<(ResourceId, ResourceId, Edge)> {
    let mut out = BTreeSet::new();
    for (id, resource) in model.resources() {
        match &resource.kind {
            ResourceKind::Workload(w) => {
                let values = w.env.iter().map(|e| &e.value).chain(w.args.iter());
                for target in values.flat_map(targets) {
                    if target != id {
                        out.insert((id, target, Edge::Uses));
                    }
                }
                for target in &w.references {
                    out.insert((id, *target, Edge::Uses));
                }
                for wait in &w.wait_for {
                    out.insert((id, wait.target, Edge::WaitsFor(condition(wait.condition))));
                }
            }
            ResourceKind::Database(db) => {
                out.insert((id, db.server, Edge::DatabaseOf));
            }
            ResourceKind::External(_) | ResourceKind::BuildOnly(_) => {}
        }
    }
    out
}

/// How a `wait_for` edge is labelled (as `aspirec inspect` names the condition).
pub(crate) fn condition(condition: WaitCondition) -> &'static str {
    match condition {
        WaitCondition::Healthy => "healthy",
        WaitCondition::Started => "started",
        WaitCondition::Completed => "completed",
    }
}

fn targets(value: &Value) -> impl Iterator<Item = ResourceId> + '_ {
    value.parts.iter().filter_map(|p| match p {
        Part::Endpoint { resource, .. }
        | Part::ConnectionString { resource }
        | Part::ConnectionProperty { resource, .. } => Some(*resource),
        Part::Text(_) | Part::Param { .. } => None,
    })
}

fn kind(model: &CheckedModel, id: ResourceId) -> &'static str {
    match &model.resource(id).kind {
        ResourceKind::Workload(w) => match &w.role {
            Role::Container => "container",
            Role::Project => "project",
            Role::Integration(i) => i.kind.type_name(),
        },
        ResourceKind::Database(_) => "database",
        ResourceKind::External(_) => "external",
        ResourceKind::BuildOnly(_) => "build-only image",
    }
}

pub fn dot(model: &CheckedModel) -> String {
    let mut out = format!("digraph \"{}\" {{\n  rankdir=LR;\n", model.name());
    for (id, resource) in model.resources() {
        let shape = match &resource.kind {
            ResourceKind::Workload(w) if matches!(w.role, Role::Integration(_)) => "cylinder",
            ResourceKind::Database(_) => "cylinder",
            ResourceKind::External(_) => "component",
            ResourceKind::Workload(_) => "box",
            ResourceKind::BuildOnly(_) => "note",
        };
        let _ = writeln!(
            out,
            "  \"{}\" [shape={shape}, label=\"{}\\n({})\"];",
            resource.name,
            resource.name,
            kind(model, id)
        );
    }
    for (from, to, edge) in edges(model) {
        let style = match edge {
            Edge::Uses => "[style=dashed, label=\"uses\"]".to_string(),
            Edge::WaitsFor(condition) => format!("[label=\"waits for ({condition})\"]"),
            Edge::DatabaseOf => "[style=dotted, label=\"on\"]".to_string(),
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" {style};",
            model.resource(from).name,
            model.resource(to).name
        );
    }
    out.push_str("}\n");
    out
}

pub fn mermaid(model: &CheckedModel) -> String {
    let mut out = String::from("flowchart LR\n");
    // Mermaid ids cannot hold every character a manifest name can: number the nodes.
    let node = |id: ResourceId| format!("r{}", id.0);
    for (id, resource) in model.resources() {
        let label = format!("{}<br/>({})", resource.name, kind(model, id));
        let shape = match &resource.kind {
            ResourceKind::Workload(w) if !matches!(w.role, Role::Integration(_)) => {
                format!("[\"{label}\"]")
            }
            ResourceKind::External(_) => format!("{{{{\"{label}\"}}}}"),
            ResourceKind::BuildOnly(_) => format!("[/\"{label}\"/]"),
            ResourceKind::Workload(_) | ResourceKind::Database(_) => format!("[(\"{label}\")]"),
        };
        let _ = writeln!(out, "  {}{shape}", node(id));
    }
    for (from, to, edge) in edges(model) {
        let arrow = match edge {
            Edge::Uses => "-. uses .->".to_string(),
            Edge::WaitsFor(condition) => format!("-- waits for ({condition}) -->"),
            Edge::DatabaseOf => "-. on .-".to_string(),
        };
        let _ = writeln!(out, "  {} {arrow} {}", node(from), node(to));
    }
    out
}
