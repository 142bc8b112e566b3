//! `[[patches]]`: each entry, already checked against the schema, read into an
//! [`ir::patch::Patch`]: which keys its target uses, and its content, inline or from a file
//! beside the model (read like `files`: inside the model's folder only, through the
//! compilation's reader). Whether what it addresses exists is the target's to say.

use ir::patch::{Doc, JsonOp, Patch};
use ir::{Diagnostics, FileId, Spanned, codes};

use super::tree::{Node, Table, Value, span};
use crate::manifest::ReadFile;

/// The keys each target uses, besides `target` and `file`.
fn keys_of(target: &str) -> &'static [&'static str] {
    match target {
        "k8s" => &["kind", "name", "merge", "json_patch"],
        "compose" => &["service", "merge"],
        "terraform" | "terraform-aws" | "terraform-gcp" => &["resource", "merge", "append"],
        _ => &["resource", "merge", "append"],
    }
}

/// Reads every patch of the (merged) model; those with problems are reported and left out.
pub(crate) fn read(
    file: FileId,
    source: &str,
    root: &Table<'_>,
    read_file: ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Vec<Patch> {
    let Some(items) = root.get("patches").and_then(Node::as_array) else {
        return Vec::new();
    };
    let reader = Reader {
        file,
        source,
        read_file,
    };
    items
        .iter()
        .filter_map(|item| reader.patch(item, diags))
        .collect()
}

struct Reader<'a> {
    file: FileId,
    source: &'a str,
    read_file: ReadFile<'a>,
}

