//! `aspirec`: compiles an app model into deployment artifacts.
//!
//! The pipeline, each step pure except where noted:
//!
//! 1. [`front`]: bytes to a declared [`ir::model::Model`]: `model.toml` ([`model_toml`]) or an
//!    Aspire manifest ([`manifest`]), chosen by content; `--env` overlays are applied here.
//! 2. [`ir::check()`]: the passes (names, integration expansion, resolution, injection, the
//!    `wait_for` graph, target naming) give an [`ir::CheckedModel`] or diagnostics.
//! 3. [`ir::Publisher::publish`]: each target in [`targets`] turns the checked model into
//!    in-memory [`ir::Artifacts`].
//! 4. The binary writes files atomically ([`output`]) and renders diagnostics ([`render`]).
//!
//! [`compile`] runs steps 1 to 3 on in-memory input and performs no IO:
//!
//! ```
//! let model = r#"
//! name = "shop"
//!
//! [resources.cache]
//! type = "redis"
//!
//! [resources.api]
//! type = "container"
//! image = "ghcr.io/acme/api:1.0"
//! references = ["cache"]
//! endpoints.http = { target_port = 8080 }
//! "#;
//! let options = aspirec::CompileOptions { targets: aspirec::targets::all().to_vec(), ..Default::default() };
//! let compilation = aspirec::compile("model.toml", model.as_bytes(), &options);
//! assert!(!compilation.has_errors(), "{}", compilation.render_diagnostics());
//! let checked = compilation.model.as_ref().unwrap();
//! let (_, api, workload) = checked.workloads().find(|(_, r, _)| r.name == "api").unwrap();
//! assert!(workload.env.iter().any(|e| e.name == "ConnectionStrings__cache"));
//! # let _ = api;
//! ```
//!
//! Writing the files, and reporting the diagnostics, as the `aspirec` binary does:
//!
//! ```
//! use aspirec::{CompileOptions, Severity};
//!
//! let model = "name = \"shop\"\n[resources.web]\ntype = \"container\"\nimage = \"nginx:1.27\"\n";
//! let options = CompileOptions {
//!     targets: vec![aspirec::targets::by_id("compose").unwrap()],
//!     ..Default::default()
//! };
//! let compilation = aspirec::compile("model.toml", model.as_bytes(), &options);
//! for diagnostic in &compilation.diagnostics {
//!     let kind = if diagnostic.severity == Severity::Warning { "warning" } else { "error" };
//!     eprintln!("{kind} {}: {}", diagnostic.code.id, diagnostic.message);
//! }
//! if compilation.has_errors() {
//!     // Or `render::json` for tools.
//!     panic!("{}", aspirec::render::human(&compilation.sources, &compilation.diagnostics, false));
//! }
//! let out = std::env::temp_dir().join(format!("aspirec-doc-{}", std::process::id()));
//! // Atomic, and only ever touches files aspirec generated (see `output`).
//! let summary = aspirec::output::write(&out, &compilation.artifacts)?;
//! assert!(out.join("compose/compose.yaml").is_file());
//! println!("{summary}");
//! // `--check`: what differs between the artifacts and the folder.
//! assert!(aspirec::output::check(&out, &compilation.artifacts)?.is_empty());
//! # std::fs::remove_dir_all(&out)?;
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! The crate's default feature `cli` builds the binary; a library user can leave it out
//! (`default-features = false`) and go without clap and the binary's allocator.

/// The IR crate, for what this crate does not re-export.
pub use ir;
/// The types a caller of [`compile`] handles: diagnostics, the checked model, the files.
pub use ir::{
    Artifacts, CheckedModel, Diagnostic, Label, Omitted, Publisher, Severity, SourceMap, Span,
    group::Repeats,
};

pub mod front;
pub mod graph;
pub mod inspect;
pub mod manifest;
pub mod model_toml;
pub mod output;
mod parallel;
mod patch;
pub mod render;
pub mod targets;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ir::Diagnostics;

