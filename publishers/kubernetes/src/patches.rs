//! The model's `k8s` patches ([`ir::patch`]), applied to the plan's objects before a printer
//! sees them, so that the kustomize base and the Helm chart print the same patched object.
//!
//! Each patch addresses one object by kind and name. Its `merge` is a strategic-merge-style
//! merge (maps merge, `null` deletes, the lists of named items — containers, init containers,
//! env, ports, volumes, volume mounts — merge by `name`, other lists replace); its `json_patch`
//! operations (RFC 6902) follow. The result must still be an object of its type: a field the
//! Kubernetes API does not have is an error, not a silent drop. A patch may not:
//!
//! - touch a deploy-time place of the plan ([`crate::plan::Slot`]: image, replicas, namespace,
//!   CPU and memory, ...): the Helm chart prints a value there, which would silently undo the
//!   patch; the model and the chart's values set them;
//! - change the object's kind, name or namespace (kustomize and the other objects know it by
//!   them);
//! - change or remove a reference to a secret (`secretKeyRef`, `secretRef`, a `secret`
//!   volume), or patch a Secret: secrets are supplied at deploy time, never written.

use std::collections::BTreeMap;

use aspirec_patch::ListRule;
use ir::diagnostic::did_you_mean;
use ir::patch::Patch;
use ir::{Diagnostics, PublishOptions, Span, codes};
use serde_json::Value;

use crate::plan::{Knob, Manifest, Object};

/// The lists whose items merge by `name`.
const NAMED_LISTS: &[&str] = &[
    "containers",
    "initContainers",
    "env",
    "ports",
    "volumes",
    "volumeMounts",
];

/// The keys whose value reads a secret.
const SECRET_KEYS: &[&str] = &["secretKeyRef", "secretRef", "secret"];

/// The labels a Helm release writes itself (the chart's `Labels` places).
const RELEASE_LABELS: &[&str] = &[
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/version",
    "helm.sh/chart",
];

/// Places no patch may change: what names the object.
const IDENTITY: &[&str] = &[
    "/kind",
    "/apiVersion",
    "/metadata/name",
    "/metadata/namespace",
];

/// The `k8s` patches of a build, and which of them found their object.
pub(crate) struct Patcher<'p> {
    patches: Vec<&'p Patch>,
    applied: Vec<bool>,
}

