//! Fuzz target: the `model.toml` front end alone (parse, lower, environment overlay), with and
//! without `--env`, then the diagnostics rendered, since the renderer slices the input by the
//! front end's spans. Any panic is a bug: every failure must be a diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // `prod` is the overlay name the seed models use; `nope` exercises the unknown-environment path.
    for environment in [None, Some("prod"), Some("nope")] {
        let mut sources = ir::SourceMap::new();
        let file = sources.add("model.toml", text);
        let mut diags = ir::Diagnostics::new();
        let model = aspirec::model_toml::parse(file, text, environment, &mut diags);
        let diagnostics = diags.into_sorted();
        let _ = aspirec::render::human(&sources, &diagnostics, false);
        let _ = aspirec::render::json(&sources, &diagnostics);
        if diagnostics.iter().any(ir::Diagnostic::is_error) {
            continue;
        }
        // No error means a model: the front end must never fail silently.
        assert!(model.is_some(), "no model and no error");
    }
});
