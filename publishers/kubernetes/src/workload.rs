//! One workload's objects: its Deployment or StatefulSet, Services, Ingress, volume claims
//! and database creation script.
//!
//! An integration that keeps data (`persistent`) is a StatefulSet whose claim template gives
//! its one pod the same volume across restarts and rescheduling; everything else is a
//! Deployment, with a PersistentVolumeClaim per named volume.
//!
//! The objects go into the plan with their deploy-time places ([`crate::plan::Slot`]) and the
//! workload's deploy-time values ([`crate::plan::Workload`]).

use std::collections::BTreeMap;

use ir::{Diagnostics, Health, HealthCheck, Limits, Protocol, Role, WaitCondition};
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, ContainerPort, ExecAction, HTTPGetAction,
    LocalObjectReference, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimVolumeSource, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
    ResourceRequirements, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::expansion::{escape, escape_owned};
use crate::integration;
use crate::job;
use crate::lower::{Ctx, Owner};
use crate::names;
use crate::network;
use crate::plan::{self, ImageRef, Knob, Object, Slot};
use crate::values::ContainerEnv;

/// The image of the init containers that wait for dependencies: small, with `nc`, pinned so
/// output never drifts with upstream.
pub(crate) const WAIT_IMAGE: &str = "docker.io/library/busybox:1.37.0";

/// The size of every volume claim: the model has no size, and 1Gi is what most storage classes
/// provision at least. Patch `spec.resources.requests.storage` in an overlay for more.
const VOLUME_SIZE: &str = "1Gi";

/// The objects of one workload, in file order: controller first, then what reaches it, then
/// its storage; and its deploy-time values.
pub(crate) fn plan(
    ctx: &mut Ctx<'_>,
    owner: &Owner<'_>,
    diags: &mut Diagnostics,
) -> (Vec<Object>, plan::Workload) {
    let mut storage = Storage::new(ctx, owner);
    let (pod, pod_slots, container) = pod_template(ctx, owner, &mut storage, diags);
    let mut knobs = plan::Workload {
        object: owner.object.clone(),
        replicas: (owner.workload.job.is_none() && owner.workload.autoscale.is_none())
            .then(|| replicas(owner.workload.replicas)),
        autoscale: owner.workload.autoscale,
        image: ImageRef::parse(owner.workload.image.reference()),
        resources: container.resources,
        ingress: Vec::new(),
        ingress_class: None,
        ingress_tls: None,
        volumes: std::mem::take(&mut storage.knobs),
        load_balancer: None,
    };
    let mut objects = Vec::new();
    if let Some(job) = &owner.workload.job {
        objects.push(job::controller(ctx, owner, job, pod, pod_slots));
    } else {
        objects.push(long_running(ctx, owner, &mut storage, pod, pod_slots));
    }
    if let Some(scale) = owner.workload.autoscale {
        objects.push(crate::autoscale::autoscaler(ctx, owner, scale));
    }
    if let Some(service) = network::internal_service(ctx, owner) {
        objects.push(service);
    }
    if let Some((service, name)) = network::external_service(ctx, owner) {
        knobs.load_balancer = Some(name);
        objects.push(service);
    }
    if let Some((ingress, settings)) = network::ingress(ctx, owner) {
        knobs.ingress = settings.hosts;
        knobs.ingress_class = settings.class;
        knobs.ingress_tls = settings.tls_secret;
        objects.push(ingress);
    }
    for (index, claim) in storage.claims.into_iter().enumerate() {
        let mut object = Object::new(claim);
        claim_slots(&mut object, "", index);
        objects.push(object);
    }
    if let Some((config_map, comment)) = storage.initdb {
        objects.push(Object::new(config_map).with_comment(comment));
    }
    for (config_map, comment) in storage.files {
        objects.push(Object::new(config_map).with_comment(comment));
    }
    if waits_for_jobs(owner) {
        objects.extend(job::waiter_objects(ctx, owner));
    }
    (objects, knobs)
}

