//! The `aspirec` binary: reads the model, runs [`aspirec::compile`], renders diagnostics,
//! writes or checks the output, and maps the outcome to an exit status
//! (0 success, 1 model errors or a `--check` difference, 2 usage or IO errors).

mod cli;
mod envs;
mod input;
mod report;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{CommandFactory, Parser};

use aspirec::{Compilation, CompileOptions, output, targets};
use cli::{Cli, Command, DiagnosticFormat, GraphFormat, Input};
use report::Report;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Check {
            input,
            emit,
            format,
            deny_warnings,
            all_envs,
        } => {
            let mut documents = report::Documents::new(all_envs);
            let mut seen = envs::Seen::default();
            let mut code = 0;
            for environment in envs::environments(&input, all_envs)? {
                let input = Input {
                    environment,
                    ..input.clone()
                };
                let options = CompileOptions {
                    deny_warnings,
                    ..options(&input, &emit)?
                };
                let mut compilation = compile_with(&input, options, &|_, _| false)?;
                code = code.max(u8::from(compilation.has_errors()));
                seen.leave_out(&mut compilation);
                let report = Report::new(&envs::label(&input), &compilation, format);
                documents.push(report, input.environment.as_deref());
                print_timings(&input, &compilation, &[]);
            }
            documents.finish()?;
            Ok(code)
        }
        Command::Build {
            input,
            emit,
            out,
            check,
            all_envs,
            format,
            deny_warnings,
            chart_version,
        } => {
            refuse_stdout(&out)?;
            // A command-line value has no position to point at: refused here, as a usage
            // error, as Helm would refuse the chart.
            if let Some(version) = chart_version
                .as_deref()
                .filter(|v| !aspirec_publish_kubernetes::valid_chart_version(v))
            {
                bail!(
                    "invalid --chart-version `{version}`: a chart version is a SemVer 2 version, such as 1.4.2"
                );
            }
            let build = Build {
                emit,
                check,
                all_envs,
                format,
                deny_warnings,
                chart_version,
            };
            let mut documents = report::Documents::new(all_envs);
            let mut seen = envs::Seen::default();
            let mut code = 0;
            // Every folder is decided before anything is written.
            let mut runs = Vec::new();
            for environment in envs::environments(&input, all_envs)? {
                let (folder, prefix) = match (&environment, all_envs) {
                    (Some(environment), true) => {
                        (envs::folder(&out, environment)?, format!("{environment}/"))
                    }
                    _ => (out.clone(), String::new()),
                };
                runs.push((environment, folder, prefix));
            }
            for (environment, folder, prefix) in runs {
                let input = Input {
                    environment,
                    ..input.clone()
                };
                let result = build.run(&input, &folder, &prefix, &mut seen, &mut documents);
                match result {
                    Ok(run) => code = code.max(run),
                    Err(error) => {
                        documents.finish()?;
                        return Err(error);
                    }
                }
            }
            documents.finish()?;
            Ok(code)
        }
        Command::Inspect { input } => {
            let compilation = compile_with(&input, options(&input, &[])?, &|_, _| false)?;
            Report::new(
                &display_name(&input.model),
                &compilation,
                DiagnosticFormat::Human,
            );
            let Some(model) = &compilation.model else {
                return Ok(1);
            };
            print_stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&aspirec::inspect::to_json(model))?
            ))?;
            Ok(0)
        }
        Command::Graph { input, format } => {
            let options = CompileOptions {
                targets: Vec::new(),
                model_targets: false,
                ..options(&input, &[])?
            };
            let compilation = compile_with(&input, options, &|_, _| false)?;
            Report::new(
                &display_name(&input.model),
                &compilation,
                DiagnosticFormat::Human,
            );
            let Some(model) = &compilation.model else {
                return Ok(1);
            };
            let text = match format {
                GraphFormat::Dot => aspirec::graph::dot(model),
                GraphFormat::Mermaid => aspirec::graph::mermaid(model),
            };
            print_stdout(&text)?;
            Ok(0)
        }
        Command::Schema => {
            print_stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&aspirec::model_toml::json_schema())?
            ))?;
            Ok(0)
        }
        Command::Completions { shell } => {
            let mut buffer = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "aspirec", &mut buffer);
            print_stdout(&String::from_utf8_lossy(&buffer))?;
            Ok(0)
        }
        Command::Explain { code } => explain(code.as_deref()),
    }
}