/// What to compile for.
#[derive(Clone, Default)]
pub struct CompileOptions {
    /// The publishers to run; their naming rules are also checked.
    pub targets: Vec<&'static dyn Publisher>,
    /// `--env`: the environment overlay to apply.
    pub environment: Option<String>,
    /// `--allow-unsupported`: leave out what a target cannot express, with a warning.
    pub allow_unsupported: bool,
    /// The model's folder as seen from a target's output folder (see
    /// [`ir::PublishOptions::model_dir`]); empty when the output folder is not known.
    pub model_dir: String,
    /// `--deny-warnings`: every warning is an error (for CI), so nothing is produced.
    pub deny_warnings: bool,
    /// `--name`: the application name instead of the model's (a manifest has none). It is
    /// checked like a `name` in model.toml; the error has no position.
    pub app_name: Option<String>,
    /// `--no-dashboard`: deploy no Aspire dashboard, whatever the model says (an Aspire manifest
    /// cannot say it: Aspire deploys one by default). Workloads then get OTEL variables only
    /// for an `otlp_endpoint` the model names.
    pub no_dashboard: bool,
    /// `--chart-version`: the Helm chart's version (see [`ir::PublishOptions::chart_version`]).
    pub chart_version: Option<String>,
    /// `targets` is only the default: a model that names its own (model.toml's top-level
    /// `targets`) is compiled for those instead. The command line sets it when no `--emit`
    /// is given.
    pub model_targets: bool,
    /// Reads the files the model refers to (an Aspire manifest's Bicep modules), by their
    /// path relative to the model's folder; `None` reads none (they are then missing).
    /// [`compile`] does no IO of its own: the binary passes [`files_beside`].
    pub read_file: Option<FileReader>,
}

/// Reads a file by its path relative to the model's folder: its text, or why it cannot. A
/// path that ends with `/` asks for a folder instead: the names of the files in it, one a
/// line, in name order. A folder read as a file is the error [`IS_A_FOLDER`].
pub type FileReader = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

/// What a [`FileReader`] answers for a folder read as a file.
pub const IS_A_FOLDER: &str = "it is a folder";

/// The largest file a [`FileReader`] of [`files_beside`] reads (the front ends bound what they
/// use of it further).
const MAX_FILE: u64 = 4 << 20;

/// The [`FileReader`] of the folder that holds `model` on disk.
pub fn files_beside(model: &Path) -> FileReader {
    let folder = model.parent().map(Path::to_path_buf).unwrap_or_default();
    Arc::new(move |path: &str| {
        let not_read = |error: std::io::Error| match error.kind() {
            std::io::ErrorKind::NotFound => "there is no such file".to_string(),
            _ => error.to_string(),
        };
        if let Some(path) = path.strip_suffix('/') {
            let path = folder.join(path);
            stays_inside(&folder, &path).map_err(not_read)?;
            return folder_listing(&folder, &path);
        }
        let path = folder.join(path);
        stays_inside(&folder, &path).map_err(not_read)?;
        let metadata = std::fs::metadata(&path).map_err(not_read)?;
        if metadata.is_dir() {
            return Err(IS_A_FOLDER.to_string());
        }
        if metadata.len() > MAX_FILE {
            return Err(format!("it is larger than {} MiB", MAX_FILE >> 20));
        }
        let bytes = std::fs::read(path).map_err(not_read)?;
        String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
    })
}

/// Refuses a path whose words stay in the model's folder (no `..`) but that a symbolic link
/// takes out of it: the text of what it reaches would be copied into the output (a mounted
/// config file), so a link in a repository must not make a build embed, say, a CI machine's
/// credentials. A path that leaves the folder in so many words is the front end's to judge.
fn stays_inside(model_folder: &Path, path: &Path) -> std::io::Result<()> {
    let relative = path.strip_prefix(model_folder).unwrap_or(path);
    let in_words = relative.components().all(|c| {
        matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    });
    if !in_words {
        return Ok(());
    }
    let root = std::fs::canonicalize(if model_folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        model_folder
    })?;
    if std::fs::canonicalize(path)?.starts_with(&root) {
        Ok(())
    } else {
        Err(std::io::Error::other(
            "a symbolic link takes it out of the model's folder",
        ))
    }
}

/// The names of the files in `folder`, one a line, sorted; a folder inside it is an error
/// (only the files directly in it are read, and none is left out without a word), and so is
/// a link out of the model's folder ([`stays_inside`]).
fn folder_listing(model_folder: &Path, folder: &Path) -> Result<String, String> {
    let entries = std::fs::read_dir(folder).map_err(|error| error.to_string())?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| error.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        stays_inside(model_folder, &entry.path())
            .map_err(|error| format!("`{name}` cannot be read: {error}"))?;
        if std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()) {
            return Err(format!(
                "it holds the folder `{name}`: only files directly in it can be mounted"
            ));
        }
        names.push(name);
    }
    names.sort();
    Ok(names.join("\n"))
}

