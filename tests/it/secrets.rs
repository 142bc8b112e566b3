//! No secret value reaches an emitted file. Every secret parameter of every example model is
//! given a literal, unique value through an environment overlay (the only way a model can
//! carry one), then every file of every target is scanned for those values.

use crate::{files_in, root};

#[test]
fn secret_values_never_reach_any_artifact() {
    let mut scanned = 0;
    for input in files_in(&root().join("tests/models"), ".toml") {
        let text = std::fs::read_to_string(&input).unwrap();
        let plain = aspirec::compile(
            "model.toml",
            text.as_bytes(),
            &aspirec::CompileOptions::default(),
        );
        let model = plain
            .model
            .as_ref()
            .unwrap_or_else(|| panic!("{}:\n{}", input.display(), plain.render_diagnostics()));
        let secrets: Vec<(String, String)> = model
            .parameters()
            // A parameter with `generate` cannot also take a value (E0501), so it gets none.
            .filter(|(_, p)| {
                p.secret && p.origin == ir::ParamOrigin::Declared && p.generate.is_none()
            })
            .enumerate()
            .map(|(i, (_, p))| (p.name.clone(), format!("Leak-Marker-{i}-Zq8$(x)${{y}}")))
            .collect();
        if secrets.is_empty() {
            continue;
        }
        let mut overlay = format!("{text}\n[environments.secret-scan]\n");
        for (name, value) in &secrets {
            overlay.push_str(&format!("parameters.{name} = '{value}'\n"));
        }
        let options = aspirec::CompileOptions {
            targets: aspirec::targets::all().to_vec(),
            environment: Some("secret-scan".into()),
            ..Default::default()
        };
        let compilation = aspirec::compile("model.toml", overlay.as_bytes(), &options);
        assert!(
            !compilation.has_errors(),
            "{}:\n{}",
            input.display(),
            compilation.render_diagnostics()
        );
        assert!(
            compilation
                .diagnostics
                .iter()
                .any(|d| d.code == ir::codes::SECRET_LITERAL_DEFAULT),
            "a literal secret default must be warned about"
        );
        for (target, artifacts) in &compilation.artifacts {
            for (path, contents) in artifacts.iter() {
                for (name, value) in &secrets {
                    // The distinctive middle of the marker, in case a target escapes the rest.
                    assert!(
                        !contents.contains("Leak-Marker-"),
                        "{target}/{path} contains the value of secret `{name}` ({value})"
                    );
                }
                scanned += 1;
            }
        }
    }
    assert!(scanned > 0, "no artifact was scanned");
}
