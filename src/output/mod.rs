//! Writing artifacts to disk safely, and comparing them with what is there (`--check`).
//!
//! - Every file is written atomically: a temporary file in the same folder, then renamed over
//!   the target, so a crash or kill never leaves a half-written file. A target folder that
//!   does not exist yet is written whole as a hidden sibling (`.<target>.aspirec-staging-PID`)
//!   and renamed into place: it appears complete or not at all. There is no fsync per
//!   file: the rename already gives that guarantee for a crash of aspirec, and syncing 12,000
//!   files made a large build five times slower (as cargo and rustc, aspirec leaves
//!   durability across a power loss to the file system).
//! - aspirec records what it wrote in `DIR/<target>/.aspirec-generated`. A file it did not
//!   generate is never overwritten or deleted; generated files that a build no longer
//!   produces are removed.
//! - `check` writes nothing and reports files that would change, appear or disappear, with a
//!   bounded unified diff per changed file.
//! - Writing and comparing run on a few threads: for thousands of files the time is system
//!   calls, which overlap across cores.
//! - The folder may be committed to a repository, so what is in it is hostile input:
//!   [`record`] decides what may be removed (never through a link), temporary files are
//!   created new and staging folders anew (never written through a link of their name),
//!   [`leftovers`] removes what killed builds left, [`lock`] lets one build write at a time,
//!   and a target folder that is not a folder is refused with a message that says so.
//!   [`fuzzing`] drives all of it with hostile trees (fuzz target `output_record`).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ir::Artifacts;

mod check;
#[doc(hidden)]
pub mod fuzzing;
mod leftovers;
mod lock;
mod paths;
mod record;
mod summary;

pub use check::{Difference, check, describe};
pub use leftovers::remove_leftovers;
pub use lock::{LOCK, Lock, lock, wait_from_env};
pub use paths::model_dir_from_target;
pub use record::{RECORD, Stale, parse_record, stale};
use record::{read_record, remove_stale, write_record};
pub use summary::{FileStatus, Summary};

/// Writes every target's artifacts under `out/<target>/`. Returns what it did to each file
/// (its `Display` is the one-line summary the binary prints).
pub fn write(out: &Path, artifacts: &[(&'static str, Artifacts)]) -> anyhow::Result<Summary> {
    write_with(out, artifacts, EarlyWriter::new(out), &|_| Ok(()))
}

/// What one target folder holds before a build.
struct Folder<'a> {
    target: &'static str,
    dir: PathBuf,
    files: &'a Artifacts,
    /// The paths the previous build recorded as generated.
    previous: Vec<String>,
    /// Every path under the folder now (files, folders, links), relative, with `/`.
    existing: BTreeSet<String>,
    /// For a folder that does not exist yet: the hidden sibling folder the files are written
    /// into, renamed into place at the end.
    staging: Option<PathBuf>,
    /// Whether an [`EarlyWriter`] already wrote the files into `staging`.
    prestaged: bool,
}

/// How one file gets written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Into a staging folder, which is renamed as a whole: no temporary file per file.
    Staged,
    /// A temporary file and a rename, as the file does not exist.
    Atomic,
    /// As [`Mode::Atomic`], unless the file on disk already has these contents.
    Update,
}

