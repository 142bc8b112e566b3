//! The Kubernetes plan: what the lowering decided, as data, for the printers to write.
//!
//! The plan holds the objects (k8s-openapi types, exactly as the kustomize base writes them),
//! and marks in each object the places whose value is a deploy-time choice ([`Slot`]): the
//! namespace, labels a release owns, replicas, images, CPU and memory, the Secret that holds
//! the secrets, parameter defaults, volume sizes and classes, Ingress hosts, class and TLS,
//! and Aspire's conditional values. Each slot's default is the value already in the object;
//! the deploy-time values of a workload and of the application, with those defaults, are
//! listed beside the objects ([`Workload`], [`App`]) so a printer can offer them as settings.
//!
//! A printer ([`Printer`]) writes the plan in one format: the kustomize base writes the
//! objects as they are and ignores the slots; the Helm chart turns each slot into a template
//! expression over its values. Neither looks at the model for anything the plan decided.

use std::borrow::Cow;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolumeClaim, ResourceRequirements, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub(crate) use crate::conditional::Conditional;
pub(crate) use crate::image::ImageRef;

/// Receives the plan as it is made: the application, then each file's objects as soon as they
/// exist (so that a large model is never held whole), then the deploy-time inputs.
pub(crate) trait Printer {
    /// The start of the plan.
    fn begin(&mut self, app: &App);

    /// One file: the Namespace, a workload's objects, or the parameters' ConfigMap.
    fn file(&mut self, file: File) -> Result<(), PrintError>;

    /// The end of the plan.
    fn finish(self, inputs: &Inputs) -> Result<ir::Artifacts, PrintError>;
}

/// Why a printer could not write the plan: always a bug of aspirec.
#[derive(Debug)]
pub(crate) enum PrintError {
    /// A value the YAML writer cannot represent.
    Yaml(aspirec_yaml::Error),
    /// A deploy-time place that is not where the plan says.
    Slot(String),
}

impl From<aspirec_yaml::Error> for PrintError {
    fn from(error: aspirec_yaml::Error) -> PrintError {
        PrintError::Yaml(error)
    }
}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrintError::Yaml(error) => write!(f, "an object could not be written as YAML: {error}"),
            PrintError::Slot(what) => write!(f, "a deploy-time place could not be filled: {what}"),
        }
    }
}

/// A group of objects that belong together (one kustomize file, one Helm template).
pub(crate) struct File {
    pub(crate) content: Content,
    pub(crate) objects: Vec<Object>,
}

/// What a [`File`] holds.
#[expect(
    clippy::large_enum_variant,
    reason = "one value per file, moved to the printer: boxing buys nothing"
)]
pub(crate) enum Content {
    /// The application's Namespace (a Helm release has its own).
    Namespace,
    /// The ConfigMap of non-secret parameter defaults.
    Parameters,
    /// The objects of one workload, and its deploy-time values.
    Workload(Workload),
}

/// One Kubernetes object, the comment lines above it, and its deploy-time places.
pub(crate) struct Object {
    pub(crate) manifest: Manifest,
    pub(crate) comment: Vec<String>,
    pub(crate) slots: Vec<Slot>,
    /// Set when the object exists only while a deploy-time switch is on.
    pub(crate) only_if: Option<Switch>,
}

impl Object {
    /// An object whose namespace and labels are the application's (slots for both, where it
    /// has them).
    pub(crate) fn new(manifest: impl Into<Manifest>) -> Object {
        let manifest = manifest.into();
        let metadata = manifest.metadata();
        let mut slots = Vec::new();
        if metadata.namespace.is_some() {
            slots.push(Slot::new("/metadata/namespace", Knob::Namespace));
        }
        if metadata.labels.is_some() {
            slots.push(Slot::new("/metadata/labels", Knob::Labels));
        }
        Object {
            manifest,
            comment: Vec::new(),
            slots,
            only_if: None,
        }
    }

    pub(crate) fn with_comment(mut self, comment: Vec<String>) -> Object {
        self.comment = comment;
        self
    }

    /// Adds a deploy-time place.
    pub(crate) fn slot(&mut self, at: impl Into<Cow<'static, str>>, knob: Knob) {
        self.slots.push(Slot::new(at, knob));
    }
}

