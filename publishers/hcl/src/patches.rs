//! The model's patches of a Terraform target (`terraform`, `terraform-aws`, `terraform-gcp`: one mechanism for
//! both, see [`ir::patch`]), by the rules of Terraform's override files:
//!
//! - a patch with a `resource` (`type.label`) changes that resource's block where it is
//!   written: each top-level attribute it sets replaces the block's attribute of that name,
//!   and each nested block type it writes replaces every block of that type (`lifecycle`
//!   too); what it adds goes at the end of the block. Its `merge` is written as HCL: a table is
//!   a nested block when its key is `lifecycle`, `timeouts` or a block type the resource has,
//!   and an object value otherwise; a `.tf` file is the block's body as written. The block is
//!   changed in place rather than written as a `*_override.tf`, so that every reader of the
//!   output (not only Terraform) sees the resource as it is deployed;
//! - `append` text and a `.tf` file without a `resource` go to `patches.tf` as they are.
//!
//! Checked here: the resource exists (`E0801`); the text parses as HCL (`E0803`); no patch
//! sets `sensitive`, overrides an attribute that reads a sensitive variable or a generated
//! password, touches a `random_password` or a block of secrets (`E0802`).

use ir::patch::{Doc, Patch};
use ir::{Diagnostics, PublishOptions, Span, codes};

use crate::emit::TfWriter;
use crate::expr::{Raw, ident, quote};

/// The file of the appended blocks.
pub const APPENDED_FILE: &str = "patches.tf";

/// What a line that reads a secret holds: a generated password, a Container Apps secret
/// reference, an ECS secret (from Secrets Manager), a Cloud Run secret (from Secret Manager),
/// a Memorystore AUTH string.
const SECRET_READS: &[&str] = &[
    "random_password.",
    "secret_name",
    "valueFrom",
    "aws_secretsmanager_secret",
    "google_secret_manager_secret",
    ".auth_string",
];

/// Resources that generate or hold a secret's value: never patched.
const SECRET_RESOURCES: &[&str] = &[
    "random_password.",
    "aws_secretsmanager_secret_version.",
    "google_secret_manager_secret_version.",
];

/// Arguments and block types whose contents are secret however they are written (a
/// Memorystore's `auth_enabled` turns its password off).
const SECRET_BLOCKS: &[&str] = &["secret", "secrets", "secret_options", "auth_enabled"];