impl<'p> Patcher<'p> {
    pub(crate) fn new(options: &'p PublishOptions) -> Patcher<'p> {
        let patches: Vec<&Patch> = ir::patch::of_target(&options.patches, "k8s").collect();
        Patcher {
            applied: vec![false; patches.len()],
            patches,
        }
    }

    /// Applies the patches addressed to `object`; problems are reported, and leave the object
    /// as the lowering made it.
    pub(crate) fn apply(&mut self, object: &mut Object, diags: &mut Diagnostics) {
        if self.patches.is_empty() {
            return;
        }
        let kind = object.manifest.kind();
        let Some(name) = object.manifest.metadata().name.clone() else {
            return;
        };
        for (index, patch) in self.patches.iter().enumerate() {
            let addressed = patch.kind.as_ref().is_some_and(|k| k.value == kind)
                && patch.name.as_ref().is_some_and(|n| n.value == name);
            if !addressed {
                continue;
            }
            self.applied[index] = true;
            if let Err(problem) = apply(patch, object, kind) {
                (*problem).report(diags);
            }
        }
    }

    /// Reports each patch that addressed no object; `objects` are the kind and name of every
    /// object of the plan.
    pub(crate) fn finish<'a>(
        self,
        objects: impl Iterator<Item = (&'a str, &'a str)> + Clone,
        diags: &mut Diagnostics,
    ) {
        for (patch, _) in self.patches.iter().zip(&self.applied).filter(|(_, a)| !**a) {
            let (Some(kind), Some(name)) = (&patch.kind, &patch.name) else {
                continue;
            };
            let of_kind = objects
                .clone()
                .filter(|(k, _)| *k == kind.value)
                .map(|(_, n)| n);
            let other_kind = objects
                .clone()
                .find(|(_, n)| *n == name.value)
                .map(|(k, _)| k);
            let (at, label, suggestion) = if let Some(other) = other_kind {
                (
                    kind.span,
                    format!("`{}` is not a {}", name.value, kind.value),
                    format!("`{}` is a {other}: write `kind = \"{other}\"`", name.value),
                )
            } else if of_kind.clone().next().is_some() {
                let suggestion = did_you_mean(&name.value, of_kind.clone())
                    .map(|n| format!("did you mean `{n}`?"));
                let known: Vec<&str> = of_kind.collect();
                let suggestion = suggestion.unwrap_or_else(|| {
                    format!("the {} objects are {}", kind.value, quoted(&known))
                });
                (
                    name.span,
                    format!("no {} of this name", kind.value),
                    suggestion,
                )
            } else {
                let mut kinds: Vec<&str> = objects.clone().map(|(k, _)| k).collect();
                kinds.sort_unstable();
                kinds.dedup();
                let suggestion = did_you_mean(&kind.value, kinds.iter().copied())
                    .map(|k| format!("did you mean `{k}`?"))
                    .unwrap_or_else(|| format!("the kinds emitted are {}", quoted(&kinds)));
                (kind.span, "no object of this kind".to_string(), suggestion)
            };
            diags
                .report(
                    codes::PATCH_ADDRESS_MISSING,
                    at,
                    format!(
                        "the patch addresses {} `{}`, which the Kubernetes output does not have",
                        kind.value, name.value
                    ),
                )
                .with_label(label)
                .with_help(suggestion);
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A patch that cannot be applied, and where.
struct Problem {
    code: codes::Code,
    at: Span,
    message: String,
    label: String,
    help: Option<String>,
}

impl Problem {
    fn new(
        code: codes::Code,
        at: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Box<Problem> {
        Box::new(Problem {
            code,
            at,
            message: message.into(),
            label: label.into(),
            help: None,
        })
    }

    fn help(mut self: Box<Self>, help: impl Into<String>) -> Box<Problem> {
        self.help = Some(help.into());
        self
    }

    fn report(self, diags: &mut Diagnostics) {
        let diagnostic = diags
            .report(self.code, self.at, self.message)
            .with_label(self.label);
        if let Some(help) = self.help {
            diagnostic.with_help(help);
        }
    }
}

fn list_rule(keys: &[&str]) -> ListRule {
    match keys.last() {
        Some(key) if NAMED_LISTS.contains(key) => ListRule::ByKey("name"),
        _ => ListRule::Replace,
    }
}

/// Applies one patch to `object` (of `kind`), or says why it cannot.
fn apply(patch: &Patch, object: &mut Object, kind: &str) -> Result<(), Box<Problem>> {
    let at = patch.name.as_ref().map_or(patch.at, |n| n.span);
    if kind == "Secret" {
        return Err(Problem::new(
            codes::PATCH_TOUCHES_SECRET,
            at,
            "a Secret cannot be patched",
            "secrets are supplied at deploy time",
        ));
    }
    let mut value = serde_json::to_value(&object.manifest)
        .map_err(|e| Problem::new(codes::INTERNAL, at, e.to_string(), "the object"))?;
    let secrets = secret_refs(&value);
    let check = |value: &Value, touched: &[String], at: Span| -> Result<(), Box<Problem>> {
        check_secrets(&secrets, value, at)?;
        check_places(object, touched, at)
    };
    if let Some(merge) = &patch.merge {
        let document = aspirec_patch::json(&merge.value);
        if !document.is_object() {
            return Err(Problem::new(
                codes::INVALID_PATCH,
                merge.span,
                "a `merge` is a table of the object's fields",
                "not a table",
            ));
        }
        let mut touched = Vec::new();
        aspirec_patch::merge(
            &mut value,
            &document,
            &list_rule,
            &mut Vec::new(),
            &mut touched,
        );
        check(&value, &touched, merge.span)?;
    }
    for op in &patch.json_patch {
        let mut touched = Vec::new();
        aspirec_patch::apply_op(
            &mut value,
            &op.op.value,
            &op.path.value,
            op.from.as_ref().map(|f| f.value.as_str()),
            op.value
                .as_ref()
                .map(|v| aspirec_patch::json(&v.value))
                .as_ref(),
            &mut touched,
        )
        .map_err(|e| {
            Problem::new(
                codes::INVALID_PATCH,
                op.at,
                format!("the `{}` operation cannot be applied", op.op.value),
                e.0,
            )
        })?;
        check(&value, &touched, op.at)?;
    }
    // A field of the wrong type or name is in what the patch wrote: its last change.
    let written = patch
        .json_patch
        .last()
        .map(|op| op.at)
        .or(patch.merge.as_ref().map(|m| m.span))
        .unwrap_or(at);
    object.manifest = typed(&object.manifest, value, kind, written)?;
    Ok(())
}

/// The patched value as an object of the same type; a field the type does not have (which
/// deserialising would drop) is an error.
fn typed(old: &Manifest, value: Value, kind: &str, at: Span) -> Result<Manifest, Box<Problem>> {
    fn read<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, String> {
        serde_json::from_value(value.clone()).map_err(|e| e.to_string())
    }
    let new = match old {
        Manifest::Namespace(_) => read(&value).map(Manifest::Namespace),
        Manifest::ConfigMap(_) => read(&value).map(Manifest::ConfigMap),
        Manifest::Deployment(_) => read(&value).map(|o| Manifest::Deployment(Box::new(o))),
        Manifest::StatefulSet(_) => read(&value).map(|o| Manifest::StatefulSet(Box::new(o))),
        Manifest::Service(_) => read(&value).map(Manifest::Service),
        Manifest::Ingress(_) => read(&value).map(Manifest::Ingress),
        Manifest::Claim(_) => read(&value).map(Manifest::Claim),
        Manifest::Job(_) => read(&value).map(|o| Manifest::Job(Box::new(o))),
        Manifest::CronJob(_) => read(&value).map(|o| Manifest::CronJob(Box::new(o))),
        Manifest::ServiceAccount(_) => read(&value).map(Manifest::ServiceAccount),
        Manifest::Role(_) => read(&value).map(Manifest::Role),
        Manifest::RoleBinding(_) => read(&value).map(Manifest::RoleBinding),
        Manifest::Autoscaler(_) => read(&value).map(Manifest::Autoscaler),
    }
    .map_err(|error| {
        Problem::new(
            codes::INVALID_PATCH,
            at,
            format!("the patched {kind} is not a valid {kind}"),
            error,
        )
    })?;
    let back = serde_json::to_value(&new)
        .map_err(|e| Problem::new(codes::INTERNAL, at, e.to_string(), "the object"))?;
    if let Some(place) = first_difference(&value, &back, &mut Vec::new()) {
        return Err(Problem::new(
            codes::INVALID_PATCH,
            at,
            format!("`{place}` is not a field of a {kind}"),
            "the Kubernetes API (1.33) has no such field",
        )
        .help("check the spelling and the place against the API reference of the object's kind"));
    }
    Ok(new)
}

/// The first place where `patched` has something `back` (the same, read into its type and
/// written again) has not.
fn first_difference(patched: &Value, back: &Value, path: &mut Vec<String>) -> Option<String> {
    match (patched, back) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(key, value)| {
            path.push(key.clone());
            let found = match b.get(key) {
                Some(other) => first_difference(value, other, path),
                None if value.is_null() => None,
                None => Some(aspirec_patch::pointer(path)),
            };
            path.pop();
            found
        }),
        (Value::Array(a), Value::Array(b)) => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| {
                path.push(i.to_string());
                let found = first_difference(x, y, path);
                path.pop();
                found
            })
        }
        // Numbers and quantities may be written back in another form; a changed value
        // is a field the type reads otherwise.
        _ => None,
    }
}

