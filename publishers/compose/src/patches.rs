//! The model's `compose` patches ([`ir::patch`]), merged into the Compose file by Compose's own
//! merge rules (the Compose Specification's "Merge" section), as if each were one more file of
//! `docker compose -f compose.yaml -f patch.yaml`: maps merge; `command`, `entrypoint` and
//! `healthcheck.test` are replaced; `volumes`, `secrets` and `configs` merge by `target` and
//! `ports` add what is not there; every other sequence is appended to. A patch with a `service`
//! merges into that service, one without into the whole document.
//!
//! A patch may not change how a secret is read: a value that reads a secret parameter's
//! variable (`${API_KEY}`), the top-level `secrets` and a service's `secrets` stay as they are
//! (adding to them is allowed).

use std::collections::BTreeMap;

use aspirec_patch::ListRule;
use ir::patch::Patch;
use ir::{Diagnostics, PublishOptions, codes};
use serde_json::Value;

fn list_rule(keys: &[&str]) -> ListRule {
    match keys {
        ["services", _, "command" | "entrypoint"] | ["services", _, "healthcheck", "test"] => {
            ListRule::Replace
        }
        ["services", _, "volumes" | "secrets" | "configs"] => ListRule::ByKey("target"),
        ["services", _, "ports"] => ListRule::Union,
        _ => ListRule::Append,
    }
}

/// The Compose file with the model's `compose` patches applied; `None` when there are none
/// (the file is then printed from its types), or after a reported problem. `secret_variables`
/// are the variables that hold secrets.
pub(crate) fn apply(
    file: &impl serde::Serialize,
    secret_variables: &[String],
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> Result<Option<Value>, ()> {
    let mut patches = ir::patch::of_target(&options.patches, "compose").peekable();
    if patches.peek().is_none() {
        return Ok(None);
    }
    let mut document = serde_json::to_value(file).map_err(|_| ())?;
    let errors_before = diags.error_count();
    for patch in patches {
        apply_one(&mut document, patch, secret_variables, diags);
    }
    if diags.error_count() > errors_before {
        return Err(());
    }
    Ok(Some(document))
}

fn apply_one(
    document: &mut Value,
    patch: &Patch,
    secret_variables: &[String],
    diags: &mut Diagnostics,
) {
    let Some(merge) = &patch.merge else { return };
    let mut change = aspirec_patch::json(&merge.value);
    if !change.is_object() {
        diags
            .report(
                codes::INVALID_PATCH,
                merge.span,
                "a Compose `merge` is a table",
            )
            .with_label("not a table");
        return;
    }
    if let Some(service) = &patch.service {
        let services = document.get("services").and_then(Value::as_object);
        if !services.is_some_and(|s| s.contains_key(&service.value)) {
            let known = services
                .into_iter()
                .flat_map(|s| s.keys().map(String::as_str));
            aspirec_patch::report_missing(
                diags,
                "Compose",
                service.span,
                "service",
                &service.value,
                known,
            );
            return;
        }
        change = serde_json::json!({ "services": { service.value.clone(): change } });
    }
    let before = secret_places(document, secret_variables);
    let mut patched = document.clone();
    let mut touched = Vec::new();
    aspirec_patch::merge(
        &mut patched,
        &change,
        &list_rule,
        &mut Vec::new(),
        &mut touched,
    );
    let after = secret_places(&patched, secret_variables);
    if let Some((place, _)) = before
        .iter()
        .find(|(place, value)| after.get(*place) != Some(*value))
    {
        diags
            .report(
                codes::PATCH_TOUCHES_SECRET,
                merge.span,
                "the patch changes how a secret is read",
                )
            .with_label(format!("it changes or removes `{place}`, which reads a secret"))
            .with_help("secrets are read from .env at `docker compose up`; change the model's parameters instead");
        return;
    }
    *document = patched;
}

/// Every place that reads a secret: a string with a secret variable, the top-level secrets,
/// each service's secret mounts.
fn secret_places(document: &Value, secret_variables: &[String]) -> BTreeMap<String, Value> {
    fn walk(
        value: &Value,
        path: &mut Vec<String>,
        secret_variables: &[String],
        out: &mut BTreeMap<String, Value>,
    ) {
        let reads_secret = match path.as_slice() {
            [top] => top == "secrets",
            [services, _, key] => services == "services" && key == "secrets",
            _ => false,
        };
        if reads_secret {
            out.insert(aspirec_patch::pointer(path), value.clone());
            return;
        }
        match value {
            Value::String(text) => {
                let reads = secret_variables.iter().any(|name| {
                    text.contains(&format!("${{{name}}}"))
                        || text.contains(&format!("${{{name}:"))
                        || text.contains(&format!("${{{name}?"))
                        || text.contains(&format!("${{{name}-"))
                });
                if reads {
                    out.insert(aspirec_patch::pointer(path), value.clone());
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push(index.to_string());
                    walk(item, path, secret_variables, out);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    path.push(key.clone());
                    walk(item, path, secret_variables, out);
                    path.pop();
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(document, &mut Vec::new(), secret_variables, &mut out);
    out
}
