//! Kubernetes names: objects, ports, pod volumes, labels, files and Ingress hosts.
//!
//! Every name here is derived from model names deterministically, so the same model always
//! gives the same objects, and a name never changes between releases (a renamed object is a
//! new object in the cluster, and a renamed PersistentVolumeClaim loses its data).

use std::collections::BTreeMap;

use ir::publish::{dns_label, shorten, stable_hash};

/// The longest object name derived from a resource name. Object names are DNS-1123 labels
/// (at most 63 characters), but a StatefulSet's pods carry the label
/// `controller-revision-hash: <name>-<10 characters>`, which must fit in 63 too, hence 52.
const MAX_OBJECT: usize = 52;

/// The longest DNS label (Services, container names, label values, and the like).
const MAX_LABEL: usize = 63;

/// The longest port name: ports are IANA service names (RFC 6335), at most 15 characters.
const MAX_PORT: usize = 15;

/// The object name of a model resource: its Deployment or StatefulSet, its Service (so it is
/// also the resource's host name inside the namespace), and its container.
pub(crate) fn object_name(name: &str) -> String {
    label(name, MAX_OBJECT)
}

/// [`dns_label`], copying a name that is a short enough label already (most names are) instead
/// of rebuilding it twice.
fn label(name: &str, max: usize) -> String {
    if name.len() <= max && is_dns_label(name) {
        name.to_string()
    } else {
        dns_label(name, max)
    }
}

/// A name derived from an object name, such as `pg-initdb` or `web-external`.
pub(crate) fn derived(base: &str, suffix: &str) -> String {
    // Most suffixes are already labels (`external`, `initdb`, a volume name) and most names
    // fit: then the name is the two joined, which `dns_label` and `shorten` would keep as it
    // is, so it is built without them (they allocate twice more).
    if is_dns_label(suffix) && base.len() + 1 + suffix.len() <= MAX_LABEL {
        let mut name = String::with_capacity(base.len() + 1 + suffix.len());
        name.push_str(base);
        name.push('-');
        name.push_str(suffix);
        return name;
    }
    shorten(
        &format!("{base}-{}", dns_label(suffix, MAX_LABEL)),
        MAX_LABEL,
    )
}

/// Whether `dns_label` would give `text` back: lowercase alphanumerics and single `-`s
/// between them.
fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() <= MAX_LABEL
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && !text.contains("--")
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// The application name as a label value and name prefix.
pub(crate) fn app_name(name: &str) -> String {
    label(name, MAX_OBJECT)
}

/// A valid IANA service name (lowercase alphanumerics and `-`, at least one letter, no `--`,
/// at most 15 characters) for each endpoint name, distinct within one container.
pub(crate) fn port_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let candidates = names.into_iter().map(|name| {
        // A short label already (`http`) stays as it is, as `shorten(dns_label(..))` keeps it.
        let label = if name.len() <= MAX_PORT && is_dns_label(name) {
            name.to_string()
        } else {
            shorten(&dns_label(name, MAX_LABEL), MAX_PORT)
        };
        if label.contains(|c: char| c.is_ascii_lowercase()) {
            label
        } else {
            hashed("p", name)
        }
    });
    distinct(candidates, "p")
}

/// Pod volume names (DNS labels), distinct within one pod.
pub(crate) fn volume_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    distinct(names.into_iter().map(|n| label(n, MAX_LABEL)), "v")
}

/// Replaces a repeated name with a hashed one. Two different model names can sanitise to the
/// same name (`HTTP` and `http` in a manifest); the hash of the position keeps them apart.
fn distinct(candidates: impl Iterator<Item = String>, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (index, candidate) in candidates.enumerate() {
        let name = if out.contains(&candidate) {
            hashed(prefix, &format!("{index}/{candidate}"))
        } else {
            candidate
        };
        out.push(name);
    }
    out
}

/// `<prefix>-<8 hex digits>`: 10 characters, starting with a letter.
fn hashed(prefix: &str, text: &str) -> String {
    format!("{prefix}-{:08x}", stable_hash(text))
}

/// The recommended labels' keys (`app.kubernetes.io/...`).
const COMPONENT: &str = "app.kubernetes.io/component";
const INSTANCE: &str = "app.kubernetes.io/instance";
const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
const NAME: &str = "app.kubernetes.io/name";
const PART_OF: &str = "app.kubernetes.io/part-of";

/// The labels that select a workload's pods. Only names that never change for the life of
/// the resource: a Deployment's selector is immutable, so a label that could change (an
/// image, a version) would make the next `kubectl apply` fail.
pub(crate) fn selector(app: &str, object: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (INSTANCE.to_string(), app.to_string()),
        (NAME.to_string(), object.to_string()),
    ])
}

