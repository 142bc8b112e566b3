//! Custom domains: the `ingress` hosts of the endpoint behind an app's external HTTP ingress,
//! for both Azure targets (`azurerm_container_app_custom_domain`, Bicep
//! `configuration.ingress.customDomains`).
//!
//! A host is bound by SNI to the certificate of the Container Apps environment that
//! `tls.secret` names. What Container Apps cannot express is E0702 (with
//! `--allow-unsupported`, W0701 and it is left out): a path prefix other than `/` (its ingress
//! routes whole hosts; the app then gets every path), and a cert-manager `tls.issuer` (the
//! hosts are then added unbound, for `az containerapp hostname bind` to give them a managed
//! certificate). The Ingress class is Kubernetes' alone: a note says it does not apply.

use ir::{Resource, Tls, Workload};

use crate::ingress::{Ingress, Placement};
use crate::notes::Note;
use crate::plan::CustomDomain;
use crate::report::{Reporter, Unsupported};

/// The custom domains of `workload`'s external HTTP ingress (`ingress` is its plan).
pub(crate) fn of<'m>(
    resource: &Resource,
    workload: &'m Workload,
    ingress: &Ingress,
    reporter: &Reporter,
    diags: &mut ir::Diagnostics,
) -> Vec<CustomDomain<'m>> {
    // The check lets one endpoint of a target port have `ingress`, so the main group has at
    // most one.
    let Some((endpoint, settings)) = workload
        .endpoints
        .iter()
        .zip(&ingress.placements)
        .filter(|(_, p)| **p == Some(Placement::MainHttp { external: true }))
        .find_map(|(e, _)| Some((e, e.ingress.as_ref()?)))
    else {
        return Vec::new();
    };
    if !settings.routes_everything() {
        reporter.unsupported_at(
            &resource.name,
            settings.path_span,
            Unsupported::IngressPath(endpoint, &settings.path),
            diags,
        );
    }
    let certificate = match &settings.tls {
        None => None,
        Some(Tls::Secret(name)) => Some(name.as_str()),
        Some(Tls::Issuer(issuer)) => {
            reporter.unsupported_at(
                &resource.name,
                settings.tls_span,
                Unsupported::CertificateIssuer(endpoint, issuer),
                diags,
            );
            None
        }
    };
    settings
        .hosts
        .iter()
        .map(|host| CustomDomain { host, certificate })
        .collect()
}

/// The notes on `workload`'s custom domains: the DNS records and certificate they need before
/// deploying, and an Ingress class that does not apply.
pub(crate) fn notes<'m>(workload: &'m Workload, domains: &[CustomDomain<'m>]) -> Vec<Note<'m>> {
    let mut notes = Vec::new();
    if let Some(first) = domains.first() {
        notes.push(Note::CustomDomains {
            hosts: domains.iter().map(|d| d.host).collect(),
            certificate: first.certificate,
        });
    }
    let class = workload
        .endpoints
        .iter()
        .filter(|e| e.external)
        .find_map(|e| e.ingress.as_ref()?.class.as_deref());
    if let Some(class) = class {
        notes.push(Note::IngressClass(class));
    }
    notes
}
