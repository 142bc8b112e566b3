//! Reads an environment variable's value back out of each target's files, as that target's
//! runtime would hand it to the program when no deploy-time input is given: parsed by a parser
//! that is not the project's writer, then unescaped and substituted by the target's own rules
//! ([`super::unescape`]), with every parameter at its default.
//!
//! Each reader finds every entry named `var` in the whole output; the generator gives every
//! variable a model-wide unique name, so more or fewer than one entry is itself a failure.

use ir::Artifacts;
use serde_yaml::Value as Yaml;

use super::unescape::{self, BicepValue, Segment};

type Found = Vec<Result<String, String>>;

/// The value of `var` as the program sees it, or why it cannot be read back.
pub(crate) fn env_value(target: &str, artifacts: &Artifacts, var: &str) -> Result<String, String> {
    let found = match target {
        "k8s" => kubernetes(artifacts, var)?,
        "helm" => helm(artifacts, var)?,
        "compose" => compose(artifacts, var)?,
        "terraform" => terraform(artifacts, var, Layout::Azure)?,
        "terraform-aws" => terraform(artifacts, var, Layout::Aws)?,
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

fn sequence<'a>(value: &'a Yaml, key: &str) -> &'a [Yaml] {
    value
        .get(key)
        .and_then(Yaml::as_sequence)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Kubernetes: the ConfigMaps (parameter defaults) and every container's `env`.
struct Pods {
    docs: Vec<Yaml>,
}

impl Pods {
    fn config_value(&self, map: &str, key: &str) -> Result<String, String> {
        self.docs
            .iter()
            .filter(|d| {
                str_at(d, &["kind"]) == Some("ConfigMap")
                    && str_at(d, &["metadata", "name"]) == Some(map)
            })
            .find_map(|d| str_at(d, &["data", key]))
            .map(str::to_string)
            .ok_or_else(|| format!("ConfigMap {map} has no key {key}"))
    }

    /// The value of `env[position]`: a `value` goes through the kubelet's expansion against
    /// the variables before it; a `configMapKeyRef` is read verbatim; anything else (a Secret)
    /// has no value known at compile time.
    fn entry(&self, env: &[Yaml], position: usize) -> Result<String, String> {
        let entry = &env[position];
        if let Some(value) = entry.get("value") {
            let text = value
                .as_str()
                .ok_or_else(|| format!("value is not a string: {value:?}"))?;
            let earlier = &env[..position];
            return Ok(unescape::kubelet(text, |name| {
                let at = earlier
                    .iter()
                    .rposition(|e| str_at(e, &["name"]) == Some(name))?;
                Some(
                    self.entry(env, at)
                        .unwrap_or_else(|why| format!("<{name}: {why}>")),
                )
            }));
        }
        match entry
            .get("valueFrom")
            .and_then(|v| v.get("configMapKeyRef"))
        {
            Some(source) => self.config_value(
                str_at(source, &["name"]).unwrap_or_default(),
                str_at(source, &["key"]).unwrap_or_default(),
            ),
            None => Err(format!("not known at compile time: {entry:?}")),
        }
    }
}

fn kubernetes(artifacts: &Artifacts, var: &str) -> Result<Found, String> {
    let mut docs = Vec::new();
    for (path, text) in artifacts.iter() {
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            docs.extend(yaml_docs(text).map_err(|e| format!("k8s/{path}: {e}"))?);
        }
    }
    Ok(pod_env(&Pods { docs }, var))
}

/// Helm: each template rendered with the default values ([`unescape::go_template`]), then read
/// as Kubernetes objects; the parameters' ConfigMap holds the `parameters` values of
/// `values.yaml` (a `<KEY>_URI_ENCODED` key the percent-encoded value of `<KEY>`).
fn helm(artifacts: &Artifacts, var: &str) -> Result<Found, String> {
    let values = artifacts
        .iter()
        .find(|(path, _)| path.ends_with("/values.yaml"))
        .map(|(_, text)| serde_yaml::from_str::<Yaml>(text))
        .transpose()
        .map_err(|e| format!("helm values.yaml: {e}"))?
        .unwrap_or(Yaml::Null);
    let parameter = |key: &str| -> Option<String> {
        let lookup = |key: &str| {
            values
                .get("parameters")?
                .get(key)?
                .as_str()
                .map(str::to_string)
        };
        lookup(key).or_else(|| {
            let raw = lookup(key.strip_suffix("_URI_ENCODED")?)?;
            Some(ir::percent_encode(&raw))
        })
    };
    let mut docs = Vec::new();
    for (path, text) in artifacts.iter() {
        if path.contains("/templates/") && path.ends_with(".yaml") {
            let rendered = unescape::go_template(text).map_err(|e| format!("helm/{path}: {e}"))?;
            docs.extend(yaml_docs(&rendered).map_err(|e| format!("helm/{path}: {e}"))?);
        }
    }
    for doc in &mut docs {
        if str_at(doc, &["kind"]) != Some("ConfigMap") {
            continue;
        }
        let Some(data) = doc.get_mut("data").and_then(Yaml::as_mapping_mut) else {
            continue;
        };
        for (key, value) in data.iter_mut() {
            if value.as_str() == Some("HELM-EXPRESSION") {
                let key = key.as_str().unwrap_or_default();
                *value = Yaml::String(
                    parameter(key).ok_or_else(|| format!("helm: no parameter value for {key}"))?,
                );
            }
        }
    }
    Ok(pod_env(&Pods { docs }, var))
}

