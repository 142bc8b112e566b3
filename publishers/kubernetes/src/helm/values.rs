//! `values.yaml` and `values.schema.json`: every deploy-time value of the chart, with the
//! plan's defaults, and its JSON Schema (Helm checks the values against it on every install,
//! upgrade, lint and template, `--set` included).
//!
//! Values that end up in a manifest as text (secrets, parameters, image parts, hosts) are
//! strings only: `--set` reads `0123` as the number 123 and `true` as a boolean, and a
//! schema error that says "use --set-string" is better than a silently changed value.

use serde_json::{Map, Value, json};

use crate::plan::{App, Conditional, Inputs, SecretKey, Workload};

/// Everything `values.yaml` lists, in the plan's order.
pub(crate) struct Settings<'a> {
    pub(crate) app: &'a App,
    pub(crate) inputs: &'a Inputs,
    pub(crate) workloads: &'a [Workload],
    pub(crate) conditionals: &'a [Conditional],
}

impl Settings<'_> {
    fn has_ingress(&self) -> bool {
        self.workloads.iter().any(|w| !w.ingress.is_empty())
    }

    fn has_volumes(&self) -> bool {
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

    fn parameter_keys(&self) -> Vec<(&str, &str)> {
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
        section(&mut out, "secretName", json!(app.secret_name))?;
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
        section(&mut out, "parameters", Value::Object(map))?;
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
        section(&mut out, "conditions", Value::Object(map))?;
    }
    if settings.has_ingress() {
        out.push('\n');
        comment(
            &mut out,
            "",
            &["The class of every Ingress; empty: the cluster's default class.".to_string()],
        );
        section(&mut out, "ingress", json!({ "className": "" }))?;
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
        section(&mut out, "storageClass", json!(""))?;
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
    let workloads: Map<String, Value> = settings
        .workloads
        .iter()
        .map(|w| (w.object.clone(), workload_values(w)))
        .collect();
    section(&mut out, "workloads", Value::Object(workloads))?;
    Ok(out)
}

/// One workload's values.
fn workload_values(workload: &Workload) -> Value {
    let image = &workload.image;
    let mut image_values = json!({
        "registry": image.registry,
        "repository": image.repository,
        "tag": image.tag,
    });
    if !image.digest.is_empty() {
        image_values["digest"] = json!(image.digest);
    }
    let mut values = json!({
        "image": image_values,
        "replicas": workload.replicas,
        "resources": workload.resources.as_ref().map_or_else(|| json!({}), |r| json!(r)),
    });
    if !workload.ingress.is_empty() {
        let hosts: Map<String, Value> = workload
            .ingress
            .iter()
            .map(|h| (h.port.clone(), json!(h.host)))
            .collect();
        values["ingress"] = json!({ "enabled": true, "hosts": hosts, "tlsSecret": "" });
    }
    if !workload.volumes.is_empty() {
        let storage: Map<String, Value> = workload
            .volumes
            .iter()
            .map(|v| {
                (
                    v.name.clone(),
                    json!({ "size": v.size, "storageClass": "" }),
                )
            })
            .collect();
        values["storage"] = Value::Object(storage);
    }
    values
}

/// `key: value` as a top-level entry.
fn section(out: &mut String, key: &str, value: Value) -> Result<(), aspirec_yaml::Error> {
    let mut map = Map::new();
    map.insert(key.to_string(), value);
    aspirec_yaml::write_document(out, &map, aspirec_yaml::KeyOrder::AS_SERIALIZED)
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

/// Comment lines under `indent`; a line break inside a line would end the comment, so it is
/// split.
fn comment(out: &mut String, indent: &str, lines: &[String]) {
    for line in lines.iter().flat_map(|line| line.split('\n')) {
        out.push_str(indent);
        match line.trim_end() {
            "" => out.push_str("#\n"),
            text => {
                out.push_str("# ");
                out.push_str(text);
                out.push('\n');
            }
        }
    }
}

/// `values.schema.json` (JSON Schema draft 7, which Helm 3 reads).
pub(crate) fn schema(settings: &Settings<'_>, header: &str) -> String {
    let text = json!({ "type": "string" });
    let mut properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    let secret_keys = settings.secret_keys();
    if !secret_keys.is_empty() {
        properties.insert(
            "secretName".to_string(),
            json!({
                "description": "The Secret that holds the secrets (and parameters without a default).",
                "type": "string",
                "minLength": 1
            }),
        );
        let keys: Map<String, Value> = secret_keys
            .iter()
            .map(|key| {
                let lines = settings.describe_secret(key);
                (
                    (*key).to_string(),
                    json!({ "description": lines.join("\n"), "type": "string" }),
                )
            })
            .collect();
        properties.insert(
            "secrets".to_string(),
            json!({
                "description": "The secrets, to have the chart create the Secret: all or none.",
                "type": "object",
                "properties": keys,
                "additionalProperties": false
            }),
        );
        required.extend(["secretName", "secrets"]);
    }
    let parameters = settings.parameter_keys();
    if !parameters.is_empty() {
        let keys: Map<String, Value> = parameters
            .iter()
            .map(|(key, _)| ((*key).to_string(), text.clone()))
            .collect();
        properties.insert(
            "parameters".to_string(),
            json!({
                "description": "The model's non-secret parameters.",
                "type": "object",
                "properties": keys,
                "required": parameters.iter().map(|(key, _)| *key).collect::<Vec<_>>(),
                "additionalProperties": false
            }),
        );
        required.push("parameters");
    }
    if !settings.conditionals.is_empty() {
        let keys: Map<String, Value> = settings
            .conditionals
            .iter()
            .map(|c| {
                let kind = if c.switch.is_some() {
                    "boolean"
                } else {
                    "string"
                };
                (c.name.clone(), json!({ "type": kind }))
            })
            .collect();
        properties.insert(
            "conditions".to_string(),
            json!({
                "description": "Aspire's conditional values.",
                "type": "object",
                "properties": keys,
                "required": settings.conditionals.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
                "additionalProperties": false
            }),
        );
        required.push("conditions");
    }
    if settings.has_ingress() {
        properties.insert(
            "ingress".to_string(),
            json!({
                "type": "object",
                "properties": { "className": { "description": "The class of every Ingress; empty: the cluster's default.", "type": "string" } },
                "additionalProperties": false
            }),
        );
        required.push("ingress");
    }
    if settings.has_volumes() {
        properties.insert(
            "storageClass".to_string(),
            json!({ "description": "The storage class of volume claims that name none; empty: the cluster's default.", "type": "string" }),
        );
        required.push("storageClass");
    }
    let workloads: Map<String, Value> = settings
        .workloads
        .iter()
        .map(|w| (w.object.clone(), workload_schema(w)))
        .collect();
    properties.insert(
        "workloads".to_string(),
        json!({
            "type": "object",
            "properties": workloads,
            "required": settings.workloads.iter().map(|w| w.object.as_str()).collect::<Vec<_>>(),
            "additionalProperties": false
        }),
    );
    required.push("workloads");
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": header,
        "title": format!("Values of the chart {}", settings.app.name),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
        "definitions": definitions()
    });
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

fn workload_schema(workload: &Workload) -> Value {
    let mut properties = json!({
        "image": { "$ref": "#/definitions/image" },
        "replicas": { "type": "integer", "minimum": 0 },
        "resources": { "$ref": "#/definitions/resources" }
    });
    let mut required = vec!["image", "replicas", "resources"];
    if !workload.ingress.is_empty() {
        let hosts: Map<String, Value> = workload
            .ingress
            .iter()
            .map(|h| (h.port.clone(), json!({ "type": "string", "minLength": 1 })))
            .collect();
        properties["ingress"] = json!({
            "type": "object",
            "properties": {
                "enabled": { "type": "boolean" },
                "hosts": {
                    "type": "object",
                    "properties": hosts,
                    "required": workload.ingress.iter().map(|h| h.port.as_str()).collect::<Vec<_>>(),
                    "additionalProperties": false
                },
                "tlsSecret": { "description": "A TLS Secret for the hosts; empty: HTTP only.", "type": "string" }
            },
            "required": ["enabled", "hosts", "tlsSecret"],
            "additionalProperties": false
        });
        required.push("ingress");
    }
    if !workload.volumes.is_empty() {
        let volumes: Map<String, Value> = workload
            .volumes
            .iter()
            .map(|v| (v.name.clone(), json!({ "$ref": "#/definitions/volume" })))
            .collect();
        properties["storage"] = json!({
            "type": "object",
            "properties": volumes,
            "required": workload.volumes.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
            "additionalProperties": false
        });
        required.push("storage");
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// The shapes every workload shares.
fn definitions() -> Value {
    let quantity = json!({ "type": ["string", "number"] });
    json!({
        "image": {
            "type": "object",
            "properties": {
                "registry": { "description": "Empty: the runtime's default (Docker Hub).", "type": "string" },
                "repository": { "type": "string", "minLength": 1 },
                "tag": { "description": "Empty: no tag.", "type": "string" },
                "digest": { "description": "sha256:...; empty: none.", "type": "string" }
            },
            "required": ["registry", "repository", "tag"],
            "additionalProperties": false
        },
        "resources": {
            "description": "CPU and memory, as a container's resources; empty: none set.",
            "type": "object",
            "properties": {
                "limits": { "type": "object", "additionalProperties": quantity },
                "requests": { "type": "object", "additionalProperties": quantity }
            },
            "additionalProperties": false
        },
        "volume": {
            "type": "object",
            "properties": {
                "size": { "type": "string", "minLength": 1 },
                "storageClass": { "description": "Empty: the chart's storageClass.", "type": "string" }
            },
            "required": ["size", "storageClass"],
            "additionalProperties": false
        }
    })
}
