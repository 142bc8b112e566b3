//! Jobs: compute resources that run to completion (`job = { schedule? }`).
//!
//! A job serves nothing, so it has no endpoints, health check or replica count (each is
//! reported at its key); its schedule is a cron expression of five fields, which every target
//! that schedules (a Kubernetes CronJob, a Container Apps schedule trigger) reads alike.
//! Waiting for a job (`WaitCondition::Completed`) is decided in `graph`.

use crate::checked::Job;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::{ComputeDecl, JobDecl};
use crate::span::{Span, Spanned};

/// The checked job of `decl`, reporting the keys a job cannot have and a malformed schedule.
pub(crate) fn job(
    name: &Spanned<String>,
    decl: &ComputeDecl,
    job: &JobDecl,
    diags: &mut Diagnostics,
) -> Job {
    let mut refuse = |span: Span, key: &str, why: &str| {
        diags
            .report(
                codes::CONFLICTING_KEYS,
                span,
                format!("job `{}` cannot have `{key}`", name.value),
            )
            .with_label(why.to_string())
            .with_secondary(job.span, "it runs to completion because of this `job`")
            .with_help(format!(
                "remove `{key}`, or `job` to make `{}` a long-running service",
                name.value
            ));
    };
    for endpoint in &decl.endpoints {
        refuse(
            endpoint.span,
            "endpoints",
            "a job serves nothing: nothing could reach this endpoint once it completes",
        );
    }
    if let Some(health) = &decl.health {
        refuse(
            health.span,
            "health",
            "a job's success is its exit status, not a health check",
        );
    }
    if let Some(replicas) = &decl.replicas {
        refuse(
            replicas.span,
            "replicas",
            "a job runs one instance to completion",
        );
    }
    let schedule = job.schedule.as_ref().and_then(|schedule| {
        match cron_problem(&schedule.value) {
            None => Some(schedule.value.clone()),
            Some(problem) => {
                diags
                    .report(
                        codes::INVALID_VALUE,
                        schedule.span,
                        format!("`{}` is not a cron schedule", schedule.value),
                    )
                    .with_label(problem)
                    .with_help(
                        "write five fields: minute, hour, day of month, month, day of week, for example \"0 3 * * *\" (03:00 UTC every day)",
                    );
                None
            }
        }
    });
    // A malformed schedule was reported; the job stays scheduled so that waiting for it is
    // not reported as well.
    let scheduled = schedule.is_some() || job.schedule.is_some();
    Job {
        schedule: if scheduled {
            Some(schedule.unwrap_or_default())
        } else {
            None
        },
        span: job.schedule.as_ref().map_or(job.span, |s| s.span),
    }
}

/// Why `schedule` is not a five-field cron expression that both Kubernetes and Container Apps
/// accept, if it is not: numbers, `*`, `/`, `,`, `-`, and month or weekday names. Macros
/// (`@daily`) and time zones (`CRON_TZ=`) are not accepted by every target.
fn cron_problem(schedule: &str) -> Option<String> {
    if schedule.starts_with('@') {
        return Some("macros such as `@daily` are not accepted by every target".to_string());
    }
    let fields: Vec<&str> = schedule.split_ascii_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!("it has {} fields, not 5", fields.len()));
    }
    for field in fields {
        if let Some(c) = field
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '*' | '/' | ',' | '-')))
        {
            return Some(format!("`{c}` cannot appear in a cron field"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::cron_problem;

    #[test]
    fn cron_schedules_have_five_fields_of_cron_characters() {
        assert_eq!(cron_problem("0 3 * * *"), None);
        assert_eq!(cron_problem("*/15 0-6,22 1 JAN-MAR MON"), None);
        assert!(cron_problem("0 3 * *").is_some());
        assert!(cron_problem("0 3 * * * *").is_some());
        assert!(cron_problem("@daily").is_some());
        assert!(cron_problem("0 3 * * ?").is_some());
        assert!(cron_problem("CRON_TZ=UTC 0 3 * * *").is_some());
    }
}
