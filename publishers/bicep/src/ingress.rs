//! Ingress of a container app and how others address its endpoints (Aspire's rules,
//! aspire-conventions §5.4, as fixed in /work/notes/azure.md).
//!
//! Endpoints are grouped by target port. One group becomes the main ingress: for an
//! integration, the group of its first (connection) endpoint, as TCP; otherwise the external
//! HTTP group, else the first HTTP group, else the first group as TCP. Every other group is an
//! additional port mapping. The main HTTP ingress is reached at `https://<app>[.internal].<domain>`
//! (port 443); every other port at `<app>:<exposed port>`, where the exposed port is the
//! model's `port` of the group's first endpoint.
//!
//! E0704: HTTP and TCP on one target port, more than one external group, an external group
//! that is not HTTP (external TCP needs a custom VNET), two groups on one exposed port. UDP
//! endpoints have no address; the caller reports them as unsupported (E0702).

use ir::{Diagnostics, Endpoint, Protocol, Resource, Transport, codes};

/// The ingress of one container app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ingress {
    pub(crate) main: Option<MainIngress>,
    pub(crate) additional: Vec<PortMapping>,
    /// How each endpoint (by index) is addressed; `None` for endpoints left out (UDP).
    pub(crate) addresses: Vec<Option<Address>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MainIngress {
    pub(crate) external: bool,
    pub(crate) target_port: u16,
    pub(crate) transport: IngressTransport,
    /// Only for TCP: the port other apps connect to.
    pub(crate) exposed_port: Option<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IngressTransport {
    Http,
    Http2,
    Tcp,
}

impl IngressTransport {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IngressTransport::Http => "http",
            IngressTransport::Http2 => "http2",
            IngressTransport::Tcp => "tcp",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PortMapping {
    pub(crate) target_port: u16,
    pub(crate) exposed_port: u16,
}

/// Where other apps in the environment reach an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Address {
    /// The main HTTP ingress: `https://<app>.<domain>` (external) or
    /// `https://<app>.internal.<domain>`, port 443.
    MainHttp { external: bool },
    /// Any other port: `<app>:<port>`.
    Port(u16),
}

/// A group of endpoints on one target port.
struct Group {
    target_port: u16,
    exposed_port: u16,
    endpoints: Vec<usize>,
    http: bool,
    http2: bool,
    external: bool,
}

/// Plans the ingress of `resource`, a workload with `endpoints`. `integration` forces the
/// first endpoint's group to be the main ingress, as TCP. Errors go to `diags`, at the
/// resource (endpoints carry no span of their own).
pub(crate) fn plan(
    resource: &Resource,
    endpoints: &[Endpoint],
    integration: bool,
    diags: &mut Diagnostics,
) -> Ingress {
    let mut groups: Vec<Group> = Vec::new();
    for (index, endpoint) in endpoints.iter().enumerate() {
        if endpoint.protocol == Protocol::Udp {
            continue;
        }
        let http = endpoint.is_http() && !integration;
        match groups
            .iter_mut()
            .find(|g| g.target_port == endpoint.target_port)
        {
            Some(group) if group.http != http => invalid(
                diags,
                resource,
                format!(
                    "target port {} mixes HTTP and TCP endpoints",
                    endpoint.target_port
                ),
                "give the HTTP and the TCP endpoints their own target ports",
            ),
            Some(group) => {
                group.endpoints.push(index);
                group.external |= endpoint.external;
                group.http2 |= endpoint.transport == Transport::Http2;
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

    let external_groups = groups.iter().filter(|g| g.external).count();
    if external_groups > 1 {
        invalid(
            diags,
            resource,
            format!("{external_groups} target ports are external"),
            "Azure Container Apps exposes one port outside the environment: keep `external` on one endpoint",
        );
    }
    let main_index = if integration {
        // The first endpoint is the one connection strings use.
        endpoints.first().and_then(|first| {
            groups
                .iter()
                .position(|g| g.target_port == first.target_port)
        })
    } else {
        groups
            .iter()
            .position(|g| g.http && g.external)
            .or_else(|| groups.iter().position(|g| g.http))
            .or(if groups.is_empty() { None } else { Some(0) })
    };
    if let Some(group) = groups.iter().find(|g| g.external && !g.http) {
        invalid(
            diags,
            resource,
            format!(
                "the TCP endpoint on target port {} is external",
                group.target_port
            ),
            "external TCP ingress needs a custom VNET; make the endpoint internal or HTTP",
        );
    }

    let mut ingress = Ingress {
        addresses: vec![None; endpoints.len()],
        ..Ingress::default()
    };
    let mut exposed: Vec<u16> = Vec::new();
    for (index, group) in groups.iter().enumerate() {
        let is_main = main_index == Some(index);
        let address = if is_main && group.http {
            ingress.main = Some(MainIngress {
                external: group.external,
                target_port: group.target_port,
                transport: if group.http2 {
                    IngressTransport::Http2
                } else {
                    IngressTransport::Http
                },
                exposed_port: None,
            });
            Address::MainHttp {
                external: group.external,
            }
        } else {
            if exposed.contains(&group.exposed_port) {
                invalid(
                    diags,
                    resource,
                    format!(
                        "two target ports are exposed on port {}",
                        group.exposed_port
                    ),
                    "give the endpoints different `port`s",
                );
            }
            exposed.push(group.exposed_port);
            if is_main {
                ingress.main = Some(MainIngress {
                    external: false,
                    target_port: group.target_port,
                    transport: IngressTransport::Tcp,
                    exposed_port: Some(group.exposed_port),
                });
            } else {
                ingress.additional.push(PortMapping {
                    target_port: group.target_port,
                    exposed_port: group.exposed_port,
                });
            }
            Address::Port(group.exposed_port)
        };
        for &endpoint in &group.endpoints {
            if let Some(slot) = ingress.addresses.get_mut(endpoint) {
                *slot = Some(address);
            }
        }
    }
    ingress
}

fn invalid(diags: &mut Diagnostics, resource: &Resource, problem: String, help: &str) {
    diags
        .report(
            codes::INVALID_INGRESS,
            resource.span,
            format!(
                "`{}` cannot be exposed on Azure Container Apps (bicep target): {problem}",
                resource.name
            ),
        )
        .with_label("not expressible as container app ingress")
        .with_help(help.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(name: &str, scheme: &str, target_port: u16, port: u16, external: bool) -> Endpoint {
        let http = scheme == "http" || scheme == "https";
        Endpoint {
            name: name.into(),
            scheme: scheme.into(),
            transport: if http {
                Transport::Http
            } else {
                Transport::Tcp
            },
            protocol: if scheme == "udp" {
                Protocol::Udp
            } else {
                Protocol::Tcp
            },
            target_port,
            port,
            external,
        }
    }

    /// Plans the ingress of a resource `api` and checks that every problem points at it.
    fn run(endpoints: &[Endpoint], integration: bool) -> (Ingress, Vec<&'static str>) {
        let resource = crate::tests::declared_resource("api");
        let mut diags = Diagnostics::new();
        let ingress = plan(&resource, endpoints, integration, &mut diags);
        for d in diags.iter() {
            assert_eq!(d.primary.span, resource.span, "{}", d.message);
        }
        (ingress, diags.iter().map(|d| d.code.id).collect())
    }

    #[test]
    fn the_external_http_group_wins_and_the_rest_are_additional_ports() {
        let (ingress, errors) = run(
            &[
                endpoint("metrics", "http", 9090, 9090, false),
                endpoint("http", "http", 8080, 80, true),
                endpoint("https", "https", 8080, 443, true),
                endpoint("grpc", "tcp", 5000, 5001, false),
            ],
            false,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            ingress.main,
            Some(MainIngress {
                external: true,
                target_port: 8080,
                transport: IngressTransport::Http,
                exposed_port: None
            })
        );
        assert_eq!(
            ingress.additional,
            vec![
                PortMapping {
                    target_port: 9090,
                    exposed_port: 9090
                },
                PortMapping {
                    target_port: 5000,
                    exposed_port: 5001
                }
            ]
        );
        assert_eq!(
            ingress.addresses,
            vec![
                Some(Address::Port(9090)),
                Some(Address::MainHttp { external: true }),
                Some(Address::MainHttp { external: true }),
                Some(Address::Port(5001))
            ]
        );
    }

    #[test]
    fn without_http_the_first_port_is_internal_tcp() {
        let (ingress, errors) = run(&[endpoint("tcp", "tcp", 5432, 5432, false)], false);
        assert!(errors.is_empty());
        assert_eq!(
            ingress
                .main
                .map(|m| (m.transport, m.external, m.exposed_port)),
            Some((IngressTransport::Tcp, false, Some(5432)))
        );
    }

    #[test]
    fn integrations_use_their_first_endpoint_as_tcp() {
        let (ingress, _) = run(
            &[
                endpoint("tcp", "tcp", 5672, 5672, false),
                endpoint("management", "http", 15672, 15672, false),
            ],
            true,
        );
        assert_eq!(
            ingress.main.map(|m| (m.target_port, m.transport)),
            Some((5672, IngressTransport::Tcp))
        );
        assert_eq!(ingress.addresses[1], Some(Address::Port(15672)));
    }

    #[test]
    fn what_aca_cannot_expose_is_e0704() {
        assert_eq!(
            run(
                &[
                    endpoint("a", "http", 80, 80, true),
                    endpoint("b", "http", 81, 81, true)
                ],
                false
            )
            .1,
            vec!["E0704"]
        );
        assert_eq!(
            run(&[endpoint("t", "tcp", 80, 80, true)], false).1,
            vec!["E0704"]
        );
        // UDP is the caller's to report (E0702); it just gets no address.
        let (udp, errors) = run(&[endpoint("u", "udp", 53, 53, false)], false);
        assert!(errors.is_empty() && udp.main.is_none() && udp.addresses == vec![None]);
        assert_eq!(
            run(
                &[
                    endpoint("h", "http", 80, 80, false),
                    endpoint("t", "tcp", 80, 80, false)
                ],
                false
            )
            .1,
            vec!["E0704"]
        );
        assert_eq!(
            run(
                &[
                    endpoint("a", "tcp", 1, 9, false),
                    endpoint("b", "tcp", 2, 9, false)
                ],
                false
            )
            .1,
            vec!["E0704"]
        );
    }
}
