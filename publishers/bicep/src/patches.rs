//! The model's `bicep` patches ([`ir::patch`]) on `main.bicep`: a patch with a `resource`
//! (a symbolic name) merges its table into that resource's declaration in place (an object
//! the declaration writes over several lines merges key by key; any other value, and a key it
//! does not have, is replaced or added at the end of its object), and `append` text (or a
//! `.bicep` file) is added at the end of the file (new resources, modules, outputs).
//!
//! A patch may not write or replace a value that reads a `@secure()` parameter or a secret
//! (`secrets`, `secretRef`), and a `secrets` key is refused outright (`E0802`); an unknown
//! symbolic name is `E0801`.

use ir::patch::{Doc, Patch};
use ir::{Diagnostics, PublishOptions, Span, codes};

use crate::bicep_string::escape;

/// Keys whose values are secrets or name them.
const SECRET_KEYS: &[&str] = &["secrets", "secretRef", "secureValue"];

/// Applies the model's `bicep` patches to `main`, the text of `main.bicep`.
pub(crate) fn apply(main: &mut String, options: &PublishOptions, diags: &mut Diagnostics) {
    let patches: Vec<&Patch> = ir::patch::of_target(&options.patches, "bicep").collect();
    if patches.is_empty() {
        return;
    }
    let secure = secure_params(main);
    for patch in patches {
        match (&patch.resource, &patch.merge, &patch.text) {
            (Some(resource), Some(merge), _) => {
                let Doc::Map(_) = &merge.value else {
                    diags
                        .report(
                            codes::INVALID_PATCH,
                            merge.span,
                            "a Bicep `merge` is a table of the resource's properties",
                        )
                        .with_label("not a table");
                    continue;
                };
                let opening = format!("resource {} '", resource.value);
                let mut lines: Vec<String> = main.lines().map(str::to_string).collect();
                let Some(start) = lines.iter().position(|l| l.starts_with(&opening)) else {
                    let known: Vec<&str> = main
                        .lines()
                        .filter_map(|l| l.strip_prefix("resource ")?.split(' ').next())
                        .collect();
                    let help = ir::diagnostic::did_you_mean(&resource.value, known.iter().copied())
                        .map(|k| format!("did you mean `{k}`?"))
                        .unwrap_or_else(|| {
                            format!(
                                "the resources are {}",
                                known
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        });
                    diags
                        .report(codes::PATCH_ADDRESS_MISSING, resource.span, format!("the patch addresses resource `{}`, which the bicep output does not have", resource.value))
                        .with_label("no resource of this symbolic name")
                        .with_help(help);
                    continue;
                };
                let Some(end) = lines[start..]
                    .iter()
                    .position(|l| l == "}")
                    .map(|i| i + start)
                else {
                    continue;
                };
                if let Some(key) = secret_key(&merge.value) {
                    refuse(diags, merge.span, format!("`{key}` holds secrets"));
                    continue;
                }
                let mut body: Vec<String> = lines[start + 1..end].to_vec();
                if let Err(why) = merge_object(&mut body, 1, &merge.value, &secure) {
                    refuse(diags, merge.span, why);
                    continue;
                }
                lines.splice(start + 1..end, body);
                let mut text = lines.join("\n");
                text.push('\n');
                *main = text;
            }
            (None, _, Some(text)) => {
                if let Some(name) = secure.iter().find(|name| mentions(&text.value, name)) {
                    refuse(
                        diags,
                        text.span,
                        format!("it reads the secure parameter `{name}`"),
                    );
                    continue;
                }
                main.push('\n');
                main.push_str(text.value.trim_end());
                main.push('\n');
            }
            _ => {}
        }
    }
}

fn refuse(diags: &mut Diagnostics, at: Span, why: String) {
    diags
        .report(codes::PATCH_TOUCHES_SECRET, at, "the patch changes how a secret is handled")
        .with_label(why)
        .with_help("secrets are `@secure()` parameters supplied at deploy time; change the model's parameters instead");
}

/// The `@secure()` parameters of the file.
fn secure_params(main: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut secure = false;
    for line in main.lines() {
        if line == "@secure()" {
            secure = true;
        } else if let Some(rest) = line.strip_prefix("param ") {
            if secure {
                out.extend(rest.split(' ').next().map(str::to_string));
            }
            secure = false;
        }
    }
    out
}

/// Whether `text` holds the identifier `name` as a word.
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !word(before) && !word(after)
    })
}

