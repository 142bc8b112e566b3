//! aspirec's one integration-test binary: every case goes through the public pipeline
//! (`aspirec::compile` or the built `aspirec` binary), and file snapshots live in the
//! top-level `snapshots/<suite>/<case>.snap`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod azure;
mod cli;
mod compile_err;
mod compile_ok;
mod hardening;
mod output;
mod patches;
mod props;
mod schema;
mod secrets;
mod tidy;

use std::path::{Path, PathBuf};

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// insta settings shared by all file snapshots: one folder per suite under `snapshots/`,
/// named after the case, with the input file recorded in the header.
pub(crate) fn snapshot_settings(suite: &str, input: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots").join(suite));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(input);
    settings.set_omit_expression(true);
    settings
}

/// Options read from a fixture's header lines `#: key = value` (TOML syntax), or, for inputs
/// that cannot carry such lines (Aspire manifests are JSON), from the file name: a name that
/// starts with `allow-unsupported-`, after an optional `warn-`, turns on `--allow-unsupported`.
#[derive(Default)]
pub(crate) struct Directives {
    pub(crate) environment: Option<String>,
    pub(crate) allow_unsupported: bool,
}

pub(crate) fn directives(path: &Path, text: &str) -> Directives {
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with("#:"))
        .map(|l| format!("{}\n", l.trim_start_matches("#:").trim()))
        .collect();
    let table: toml::Table = toml::from_str(&header).unwrap();
    let case = case_name(path);
    let named_allow_unsupported = case
        .strip_prefix("warn-")
        .unwrap_or(&case)
        .starts_with("allow-unsupported-");
    Directives {
        environment: table
            .get("env")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        allow_unsupported: named_allow_unsupported
            || table
                .get("allow_unsupported")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false),
    }
}

/// Compiles a file with every target, as the CLI would, naming it relative to the repository.
pub(crate) fn compile_file(
    path: &Path,
    targets: Vec<&'static dyn ir::Publisher>,
) -> aspirec::Compilation {
    compile_file_with(path, targets, false)
}

/// [`compile_file`], with `--allow-unsupported` when `allow_unsupported` (or the input asks).
pub(crate) fn compile_file_with(
    path: &Path,
    targets: Vec<&'static dyn ir::Publisher>,
    allow_unsupported: bool,
) -> aspirec::Compilation {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let directives = directives(path, &text);
    let options = aspirec::CompileOptions {
        targets,
        environment: directives.environment,
        // The Aspire corpus holds Azure-only resources and executables: leave them out.
        allow_unsupported: allow_unsupported
            || directives.allow_unsupported
            || path.starts_with(root().join("../shared/corpus")),
        // As if built with `--out out` from the repository root.
        model_dir: format!("../../{}", display_name(path.parent().unwrap())),
        read_file: Some(aspirec::files_beside(path)),
        ..Default::default()
    };
    aspirec::compile(&display_name(path), &bytes, &options)
}

/// A path relative to the repository root, with `/`, for stable snapshots.
pub(crate) fn display_name(path: &Path) -> String {
    let shared = root().join("../shared");
    if let Ok(rel) = path.strip_prefix(&shared) {
        return format!("shared/{}", rel.to_string_lossy().replace('\\', "/"));
    }
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Files with `extension` directly inside `dir`, sorted.
pub(crate) fn files_in(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.to_string_lossy().ends_with(extension));
    files.sort();
    files
}

/// The case name of a fixture: its file name without extension(s).
pub(crate) fn case_name(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    name.split('.').next().unwrap().to_string()
}

/// Every input in the repository that must compile: the example models, the ok fixtures and
/// the repository's own Aspire manifests (`tests/manifests/`).
pub(crate) fn ok_inputs() -> Vec<PathBuf> {
    let mut inputs = files_in(&root().join("tests/models"), ".toml");
    inputs.extend(files_in(&root().join("tests/fixtures/ok"), ".toml"));
    inputs.extend(files_in(
        &root().join("tests/manifests"),
        ".aspire-manifest.json",
    ));
    inputs
}

/// The real Aspire manifests in `../shared/corpus`, which a clone of the repository does not
/// have: only the `#[ignore]`d corpus tests read them (`.ci/run` runs those), and a missing
/// or empty corpus fails them instead of letting them pass on nothing.
pub(crate) fn corpus() -> Vec<PathBuf> {
    let dir = root().join("../shared/corpus/aspire-manifests");
    let manifests = files_in(&dir, ".aspire-manifest.json");
    assert!(
        !manifests.is_empty(),
        "no Aspire manifests in {}: the corpus tests need ../shared beside the repository",
        dir.display()
    );
    manifests
}

/// All artifacts of a compilation as one reviewable text, file by file.
pub(crate) fn artifacts_text(artifacts: &ir::Artifacts) -> String {
    let mut out = String::new();
    for (path, contents) in artifacts.iter() {
        out.push_str(&format!("=== {path} ===\n{contents}"));
        if !contents.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[test]
fn no_forgotten_test_modules() {
    let main = std::fs::read_to_string(root().join("tests/it/main.rs")).unwrap();
    for file in files_in(&root().join("tests/it"), ".rs") {
        let name = case_name(&file);
        if name != "main" {
            assert!(
                main.contains(&format!("mod {name};")),
                "tests/it/{name}.rs is not declared in main.rs"
            );
        }
    }
}