/// Whether nothing at all (not even a dangling link) is at `path`: a target folder is
/// staged only then.
fn absent(path: &Path) -> bool {
    matches!(path.symlink_metadata(), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// The hidden sibling folder a target folder that does not exist yet is written into.
fn staging_path(out: &Path, target: &str) -> PathBuf {
    out.join(leftovers::staging_name(target))
}

/// Writes a target's files as soon as its publisher is done, while the others still run:
/// only for a target folder that does not exist yet, into its staging folder, which nobody
/// reads. [`write_with`] later renames it into place, or removes it when the build fails.
pub struct EarlyWriter {
    out: PathBuf,
    staged: std::sync::Mutex<Staged>,
}

/// What an [`EarlyWriter`] did.
#[derive(Default)]
struct Staged {
    /// The targets staged, with their staging folders.
    folders: Vec<(&'static str, PathBuf)>,
    /// The first error.
    error: Option<anyhow::Error>,
}

impl EarlyWriter {
    pub fn new(out: &Path) -> EarlyWriter {
        EarlyWriter {
            out: out.to_path_buf(),
            staged: Default::default(),
        }
    }

    /// Stages `files` when `out/<target>` does not exist (otherwise [`write_with`] writes them),
    /// and says whether it did: then the files are written where they stay, and their contents
    /// may be released. Runs on the caller's thread; an error is kept for [`write_with`] to
    /// report.
    pub fn stage(&self, target: &'static str, files: &Artifacts) -> bool {
        if !absent(&self.out.join(target)) {
            return false;
        }
        let staging = staging_path(&self.out, target);
        let result = (|| -> anyhow::Result<()> {
            fresh_folder(&staging)?;
            let mut created = BTreeSet::new();
            for (path, contents) in files.iter() {
                let full = staging.join(path);
                create_parent(&full, &mut created)?;
                write_file(&full, contents.as_bytes(), Mode::Staged, &|_| Ok(()))?;
            }
            Ok(())
        })();
        let mut staged = self
            .staged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        staged.folders.push((target, staging));
        match result {
            Ok(()) => true,
            Err(error) => {
                staged.error.get_or_insert(error);
                false
            }
        }
    }

    /// Removes every staging folder (the build failed).
    pub fn abort(self) {
        let staged = self
            .staged
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (_, staging) in staged.folders {
            let _ = fs::remove_dir_all(staging);
        }
    }
}

/// Creates the staging folder `path` anew. Its name holds this process's id, so anything
/// already there is a leftover of an earlier process with the same id, or was planted (a
/// committed symbolic link would otherwise make aspirec write its files wherever it points):
/// removed first, without following a link.
fn fresh_folder(path: &Path) -> anyhow::Result<()> {
    let creating = || -> std::io::Result<()> {
        match fs::symlink_metadata(path) {
            Ok(metadata) if metadata.is_dir() => fs::remove_dir_all(path)?,
            Ok(_) => fs::remove_file(path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::create_dir(path)
    };
    creating().with_context(|| format!("creating `{}`", path.display()))
}

/// Creates the folder of `path` unless `created` says it was created already.
fn create_parent(path: &Path, created: &mut BTreeSet<PathBuf>) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !created.contains(*p)) {
        fs::create_dir_all(parent).with_context(|| format!("creating `{}`", parent.display()))?;
        created.insert(parent.to_path_buf());
    }
    Ok(())
}

/// [`write()`] with a hook called before each rename, so tests can inject a failure midway.
///
/// A target folder that does not exist yet is written as a hidden sibling folder and renamed
/// into place at the end, so it appears whole or not at all (and a first build of 12,000
/// files costs one rename instead of 12,000). In a folder that exists, the order makes every
/// interruption recoverable by the next build: (1) refuse, before writing anything in any
/// target, when a file the build would write exists and was not generated by aspirec; (2)
/// record the previous and the new paths together, so whatever gets written next is known to
/// be aspirec's even if the build stops; (3) write the files that differ, each atomically, on
/// a few threads; (4) remove what the build no longer produces and record exactly the new
/// paths.
pub fn write_with(
    out: &Path,
    artifacts: &[(&'static str, Artifacts)],
    early: EarlyWriter,
    before_rename: &(dyn Fn(&Path) -> std::io::Result<()> + Sync),
) -> anyhow::Result<Summary> {
    let Staged {
        folders: staged,
        error,
    } = early
        .staged
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let remove_staged = || {
        for (_, staging) in &staged {
            let _ = fs::remove_dir_all(staging);
        }
    };
    if let Some(error) = error {
        remove_staged();
        return Err(error);
    }
    let result = write_planned(out, artifacts, &staged, before_rename);
    if result.is_err() {
        remove_staged();
    }
    result
}

/// [`write_with`] after the early writes: `staged` are the targets already in their staging
/// folders.
fn write_planned(
    out: &Path,
    artifacts: &[(&'static str, Artifacts)],
    staged: &[(&'static str, PathBuf)],
    before_rename: &(dyn Fn(&Path) -> std::io::Result<()> + Sync),
) -> anyhow::Result<Summary> {
    let mut folders = Vec::new();
    for (target, files) in artifacts {
        let dir = out.join(target);
        lock::check_output_folder(&dir)?;
        let previous = read_record(&dir)?;
        let existing =
            list_relative(&dir).with_context(|| format!("listing `{}`", dir.display()))?;
        let generated: BTreeSet<&str> = previous.iter().map(String::as_str).collect();
        if let Some((path, _)) = files
            .iter()
            .find(|(path, _)| existing.contains(*path) && !generated.contains(path))
        {
            bail!(
                "refusing to overwrite `{}`: aspirec did not generate it (it is not listed in `{}`); move it away or choose another --out",
                dir.join(path).display(),
                dir.join(RECORD).display()
            );
        }
        let staging = absent(&dir).then(|| staging_path(out, target));
        let prestaged = staged.iter().any(|(t, _)| t == target);
        // Released contents are written already; anywhere else they would be empty files.
        if files.is_released() && !prestaged {
            bail!(
                "internal error: the files of `{target}` were released before being written; this is a bug in aspirec"
            );
        }
        if prestaged && staging.is_none() {
            bail!(
                "`{}` appeared while aspirec was writing it; build again",
                dir.display()
            );
        }
        folders.push(Folder {
            target,
            dir,
            files,
            previous,
            existing,
            staging,
            prestaged,
        });
    }
    let result = write_folders(&folders, before_rename);
    if result.is_err() {
        // Staging folders are aspirec's alone: never leave one behind.
        for staging in folders.iter().filter_map(|f| f.staging.as_ref()) {
            let _ = fs::remove_dir_all(staging);
        }
    }
    let files = result?;
    Ok(Summary {
        out: out.to_path_buf(),
        files,
    })
}

/// The body of [`write_with`], once every folder is known to be safe to write: returns what
/// happened to each file, `target/path`, in the artifacts' order, then the stale files removed.
fn write_folders(
    folders: &[Folder<'_>],
    before_rename: &(dyn Fn(&Path) -> std::io::Result<()> + Sync),
) -> anyhow::Result<Vec<(String, FileStatus)>> {
    let mut statuses = Vec::new();
    let mut jobs = Vec::new();
    // Folders are created before the threads start, once each.
    let mut created = BTreeSet::new();
    for folder in folders {
        let root = folder.staging.as_ref().unwrap_or(&folder.dir);
        if let Some(staging) = folder.staging.as_ref().filter(|_| !folder.prestaged) {
            fresh_folder(staging)?;
        }
        if folder.staging.is_none() {
            let claimed: BTreeSet<&str> = folder
                .previous
                .iter()
                .map(String::as_str)
                .chain(folder.files.iter().map(|(path, _)| path))
                .collect();
            if claimed.len() > folder.previous.len() {
                write_record(root, claimed.into_iter(), Mode::Atomic)?;
            }
        }
        if folder.prestaged {
            statuses.extend(
                folder
                    .files
                    .iter()
                    .map(|(path, _)| (format!("{}/{path}", folder.target), FileStatus::Created)),
            );
            continue;
        }
        for (path, contents) in folder.files.iter() {
            let full = root.join(path);
            create_parent(&full, &mut created)?;
            let mode = if folder.staging.is_some() {
                Mode::Staged
            } else if folder.existing.contains(path) {
                Mode::Update
            } else {
                Mode::Atomic
            };
            jobs.push((
                format!("{}/{path}", folder.target),
                full,
                contents.as_bytes(),
                mode,
            ));
        }
    }
    let written = in_parallel(&jobs, |(_, path, contents, mode)| {
        let status = if *mode == Mode::Update {
            if fs::read(path).ok().as_deref() == Some(*contents) {
                return Ok(FileStatus::Unchanged);
            }
            FileStatus::Changed
        } else {
            FileStatus::Created
        };
        write_file(path, contents, *mode, before_rename)?;
        Ok(status)
    })?;
    statuses.extend(
        jobs.into_iter()
            .zip(written)
            .map(|((shown, ..), status)| (shown, status)),
    );

    for folder in folders {
        if let Some(staging) = &folder.staging {
            write_record(
                staging,
                folder.files.iter().map(|(path, _)| path),
                Mode::Staged,
            )?;
            before_rename(&folder.dir)
                .and_then(|()| fs::rename(staging, &folder.dir))
                .with_context(|| format!("writing `{}`", folder.dir.display()))?;
            continue;
        }
        for stale in folder
            .previous
            .iter()
            .filter(|p| folder.files.get(p).is_none())
        {
            // Only a regular file reached through real folders: a record can be committed
            // next to a symbolic link, and must never make aspirec delete through it.
            if remove_stale(&folder.dir, stale)? {
                statuses.push((format!("{}/{stale}", folder.target), FileStatus::Removed));
            }
        }
        write_record(
            &folder.dir,
            folder.files.iter().map(|(path, _)| path),
            Mode::Atomic,
        )?;
    }
    Ok(statuses)
}

/// Runs `work` on every job on a few threads ([`crate::parallel`]) and returns the results in
/// the jobs' order; after the first error, the remaining jobs are skipped and that error is
/// returned. Writing and comparing thousands of files is mostly system calls, which overlap
/// well across cores.
fn in_parallel<T: Sync, R: Send>(
    jobs: &[T],
    work: impl Fn(&T) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>> {
    let failed = std::sync::atomic::AtomicBool::new(false);
    crate::parallel::map(jobs, |job| {
        if failed.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let result = work(job);
        if result.is_err() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Some(result)
    })
    .into_iter()
    // A skipped job is `None`, and only after an error, which `collect` returns.
    .flatten()
    .collect()
}

/// Writes `bytes` to `path`: directly into a staging folder, else through a temporary file in
/// the same folder and a rename, so a crash never leaves a half-written file.
fn write_file(
    path: &Path,
    bytes: &[u8],
    mode: Mode,
    before_rename: &(dyn Fn(&Path) -> std::io::Result<()> + Sync),
) -> anyhow::Result<()> {
    let direct = |path: &Path| -> std::io::Result<()> {
        let mut file = fs::File::create(path)?;
        file.write_all(bytes)
    };
    if mode == Mode::Staged {
        return direct(path).with_context(|| format!("writing `{}`", path.display()));
    }
    let dir = path.parent().context("output path has no parent folder")?;
    let name = path
        .file_name()
        .context("output path has no file name")?
        .to_string_lossy();
    let temp = dir.join(leftovers::temp_name(&name));
    // A new file, never one found there: a link at that name (committed, or a leftover) would
    // otherwise be written through. Whatever is there is removed (never followed) once.
    let create = |temp: &Path| -> std::io::Result<()> {
        let mut file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(temp)
        {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                fs::remove_file(temp)?;
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(temp)?
            }
            other => other?,
        };
        file.write_all(bytes)
    };
    let result = create(&temp)
        .and_then(|()| before_rename(path))
        .and_then(|()| fs::rename(&temp, path));
    if let Err(error) = result {
        let _ = fs::remove_file(&temp);
        return Err(error).with_context(|| format!("writing `{}`", path.display()));
    }
    Ok(())
}

/// Every path under `dir` (files, folders and links, not following links), relative and with
/// `/` separators; empty when `dir` does not exist. One listing replaces a lookup per file.
fn list_relative(dir: &Path) -> std::io::Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && prefix.is_empty() => {
                return Ok(found);
            }
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let relative = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                stack.push((entry.path(), format!("{relative}/")));
            }
            found.insert(relative);
        }
    }
    Ok(found)
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
