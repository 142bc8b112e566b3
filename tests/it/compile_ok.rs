//! Inputs that must compile: every example model, ok fixture and repository manifest with
//! every target (see [`targets_for`] for the exceptions), and the real manifests of
//! `../shared/corpus` with the Kubernetes, Helm and Compose targets (their Azure-only
//! resources left out).
//! Each (input, target) output is a reviewed snapshot in `snapshots/<target>/<case>.snap`
//! (`snapshots/corpus/<target>/` for the corpus); the checked model is snapshotted as
//! `aspirec inspect` JSON in `snapshots/inspect/` (`snapshots/corpus/inspect/`).
//!
//! The corpus tests are `#[ignore]`d so that `cargo test` passes on a clone without
//! `../shared`; `.ci/run` runs them with `--ignored`, where a missing corpus fails.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use crate::{artifacts_text, case_name, compile_file, corpus, ok_inputs, snapshot_settings};

fn is_manifest(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".json")
}

/// The targets an input is published to in tests: every target, but only Kubernetes, Helm and
/// Compose for the corpus (its Azure-only resources are left out, which the Azure targets
/// would publish as parameters of nothing), and only Bicep for a manifest named `bicep-*` (its
/// Azure Bicep modules, with their files beside it, are deployed by the bicep target alone).
/// The repository's `allow-unsupported-*` manifests are built for every target, as `.ci/run`
/// validates them.
pub(crate) fn targets_for(path: &Path) -> Vec<&'static dyn ir::Publisher> {
    let display = crate::display_name(path);
    let ids: &[&str] = if GCP_UNSUPPORTED.contains(&display.as_str()) {
        return aspirec::targets::all()
            .iter()
            .copied()
            .filter(|t| t.id() != "terraform-gcp")
            .collect();
    } else if !is_manifest(path) {
        return aspirec::targets::all().to_vec();
    } else if case_name(path).starts_with("bicep-") {
        &["bicep"]
    } else if display.starts_with("shared/") {
        &["k8s", "helm", "compose"]
    } else {
        return aspirec::targets::all().to_vec();
    };
    ids.iter()
        .filter_map(|id| aspirec::targets::by_id(id))
        .collect()
}

/// The inputs that Cloud Run cannot run as written (integrations with no managed service there,
/// containers that serve no HTTP, a second port, a named volume, a job with a folder of files,
/// an image from a registry with credentials):
/// terraform-gcp reports them (E0702, E0704), so the every-target tests leave that target
/// out, and [`gcp_unsupported_inputs_report_then_build_with_allow_unsupported`] checks the
/// report and snapshots the output `--allow-unsupported` gives, as `.ci/run` validates it.
pub(crate) const GCP_UNSUPPORTED: [&str; 6] = [
    "tests/models/integrations.toml",
    "tests/models/production.toml",
    "tests/manifests/bookstore.aspire-manifest.json",
    "tests/manifests/media-pipeline.aspire-manifest.json",
    "tests/manifests/ticketing.aspire-manifest.json",
    "tests/manifests/weather-kiosk.aspire-manifest.json",
];

#[test]
fn gcp_unsupported_inputs_report_then_build_with_allow_unsupported() {
    let gcp = || vec![aspirec::targets::by_id("terraform-gcp").unwrap()];
    for display in GCP_UNSUPPORTED {
        let input = crate::root().join(display);
        let strict = compile_file(&input, gcp());
        let errors: Vec<&ir::Diagnostic> =
            strict.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(
            !errors.is_empty(),
            "{display} builds for terraform-gcp: take it off the list"
        );
        for error in &errors {
            assert!(
                ["E0702", "E0704"].contains(&error.code.id)
                    && error.primary.span != ir::Span::DETACHED,
                "{display}: {}",
                strict.render_diagnostics()
            );
        }
        let allowed = crate::compile_file_with(&input, gcp(), true);
        assert!(
            !allowed.has_errors(),
            "{display}:\n{}",
            allowed.render_diagnostics()
        );
        let left_out = allowed
            .diagnostics
            .iter()
            .filter(|d| d.code.id == "W0701")
            .count();
        assert_eq!(left_out, errors.len(), "{display}: one W0701 per error");
        let case = case_name(&input);
        for (target, artifacts) in &allowed.artifacts {
            snapshot_settings(target, &input)
                .bind(|| insta::assert_snapshot!(case.as_str(), artifacts_text(artifacts)));
        }
    }
}