/// The Deployment, or the StatefulSet of an integration that keeps data, with its places.
fn long_running(
    ctx: &Ctx<'_>,
    owner: &Owner<'_>,
    storage: &mut Storage,
    pod: PodTemplateSpec,
    pod_slots: Vec<Slot>,
) -> Object {
    let mut controller = match storage.claim_templates.take() {
        Some(templates) => {
            let count = templates.len();
            let mut object = Object::new(Box::new(stateful_set(ctx, owner, pod, templates)));
            for index in 0..count {
                let at = format!("/spec/volumeClaimTemplates/{index}");
                object.slot(format!("{at}/metadata/labels"), Knob::Labels);
                claim_slots(&mut object, &at, index);
            }
            object
        }
        None => Object::new(Box::new(deployment(
            ctx,
            owner,
            pod,
            !storage.claims.is_empty(),
        ))),
    };
    if owner.workload.autoscale.is_none() {
        controller.slot("/spec/replicas", Knob::Replicas);
    }
    controller.slot("/spec/selector/matchLabels", Knob::Selector);
    controller.slot("/spec/template/metadata/labels", Knob::Labels);
    controller.slots.extend(pod_slots);
    controller
}

/// Whether the workload waits for a Job's completion (and so reads Jobs: see [`job`]).
fn waits_for_jobs(owner: &Owner<'_>) -> bool {
    owner
        .workload
        .wait_for
        .iter()
        .any(|w| w.condition == WaitCondition::Completed)
}

/// The deploy-time places of the claim at `at` (empty for a claim object), for volume `index`.
fn claim_slots(object: &mut Object, at: &str, index: usize) {
    object.slot(
        format!("{at}/spec/resources/requests/storage"),
        Knob::StorageSize(index),
    );
    object.slot(
        format!("{at}/spec/storageClassName"),
        Knob::StorageClass(index),
    );
}

/// A workload's volumes: pod volumes and mounts, and the claims or claim templates behind them.
struct Storage {
    volumes: Vec<Volume>,
    mounts: Vec<VolumeMount>,
    /// Claims of a Deployment, one per named volume.
    claims: Vec<PersistentVolumeClaim>,
    /// Claim templates of a StatefulSet (`Some` for a persistent integration).
    claim_templates: Option<Vec<PersistentVolumeClaim>>,
    /// The database creation script and its comment.
    initdb: Option<(ConfigMap, Vec<String>)>,
    /// The ConfigMaps of the workload's `files`, with their comments.
    files: Vec<(ConfigMap, Vec<String>)>,
    fs_group: Option<i64>,
    /// The volumes as deploy-time values, in the order of the claims or claim templates.
    knobs: Vec<plan::Volume>,
}