impl Reader<'_> {
    fn patch(&self, item: &Node<'_>, diags: &mut Diagnostics) -> Option<Patch> {
        let table = item.as_table()?;
        let target = self.string(table.get("target")?)?;
        // A target that is not one was reported by the schema check.
        if !ir::patch::TARGETS.contains(&target.value.as_str()) {
            return None;
        }
        let errors_before = diags.error_count();
        let used = keys_of(&target.value);
        for (key, _) in table.entries() {
            let name = key.name.as_ref();
            if name == "target" || name == "file" || used.contains(&name) {
                continue;
            }
            diags
                .report(
                    codes::INVALID_PATCH,
                    span(self.file, &key.span),
                    format!("a `{}` patch has no `{name}`", target.value),
                )
                .with_label("not used by this target")
                .with_help(format!(
                    "a `{}` patch takes {}",
                    target.value,
                    super::validate::quoted_list(used.iter().copied())
                ));
        }
        let mut patch = Patch::new(span(self.file, &item.span), target);
        let text = |key: &str| table.get(key).and_then(|node| self.string(node));
        patch.kind = text("kind");
        patch.name = text("name");
        patch.service = text("service");
        patch.resource = text("resource");
        patch.text = text("append");
        patch.merge = table
            .get("merge")
            .map(|node| Spanned::new(self.json(node), span(self.file, &node.span)));
        patch.json_patch = table
            .get("json_patch")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(|op| self.op(op))
            .collect();
        if let Some(node) = table.get("file") {
            self.file_content(&mut patch, node, diags);
        }
        self.complete(&patch, item, table.get("file").is_some(), diags);
        (diags.error_count() == errors_before).then_some(patch)
    }

    /// Reports what the patch's target needs and the patch lacks.
    fn complete(&self, patch: &Patch, item: &Node<'_>, has_file: bool, diags: &mut Diagnostics) {
        let at = span(self.file, &item.span);
        let target = patch.target.value.as_str();
        if target == "k8s" && (patch.kind.is_none() || patch.name.is_none()) {
            diags
                .report(
                    codes::MISSING_KEY,
                    at,
                    "a `k8s` patch needs the `kind` and `name` of an object",
                )
                .with_label("the object to change is not named")
                .with_help("add `kind = \"Deployment\"` and the `name` aspirec gives it");
            return;
        }
        // A file that could not be read was reported.
        let changes = has_file
            || patch.merge.is_some()
            || !patch.json_patch.is_empty()
            || patch.text.is_some();
        if !changes {
            diags
                .report(codes::MISSING_KEY, at, "the patch changes nothing")
                .with_label("no `merge`, `json_patch`, `append` or `file`");
            return;
        }
        if target == "bicep" && patch.resource.is_some() != patch.merge.is_some() {
            diags
                .report(
                    codes::INVALID_PATCH,
                    at,
                    "a `bicep` patch either merges into a `resource` or appends text",
                )
                .with_label("`resource` and `merge` go together")
                .with_help("`resource` names the symbolic name whose declaration `merge` changes; `append` adds declarations");
        }
        if matches!(target, "terraform" | "terraform-aws" | "terraform-gcp")
            && patch.resource.is_none()
            && patch.merge.is_some()
        {
            diags
                .report(
                    codes::MISSING_KEY,
                    at,
                    "a Terraform `merge` needs the `resource` it overrides",
                )
                .with_label("no `resource`")
                .with_help("name the resource's address, `type.label`; `append` adds new blocks");
        }
    }

    /// Reads `file`: a YAML or JSON document is the patch's `merge`, Terraform or Bicep text
    /// its text.
    fn file_content(&self, patch: &mut Patch, node: &Node<'_>, diags: &mut Diagnostics) {
        let Some(path) = self.string(node) else {
            return;
        };
        let extension = path.value.rsplit('.').next().unwrap_or_default();
        let target = patch.target.value.as_str();
        let fits = match extension {
            "yaml" | "yml" | "json" => {
                !matches!(target, "terraform" | "terraform-aws" | "terraform-gcp")
                    || patch.resource.is_some()
            }
            "tf" => matches!(target, "terraform" | "terraform-aws" | "terraform-gcp"),
            "bicep" => target == "bicep" && patch.resource.is_none(),
            _ => false,
        };
        if !fits {
            diags
                .report(
                    codes::INVALID_PATCH,
                    path.span,
                    format!("a `{target}` patch cannot be read from `{}`", path.value),
                )
                .with_label("not a kind of file this patch takes")
                .with_help(match target {
                    "k8s" | "compose" => "write the document to merge as `.yaml` or `.json`",
                    "bicep" => "write declarations to append as `.bicep`, or a `merge` for a `resource` as `.yaml` or `.json`",
                    _ => "write HCL as `.tf`: blocks to append, or with `resource` its overriding attributes and blocks",
                });
            return;
        }
        let Some(text) = super::files::read_text(&path, self.read_file, diags) else {
            return;
        };
        let parsed = match extension {
            "yaml" | "yml" => serde_yaml::from_str::<serde_json::Value>(&text)
                .map(|value| Some(aspirec_patch::doc(&value)))
                .map_err(|error| error.to_string()),
            "json" => serde_json::from_str::<serde_json::Value>(&text)
                .map(|value| Some(aspirec_patch::doc(&value)))
                .map_err(|error| error.to_string()),
            _ => Ok(None),
        };
        match parsed {
            Ok(Some(value)) => patch.merge = Some(Spanned::new(value, path.span)),
            Ok(None) => patch.text = Some(Spanned::new(text, path.span)),
            Err(error) => {
                diags
                    .report(
                        codes::INVALID_PATCH,
                        path.span,
                        format!("`{}` cannot be parsed", path.value),
                    )
                    .with_label(error);
            }
        }
    }

    fn op(&self, node: &Node<'_>) -> Option<JsonOp> {
        let table = node.as_table()?;
        let value = table.get("value");
        Some(JsonOp {
            at: span(self.file, &node.span),
            op: self.string(table.get("op")?)?,
            path: self.string(table.get("path")?)?,
            from: table.get("from").and_then(|from| self.string(from)),
            value: value.map(|node| Spanned::new(self.json(node), span(self.file, &node.span))),
        })
    }

    fn string(&self, node: &Node<'_>) -> Option<Spanned<String>> {
        Some(Spanned::new(
            node.as_str()?.to_string(),
            span(self.file, &node.span),
        ))
    }

    /// A TOML value as JSON. TOML has no null (a merge deletes with one only in a file); a
    /// float is read from its text, a date-time kept as its text.
    fn json(&self, node: &Node<'_>) -> Doc {
        let written = || self.source.get(node.span.clone()).unwrap_or_default();
        match &node.value {
            Value::String(text) => Doc::String(text.to_string()),
            Value::Integer(number) => Doc::Integer(*number),
            Value::Boolean(flag) => Doc::Bool(*flag),
            Value::Float => written()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
                .map_or_else(|| Doc::String(written().to_string()), Doc::Float),
            Value::Datetime | Value::Invalid => Doc::String(written().to_string()),
            Value::Array(array) => Doc::List(array.items.iter().map(|n| self.json(n)).collect()),
            Value::Table(table) => Doc::Map(
                table
                    .entries()
                    .iter()
                    .map(|(key, value)| (key.name.to_string(), self.json(value)))
                    .collect(),
            ),
        }
    }
}
