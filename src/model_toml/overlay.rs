//! Environments: `[environments.<env>]` overlays and `--env`.
//!
//! The selected overlay is merged into the tree before the schema check, so overridden
//! values are checked like any other and their spans point into the environment section.
//! Tables merge key by key; arrays and scalars replace, but for `patches`, which are appended. `parameters.<p> = "x"` sets `value`
//! of parameter `p`. Every environment, selected or not, is checked for overrides of
//! parameters and resources that do not exist (E0208); the schema check covers the keys of
//! the ones not selected.

use ir::diagnostic::did_you_mean;
use ir::{Diagnostics, FileId, Span, codes};

use super::schema::OVERLAY;
use super::tree::{Key, Node, Table, Value, span};
use super::validate::quoted_list;

/// Reports overrides of undeclared things in every environment and merges the one named
/// `environment` (E0207 if there is none of that name) into `root`.
pub(crate) fn apply(
    file: FileId,
    root: &mut Table<'_>,
    environment: Option<&str>,
    diags: &mut Diagnostics,
) {
    if let Some(environments) = root.get("environments").and_then(Node::as_table) {
        for (env_key, overlay) in environments.entries() {
            if let Some(overlay) = overlay.as_table() {
                report_missing_targets(file, root, &env_key.name, overlay, diags);
            }
        }
    }
    let Some(selected) = environment else { return };
    match take_environment(root, selected) {
        Ok(overlay) => merge_environment(root, overlay),
        Err(known) => {
            let environments_key = root.entry("environments").map(|(key, _)| key.span.clone());
            let at = environments_key
                .as_ref()
                .map_or(Span::DETACHED, |range| span(file, range));
            let diagnostic = diags
                .report(
                    codes::UNKNOWN_ENVIRONMENT,
                    at,
                    format!("unknown environment `{selected}`"),
                )
                .with_label("`--env` names none of the environments declared here");
            if known.is_empty() {
                diagnostic.with_note("the model declares no environments");
            } else {
                diagnostic.with_note(format!(
                    "the environments are {}",
                    quoted_list(known.iter().map(String::as_str))
                ));
                if let Some(suggestion) = did_you_mean(selected, known.iter().map(String::as_str)) {
                    diagnostic.with_help(format!("did you mean `--env {suggestion}`?"));
                }
            }
        }
    }
}

/// Removes the overlay `name` from `environments` (it is checked as part of the merged model
/// instead). `Err` with the names that exist if there is no such table.
fn take_environment<'s>(root: &mut Table<'s>, name: &str) -> Result<Table<'s>, Vec<String>> {
    let Some(environments) = root.get_mut("environments").and_then(Node::as_table_mut) else {
        return Err(Vec::new());
    };
    match environments.get(name).map(|node| node.as_table().is_some()) {
        Some(true) => match environments.remove(name) {
            Some((
                key,
                Node {
                    value: Value::Table(overlay),
                    span,
                },
            )) => {
                // Keys an overlay cannot hold (`targets`, or a misspelt key) are not merged:
                // merged, the top level would accept `targets` under `--env` only. They stay
                // in the environment, where the schema check reports them.
                let (merged, kept): (Vec<_>, Vec<_>) = overlay
                    .into_entries()
                    .into_iter()
                    .partition(|(key, _)| OVERLAY.field(&key.name).is_some());
                if !kept.is_empty() {
                    let value = Value::Table(table_of(kept));
                    environments.insert(key, Node { value, span });
                }
                Ok(table_of(merged))
            }
            _ => Err(Vec::new()),
        },
        // Present but not a table: left in place for the schema check to report.
        Some(false) => Ok(Table::default()),
        None => Err(environments
            .entries()
            .iter()
            .map(|(key, _)| key.name.to_string())
            .collect()),
    }
}

fn table_of<'s>(entries: Vec<(Key<'s>, Node<'s>)>) -> Table<'s> {
    let mut table = Table::default();
    for (key, node) in entries {
        table.push(key, node);
    }
    table
}