impl Storage {
    fn new(ctx: &Ctx<'_>, owner: &Owner<'_>) -> Storage {
        let workload = owner.workload;
        let integration = match &workload.role {
            Role::Integration(integration) => Some(integration),
            Role::Container | Role::Project => None,
        };
        let kind = integration.map(|i| i.kind);
        let volume_names = names::volume_names(workload.volumes.iter().map(|v| v.name.as_str()));
        let mut storage = Storage {
            volumes: Vec::new(),
            mounts: Vec::new(),
            claims: Vec::new(),
            claim_templates: None,
            initdb: None,
            files: Vec::new(),
            fs_group: None,
            knobs: Vec::new(),
        };
        let stateful = integration.is_some_and(|i| i.persistent) && !workload.volumes.is_empty();
        let mut templates = Vec::new();
        for (volume, name) in workload.volumes.iter().zip(volume_names) {
            storage.knobs.push(plan::Volume {
                name: name.clone(),
                size: VOLUME_SIZE.to_string(),
            });
            storage.mounts.push(VolumeMount {
                name: name.clone(),
                mount_path: volume.target.clone(),
                read_only: volume.read_only.then_some(true),
                sub_path: kind
                    .and_then(integration::data_sub_path)
                    .map(str::to_string),
                ..VolumeMount::default()
            });
            if stateful {
                // The StatefulSet names each pod's claim `<template>-<statefulset>-<ordinal>`.
                let metadata = ObjectMeta {
                    name: Some(name),
                    labels: Some(owner.labels.clone()),
                    ..ObjectMeta::default()
                };
                templates.push(claim(metadata));
            } else {
                let claim_name = names::derived(&owner.object, &name);
                storage.volumes.push(Volume {
                    name,
                    persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                        claim_name: claim_name.clone(),
                        read_only: None,
                    }),
                    ..Volume::default()
                });
                storage
                    .claims
                    .push(claim(ctx.meta(&claim_name, owner.labels.clone())));
            }
        }
        if stateful {
            storage.claim_templates = Some(templates);
        }
        for (index, mount) in workload.files.iter().enumerate() {
            storage.add_files(ctx, owner, index, mount);
        }
        if !workload.volumes.is_empty() {
            storage.fs_group = kind.and_then(integration::fs_group);
        }
        if let Some(integration) = integration {
            let databases: Vec<&str> = integration
                .databases
                .iter()
                .filter_map(|id| match &ctx.model.resource(*id).kind {
                    ir::ResourceKind::Database(db) => Some(db.database_name.as_str()),
                    ir::ResourceKind::Workload(_)
                    | ir::ResourceKind::External(_)
                    | ir::ResourceKind::BuildOnly(_) => None,
                })
                .collect();
            if let Some(script) = integration.kind.database_init_script(&databases) {
                storage.add_initdb(
                    ctx,
                    owner,
                    script,
                    integration::initdb_comment(integration.kind, &databases),
                );
            }
        }
        storage
    }

    /// Mounts `files` entry `index` read-only from a ConfigMap whose name carries a hash of
    /// the contents: a changed file is a new ConfigMap, so the pod template changes and the
    /// pods roll (a ConfigMap changed in place would reach running pods late, or never
    /// through a `subPath`). A folder is the ConfigMap's volume; one file is its key, through
    /// `subPath`, so the rest of the target's folder stays as the image has it.
    fn add_files(&mut self, ctx: &Ctx<'_>, owner: &Owner<'_>, index: usize, mount: &ir::FileMount) {
        let name = names::derived(
            &owner.object,
            &format!("files{index}-{}", mount.content_hash()),
        );
        let volume = format!("files-{index}");
        self.volumes.push(Volume {
            name: volume.clone(),
            config_map: Some(ConfigMapVolumeSource {
                name: name.clone(),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        });
        self.mounts.push(VolumeMount {
            name: volume,
            mount_path: mount.target.clone(),
            read_only: Some(true),
            sub_path: (!mount.folder)
                .then(|| mount.files.first().map(|(key, _)| key.clone()))
                .flatten(),
            ..VolumeMount::default()
        });
        let config_map = ConfigMap {
            metadata: ctx.meta(&name, owner.labels.clone()),
            data: Some(mount.files.iter().cloned().collect()),
            ..ConfigMap::default()
        };
        let comment = vec![format!(
            "`{}` of the model, mounted read-only at {}; the name changes with the contents, which rolls the pods.",
            mount.source, mount.target
        )];
        self.files.push((config_map, comment));
    }

    /// Mounts the database creation script where the image looks for init scripts.
    fn add_initdb(
        &mut self,
        ctx: &Ctx<'_>,
        owner: &Owner<'_>,
        script: String,
        comment: Vec<String>,
    ) {
        let name = names::derived(&owner.object, "initdb");
        self.volumes.push(Volume {
            name: "initdb".to_string(),
            config_map: Some(ConfigMapVolumeSource {
                name: name.clone(),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        });
        self.mounts.push(VolumeMount {
            name: "initdb".to_string(),
            mount_path: integration::INITDB_PATH.to_string(),
            read_only: Some(true),
            ..VolumeMount::default()
        });
        let config_map = ConfigMap {
            metadata: ctx.meta(&name, owner.labels.clone()),
            data: Some(BTreeMap::from([(
                integration::INITDB_SCRIPT.to_string(),
                script,
            )])),
            ..ConfigMap::default()
        };
        self.initdb = Some((config_map, comment));
    }
}

/// A claim for one volume: read-write by one node at a time, in the cluster's default class.
fn claim(metadata: ObjectMeta) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata,
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_string()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_string(),
                    Quantity(VOLUME_SIZE.to_string()),
                )])),
                limits: None,
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        ..PersistentVolumeClaim::default()
    }
}

