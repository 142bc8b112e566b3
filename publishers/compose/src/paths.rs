//! Path arithmetic on the `/`-separated relative paths of the model, without touching the file
//! system: Compose reads `build.dockerfile` relative to `build.context`, while the model gives
//! both relative to the model's folder.

/// `path` as seen from the folder `base`, when both are relative to the same folder:
/// `relative_to("src", "src/Worker/Dockerfile")` is `Worker/Dockerfile`, and
/// `relative_to("src/Api", "docker/Api.Dockerfile")` is `../../docker/Api.Dockerfile`.
/// An absolute `path` is returned as it is. `None` when it cannot be known: `base` is absolute
/// while `path` is not, or `base` climbs out of the common folder with `..`.
pub(crate) fn relative_to(base: &str, path: &str) -> Option<String> {
    if is_absolute(path) {
        return Some(path.to_string());
    }
    if is_absolute(base) {
        return None;
    }
    let base = normalize(base);
    let path = normalize(path);
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let (base_rest, path_rest) = (base.get(common..)?, path.get(common..)?);
    if base_rest.contains(&"..") {
        return None;
    }
    let parts: Vec<&str> = std::iter::repeat_n("..", base_rest.len())
        .chain(path_rest.iter().copied())
        .collect();
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/') || path.starts_with('\\') || path.as_bytes().get(1) == Some(&b':')
}

/// The components of a relative path with `.` dropped and `name/..` folded; leading `..` stay.
fn normalize(path: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::relative_to;

    #[test]
    fn rebases_relative_paths() {
        assert_eq!(
            relative_to("src", "src/Worker/Dockerfile").as_deref(),
            Some("Worker/Dockerfile")
        );
        assert_eq!(
            relative_to("./src/Api/", "src/Api/Dockerfile").as_deref(),
            Some("Dockerfile")
        );
        assert_eq!(
            relative_to("src/Api", "docker/Api.Dockerfile").as_deref(),
            Some("../../docker/Api.Dockerfile")
        );
        assert_eq!(
            relative_to("src/x/..", "Dockerfile").as_deref(),
            Some("../Dockerfile")
        );
        assert_eq!(relative_to(".", ".").as_deref(), Some("."));
        assert_eq!(
            relative_to("../app", "../app/Dockerfile").as_deref(),
            Some("Dockerfile")
        );
    }

    #[test]
    fn gives_up_where_the_answer_depends_on_the_file_system() {
        assert_eq!(relative_to("../app", "Dockerfile"), None);
        assert_eq!(relative_to("/abs/app", "Dockerfile"), None);
        assert_eq!(
            relative_to("app", "/abs/Dockerfile").as_deref(),
            Some("/abs/Dockerfile")
        );
    }
}
