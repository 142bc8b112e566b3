//! No secret value reaches an emitted file or a diagnostic. Every secret parameter of every
//! example model is given a literal, unique value through an environment overlay (as `--env`
//! applies it), then every file of every target and the diagnostics in both formats are
//! scanned for those values.

use crate::{files_in, root};

#[test]
fn secret_values_never_reach_any_artifact() {
    let mut scanned = 0;
    for input in files_in(&root().join("tests/models"), ".toml") {
        let text = std::fs::read_to_string(&input).unwrap();
        let plain = aspirec::compile(
            "model.toml",
            text.as_bytes(),
            &aspirec::CompileOptions {
                // The model's `files` are read beside it.
                read_file: Some(aspirec::files_beside(&input)),
                ..Default::default()
            },
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
            // What Cloud Run cannot run is left out of those inputs (the other targets have
            // nothing to leave out of them).
            allow_unsupported: crate::compile_ok::GCP_UNSUPPORTED
                .contains(&crate::display_name(&input).as_str()),
            environment: Some("secret-scan".into()),
            read_file: Some(aspirec::files_beside(&input)),
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
        // Nor any diagnostic, in either format: W0501 points at the value it warns about.
        let human = compilation.render_diagnostics();
        let json =
            aspirec::render::json(&compilation.sources, &compilation.diagnostics).to_string();
        for text in [&human, &json] {
            assert!(
                !text.contains("Leak-Marker-"),
                "{}:\n{text}",
                input.display()
            );
        }
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

/// A manifest's secret default and a model's secret value, whatever diagnostic shows their
/// line, are masked in both formats (the snippets of `tests/fixtures/err` show how).
#[test]
fn secret_literals_never_reach_a_diagnostic() {
    let manifest = r#"{"resources":{"pw":{"type":"parameter.v0","value":"{pw.inputs.value}","inputs":{"value":{"type":"string","secret":true,"default":{"value":"Leak-Marker-m","bogus":1}}}},"x":{"type":"container.v0","image":"nginx","env":{"PW":"{pw.value}"}}}}"#;
    let model = "name = \"shop\"\n[parameters]\npw = { secret = true, value = 'Leak-Marker-t', bogus = 1 }\nother = { secret = true, value = \"\"\"\nLeak-Marker-multi\nline\"\"\" }\n[environments]\nprod = { parameters = { other = 'Leak-Marker-env' }, typo = 1 }\n";
    for (name, text) in [("aspire-manifest.json", manifest), ("model.toml", model)] {
        for environment in [None, Some("prod")] {
            let options = aspirec::CompileOptions {
                environment: environment.map(str::to_string),
                ..Default::default()
            };
            let compilation = aspirec::compile(name, text.as_bytes(), &options);
            assert!(!compilation.diagnostics.is_empty(), "{name}");
            let human = compilation.render_diagnostics();
            let json =
                aspirec::render::json(&compilation.sources, &compilation.diagnostics).to_string();
            for shown in [&human, &json] {
                assert!(!shown.contains("Leak-Marker"), "{name}:\n{shown}");
            }
            assert!(
                human.contains("********"),
                "{name}: nothing masked:\n{human}"
            );
        }
    }
}

/// A private registry's password (production.toml's `ghcr-token`, given a literal value by an
/// overlay) is in no emitted file: each target names the credential instead, by the pull
/// Secret (Kubernetes, Helm), the container-app secret that a deploy-time variable fills
/// (Terraform, Bicep), or `docker login` (Compose).
#[test]
fn registry_passwords_are_referenced_by_name_only() {
    let input = root().join("tests/models/production.toml");
    let text = std::fs::read_to_string(&input).unwrap();
    let marker = "Registry-Token-Marker-7f3a";
    let overlay =
        format!("{text}\n[environments.registry-scan]\nparameters.ghcr-token = '{marker}'\n");
    let compilation = aspirec::compile(
        "model.toml",
        overlay.as_bytes(),
        &aspirec::CompileOptions {
            targets: aspirec::targets::all().to_vec(),
            environment: Some("registry-scan".into()),
            read_file: Some(aspirec::files_beside(&input)),
            // Cloud Run cannot pull with a registry password: terraform-gcp leaves the
            // credentials (and the rest it cannot run, see GCP_UNSUPPORTED) out, and so
            // writes no password either.
            allow_unsupported: true,
            ..Default::default()
        },
    );
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics()
    );
    let mut expected = vec![
        ("k8s", "api.yaml", "name: \"ghcr-pull-secret\""),
        (
            "k8s",
            "kustomization.yaml",
            "kubectl create secret docker-registry ghcr-pull-secret",
        ),
        (
            "helm",
            "prod/values.yaml",
            "pullSecret: \"ghcr-pull-secret\"",
        ),
        (
            "terraform",
            "main.tf",
            "password_secret_name = \"registry-ghcr-password\"",
        ),
        ("terraform", "main.tf", "value = var.ghcr_token"),
        (
            "bicep",
            "main.bicep",
            "passwordSecretRef: 'registry-ghcr-password'",
        ),
        ("compose", "compose.yaml", "run `docker login ghcr.io`"),
        (
            "terraform-aws",
            "main.tf",
            "credentialsParameter = aws_secretsmanager_secret.api_registry.arn",
        ),
        ("terraform-aws", "main.tf", "password = var.ghcr_token"),
    ];
    for (target, artifacts) in &compilation.artifacts {
        for (path, contents) in artifacts.iter() {
            assert!(
                !contents.contains(marker),
                "{target}/{path} contains the registry password"
            );
            expected.retain(|(t, p, needle)| {
                !(*t == &**target && path.ends_with(p) && contents.contains(needle))
            });
        }
    }
    assert!(expected.is_empty(), "not referenced by name: {expected:?}");
}