fn deployment(
    ctx: &Ctx<'_>,
    owner: &Owner<'_>,
    template: PodTemplateSpec,
    has_claims: bool,
) -> Deployment {
    Deployment {
        metadata: ctx.meta(&owner.object, owner.labels.clone()),
        spec: Some(DeploymentSpec {
            // An autoscaler owns the count (see `autoscale`).
            replicas: owner
                .workload
                .autoscale
                .is_none()
                .then(|| replicas(owner.workload.replicas)),
            selector: LabelSelector {
                match_labels: Some(owner.selector.clone()),
                match_expressions: None,
            },
            // A ReadWriteOnce volume attaches to one node: a rolling update would start the
            // new pod before the old one lets go of the volume, and wait forever.
            strategy: has_claims.then(|| DeploymentStrategy {
                type_: Some("Recreate".to_string()),
                rolling_update: None,
            }),
            template,
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}

fn stateful_set(
    ctx: &Ctx<'_>,
    owner: &Owner<'_>,
    template: PodTemplateSpec,
    claim_templates: Vec<PersistentVolumeClaim>,
) -> StatefulSet {
    StatefulSet {
        metadata: ctx.meta(&owner.object, owner.labels.clone()),
        spec: Some(StatefulSetSpec {
            replicas: Some(replicas(owner.workload.replicas)),
            selector: LabelSelector {
                match_labels: Some(owner.selector.clone()),
                match_expressions: None,
            },
            // The governing Service: the workload's own, which has the same name.
            service_name: (!owner.endpoints.is_empty()).then(|| owner.object.clone()),
            template,
            volume_claim_templates: Some(claim_templates),
            ..StatefulSetSpec::default()
        }),
        ..StatefulSet::default()
    }
}

fn replicas(count: u32) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// The pod template, the deploy-time places in it (pointers from the controller), and what
/// the workload's values need of its container.
fn pod_template(
    ctx: &mut Ctx<'_>,
    owner: &Owner<'_>,
    storage: &mut Storage,
    diags: &mut Diagnostics,
) -> (PodTemplateSpec, Vec<Slot>, ContainerValues) {
    let init_containers = wait_containers(ctx, owner);
    let (container, slots) = container(ctx, owner, storage, diags);
    let values = ContainerValues {
        resources: container.resources.clone(),
    };
    // The registry's pull Secret, created by the deployer (`kubectl create secret
    // docker-registry`), for an image pulled from a private registry.
    let registry = ctx.model.registry_of(&owner.workload.image);
    let mut slots = slots;
    if let Some(registry) = registry {
        slots.push(Slot::new(
            "/spec/template/spec/imagePullSecrets/0/name",
            Knob::PullSecret(registry.name.clone()),
        ));
    }
    let template = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(owner.labels.clone()),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container],
            // Without this, the kubelet adds `<SERVICE>_PORT=tcp://...` and the like for every
            // Service in the namespace; they clash with Aspire's `<NAME>_PORT` variables and
            // break images that read such names (Confluent's Kafka exits on `KAFKA_PORT`).
            // Discovery goes through DNS and the model's own variables.
            enable_service_links: Some(false),
            image_pull_secrets: registry.map(|r| {
                vec![LocalObjectReference {
                    name: r.pull_secret.clone(),
                }]
            }),
            init_containers: (!init_containers.is_empty()).then_some(init_containers),
            service_account_name: waits_for_jobs(owner).then(|| job::waiter_account(owner)),
            security_context: storage.fs_group.map(|group| PodSecurityContext {
                fs_group: Some(group),
                ..PodSecurityContext::default()
            }),
            // The pod is the volumes' only user: they move.
            volumes: (!storage.volumes.is_empty()).then(|| std::mem::take(&mut storage.volumes)),
            ..PodSpec::default()
        }),
    };
    (template, slots, values)
}

/// What the workload's deploy-time values take from its container.
struct ContainerValues {
    resources: Option<ResourceRequirements>,
}

/// The pointer of the workload's container, from its Deployment or StatefulSet.
macro_rules! container {
    ($rest:literal) => {
        concat!("/spec/template/spec/containers/0", $rest)
    };
}