/// Every entry named `var` in the containers of `pods`.
fn pod_env(pods: &Pods, var: &str) -> Found {
    let mut found = Vec::new();
    for doc in &pods.docs {
        let Some(pod) = doc
            .get("spec")
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec"))
        else {
            continue;
        };
        for container in sequence(pod, "initContainers")
            .iter()
            .chain(sequence(pod, "containers"))
        {
            let env = sequence(container, "env");
            for (position, entry) in env.iter().enumerate() {
                if str_at(entry, &["name"]) == Some(var) {
                    found.push(pods.entry(env, position));
                }
            }
            // envFrom: every key of a ConfigMap becomes a variable, unexpanded.
            for source in sequence(container, "envFrom") {
                let Some(map) = str_at(source, &["configMapRef", "name"]) else {
                    continue;
                };
                let key = var.strip_prefix(str_at(source, &["prefix"]).unwrap_or_default());
                if let Some(Ok(value)) = key.map(|key| pods.config_value(map, key)) {
                    found.push(Ok(value));
                }
            }
        }
    }
    found
}

/// Compose: `services.<svc>.environment` (a map or a `KEY=VALUE` list), interpolated with the
/// variables of `.env.example` as the documented workflow has it (copy it to `.env`, fill in
/// what it leaves empty; here nothing is filled in).
fn compose(artifacts: &Artifacts, var: &str) -> Result<Found, String> {
    let dotenv = match artifacts.get(".env.example") {
        Some(text) => unescape::dotenv(text).map_err(|e| format!("compose/.env.example: {e}"))?,
        None => Vec::new(),
    };
    let vars = |name: &str| {
        dotenv
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
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
                                Some(text) => unescape::compose(text, &vars),
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
                                found.push(unescape::compose(text, &vars));
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

/// Where a Terraform output keeps a container's environment.
#[derive(Clone, Copy)]
enum Layout {
    /// azurerm: `env { name = .. value = .. }` blocks (or `secret_name` instead of `value`).
    Azure,
    /// An ECS container definition: `{ name = .. value = .. }` objects, the value on the next
    /// line (or `valueFrom`, a secret's ARN, instead).
    Aws,
}

/// Terraform: every environment entry whose `name` is `var` ([`Layout`]); its `value` read by
/// the HCL template rules ([`unescape::hcl_expression`]) with `var.<name>` bound to each
/// variable's `default`. A secret reference instead of a `value` is not known at compile time.
/// The files must parse with hcl-rs; values are read from the text itself (hcl-rs's template
/// reader has a bug, see [`unescape`]), which relies on the `terraform fmt` layout: one
/// attribute per line.
fn terraform(artifacts: &Artifacts, var: &str, layout: Layout) -> Result<Found, String> {
    let files: Vec<&str> = artifacts
        .iter()
        .filter(|(p, _)| p.ends_with(".tf"))
        .map(|(_, t)| t)
        .collect();
    for (path, text) in artifacts.iter().filter(|(p, _)| p.ends_with(".tf")) {
        hcl::parse(text).map_err(|e| format!("terraform/{path}: hcl-rs: {e}"))?;
    }
    let attribute = |line: &str, key: &str| -> Option<String> {
        let rest = line.trim_start().strip_prefix(key)?;
        rest.trim_start()
            .strip_prefix('=')
            .map(|v| v.trim().to_string())
    };
    // `variable "<name>" { ... default = <expr> ... }`, defaults read with no variables.
    let no_vars =
        |name: &str| -> Result<String, String> { Err(format!("var.{name} inside a default")) };
    let mut defaults: Vec<(String, Result<String, String>)> = Vec::new();
    for text in &files {
        let mut current: Option<&str> = None;
        for line in text.lines() {
            if let Some(name) = line
                .strip_prefix("variable \"")
                .and_then(|r| r.split_once('"'))
                .map(|(n, _)| n)
            {
                current = Some(name);
            } else if line.starts_with('}') {
                current = None;
            } else if let (Some(name), Some(expr)) = (current, attribute(line, "default")) {
                defaults.push((name.to_string(), unescape::hcl_expression(&expr, &no_vars)));
            }
        }
    }
    let vars = |name: &str| -> Result<String, String> {
        match defaults.iter().find(|(n, _)| n == name) {
            Some((_, value)) => value.clone(),
            None => Err(format!("variable {name} has no default")),
        }
    };
    let mut found = Vec::new();
    for text in &files {
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let named = attribute(line, "name")
                .is_some_and(|n| unescape::hcl_expression(&n, &no_vars).as_deref() == Ok(var));
            if !named {
                continue;
            }
            match layout {
                Layout::Azure => {
                    if at == 0 || lines[at - 1].trim() != "env {" {
                        continue;
                    }
                    let block = lines[at + 1..].iter().take_while(|l| l.trim() != "}");
                    found.push(match block.clone().find_map(|l| attribute(l, "value")) {
                        Some(expr) => unescape::hcl_expression(&expr, &vars),
                        None => Err(format!("{var} has no value (secret_name?)")),
                    });
                }
                Layout::Aws => {
                    let next = lines.get(at + 1).copied().unwrap_or_default();
                    if let Some(expr) = attribute(next, "value") {
                        found.push(unescape::hcl_expression(&expr, &vars));
                    } else if attribute(next, "valueFrom").is_some() {
                        found.push(Err(format!("{var} has no value (a secret's ARN)")));
                    }
                }
            }
        }
    }
    Ok(found)
}

/// Bicep: every object literal with `name: '<var>'`; its `value` evaluated with each `param`
/// at its default.
fn bicep(artifacts: &Artifacts, var: &str) -> Result<Found, String> {
    let mut found = Vec::new();
    for (path, text) in artifacts.iter() {
        if !path.ends_with(".bicep") {
            continue;
        }
        let file = unescape::bicep_file(text).map_err(|e| format!("bicep/{path}: {e}"))?;
        let param = |name: &str| -> Result<String, String> {
            match file.params.iter().find(|(n, _)| n == name) {
                Some((_, Some(BicepValue::Str(segments)))) => literal(segments),
                _ => Err(format!("param {name} has no literal default")),
            }
        };
        let evaluate = |value: &BicepValue| -> Result<String, String> {
            match value {
                BicepValue::Word(name) => param(name),
                BicepValue::Str(segments) => segments
                    .iter()
                    .map(|segment| match segment {
                        Segment::Text(text) => Ok(text.clone()),
                        Segment::Expr(expr) => param(expr.trim()),
                    })
                    .collect(),
                BicepValue::Other(why) => Err(why.clone()),
            }
        };
        for object in &file.objects {
            let named = object.iter().any(|(k, v)| {
                k == "name" && matches!(v, BicepValue::Str(s) if literal(s).as_deref() == Ok(var))
            });
            if named {
                found.push(match object.iter().find(|(k, _)| k == "value") {
                    Some((_, value)) => evaluate(value),
                    None => Err(format!("{var} has no value (secretRef?)")),
                });
            }
        }
    }
    Ok(found)
}

/// A string with no interpolation.
fn literal(segments: &[Segment]) -> Result<String, String> {
    segments
        .iter()
        .map(|s| match s {
            Segment::Text(text) => Ok(text.as_str()),
            Segment::Expr(expr) => Err(format!("interpolates ${{{expr}}}")),
        })
        .collect()
}

/// The environment of every service as the real `docker compose config` resolves it, run in a
/// copy of the output with `.env.example` copied to `.env`; `None` when the validators'
/// Compose (`~/.cache/aspirec-validate`, see ../shared/tools) is not installed.
pub(crate) fn compose_cli(
    artifacts: &Artifacts,
    scratch: &std::path::Path,
) -> Option<Result<Vec<(String, String)>, String>> {
    let home = std::env::var_os("VALIDATE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| std::path::Path::new(&h).join(".cache/aspirec-validate"))
        })?;
    let binary = home.join("venv/bin/docker-compose");
    if !binary.is_file() {
        return None;
    }
    Some(run_compose(&binary, artifacts, scratch))
}

