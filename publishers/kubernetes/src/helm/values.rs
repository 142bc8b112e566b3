//! `values.yaml`: every deploy-time value of the chart, with the plan's defaults, each section
//! under a comment that says what it sets (`schema` checks them).
//!
//! Values that end up in a manifest as text (secrets, parameters, image parts, hosts) are
//! strings only: `--set` reads `0123` as the number 123 and `true` as a boolean, and a
//! schema error that says "use --set-string" is better than a silently changed value.

use std::borrow::Cow;

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value, json};

use crate::image::ImageRef;
use crate::plan::{App, Conditional, Inputs, SecretKey, Workload};

/// Everything `values.yaml` lists, in the plan's order.
pub(crate) struct Settings<'a> {
    pub(crate) app: &'a App,
    pub(crate) inputs: &'a Inputs,
    pub(crate) workloads: &'a [Workload],
    pub(crate) conditionals: &'a [Conditional],
}

impl Settings<'_> {
    pub(super) fn has_ingress(&self) -> bool {
        self.workloads.iter().any(|w| !w.ingress.is_empty())
    }

    pub(super) fn has_volumes(&self) -> bool {
        self.workloads.iter().any(|w| !w.volumes.is_empty())
    }

    /// The keys of the secret values: each raw key once (an encoded key is derived from it).
    pub(crate) fn secret_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for key in &self.inputs.secrets {
            if !keys.contains(&key.raw_key.as_str()) {
                keys.push(&key.raw_key);
            }
        }
        keys
    }

    /// What the secret value `key` is: its parameter's description, secrecy and generation
    /// rule (from its raw key, or from the encoded one when only that one is read).
    pub(crate) fn describe_secret(&self, key: &str) -> Vec<String> {
        let mut keys = self.inputs.secrets.iter().filter(|s| s.raw_key == key);
        let Some(first) = keys
            .clone()
            .find(|s| !s.uri_encoded)
            .or_else(|| keys.next())
        else {
            return Vec::new();
        };
        let raw = SecretKey {
            key: first.raw_key.clone(),
            uri_encoded: false,
            ..first.clone()
        };
        crate::inputs::describe(&raw)
    }

    pub(super) fn parameter_keys(&self) -> Vec<(&str, &str)> {
        let mut keys: Vec<(&str, &str)> = Vec::new();
        for key in &self.inputs.parameters {
            if !keys.iter().any(|(k, _)| *k == key.raw_key) {
                keys.push((&key.raw_key, &key.default));
            }
        }
        keys
    }
}

