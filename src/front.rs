//! Input: decodes the bytes, chooses the front end by content (a JSON object is an Aspire
//! manifest, anything else is `model.toml`), and returns the declared model.

use ir::model::Model;
use ir::{Diagnostics, SourceMap, Span, Spanned, codes};

/// What a front end read.
pub struct Loaded {
    /// The declared model, if it could be built.
    pub model: Option<Model>,
    /// Whether the strict model.toml naming rule applies (not to Aspire manifests).
    pub strict_names: bool,
    /// The targets the model names (model.toml's `targets`); `None` when it names none.
    pub targets: Option<Vec<Spanned<String>>>,
    /// A model.toml with schema errors only in some resources and parameters: the model
    /// without them and their names (see [`crate::model_toml::Parsed::partial`]).
    pub partial: Option<(Model, Vec<String>)>,
    /// The model's patches (model.toml's `[[patches]]`; an Aspire manifest has none).
    pub patches: Vec<ir::patch::Patch>,
}

/// Loads one input file into `sources` and parses it, reading no other file.
pub fn load(
    sources: &mut SourceMap,
    name: &str,
    bytes: &[u8],
    environment: Option<&str>,
    diags: &mut Diagnostics,
) -> Loaded {
    load_with(sources, name, bytes, environment, &no_file, diags)
}

/// The reader of a model read without its folder.
pub(crate) fn no_file(_: &str) -> Result<String, String> {
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
) -> Loaded {
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
            return Loaded {
                model: None,
                strict_names: true,
                targets: None,
                partial: None,
                patches: Vec::new(),
            };
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file = sources.add(name, text);
    if is_manifest(text) {
        Loaded {
            model: crate::manifest::parse_with(file, text, environment, read_file, diags),
            strict_names: false,
            targets: None,
            partial: None,
            patches: Vec::new(),
        }
    } else {
        let parsed =
            crate::model_toml::parse_with_targets(file, text, environment, read_file, diags);
        Loaded {
            model: parsed.model,
            strict_names: true,
            targets: parsed.targets,
            partial: parsed.partial,
            patches: parsed.patches,
        }
    }
}

/// The environments a model defines (`[environments.<env>]` of a model.toml), in its order;
/// none for an Aspire manifest, or for input the front end cannot read (compiling it reports
/// why).
pub fn environments(bytes: &[u8]) -> Vec<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) if !is_manifest(text) => {
            crate::model_toml::environments(text.strip_prefix('\u{feff}').unwrap_or(text))
        }
        _ => Vec::new(),
    }
}

/// A JSON object (first non-blank character `{`) is a manifest; TOML cannot start with `{`.
fn is_manifest(text: &str) -> bool {
    text.trim_start().starts_with('{')
}
