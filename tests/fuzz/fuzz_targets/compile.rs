//! Fuzz target: the whole pipeline (`aspirec::compile` with every target, either front end by
//! content, raw bytes so invalid UTF-8 is covered too), then everything the CLI derives from a
//! compilation: rendered diagnostics, `inspect`, and both graph formats. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let all = aspirec::targets::all().to_vec();
    let plain = aspirec::CompileOptions { targets: all.clone(), ..Default::default() };
    // The second run takes the paths only options open: an overlay (model.toml only: a manifest
    // rejects `--env` up front, which would hide the rest) and `--allow-unsupported`.
    let manifest = data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let overlaid = aspirec::CompileOptions {
        targets: all,
        environment: (!manifest).then(|| "prod".to_string()),
        allow_unsupported: true,
        ..Default::default()
    };
    for options in [plain, overlaid] {
        let compilation = aspirec::compile("model.toml", data, &options);
        let _ = compilation.render_diagnostics();
        let _ = aspirec::render::json(&compilation.sources, &compilation.diagnostics);
        if let Some(model) = &compilation.model {
            let _ = aspirec::inspect::to_json(model);
            let _ = aspirec::graph::dot(model);
            let _ = aspirec::graph::mermaid(model);
        }
        if !compilation.has_errors() {
            assert_eq!(compilation.artifacts.len(), options.targets.len(), "no error, yet a target produced nothing");
        }
    }
});
