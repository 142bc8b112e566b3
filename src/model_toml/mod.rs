//! The `model.toml` front end: text to a declared [`ir::model::Model`].
//!
//! The steps, each in its own module:
//!
//! 1. [`syntax`]: TOML to a spanned tree ([`tree`]), valid TOML straight from the parser's
//!    events ([`stream`]); syntax errors stop here.
//!    [`secrets`] marks the secret values the text spells out, so no diagnostic shows them.
//! 2. [`overlay`]: `--env` merges one `[environments.<env>]` into the tree.
//! 3. [`validate`]: the tree against [`schema`], the one description of the format, which
//!    also yields the JSON Schema of [`json_schema()`].
//! 4. [`lower`]: the checked tree to the IR; expressions are parsed here, with positions
//!    mapped back to the source by [`strings`]. [`targets`] reads the model's `targets`,
//!    which are the driver's business, not the IR's, and [`patches`] the `[[patches]]`.
//!
//! All problems of steps 2 to 4 are reported in one run.

mod files;
mod json;
mod lower;
mod overlay;
mod patches;
mod schema;
mod secrets;
mod stream;
mod strings;
mod syntax;
mod targets;
mod tree;
mod validate;

use ir::model::Model;
use ir::{Diagnostics, FileId, Spanned};

/// Parses and lowers a model.toml, applying the `environment` overlay. `None` if this
/// reported any error.
pub fn parse(
    file: FileId,
    text: &str,
    environment: Option<&str>,
    diags: &mut Diagnostics,
) -> Option<Model> {
    parse_with_targets(file, text, environment, &crate::front::no_file, diags).model
}

/// What [`parse_with_targets`] read.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The model, when the file has no error.
    pub model: Option<Model>,
    /// When the only errors are in some resources' and parameters' own tables: the model
    /// without them, and their names. `ir`'s checks can still run on it, in the same run, to
    /// report reference and name errors too (their diagnostics about the names left out
    /// would be follow-ups, and are for the caller to drop).
    pub partial: Option<(Model, Vec<String>)>,
    /// The model's top-level `targets`, `None` when it names none.
    pub targets: Option<Vec<Spanned<String>>>,
    /// The model's `[[patches]]`, an environment's after the model's own.
    pub patches: Vec<ir::patch::Patch>,
}

/// [`parse`], with the model's `targets`, and the valid part of a model with schema errors.
pub fn parse_with_targets(
    file: FileId,
    text: &str,
    environment: Option<&str>,
    read_file: crate::manifest::ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Parsed {
    let errors_before = diags.error_count();
    let Some(mut root) = syntax::parse(file, text, diags) else {
        return Parsed::default();
    };
    secrets::conceal(file, &root, diags);
    overlay::apply(file, &mut root, environment, diags);
    let broken = validate::check_model(file, &root, diags);
    let targets = targets::read(file, &root, diags);
    let patches = patches::read(file, text, &root, read_file, diags);
    // Every error so far is in a resource's or parameter's own table.
    let only_broken = diags.error_count() - errors_before == broken.errors;
    let model = lower::lower(file, text, root, read_file, diags);
    if diags.error_count() == errors_before {
        return Parsed {
            model,
            partial: None,
            targets,
            patches,
        };
    }
    let partial = model.filter(|_| only_broken).map(|mut model| {
        model
            .resources
            .retain(|r| !broken.names.contains(&r.name.value));
        model
            .parameters
            .retain(|p| !broken.names.contains(&p.name.value));
        (model, broken.names)
    });
    Parsed {
        model: None,
        partial,
        targets,
        patches,
    }
}

/// The names of the model's `[environments.<env>]`, in its order; none when the text is not
/// valid TOML (compiling it reports why).
pub fn environments(text: &str) -> Vec<String> {
    let mut scratch = Diagnostics::new();
    syntax::parse(FileId(0), text, &mut scratch)
        .and_then(|root| {
            let environments = root.get("environments")?.as_table()?;
            Some(
                environments
                    .entries()
                    .iter()
                    .map(|(key, _)| key.name.to_string())
                    .collect(),
            )
        })
        .unwrap_or_default()
}

/// For the differential fuzz target (`tests/fuzz`, `toml_paths`): whether the streaming tree
/// builder agrees with the `toml` crate on `text`, whole and cut in pieces (see
/// `stream::compare_with_toml`). Not part
/// of the API.
#[doc(hidden)]
pub fn fast_path_disagreement(text: &str) -> Option<String> {
    stream::compare_with_toml(text).err()
}

/// The JSON Schema (draft 2020-12) of `model.toml`, for editors (`aspirec schema`).
pub fn json_schema() -> serde_json::Value {
    json::schema()
}

#[cfg(test)]
mod tests;
