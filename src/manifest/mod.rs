//! The Aspire manifest front end: `aspire-manifest.json` to a declared [`Model`].
//!
//! - [`json`]: a JSON parser that keeps the span of every key and value.
//! - [`fields`]: typed access to JSON objects with the schema's diagnostics.
//! - [`expr`]: manifest strings to templates (the manifest's brace rules) and the
//!   `annotated.string` URI aliases.
//! - [`lower`]: the document and the dispatch on resource types; [`compute`], [`bicep`]
//!   and [`parameters`]: the resource types themselves.
//!
//! Each module documents the decisions it makes where the manifest and the model differ.

mod bicep;
mod compute;
mod expr;
mod fields;
mod json;
mod lower;
mod parameters;
#[cfg(test)]
mod tests;

use ir::model::Model;
use ir::{Diagnostics, FileId, Span, codes};

/// Reads a file the manifest refers to (an Azure Bicep module) by its path relative to the
/// manifest's folder: its text, or why it cannot.
pub type ReadFile<'a> = &'a (dyn Fn(&str) -> Result<String, String> + Sync);

/// Parses and lowers an `aspire-manifest.json` without reading any other file (a module's
/// file is then missing). `environment` (`--env`) is an error: a manifest is one resolved
/// environment already.
pub fn parse(
    file: FileId,
    text: &str,
    environment: Option<&str>,
    diags: &mut Diagnostics,
) -> Option<Model> {
    parse_with(file, text, environment, &no_files, diags)
}

/// The reader of a manifest read without its folder.
fn no_files(_: &str) -> Result<String, String> {
    Err("no file is read beside this manifest".to_string())
}

/// [`parse`], reading the files it refers to with `read_file`.
pub fn parse_with(
    file: FileId,
    text: &str,
    environment: Option<&str>,
    read_file: ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Option<Model> {
    if let Some(environment) = environment {
        diags
            .report(
                codes::UNKNOWN_ENVIRONMENT,
                Span::DETACHED,
                format!("`--env {environment}` does not apply to an Aspire manifest"),
            )
            .with_note("a manifest has no environments: the AppHost wrote it for one")
            .with_help("remove `--env`; publish the AppHost once per environment instead");
    }
    let root = json::parse(file, text, diags)?;
    lower::model(&root, read_file, diags)
}