/// The object types the lowering makes. The controllers, which hold a pod template (a few
/// kilobytes), are boxed: an object moves from the lowering to the plan to the printer, and
/// every move of the enum copies its largest variant.
pub(crate) enum Manifest {
    Namespace(Namespace),
    ConfigMap(ConfigMap),
    Deployment(Box<Deployment>),
    StatefulSet(Box<StatefulSet>),
    Service(Service),
    Ingress(Ingress),
    Claim(PersistentVolumeClaim),
    Job(Box<Job>),
    CronJob(Box<CronJob>),
    ServiceAccount(ServiceAccount),
    Role(Role),
    RoleBinding(RoleBinding),
    Autoscaler(HorizontalPodAutoscaler),
}

/// Calls `$body` with the object inside any [`Manifest`] (boxed ones unboxed), bound to `$o`.
macro_rules! each_manifest {
    ($manifest:expr, $o:ident => $body:expr) => {
        match $manifest {
            Manifest::Namespace($o) => $body,
            Manifest::ConfigMap($o) => $body,
            Manifest::Deployment($o) => {
                let $o = $o.as_ref();
                $body
            }
            Manifest::StatefulSet($o) => {
                let $o = $o.as_ref();
                $body
            }
            Manifest::Service($o) => $body,
            Manifest::Ingress($o) => $body,
            Manifest::Claim($o) => $body,
            Manifest::Job($o) => {
                let $o = $o.as_ref();
                $body
            }
            Manifest::CronJob($o) => {
                let $o = $o.as_ref();
                $body
            }
            Manifest::ServiceAccount($o) => $body,
            Manifest::Role($o) => $body,
            Manifest::RoleBinding($o) => $body,
            Manifest::Autoscaler($o) => $body,
        }
    };
}
pub(crate) use each_manifest;

impl Manifest {
    pub(crate) fn metadata(&self) -> &ObjectMeta {
        each_manifest!(self, o => &o.metadata)
    }

    /// The object's `kind`.
    pub(crate) fn kind(&self) -> &'static str {
        fn kind_of<T: k8s_openapi::Resource>(_: &T) -> &'static str {
            T::KIND
        }
        each_manifest!(self, o => kind_of(o))
    }
}

/// The object itself, as k8s-openapi serialises it.
impl serde::Serialize for Manifest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        each_manifest!(self, o => o.serialize(serializer))
    }
}

macro_rules! manifest_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for Manifest {
            fn from(object: $ty) -> Manifest {
                Manifest::$variant(object)
            }
        })*
    };
}

manifest_from!(
    Namespace(Namespace),
    ConfigMap(ConfigMap),
    Deployment(Box<Deployment>),
    StatefulSet(Box<StatefulSet>),
    Service(Service),
    Ingress(Ingress),
    Claim(PersistentVolumeClaim),
    Job(Box<Job>),
    CronJob(Box<CronJob>),
    ServiceAccount(ServiceAccount),
    Role(Role),
    RoleBinding(RoleBinding),
    Autoscaler(HorizontalPodAutoscaler),
);

/// A deploy-time place in an object: a JSON pointer (RFC 6901) into the object as it
/// serialises (most are fixed: only list positions are made), and what is decided there.
pub(crate) struct Slot {
    pub(crate) at: Cow<'static, str>,
    pub(crate) knob: Knob,
}

impl Slot {
    pub(crate) fn new(at: impl Into<Cow<'static, str>>, knob: Knob) -> Slot {
        Slot {
            at: at.into(),
            knob,
        }
    }
}

/// What is decided at a [`Slot`]. Workload knobs are the file's [`Workload`]'s.
pub(crate) enum Knob {
    /// The object's namespace.
    Namespace,
    /// An object's or a pod template's labels (a map): `instance` names the installation and
    /// `managed-by` the tool that applied it.
    Labels,
    /// A selector (a map of labels): its `instance` names the installation.
    Selector,
    /// The workload's replica count.
    Replicas,
    /// A value of the workload's autoscaler ([`Workload::autoscale`]): `min`, `max` or `cpu`.
    Autoscale(&'static str),
    /// The workload's container image.
    Image,
    /// The container's CPU and memory; the field may be absent.
    Resources,
    /// The name of the Secret that holds the deploy-time inputs ([`App::secret_name`]).
    SecretName,
    /// The image pull Secret of the registry of this name ([`App::registries`]).
    PullSecret(String),
    /// A key of the parameters' ConfigMap.
    Parameter(ParameterKey),
    /// The size of the workload's volume [`Workload::volumes`]`[index]`.
    StorageSize(usize),
    /// The storage class of that volume; the field is absent by default.
    StorageClass(usize),
    /// The host of Ingress rule `index` ([`Workload::ingress`]`[index]`).
    IngressHost(usize),
    /// The Ingress class; absent by default (the cluster's default class).
    IngressClass,
    /// The Ingress's TLS section; absent by default.
    IngressTls,
    /// A string with conditional parts; the object holds it with each part's default.
    Text(Vec<Segment>),
}

/// A piece of a [`Knob::Text`] string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    /// Text as it is written in the object (already escaped for the kubelet).
    Text(String),
    /// The value of an Aspire conditional.
    Conditional(Conditional),
}

