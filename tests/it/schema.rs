//! `aspirec schema`: the JSON Schema generated from the front end's own schema description
//! must accept every example model, ok fixture and CLI fixture (`tests/fixtures/cli`), and reject the bad-input fixtures whose
//! problem is a schema error (unknown key, wrong type, missing key, unknown resource type).

use crate::{files_in, root};

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&aspirec::model_toml::json_schema()).unwrap()
}

/// TOML to the JSON data model editors validate (datetimes do not occur in models).
fn as_json(text: &str) -> Option<serde_json::Value> {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| serde_json::to_value(t).ok())
}

#[test]
fn schema_accepts_every_valid_model() {
    let validator = validator();
    let mut inputs = files_in(&root().join("tests/models"), ".toml");
    inputs.extend(files_in(&root().join("tests/fixtures/ok"), ".toml"));
    inputs.extend(files_in(&root().join("tests/fixtures/cli"), ".toml"));
    for input in inputs {
        let json = as_json(&std::fs::read_to_string(&input).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", input.display());
    }
}

#[test]
fn schema_rejects_fixtures_with_schema_errors() {
    let validator = validator();
    let schema_codes = ["[E0201]", "[E0202]", "[E0203]", "[E0204]"];
    let mut checked = 0;
    for input in files_in(&root().join("tests/fixtures/err"), ".toml") {
        let case = crate::case_name(&input);
        let Ok(snapshot) =
            std::fs::read_to_string(root().join(format!("snapshots/diagnostics/{case}.snap")))
        else {
            continue;
        };
        // Only fixtures whose errors are all schema errors, and that are valid TOML.
        let errors: Vec<&str> = snapshot
            .lines()
            .filter(|l| l.starts_with("error["))
            .collect();
        if errors.is_empty()
            || !errors
                .iter()
                .all(|l| schema_codes.iter().any(|c| l.contains(c)))
        {
            continue;
        }
        let text = std::fs::read_to_string(&input).unwrap();
        if crate::directives(&input, &text).environment.is_some() {
            continue; // overlays are applied before checking; the schema sees the file as written
        }
        let Some(json) = as_json(&text) else { continue };
        assert!(
            !validator.is_valid(&json),
            "the schema accepts {}",
            input.display()
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "only {checked} schema-error fixtures were checked"
    );
}
