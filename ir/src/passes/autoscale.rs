//! Autoscaling: `autoscale = { min?, max, cpu }` on a container or a project.
//!
//! The checked [`Autoscale`] is a replica range and a CPU utilisation target; the workload's
//! `replicas` becomes `min`, which is what a target that does not autoscale (Compose) runs.
//! Utilisation is measured against the CPU a replica requests, so `resources.cpu` is required:
//! a Kubernetes HorizontalPodAutoscaler cannot compute utilisation of a pod without a CPU request.

use crate::checked::Autoscale;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::{AutoscaleDecl, ComputeDecl};
use crate::span::Spanned;

/// The most replicas a workload can have (as for `replicas`).
pub(crate) const MAX_REPLICAS: i64 = 1000;

/// The checked range of `decl.autoscale`, reporting what conflicts with it and bad values;
/// `None` when there is none or it is wrong.
pub(crate) fn autoscale(
    name: &Spanned<String>,
    decl: &ComputeDecl,
    diags: &mut Diagnostics,
) -> Option<Autoscale> {
    let scale = decl.autoscale.as_ref()?;
    let mut ok = true;
    if let Some(replicas) = &decl.replicas {
        diags
            .report(
                codes::CONFLICTING_KEYS,
                replicas.span,
                format!("`{}` has both `replicas` and `autoscale`", name.value),
            )
            .with_label("a fixed count")
            .with_secondary(scale.span, "a range of replicas")
            .with_help("remove `replicas`: `autoscale.min` is the count it starts with");
        ok = false;
    }
    if let Some(job) = &decl.job {
        diags
            .report(
                codes::CONFLICTING_KEYS,
                scale.span,
                format!("job `{}` cannot have `autoscale`", name.value),
            )
            .with_label("a job runs one instance to completion")
            .with_secondary(job.span, "it runs to completion because of this `job`")
            .with_help(format!(
                "remove `autoscale`, or `job` to make `{}` a long-running service",
                name.value
            ));
        ok = false;
    }
    let range = range(scale, diags);
    let cpu = scale.cpu.as_ref().and_then(|cpu| {
        if (1..=100).contains(&cpu.value) {
            return Some(cpu.value as u32);
        }
        diags
            .report(
                codes::INVALID_VALUE,
                cpu.span,
                "`autoscale.cpu` must be between 1 and 100",
            )
            .with_label(format!("{} percent is not a utilisation target", cpu.value))
            .with_help("the average CPU utilisation to keep, in percent of `resources.cpu`, for example 70");
        None
    });
    if decl.limits.cpu.is_none() && decl.job.is_none() {
        diags
            .report(
                codes::MISSING_KEY,
                scale.span,
                format!("`{}` autoscales on CPU but has no `resources.cpu`", name.value),
            )
            .with_label("utilisation is measured against the CPU a replica requests")
            .with_help("add `resources = { cpu = \"500m\" }`: Kubernetes cannot compute utilisation without a CPU request");
        ok = false;
    }
    let (min, max) = range?;
    let cpu = cpu?;
    // `max` and `cpu` are required keys: their absence was reported by the front end.
    ok.then_some(Autoscale { min, max, cpu })
}

/// `min` (default 1) and `max`, each reported where it is written.
fn range(scale: &AutoscaleDecl, diags: &mut Diagnostics) -> Option<(u32, u32)> {
    let min = match &scale.min {
        None => Some(1),
        Some(min) if (1..=MAX_REPLICAS).contains(&min.value) => Some(min.value),
        Some(min) => {
            diags
                .report(
                    codes::INVALID_VALUE,
                    min.span,
                    format!("`autoscale.min` must be between 1 and {MAX_REPLICAS}"),
                )
                .with_label(format!("{} replicas", min.value))
                .with_help(
                    "a workload that can scale to zero is not supported: keep at least one replica",
                );
            None
        }
    };
    let max = scale.max.as_ref()?;
    let floor = min.unwrap_or(1);
    if max.value < floor || max.value > MAX_REPLICAS {
        diags
            .report(
                codes::INVALID_VALUE,
                max.span,
                format!("`autoscale.max` must be between `min` ({floor}) and {MAX_REPLICAS}"),
            )
            .with_label(format!("{} replicas", max.value));
        return None;
    }
    Some((min? as u32, max.value as u32))
}
