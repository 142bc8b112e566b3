//! `files = [{ source, target }]`: reads each source beside the model, through the
//! compilation's file reader, before anything else looks at it.
//!
//! A source must stay inside the model's folder: an absolute path or a `..` is refused
//! without being read (`E0209`), as is one the reader cannot read (with its reason). A folder
//! is read file by file, without the folders in it (the reader refuses a folder that has
//! some). What the mount may hold (names, size) is `ir`'s check, the same for every front end.

use ir::model::FilesDecl;
use ir::{Diagnostics, Spanned, codes};

use crate::manifest::ReadFile;

/// The entry `source` → `target`, read; `None` after a reported problem.
pub(crate) fn read(
    source: Spanned<String>,
    target: Spanned<String>,
    read_file: ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Option<FilesDecl> {
    let path = source.value.trim_end_matches('/');
    if !inside(&source, diags) {
        return None;
    }
    let mut fail = |why: String| unreadable(&source, why, diags);
    let (folder, files) = match read_file(path) {
        Ok(text) => {
            let name = path.rsplit('/').next().unwrap_or(path).to_string();
            (false, vec![(name, text)])
        }
        Err(why) if why == crate::IS_A_FOLDER => {
            let listing = match read_file(&format!("{path}/")) {
                Ok(listing) => listing,
                Err(why) => {
                    fail(why);
                    return None;
                }
            };
            let mut files = Vec::new();
            for name in listing.lines().filter(|n| !n.is_empty()) {
                match read_file(&format!("{path}/{name}")) {
                    Ok(text) => files.push((name.to_string(), text)),
                    Err(why) => {
                        fail(format!("its file `{name}`: {why}"));
                        return None;
                    }
                }
            }
            (true, files)
        }
        Err(why) => {
            fail(why);
            return None;
        }
    };
    Some(FilesDecl {
        source,
        target,
        folder,
        files,
    })
}

/// Whether `source` names a path inside the model's folder in so many words (relative, no
/// `..`); reports it (`E0209`) if not, without reading it.
fn inside(source: &Spanned<String>, diags: &mut Diagnostics) -> bool {
    let path = source.value.trim_end_matches('/');
    let escapes = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains(':')
        || path.split('/').any(|part| part == "..");
    if escapes {
        diags
            .report(
                codes::UNREADABLE_FILE,
                source.span,
                format!("`{}` is not a path inside the model's folder", source.value),
            )
            .with_label("files are read relative to the model's folder, and only from inside it")
            .with_help("write a relative path without `..`, with `/` between folders");
    }
    !escapes
}

/// The text of one file beside the model (a patch's), with the checks of `files`; `None`
/// after a reported problem.
pub(crate) fn read_text(
    source: &Spanned<String>,
    read_file: ReadFile<'_>,
    diags: &mut Diagnostics,
) -> Option<String> {
    if !inside(source, diags) {
        return None;
    }
    read_file(&source.value)
        .map_err(|why| unreadable(source, why, diags))
        .ok()
}

/// Reports that `source` cannot be read, and why (`E0209`).
fn unreadable(source: &Spanned<String>, why: String, diags: &mut Diagnostics) {
    diags
        .report(
            codes::UNREADABLE_FILE,
            source.span,
            format!("`{}` cannot be read", source.value),
        )
        .with_label(why);
}
