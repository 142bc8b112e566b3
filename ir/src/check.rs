//! `check`: the passes that turn a declared [`Model`] into a [`CheckedModel`], in order.
//!
//! 1. `names`: every name is valid and unique (case-insensitive, one namespace); builds the
//!    symbol table; `variables`: environment variable names and the namespace are ones the
//!    targets can write.
//! 2. `expand`: declares resources and parameters: integrations become workloads with their
//!    endpoints, implicit password parameters and child databases; ports are checked; the
//!    Aspire dashboard is declared (`telemetry::declare`).
//! 3. `resolve`: every expression and connection string becomes a [`crate::Value`]
//!    (needs 1 and 2); the secret taint follows from the parameters inside a value.
//! 4. `inject`: references add Aspire's variables to the consumer's environment (needs 3).
//!    `telemetry::inject`: the OpenTelemetry variables of every OTLP exporter (needs 3).
//! 5. `graph`: the `wait_for` graph, its cycles, and the start order (needs 2).
//! 6. `names::collisions`: names that the enabled targets would merge (needs 2).
//!
//! Each pass reports everything it finds and marks what failed, so later passes stay silent
//! about it. A model with errors yields no `CheckedModel`.

use crate::checked::CheckedModel;
use crate::diagnostic::Diagnostics;
use crate::model::Model;
use crate::passes;
use crate::publish::Publisher;

/// What the check needs to know beyond the model.
#[derive(Clone, Copy, Default)]
pub struct CheckOptions<'a> {
    /// The targets that will be published; their naming rules are checked for collisions.
    pub targets: &'a [&'a dyn Publisher],
    /// Leave unsupported resources out with a warning instead of failing.
    pub allow_unsupported: bool,
    /// Names follow the model.toml rule `[a-z][a-z0-9-]*` (true), or the looser rule of
    /// Aspire manifests, where names may have upper case and `_` (false).
    pub strict_names: bool,
}

/// Checks a model. Returns `None` when any error was reported.
pub fn check(
    model: &Model,
    options: &CheckOptions<'_>,
    diags: &mut Diagnostics,
) -> Option<CheckedModel> {
    let errors_before = diags.error_count();
    let symbols = passes::names::run(model, options, diags);
    passes::variables::run(model, diags);
    let mut ctx = passes::expand::run(model, &symbols, options, diags);
    passes::ingress::distinct(&ctx.resources, diags);
    passes::resolve::run(&mut ctx, diags);
    passes::inject::run(&mut ctx, diags);
    passes::telemetry::inject(&mut ctx);
    let start_order = passes::graph::run(&mut ctx, diags);
    passes::names::collisions(&ctx, options, diags);
    if diags.error_count() > errors_before {
        return None;
    }
    Some(ctx.finish(start_order))
}
