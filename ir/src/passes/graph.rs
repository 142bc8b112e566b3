//! The `wait_for` graph: resolves each entry (a database waits for its server), reports every
//! cycle once with all its members labelled, and computes a deterministic start order.
//! References and expressions may form cycles (that is service discovery); only `wait_for`
//! orders start-up.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::checked::*;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::ResourceKindDecl;
use crate::passes::Ctx;
use crate::passes::inject::resolve_target;
use crate::span::Span;

pub(crate) fn run(ctx: &mut Ctx<'_>, diags: &mut Diagnostics) -> Vec<ResourceId> {
    let count = ctx.resources.len();
    let mut graph: DiGraph<ResourceId, Span> = DiGraph::with_capacity(count, count);
    for index in 0..count {
        graph.add_node(ResourceId(index as u32));
    }
    for index in 0..count {
        let Some(ResourceKindDecl::Compute(compute)) = ctx.slots[index].decl else {
            continue;
        };
        let mut waits = Vec::new();
        for entry in &compute.wait_for {
            let Some(mut target) = resolve_target(ctx, entry, diags) else {
                continue;
            };
            if let ResourceKind::Database(db) = &ctx.resources[target.0 as usize].kind {
                target = db.server;
            }
            let Some(workload) = ctx.resources[target.0 as usize].as_workload() else {
                diags
                    .report(
                        codes::INVALID_REFERENCE_TARGET,
                        entry.span,
                        format!("cannot wait for `{}`", entry.value),
                    )
                    .with_label("an external service runs elsewhere; there is nothing to wait for");
                continue;
            };
            let condition = match &workload.job {
                Some(Job { schedule: None, .. }) => WaitCondition::Completed,
                Some(Job {
                    schedule: Some(_), ..
                }) => {
                    diags
                        .report(
                            codes::INVALID_REFERENCE_TARGET,
                            entry.span,
                            format!("cannot wait for `{}`", entry.value),
                        )
                        .with_label("a scheduled job has no one completion to wait for")
                        .with_help(
                            "wait for a job without `schedule`, which runs once per deployment",
                        );
                    continue;
                }
                None if workload.health.is_some() => WaitCondition::Healthy,
                None => WaitCondition::Started,
            };
            if waits.iter().any(|w: &WaitFor| w.target == target) {
                continue;
            }
            waits.push(WaitFor { target, condition });
            graph.add_edge(
                NodeIndex::new(index),
                NodeIndex::new(target.0 as usize),
                entry.span,
            );
        }
        if let Some(workload) = ctx.workload_mut(ResourceId(index as u32)) {
            workload.wait_for = waits;
        }
    }
    let (order, acyclic) = start_order(&graph);
    // Only members of cycles are left out of the topological order: when none is, there is
    // no cycle, and the components need not be computed (one vector per resource).
    if !acyclic {
        report_cycles(ctx, &graph, diags);
    }
    order
}

fn report_cycles(ctx: &Ctx<'_>, graph: &DiGraph<ResourceId, Span>, diags: &mut Diagnostics) {
    let mut components = tarjan_scc(graph);
    // tarjan_scc's order depends on the graph's shape; report in declaration order.
    for component in &mut components {
        component.sort();
    }
    components.sort();
    for component in components {
        let is_cycle = component.len() > 1 || graph.contains_edge(component[0], component[0]);
        if !is_cycle {
            continue;
        }
        let name = |n: NodeIndex| ctx.resources[n.index()].name.as_str();
        // Edges inside the component, in the order of their waiter, labelled.
        let mut edges: Vec<(NodeIndex, NodeIndex, Span)> = Vec::new();
        for &node in &component {
            for edge in graph.edges(node) {
                use petgraph::visit::EdgeRef;
                if component.contains(&edge.target()) {
                    edges.push((node, edge.target(), *edge.weight()));
                }
            }
        }
        let path: Vec<&str> = component
            .iter()
            .map(|&n| name(n))
            .chain(std::iter::once(name(component[0])))
            .collect();
        let Some(&(from, to, span)) = edges.first() else {
            continue;
        };
        let d = diags
            .report(
                codes::WAIT_FOR_CYCLE,
                span,
                format!(
                    "wait_for cycle: {}",
                    path.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(" → ")
                ),
            )
            .with_label(format!("`{}` waits for `{}`", name(from), name(to)))
            .with_help(
                "remove one `wait_for` entry of the cycle; references alone do not order start-up",
            );
        for &(from, to, span) in &edges[1..] {
            d.with_secondary(span, format!("`{}` waits for `{}`", name(from), name(to)));
        }
    }
}

/// Targets before their waiters; among the ready ones, declaration order. Members of cycles
/// (reported separately) are appended in declaration order so that the order stays total.
/// Also tells whether the graph is acyclic (nothing had to be appended).
fn start_order(graph: &DiGraph<ResourceId, Span>) -> (Vec<ResourceId>, bool) {
    let count = graph.node_count();
    let mut pending: Vec<usize> = (0..count)
        .map(|i| graph.edges(NodeIndex::new(i)).count())
        .collect();
    let mut waiters: Vec<Vec<usize>> = vec![Vec::new(); count];
    for edge in graph.raw_edges() {
        waiters[edge.target().index()].push(edge.source().index());
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..count)
        .filter(|&i| pending[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(count);
    let mut placed = vec![false; count];
    while let Some(Reverse(node)) = ready.pop() {
        order.push(ResourceId(node as u32));
        placed[node] = true;
        for &waiter in &waiters[node] {
            pending[waiter] -= 1;
            if pending[waiter] == 0 {
                ready.push(Reverse(waiter));
            }
        }
    }
    let acyclic = order.len() == count;
    order.extend(
        (0..count)
            .filter(|&i| !placed[i])
            .map(|i| ResourceId(i as u32)),
    );
    (order, acyclic)
}
