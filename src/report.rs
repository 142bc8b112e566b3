//! What `check` and `build` print: in the human format, diagnostics on stderr as they come;
//! with `--format json`, one JSON document on stdout, printed once the command is done, so a
//! tool can parse stdout whole (README, "The JSON output").

use std::io::{IsTerminal, Write};

use serde_json::{Map, Value, json};

use aspirec::output::{Difference, FileStatus, Summary};
use aspirec::{Compilation, render};

use crate::cli::DiagnosticFormat;

/// The command's report. Human: printed at once; JSON: collected until [`Report::finish`].
pub(crate) struct Report {
    json: Option<Map<String, Value>>,
    /// Put before every path of the human `--check` listing (`ENV/` for an environment's
    /// run of `--all-envs`, whose JSON paths are relative to its own `out`).
    prefix: String,
}

impl Report {
    /// Reports `compilation`'s diagnostics of the model `model` (as the user named it).
    pub(crate) fn new(model: &str, compilation: &Compilation, format: DiagnosticFormat) -> Report {
        match format {
            DiagnosticFormat::Json => {
                let mut json = Map::new();
                json.insert(
                    "diagnostics".to_string(),
                    render::json(&compilation.sources, &compilation.diagnostics),
                );
                Report {
                    json: Some(json),
                    prefix: String::new(),
                }
            }
            DiagnosticFormat::Human => {
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                let mut text = render::human(&compilation.sources, &compilation.diagnostics, color);
                if let Some(summary) = render::summary(model, &compilation.diagnostics) {
                    text.push_str(&summary);
                    text.push('\n');
                }
                let _ = std::io::stderr().write_all(text.as_bytes());
                Report {
                    json: None,
                    prefix: String::new(),
                }
            }
        }
    }

    pub(crate) fn with_prefix(mut self, prefix: &str) -> Report {
        self.prefix = prefix.to_string();
        self
    }

    /// `build --check`: the differences (human: the listing with diffs, on stdout), and how
    /// many files are up to date.
    pub(crate) fn differences(
        &mut self,
        out: &std::path::Path,
        differences: &[Difference],
        unchanged: usize,
    ) -> anyhow::Result<()> {
        let Some(json) = &mut self.json else {
            if self.prefix.is_empty() {
                return crate::print_stdout(&aspirec::output::describe(differences));
            }
            // An environment's run of `--all-envs`: paths from the `--out` the user gave.
            let prefix = |path: &str| format!("{}{path}", self.prefix);
            let prefixed: Vec<Difference> = differences
                .iter()
                .map(|difference| match difference {
                    Difference::Changed { path, diff } => Difference::Changed {
                        path: prefix(path),
                        diff: diff.clone(),
                    },
                    Difference::Added { path } => Difference::Added { path: prefix(path) },
                    Difference::Removed { path } => Difference::Removed { path: prefix(path) },
                })
                .collect();
            let mut text = aspirec::output::describe(&prefixed);
            if differences.is_empty() {
                text = format!("{}: {text}", self.prefix.trim_end_matches('/'));
            }
            return crate::print_stdout(&text);
        };
        let files: Vec<Value> = differences
            .iter()
            .map(|difference| match difference {
                Difference::Changed { path, diff } => {
                    json!({ "path": path, "status": "changed", "diff": diff })
                }
                Difference::Added { path } => json!({ "path": path, "status": "created" }),
                Difference::Removed { path } => json!({ "path": path, "status": "removed" }),
            })
            .collect();
        json.insert("out".to_string(), json!(out.to_string_lossy()));
        json.insert("up_to_date".to_string(), json!(differences.is_empty()));
        json.insert("files".to_string(), Value::Array(files));
        json.insert("unchanged".to_string(), json!(unchanged));
        Ok(())
    }

    /// `build`: what was written (human: the one-line summary, on stderr).
    pub(crate) fn written(&mut self, summary: &Summary) {
        let Some(json) = &mut self.json else {
            let _ = writeln!(std::io::stderr(), "{summary}");
            return;
        };
        let files: Vec<Value> = summary
            .files
            .iter()
            .filter(|(_, status)| *status != FileStatus::Unchanged)
            .map(|(path, status)| json!({ "path": path, "status": status.as_str() }))
            .collect();
        json.insert("out".to_string(), json!(summary.out.to_string_lossy()));
        json.insert("files".to_string(), Value::Array(files));
        json.insert(
            "unchanged".to_string(),
            json!(summary.count(FileStatus::Unchanged)),
        );
    }

    /// An error after the model was compiled (exit 2): the JSON document says so too, so
    /// that its diagnostics are not lost.
    pub(crate) fn failed(&mut self, error: &anyhow::Error) {
        if let Some(json) = &mut self.json {
            json.insert("error".to_string(), json!(format!("{error:#}")));
        }
    }
}

/// The JSON documents of a command's runs, printed as one at the end: the run's document, or
/// with `--all-envs` `{"runs": [...]}`, each run's document with its `environment` (`null`
/// for the model as it is).
pub(crate) struct Documents {
    all_envs: bool,
    runs: Vec<Map<String, Value>>,
}

impl Documents {
    pub(crate) fn new(all_envs: bool) -> Documents {
        Documents {
            all_envs,
            runs: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, report: Report, environment: Option<&str>) {
        if let Some(mut json) = report.json {
            if self.all_envs {
                json.insert("environment".to_string(), json!(environment));
            }
            self.runs.push(json);
        }
    }

    /// Prints the document, if there is one (not in the human format).
    pub(crate) fn finish(self) -> anyhow::Result<()> {
        if self.runs.is_empty() {
            return Ok(());
        }
        let document = if self.all_envs {
            json!({ "runs": self.runs })
        } else {
            match self.runs.into_iter().next() {
                Some(run) => Value::Object(run),
                None => return Ok(()),
            }
        };
        crate::print_stdout(&format!("{}\n", serde_json::to_string_pretty(&document)?))
    }
}