fn select_targets(emit: &[String]) -> anyhow::Result<Vec<&'static dyn ir::Publisher>> {
    let mut selected: Vec<&'static dyn ir::Publisher> = Vec::new();
    for name in emit {
        let name = name.trim();
        let found: Vec<&'static dyn ir::Publisher> = if name == "all" {
            targets::all().to_vec()
        } else {
            match targets::by_id(name) {
                Some(target) => vec![target],
                None => {
                    let known: Vec<&str> = targets::all().iter().map(|t| t.id()).collect();
                    bail!(
                        "unknown target `{name}`; expected one of: {}, all",
                        known.join(", ")
                    );
                }
            }
        };
        for target in found {
            if !selected.iter().any(|t| t.id() == target.id()) {
                selected.push(target);
            }
        }
    }
    // Keep the registry's order whatever the order of the flags.
    selected.sort_by_key(|t| targets::all().iter().position(|a| a.id() == t.id()));
    Ok(selected)
}

/// `--out -` is refused rather than creating a folder named `-`. Streaming to stdout was
/// not chosen: every target is several files, and some of them (kustomization.yaml,
/// `.env.example`, `main.bicepparam`) have no place in one stream; a tool that wants the
/// text can use `--format json` with a scratch folder, or read the files.
fn refuse_stdout(out: &Path) -> anyhow::Result<()> {
    if out.as_os_str() == "-" {
        bail!(
            "`--out -`: aspirec writes a folder of files per target and cannot stream them to standard output; give a folder (`--out ./-` for a folder named `-`)"
        );
    }
    Ok(())
}

/// The options `input` asks for, compiling for the targets `emit` names or, when it names
/// none, for those the model names (every target when it names none); the caller sets what
/// only some commands have.
fn options(input: &Input, emit: &[String]) -> anyhow::Result<CompileOptions> {
    Ok(CompileOptions {
        targets: if emit.is_empty() {
            targets::all().to_vec()
        } else {
            select_targets(emit)?
        },
        model_targets: emit.is_empty(),
        environment: input.environment.clone(),
        allow_unsupported: input.allow_unsupported,
        app_name: input.name.clone(),
        no_dashboard: input.no_dashboard,
        read_file: Some(aspirec::files_beside(&input.model)),
        ..CompileOptions::default()
    })
}

fn compile_with(
    input: &Input,
    options: CompileOptions,
    sink: aspirec::Sink<'_>,
) -> anyhow::Result<Compilation> {
    // A command-line value has no position to point at: refused here, as a usage error.
    if let Some(problem) = input
        .name
        .as_deref()
        .and_then(|n| ir::name_problem(n, true))
    {
        bail!(
            "invalid --name: {problem} (names match `[a-z][a-z0-9-]*` and have at most 40 characters)"
        );
    }
    let bytes = input::read_model(&input.model, input.max_input_size)?;
    Ok(aspirec::compile_with_sink(
        &display_name(&input.model),
        &bytes,
        &options,
        sink,
    ))
}

/// The model's name as the user wrote it, with `/` separators, so output is the same on every
/// machine and in every checkout (headers and diagnostics never hold absolute paths unless the
/// user passed one).
fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// What `build` was asked for, for each run of `--all-envs`.
struct Build {
    emit: Vec<String>,
    check: bool,
    all_envs: bool,
    format: DiagnosticFormat,
    deny_warnings: bool,
    chart_version: Option<String>,
}

