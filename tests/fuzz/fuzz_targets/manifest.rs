//! Fuzz target: the Aspire manifest front end alone (its spanned JSON parser and the lowering
//! of every resource type), then the diagnostics rendered from its spans. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = ir::SourceMap::new();
    let file = sources.add("aspire-manifest.json", text);
    let mut diags = ir::Diagnostics::new();
    let model = aspirec::manifest::parse(file, text, None, &mut diags);
    let diagnostics = diags.into_sorted();
    let _ = aspirec::render::human(&sources, &diagnostics, false);
    let _ = aspirec::render::json(&sources, &diagnostics);
    assert!(model.is_some() || diagnostics.iter().any(ir::Diagnostic::is_error), "no model and no error");
});