fn report_missing_targets(
    file: FileId,
    root: &Table<'_>,
    env: &str,
    overlay: &Table<'_>,
    diags: &mut Diagnostics,
) {
    for (section, what) in [("parameters", "parameter"), ("resources", "resource")] {
        let Some(overrides) = overlay.get(section).and_then(Node::as_table) else {
            continue;
        };
        let declared = root.get(section).and_then(Node::as_table);
        let names = || {
            declared
                .into_iter()
                .flat_map(|t| t.entries().iter().map(|(key, _)| key.name.as_ref()))
        };
        for (key, _) in overrides.entries() {
            if declared.is_some_and(|d| d.get(&key.name).is_some()) {
                continue;
            }
            let diagnostic = diags
                .report(
                    codes::OVERRIDE_OF_MISSING,
                    span(file, &key.span),
                    format!(
                        "environment `{env}` overrides {what} `{}`, which is not declared",
                        key.name
                    ),
                )
                .with_label(format!("no {what} of this name"));
            if let Some(suggestion) = did_you_mean(&key.name, names()) {
                diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            }
        }
    }
}

/// Merges an overlay into the model. Overrides of undeclared parameters and resources are
/// skipped (already reported).
fn merge_environment<'s>(root: &mut Table<'s>, overlay: Table<'s>) {
    for (key, node) in overlay.into_entries() {
        let section = matches!(key.name.as_ref(), "parameters" | "resources");
        let declared = root.get_mut(&key.name).and_then(Node::as_table_mut);
        match (node.value, declared) {
            (Value::Table(overrides), Some(declared)) if section => {
                for (name, value) in overrides.into_entries() {
                    if key.name == "resources" {
                        if declared.get(&name.name).is_some() {
                            merge_entry(declared, name, value);
                        }
                    } else if let Some(parameter) =
                        declared.get_mut(&name.name).and_then(Node::as_table_mut)
                    {
                        merge_entry(parameter, Key::new("value", name.span), value);
                    }
                }
            }
            // Every override in it is of something undeclared (already reported).
            (Value::Table(_), None) if section => {}
            // An environment's patches come after the model's, which still apply: a patch
            // of one environment should not have to repeat every patch of the model.
            (Value::Array(added), _) if key.name == "patches" => {
                match root.get_mut("patches").map(|node| &mut node.value) {
                    Some(Value::Array(patches)) => patches.items.extend(added.items),
                    _ => root.insert(
                        key,
                        Node {
                            value: Value::Array(added),
                            span: node.span,
                        },
                    ),
                }
            }
            (value, _) => merge_entry(
                root,
                key,
                Node {
                    value,
                    span: node.span,
                },
            ),
        }
    }
}