/// Every reference to a secret, by the place of the named item (an env variable, a volume, a
/// container) that holds it, and that item.
fn secret_refs(value: &Value) -> BTreeMap<String, Value> {
    fn walk<'v>(
        value: &'v Value,
        path: &mut Vec<String>,
        item: Option<(String, &'v Value)>,
        out: &mut BTreeMap<String, Value>,
    ) {
        match value {
            Value::Object(map) => {
                if map.keys().any(|k| SECRET_KEYS.contains(&k.as_str())) {
                    let (place, holder) = item
                        .clone()
                        .unwrap_or_else(|| (aspirec_patch::pointer(path), value));
                    out.insert(place, holder.clone());
                }
                for (key, child) in map {
                    path.push(key.clone());
                    walk(child, path, item.clone(), out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let named = child.get("name").and_then(Value::as_str);
                    path.push(named.map_or_else(|| index.to_string(), |n| format!("[{n}]")));
                    let item = match named {
                        Some(_) => Some((aspirec_patch::pointer(path), child)),
                        None => item.clone(),
                    };
                    walk(child, path, item, out);
                    path.pop();
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(value, &mut Vec::new(), None, &mut out);
    out
}

/// Every secret reference of the object before the patch is still there, unchanged.
fn check_secrets(
    before: &BTreeMap<String, Value>,
    patched: &Value,
    at: Span,
) -> Result<(), Box<Problem>> {
    let after = secret_refs(patched);
    match before.iter().find(|(place, item)| after.get(*place) != Some(*item)) {
        None => Ok(()),
        Some((place, _)) => Err(Problem::new(
            codes::PATCH_TOUCHES_SECRET,
            at,
            "the patch changes how a secret is read",
            format!("it changes or removes the secret reference at `{place}`"),
        )
        .help("secrets are read from the Secret supplied at deploy time; change the model's parameters instead")),
    }
}

/// No place the patch wrote is a deploy-time place or names the object.
fn check_places(object: &Object, touched: &[String], at: Span) -> Result<(), Box<Problem>> {
    let within = |outer: &str, inner: &str| {
        inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    for place in touched {
        if let Some(fixed) = IDENTITY
            .iter()
            .find(|fixed| within(place, fixed) || within(fixed, place))
        {
            return Err(Problem::new(
                codes::INVALID_PATCH,
                at,
                format!("the patch changes `{fixed}`, which names the object"),
                "the object's kind, name and namespace are the model's",
            ));
        }
        for slot in &object.slots {
            let slot_at = slot.at.as_ref();
            let conflict = match slot.knob {
                // Labels a release does not own may be added beside the release's.
                Knob::Labels | Knob::Selector => {
                    within(place, slot_at)
                        || place
                            .strip_prefix(slot_at)
                            .and_then(|rest| rest.strip_prefix('/'))
                            .is_some_and(|key| {
                                let key = key
                                    .split('/')
                                    .next()
                                    .unwrap_or(key)
                                    .replace("~1", "/")
                                    .replace("~0", "~");
                                RELEASE_LABELS.contains(&key.as_str())
                                    || matches!(slot.knob, Knob::Selector)
                            })
                }
                Knob::Namespace
                | Knob::Replicas
                | Knob::Autoscale(_)
                | Knob::Image
                | Knob::Resources
                | Knob::SecretName
                | Knob::PullSecret(_)
                | Knob::Parameter(_)
                | Knob::StorageSize(_)
                | Knob::StorageClass(_)
                | Knob::IngressHost(_)
                | Knob::IngressClass
                | Knob::IngressTls
                | Knob::Text(_) => within(place, slot_at) || within(slot_at, place),
            };
            if conflict {
                return Err(Problem::new(
                    codes::INVALID_PATCH,
                    at,
                    format!("the patch changes `{place}`, a deploy-time place"),
                    format!("the Helm chart sets `{slot_at}` from its values"),
                )
                .help("set it in the model (image, replicas, resources, ...) or in the chart's values; a patch would be undone there"));
            }
        }
    }
    Ok(())
}
