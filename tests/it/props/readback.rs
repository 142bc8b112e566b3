//! Reads an environment variable's value back out of each target's files, as that target's
//! runtime would hand it to the program: parsed by a parser that is not the project's writer,
//! then unescaped by the target's own rules ([`super::unescape`]).
//!
//! Each reader finds every entry named `var` in the whole output; the generator gives every
//! variable a model-wide unique name, so more or fewer than one entry is itself a failure.

use ir::Artifacts;
use serde_yaml::Value as Yaml;

use super::unescape;

/// The value of `var` as the program sees it, or why it cannot be read back as text.
pub(crate) fn env_value(target: &str, artifacts: &Artifacts, var: &str) -> Result<String, String> {
    let found = match target {
        "k8s" => kubernetes(artifacts, var)?,
        "compose" => compose(artifacts, var)?,
        "terraform" => terraform(artifacts, var)?,
        "bicep" => bicep(artifacts, var)?,
        other => return Err(format!("no reader for target {other}")),
    };
    match found.as_slice() {
        [one] => one.clone(),
        [] => Err(format!("{target}: no entry for {var}")),
        many => Err(format!("{target}: {} entries for {var}", many.len())),
    }
}

fn yaml_docs(text: &str) -> Result<Vec<Yaml>, String> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| Yaml::deserialize(doc).map_err(|e| format!("serde_yaml: {e}")))
        .collect()
}

fn str_at<'a>(value: &'a Yaml, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(value, |v, key| v.get(key))?.as_str()
}