/// Sets `key` in `table`: tables merge key by key, anything else replaces. A replaced entry
/// takes the overlay's key span, so diagnostics about it point into the environment.
fn merge_entry<'s>(table: &mut Table<'s>, key: Key<'s>, node: Node<'s>) {
    let base = table.get_mut(&key.name).and_then(Node::as_table_mut);
    match (base, node.value) {
        (Some(base), Value::Table(overlay)) => {
            for (child_key, child) in overlay.into_entries() {
                merge_entry(base, child_key, child);
            }
        }
        (_, value) => table.insert(
            key,
            Node {
                value,
                span: node.span,
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model_toml::syntax;

    const MODEL: &str = r#"name = "a"
[parameters.level]
value = "info"
[resources.web]
type = "container"
image = "web:1"
replicas = 2
env = { A = "1", B = "2" }
args = ["x", "y"]
[environments.prod]
parameters.level = "warn"
resources.web.replicas = 5
resources.web.env = { B = "3" }
resources.web.args = ["z"]
[environments.dev]
resources.web.replicas = 1
"#;

    fn applied<'s>(text: &'s str, environment: Option<&str>) -> (Table<'s>, Vec<String>) {
        let mut diags = Diagnostics::new();
        let mut root = syntax::parse(FileId(0), text, &mut diags).expect("valid TOML");
        apply(FileId(0), &mut root, environment, &mut diags);
        (
            root,
            diags
                .iter()
                .map(|d| format!("{} {}", d.code.id, d.message))
                .collect(),
        )
    }

    fn at<'t>(root: &'t Table<'_>, path: &[&str]) -> &'t Node<'t> {
        let mut node = None;
        let mut table = root;
        for key in path {
            node = table.get(key);
            table = node.and_then(Node::as_table).unwrap_or(table);
        }
        node.expect("path exists")
    }

    #[test]
    fn merges_tables_and_replaces_scalars_and_arrays() {
        let (root, diags) = applied(MODEL, Some("prod"));
        assert_eq!(diags, Vec::<String>::new());
        let replicas = at(&root, &["resources", "web", "replicas"]);
        assert_eq!(replicas.as_integer(), Some(5));
        assert_eq!(&MODEL[replicas.span.clone()], "5");
        assert!(replicas.span.start > MODEL.find("[environments.prod]").unwrap_or(0));
        assert_eq!(
            at(&root, &["resources", "web", "env", "A"]).as_str(),
            Some("1")
        );
        assert_eq!(
            at(&root, &["resources", "web", "env", "B"]).as_str(),
            Some("3")
        );
        let args: Vec<_> = at(&root, &["resources", "web", "args"])
            .as_array()
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        assert_eq!(args, ["z"]);
        assert_eq!(
            at(&root, &["parameters", "level", "value"]).as_str(),
            Some("warn")
        );
        // The merged overlay is gone; the others stay for the schema check.
        assert!(
            at(&root, &["environments"])
                .as_table()
                .is_some_and(|e| e.get("prod").is_none() && e.get("dev").is_some())
        );
    }

    #[test]
    fn an_environments_patches_come_after_the_models() {
        let text = "name = \"a\"\n[[patches]]\ntarget = \"k8s\"\nkind = \"A\"\n[[environments.prod.patches]]\ntarget = \"k8s\"\nkind = \"B\"\n[[environments.dev.patches]]\ntarget = \"compose\"\n";
        let kinds = |environment| {
            let (root, diags) = applied(text, environment);
            assert_eq!(diags, Vec::<String>::new());
            at(&root, &["patches"])
                .as_array()
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    p.as_table()
                        .and_then(|t| t.get("kind"))
                        .and_then(Node::as_str)
                        .unwrap_or("-")
                        .to_string()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(None), ["A"]);
        assert_eq!(kinds(Some("prod")), ["A", "B"]);
        assert_eq!(kinds(Some("dev")), ["A", "-"]);
        // Without patches of its own, the model gets the environment's.
        let (root, _) = applied(
            "name = \"a\"\n[[environments.prod.patches]]\ntarget = \"k8s\"\n",
            Some("prod"),
        );
        assert_eq!(at(&root, &["patches"]).as_array().map(<[_]>::len), Some(1));
    }

    #[test]
    fn without_env_nothing_changes() {
        let (root, _) = applied(MODEL, None);
        assert_eq!(
            at(&root, &["resources", "web", "replicas"]).as_integer(),
            Some(2)
        );
    }

    #[test]
    fn unknown_environment_lists_the_known_ones() {
        let mut diags = Diagnostics::new();
        let mut root = syntax::parse(FileId(0), MODEL, &mut diags).expect("valid TOML");
        apply(FileId(0), &mut root, Some("prd"), &mut diags);
        let diagnostic = diags.iter().next().expect("a diagnostic");
        assert_eq!(diagnostic.code.id, "E0207");
        assert_eq!(diagnostic.notes, ["the environments are `prod`, `dev`"]);
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("did you mean `--env prod`?")
        );
        let (_, diags) = applied("name = \"a\"\n", Some("prod"));
        assert_eq!(diags, ["E0207 unknown environment `prod`"]);
    }

    #[test]
    fn overrides_of_missing_things_are_reported_in_every_environment() {
        let text = "name = \"a\"\n[parameters.p]\n[environments.dev]\nparameters.q = \"x\"\nresources.web.replicas = 1\n";
        let (root, diags) = applied(text, Some("dev"));
        assert_eq!(
            diags,
            [
                "E0208 environment `dev` overrides parameter `q`, which is not declared",
                "E0208 environment `dev` overrides resource `web`, which is not declared"
            ]
        );
        assert!(
            root.get("resources").is_none(),
            "a skipped override adds nothing"
        );
        let (_, diags) = applied(text, None);
        assert_eq!(diags.len(), 2);
    }
}