/// Adds the patches of `target` to `files` (path, text), after reporting what is wrong.
pub fn apply(
    target: &str,
    files: &mut Vec<(String, String)>,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) {
    let patches: Vec<&Patch> = ir::patch::of_target(&options.patches, target).collect();
    if patches.is_empty() {
        return;
    }
    let header = options.header();
    let blocks = resource_blocks(files);
    let sensitive = sensitive_variables(files);
    let mut appended = TfWriter::new(&header);
    let mut any_appended = false;
    for patch in patches {
        let Some(resource) = &patch.resource else {
            if let Some(text) = &patch.text {
                if parses(text.value.as_str(), text.span, diags) {
                    appended.raw_lines(&text.value);
                    any_appended = true;
                }
            }
            continue;
        };
        let Some((_, block)) = blocks
            .iter()
            .find(|(address, _)| *address == resource.value)
        else {
            let known = blocks.iter().map(|(address, _)| address.as_str());
            missing(diags, target, resource.span, &resource.value, known);
            continue;
        };
        let refuse = |diags: &mut Diagnostics, at: Span, why: String| {
            diags
                .report(codes::PATCH_TOUCHES_SECRET, at, "the patch changes how a secret is handled")
                .with_label(why)
                .with_help("secrets are Terraform variables supplied at deploy time (or generated passwords); change the model's parameters instead");
        };
        if SECRET_RESOURCES
            .iter()
            .any(|kind| resource.value.starts_with(kind))
        {
            refuse(
                diags,
                resource.span,
                format!("`{}` generates or holds a secret", resource.value),
            );
            continue;
        }
        let keys: Vec<String> = match (&patch.merge, &patch.text) {
            (Some(merge), _) => {
                match &merge.value {
                    Doc::Map(entries) => entries.iter().map(|(k, _)| k.clone()).collect(),
                    Doc::Null
                    | Doc::Bool(_)
                    | Doc::Integer(_)
                    | Doc::Float(_)
                    | Doc::String(_)
                    | Doc::List(_) => {
                        diags
                        .report(codes::INVALID_PATCH, merge.span, "a Terraform `merge` is a table of the resource's arguments and blocks")
                        .with_label("not a table");
                        continue;
                    }
                }
            }
            (None, Some(text)) => match text.value.parse::<hcl::Body>() {
                Ok(body) => body
                    .iter()
                    .map(|structure| match structure {
                        hcl::Structure::Attribute(a) => a.key.to_string(),
                        hcl::Structure::Block(b) => b.identifier.to_string(),
                    })
                    .collect(),
                Err(error) => {
                    invalid_hcl(diags, text.span, &error.to_string());
                    continue;
                }
            },
            (None, None) => continue,
        };
        let at = patch.merge.as_ref().map_or_else(
            || patch.text.as_ref().map_or(patch.at, |t| t.span),
            |m| m.span,
        );
        let strings: Vec<&str> = patch
            .merge
            .as_ref()
            .map(|m| m.value.strings())
            .unwrap_or_default();
        if keys.iter().any(|k| k == "sensitive")
            || strings.contains(&"sensitive")
            || patch
                .text
                .as_ref()
                .is_some_and(|t| t.value.contains("sensitive"))
        {
            refuse(diags, at, "it sets `sensitive`".to_string());
            continue;
        }
        if let Some(key) = keys.iter().find(|key| {
            SECRET_BLOCKS.contains(&key.as_str()) || reads_secret(block, key, &sensitive)
        }) {
            refuse(
                diags,
                at,
                format!("`{key}` of `{}` holds or reads a secret", resource.value),
            );
            continue;
        }
        let (kind, label) = resource
            .value
            .split_once('.')
            .unwrap_or((&resource.value, ""));
        let mut overrides = TfWriter::part();
        overrides.block_named("resource", &[kind, label]);
        match (&patch.merge, &patch.text) {
            (Some(merge), _) => body(&mut overrides, &merge.value, block),
            (None, Some(text)) => {
                let indented: String = text
                    .value
                    .lines()
                    .map(|line| {
                        if line.trim().is_empty() {
                            "\n".to_string()
                        } else {
                            format!("  {line}\n")
                        }
                    })
                    .collect();
                overrides.raw_body(&indented);
            }
            (None, None) => {}
        }
        overrides.end();
        let written = overrides.finish();
        // The body: the lines between the block's first and last.
        let inner: Vec<&str> = written
            .lines()
            .skip_while(|l| !l.starts_with("resource"))
            .skip(1)
            .collect();
        let inner = inner.split_last().map_or(&[][..], |(_, body)| body);
        let opening = format!("resource \"{kind}\" \"{label}\" {{");
        for (_, text) in files.iter_mut() {
            if let Some(changed) = splice(text, &opening, &keys, inner) {
                *text = changed;
                break;
            }
        }
    }
    if any_appended {
        files.push((APPENDED_FILE.to_string(), appended.finish()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
}

/// Reports a resource address that is not in the output (`E0801`).
fn missing<'a>(
    diags: &mut Diagnostics,
    target: &str,
    at: Span,
    address: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) {
    let help = match ir::diagnostic::did_you_mean(address, known.clone()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "the resources are {}",
            known
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    diags
        .report(
            codes::PATCH_ADDRESS_MISSING,
            at,
            format!(
                "the patch addresses resource `{address}`, which the {target} output does not have"
            ),
        )
        .with_label("no resource at this address")
        .with_help(help);
}

fn invalid_hcl(diags: &mut Diagnostics, at: Span, error: &str) {
    diags
        .report(
            codes::INVALID_PATCH,
            at,
            "the patch's text is not valid HCL",
        )
        .with_label(
            error
                .lines()
                .next()
                .unwrap_or(error)
                .trim_start()
                .trim_start_matches("--> ")
                .to_string(),
        );
}

fn parses(text: &str, at: Span, diags: &mut Diagnostics) -> bool {
    match text.parse::<hcl::Body>() {
        Ok(_) => true,
        Err(error) => {
            invalid_hcl(diags, at, &error.to_string());
            false
        }
    }
}

/// Every `resource "type" "label" {` of the files, as `type.label`, with its block's text.
fn resource_blocks(files: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (_, text) in files {
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some(rest) = line.strip_prefix("resource \"") else {
                continue;
            };
            let mut parts = rest.trim_end_matches(" {").split("\" \"");
            let (Some(kind), Some(label)) = (parts.next(), parts.next()) else {
                continue;
            };
            let mut block = String::new();
            for inner in lines.by_ref() {
                if inner == "}" {
                    break;
                }
                block.push_str(inner);
                block.push('\n');
            }
            out.push((format!("{kind}.{}", label.trim_end_matches('"')), block));
        }
    }
    out
}

/// The variables declared `sensitive = true`.
fn sensitive_variables(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<&str> = None;
    for (_, text) in files {
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("variable \"") {
                current = rest.split('"').next();
            } else if line.trim_start().starts_with("sensitive")
                && line.trim_end().ends_with("true")
            {
                if let Some(name) = current {
                    out.push(name.to_string());
                }
            }
        }
    }
    out
}

/// Whether the resource's attribute or block `key` reads a sensitive variable or anything of
/// [`SECRET_READS`] (at any depth under it).
fn reads_secret(block: &str, key: &str, sensitive: &[String]) -> bool {
    let mut inside = false;
    let mut depth_at = 0;
    for line in block.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        if indent == 2 {
            inside =
                trimmed.starts_with(&format!("{key} ")) || trimmed.starts_with(&format!("{key}="));
            depth_at = indent;
        }
        if inside && indent >= depth_at {
            let secret = SECRET_READS.iter().any(|read| trimmed.contains(read))
                || sensitive
                    .iter()
                    .any(|name| trimmed.contains(&format!("var.{name}")));
            if secret {
                return true;
            }
        }
    }
    false
}

