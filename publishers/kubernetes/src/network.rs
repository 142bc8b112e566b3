//! How a workload is reached: its ClusterIP Service, and from outside the cluster an Ingress
//! (external HTTP endpoints) or a LoadBalancer Service (other external endpoints).

use ir::{Endpoint, Protocol};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::lower::{Ctx, Owner};
use crate::names;
use crate::plan::{IngressHost, Knob, Object, Switch};

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

/// An Ingress for the external HTTP endpoints, one host per endpoint ([`names::ingress_host`]).
/// An endpoint on a target port already routed is the same server and gets no rule of its
/// own. No `ingressClassName` (the cluster's default class) and no TLS: both depend on the
/// cluster, and an overlay adds them (the Helm chart has settings for both, and for the hosts).
/// With each rule's host as a deploy-time value.
pub(crate) fn ingress(ctx: &Ctx<'_>, owner: &Owner<'_>) -> Option<(Object, Vec<IngressHost>)> {
    let mut rules: Vec<IngressRule> = Vec::new();
    let mut routed: Vec<u16> = Vec::new();
    let mut hosts = Vec::new();
    for (endpoint, port_name) in owner.endpoints.iter().zip(&owner.port_names) {
        if !endpoint.external || !endpoint.is_http() || routed.contains(&endpoint.target_port) {
            continue;
        }
        let sub = (!routed.is_empty()).then_some(port_name.as_str());
        routed.push(endpoint.target_port);
        let host = names::ingress_host(&owner.object, &ctx.namespace, sub);
        hosts.push(IngressHost {
            port: port_name.clone(),
            host: host.clone(),
        });
        rules.push(IngressRule {
            host: Some(host),
            http: Some(HTTPIngressRuleValue {
                paths: vec![HTTPIngressPath {
                    path: Some("/".to_string()),
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
        });
    }
    if rules.is_empty() {
        return None;
    }
    let mut object = Object::new(Ingress {
        metadata: ctx.meta(&owner.object, owner.labels.clone()),
        spec: Some(IngressSpec {
            rules: Some(rules),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    });
    for index in 0..hosts.len() {
        object.slot(
            format!("/spec/rules/{index}/host"),
            Knob::IngressHost(index),
        );
    }
    object.slot("/spec/ingressClassName", Knob::IngressClass);
    object.slot("/spec/tls", Knob::IngressTls);
    object.only_if = Some(Switch::Ingress);
    Some((object, hosts))
}