/// Runs `check` for every input and fails once at the end, listing every failing case, so
/// one broken case does not hide the others.
pub(crate) fn for_each_input(check: impl Fn(&Path)) {
    for_each_input_in(&ok_inputs(), check);
}

/// [`for_each_input`] over the given inputs.
pub(crate) fn for_each_input_in(inputs: &[std::path::PathBuf], check: impl Fn(&Path)) {
    let mut failures = Vec::new();
    for input in inputs {
        if catch_unwind(AssertUnwindSafe(|| check(input))).is_err() {
            failures.push(crate::display_name(input));
        }
    }
    assert!(
        failures.is_empty(),
        "failing inputs:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn ok_inputs_compile_and_match_their_snapshots() {
    for_each_input(|input| compile_and_snapshot(input, ""));
}

#[test]
#[ignore = "reads ../shared/corpus; .ci/run runs it with --ignored"]
fn corpus_manifests_compile_and_match_their_snapshots() {
    for_each_input_in(&corpus(), |input| compile_and_snapshot(input, "corpus/"));
}

/// Compiles `input` and compares each target's files and the checked model with their
/// snapshots under `snapshots/<suite_prefix><target>/`.
fn compile_and_snapshot(input: &Path, suite_prefix: &str) {
    let compilation = compile_file(input, targets_for(input));
    assert!(
        !compilation.has_errors(),
        "{}:\n{}",
        input.display(),
        compilation.render_diagnostics()
    );
    let case = case_name(input);
    for (target, artifacts) in &compilation.artifacts {
        snapshot_settings(&format!("{suite_prefix}{target}"), input)
            .bind(|| insta::assert_snapshot!(case.as_str(), artifacts_text(artifacts)));
    }
    let model = compilation.model.as_ref().unwrap();
    let inspect = serde_json::to_string_pretty(&aspirec::inspect::to_json(model)).unwrap();
    snapshot_settings(&format!("{suite_prefix}inspect"), input)
        .bind(|| insta::assert_snapshot!(case.as_str(), inspect));
}

#[test]
fn builds_are_byte_identical() {
    for_each_input(assert_byte_identical);
}

#[test]
#[ignore = "reads ../shared/corpus; .ci/run runs it with --ignored"]
fn corpus_builds_are_byte_identical() {
    for_each_input_in(&corpus(), assert_byte_identical);
}

fn assert_byte_identical(input: &Path) {
    let first = compile_file(input, targets_for(input));
    let second = compile_file(input, targets_for(input));
    assert_eq!(first.artifacts, second.artifacts, "{}", input.display());
}

#[test]
fn every_target_produces_files_for_every_example_model() {
    for input in crate::files_in(&crate::root().join("tests/models"), ".toml") {
        let compilation = compile_file(&input, targets_for(&input));
        let ids: Vec<&str> = compilation
            .artifacts
            .iter()
            .map(|(id, a)| if a.is_empty() { "" } else { *id })
            .collect();
        let expected = [
            "k8s",
            "helm",
            "compose",
            "terraform",
            "bicep",
            "terraform-aws",
            "terraform-gcp",
        ];
        let expected: Vec<&str> = expected
            .into_iter()
            .filter(|id| {
                *id != "terraform-gcp"
                    || !GCP_UNSUPPORTED.contains(&crate::display_name(&input).as_str())
            })
            .collect();
        assert_eq!(ids, expected, "{}", input.display());
    }
}