/// Whether the resource has a nested block `key` (a line `  key {`).
fn has_block(block: &str, key: &str) -> bool {
    block.lines().any(|line| {
        line.strip_prefix("  ")
            .is_some_and(|l| l == format!("{key} {{"))
    })
}

/// The body of an override block: attributes, and nested blocks where the key is one.
fn body(w: &mut TfWriter, doc: &Doc, block: &str) {
    let Doc::Map(entries) = doc else { return };
    for (key, value) in entries {
        let is_block = matches!(key.as_str(), "lifecycle" | "timeouts") || has_block(block, key);
        match value {
            Doc::Map(_) if is_block => {
                w.block_named(key, &[]);
                body(w, value, "");
                w.end();
            }
            Doc::List(items) if is_block && items.iter().all(|i| matches!(i, Doc::Map(_))) => {
                for item in items {
                    w.block_named(key, &[]);
                    body(w, item, "");
                    w.end();
                }
            }
            Doc::Null
            | Doc::Bool(_)
            | Doc::Integer(_)
            | Doc::Float(_)
            | Doc::String(_)
            | Doc::List(_)
            | Doc::Map(_) => {
                let mut text = String::new();
                inline(value, &mut text);
                w.attr_named(key, Raw(&text));
            }
        }
    }
}

/// A value on one line, as `terraform fmt` leaves it.
fn inline(doc: &Doc, out: &mut String) {
    match doc {
        Doc::Null => out.push_str("null"),
        Doc::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Doc::Integer(number) => out.push_str(&number.to_string()),
        Doc::Float(number) => out.push_str(&number.to_string()),
        Doc::String(text) => quote(text, out),
        Doc::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                inline(item, out);
            }
            out.push(']');
        }
        Doc::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Doc::Map(entries) => {
            out.push_str("{ ");
            for (index, (key, value)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                let mut name = String::new();
                ident(key, &mut name);
                if name == *key {
                    out.push_str(key);
                } else {
                    quote(key, out);
                }
                out.push_str(" = ");
                inline(value, out);
            }
            out.push_str(" }");
        }
    }
}

