//! Property tests on generated models ([`model`]), and the fuzzers' regression inputs.
//!
//! - every generated model compiles for every target, twice to the same bytes;
//! - every env value known at compile time (literal text, and text around a non-secret
//!   parameter's default) reads back, through an independent parser and the target's own
//!   unescaping and substitution rules ([`readback`], [`unescape`]), as exactly the model's
//!   value, with no deploy-time input given;
//! - secret parameter values given through an environment overlay reach no emitted file;
//! - no input the fuzzers kept (`tests/fuzz/regressions/`) makes the compiler panic.
//!
//! 64 cases per property by default (`PROPTEST_CASES=N` for more). A failing case is saved,
//! shrunk, in `tests/it/props/proptest-regressions.txt` (committed, so it is replayed first
//! on every later run) and printed as model.toml text.

mod model;
mod readback;
mod toml_text;
mod unescape;

use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::root;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        // The leak property skips models that use no secret (about two in three).
        max_global_rejects: cases * 20,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/props/proptest-regressions.txt"
        )))),
        ..ProptestConfig::default()
    }
}

/// Compiles a generated model for every target. Cloud Run serves HTTP only, and a generated
/// model has TCP endpoints and brokers with no managed service there, which terraform-gcp reports
/// (E0702): that target alone is compiled with `--allow-unsupported`, and its artifacts and
/// diagnostics join the others'.
fn compile(text: &str, environment: Option<&str>) -> aspirec::Compilation {
    let options =
        |targets: Vec<&'static dyn ir::Publisher>, allow_unsupported| aspirec::CompileOptions {
            targets,
            environment: environment.map(str::to_string),
            allow_unsupported,
            ..Default::default()
        };
    let (gcp, others): (Vec<_>, Vec<_>) = aspirec::targets::all()
        .iter()
        .copied()
        .partition(|t| t.id() == GCP);
    let mut compilation = aspirec::compile("model.toml", text.as_bytes(), &options(others, false));
    let gcp = aspirec::compile("model.toml", text.as_bytes(), &options(gcp, true));
    compilation.artifacts.extend(gcp.artifacts);
    compilation.diagnostics.extend(gcp.diagnostics);
    compilation
}

/// The target compiled with `--allow-unsupported` in [`compile`].
const GCP: &str = "terraform-gcp";

/// Whether terraform-gcp left resource `name` out (W0701 naming it): its variables are then in
/// no file of that target.
fn left_out_of_gcp(compilation: &aspirec::Compilation, name: &str) -> bool {
    let quoted = format!("`{name}`");
    compilation.diagnostics.iter().any(|d| {
        d.code.id == "W0701"
            && d.message.contains("terraform-gcp")
            && d.message.starts_with(&quoted)
    })
}

/// Whether resource `name` of the model `text` is a Postgres or Redis, which terraform-gcp
/// hosts as Cloud SQL or Memorystore: its container's variables are in no file of that target.
fn managed_on_gcp(text: &str, name: &str) -> bool {
    ["postgres", "redis"]
        .iter()
        .any(|kind| text.contains(&format!("[resources.{name}]\ntype = \"{kind}\"\n")))
}