fn run_compose(
    binary: &std::path::Path,
    artifacts: &Artifacts,
    dir: &std::path::Path,
) -> Result<Vec<(String, String)>, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (path, contents) in artifacts.iter() {
        std::fs::write(dir.join(path), contents).map_err(|e| format!("{path}: {e}"))?;
    }
    if let Some(example) = artifacts.get(".env.example") {
        // Fill in what the user must (the variables compose.yaml requires with `:?`); leave
        // the rest as written, so defaults apply.
        let compose = artifacts.get("compose.yaml").unwrap_or_default();
        let filled: Vec<String> = example
            .lines()
            .map(|line| match line.strip_suffix('=') {
                Some(name) if compose.contains(&format!("${{{name}:?")) => {
                    format!("{line}filled-in")
                }
                _ => line.to_string(),
            })
            .collect();
        std::fs::write(dir.join(".env"), filled.join("\n")).map_err(|e| e.to_string())?;
    }
    // A clean environment: only what the Python launcher needs, so no variable of the test
    // process takes part in interpolation.
    let output = std::process::Command::new(binary)
        .args(["config", "--format", "json"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .output()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    if !output.status.success() || output.stdout.is_empty() {
        return Err(format!(
            "docker compose config failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let config: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let mut env = Vec::new();
    for service in config["services"]
        .as_object()
        .into_iter()
        .flat_map(|s| s.values())
    {
        for (name, value) in service["environment"].as_object().into_iter().flatten() {
            // `config` prints a Compose file again, so it doubles every `$` of a value.
            let value = value
                .as_str()
                .map_or_else(|| format!("<{value}>"), |v| v.replace("$$", "$"));
            env.push((name.clone(), value));
        }
    }
    Ok(env)
}