/// A deploy-time switch that an object depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Switch {
    /// The workload's Ingress is wanted.
    Ingress,
}

/// The deploy-time values of one workload, with their defaults (what the objects hold).
pub(crate) struct Workload {
    /// The object name, which also names the workload's settings.
    pub(crate) object: String,
    /// `None` for a job, which runs one pod to completion, and for a workload an autoscaler scales.
    pub(crate) replicas: Option<i32>,
    /// The replica range and CPU target of a workload that autoscales.
    pub(crate) autoscale: Option<ir::Autoscale>,
    pub(crate) image: ImageRef,
    pub(crate) resources: Option<ResourceRequirements>,
    /// One host per Ingress rule, named by its endpoint's port name; empty without an Ingress.
    pub(crate) ingress: Vec<IngressHost>,
    /// The class the model gives the workload's Ingress (`ingress.class`).
    pub(crate) ingress_class: Option<String>,
    /// The TLS Secret of the workload's Ingress, from the model (`ingress.tls`).
    pub(crate) ingress_tls: Option<String>,
    pub(crate) volumes: Vec<Volume>,
    /// The LoadBalancer Service of the external endpoints that are not HTTP.
    pub(crate) load_balancer: Option<String>,
}

/// One Ingress rule's host.
pub(crate) struct IngressHost {
    /// The port name of the endpoint it routes to, for the endpoint's first host; for its
    /// `n`th, `<port>.<n>`. The key of its Helm value.
    pub(crate) port: String,
    pub(crate) host: String,
    /// The path prefix the rule routes.
    pub(crate) path: String,
}

/// The deploy-time values of a workload's Ingress, with the model's settings.
#[derive(Default)]
pub(crate) struct IngressKnobs {
    pub(crate) hosts: Vec<IngressHost>,
    pub(crate) class: Option<String>,
    pub(crate) tls_secret: Option<String>,
}

/// One volume claim (or claim template) of a workload.
pub(crate) struct Volume {
    /// The pod volume name.
    pub(crate) name: String,
    pub(crate) size: String,
}

/// The application.
#[derive(Clone)]
pub(crate) struct App {
    /// The application name as a label value and name prefix.
    pub(crate) name: String,
    /// The namespace of every object (a DNS label).
    pub(crate) namespace: String,
    /// The namespace as the model declares it.
    pub(crate) declared_namespace: String,
    /// The tag of images the model builds.
    pub(crate) tag: String,
    /// The Secret the user supplies, which holds [`Inputs::secrets`].
    pub(crate) secret_name: String,
    /// The private registries: their image pull Secrets, which the user creates.
    pub(crate) registries: Vec<Registry>,
}

/// A private registry's image pull Secret.
#[derive(Clone)]
pub(crate) struct Registry {
    /// The model's name of the registry, the key of its Helm value.
    pub(crate) name: String,
    pub(crate) server: String,
    /// The Secret's name (type `kubernetes.io/dockerconfigjson`).
    pub(crate) pull_secret: String,
}

/// The deploy-time inputs the objects read, known once every object is made.
pub(crate) struct Inputs {
    /// The keys of the parameters' ConfigMap, in its order.
    pub(crate) parameters: Vec<ParameterKey>,
    /// The keys of the Secret the user supplies, in parameter order.
    pub(crate) secrets: Vec<SecretKey>,
}

/// A key of the parameters' ConfigMap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParameterKey {
    pub(crate) key: String,
    /// The key of the raw value (itself, unless this is the percent-encoded form).
    pub(crate) raw_key: String,
    pub(crate) uri_encoded: bool,
    /// The parameter's default, raw.
    pub(crate) default: String,
}

/// A key of the Secret the user supplies.
#[derive(Clone)]
pub(crate) struct SecretKey {
    pub(crate) key: String,
    /// The key of the raw value (itself, unless this is the percent-encoded form).
    pub(crate) raw_key: String,
    pub(crate) uri_encoded: bool,
    pub(crate) parameter: String,
    /// Whether the parameter is secret (a non-secret one without a default is here too).
    pub(crate) secret: bool,
    pub(crate) description: Option<String>,
    pub(crate) generate: Option<ir::Generate>,
}
