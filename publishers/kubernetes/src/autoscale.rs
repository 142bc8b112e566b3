//! The HorizontalPodAutoscaler (`autoscaling/v2`) of a workload that autoscales.
//!
//! It scales the workload's Deployment between `min` and `max` replicas on average CPU
//! utilisation; utilisation is relative to the container's CPU request, which `ir` requires
//! (`resources.cpu`). The Deployment leaves `replicas` out: the autoscaler owns the count, and
//! a count in the Deployment would reset the scale on every apply. The three values are
//! deploy-time places (the Helm chart's `autoscale` values).

use ir::Autoscale;
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};

use crate::lower::{Ctx, Owner};
use crate::plan::{Knob, Object};

/// The autoscaler of `owner`'s Deployment, named like it.
pub(crate) fn autoscaler(ctx: &Ctx<'_>, owner: &Owner<'_>, scale: Autoscale) -> Object {
    let mut object = Object::new(HorizontalPodAutoscaler {
        metadata: ctx.meta(&owner.object, owner.labels.clone()),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".to_string()),
                kind: "Deployment".to_string(),
                name: owner.object.clone(),
            },
            min_replicas: Some(count(scale.min)),
            max_replicas: count(scale.max),
            metrics: Some(vec![MetricSpec {
                type_: "Resource".to_string(),
                resource: Some(ResourceMetricSource {
                    name: "cpu".to_string(),
                    target: MetricTarget {
                        type_: "Utilization".to_string(),
                        average_utilization: Some(count(scale.cpu)),
                        ..MetricTarget::default()
                    },
                }),
                ..MetricSpec::default()
            }]),
            behavior: None,
        }),
        ..HorizontalPodAutoscaler::default()
    });
    object.slot("/spec/minReplicas", Knob::Autoscale("min"));
    object.slot("/spec/maxReplicas", Knob::Autoscale("max"));
    object.slot(
        "/spec/metrics/0/resource/target/averageUtilization",
        Knob::Autoscale("cpu"),
    );
    object
}

/// `ir` bounds every count (at most 1000 replicas, 100 percent).
fn count(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
