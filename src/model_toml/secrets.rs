//! Finds the secret values a model.toml spells out, so that no diagnostic shows them: the
//! `value` of every parameter with `secret = true`, and every environment's override of it
//! (`[environments.<env>] parameters.<p> = "..."` or `parameters.<p>.value`), selected or not,
//! and a registry's `password` unless it is one expression (a password written out is refused
//! by the check, which shows its line).
//!
//! It runs on the tree before the schema check, so a value of the wrong type, a parameter
//! with other errors or an unselected environment is concealed too: any snippet near such a
//! line (an unknown key, a type error) would otherwise print it.

use ir::{Diagnostics, FileId};

use super::tree::{Node, Table, span};

pub(crate) fn conceal(file: FileId, root: &Table<'_>, diags: &mut Diagnostics) {
    let declared = root.get("parameters").and_then(Node::as_table);
    let secret_in_base = |name: &str| {
        declared
            .and_then(|parameters| parameters.get(name))
            .and_then(Node::as_table)
            .is_some_and(is_secret)
    };
    if let Some(parameters) = declared {
        for (_, parameter) in parameters.entries() {
            if let Some(value) = parameter
                .as_table()
                .filter(|t| is_secret(t))
                .and_then(|t| t.get("value"))
            {
                diags.conceal(span(file, &value.span));
            }
        }
    }
    if let Some(registries) = root.get("registries").and_then(Node::as_table) {
        for (_, registry) in registries.entries() {
            let Some(password) = registry.as_table().and_then(|t| t.get("password")) else {
                continue;
            };
            let one_expression = password.as_str().is_some_and(|text| {
                text.starts_with('{')
                    && text.ends_with('}')
                    && !text[1..text.len() - 1].contains(['{', '}'])
            });
            if !one_expression {
                diags.conceal(span(file, &password.span));
            }
        }
    }
    let Some(environments) = root.get("environments").and_then(Node::as_table) else {
        return;
    };
    for (_, overlay) in environments.entries() {
        let Some(overrides) = overlay
            .as_table()
            .and_then(|o| o.get("parameters"))
            .and_then(Node::as_table)
        else {
            continue;
        };
        for (key, node) in overrides.entries() {
            match node.as_table() {
                // `parameters.p = "x"` sets the value.
                None if secret_in_base(&key.name) => diags.conceal(span(file, &node.span)),
                None => {}
                Some(table) if secret_in_base(&key.name) || is_secret(table) => {
                    if let Some(value) = table.get("value") {
                        diags.conceal(span(file, &value.span));
                    }
                }
                Some(_) => {}
            }
        }
    }
}

/// `secret = true`; any other value is not (and is reported by the schema check).
fn is_secret(parameter: &Table<'_>) -> bool {
    parameter.get("secret").and_then(Node::as_bool) == Some(true)
}