/// Kubernetes: every container's `env` list; a `value` goes through the kubelet's `$(...)`
/// expansion (against the variables defined before it), a `configMapKeyRef` is read verbatim
/// from the ConfigMap, a `secretKeyRef` means the value was treated as a secret.
fn kubernetes(artifacts: &Artifacts, var: &str) -> Result<Vec<Result<String, String>>, String> {
    let mut docs = Vec::new();
    for (path, text) in artifacts.iter() {
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            docs.extend(yaml_docs(text).map_err(|e| format!("k8s/{path}: {e}"))?);
        }
    }
    let config_maps: Vec<(&str, &Yaml)> = docs
        .iter()
        .filter(|d| str_at(d, &["kind"]) == Some("ConfigMap"))
        .filter_map(|d| Some((str_at(d, &["metadata", "name"])?, d.get("data")?)))
        .collect();
    let config_value = |map: &str, key: &str| -> Result<String, String> {
        config_maps
            .iter()
            .find(|(name, _)| *name == map)
            .and_then(|(_, data)| data.get(key)?.as_str().map(str::to_string))
            .ok_or_else(|| format!("ConfigMap {map} has no key {key}"))
    };
    let mut found = Vec::new();
    for doc in &docs {
        let Some(pod) = doc
            .get("spec")
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec"))
        else {
            continue;
        };
        for list in ["initContainers", "containers"] {
            let Some(containers) = pod.get(list).and_then(Yaml::as_sequence) else {
                continue;
            };
            for container in containers {
                let env = container
                    .get("env")
                    .and_then(Yaml::as_sequence)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for (position, entry) in env.iter().enumerate() {
                    if str_at(entry, &["name"]) != Some(var) {
                        continue;
                    }
                    let earlier = &env[..position];
                    found.push(if let Some(value) = entry.get("value") {
                        match value.as_str() {
                            Some(text) => Ok(unescape::kubelet(text, |name| {
                                earlier
                                    .iter()
                                    .rev()
                                    .find(|e| str_at(e, &["name"]) == Some(name))
                                    .map(|e| {
                                        str_at(e, &["value"])
                                            .map(str::to_string)
                                            .unwrap_or_else(|| format!("<from {name}>"))
                                    })
                            })),
                            None => Err(format!("value of {var} is not a string: {value:?}")),
                        }
                    } else if let Some(source) = entry
                        .get("valueFrom")
                        .and_then(|v| v.get("configMapKeyRef"))
                    {
                        let (map, key) = (
                            str_at(source, &["name"]).unwrap_or(""),
                            str_at(source, &["key"]).unwrap_or(""),
                        );
                        config_value(map, key)
                    } else {
                        Err(format!("{var} is not a literal: {entry:?}"))
                    });
                }
                // envFrom: every key of a ConfigMap becomes a variable, unexpanded.
                for source in container
                    .get("envFrom")
                    .and_then(Yaml::as_sequence)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    if let Some(map) = str_at(source, &["configMapRef", "name"]) {
                        let prefix = str_at(source, &["prefix"]).unwrap_or("");
                        if let Some(key) = var.strip_prefix(prefix) {
                            if let Ok(value) = config_value(map, key) {
                                found.push(Ok(value));
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(found)
}

/// Compose: `services.<svc>.environment` (a map or a `KEY=VALUE` list), then Compose's
/// interpolation.
fn compose(artifacts: &Artifacts, var: &str) -> Result<Vec<Result<String, String>>, String> {
    let mut found = Vec::new();
    for (path, text) in artifacts.iter() {
        if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
            continue;
        }
        for doc in yaml_docs(text).map_err(|e| format!("compose/{path}: {e}"))? {
            let Some(services) = doc.get("services").and_then(Yaml::as_mapping) else {
                continue;
            };
            for (_, service) in services {
                match service.get("environment") {
                    Some(Yaml::Mapping(map)) => {
                        if let Some(value) = map.get(var) {
                            found.push(match value.as_str() {
                                Some(text) => unescape::compose(text),
                                None => Err(format!("value of {var} is not a string: {value:?}")),
                            });
                        }
                    }
                    Some(Yaml::Sequence(list)) => {
                        for item in list.iter().filter_map(Yaml::as_str) {
                            if let Some(text) = item
                                .strip_prefix(var)
                                .and_then(|rest| rest.strip_prefix('='))
                            {
                                found.push(unescape::compose(text));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(found)
}

/// Terraform: every `env` block (at any depth) whose `name` is `var`; its `value` must be a
/// string or a template with no interpolation.
fn terraform(artifacts: &Artifacts, var: &str) -> Result<Vec<Result<String, String>>, String> {
    fn walk(body: &hcl::Body, var: &str, found: &mut Vec<Result<String, String>>) {
        for block in body.blocks() {
            let name = block
                .body
                .attributes()
                .find(|a| a.key.as_str() == "name")
                .map(|a| &a.expr);
            if block.identifier.as_str() == "env"
                && matches!(name, Some(hcl::Expression::String(n)) if n == var)
            {
                let value = block
                    .body
                    .attributes()
                    .find(|a| a.key.as_str() == "value")
                    .map(|a| &a.expr);
                found.push(match value {
                    // hcl-rs returns a string without interpolation as `String`, its escapes and
                    // template markers (`$${`, `%%{`) already read.
                    Some(hcl::Expression::String(text)) => Ok(text.clone()),
                    Some(hcl::Expression::TemplateExpr(template)) => match template.as_ref() {
                        hcl::TemplateExpr::QuotedString(raw) => unescape::hcl_quoted(raw),
                        hcl::TemplateExpr::Heredoc(heredoc) => {
                            unescape::hcl_template(&heredoc.template)
                        }
                    },
                    other => Err(format!("value of {var} is not a literal: {other:?}")),
                });
            }
            walk(&block.body, var, found);
        }
    }
    let mut found = Vec::new();
    for (path, text) in artifacts.iter() {
        if path.ends_with(".tf") {
            let body: hcl::Body =
                hcl::parse(text).map_err(|e| format!("terraform/{path}: hcl-rs: {e}"))?;
            walk(&body, var, &mut found);
        }
    }
    Ok(found)
}

/// Bicep: every object literal with `name: '<var>'`; its `value` must be one string literal.
fn bicep(artifacts: &Artifacts, var: &str) -> Result<Vec<Result<String, String>>, String> {
    let mut found = Vec::new();
    for (path, text) in artifacts.iter() {
        if path.ends_with(".bicep") {
            let objects =
                unescape::bicep_objects(text).map_err(|e| format!("bicep/{path}: {e}"))?;
            for object in objects {
                if object
                    .iter()
                    .any(|(k, v)| k == "name" && v.as_ref().ok().map(String::as_str) == Some(var))
                {
                    found.push(match object.into_iter().find(|(k, _)| k == "value") {
                        Some((_, value)) => value,
                        None => Err(format!("{var} has no literal value")),
                    });
                }
            }
        }
    }
    Ok(found)
}
