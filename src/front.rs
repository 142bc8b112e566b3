//! Input: decodes the bytes, chooses the front end by content (a JSON object is an Aspire
//! manifest, anything else is `model.toml`), and returns the declared model.

use ir::model::Model;
use ir::{Diagnostics, SourceMap, Span, codes};

/// Loads one input file into `sources` and parses it, reading no other file. Returns the
/// model (if it could be built) and whether the strict model.toml naming rule applies.
pub fn load(
    sources: &mut SourceMap,
    name: &str,
    bytes: &[u8],
    environment: Option<&str>,
    diags: &mut Diagnostics,
) -> (Option<Model>, bool) {
    load_with(sources, name, bytes, environment, &no_file, diags)
}

/// The reader of a model read without its folder.
fn no_file(_: &str) -> Result<String, String> {
    Err("the compilation reads no file beside the model".to_string())
}

/// [`load`], reading the files the input refers to (an Aspire manifest's Bicep modules) with
/// `read_file`.
pub fn load_with(
    sources: &mut SourceMap,
    name: &str,
    bytes: &[u8],
    environment: Option<&str>,
    read_file: crate::manifest::ReadFile<'_>,
    diags: &mut Diagnostics,
) -> (Option<Model>, bool) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let file = sources.add(name, lossy);
            diags
                .report(
                    codes::NOT_UTF8,
                    Span::new(file, valid, valid + 1),
                    "the input is not valid UTF-8",
                )
                .with_label("this byte is not part of a UTF-8 character")
                .with_help("save the file as UTF-8");
            return (None, true);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file = sources.add(name, text);
    if is_manifest(text) {
        (
            crate::manifest::parse_with(file, text, environment, read_file, diags),
            false,
        )
    } else {
        (
            crate::model_toml::parse(file, text, environment, diags),
            true,
        )
    }
}

/// A JSON object (first non-blank character `{`) is a manifest; TOML cannot start with `{`.
fn is_manifest(text: &str) -> bool {
    text.trim_start().starts_with('{')
}