/// Compiles a generated model, failing the case (with the model text) on any error.
fn compile_ok(
    text: &str,
    environment: Option<&str>,
) -> Result<aspirec::Compilation, TestCaseError> {
    let compilation = compile(text, environment);
    prop_assert!(
        !compilation.has_errors() && compilation.artifacts.len() == aspirec::targets::all().len(),
        "a valid model failed to compile:\n{text}\n{}",
        compilation.render_diagnostics()
    );
    Ok(compilation)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_models_compile_for_every_target_deterministically(gene in model::model_gene()) {
        let spec = model::build(&gene);
        dump_for_fuzzing(&spec.text);
        let first = compile_ok(&spec.text, None)?;
        let second = compile_ok(&spec.text, None)?;
        for ((target, a), (_, b)) in first.artifacts.iter().zip(&second.artifacts) {
            for (path, contents) in a.iter() {
                prop_assert_eq!(Some(contents), b.get(path), "{}/{} differs between two runs of:\n{}", target, path, spec.text);
            }
            prop_assert_eq!(a.len(), b.len(), "{} emitted different file sets", target);
        }
        for (target, artifacts) in &first.artifacts {
            for (path, contents) in artifacts.iter() {
                if let Some(problem) = raw_text_problem(path, contents) {
                    prop_assert!(false, "{}/{}: {}; model:\n{}", target, path, problem, spec.text);
                }
            }
        }
    }

    #[test]
    fn env_values_read_back_exactly_in_every_target(gene in model::model_gene()) {
        let spec = model::build(&gene);
        let compilation = compile_ok(&spec.text, None)?;
        for (target, artifacts) in &compilation.artifacts {
            if *target == "compose" {
                // One folder per test process: two `cargo test` runs sharing a target folder
                // must not delete each other's files.
                let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join(format!("props-compose-{}", std::process::id()));
                if let Some(resolved) = readback::compose_cli(artifacts, &scratch) {
                    let resolved = resolved.map_err(|e| TestCaseError::fail(format!("{e}\nmodel:\n{}", spec.text)))?;
                    for (resource, var, expected) in &spec.expected {
                        let actual = resolved.iter().find(|(name, _)| name == var).map(|(_, v)| v);
                        prop_assert_eq!(
                            actual, Some(expected),
                            "docker compose config: env {} of {} differs; model:\n{}", var, resource, spec.text
                        );
                    }
                }
            }
            for (resource, var, expected) in &spec.expected {
                // Cloud Run sets PORT itself (see the target's README section).
                // A Postgres or Redis is a managed server there: a container's env has no place.
                if *target == GCP
                    && (var == "PORT"
                        || left_out_of_gcp(&compilation, resource)
                        || managed_on_gcp(&spec.text, resource))
                {
                    continue;
                }
                let actual = readback::env_value(target, artifacts, var);
                prop_assert_eq!(
                    actual.as_ref(),
                    Ok(expected),
                    "{}: env {} of {} does not read back as written; model:\n{}",
                    target, var, resource, spec.text
                );
            }
        }
    }

    #[test]
    fn secret_parameter_values_reach_no_emitted_file(gene in model::model_gene()) {
        let spec = model::build(&gene);
        let secrets: Vec<(&str, String)> = spec
            .params
            .iter()
            .filter(|(_, secret)| *secret)
            .enumerate()
            .map(|(i, (name, _))| (name.as_str(), format!("LEAK{i}q7Zx3Kp9")))
            .collect();
        // Only models that use a secret somewhere say anything about leaks.
        prop_assume!(secrets.iter().any(|(name, _)| spec.text.contains(&format!("{{{name}.value}}"))));
        // The marker's distinctive core, then hostile text, so that escaping of the rest
        // cannot hide a leak of the core.
        let mut text = format!("{}\n[environments.t]\n", spec.text);
        for (name, core) in &secrets {
            text.push_str(&format!("parameters.{name} = '{core}$(x)${{y}}{{z}}\"'\n"));
        }
        let compilation = compile_ok(&text, Some("t"))?;
        for (target, artifacts) in &compilation.artifacts {
            for (path, contents) in artifacts.iter() {
                for (name, core) in &secrets {
                    for needle in leak_needles(core) {
                        prop_assert!(
                            !contents.contains(&needle),
                            "{}/{} contains secret `{}` ({}); model:\n{}", target, path, name, needle, text
                        );
                    }
                }
            }
        }
    }
}

/// With `ASPIREC_PROPS_DUMP=DIR`, every generated model is also written to DIR: seeds for the
/// fuzzers (`tests/fuzz/run.sh`), which reach deep paths faster from valid models.
/// What must not appear raw in a generated file: in YAML, any character outside YAML's
/// printable set (which go-yaml, and so kustomize and kubectl, also refuse); in a comment line
/// of any file, any character `ir::text` escapes (controls, DEL, the byte order mark, bidi
/// controls, separators).
fn raw_text_problem(path: &str, contents: &str) -> Option<String> {
    let yaml_printable = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    if path.ends_with(".yaml") {
        if let Some(c) = contents.chars().find(|&c| !yaml_printable(c)) {
            return Some(format!("raw {c:?} in YAML"));
        }
    }
    for line in contents.lines() {
        let trimmed = line.trim_start();
        let comment = trimmed.starts_with('#') || trimmed.starts_with("//");
        if comment {
            if let Some(c) = line
                .chars()
                .find(|&c| c != '\t' && ir::text::is_unsafe_in_comment(c))
            {
                return Some(format!("raw {c:?} in the comment {line:?}"));
            }
        }
    }
    None
}

fn dump_for_fuzzing(text: &str) {
    if let Some(dir) = std::env::var_os("ASPIREC_PROPS_DUMP") {
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            std::path::Path::new(&dir).join(format!("gen-{hash:016x}.toml")),
            text,
        );
    }
}

/// The marker as it would appear written plainly or base64-encoded (a Kubernetes Secret's
/// `data`) at any of the three alignments it could have inside a longer encoded value.
fn leak_needles(core: &str) -> Vec<String> {
    let mut needles = vec![core.to_string()];
    for pad in 0..3 {
        let padded = format!("{}{core}", "\0".repeat(pad));
        let encoded = base64(padded.as_bytes());
        // Skip the characters that mix padding bits and the last, possibly partial, group.
        let start = (pad * 4).div_ceil(3);
        let end = (padded.len() / 3) * 4;
        if end > start + 4 {
            needles.push(encoded[start..end].to_string());
        }
    }
    needles
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

#[test]
fn base64_matches_the_rfc_examples() {
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64(b"fooba"), "Zm9vYmE=");
    assert_eq!(base64(b"foob"), "Zm9vYg==");
    let needles = leak_needles("LEAK0q7Zx3Kp9");
    let hidden = base64(b"Password=LEAK0q7Zx3Kp9;");
    assert!(
        needles.iter().skip(1).any(|n| hidden.contains(n.as_str())),
        "{needles:?} / {hidden}"
    );
}

