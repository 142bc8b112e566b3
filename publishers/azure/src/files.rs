//! A workload's `files` on Container Apps, which has no ConfigMap: an init container
//! (busybox, the smallest CPU/memory pair) writes each file from a variable of its own into an
//! `EmptyDir` volume, and the app's container mounts that volume at each target, through a
//! sub-path (`<entry>` for a folder, `<entry>/<name>` for one file). The contents are in the
//! init container's definition, so a changed file makes a new revision, which restarts the
//! app. Container Apps mounts have no read-only flag: the files are writable in the
//! container (a note says so).

use ir::{FileMount, Workload};

use crate::databases::INIT_IMAGE;
use crate::names::UniqueNames;
use crate::sizing::{PAIRS, Pair};

/// Where the init container mounts the volume.
pub const FILES_MOUNT: &str = "/files";

/// The init container that writes the files, its volume, and the app's mounts of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitFiles {
    /// The init container's name: the app's, with `-files`.
    pub container: String,
    /// The `EmptyDir` volume's name, unique among the app's volumes.
    pub volume: String,
    pub image: &'static str,
    /// `(variable, file contents)`, one per file.
    pub variables: Vec<(String, String)>,
    /// The shell command line that writes them (run with `/bin/sh -c`).
    pub command: String,
    /// `(path in the app's container, sub-path in the volume)`, one per `files` entry.
    pub mounts: Vec<(String, String)>,
    pub size: &'static Pair,
}

/// The init container of `workload`'s files, run as the app `app` whose volumes already took
/// the names in `volumes`; `None` without files.
pub(crate) fn init(workload: &Workload, app: &str, volumes: &mut UniqueNames) -> Option<InitFiles> {
    if workload.files.is_empty() {
        return None;
    }
    let (variables, command) = writes(&workload.files);
    let mounts = workload
        .files
        .iter()
        .enumerate()
        .map(|(index, mount)| (mount.target.clone(), sub_path(index, mount)))
        .collect();
    Some(InitFiles {
        container: format!("{app}-files"),
        volume: volumes.claim("files", crate::names::APP_NAME_MAX),
        image: INIT_IMAGE,
        variables,
        command,
        mounts,
        size: &PAIRS[0],
    })
}

/// What an init container needs to write `mounts`: `(variable, file contents)`, one per file,
/// and the shell command line (run with `/bin/sh -c`) that writes each entry's files into
/// `{FILES_MOUNT}/<its index>` (also the AWS target's, which mounts a volume there per entry).
pub fn writes<'a>(
    mounts: impl IntoIterator<Item = &'a FileMount>,
) -> (Vec<(String, String)>, String) {
    let mut variables = Vec::new();
    let mut command = Vec::new();
    for (index, mount) in mounts.into_iter().enumerate() {
        command.push(format!("mkdir -p {FILES_MOUNT}/{index}"));
        for (name, content) in &mount.files {
            let variable = format!("ASPIREC_FILE_{}", variables.len());
            command.push(format!(
                "printf '%s' \"${variable}\" > {FILES_MOUNT}/{index}/{name}"
            ));
            variables.push((variable, content.clone()));
        }
    }
    (variables, command.join(" && "))
}

fn sub_path(index: usize, mount: &FileMount) -> String {
    match (mount.folder, mount.files.first()) {
        (false, Some((name, _))) => format!("{index}/{name}"),
        (true, _) | (false, None) => index.to_string(),
    }
}