/// `text` with the block that opens with the line `opening` changed: its top-level attributes
/// and nested blocks named in `keys` removed, `body` added at its end after a blank line, and
/// the runs of aligned attributes left realigned as `terraform fmt` aligns them. `None` when
/// the block is not in `text`.
fn splice(text: &str, opening: &str, keys: &[String], body: &[&str]) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == opening)?;
    let end = start + lines.get(start..)?.iter().position(|l| *l == "}")?;
    let mut kept: Vec<String> = Vec::new();
    let mut index = start + 1;
    while index < end {
        let line = lines[index];
        let own = line.strip_prefix("  ").filter(|l| !l.starts_with(' '));
        let name = own
            .and_then(|l| l.split([' ', '=']).next())
            .unwrap_or_default();
        let opens = own.is_some_and(|l| l.ends_with('{') || l.ends_with('[') || l.ends_with('('));
        let removed = !name.is_empty() && keys.iter().any(|k| k == name);
        let mut last = index;
        if opens {
            // Up to the line that closes it at the same depth.
            while last + 1 < end {
                last += 1;
                let closing = lines[last]
                    .strip_prefix("  ")
                    .is_some_and(|l| l.starts_with(['}', ']', ')']));
                if closing {
                    break;
                }
            }
        }
        if !removed {
            kept.extend(lines[index..=last].iter().map(|l| (*l).to_string()));
        }
        index = last + 1;
    }
    // No blank line left at the start, or two in a row, where something was removed.
    let mut body_lines: Vec<String> = Vec::new();
    for line in kept {
        if line.is_empty() && body_lines.last().is_none_or(String::is_empty) {
            continue;
        }
        body_lines.push(line);
    }
    if !body_lines.is_empty() && body_lines.last().is_some_and(|l| !l.is_empty()) {
        body_lines.push(String::new());
    }
    body_lines.extend(body.iter().map(|l| (*l).to_string()));
    realign(&mut body_lines);
    let mut out: Vec<String> = lines[..=start].iter().map(|l| (*l).to_string()).collect();
    out.extend(body_lines);
    out.extend(lines[end..].iter().map(|l| (*l).to_string()));
    let mut joined = out.join("\n");
    joined.push('\n');
    Some(joined)
}

/// Aligns the `=` of each run of one-line attributes at the block's top level, as
/// `terraform fmt` does.
fn realign(lines: &mut [String]) {
    let attribute = |line: &str| -> Option<(String, String)> {
        let own = line.strip_prefix("  ").filter(|l| !l.starts_with(' '))?;
        let (key, value) = own.split_once(" = ").or_else(|| {
            let at = own.find('=')?;
            Some((own.get(..at)?, own.get(at + 1..)?.trim_start()))
        })?;
        let key = key.trim_end();
        let one_line = !value.ends_with(['{', '[', '(']);
        (one_line && !key.contains(' ')).then(|| (key.to_string(), value.to_string()))
    };
    let mut index = 0;
    while index < lines.len() {
        let run_end = (index..lines.len())
            .find(|&i| attribute(&lines[i]).is_none())
            .unwrap_or(lines.len());
        if run_end > index {
            let width = (index..run_end)
                .filter_map(|i| attribute(&lines[i]))
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            for line in &mut lines[index..run_end] {
                if let Some((key, value)) = attribute(line) {
                    let pad = width - key.chars().count();
                    *line = format!("  {key}{} = {value}", " ".repeat(pad));
                }
            }
            index = run_end;
        } else {
            index += 1;
        }
    }
}
