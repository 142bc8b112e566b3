//! The record of generated files (`<target>/.aspirec-generated`, one relative path per line)
//! and the one decision that deletes files: whether a recorded path may be removed.
//!
//! A record is an ordinary file in a folder that may be committed to a repository, so it is
//! read as hostile input: an entry is kept only when it is a plain relative path (no `.` or
//! `..` component, no empty component, no leading `/`, no `\`, no control character, not the
//! record's own name), and a stale entry is removed only when every folder on its way, below
//! the target folder, is a real folder (never a symbolic link) and the entry itself is a
//! regular file. A link or a folder is left alone: aspirec never generates either, so it is
//! not aspirec's to delete. (Another process swapping a folder for a link between the look and
//! the removal is outside this: std has no `unlinkat` relative to an opened folder.)
//!
//! The target folder itself may be a link (as `--out` may be): the record is read through
//! it, so the entries can only name what is under the same folder as the record.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Mode, write_file};

/// The record of generated files, one relative path per line, in each target folder.
pub const RECORD: &str = ".aspirec-generated";

/// Writes the record of generated files of a target folder.
pub(super) fn write_record<'a>(
    dir: &Path,
    paths: impl Iterator<Item = &'a str>,
    mode: Mode,
) -> anyhow::Result<()> {
    let mut record = String::new();
    for path in paths {
        record.push_str(path);
        record.push('\n');
    }
    fs::create_dir_all(dir).with_context(|| format!("creating `{}`", dir.display()))?;
    write_file(&dir.join(RECORD), record.as_bytes(), mode, &|_| Ok(()))
}

/// The entries of the record in `dir` that are plain relative paths ([`parse_record`]);
/// empty when there is no record.
pub(super) fn read_record(dir: &Path) -> anyhow::Result<Vec<String>> {
    let path = dir.join(RECORD);
    match fs::read(&path) {
        Ok(bytes) => Ok(parse_record(&String::from_utf8_lossy(&bytes))),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("reading `{}`", path.display())),
    }
}

/// The entries of a record's text that are plain relative paths; anything else is dropped.
pub fn parse_record(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|entry| is_plain_relative(entry))
        .map(str::to_string)
        .collect()
}

/// A path aspirec could have generated: `/`-separated normal components only, and not the
/// record itself.
fn is_plain_relative(entry: &str) -> bool {
    !entry.is_empty()
        && entry != RECORD
        && !entry.contains(['\\', ':'])
        && !entry.chars().any(char::is_control)
        && entry
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// What a stale record entry is on disk.
#[derive(Debug, PartialEq, Eq)]
pub enum Stale {
    /// A regular file reached through real folders only: aspirec may remove it.
    File(PathBuf),
    /// Nothing there (already removed, or a folder on the way is missing or a file).
    Gone,
    /// Something aspirec did not generate: a symbolic link on the way or at the end, a
    /// folder, a device. It is kept.
    NotOurs,
}

/// What the entry `entry` of the record in `dir` is, looked up without following any link
/// below `dir`.
pub fn stale(dir: &Path, entry: &str) -> std::io::Result<Stale> {
    if !is_plain_relative(entry) {
        return Ok(Stale::NotOurs);
    }
    let mut path = dir.to_path_buf();
    let parts: Vec<&str> = entry.split('/').collect();
    for (index, part) in parts.iter().enumerate() {
        path.push(part);
        let metadata = match fs::symlink_metadata(&path) {
            Ok(metadata) => metadata,
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                return Ok(Stale::Gone);
            }
            Err(e) => return Err(e),
        };
        let kind = metadata.file_type();
        if kind.is_symlink() {
            return Ok(Stale::NotOurs);
        }
        let last = index + 1 == parts.len();
        if !last && !kind.is_dir() {
            return Ok(Stale::Gone);
        }
        if last && !kind.is_file() {
            return Ok(Stale::NotOurs);
        }
    }
    Ok(Stale::File(path))
}

/// Removes a stale entry when it is aspirec's ([`stale`]). Returns whether a file was removed.
pub(super) fn remove_stale(dir: &Path, entry: &str) -> anyhow::Result<bool> {
    let removing = || -> std::io::Result<bool> {
        match stale(dir, entry)? {
            Stale::File(path) => match fs::remove_file(&path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
                Err(e) => Err(e),
            },
            Stale::Gone | Stale::NotOurs => Ok(false),
        }
    };
    removing().with_context(|| format!("removing stale `{}`", dir.join(entry).display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_entries_are_kept() {
        let record = "a.yaml\n  b/c.tf  \n\n/etc/passwd\n../x\na/../b\n./a\na//b\n.\n..\nb/\n\
                      a\\b\nC:x\nx\u{1b}y\n.hidden\n.aspirec-generated\n";
        assert_eq!(parse_record(record), ["a.yaml", "b/c.tf", ".hidden"]);
    }
}
