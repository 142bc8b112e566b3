//! A driver for the fuzz target `output_record` (`tests/fuzz`) and the property test that
//! shares it (`tests/it/props`): builds a hostile output folder from a script, runs `--check`,
//! a build and the leftover removal on it, and checks that nothing outside the folder changed
//! and that only regular files the record names (or aspirec's own leftovers) disappeared.
//! Not part of the API.
//!
//! The script is text, one instruction a line (anything else is ignored):
//!
//! - `d PATH`, `f PATH`: a folder, a file (contents `user`) under the output folder;
//! - `l PATH TARGET`: a symbolic link; a target starting with `@` is the absolute path of the
//!   outside folder followed by the rest (`@`, `@/sub`, `@/important.txt`), any other is
//!   written as it is (`../../outside`, `.`, `/`, dangling names);
//! - `r TARGET LINE`: a line of the record of target folder `k8s` or `compose` (anything, the
//!   entry is hostile input).
//!
//! PATH is `k8s/...`, `compose/...` or a name in the output folder itself; it is refused when it
//! has a `..` component, as the script builds the tree and must not reach out itself.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path};
use std::sync::OnceLock;

use ir::Artifacts;

/// What a path is, without following links.
#[derive(Debug, PartialEq, Eq, Clone)]
enum Entry {
    Folder,
    File(Vec<u8>),
    Link(std::path::PathBuf),
    Other,
}

/// Every path under `dir` (relative) and what it is, not following links.
fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    let mut found = BTreeMap::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let what = if kind.is_symlink() {
                Entry::Link(fs::read_link(&path).unwrap_or_default())
            } else if kind.is_dir() {
                stack.push((path, format!("{name}/")));
                Entry::Folder
            } else if kind.is_file() {
                Entry::File(fs::read(&path).unwrap_or_default())
            } else {
                Entry::Other
            };
            found.insert(name, what);
        }
    }
    found
}

/// A small model's artifacts for two targets, compiled once.
fn artifacts() -> &'static [(&'static str, Artifacts)] {
    static ARTIFACTS: OnceLock<Vec<(&'static str, Artifacts)>> = OnceLock::new();
    ARTIFACTS.get_or_init(|| {
        let model = "name = \"demo\"\n[resources.api]\ntype = \"container\"\nimage = \"x/api:1\"\n\
                     endpoints.http = { target_port = 8080 }\n";
        let targets = crate::targets::all()
            .iter()
            .copied()
            .filter(|t| matches!(t.id(), "k8s" | "compose"))
            .collect();
        let options = crate::CompileOptions {
            targets,
            ..Default::default()
        };
        crate::compile("model.toml", model.as_bytes(), &options).artifacts
    })
}

fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Runs the script in the empty folder `scratch` (see the module doc). `Err` describes a
/// broken promise: something outside the output folder changed, or something was removed
/// that was not aspirec's to remove.
pub fn run(script: &str, scratch: &Path) -> Result<(), String> {
    let outside = scratch.join("outside");
    let out = scratch.join("out");
    for dir in [outside.join("sub"), out.join("k8s"), out.join("compose")] {
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    }
    for (path, text) in [
        ("important.txt", "keep"),
        ("sub/secret.txt", "keep too"),
        ("api.yaml", "mine"),
    ] {
        fs::write(outside.join(path), text).map_err(|e| e.to_string())?;
    }
    let mut records: BTreeMap<&str, String> = BTreeMap::new();
    for line in script.lines() {
        let mut words = line.splitn(3, ' ');
        match (words.next(), words.next(), words.next()) {
            (Some("d"), Some(path), None) if safe_relative(path) => {
                let _ = fs::create_dir_all(out.join(path));
            }
            (Some("f"), Some(path), None) if safe_relative(path) => {
                let _ = fs::write(out.join(path), "user");
            }
            (Some("l"), Some(path), Some(target)) if safe_relative(path) => {
                let target = match target.strip_prefix('@') {
                    Some(rest) => format!("{}{rest}", outside.display()),
                    None => target.to_string(),
                };
                #[cfg(unix)]
                let _ = std::os::unix::fs::symlink(target, out.join(path));
                #[cfg(not(unix))]
                let _ = target;
            }
            (Some("r"), Some(target @ ("k8s" | "compose")), Some(entry)) => {
                let record = records.entry(target).or_default();
                record.push_str(entry);
                record.push('\n');
            }
            _ => {}
        }
    }
    for (target, record) in &records {
        // Through a link if the script made the record one: it is read that way too.
        let _ = fs::write(out.join(target).join(super::RECORD), record);
    }
    let outside_before = tree(&outside);
    let before = tree(&out);
    let artifacts = artifacts();

    let check = super::check(&out, artifacts);
    if tree(&out) != before {
        return Err("--check changed the output folder".into());
    }
    let _ = super::remove_leftovers(&out, &["k8s", "compose"]);
    let written = super::write(&out, artifacts);
    if tree(&outside) != outside_before {
        return Err(format!(
            "a file outside the output folder changed (build: {written:?})"
        ));
    }
    let after = tree(&out);
    let recorded = |path: &str| {
        path.split_once('/').is_some_and(|(target, rest)| {
            records
                .get(target)
                .is_some_and(|r| super::parse_record(r).iter().any(|e| e == rest))
        })
    };
    // A leftover of a killed build: a staging folder in the output folder (with all it
    // holds), or a temporary file in a target folder.
    let leftover = |path: &str| {
        let mut parts = path.split('/');
        let first = parts.next().unwrap_or_default();
        super::leftovers::is_leftover_name(first, true)
            || path.contains('/')
                && super::leftovers::is_leftover_name(
                    path.rsplit('/').next().unwrap_or_default(),
                    false,
                )
    };
    for (path, entry) in &before {
        if after.contains_key(path) {
            continue;
        }
        // The only removals allowed: regular files the record names, and leftovers.
        let allowed = (matches!(entry, Entry::File(_)) && recorded(path)) || leftover(path);
        if !allowed {
            return Err(format!(
                "`{path}` ({entry:?}) was removed (build: {written:?})"
            ));
        }
    }
    // What --check said would be removed is what the build removed (when it succeeded).
    if let (Ok(differences), Ok(_)) = (&check, &written) {
        for difference in differences {
            if let super::Difference::Removed { path } = difference {
                if after.contains_key(path) {
                    return Err(format!(
                        "--check said `{path}` would be removed; it was not"
                    ));
                }
            }
        }
    }
    Ok(())
}
