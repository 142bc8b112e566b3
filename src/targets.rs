//! The registry of publishers: the one list of targets aspirec can emit.

use ir::Publisher;

static ALL: [&'static dyn Publisher; 6] = [
    &aspirec_publish_kubernetes::PUBLISHER,
    &aspirec_publish_kubernetes::HELM,
    &aspirec_publish_compose::PUBLISHER,
    &aspirec_publish_terraform::PUBLISHER,
    &aspirec_publish_bicep::PUBLISHER,
    &aspirec_publish_aws::PUBLISHER,
];

/// Every target, in the order `--emit all` runs them.
pub fn all() -> &'static [&'static dyn Publisher] {
    &ALL
}

/// The target with this id (`k8s`, `helm`, `compose`, `terraform`, `bicep`, `terraform-aws`).
pub fn by_id(id: &str) -> Option<&'static dyn Publisher> {
    ALL.iter().copied().find(|p| p.id() == id)
}