/// Every input a fuzzer kept: compiled with every target, with and without an overlay and
/// `--allow-unsupported` (as the fuzz targets do), the diagnostics rendered; none may panic.
#[test]
fn fuzz_regressions_compile_without_panicking() {
    let dir = root().join("tests/fuzz/regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    inputs.retain(|p| p.is_file() && p.extension().is_some_and(|e| e != "md"));
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    let mut panics = Vec::new();
    for input in &inputs {
        let bytes = std::fs::read(input).unwrap();
        for (environment, allow_unsupported) in [(None, false), (Some("prod"), true)] {
            let options = aspirec::CompileOptions {
                targets: aspirec::targets::all().to_vec(),
                environment: environment.map(str::to_string),
                allow_unsupported,
                ..Default::default()
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let compilation = aspirec::compile("model.toml", &bytes, &options);
                let _ = compilation.render_diagnostics();
                let _ = aspirec::render::json(&compilation.sources, &compilation.diagnostics);
                if let Some(model) = &compilation.model {
                    let _ = aspirec::inspect::to_json(model);
                    let _ = aspirec::graph::dot(model);
                }
                compilation.has_errors() || !compilation.artifacts.is_empty()
            }));
            match outcome {
                Ok(true) => {}
                Ok(false) => panics.push(format!("{}: no error and no artifacts", input.display())),
                Err(_) => panics.push(format!(
                    "{} (env {environment:?}): panicked",
                    input.display()
                )),
            }
        }
    }
    assert!(panics.is_empty(), "{panics:#?}");
}

/// Scripts for `aspirec::output::fuzzing::run` (the fuzz target `output_record` runs the same
/// function on mutated bytes): links out of the output folder (absolute, relative, to `.`,
/// `..`, `/`, dangling), folders and user files where the record points, hostile record
/// entries, and leftovers of killed builds (real ones, and links with their names).
fn output_script() -> impl Strategy<Value = String> {
    const TREE: &[&str] = &[
        "l k8s/evil @",
        "l k8s/evil @/sub",
        "l k8s/rel ../../outside",
        "l k8s/dot .",
        "l k8s/up ..",
        "l k8s/root /",
        "l k8s/api.yaml @/api.yaml",
        "l k8s/dangling nowhere",
        "l k8s/.aspirec-generated @/important.txt",
        "l compose/k8s ../k8s",
        "l compose/o @",
        "d k8s/dir",
        "f k8s/dir/file.txt",
        "f k8s/notes.md",
        "f k8s/old.yaml",
        "d k8s/api.yaml",
        "f compose/old.yaml",
        "d .k8s.aspirec-staging-999999",
        "f .k8s.aspirec-staging-999999/x",
        "l .compose.aspirec-staging-999998 @",
        "f k8s/.api.yaml.aspirec-tmp-999999",
        "l k8s/.old.yaml.aspirec-tmp-999997 @/important.txt",
        "f .notes.aspirec-staging-1",
        "f k8s/.x.aspirec-tmp-abc",
    ];
    const ENTRIES: &[&str] = &[
        "evil/important.txt",
        "rel/important.txt",
        "evil",
        "evil/secret.txt",
        ".",
        "..",
        "/",
        "dir",
        "dir/file.txt",
        "old.yaml",
        "notes.md",
        "api.yaml",
        "../outside/important.txt",
        "evil/../notes.md",
        "/tmp/x",
        "sub/secret.txt",
        "dot/notes.md",
        "up/outside/important.txt",
        "root/tmp",
        "dangling",
        "./old.yaml",
        "dir//file.txt",
        "k8s/old.yaml",
        "o/important.txt",
        "",
        " ",
        "old.yaml\u{0}",
        "\u{202e}old.yaml",
        ".aspirec-generated",
    ];
    let line = prop_oneof![
        prop::sample::select(TREE).prop_map(str::to_string),
        (
            prop::sample::select(&["k8s", "compose"][..]),
            prop::sample::select(ENTRIES)
        )
            .prop_map(|(target, entry)| format!("r {target} {entry}")),
        (
            prop::sample::select(&["k8s", "compose"][..]),
            "[a-z./@ ]{0,12}"
        )
            .prop_map(|(target, entry)| format!("r {target} {entry}")),
    ];
    prop::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hostile_output_folders_lose_nothing_that_is_not_aspirecs(script in output_script()) {
        let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("props-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).unwrap();
        let result = aspirec::output::fuzzing::run(&script, &scratch);
        prop_assert!(result.is_ok(), "{}\nscript:\n{}", result.unwrap_err(), script);
    }
}
