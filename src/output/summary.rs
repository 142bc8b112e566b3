//! What a build did to each file: the one-line summary `build` prints, and the file list of
//! `build --format json`.

use std::fmt;
use std::path::PathBuf;

/// What happened to one file. `--check` uses the same words for what a build would do, so a
/// tool reads both outputs alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// It did not exist.
    Created,
    /// It existed with other contents.
    Changed,
    /// It already had these contents and was not touched.
    Unchanged,
    /// A build before generated it, and this one no longer does.
    Removed,
}

impl FileStatus {
    /// The word in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Created => "created",
            FileStatus::Changed => "changed",
            FileStatus::Unchanged => "unchanged",
            FileStatus::Removed => "removed",
        }
    }
}

/// The result of [`super::write`].
#[derive(Debug)]
pub struct Summary {
    /// The output folder.
    pub out: PathBuf,
    /// Every file the build produced or removed, as `target/path`, in the artifacts' order,
    /// then the removed files.
    pub files: Vec<(String, FileStatus)>,
}

impl Summary {
    /// How many files have this status.
    pub fn count(&self, status: FileStatus) -> usize {
        self.files.iter().filter(|(_, s)| *s == status).count()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wrote {} file(s), {} unchanged, {} stale removed, under {}",
            self.count(FileStatus::Created) + self.count(FileStatus::Changed),
            self.count(FileStatus::Unchanged),
            self.count(FileStatus::Removed),
            self.out.display()
        )
    }
}
