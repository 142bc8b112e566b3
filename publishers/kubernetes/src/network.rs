//! How a workload is reached: its ClusterIP Service, and from outside the cluster an Ingress
//! (external HTTP endpoints) or a LoadBalancer Service (other external endpoints).

use ir::{Endpoint, Ingress as IngressSettings, Protocol, Tls};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::lower::{Ctx, Owner};
use crate::names;
use crate::plan::{IngressHost, IngressKnobs, Knob, Object, Switch};

/// The Service other pods use: its name is the resource's host name, and each endpoint's
/// `port` forwards to its `target_port`. `None` when the resource has no endpoints.
pub(crate) fn internal_service(ctx: &Ctx<'_>, owner: &Owner<'_>) -> Option<Object> {
    service(ctx, owner, &owner.object, "ClusterIP", |_| true)
}

/// A LoadBalancer Service for external endpoints that are not HTTP (an Ingress routes only
/// HTTP), named `<resource>-external`; with its name.
pub(crate) fn external_service(ctx: &Ctx<'_>, owner: &Owner<'_>) -> Option<(Object, String)> {
    let name = names::derived(&owner.object, "external");
    let service = service(ctx, owner, &name, "LoadBalancer", |e| {
        e.external && !e.is_http()
    })?;
    Some((service, name))
}

