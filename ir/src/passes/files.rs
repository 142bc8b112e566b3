//! Config files (`files = [{ source, target }]`): what the front end read from beside the
//! model, checked once for every target.
//!
//! The front end refuses a source outside the model's folder and reports one it cannot read;
//! here the mount itself is checked: `target` is an absolute path, every file name can be a
//! key of a Kubernetes ConfigMap (`[-._a-zA-Z0-9]+`, which every target can carry), and the
//! size is bounded, because every target carries the contents inside its own output (a
//! ConfigMap holds at most 1 MiB, all keys together).

use crate::checked::FileMount;
use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::FilesDecl;

/// The most bytes one `files` entry may hold, all files together.
pub(crate) const MAX_BYTES: usize = 256 * 1024;
/// The most files one folder may hold.
pub(crate) const MAX_FILES: usize = 64;

/// The checked mount of `decl`; `None` after a reported problem.
pub(crate) fn mount(decl: &FilesDecl, diags: &mut Diagnostics) -> Option<FileMount> {
    let mut ok = true;
    let target = &decl.target;
    if !target.value.starts_with('/') || target.value.split('/').any(|part| part == "..") {
        diags
            .report(
                codes::INVALID_VALUE,
                target.span,
                format!(
                    "`{}` is not an absolute path in the container",
                    target.value
                ),
            )
            .with_label("a mount target starts with `/` and has no `..`");
        ok = false;
    }
    if let Some((name, _)) = decl.files.iter().find(|(name, _)| !is_key(name)) {
        diags
            .report(
                codes::INVALID_VALUE,
                decl.source.span,
                format!("the file name `{name}` cannot be mounted"),
            )
            .with_label("a mounted file's name is made of letters, digits, `-`, `_` and `.`")
            .with_help("rename the file: Kubernetes ConfigMap keys allow no other characters");
        ok = false;
    }
    let bytes: usize = decl.files.iter().map(|(_, text)| text.len()).sum();
    if bytes > MAX_BYTES || decl.files.len() > MAX_FILES {
        diags
            .report(
                codes::INVALID_VALUE,
                decl.source.span,
                format!(
                    "`{}` is too large to mount: {} file(s), {bytes} bytes",
                    decl.source.value,
                    decl.files.len()
                ),
            )
            .with_label(format!(
                "at most {MAX_FILES} files and {} KiB are mounted from one entry",
                MAX_BYTES / 1024
            ))
            .with_help("mount large data from a volume, or bake it into the image");
        ok = false;
    }
    ok.then(|| {
        let mut files = decl.files.clone();
        files.sort();
        FileMount {
            source: decl.source.value.clone(),
            target: target.value.trim_end_matches('/').to_string(),
            folder: decl.folder,
            files,
            span: target.span,
        }
    })
}

fn is_key(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::s;

    fn decl(target: &str, files: Vec<(String, String)>) -> FilesDecl {
        FilesDecl {
            source: s("config".to_string()),
            target: s(target.to_string()),
            folder: true,
            files,
        }
    }

    fn codes(decl: &FilesDecl) -> (Option<FileMount>, Vec<&'static str>) {
        let mut diags = Diagnostics::new();
        let mount = mount(decl, &mut diags);
        let codes = diags.iter().map(|d| d.code.id).collect();
        (mount, codes)
    }

    #[test]
    fn a_mount_is_bounded_in_files_and_bytes() {
        let many = (0..=MAX_FILES)
            .map(|i| (format!("f{i}"), String::new()))
            .collect();
        assert_eq!(codes(&decl("/etc/x", many)).1, ["E0205"]);
        let large = vec![("big".to_string(), "x".repeat(MAX_BYTES + 1))];
        assert_eq!(codes(&decl("/etc/x", large)).1, ["E0205"]);
        let fits = vec![
            ("b.txt".to_string(), "x".repeat(MAX_BYTES / 2)),
            ("a.json".to_string(), "{}".to_string()),
        ];
        let (mount, found) = codes(&decl("/etc/x/", fits));
        assert!(found.is_empty(), "{found:?}");
        let mount = mount.expect("a mount");
        // Sorted by name, the target without its trailing `/`.
        assert_eq!(mount.files[0].0, "a.json");
        assert_eq!(mount.target, "/etc/x");
        assert_eq!(
            mount.paths().next().map(|p| p.0),
            Some("/etc/x/a.json".to_string())
        );
    }

    #[test]
    fn the_hash_follows_names_and_contents() {
        let one = |name: &str, text: &str| FileMount {
            source: "s".to_string(),
            target: "/t".to_string(),
            folder: true,
            files: vec![(name.to_string(), text.to_string())],
            span: crate::span::Span::DETACHED,
        };
        assert_eq!(one("a", "x").content_hash(), one("a", "x").content_hash());
        assert_ne!(one("a", "x").content_hash(), one("a", "y").content_hash());
        assert_ne!(one("a", "x").content_hash(), one("b", "x").content_hash());
        assert_eq!(one("a", "x").content_hash().len(), 8);
    }
}