impl Build {
    /// Compiles `input` and writes its artifacts to `out` (or compares them, `--check`);
    /// pushes the report into `documents`, its paths after `prefix` (`ENV/` for an
    /// environment of `--all-envs`). Returns the exit status.
    fn run(
        &self,
        input: &Input,
        out: &Path,
        prefix: &str,
        seen: &mut envs::Seen,
        documents: &mut report::Documents,
    ) -> anyhow::Result<u8> {
        let (check, format) = (self.check, self.format);
        let selected = options(input, &self.emit)?;
        let model_dir = output::model_dir_from_target(&input.model, out)
            .context("resolving the output folder")?;
        // One build at a time writes into `out` (`--check` writes nothing and takes no
        // lock); then what killed builds left there is removed.
        let _lock = if check {
            None
        } else {
            let lock = output::lock(out, output::wait_from_env()?, |path| {
                let _ = writeln!(
                    std::io::stderr(),
                    "waiting for another aspirec build into `{}` (it holds `{}`)",
                    out.display(),
                    path.display()
                );
            })?;
            let ids: Vec<&str> = targets::all().iter().map(|t| t.id()).collect();
            let removed = output::remove_leftovers(out, &ids)?;
            if removed > 0 && format == DiagnosticFormat::Human {
                let _ = writeln!(
                    std::io::stderr(),
                    "removed {removed} leftover(s) of interrupted builds under {}",
                    out.display()
                );
            }
            Some(lock)
        };
        // Targets whose folder does not exist yet are written as soon as they are
        // compiled, while the other publishers still run (`output::EarlyWriter`).
        let early = (!check).then(|| output::EarlyWriter::new(out));
        let early_timings = std::sync::Mutex::new(Vec::new());
        let sink = |target: &'static str, files: &ir::Artifacts| {
            let Some(early) = &early else {
                return false;
            };
            let start = Instant::now();
            let staged = early.stage(target, files);
            let took = start.elapsed();
            if let Ok(mut timings) = early_timings.lock() {
                timings.push((format!("write {target} (early)"), took));
            }
            staged
        };
        let options = CompileOptions {
            model_dir,
            deny_warnings: self.deny_warnings,
            chart_version: self.chart_version.clone(),
            ..selected
        };
        let mut compilation = compile_with(input, options, &sink)?;
        let failed = compilation.has_errors();
        seen.leave_out(&mut compilation);
        let mut report = Report::new(&envs::label(input), &compilation, format).with_prefix(prefix);
        let mut extra = early_timings
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if failed {
            if let Some(early) = early {
                early.abort();
            }
            documents.push(report, input.environment.as_deref());
            print_timings(input, &compilation, &extra);
            return Ok(1);
        }
        let start = Instant::now();
        let result = write_or_compare(out, &compilation, early, &mut report);
        if let Err(error) = &result {
            report.failed(error);
        }
        documents.push(report, input.environment.as_deref());
        let code = result?;
        let stage = if check { "compare" } else { "write" };
        extra.push((stage.to_string(), start.elapsed()));
        print_timings(input, &compilation, &extra);
        // The process ends now: freeing the model and every output text one allocation
        // at a time (10 ms and more for a large model) would only delay the exit, the
        // operating system takes the memory back at once (clang's `-disable-free`). With
        // `--all-envs` another run follows, which must not hold this one's memory too.
        if !self.all_envs {
            std::mem::forget(compilation);
        }
        Ok(code)
    }
}

/// `build` once the model compiled: writes the artifacts, or with `--check` (no `early`
/// writer) compares them with `out`. Returns the exit status.
fn write_or_compare(
    out: &Path,
    compilation: &Compilation,
    early: Option<output::EarlyWriter>,
    report: &mut Report,
) -> anyhow::Result<u8> {
    match early {
        None => {
            let differences = output::check(out, &compilation.artifacts)?;
            let files: usize = compilation.artifacts.iter().map(|(_, a)| a.len()).sum();
            let differing = differences
                .iter()
                .filter(|d| !matches!(d, output::Difference::Removed { .. }))
                .count();
            report.differences(out, &differences, files - differing)?;
            Ok(u8::from(!differences.is_empty()))
        }
        Some(early) => {
            let summary = output::write_with(out, &compilation.artifacts, early, &|_| Ok(()))?;
            report.written(&summary);
            Ok(0)
        }
    }
}

/// `--timings`: one line per stage, in milliseconds. Publishers run in parallel, so their times
/// overlap and the stages add up to more than the wall time.
fn print_timings(input: &Input, compilation: &Compilation, extra: &[(String, Duration)]) {
    if !input.timings {
        return;
    }
    let mut text = String::new();
    for (stage, took) in compilation.timings.iter().chain(extra) {
        text.push_str(&format!(
            "timing: {stage:<24} {:>9.1} ms\n",
            took.as_secs_f64() * 1e3
        ));
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn explain(code: Option<&str>) -> anyhow::Result<u8> {
    let text = match code {
        None => ir::codes::ALL
            .iter()
            .map(|c| format!("{} {}: {}\n", c.id, c.name, c.doc))
            .collect::<String>(),
        Some(key) => match ir::codes::lookup(key) {
            Some(c) => format!("{} {}\n\n{}\n", c.id, c.name, c.doc),
            None => bail!("unknown diagnostic code `{key}`"),
        },
    };
    print_stdout(&text)?;
    Ok(0)
}

/// Writes to stdout; a closed pipe (`aspirec inspect | head`) is not an error worth a panic.
pub(crate) fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}