fn service(
    ctx: &Ctx<'_>,
    owner: &Owner<'_>,
    name: &str,
    kind: &str,
    include: impl Fn(&Endpoint) -> bool,
) -> Option<Object> {
    let mut ports: Vec<ServicePort> = Vec::new();
    for (endpoint, port_name) in owner.endpoints.iter().zip(&owner.port_names) {
        let protocol = protocol(endpoint.protocol);
        // One Service port per (port, protocol); a second endpoint on the same port is the
        // same listener seen under another name (a manifest's http and https on one port).
        let taken = ports
            .iter()
            .any(|p| p.port == i32::from(endpoint.port) && p.protocol.as_deref() == protocol);
        if !include(endpoint) || taken {
            continue;
        }
        ports.push(ServicePort {
            name: Some(port_name.clone()),
            port: i32::from(endpoint.port),
            protocol: protocol.map(str::to_string),
            target_port: Some(IntOrString::Int(i32::from(endpoint.target_port))),
            ..ServicePort::default()
        });
    }
    if ports.is_empty() {
        return None;
    }
    let mut object = Object::new(Service {
        metadata: ctx.meta(name, owner.labels.clone()),
        spec: Some(ServiceSpec {
            type_: Some(kind.to_string()),
            selector: Some(owner.selector.clone()),
            ports: Some(ports),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    });
    object.slot("/spec/selector", Knob::Selector);
    Some(object)
}

/// `UDP` where it is needed; TCP is the default and left out.
pub(crate) fn protocol(protocol: Protocol) -> Option<&'static str> {
    match protocol {
        Protocol::Tcp => None,
        Protocol::Udp => Some("UDP"),
    }
}

/// An Ingress for the external HTTP endpoints: one rule per host of each endpoint, its
/// `ingress.hosts` or else one default host ([`names::ingress_host`]), for its path prefix
/// (default `/`). An endpoint on a target port already routed is the same server and gets no
/// rule of its own (the check lets only one of them have `ingress`, whose settings the rule
/// takes). The class and TLS are the model's (the check makes a resource's endpoints agree on
/// them); without them the object has no `ingressClassName` (the cluster's default class) and
/// no TLS, which an overlay adds (the Helm chart has settings for both, and for the hosts). A
/// cert-manager issuer is its `cert-manager.io/cluster-issuer` annotation, and the TLS Secret
/// it fills is `<resource>-tls`.
pub(crate) fn ingress(ctx: &Ctx<'_>, owner: &Owner<'_>) -> Option<(Object, IngressKnobs)> {
    let mut rules: Vec<IngressRule> = Vec::new();
    let mut routed: Vec<u16> = Vec::new();
    let mut knobs = IngressKnobs::default();
    let mut settings: Option<&IngressSettings> = None;
    for (endpoint, port_name) in owner.endpoints.iter().zip(&owner.port_names) {
        if !endpoint.external || !endpoint.is_http() || routed.contains(&endpoint.target_port) {
            continue;
        }
        let first = routed.is_empty();
        routed.push(endpoint.target_port);
        // The endpoint of this port that has `ingress` (at most one has).
        let ingress = owner
            .endpoints
            .iter()
            .filter(|e| e.external && e.target_port == endpoint.target_port)
            .find_map(|e| e.ingress.as_ref());
        settings = settings.or(ingress);
        let default_host = || {
            let sub = (!first).then_some(port_name.as_str());
            vec![names::ingress_host(&owner.object, &ctx.namespace, sub)]
        };
        let hosts = match ingress {
            Some(ingress) if !ingress.hosts.is_empty() => ingress.hosts.clone(),
            _ => default_host(),
        };
        let path = ingress.map_or("/", |i| i.path.as_str());
        for (index, host) in hosts.into_iter().enumerate() {
            // The first host of an endpoint is its value `hosts.<port>`, the others
            // `hosts.<port>.<n>` (a port name holds no `.`).
            let key = if index == 0 {
                port_name.clone()
            } else {
                format!("{port_name}.{}", index + 1)
            };
            knobs.hosts.push(IngressHost {
                port: key,
                host: host.clone(),
                path: path.to_string(),
            });
            rules.push(rule(owner, endpoint, host, path));
        }
    }
    if rules.is_empty() {
        return None;
    }
    let mut metadata = ctx.meta(&owner.object, owner.labels.clone());
    let mut tls = None;
    if let Some(settings) = settings {
        knobs.class = settings.class.clone();
        let secret = match &settings.tls {
            None => None,
            Some(Tls::Secret(secret)) => Some(secret.clone()),
            Some(Tls::Issuer(issuer)) => {
                metadata.annotations = Some(
                    [(CLUSTER_ISSUER.to_string(), issuer.clone())]
                        .into_iter()
                        .collect(),
                );
                Some(names::derived(&owner.object, "tls"))
            }
        };
        knobs.tls_secret = secret.clone();
        tls = secret.map(|secret| {
            vec![IngressTLS {
                secret_name: Some(secret),
                hosts: Some(knobs.hosts.iter().map(|h| h.host.clone()).collect()),
            }]
        });
    }
    let mut object = Object::new(Ingress {
        metadata,
        spec: Some(IngressSpec {
            ingress_class_name: knobs.class.clone(),
            rules: Some(rules),
            tls,
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    });
    for index in 0..knobs.hosts.len() {
        object.slot(
            format!("/spec/rules/{index}/host"),
            Knob::IngressHost(index),
        );
    }
    object.slot("/spec/ingressClassName", Knob::IngressClass);
    object.slot("/spec/tls", Knob::IngressTls);
    object.only_if = Some(Switch::Ingress);
    Some((object, knobs))
}

/// The annotation by which cert-manager issues the certificate of an Ingress's TLS hosts
/// from a ClusterIssuer.
const CLUSTER_ISSUER: &str = "cert-manager.io/cluster-issuer";

/// The Ingress rule routing `host` and the prefix `path` to `endpoint`'s Service port.
fn rule(owner: &Owner<'_>, endpoint: &Endpoint, host: String, path: &str) -> IngressRule {
    IngressRule {
        host: Some(host),
        http: Some(HTTPIngressRuleValue {
            paths: vec![HTTPIngressPath {
                path: Some(path.to_string()),
                path_type: "Prefix".to_string(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: owner.object.clone(),
                        port: Some(ServiceBackendPort {
                            number: Some(i32::from(endpoint.port)),
                            name: None,
                        }),
                    }),
                    resource: None,
                },
            }],
        }),
    }
}
