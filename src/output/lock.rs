//! One build at a time per output folder: `build` holds an exclusive lock on
//! `DIR/.aspirec-lock` from before its first write until its last, so two builds into the same
//! folder never leave a mix of two models.
//!
//! The lock is the operating system's advisory file lock (`flock`, through rustix: std's
//! `File::try_lock` needs a newer Rust than the crate's rust-version), so the system releases
//! it when a build is killed: there is no stale lock to clean up. Off Unix there is no lock. A second build waits, saying so once, up to a timeout (60 s, `ASPIREC_LOCK_TIMEOUT`
//! seconds to change it, 0 to refuse at once), then gives up with an I/O error (exit 2).
//!
//! The holder removes the lock file before it lets go (on Unix), and an output folder it had
//! to create when that is empty again, so a build leaves nothing but its output (a failed one
//! nothing at all). That is safe because a build that gets the lock checks that the file it
//! locked is still the one at that path, and starts over if not (a waiter may have opened the
//! file just before it was removed). After `kill -9` the file stays, unlocked, and is reused.
//! `--check` takes no lock: it writes nothing, not even that file.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The lock file's name in the output folder.
pub const LOCK: &str = ".aspirec-lock";

/// How long a build waits for another by default.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// Held while a build writes; dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: fs::File,
    path: PathBuf,
    /// The output folder, when this lock created it.
    created: Option<PathBuf>,
}

impl Lock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Still locked here: the file closes after this, with the fields.
        if cfg!(unix) {
            let _ = fs::remove_file(&self.path);
        }
        if let Some(out) = &self.created {
            // Only when empty: a failed first build leaves nothing behind.
            let _ = fs::remove_dir(out);
        }
    }
}

/// Locks `file` exclusively if no other process holds it; `Ok(false)` when one does.
#[cfg(unix)]
fn try_lock(file: &fs::File) -> std::io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// No lock off Unix (see the module doc).
#[cfg(not(unix))]
fn try_lock(_file: &fs::File) -> std::io::Result<bool> {
    Ok(true)
}

/// Whether `file` is still the file at `path` (it was not removed and replaced by another
/// build's lock file in the meantime).
#[cfg(unix)]
fn still_there(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Without Unix's removal of open files, the lock file is never removed (see [`Lock`]).
#[cfg(not(unix))]
fn still_there(_file: &fs::File, _path: &Path) -> bool {
    true
}

/// Takes the lock of the output folder `out`, creating the folder when it does not exist.
/// `waiting` is called once if another build holds it; after `wait`, an error.
pub fn lock(out: &Path, wait: Duration, waiting: impl FnOnce(&Path)) -> anyhow::Result<Lock> {
    check_output_folder(out)?;
    let created = fs::symlink_metadata(out)
        .is_err()
        .then(|| out.to_path_buf());
    fs::create_dir_all(out)
        .with_context(|| format!("creating the output folder `{}`", out.display()))?;
    let path = out.join(LOCK);
    let start = Instant::now();
    let mut waiting = Some(waiting);
    loop {
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            bail!(
                "`{}` is not a file aspirec made (a link or a folder); remove it and build again",
                path.display()
            );
        }
        // The folder may have gone with the last holder's lock file (see the module doc).
        fs::create_dir_all(out)
            .with_context(|| format!("creating the output folder `{}`", out.display()))?;
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening the lock file `{}`", path.display()))?;
        match try_lock(&file) {
            Ok(true) if still_there(&file, &path) => {
                return Ok(Lock {
                    _file: file,
                    path,
                    created,
                });
            }
            // Locked, but removed by the holder it waited for: lock the new one.
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                return Err(e).with_context(|| format!("locking `{}`", path.display()));
            }
        }
        if start.elapsed() >= wait {
            bail!(
                "another aspirec build into `{}` still holds `{}` after {} s; build again when it is done (ASPIREC_LOCK_TIMEOUT sets how long to wait)",
                out.display(),
                path.display(),
                wait.as_secs()
            );
        }
        if let Some(waiting) = waiting.take() {
            waiting(&path);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The wait of `ASPIREC_LOCK_TIMEOUT` (whole seconds), else [`DEFAULT_WAIT`].
pub fn wait_from_env() -> anyhow::Result<Duration> {
    match std::env::var("ASPIREC_LOCK_TIMEOUT") {
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(seconds) => Ok(Duration::from_secs(seconds)),
            Err(_) => bail!("ASPIREC_LOCK_TIMEOUT must be a whole number of seconds, not `{text}`"),
        },
        Err(_) => Ok(DEFAULT_WAIT),
    }
}

/// Refuses an output folder that is a file or a link to nothing, with a message that says so
/// instead of the system's "File exists" or "Not a directory" on a path inside it.
pub(super) fn check_output_folder(out: &Path) -> anyhow::Result<()> {
    let Ok(metadata) = fs::symlink_metadata(out) else {
        return Ok(()); // absent: it will be created
    };
    if metadata.file_type().is_symlink() {
        return match fs::metadata(out) {
            Ok(target) if target.is_dir() => Ok(()),
            Ok(_) => bail!(
                "`{}` is a symbolic link to a file, not a folder; remove it or choose another --out",
                out.display()
            ),
            Err(_) => bail!(
                "`{}` is a symbolic link to `{}`, which does not exist; create that folder, remove the link, or choose another --out",
                out.display(),
                fs::read_link(out).unwrap_or_default().display()
            ),
        };
    }
    if !metadata.is_dir() {
        bail!(
            "`{}` is a file, not a folder; move it away or choose another --out",
            out.display()
        );
    }
    Ok(())
}