/// `values.yaml`, section by section, each under a comment that says what it sets.
pub(crate) fn yaml(settings: &Settings<'_>, header: &str) -> Result<String, aspirec_yaml::Error> {
    let app = settings.app;
    let mut out = String::new();
    comment(
        &mut out,
        "",
        &[
            header.to_string(),
            String::new(),
            format!("The settings of the chart `{}`; `helm show values` lists them, values.schema.json checks them.", app.name),
            "Values that must stay text (a tag `1.10`, a secret `0123`) are given with --set-string.".to_string(),
        ],
    );
    let secret_keys = settings.secret_keys();
    if !secret_keys.is_empty() {
        out.push('\n');
        comment(
            &mut out,
            "",
            &[
                "The Secret the workloads read their secrets (and parameters without a default) from."
                    .to_string(),
            ],
        );
        section(&mut out, "secretName", &app.secret_name)?;
        out.push('\n');
        comment(
            &mut out,
            "",
            &[
                format!(
                    "Leave these empty to use an existing Secret `secretName` (created as for the kustomize base: `kubectl create secret generic {} --from-env-file=secrets.env`).",
                    app.secret_name
                ),
                "Or give them (helm install --set-string secrets.KEY=...): the chart then creates that Secret, and every one is required."
                    .to_string(),
                "A `<KEY>_URI_ENCODED` key of the Secret is then derived from `<KEY>`.".to_string(),
            ],
        );
        out.push_str("secrets:\n");
        for key in &secret_keys {
            comment(&mut out, "  ", &settings.describe_secret(key));
            let mut entry = Map::new();
            entry.insert((*key).to_string(), json!(""));
            indented(&mut out, &Value::Object(entry))?;
        }
    }
    let parameters = settings.parameter_keys();
    if !parameters.is_empty() {
        out.push('\n');
        comment(
            &mut out,
            "",
            &["The model's non-secret parameters, with their defaults.".to_string()],
        );
        let map: Map<String, Value> = parameters
            .iter()
            .map(|(key, default)| ((*key).to_string(), json!(default)))
            .collect();
        section(&mut out, "parameters", &map)?;
    }
    if !settings.conditionals.is_empty() {
        out.push('\n');
        comment(
            &mut out,
            "",
            &[
                "Aspire's conditional values, as the AppHost resolved them when it wrote the manifest."
                    .to_string(),
                "A TLS condition is a switch (true adds `,ssl=true` to the connection string); another is its text."
                    .to_string(),
            ],
        );
        let map: Map<String, Value> = settings
            .conditionals
            .iter()
            .map(|c| {
                let value = match &c.switch {
                    Some(switch) => json!(switch.on),
                    None => json!(c.text),
                };
                (c.name.clone(), value)
            })
            .collect();
        section(&mut out, "conditions", &map)?;
    }
    if !app.registries.is_empty() {
        out.push('\n');
        comment(
            &mut out,
            "",
            &[
                "The image pull Secret of each private registry (type kubernetes.io/dockerconfigjson), which the chart".to_string(),
                "never creates: `kubectl create secret docker-registry <pullSecret> --docker-server=... --docker-username=... --docker-password=...`.".to_string(),
            ],
        );
        let registries: Map<String, Value> = app
            .registries
            .iter()
            .map(|r| (r.name.clone(), json!({ "pullSecret": r.pull_secret })))
            .collect();
        section(&mut out, "registries", &registries)?;
    }
    if settings.has_ingress() {
        out.push('\n');
        comment(
            &mut out,
            "",
            &[if settings.workloads.iter().any(|w| w.ingress_class.is_some()) {
                "The class of every Ingress whose workload names none (`workloads.<w>.ingress.className`); empty: the cluster's default class."
            } else {
                "The class of every Ingress; empty: the cluster's default class."
            }
            .to_string()],
        );
        section(&mut out, "ingress", &json!({ "className": "" }))?;
    }
    if settings.has_volumes() {
        out.push('\n');
        comment(
            &mut out,
            "",
            &[
                "The storage class of every volume claim that names none of its own; empty: the cluster's default."
                    .to_string(),
            ],
        );
        section(&mut out, "storageClass", "")?;
    }
    out.push('\n');
    comment(
        &mut out,
        "",
        &[
            "Each workload, by its object name: image, replicas, CPU and memory (`resources`, as in a container),".to_string(),
            "the Ingress of its external HTTP endpoints (hosts by port name; a TLS Secret adds HTTPS), and the size".to_string(),
            "and class of its volumes (a StatefulSet's volume claims cannot change once created).".to_string(),
        ],
    );
    if settings.workloads.iter().any(|w| w.autoscale.is_some()) {
        comment(
            &mut out,
            "",
            &["A workload that autoscales has `autoscale` instead of `replicas`: `min` and `max` replicas, and `cpu`,".to_string(),
              "the average CPU utilisation to keep in percent of its CPU request.".to_string()],
        );
    }
    let workloads = Entries(
        settings
            .workloads
            .iter()
            .map(|w| (w.object.as_str(), WorkloadValues::new(w)))
            .collect(),
    );
    section(&mut out, "workloads", &workloads)?;
    Ok(out)
}

/// The autoscaler's values: `min` and `max` replicas, the target CPU utilisation in percent.
#[derive(Serialize)]
struct AutoscaleValues {
    min: u32,
    max: u32,
    cpu: u32,
}

