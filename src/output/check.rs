//! `--check`: compares the compiled artifacts with the output folder without writing anything,
//! and describes the differences (with a bounded unified diff per changed file).

use std::fs;
use std::path::Path;

use anyhow::Context;
use ir::Artifacts;

use super::in_parallel;
use super::record::{Stale, read_record, stale};

/// How many diff lines `--check` prints per changed file.
const DIFF_LINES: usize = 60;

/// One difference between the compiled artifacts and the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Difference {
    Changed { path: String, diff: String },
    Added { path: String },
    Removed { path: String },
}

impl Difference {
    pub fn path(&self) -> &str {
        match self {
            Difference::Changed { path, .. }
            | Difference::Added { path }
            | Difference::Removed { path } => path,
        }
    }
}

/// Compares the artifacts with `out` without writing anything. The differences come in the
/// artifacts' order whatever the threads' timing.
pub fn check(
    out: &Path,
    artifacts: &[(&'static str, Artifacts)],
) -> anyhow::Result<Vec<Difference>> {
    if let Some((target, _)) = artifacts.iter().find(|(_, files)| files.is_released()) {
        anyhow::bail!(
            "internal error: the files of `{target}` were released, so they cannot be compared; this is a bug in aspirec"
        );
    }
    let jobs: Vec<(usize, &str, &str, &str)> = artifacts
        .iter()
        .flat_map(|(target, files)| {
            files
                .iter()
                .map(move |(path, contents)| (*target, path, contents))
        })
        .enumerate()
        .map(|(index, (target, path, contents))| (index, target, path, contents))
        .collect();
    let found = std::sync::Mutex::new(Vec::new());
    in_parallel(&jobs, |&(index, target, path, contents)| {
        let full = out.join(target).join(path);
        let shown = format!("{target}/{path}");
        let difference = match fs::read(&full) {
            Ok(existing) if existing == contents.as_bytes() => return Ok(()),
            Ok(existing) => Difference::Changed {
                diff: unified_diff(&shown, &String::from_utf8_lossy(&existing), contents),
                path: shown,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Difference::Added { path: shown },
            Err(e) => return Err(e).with_context(|| format!("reading `{}`", full.display())),
        };
        found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((index, difference));
        Ok(())
    })?;
    let mut found = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    found.sort_by_key(|(index, _)| *index);
    let mut differences: Vec<Difference> = found.into_iter().map(|(_, d)| d).collect();
    for (target, files) in artifacts {
        let dir = out.join(target);
        for entry in read_record(&dir)?
            .into_iter()
            .filter(|p| files.get(p).is_none())
        {
            // Exactly what a build would remove: never through a link, never a folder.
            let found = stale(&dir, &entry)
                .with_context(|| format!("reading `{}`", dir.join(&entry).display()))?;
            if let Stale::File(_) = found {
                differences.push(Difference::Removed {
                    path: format!("{target}/{entry}"),
                });
            }
        }
    }
    Ok(differences)
}

fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= DIFF_LINES {
        return text;
    }
    let mut shown = lines[..DIFF_LINES].join("\n");
    shown.push_str(&format!(
        "\n... {} more diff lines\n",
        lines.len() - DIFF_LINES
    ));
    shown
}

/// The text `--check` prints.
pub fn describe(differences: &[Difference]) -> String {
    if differences.is_empty() {
        return "up to date\n".to_string();
    }
    let mut out = String::new();
    for difference in differences {
        match difference {
            Difference::Changed { path, diff } => {
                out.push_str(&format!("changed: {path}\n"));
                out.push_str(diff);
                if !diff.ends_with('\n') {
                    out.push('\n');
                }
            }
            Difference::Added { path } => out.push_str(&format!("would be created: {path}\n")),
            Difference::Removed { path } => out.push_str(&format!("would be removed: {path}\n")),
        }
    }
    out.push_str(&format!(
        "{} file(s) out of date; run `aspirec build` to update them\n",
        differences.len()
    ));
    out
}
