//! `--all-envs`: `check` and `build` run once for the model as it is and once per environment
//! it defines, so that a pre-commit hook or CI job covers every environment in one command.
//! `build --all-envs` writes environment `ENV` into `DIR/ENV`, exactly as
//! `build --env ENV --out DIR/ENV` would. A problem of the model as it is shows in every
//! environment too: it is reported once, by the first run.

use std::path::{Path, PathBuf};

use anyhow::bail;

use aspirec::Compilation;

use crate::cli::Input;

/// The environments to run: with `all_envs`, none (the model as it is) and then each one the
/// model defines, in its order; otherwise the one `--env` names, if any.
pub(crate) fn environments(input: &Input, all_envs: bool) -> anyhow::Result<Vec<Option<String>>> {
    if !all_envs {
        return Ok(vec![input.environment.clone()]);
    }
    let bytes = crate::input::read_model(&input.model, input.max_input_size)?;
    let mut runs = vec![None];
    runs.extend(aspirec::front::environments(&bytes).into_iter().map(Some));
    Ok(runs)
}

/// Where `build --all-envs` writes `environment`: `out/<environment>`. A name that is not a
/// plain folder name, or that is a target's folder in `out` (where the model as it is goes),
/// is refused before anything is written.
pub(crate) fn folder(out: &Path, environment: &str) -> anyhow::Result<PathBuf> {
    let plain = !environment.is_empty()
        && !environment.starts_with(['.', '-'])
        && environment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        bail!(
            "--all-envs: environment `{environment}` cannot be a folder name under `{}` (letters, digits, `-`, `_` and `.` only, not first); build it with --env and --out instead",
            out.display()
        );
    }
    if aspirec::targets::by_id(environment).is_some() {
        bail!(
            "--all-envs: environment `{environment}` has the name of a target, whose folder `{}` holds the model built without an environment; rename the environment, or build it with --env and --out instead",
            out.join(environment).display()
        );
    }
    Ok(out.join(environment))
}

/// How a run names the model in its summary line.
pub(crate) fn label(input: &Input) -> String {
    let model = crate::display_name(&input.model);
    match &input.environment {
        Some(environment) => format!("{model} with --env {environment}"),
        None => model,
    }
}

/// The diagnostics reported so far, by code, position and message.
#[derive(Default)]
pub(crate) struct Seen {
    reported: Vec<(&'static str, ir::Span, String)>,
}

impl Seen {
    /// Removes from `compilation` the diagnostics an earlier run reported, and remembers the
    /// others. Spans point into the same file, so the same problem has the same key.
    pub(crate) fn leave_out(&mut self, compilation: &mut Compilation) {
        let key = |d: &ir::Diagnostic| (d.code.id, d.primary.span, d.message.clone());
        compilation
            .diagnostics
            .retain(|d| !self.reported.contains(&key(d)));
        self.reported
            .extend(compilation.diagnostics.iter().map(key));
    }
}