/// The container, and its deploy-time places.
fn container(
    ctx: &mut Ctx<'_>,
    owner: &Owner<'_>,
    storage: &mut Storage,
    diags: &mut Diagnostics,
) -> (Container, Vec<Slot>) {
    let workload = owner.workload;
    let mut slots = vec![
        Slot::new(container!("/image"), Knob::Image),
        Slot::new(container!("/resources"), Knob::Resources),
    ];
    let mut env = ContainerEnv::new(
        ctx.model,
        &ctx.objects,
        &ctx.conditionals,
        &mut ctx.inputs,
        workload.env.len(),
    );
    let mut args = Vec::with_capacity(workload.args.len());
    for (index, arg) in workload.args.iter().enumerate() {
        let (text, segments) = env.string(arg, diags);
        if let Some(segments) = segments {
            let at = format!(container!("/args/{}"), index);
            slots.push(Slot::new(at, Knob::Text(segments)));
        }
        args.push(text);
    }
    // An `https` service-discovery address on a port that serves plain HTTP fails every
    // handshake inside the cluster, where nothing ends TLS between pods: left out, as in
    // Compose (see `CheckedModel::is_plaintext_https_discovery`); clients use the http one.
    for var in (workload.env.iter()).filter(|var| !ctx.model.is_plaintext_https_discovery(var)) {
        env.push(&var.name, &var.value, diags);
    }
    let env = env.finish();
    for (index, var) in env.vars.iter().enumerate() {
        let from_secret = var
            .value_from
            .as_ref()
            .is_some_and(|source| source.secret_key_ref.is_some());
        if from_secret {
            let at = format!(container!("/env/{}/valueFrom/secretKeyRef/name"), index);
            slots.push(Slot::new(at, Knob::SecretName));
        }
    }
    for (index, segments) in env.pieces {
        let at = format!(container!("/env/{}/value"), index);
        slots.push(Slot::new(at, Knob::Text(segments)));
    }
    let env = env.vars;
    let probe = workload
        .health
        .as_ref()
        .and_then(|health| probe(health, owner, diags));
    // An integration's own check can be slow while it recovers its data after a crash; as a
    // liveness probe it would restart the service in the middle of that. Ours gate traffic
    // (readiness) only. An application's health check is both, as it is in Aspire.
    let liveness = match &workload.role {
        Role::Integration(_) => None,
        Role::Container | Role::Project => probe.clone(),
    };
    let container = Container {
        name: owner.object.clone(),
        image: Some(workload.image.reference().to_string()),
        command: (!workload.entrypoint.is_empty())
            .then(|| workload.entrypoint.iter().map(|e| escape(e)).collect()),
        args: (!args.is_empty()).then_some(args),
        env: (!env.is_empty()).then_some(env),
        ports: container_ports(owner),
        readiness_probe: probe,
        liveness_probe: liveness,
        resources: resources(&workload.limits),
        volume_mounts: (!storage.mounts.is_empty()).then(|| std::mem::take(&mut storage.mounts)),
        ..Container::default()
    };
    (container, slots)
}

/// One container port per (target port, protocol), named like the endpoint.
fn container_ports(owner: &Owner<'_>) -> Option<Vec<ContainerPort>> {
    let mut ports: Vec<ContainerPort> = Vec::new();
    for (endpoint, name) in owner.endpoints.iter().zip(&owner.port_names) {
        let protocol = network::protocol(endpoint.protocol);
        let port = i32::from(endpoint.target_port);
        if ports
            .iter()
            .any(|p| p.container_port == port && p.protocol.as_deref() == protocol)
        {
            continue;
        }
        ports.push(ContainerPort {
            name: Some(name.clone()),
            container_port: port,
            protocol: protocol.map(str::to_string),
            ..ContainerPort::default()
        });
    }
    (!ports.is_empty()).then_some(ports)
}