/// The result of [`compile`].
pub struct Compilation {
    /// The input, for rendering diagnostics.
    pub sources: SourceMap,
    /// All diagnostics, sorted by position and de-duplicated.
    pub diagnostics: Vec<Diagnostic>,
    /// The checked model, when the model has no errors.
    pub model: Option<CheckedModel>,
    /// The artifacts of each target, by target id, when every stage succeeded.
    pub artifacts: Vec<(&'static str, Artifacts)>,
    /// How long each stage took (`aspirec --timings`): `front`, `check`, then `publish <target>`
    /// for each target, measured on the publisher's own thread.
    pub timings: Vec<(String, Duration)>,
    /// The ids of the targets compiled for and checked: [`CompileOptions::targets`], or the
    /// model's own with [`CompileOptions::model_targets`].
    pub targets: Vec<&'static str>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The diagnostics in the human format, without colour.
    pub fn render_diagnostics(&self) -> String {
        render::human(&self.sources, &self.diagnostics, false)
    }
}

/// The targets by publishing time at 10,000 services, slowest first (README, Benchmarks).
const SLOWEST_FIRST: [&str; 7] = [
    "helm",
    "bicep",
    "k8s",
    "terraform",
    "terraform-aws",
    "terraform-gcp",
    "compose",
];

/// Runs the publishers on a few worker threads (they are pure and share the model read-only),
/// and returns their results in the targets' order, so output and diagnostics do not depend
/// on scheduling. There are no more workers than cores: a publisher holds its output and its
/// intermediate structures until it ends, so running all four at once on two cores only
/// raised the peak memory (by about 400 MB at 10,000 services) without finishing sooner.
fn publish_all(
    model: &CheckedModel,
    targets: &[&'static dyn Publisher],
    options: &ir::PublishOptions,
    sink: Sink<'_>,
    deny_warnings: bool,
) -> Vec<(&'static str, Option<Artifacts>, Diagnostics, Duration)> {
    let run = |target: &'static dyn Publisher| {
        let start = Instant::now();
        // Grouping, as the driver's sink it is extended into: a rule every resource breaks
        // must not fill this target's cap.
        let mut diags = Diagnostics::grouping();
        // A panic is a bug; report it as one instead of taking the process down (and with it
        // the other targets' results).
        let files = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            target.publish(model, options, &mut diags)
        }))
        .unwrap_or_else(|_| {
            diags.push(Diagnostic::new(
                ir::codes::INTERNAL,
                Span::DETACHED,
                format!(
                    "the {} publisher panicked; this is a bug in aspirec",
                    target.id()
                ),
            ));
            None
        });
        let took = start.elapsed();
        let failed = diags.has_errors() || (deny_warnings && !diags.is_empty());
        let mut files = files;
        if let Some(files) = files.as_mut().filter(|_| !failed) {
            if sink(target.id(), files) {
                files.release_contents();
            }
        }
        (target.id(), files, diags, took)
    };
    // The slowest first, so that the last to finish is a short one and no core idles for
    // long at the end.
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by_key(|&index| {
        SLOWEST_FIRST
            .iter()
            .position(|id| *id == targets[index].id())
            .unwrap_or(SLOWEST_FIRST.len())
    });
    let mut results = parallel::map(&order, |&index| (index, run(targets[index])));
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Receives each target's artifacts on a publisher's thread as soon as that target is done
/// without errors, while other targets may still be publishing: so that the binary can start
/// writing early. Another target may still fail the compilation afterwards, so whatever a sink
/// does must be undoable. It returns whether it wrote the files where they stay: the
/// compilation then keeps only their paths ([`Artifacts::release_contents`]), which frees
/// that target's output while the others are printed.
pub type Sink<'a> = &'a (dyn Fn(&'static str, &Artifacts) -> bool + Sync);

/// Compiles one model file (`name` as the user wrote it, `bytes` its contents). No IO.
pub fn compile(name: &str, bytes: &[u8], options: &CompileOptions) -> Compilation {
    compile_with_sink(name, bytes, options, &|_, _| false)
}

/// [`compile`], handing each target's artifacts to `sink` as soon as they are ready.
pub fn compile_with_sink(
    name: &str,
    bytes: &[u8],
    options: &CompileOptions,
    sink: Sink<'_>,
) -> Compilation {
    let mut timings = Vec::new();
    let start = Instant::now();
    let mut sources = SourceMap::new();
    // The same problem at many places (a rule broken by every resource, in both Azure
    // targets) is one diagnostic with its places (`ir::group`).
    let mut diags = Diagnostics::grouping();
    let front::Loaded {
        model: declared,
        strict_names,
        targets: named,
        partial,
        patches,
    } = match &options.read_file {
        Some(reader) => front::load_with(
            &mut sources,
            name,
            bytes,
            options.environment.as_deref(),
            reader.as_ref(),
            &mut diags,
        ),
        None => front::load(
            &mut sources,
            name,
            bytes,
            options.environment.as_deref(),
            &mut diags,
        ),
    };
    let targets: Vec<&'static dyn Publisher> = match named.filter(|_| options.model_targets) {
        // Each was checked against the registry by the front end.
        Some(named) => named
            .iter()
            .filter_map(|t| targets::by_id(&t.value))
            .collect(),
        None => options.targets.clone(),
    };
    let declared = declared.map(|mut model| {
        if let Some(name) = &options.app_name {
            model.name = ir::Spanned::new(name.clone(), Span::DETACHED);
        }
        if options.no_dashboard {
            model.observability.dashboard = None;
        }
        model
    });
    if declared.is_none() && !diags.has_errors() {
        // A front end must explain why it produced nothing; never pass silently.
        diags.push(Diagnostic::new(
            ir::codes::INTERNAL,
            Span::DETACHED,
            "the front end produced no model and no error",
        ));
    }
    timings.push(("front".to_string(), start.elapsed()));
    let start = Instant::now();
    if let Some(model) = &declared {
        patch::refuse_secret_literals(model, &patches, &mut diags);
    }
    let checked = declared.filter(|_| !diags.has_errors()).and_then(|model| {
        let check_options = ir::CheckOptions {
            targets: &targets,
            allow_unsupported: options.allow_unsupported,
            strict_names,
        };
        ir::check(&model, &check_options, &mut diags)
    });
    if checked.is_some() {
        timings.push(("check".to_string(), start.elapsed()));
    }
    if let Some((model, left_out)) = partial {
        check_partial(
            &model,
            &left_out,
            &targets,
            options,
            strict_names,
            &mut diags,
        );
    }
    let mut compilation = Compilation {
        sources,
        diagnostics: Vec::new(),
        model: None,
        artifacts: Vec::new(),
        timings,
        targets: targets.iter().map(|t| t.id()).collect(),
    };
    if let Some(checked) = &checked {
        let publish_options = ir::PublishOptions {
            source_name: name.to_string(),
            environment: options.environment.clone(),
            allow_unsupported: options.allow_unsupported,
            model_dir: options.model_dir.clone(),
            chart_version: options.chart_version.clone(),
            targets: options.targets.iter().map(|t| t.id()).collect(),
            patches: patches.into(),
        };
        let mut artifacts = Vec::new();
        for (target, files, target_diags, took) in publish_all(
            checked,
            &targets,
            &publish_options,
            sink,
            options.deny_warnings,
        ) {
            compilation
                .timings
                .push((format!("publish {target}"), took));
            diags.extend(target_diags);
            if let Some(files) = files {
                artifacts.push((target, files));
            }
        }
        compilation.artifacts = artifacts;
    }
    // Secret values the front ends and passes found in the source: every rendering masks them.
    for span in diags.take_concealed() {
        compilation.sources.conceal(span);
    }
    let mut diagnostics = diags.into_sorted();
    if options.deny_warnings {
        deny(&mut diagnostics);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        compilation.artifacts.clear();
    }
    compilation.model = checked;
    compilation.diagnostics = diagnostics;
    compilation
}

/// Runs `ir`'s checks on the valid part of a model with schema errors (`left_out` are the
/// resources and parameters that had them), so that reference and name errors show in the
/// same run. What the checks say about a name left out (an unknown reference to it) is a
/// follow-up of its schema error, and dropped; nothing is published.
fn check_partial(
    model: &ir::model::Model,
    left_out: &[String],
    targets: &[&'static dyn Publisher],
    options: &CompileOptions,
    strict_names: bool,
    diags: &mut Diagnostics,
) {
    let mut found = diags.part();
    let check_options = ir::CheckOptions {
        targets,
        allow_unsupported: options.allow_unsupported,
        strict_names,
    };
    let _ = ir::check(model, &check_options, &mut found);
    let quoted: Vec<String> = left_out.iter().map(|name| format!("`{name}`")).collect();
    found.retain(|d| !quoted.iter().any(|name| d.message.contains(name.as_str())));
    diags.extend(found);
}

/// Makes every warning an error, saying why (`deny_warnings`).
fn deny(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics
        .iter_mut()
        .filter(|d| d.severity == Severity::Warning)
    {
        diagnostic.severity = Severity::Error;
        diagnostic
            .notes
            .push("warnings are denied (--deny-warnings)".to_string());
    }
}
