//! Ingress planning: which endpoint becomes the container app's main ingress, which ports
//! become additional port mappings, and therefore how other apps address each endpoint.
//!
//! Aspire's rules (aspire-conventions §5.4): endpoints are grouped by target port; one HTTP
//! group becomes the main ingress (the external one if any, else the first); with no HTTP
//! endpoint the first TCP group does, with transport `tcp`. Every other group is an
//! additional, internal port mapping. Azure Container Apps has one external ingress and only
//! HTTP can be external without a custom virtual network, so more than one external group or
//! an external non-HTTP endpoint cannot be expressed. It has no UDP at all.

use ir::{Diagnostic, Diagnostics, Protocol, Resource, Transport, Workload, codes};

/// One port the app exposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mapping {
    pub(crate) target_port: u16,
    /// The port other apps connect to (the model's `port` of the group's first endpoint).
    pub(crate) exposed_port: u16,
    pub(crate) external: bool,
    /// `http`, `http2` or `tcp`.
    pub(crate) transport: &'static str,
}

/// Where one endpoint ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Behind the main HTTP ingress: addressed as `https://<app>[.internal].<domain>`.
    MainHttp { external: bool },
    /// A TCP main ingress or an additional mapping: addressed as `<app>:<port>`.
    Port(u16),
    /// Not expressible (UDP), reported and left out.
    LeftOut,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) main: Option<Mapping>,
    pub(crate) additional: Vec<Mapping>,
    /// One entry per endpoint of the workload, in order.
    pub(crate) placement: Vec<Placement>,
}

struct Group {
    target_port: u16,
    exposed_port: u16,
    endpoints: Vec<usize>,
    http: bool,
    http2: bool,
    external: bool,
}

/// Plans the ingress of `resource`'s workload. Problems are reported at the resource (an
/// endpoint has no span of its own); the plan is still usable so that rendering can go on and
/// report everything at once.
pub(crate) fn plan(
    resource: &Resource,
    workload: &Workload,
    allow_unsupported: bool,
    diags: &mut Diagnostics,
) -> Plan {
    let mut placement = vec![Placement::LeftOut; workload.endpoints.len()];
    let mut groups: Vec<Group> = Vec::new();
    for (index, endpoint) in workload.endpoints.iter().enumerate() {
        if endpoint.protocol == Protocol::Udp {
            let d = Diagnostic::new(
                codes::UNSUPPORTED_FEATURE,
                resource.span,
                format!(
                    "endpoint `{}` of `{}` is UDP, which Azure Container Apps cannot expose (terraform target)",
                    endpoint.name, resource.name
                ),
            )
            .label(format!("endpoint `{}` is UDP", endpoint.name));
            diags.push(left_out(d, allow_unsupported, "the endpoint"));
            continue;
        }
        let http = endpoint.is_http();
        match groups
            .iter_mut()
            .find(|g| g.target_port == endpoint.target_port)
        {
            Some(group) => {
                group.endpoints.push(index);
                group.http |= http;
                group.http2 |= endpoint.transport == Transport::Http2;
                group.external |= endpoint.external;
            }
            None => groups.push(Group {
                target_port: endpoint.target_port,
                exposed_port: endpoint.port,
                endpoints: vec![index],
                http,
                http2: endpoint.transport == Transport::Http2,
                external: endpoint.external,
            }),
        }
    }
    check_external(resource, workload, &groups, diags);
    let main_index = groups
        .iter()
        .position(|g| g.http && g.external)
        .or_else(|| groups.iter().position(|g| g.http))
        .or_else(|| (!groups.is_empty()).then_some(0));
    let mut plan = Plan {
        main: None,
        additional: Vec::new(),
        placement: Vec::new(),
    };
    for (index, group) in groups.iter().enumerate() {
        let is_main = Some(index) == main_index;
        let transport = match (group.http, group.http2) {
            (true, true) => "http2",
            (true, false) => "http",
            (false, _) => "tcp",
        };
        // Only the main HTTP ingress can be external; everything else stays inside the
        // environment (the external cases were reported above).
        let external = is_main && group.http && group.external;
        let mapping = Mapping {
            target_port: group.target_port,
            exposed_port: group.exposed_port,
            external,
            transport,
        };
        for &endpoint in &group.endpoints {
            placement[endpoint] = if is_main && group.http {
                Placement::MainHttp { external }
            } else {
                Placement::Port(group.exposed_port)
            };
        }
        if is_main {
            plan.main = Some(mapping);
        } else {
            plan.additional.push(mapping);
        }
    }
    plan.placement = placement;
    plan
}

fn check_external(
    resource: &Resource,
    workload: &Workload,
    groups: &[Group],
    diags: &mut Diagnostics,
) {
    let name = &resource.name;
    let endpoint_names = |group: &Group| {
        group
            .endpoints
            .iter()
            .filter_map(|&i| workload.endpoints.get(i))
            .map(|e| format!("`{}`", e.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(group) = groups.iter().find(|g| g.external && !g.http) {
        diags.push(
            Diagnostic::new(
                codes::INVALID_INGRESS,
                resource.span,
                format!(
                    "`{name}` exposes the non-HTTP endpoint {} externally, which Azure Container Apps cannot do (terraform target)",
                    endpoint_names(group)
                ),
            )
            .label("an external endpoint that is not HTTP")
            .help("Azure Container Apps exposes only HTTP outside the environment; make the endpoint internal")
            .note("external TCP ingress needs a custom virtual network, which aspirec does not create"),
        );
    }
    let external: Vec<&Group> = groups.iter().filter(|g| g.external && g.http).collect();
    if external.len() > 1 {
        let ports: Vec<String> = external.iter().map(|g| g.target_port.to_string()).collect();
        diags.push(
            Diagnostic::new(
                codes::INVALID_INGRESS,
                resource.span,
                format!(
                    "`{name}` has external endpoints on target ports {}, but an Azure Container App has one external ingress (terraform target)",
                    ports.join(", ")
                ),
            )
            .label(format!("{} external target ports", external.len()))
            .help("a container app has one external ingress: keep one external endpoint")
            .note("endpoints on the same target port share one ingress and may all be external"),
        );
    }
}

/// The diagnostic for something the target cannot express: an error, or with
/// `--allow-unsupported` a warning saying what is left out.
pub(crate) fn left_out(d: Diagnostic, allow_unsupported: bool, what: &str) -> Diagnostic {
    if allow_unsupported {
        Diagnostic {
            code: codes::UNSUPPORTED_LEFT_OUT,
            ..d.downgrade()
        }
        .note(format!(
            "{what} is left out of the Terraform output by --allow-unsupported"
        ))
    } else {
        d.help(format!("pass --allow-unsupported to leave {what} out"))
    }
}
