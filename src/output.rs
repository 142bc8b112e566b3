//! Writing artifacts to disk safely, and comparing them with what is there (`--check`).
//!
//! - Every file is written atomically: a temporary file in the same folder, then renamed over
//!   the target, so a crash or kill never leaves a half-written file. There is no fsync per
//!   file: the rename already gives that guarantee for a crash of aspirec, and syncing 12,000
//!   files made a large build five times slower (as cargo and rustc, aspirec leaves
//!   durability across a power loss to the file system).
//! - aspirec records what it wrote in `DIR/<target>/.aspirec-generated`. A file it did not
//!   generate is never overwritten or deleted; generated files that a build no longer
//!   produces are removed.
//! - `check` writes nothing and reports files that would change, appear or disappear, with a
//!   bounded unified diff per changed file.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ir::Artifacts;

/// The record of generated files, one relative path per line, in each target folder.
pub const RECORD: &str = ".aspirec-generated";

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

/// Writes every target's artifacts under `out/<target>/`. Returns a one-line summary.
pub fn write(out: &Path, artifacts: &[(&'static str, Artifacts)]) -> anyhow::Result<String> {
    write_with(out, artifacts, &mut |_| Ok(()))
}

/// [`write`] with a hook called before each rename, so tests can inject a failure midway.
pub fn write_with(
    out: &Path,
    artifacts: &[(&'static str, Artifacts)],
    before_rename: &mut dyn FnMut(&Path) -> std::io::Result<()>,
) -> anyhow::Result<String> {
    let (mut written, mut unchanged, mut removed) = (0, 0, 0);
    let mut folders = BTreeSet::new();
    for (target, files) in artifacts {
        let dir = out.join(target);
        let previous = read_record(&dir)?;
        let generated: BTreeSet<&str> = previous.iter().map(String::as_str).collect();
        // Refuse before writing anything: a user's file in the way stops the whole target.
        for (path, _) in files.iter() {
            let full = dir.join(path);
            if !generated.contains(path) && full.symlink_metadata().is_ok() {
                bail!(
                    "refusing to overwrite `{}`: aspirec did not generate it (it is not listed in `{}`); move it away or choose another --out",
                    full.display(),
                    dir.join(RECORD).display()
                );
            }
        }
        for (path, contents) in files.iter() {
            let full = dir.join(path);
            if fs::read(&full).ok().as_deref() == Some(contents.as_bytes()) {
                unchanged += 1;
                continue;
            }
            write_atomic(&full, contents.as_bytes(), &mut folders, before_rename)?;
            written += 1;
        }
        for stale in previous.iter().filter(|p| files.get(p).is_none()) {
            let full = dir.join(stale);
            match fs::remove_file(&full) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("removing stale `{}`", full.display()));
                }
            }
        }
        let record: String = files.iter().map(|(p, _)| format!("{p}\n")).collect();
        write_atomic(
            &dir.join(RECORD),
            record.as_bytes(),
            &mut folders,
            &mut |_| Ok(()),
        )?;
    }
    Ok(format!(
        "wrote {written} file(s), {unchanged} unchanged, {removed} stale removed, under {}",
        out.display()
    ))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
/// `folders` remembers the folders already created, so each is created once per build.
fn write_atomic(
    path: &Path,
    bytes: &[u8],
    folders: &mut BTreeSet<PathBuf>,
    before_rename: &mut dyn FnMut(&Path) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = path.parent().context("output path has no parent folder")?;
    if !folders.contains(dir) {
        fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
        folders.insert(dir.to_path_buf());
    }
    let name = path
        .file_name()
        .context("output path has no file name")?
        .to_string_lossy();
    let temp = dir.join(format!(".{name}.aspirec-tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        drop(file);
        before_rename(path)?;
        fs::rename(&temp, path)
    })();
    if let Err(error) = result {
        let _ = fs::remove_file(&temp);
        return Err(error).with_context(|| format!("writing `{}`", path.display()));
    }
    Ok(())
}

fn read_record(dir: &Path) -> anyhow::Result<Vec<String>> {
    match fs::read_to_string(dir.join(RECORD)) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            // A record is ours, but never let it point outside the target folder.
            .filter(|l| !l.is_empty() && !l.starts_with('/') && !l.split('/').any(|c| c == ".."))
            .map(str::to_string)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("reading `{}`", dir.join(RECORD).display())),
    }
}

/// Compares the artifacts with `out` without writing anything.
pub fn check(
    out: &Path,
    artifacts: &[(&'static str, Artifacts)],
) -> anyhow::Result<Vec<Difference>> {
    let mut differences = Vec::new();
    for (target, files) in artifacts {
        let dir = out.join(target);
        for (path, contents) in files.iter() {
            let shown = format!("{target}/{path}");
            match fs::read(dir.join(path)) {
                Ok(existing) if existing == contents.as_bytes() => {}
                Ok(existing) => differences.push(Difference::Changed {
                    diff: unified_diff(&shown, &String::from_utf8_lossy(&existing), contents),
                    path: shown,
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    differences.push(Difference::Added { path: shown });
                }
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("reading `{}`", dir.join(path).display()));
                }
            }
        }
        for stale in read_record(&dir)?
            .into_iter()
            .filter(|p| files.get(p).is_none())
        {
            if dir.join(&stale).exists() {
                differences.push(Difference::Removed {
                    path: format!("{target}/{stale}"),
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

/// The folder of `model` as seen from a target folder `out/<target>`, with `/` separators,
/// computed on absolute paths so that any mix of relative and absolute arguments works.
pub fn model_dir_from_target(model: &Path, out: &Path) -> std::io::Result<String> {
    let cwd = std::env::current_dir()?;
    let absolute = |p: &Path| {
        normalize(&if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        })
    };
    let model_dir = absolute(model.parent().unwrap_or(Path::new(".")));
    let target_dir = absolute(&out.join("target"));
    let common = model_dir
        .iter()
        .zip(&target_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = target_dir.len() - common;
    let parts: Vec<String> = std::iter::repeat_n("..".to_string(), ups)
        .chain(model_dir[common..].iter().cloned())
        .collect();
    Ok(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// The components of an absolute path with `.` and `..` folded.
fn normalize(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            std::path::Component::RootDir
            | std::path::Component::CurDir
            | std::path::Component::Prefix(_) => {}
        }
    }
    parts
}

/// Paths of every file under `dir` (for tests and tools), sorted.
pub fn list_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in fs::read_dir(&next)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}