/// Merges `doc` (a map) into the object whose property lines are `body`, at `depth` (two
/// spaces each); `Err` when a change would touch a secret.
fn merge_object(
    body: &mut Vec<String>,
    depth: usize,
    doc: &Doc,
    secure: &[String],
) -> Result<(), String> {
    let Doc::Map(entries) = doc else {
        return Ok(());
    };
    let indent = "  ".repeat(depth);
    for (key, value) in entries {
        if SECRET_KEYS.contains(&key.as_str()) {
            return Err(format!("`{key}` holds secrets"));
        }
        let written_key = if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !key.starts_with(|c: char| c.is_ascii_digit())
        {
            key.clone()
        } else {
            format!("'{}'", escape(key))
        };
        let prefix = format!("{indent}{written_key}: ");
        let found = body.iter().position(|l| l.starts_with(&prefix));
        let extent = found.map(|start| {
            let opens = body[start].ends_with('{') || body[start].ends_with('[');
            let close = if opens {
                body[start + 1..]
                    .iter()
                    .position(|l| l == &format!("{indent}}}") || l == &format!("{indent}]"))
                    .map_or(start, |i| start + 1 + i)
            } else {
                start
            };
            (start, close)
        });
        if let Some((start, close)) = extent {
            if let (Doc::Map(_), true) = (value, body[start].ends_with('{')) {
                let mut inner: Vec<String> = body[start + 1..close].to_vec();
                merge_object(&mut inner, depth + 1, value, secure)?;
                body.splice(start + 1..close, inner);
                continue;
            }
            // Replaced: what it held must not read a secret.
            let old = body[start..=close].join("\n");
            if SECRET_KEYS.iter().any(|k| old.contains(k))
                || secure.iter().any(|name| mentions(&old, name))
            {
                return Err(format!("`{key}` reads a secret"));
            }
            body.drain(start..=close);
        }
        let mut rendered = String::new();
        render(value, depth, &mut rendered);
        let mut lines = rendered.lines();
        let first = lines.next().unwrap_or_default();
        body.push(format!("{prefix}{first}"));
        body.extend(lines.map(str::to_string));
    }
    Ok(())
}

/// A Bicep value whose first line follows `key: ` at `depth`.
fn render(doc: &Doc, depth: usize, out: &mut String) {
    let inner = "  ".repeat(depth + 1);
    let closing = "  ".repeat(depth);
    match doc {
        Doc::Null => out.push_str("null"),
        Doc::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Doc::Integer(number) => out.push_str(&number.to_string()),
        // Bicep has no floats: a number that is not whole is written as a string.
        Doc::Float(number) => out.push_str(&format!("'{number}'")),
        Doc::String(text) => {
            out.push('\'');
            out.push_str(&escape(text));
            out.push('\'');
        }
        Doc::List(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&inner);
                render(item, depth + 1, out);
                out.push('\n');
            }
            out.push_str(&closing);
            out.push(']');
        }
        Doc::Map(entries) => {
            out.push_str("{\n");
            let mut body = Vec::new();
            // Nothing to find in an empty object: it cannot fail (secret keys were refused
            // before).
            let _ = merge_object(&mut body, depth + 1, doc, &[]);
            debug_assert!(body.len() >= entries.len());
            for line in body {
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&closing);
            out.push('}');
        }
    }
}

/// A key of [`SECRET_KEYS`] anywhere in `doc`.
fn secret_key(doc: &Doc) -> Option<&str> {
    match doc {
        Doc::Map(entries) => entries.iter().find_map(|(key, value)| {
            SECRET_KEYS
                .iter()
                .find(|k| **k == key.as_str())
                .copied()
                .or_else(|| secret_key(value))
        }),
        Doc::List(items) => items.iter().find_map(secret_key),
        Doc::Null | Doc::Bool(_) | Doc::Integer(_) | Doc::Float(_) | Doc::String(_) => None,
    }
}
