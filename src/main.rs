//! The `aspirec` binary: reads the model, runs [`aspirec::compile`], renders diagnostics,
//! writes or checks the output, and maps the outcome to an exit status
//! (0 success, 1 model errors or a `--check` difference, 2 usage or IO errors).

mod cli;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{CommandFactory, Parser};

use aspirec::{Compilation, CompileOptions, output, render, targets};
use cli::{Cli, Command, DiagnosticFormat, GraphFormat, Input};

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
        Command::Check { input, format } => {
            let compilation = compile(&input, targets::all().to_vec())?;
            report(&input, &compilation, format)?;
            print_timings(&input, &compilation, None);
            Ok(u8::from(compilation.has_errors()))
        }
        Command::Build {
            input,
            emit,
            out,
            check,
            format,
        } => {
            let selected = select_targets(&emit)?;
            let model_dir = output::model_dir_from_target(&input.model, &out)
                .context("resolving the output folder")?;
            let compilation = compile_with(&input, selected, model_dir)?;
            report(&input, &compilation, format)?;
            if compilation.has_errors() {
                return Ok(1);
            }
            let start = Instant::now();
            let code = if check {
                let differences = output::check(&out, &compilation.artifacts)?;
                print_stdout(&output::describe(&differences))?;
                u8::from(!differences.is_empty())
            } else {
                let summary = output::write(&out, &compilation.artifacts)?;
                if format == DiagnosticFormat::Human {
                    let _ = writeln!(std::io::stderr(), "{summary}");
                }
                0
            };
            let stage = if check { "compare" } else { "write" };
            print_timings(&input, &compilation, Some((stage, start.elapsed())));
            Ok(code)
        }
        Command::Inspect { input } => {
            let compilation = compile(&input, targets::all().to_vec())?;
            report(&input, &compilation, DiagnosticFormat::Human)?;
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
            let compilation = compile(&input, Vec::new())?;
            report(&input, &compilation, DiagnosticFormat::Human)?;
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

fn compile(input: &Input, targets: Vec<&'static dyn ir::Publisher>) -> anyhow::Result<Compilation> {
    compile_with(input, targets, String::new())
}

fn compile_with(
    input: &Input,
    targets: Vec<&'static dyn ir::Publisher>,
    model_dir: String,
) -> anyhow::Result<Compilation> {
    let bytes = std::fs::read(&input.model)
        .with_context(|| format!("reading `{}`", input.model.display()))?;
    let options = CompileOptions {
        targets,
        environment: input.environment.clone(),
        allow_unsupported: input.allow_unsupported,
        model_dir,
    };
    Ok(aspirec::compile(
        &display_name(&input.model),
        &bytes,
        &options,
    ))
}

/// The model's name as the user wrote it, with `/` separators, so output is the same on every
/// machine and in every checkout (headers and diagnostics never hold absolute paths unless the
/// user passed one).
fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn report(
    input: &Input,
    compilation: &Compilation,
    format: DiagnosticFormat,
) -> anyhow::Result<()> {
    match format {
        DiagnosticFormat::Json => {
            let json = render::json(&compilation.sources, &compilation.diagnostics);
            print_stdout(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
        }
        DiagnosticFormat::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut text = render::human(&compilation.sources, &compilation.diagnostics, color);
            if let Some(summary) =
                render::summary(&display_name(&input.model), &compilation.diagnostics)
            {
                text.push_str(&summary);
                text.push('\n');
            }
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
    }
    Ok(())
}

/// `--timings`: one line per stage, in milliseconds. Publishers run in parallel, so their times
/// overlap and the stages add up to more than the wall time.
fn print_timings(input: &Input, compilation: &Compilation, last: Option<(&str, Duration)>) {
    if !input.timings {
        return;
    }
    let mut text = String::new();
    for (stage, took) in compilation
        .timings
        .iter()
        .map(|(s, t)| (s.as_str(), *t))
        .chain(last)
    {
        text.push_str(&format!(
            "timing: {stage:<18} {:>9.1} ms\n",
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
fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}
