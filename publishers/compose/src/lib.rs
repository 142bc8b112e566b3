//! The Docker Compose target: `compose.yaml` and `.env.example`, for `docker compose up`.
//!
//! - [`lower`] turns the checked model into the Compose file's own types ([`spec`]), resolving
//!   values with [`values`] into Compose's interpolation syntax ([`interpolation`]).
//! - [`env_file`] lists every variable the file reads, for the user's `.env`.
//! - [`patches`] merges the model's `compose` patches into the file, by Compose's merge rules.
//!
//! Deploy-time values (parameters, secrets) are never written: compose.yaml refers to them as
//! `${NAME...}` variables that Compose reads from `.env` at `up` time. The `.env` file itself
//! belongs to the user and is never written.
#![warn(clippy::wildcard_enum_match_arm)]

mod comment;
mod entries;
mod env_file;
mod interpolation;
mod lower;
mod names;
mod patches;
mod paths;
mod spec;
mod values;

use std::collections::BTreeMap;

use ir::publish::env_name;
use ir::{Artifacts, CheckedModel, Diagnostics, PublishOptions, Publisher, codes};

use crate::comment::push_comment;
use crate::interpolation::Variable;

/// A guess at the size of one service in `compose.yaml`, its note included (a service of the
/// synthetic benchmark model takes about 1,400 bytes), to allocate the file about once. Room
/// never written costs address space, not memory.
const ESTIMATED_BYTES_PER_SERVICE: usize = 1536;

/// The Compose target, registered in the root crate's `targets` module.
pub struct Compose;

/// The one value this crate exports.
pub static PUBLISHER: Compose = Compose;

impl Publisher for Compose {
    fn id(&self) -> &'static str {
        "compose"
    }

    fn description(&self) -> &'static str {
        "Docker Compose: compose.yaml and .env.example for `docker compose up`"
    }

    fn object_name(&self, name: &str) -> String {
        names::service_name(name)
    }

    fn builds_images(&self) -> bool {
        true
    }

    fn publish(
        &self,
        model: &CheckedModel,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Option<Artifacts> {
        let errors_before = diags.error_count();
        let lowered = lower::lower(model, options, diags);
        check_variable_names(model, &lowered.used, diags);
        let secret_variables: Vec<String> = lowered
            .used
            .iter()
            .filter(|v| model.parameter(v.param).secret)
            .map(|v| v.name(model))
            .collect();
        let patched = patches::apply(&lowered.file, &secret_variables, options, diags);
        if diags.error_count() > errors_before {
            return None;
        }
        // Room for the whole file up front: it grows to megabytes in a large model, and
        // growing by doubling would copy it over and over.
        let mut compose =
            String::with_capacity(ESTIMATED_BYTES_PER_SERVICE * (lowered.file.services.len() + 1));
        push_comment(&mut compose, &options.header());
        push_comment(
            &mut compose,
            "Deploy-time values come from .env: copy .env.example to .env, fill it in, then run `docker compose up`.",
        );
        if !lowered.notes.is_empty() {
            push_comment(&mut compose, "\nNotes:");
            let mut item = String::new();
            for note in &lowered.notes {
                item.clear();
                item.push_str("- ");
                item.push_str(note);
                push_comment(&mut compose, &item);
            }
        }
        let written = match patched {
            Ok(Some(document)) => aspirec_yaml::write_document(
                &mut compose,
                &document,
                aspirec_yaml::KeyOrder::AS_SERIALIZED,
            ),
            _ => aspirec_yaml::write_document(
                &mut compose,
                &lowered.file,
                aspirec_yaml::KeyOrder::AS_SERIALIZED,
            ),
        };
        if let Err(error) = written {
            values::bug(
                diags,
                &format!("compose.yaml cannot be serialised: {error}"),
            );
            return None;
        }
        let mut artifacts = Artifacts::new();
        artifacts.insert("compose.yaml", compose);
        artifacts.insert(
            ".env.example",
            env_file::render(model, options, &lowered.used),
        );
        Some(artifacts)
    }
}

/// The `NAME_URI_ENCODED` twin of a parameter could be the variable of another parameter
/// (`pg-password-uri-encoded`); the check cannot know, because the twin is this target's own.
fn check_variable_names(
    model: &CheckedModel,
    used: &std::collections::BTreeSet<Variable>,
    diags: &mut Diagnostics,
) {
    let params: BTreeMap<String, &ir::Parameter> = model
        .parameters()
        .map(|(_, p)| (env_name(&p.name), p))
        .collect();
    for variable in used.iter().filter(|v| v.uri_encoded) {
        let name = variable.name(model);
        if let Some(other) = params.get(&name) {
            let param = model.parameter(variable.param);
            diags.push(
                ir::Diagnostic::new(
                    codes::NAME_COLLISION,
                    other.span,
                    format!(
                        "the Compose variable `{name}` would be both parameter `{}` and the URI-encoded `{}`",
                        other.name, param.name
                    ),
                )
                .label(format!("`{}` is read from `{name}`", other.name))
                .secondary(
                    param.span,
                    format!("the URI-encoded value of `{}` is read from `{name}` too", param.name),
                )
                .help(format!("rename parameter `{}`", other.name)),
            );
        }
    }
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
