//! `values.schema.json`: the JSON Schema (draft 7, which Helm 3 reads) of `values.yaml`. Helm
//! checks the values against it on every install, upgrade, lint and template, `--set`
//! included, so a misspelt key or a number where text is needed stops there.
//!
//! The nodes are typed ([`Node`]) rather than built as JSON values: a chart of 10,000
//! workloads has a node tree of that size, and typed nodes serialise without a map per node.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::json;

use super::values::{Entries, Settings};
use crate::plan::Workload;

/// A schema node, with the keywords this schema uses, in the order it writes them.
#[derive(Default, Serialize)]
struct Node<'a> {
    #[serde(rename = "$ref", skip_serializing_if = "Option::is_none")]
    reference: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Cow<'a, str>>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(rename = "minLength", skip_serializing_if = "Option::is_none")]
    min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Entries<&'a str, Node<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<Vec<&'a str>>,
    #[serde(
        rename = "additionalProperties",
        skip_serializing_if = "Option::is_none"
    )]
    additional_properties: Option<bool>,
}

impl<'a> Node<'a> {
    fn typed(kind: &'static str) -> Node<'a> {
        Node {
            kind: Some(kind),
            ..Node::default()
        }
    }

    fn described(mut self, description: impl Into<Cow<'a, str>>) -> Node<'a> {
        self.description = Some(description.into());
        self
    }

    fn reference(reference: &'static str) -> Node<'a> {
        Node {
            reference: Some(reference),
            ..Node::default()
        }
    }

    /// A string that may not be empty.
    fn text() -> Node<'a> {
        Node {
            min_length: Some(1),
            ..Node::typed("string")
        }
    }

    /// An object of exactly these properties, the `required` ones among them.
    fn object(properties: Vec<(&'a str, Node<'a>)>, required: Option<Vec<&'a str>>) -> Node<'a> {
        Node {
            properties: Some(Entries(properties)),
            required,
            additional_properties: Some(false),
            ..Node::typed("object")
        }
    }
}

/// The document: the root node's keywords and the shared definitions.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "$comment")]
    comment: &'a str,
    title: String,
    #[serde(rename = "type")]
    kind: &'static str,
    properties: Entries<&'a str, Node<'a>>,
    required: Vec<&'a str>,
    #[serde(rename = "additionalProperties")]
    additional_properties: bool,
    definitions: serde_json::Value,
}

/// `values.schema.json`.
pub(crate) fn schema(settings: &Settings<'_>, header: &str) -> String {
    let mut properties = Vec::new();
    let mut required: Vec<&str> = Vec::new();
    let secret_keys = settings.secret_keys();
    if !secret_keys.is_empty() {
        properties.push((
            "secretName",
            Node::text()
                .described("The Secret that holds the secrets (and parameters without a default)."),
        ));
        let keys = secret_keys
            .iter()
            .map(|key| {
                let description = settings.describe_secret(key).join("\n");
                (*key, Node::typed("string").described(description))
            })
            .collect();
        properties.push((
            "secrets",
            Node::object(keys, None)
                .described("The secrets, to have the chart create the Secret: all or none."),
        ));
        required.extend(["secretName", "secrets"]);
    }
    let parameters = settings.parameter_keys();
    if !parameters.is_empty() {
        let keys = parameters
            .iter()
            .map(|(key, _)| (*key, Node::typed("string")))
            .collect();
        let names = parameters.iter().map(|(key, _)| *key).collect();
        properties.push((
            "parameters",
            Node::object(keys, Some(names)).described("The model's non-secret parameters."),
        ));
        required.push("parameters");
    }
    if !settings.conditionals.is_empty() {
        let keys = settings
            .conditionals
            .iter()
            .map(|c| {
                let kind = if c.switch.is_some() {
                    "boolean"
                } else {
                    "string"
                };
                (c.name.as_str(), Node::typed(kind))
            })
            .collect();
        let names = settings
            .conditionals
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        properties.push((
            "conditions",
            Node::object(keys, Some(names)).described("Aspire's conditional values."),
        ));
        required.push("conditions");
    }
    if !settings.app.registries.is_empty() {
        let registries = settings
            .app
            .registries
            .iter()
            .map(|r| {
                let secret = Node::text().described(
                    "The image pull Secret (type kubernetes.io/dockerconfigjson) of this registry.",
                );
                (
                    r.name.as_str(),
                    Node::object(vec![("pullSecret", secret)], Some(vec!["pullSecret"])),
                )
            })
            .collect();
        let names = settings
            .app
            .registries
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        properties.push(("registries", Node::object(registries, Some(names))));
        required.push("registries");
    }
    if settings.has_ingress() {
        let class = Node::typed("string")
            .described("The class of every Ingress; empty: the cluster's default.");
        properties.push(("ingress", Node::object(vec![("className", class)], None)));
        required.push("ingress");
    }
    if settings.has_volumes() {
        properties.push((
            "storageClass",
            Node::typed("string").described(
                "The storage class of volume claims that name none; empty: the cluster's default.",
            ),
        ));
        required.push("storageClass");
    }
    let workloads = settings
        .workloads
        .iter()
        .map(|w| (w.object.as_str(), workload(w)))
        .collect();
    let names = settings
        .workloads
        .iter()
        .map(|w| w.object.as_str())
        .collect();
    properties.push(("workloads", Node::object(workloads, Some(names))));
    required.push("workloads");
    let document = Document {
        schema: "http://json-schema.org/draft-07/schema#",
        comment: header,
        title: format!("Values of the chart {}", settings.app.name),
        kind: "object",
        properties: Entries(properties),
        required,
        additional_properties: false,
        definitions: definitions(),
    };
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}

fn workload(workload: &Workload) -> Node<'_> {
    let mut properties = vec![("image", Node::reference("#/definitions/image"))];
    let mut required = vec!["image"];
    // A job runs one pod to completion: it has no replica count.
    if workload.replicas.is_some() {
        properties.push((
            "replicas",
            Node {
                minimum: Some(0),
                ..Node::typed("integer")
            },
        ));
        required.push("replicas");
    }
    if workload.autoscale.is_some() {
        let count = || Node {
            minimum: Some(1),
            ..Node::typed("integer")
        };
        let autoscale = vec![("min", count()), ("max", count()), ("cpu", count())];
        properties.push((
            "autoscale",
            Node::object(autoscale, Some(vec!["min", "max", "cpu"])),
        ));
        required.push("autoscale");
    }
    properties.push(("resources", Node::reference("#/definitions/resources")));
    required.push("resources");
    if !workload.ingress.is_empty() {
        let hosts = workload
            .ingress
            .iter()
            .map(|h| (h.port.as_str(), Node::text()))
            .collect();
        let ports = workload.ingress.iter().map(|h| h.port.as_str()).collect();
        let mut ingress = vec![
            ("enabled", Node::typed("boolean")),
            ("hosts", Node::object(hosts, Some(ports))),
            (
                "tlsSecret",
                Node::typed("string").described("A TLS Secret for the hosts; empty: HTTP only."),
            ),
        ];
        let mut keys = vec!["enabled", "hosts", "tlsSecret"];
        if workload.ingress_class.is_some() {
            ingress.push((
                "className",
                Node::typed("string").described(
                    "The class of this Ingress; empty: the chart-wide `ingress.className`.",
                ),
            ));
            keys.push("className");
        }
        properties.push(("ingress", Node::object(ingress, Some(keys))));
        required.push("ingress");
    }
    if !workload.volumes.is_empty() {
        let volumes = workload
            .volumes
            .iter()
            .map(|v| (v.name.as_str(), Node::reference("#/definitions/volume")))
            .collect();
        let names = workload.volumes.iter().map(|v| v.name.as_str()).collect();
        properties.push(("storage", Node::object(volumes, Some(names))));
        required.push("storage");
    }
    Node::object(properties, Some(required))
}

/// The shapes every workload shares.
fn definitions() -> serde_json::Value {
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
