//! Image references in their parts (registry, repository, tag, digest), so that a deployer can
//! change one of them (a mirror registry, a newer tag) without restating the others.
//!
//! The split follows the reference grammar of the distribution project: the first path
//! component is a registry when it has a `.` or a `:`, or is `localhost`; the tag follows the
//! last `:` of the last component; the digest follows `@`. Joining the parts gives the
//! reference back byte for byte ([`ImageRef::parse`] keeps a reference it cannot split that
//! way whole, as the repository).

/// An image reference in parts; [`ImageRef::reference`] joins them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// Empty when the reference names none (the runtime's default, Docker Hub).
    pub(crate) registry: String,
    pub(crate) repository: String,
    /// Empty when the reference has none.
    pub(crate) tag: String,
    /// Empty when the reference has none.
    pub(crate) digest: String,
}

impl ImageRef {
    pub(crate) fn parse(reference: &str) -> ImageRef {
        let split = split(reference);
        if split.reference() == reference {
            split
        } else {
            ImageRef {
                registry: String::new(),
                repository: reference.to_string(),
                tag: String::new(),
                digest: String::new(),
            }
        }
    }

    /// `[registry/]repository[:tag][@digest]`.
    pub(crate) fn reference(&self) -> String {
        let mut out = String::new();
        if !self.registry.is_empty() {
            out.push_str(&self.registry);
            out.push('/');
        }
        out.push_str(&self.repository);
        if !self.tag.is_empty() {
            out.push(':');
            out.push_str(&self.tag);
        }
        if !self.digest.is_empty() {
            out.push('@');
            out.push_str(&self.digest);
        }
        out
    }
}

fn split(reference: &str) -> ImageRef {
    let (name, digest) = reference.split_once('@').unwrap_or((reference, ""));
    let (registry, path) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (first, rest),
        _ => ("", name),
    };
    let last = path.rfind('/').map_or(0, |slash| slash + 1);
    let (repository, tag) = match path[last..].rfind(':') {
        Some(colon) => (&path[..last + colon], &path[last + colon + 1..]),
        None => (path, ""),
    };
    ImageRef {
        registry: registry.to_string(),
        repository: repository.to_string(),
        tag: tag.to_string(),
        digest: digest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_into_parts_and_join_back() {
        let cases = [
            ("ghcr.io/acme/web:1.4.2", "ghcr.io", "acme/web", "1.4.2", ""),
            (
                "docker.io/library/postgres:17.6",
                "docker.io",
                "library/postgres",
                "17.6",
                "",
            ),
            ("redis", "", "redis", "", ""),
            ("nginx:1.27", "", "nginx", "1.27", ""),
            ("localhost:5000/app", "localhost:5000", "app", "", ""),
            ("localhost/app:v1", "localhost", "app", "v1", ""),
            ("acme/web@sha256:abc", "", "acme/web", "", "sha256:abc"),
            (
                "reg.io:443/a/b:t@sha256:0f",
                "reg.io:443",
                "a/b",
                "t",
                "sha256:0f",
            ),
        ];
        for (reference, registry, repository, tag, digest) in cases {
            let image = ImageRef::parse(reference);
            assert_eq!(
                (
                    image.registry.as_str(),
                    image.repository.as_str(),
                    image.tag.as_str(),
                    image.digest.as_str()
                ),
                (registry, repository, tag, digest),
                "{reference}"
            );
            assert_eq!(image.reference(), reference);
        }
    }

    #[test]
    fn what_does_not_split_exactly_stays_whole() {
        for reference in ["web:", "a//b", "", "x@", "/x", "{{ odd }}:1"] {
            assert_eq!(
                ImageRef::parse(reference).reference(),
                reference,
                "{reference}"
            );
        }
        assert_eq!(ImageRef::parse("web:").repository, "web:");
    }
}