/// The recommended labels of an object that belongs to a resource: the selector labels plus
/// what the resource is (`project`, `container`, or the integration type) and whose it is
/// ([`app_labels`]), built as one map rather than three merged.
pub(crate) fn labels(app: &str, object: &str, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (COMPONENT.to_string(), component.to_string()),
        (INSTANCE.to_string(), app.to_string()),
        (MANAGED_BY.to_string(), "aspirec".to_string()),
        (NAME.to_string(), object.to_string()),
        (PART_OF.to_string(), app.to_string()),
    ])
}

/// The labels of objects that belong to the application as a whole (Namespace, parameters).
pub(crate) fn app_labels(app: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY.to_string(), "aspirec".to_string()),
        (PART_OF.to_string(), app.to_string()),
    ])
}

/// Files that hold the application's own objects; a resource whose object name is one of these
/// gets a `.resource.yaml` file instead (object names have no `.`, so that cannot collide).
pub(crate) const KUSTOMIZATION_FILE: &str = "kustomization.yaml";
pub(crate) const NAMESPACE_FILE: &str = "namespace.yaml";
pub(crate) const PARAMETERS_FILE: &str = "parameters.yaml";

/// The file that holds a resource's objects.
pub(crate) fn resource_file(object: &str) -> String {
    let plain = [object, ".yaml"].concat();
    if [KUSTOMIZATION_FILE, NAMESPACE_FILE, PARAMETERS_FILE].contains(&plain.as_str()) {
        [object, ".resource.yaml"].concat()
    } else {
        plain
    }
}

/// The Ingress host of a resource's external HTTP endpoint. `*.localhost` resolves to the
/// local machine (RFC 6761), so the default works as it is with a local cluster whose ingress
/// controller listens on localhost (kind, k3d, Docker Desktop, minikube tunnel); any other
/// environment replaces it with a kustomize patch. The first endpoint gets
/// `<resource>.<namespace>.localhost`, further ones `<port>.<resource>.<namespace>.localhost`.
pub(crate) fn ingress_host(object: &str, namespace: &str, port: Option<&str>) -> String {
    match port {
        None => format!("{object}.{namespace}.localhost"),
        Some(port) => format!("{port}.{object}.{namespace}.localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_iana(name: &str) -> bool {
        name.len() <= 15
            && !name.starts_with('-')
            && !name.ends_with('-')
            && !name.contains("--")
            && name.contains(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    #[test]
    fn port_names_are_iana_service_names_and_distinct() {
        let names = port_names([
            "http",
            "HTTP",
            "management-interface-v2",
            "1234567890123456",
            "--",
        ]);
        assert_eq!(names[0], "http");
        assert_ne!(names[1], "http");
        assert!(names.iter().all(|n| is_iana(n)), "{names:?}");
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(
            names,
            port_names([
                "http",
                "HTTP",
                "management-interface-v2",
                "1234567890123456",
                "--"
            ])
        );
    }

    #[test]
    fn object_names_leave_room_for_statefulset_revisions() {
        let long = "a".repeat(64);
        assert!(object_name(&long).len() <= 52);
        assert_eq!(object_name("Catalog_Api"), "catalog-api");
        assert!(derived(&object_name(&long), "external").len() <= 63);
    }

    /// The shortcut for suffixes that are labels already gives what the general way gives.
    #[test]
    fn derived_names_take_the_shortcut_only_when_it_changes_nothing() {
        let base = object_name(&"b".repeat(50));
        for suffix in [
            "external", "data-1", "Data", "a--b", "-a", "a-", "x_y", "", "a.b",
        ] {
            for base in ["web", base.as_str()] {
                let general = shorten(
                    &format!("{base}-{}", dns_label(suffix, MAX_LABEL)),
                    MAX_LABEL,
                );
                assert_eq!(derived(base, suffix), general, "{base} {suffix}");
            }
        }
        for name in ["web", "Web", "a--b", "-a", "a.b", "", &"c".repeat(60)] {
            for max in [MAX_PORT, MAX_OBJECT, MAX_LABEL] {
                assert_eq!(label(name, max), dns_label(name, max), "{name} {max}");
            }
        }
        assert!(is_dns_label("data-1"));
        assert!(!is_dns_label("a--b"));
    }

    #[test]
    fn resource_labels_are_the_selector_and_the_application_labels() {
        let mut expected = selector("shop", "web");
        expected.insert(COMPONENT.to_string(), "project".to_string());
        expected.extend(app_labels("shop"));
        assert_eq!(labels("shop", "web", "project"), expected);
    }

    #[test]
    fn resource_files_never_collide_with_application_files() {
        assert_eq!(resource_file("web"), "web.yaml");
        assert_eq!(resource_file("namespace"), "namespace.resource.yaml");
        assert_eq!(
            resource_file("kustomization"),
            "kustomization.resource.yaml"
        );
    }
}
