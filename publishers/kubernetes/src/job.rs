//! Jobs on Kubernetes: a workload that runs to completion is a Job (once per Job object) or a
//! CronJob (on its schedule), and a workload that waits for a Job's successful completion gets
//! an init container that runs `kubectl wait --for=condition=complete job/<name>`, with the
//! ServiceAccount, Role and RoleBinding that let it read Jobs in its namespace.
//!
//! Both kinds run one pod that is not restarted (`restartPolicy: Never`) and not retried
//! (`backoffLimit: 0`), as Compose (`restart: "no"`) and Container Apps (a retry limit of 0)
//! run it: a failed migration stops what waits for it instead of running again half-applied.
//! A CronJob does not start a run while the previous one is still going (`Forbid`).
//!
//! A Job's pod template cannot change once the Job exists: re-applying a changed Job fails
//! until the old one is deleted (`kubectl delete job <name>`), which is also what runs an
//! unchanged Job again. The README's Kubernetes section says so.

use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{Container, PodTemplateSpec, ServiceAccount};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::lower::{Ctx, Owner};
use crate::names;
use crate::plan::{Knob, Object, Slot};

/// The image of the init containers that wait for a Job: the Kubernetes project's own kubectl
/// image, pinned so output never drifts with upstream.
pub(crate) const KUBECTL_IMAGE: &str = "registry.k8s.io/kubectl:v1.33.0";

/// The job's controller: a Job, or a CronJob for a scheduled one, holding `template` (whose
/// places `pod_slots` point at from `/spec/template`, as in a Deployment).
pub(crate) fn controller(
    ctx: &Ctx<'_>,
    owner: &Owner<'_>,
    job: &ir::Job,
    mut template: PodTemplateSpec,
    pod_slots: Vec<Slot>,
) -> Object {
    if let Some(spec) = template.spec.as_mut() {
        spec.restart_policy = Some("Never".to_string());
    }
    let spec = JobSpec {
        backoff_limit: Some(0),
        template,
        ..JobSpec::default()
    };
    let metadata = ctx.meta(&owner.object, owner.labels.clone());
    let Some(schedule) = &job.schedule else {
        let mut object = Object::new(Box::new(Job {
            metadata,
            spec: Some(spec),
            ..Job::default()
        }));
        object.slot("/spec/template/metadata/labels", Knob::Labels);
        object.slots.extend(pod_slots);
        return object;
    };
    let mut object = Object::new(Box::new(CronJob {
        metadata,
        spec: Some(CronJobSpec {
            schedule: schedule.clone(),
            concurrency_policy: Some("Forbid".to_string()),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(owner.labels.clone()),
                    ..ObjectMeta::default()
                }),
                spec: Some(spec),
            },
            ..CronJobSpec::default()
        }),
        ..CronJob::default()
    }));
    const TEMPLATE: &str = "/spec/jobTemplate/spec";
    object.slot(format!("{TEMPLATE}/metadata/labels"), Knob::Labels);
    object.slot(format!("{TEMPLATE}/template/metadata/labels"), Knob::Labels);
    for slot in pod_slots {
        let at = format!("{TEMPLATE}{}", slot.at);
        object.slots.push(Slot::new(at, slot.knob));
    }
    object
}

/// The init container that blocks until Job `job` (an object name) has completed
/// successfully. `kubectl wait` in a pod reads the pod's own namespace and credentials; a
/// Job that does not exist yet makes it fail, and the kubelet runs it again with back-off.
pub(crate) fn wait_container(job: &str) -> Container {
    Container {
        name: names::derived("wait-for", job),
        image: Some(KUBECTL_IMAGE.to_string()),
        command: Some(vec![
            "kubectl".to_string(),
            "wait".to_string(),
            "--for=condition=complete".to_string(),
            // Negative: no time limit of its own (a week); the Job's failure keeps it waiting,
            // as Compose keeps a dependant from starting.
            "--timeout=-1s".to_string(),
            format!("job/{job}"),
        ]),
        ..Container::default()
    }
}

/// The name of the ServiceAccount (and Role and RoleBinding) of a workload that waits for
/// Jobs.
pub(crate) fn waiter_account(owner: &Owner<'_>) -> String {
    names::derived(&owner.object, "job-waiter")
}

/// The ServiceAccount a waiting workload's pods run as, the Role that reads Jobs in the
/// namespace, and the RoleBinding between them.
pub(crate) fn waiter_objects(ctx: &Ctx<'_>, owner: &Owner<'_>) -> Vec<Object> {
    let name = waiter_account(owner);
    let account = ServiceAccount {
        metadata: ctx.meta(&name, owner.labels.clone()),
        ..ServiceAccount::default()
    };
    let role = Role {
        metadata: ctx.meta(&name, owner.labels.clone()),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec!["batch".to_string()]),
            resources: Some(vec!["jobs".to_string()]),
            verbs: ["get", "list", "watch"].map(str::to_string).to_vec(),
            ..PolicyRule::default()
        }]),
    };
    let binding = RoleBinding {
        metadata: ctx.meta(&name, owner.labels.clone()),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_string(),
            kind: "Role".to_string(),
            name: name.clone(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_string(),
            name,
            namespace: Some(ctx.namespace.clone()),
            ..Subject::default()
        }]),
    };
    let mut binding = Object::new(binding).with_comment(vec![
        "Lets the init containers that wait for Jobs read them.".to_string(),
    ]);
    binding.slot("/subjects/0/namespace", Knob::Namespace);
    vec![Object::new(account), Object::new(role), binding]
}
