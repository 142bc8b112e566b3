//! Where the model's folder is, seen from a target folder: build contexts and bind mounts in
//! the model are relative to the model, while Compose reads them relative to its file.

use std::path::Path;

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