/// One workload's values, in the order `values.yaml` lists them (typed rather than built as
/// JSON: a chart of 10,000 workloads writes them 10,000 times).
#[derive(Serialize)]
struct WorkloadValues<'a> {
    image: ImageValues<'a>,
    /// Absent for a job, which runs one pod to completion.
    #[serde(skip_serializing_if = "Option::is_none")]
    replicas: Option<i32>,
    /// Instead of `replicas` for a workload that autoscales.
    #[serde(skip_serializing_if = "Option::is_none")]
    autoscale: Option<AutoscaleValues>,
    resources: Resources<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ingress: Option<IngressValues<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage: Option<Entries<&'a str, VolumeValues<'a>>>,
}

impl<'a> WorkloadValues<'a> {
    fn new(workload: &'a Workload) -> WorkloadValues<'a> {
        WorkloadValues {
            image: ImageValues::new(&workload.image),
            replicas: workload.replicas,
            autoscale: workload.autoscale.map(|a| AutoscaleValues {
                min: a.min,
                max: a.max,
                cpu: a.cpu,
            }),
            resources: Resources(workload.resources.as_ref()),
            ingress: (!workload.ingress.is_empty()).then(|| IngressValues {
                enabled: true,
                hosts: Entries(
                    workload
                        .ingress
                        .iter()
                        .map(|h| (h.port.as_str(), h.host.as_str()))
                        .collect(),
                ),
                tls_secret: workload.ingress_tls.as_deref().unwrap_or_default(),
                class_name: workload.ingress_class.as_deref(),
            }),
            storage: (!workload.volumes.is_empty()).then(|| {
                Entries(
                    workload
                        .volumes
                        .iter()
                        .map(|v| {
                            let values = VolumeValues {
                                size: &v.size,
                                storage_class: "",
                            };
                            (v.name.as_str(), values)
                        })
                        .collect(),
                )
            }),
        }
    }
}

#[derive(Serialize)]
struct ImageValues<'a> {
    registry: &'a str,
    repository: &'a str,
    tag: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    digest: &'a str,
}

impl<'a> ImageValues<'a> {
    fn new(image: &'a ImageRef) -> ImageValues<'a> {
        ImageValues {
            registry: &image.registry,
            repository: &image.repository,
            tag: &image.tag,
            digest: &image.digest,
        }
    }
}

/// CPU and memory as a container's `resources`; an empty map when the model sets none.
struct Resources<'a>(Option<&'a k8s_openapi::api::core::v1::ResourceRequirements>);

impl Serialize for Resources<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(resources) => resources.serialize(serializer),
            None => serializer.serialize_map(Some(0))?.end(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IngressValues<'a> {
    enabled: bool,
    hosts: Entries<&'a str, &'a str>,
    tls_secret: &'a str,
    /// The model's class of this workload's Ingress; without one, the chart-wide class.
    #[serde(skip_serializing_if = "Option::is_none")]
    class_name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeValues<'a> {
    size: &'a str,
    storage_class: &'static str,
}

/// Pairs written as a map, in their order.
pub(super) struct Entries<K, V>(pub(super) Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// `key: value` as a top-level entry.
fn section<T: Serialize + ?Sized>(
    out: &mut String,
    key: &str,
    value: &T,
) -> Result<(), aspirec_yaml::Error> {
    let entry = Entries(vec![(key, value)]);
    aspirec_yaml::write_document(out, &entry, aspirec_yaml::KeyOrder::AS_SERIALIZED)
}

/// `value` (a map) as entries indented by two spaces. Every scalar is on one line (strings are
/// double-quoted with escapes), so indenting each line indents the entries.
fn indented(out: &mut String, value: &Value) -> Result<(), aspirec_yaml::Error> {
    let mut text = String::new();
    aspirec_yaml::write_document(&mut text, value, aspirec_yaml::KeyOrder::AS_SERIALIZED)?;
    for line in text.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    Ok(())
}

/// Comment lines under `indent` (`values.yaml` is not a template: nothing to escape).
fn comment(out: &mut String, indent: &str, lines: &[String]) {
    let lines = lines.iter().map(String::as_str);
    crate::emit::write_comment_with(out, indent, lines, |line| Cow::Borrowed(line));
}
