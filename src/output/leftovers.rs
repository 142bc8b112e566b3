//! What a killed build leaves behind, and removing it: hidden staging folders
//! (`.<target>.aspirec-staging-<pid>` in the output folder) and temporary files
//! (`.<file>.aspirec-tmp-<pid>` in a target folder, the record's own among them).
//!
//! A build removes only entries of exactly these two shapes whose process is gone: a
//! `<pid>` that is still running may be another aspirec writing (an older one that takes no
//! lock), and a name of another shape is the user's. Whether a process runs is read from
//! `/proc`; where there is none (not Linux), leftovers are kept. Removal never follows a link:
//! a link of such a name is removed itself.

use std::fs;
use std::path::Path;

use anyhow::Context;

const STAGING: &str = ".aspirec-staging-";
const TEMP: &str = ".aspirec-tmp-";

/// The staging folder's name for `target` in this process.
pub(super) fn staging_name(target: &str) -> String {
    format!(".{target}{STAGING}{}", std::process::id())
}

/// The temporary file's name for the file `name` in this process.
pub(super) fn temp_name(name: &str) -> String {
    format!(".{name}{TEMP}{}", std::process::id())
}

/// Whether a name in the output folder (`staging`) or a target folder is one of aspirec's
/// leftover names, whatever the process.
pub(super) fn is_leftover_name(name: &str, staging: bool) -> bool {
    if staging {
        pid_of(name, STAGING, |t| !t.is_empty()).is_some()
    } else {
        pid_of(name, TEMP, |n| !n.is_empty()).is_some()
    }
}

/// The process id of a name of the shape `.<middle><marker><pid>`, when `middle` passes.
fn pid_of(name: &str, marker: &str, middle: impl Fn(&str) -> bool) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let at = rest.rfind(marker)?;
    let digits = &rest[at + marker.len()..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || !middle(&rest[..at]) {
        return None;
    }
    digits.parse().ok()
}

/// Whether process `pid` runs. Without `/proc` nothing can be known: it is taken to run.
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Removes the leftovers of killed builds from `out` and its target folders `targets` (see
/// the module doc). Returns how many were removed. Run it while holding the output folder's
/// [`super::Lock`], so no other build of this version is writing.
pub fn remove_leftovers(out: &Path, targets: &[&str]) -> anyhow::Result<usize> {
    let mut removed = 0;
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e).with_context(|| format!("listing `{}`", out.display())),
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("listing `{}`", out.display()))?;
        let name = entry.file_name();
        let Some(pid) = pid_of(&name.to_string_lossy(), STAGING, |t| targets.contains(&t)) else {
            continue;
        };
        if !running(pid) {
            remove(&entry.path())?;
            removed += 1;
        }
    }
    for target in targets {
        removed += remove_temp_files(&out.join(target))?;
    }
    Ok(removed)
}

/// Removes leftover temporary files under `dir`, descending into real folders only.
fn remove_temp_files(dir: &Path) -> anyhow::Result<usize> {
    let mut removed = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            // Absent, or not a folder: nothing of aspirec's inside.
            Err(_) if folder == dir => return Ok(0),
            Err(e) => return Err(e).with_context(|| format!("listing `{}`", folder.display())),
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("listing `{}`", folder.display()))?;
            let kind = entry
                .file_type()
                .with_context(|| format!("reading `{}`", entry.path().display()))?;
            if kind.is_dir() {
                stack.push(entry.path());
                continue;
            }
            let name = entry.file_name();
            let Some(pid) = pid_of(&name.to_string_lossy(), TEMP, |n| !n.is_empty()) else {
                continue;
            };
            if !running(pid) {
                remove(&entry.path())?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// Removes a file, a link (not what it points to) or a folder with its contents.
fn remove(path: &Path) -> anyhow::Result<()> {
    let metadata =
        fs::symlink_metadata(path).with_context(|| format!("reading `{}`", path.display()))?;
    let result = if metadata.is_dir() {
        // std's remove_dir_all does not follow links inside the folder.
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    result.with_context(|| format!("removing the leftover `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_aspirecs_own_names_are_leftovers() {
        let targets = |t: &str| ["k8s", "compose"].contains(&t);
        assert_eq!(
            pid_of(".k8s.aspirec-staging-42", STAGING, targets),
            Some(42)
        );
        assert_eq!(pid_of(".bicep.aspirec-staging-42", STAGING, targets), None);
        assert_eq!(pid_of("k8s.aspirec-staging-42", STAGING, targets), None);
        assert_eq!(pid_of(".k8s.aspirec-staging-", STAGING, targets), None);
        assert_eq!(pid_of(".k8s.aspirec-staging-4x2", STAGING, targets), None);
        assert_eq!(pid_of(".k8s.aspirec-staging--1", STAGING, targets), None);
        let any = |n: &str| !n.is_empty();
        assert_eq!(pid_of(".app.yaml.aspirec-tmp-7", TEMP, any), Some(7));
        assert_eq!(
            pid_of("..aspirec-generated.aspirec-tmp-7", TEMP, any),
            Some(7)
        );
        assert_eq!(pid_of("..aspirec-tmp-7", TEMP, any), None);
        assert_eq!(pid_of(".app.yaml.aspirec-tmp-99999999999", TEMP, any), None);
        assert_eq!(
            temp_name("a.yaml"),
            format!(".a.yaml.aspirec-tmp-{}", std::process::id())
        );
    }

    #[test]
    fn this_process_runs() {
        assert!(running(std::process::id()));
    }
}