/// The health check as a probe: an HTTP GET on the endpoint's target port, or a command.
fn probe(health: &Health, owner: &Owner<'_>, diags: &mut Diagnostics) -> Option<Probe> {
    let seconds = |value: Option<u32>| value.and_then(|v| i32::try_from(v).ok());
    let mut probe = Probe {
        initial_delay_seconds: seconds(health.initial_delay),
        period_seconds: seconds(health.period),
        timeout_seconds: seconds(health.timeout),
        failure_threshold: seconds(health.failure_threshold),
        ..Probe::default()
    };
    match &health.check {
        HealthCheck::Http { path, endpoint } => {
            let Some(endpoint) = owner.endpoints.get(*endpoint) else {
                crate::bug(
                    diags,
                    &format!(
                        "the health endpoint of `{}` does not exist",
                        owner.resource.name
                    ),
                );
                return None;
            };
            probe.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::Int(i32::from(endpoint.target_port)),
                scheme: (endpoint.scheme == "https").then(|| "HTTPS".to_string()),
                ..HTTPGetAction::default()
            });
        }
        // Probe commands run as they are: the kubelet expands no `$(NAME)` in them.
        HealthCheck::Command(command) => {
            probe.exec = Some(ExecAction {
                command: Some(command.clone()),
            });
        }
    }
    Some(probe)
}

/// CPU and memory from the model as both limit and request: Kubernetes would copy a limit
/// without a request into the request anyway, and writing both shows what the scheduler
/// reserves.
fn resources(limits: &Limits) -> Option<ResourceRequirements> {
    let mut amounts = BTreeMap::new();
    if let Some(cpu) = &limits.cpu {
        amounts.insert("cpu".to_string(), Quantity(cpu.clone()));
    }
    if let Some(memory) = &limits.memory {
        amounts.insert("memory".to_string(), Quantity(memory.clone()));
    }
    (!amounts.is_empty()).then(|| ResourceRequirements {
        limits: Some(amounts.clone()),
        requests: Some(amounts),
        ..ResourceRequirements::default()
    })
}

/// An init container per `wait_for` target that blocks until the target's Service accepts a
/// TCP connection. A Service forwards only to pods whose readiness probe passes, so for a
/// target with a health check (`WaitCondition::Healthy`: every integration, and compute with
/// `health`) this waits until it is healthy, and otherwise until it listens. A target without
/// a TCP endpoint offers nothing to wait on, and Kubernetes has no other start order.
fn wait_containers(ctx: &Ctx<'_>, owner: &Owner<'_>) -> Vec<Container> {
    // Containers are large (2 KB): room for all at once rather than copies as the list grows.
    let mut containers: Vec<Container> = Vec::with_capacity(owner.workload.wait_for.len());
    for wait in &owner.workload.wait_for {
        if wait.condition == WaitCondition::Completed {
            containers.push(job::wait_container(ctx.object(wait.target)));
            continue;
        }
        let target = ctx.model.resource(wait.target);
        let endpoints = target.endpoints();
        // For an HTTP health check, its endpoint is the one readiness is about.
        let health_endpoint = match (
            wait.condition,
            target.as_workload().and_then(|w| w.health.as_ref()),
        ) {
            (
                WaitCondition::Healthy,
                Some(Health {
                    check: HealthCheck::Http { endpoint, .. },
                    ..
                }),
            ) => endpoints.get(*endpoint),
            (WaitCondition::Healthy | WaitCondition::Started | WaitCondition::Completed, _) => None,
        };
        let Some(endpoint) =
            health_endpoint.or_else(|| endpoints.iter().find(|e| e.protocol == Protocol::Tcp))
        else {
            continue;
        };
        let host = ctx.object(wait.target);
        let name = names::derived("wait-for", host);
        if containers.iter().any(|c| c.name == name) {
            continue; // two databases on one server: one wait
        }
        // `until nc -z -w 2 <host> <port>; do echo waiting for <host>:<port>; sleep 2; done`,
        // in one copy: an init container per dependency of every workload.
        let mut port = itoa::Buffer::new();
        let port = port.format(endpoint.port);
        let script = [
            "until nc -z -w 2 ",
            host,
            " ",
            port,
            "; do echo waiting for ",
            host,
            ":",
            port,
            "; sleep 2; done",
        ]
        .concat();
        containers.push(Container {
            name,
            image: Some(WAIT_IMAGE.to_string()),
            command: Some(vec![
                "sh".to_string(),
                "-c".to_string(),
                escape_owned(script),
            ]),
            ..Container::default()
        });
    }
    containers
}
