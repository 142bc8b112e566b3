//! The ingress of a container app, and how other apps address its endpoints (Aspire's rules,
//! aspire-conventions §5.4, as fixed in /work/notes/azure.md).
//!
//! Endpoints are grouped by target port; UDP endpoints are left out (Container Apps has no
//! UDP ingress). One group becomes the main ingress (see [`MainRule`]); every other group is
//! an additional, internal port mapping. The main HTTP ingress is reached at
//! `https://<app>[.internal].<default domain>` on port 443; every other port at
//! `<scheme>://<app>:<port>`, where the port is the model's `port` of the group's first
//! endpoint (the exposed port of its mapping).
//!
//! What Container Apps cannot express is collected as [`Problem`]s, which
//! [`crate::Reporter::plan_ingress`] reports as E0704. The plan stays usable after a problem,
//! so rendering goes on and every problem is reported at once. With `--allow-unsupported`
//! ([`plan_leaving_out`]), an external exposure Container Apps cannot have (not HTTP, or a
//! second external group) is left out instead: those endpoints become internal, and the
//! [`LeftOut`] entries say which, for the W0701 warnings.

use std::borrow::Cow;

use ir::{Endpoint, EndpointProperty, Protocol, Transport};

use crate::Piece;

/// Which target-port group becomes the main ingress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MainRule {
    /// Aspire's rule: the external HTTP group, else the first HTTP group, else the first group
    /// as TCP.
    HttpFirst,
    /// The group of the first endpoint (the one connection strings use), as TCP whatever its
    /// scheme: azure.md §5 for integrations hosted as container apps.
    FirstEndpoint,
}

impl MainRule {
    /// The rule for a workload: an integration is reached on its first endpoint (the port its
    /// connection string uses; RabbitMQ's management UI stays an additional port), anything
    /// else by Aspire's HTTP-first rule. Both Azure targets call this, so they agree.
    pub fn for_role(role: &ir::Role) -> MainRule {
        match role {
            ir::Role::Integration(_) => MainRule::FirstEndpoint,
            ir::Role::Container | ir::Role::Project => MainRule::HttpFirst,
        }
    }
}

/// The ingress of one container app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ingress {
    pub main: Option<MainIngress>,
    pub additional: Vec<PortMapping>,
    /// Where each endpoint (by index) ended up; `None` for one left out (UDP, or rejected by a
    /// [`Problem`]).
    pub placements: Vec<Option<Placement>>,
    /// What Container Apps cannot express (E0704).
    pub problems: Vec<Problem>,
    /// External exposures left out by [`plan_leaving_out`] (W0701); always empty from
    /// [`plan`].
    pub left_out: Vec<LeftOut>,
}

/// The main ingress of an app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MainIngress {
    /// Reachable from outside the environment (only an HTTP ingress can be).
    pub external: bool,
    pub target_port: u16,
    pub transport: IngressTransport,
    /// Only for TCP: the port other apps connect to.
    pub exposed_port: Option<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IngressTransport {
    Http,
    /// HTTP/2 (gRPC).
    Http2,
    Tcp,
}

impl IngressTransport {
    /// As Container Apps spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            IngressTransport::Http => "http",
            IngressTransport::Http2 => "http2",
            IngressTransport::Tcp => "tcp",
        }
    }
}

/// An additional port mapping (always internal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortMapping {
    pub target_port: u16,
    pub exposed_port: u16,
}

/// Where one endpoint ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Behind the main HTTP ingress.
    MainHttp { external: bool },
    /// A TCP main ingress or an additional mapping, exposed on this port.
    Port(u16),
}

/// Something Container Apps ingress cannot express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// HTTP and TCP endpoints on one target port; the later endpoint is left out of the plan.
    MixedTransports { target_port: u16 },
    /// More than one target-port group is external: their target ports.
    SeveralExternal { target_ports: Vec<u16> },
    /// An external group that is not HTTP (external TCP needs a custom VNET): its target port
    /// and its endpoints, by index.
    ExternalNotHttp {
        target_port: u16,
        endpoints: Vec<usize>,
    },
    /// Two groups exposed on one port.
    SharedExposedPort { port: u16 },
}

/// An external exposure that `--allow-unsupported` leaves out: the endpoints stay, reachable
/// inside the environment only. Each mirrors the [`Problem`] [`plan`] would report instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeftOut {
    /// External groups that are not HTTP ([`Problem::ExternalNotHttp`]): their endpoints, by
    /// index.
    ExternalNotHttp { endpoints: Vec<usize> },
    /// External HTTP groups besides the main ingress ([`Problem::SeveralExternal`]).
    SeveralExternal {
        /// Every external HTTP target port, the kept main one included, in endpoint order.
        target_ports: Vec<u16>,
        /// The target port of the main ingress, which stays external.
        kept: u16,
        /// The endpoints made internal, by index.
        endpoints: Vec<usize>,
    },
}

impl LeftOut {
    /// The endpoints made internal, by index.
    pub fn endpoints(&self) -> &[usize] {
        match self {
            LeftOut::ExternalNotHttp { endpoints } | LeftOut::SeveralExternal { endpoints, .. } => {
                endpoints
            }
        }
    }
}

/// Endpoints that share a target port.
struct Group {
    target_port: u16,
    exposed_port: u16,
    endpoints: Vec<usize>,
    http: bool,
    http2: bool,
    external: bool,
}

/// Plans the ingress of a workload with `endpoints`; what Container Apps cannot express is in
/// [`Ingress::problems`].
pub fn plan(endpoints: &[Endpoint], rule: MainRule) -> Ingress {
    plan_with(endpoints, rule, false)
}

/// [`plan`] for `--allow-unsupported`: an external group that is not HTTP, and every external
/// group besides the main ingress, become internal ([`Ingress::left_out`]) instead of
/// [`Problem::ExternalNotHttp`] and [`Problem::SeveralExternal`]. The main ingress is the one
/// [`plan`] picks, so what stays is exactly what [`plan`] renders.
pub fn plan_leaving_out(endpoints: &[Endpoint], rule: MainRule) -> Ingress {
    plan_with(endpoints, rule, true)
}

fn plan_with(endpoints: &[Endpoint], rule: MainRule, leave_out: bool) -> Ingress {
    let mut ingress = Ingress {
        placements: vec![None; endpoints.len()],
        ..Ingress::default()
    };
    let mut groups: Vec<Group> = Vec::new();
    for (index, endpoint) in endpoints.iter().enumerate() {
        if endpoint.protocol == Protocol::Udp {
            continue;
        }
        let http = endpoint.is_http() && rule == MainRule::HttpFirst;
        let http2 = endpoint.transport == Transport::Http2;
        match groups
            .iter_mut()
            .find(|g| g.target_port == endpoint.target_port)
        {
            Some(group) if group.http != http => {
                ingress.problems.push(Problem::MixedTransports {
                    target_port: endpoint.target_port,
                });
            }
            Some(group) => {
                group.endpoints.push(index);
                group.external |= endpoint.external;
                group.http2 |= http2;
            }
            None => groups.push(Group {
                target_port: endpoint.target_port,
                exposed_port: endpoint.port,
                endpoints: vec![index],
                http,
                http2,
                external: endpoint.external,
            }),
        }
    }

    let main_index = match rule {
        MainRule::FirstEndpoint => endpoints.first().and_then(|first| {
            groups
                .iter()
                .position(|g| g.target_port == first.target_port)
        }),
        MainRule::HttpFirst => groups
            .iter()
            .position(|g| g.http && g.external)
            .or_else(|| groups.iter().position(|g| g.http))
            .or(if groups.is_empty() { None } else { Some(0) }),
    };

    if leave_out {
        ingress.left_out = make_internal(&mut groups, main_index);
    }
    let external: Vec<u16> = groups
        .iter()
        .filter(|g| g.external)
        .map(|g| g.target_port)
        .collect();
    if external.len() > 1 {
        ingress.problems.push(Problem::SeveralExternal {
            target_ports: external,
        });
    }
    if let Some(group) = groups.iter().find(|g| g.external && !g.http) {
        ingress.problems.push(Problem::ExternalNotHttp {
            target_port: group.target_port,
            endpoints: group.endpoints.clone(),
        });
    }

    let mut exposed: Vec<u16> = Vec::new();
    for (index, group) in groups.iter().enumerate() {
        let is_main = main_index == Some(index);
        let placement = if is_main && group.http {
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
            Placement::MainHttp {
                external: group.external,
            }
        } else {
            if exposed.contains(&group.exposed_port) {
                ingress.problems.push(Problem::SharedExposedPort {
                    port: group.exposed_port,
                });
            }
            exposed.push(group.exposed_port);
            if is_main {
                // Only HTTP can be external without a custom VNET (reported above).
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
            Placement::Port(group.exposed_port)
        };
        for &endpoint in &group.endpoints {
            if let Some(slot) = ingress.placements.get_mut(endpoint) {
                *slot = Some(placement);
            }
        }
    }
    ingress
}

/// Makes every external group internal except an external HTTP main ingress (`main`, an
/// index into `groups`), and says what it left out. The main rule prefers an external HTTP
/// group, so it picks the same group afterwards; only `external` flags change.
fn make_internal(groups: &mut [Group], main: Option<usize>) -> Vec<LeftOut> {
    let kept = main
        .and_then(|index| groups.get(index))
        .filter(|group| group.external && group.http)
        .map(|group| group.target_port);
    let target_ports: Vec<u16> = groups
        .iter()
        .filter(|g| g.external && g.http)
        .map(|g| g.target_port)
        .collect();
    let mut not_http = Vec::new();
    let mut not_main = Vec::new();
    for group in groups.iter_mut() {
        if !group.external || Some(group.target_port) == kept {
            continue;
        }
        group.external = false;
        // An external HTTP group that is not the main ingress only exists beside an external
        // HTTP main one (the main rule prefers it), so `kept` is set whenever `http` is.
        if group.http {
            not_main.extend_from_slice(&group.endpoints);
        } else {
            not_http.extend_from_slice(&group.endpoints);
        }
    }
    // In the order of the problems they stand for.
    let mut left_out = Vec::new();
    if let Some(kept) = kept.filter(|_| !not_main.is_empty()) {
        left_out.push(LeftOut::SeveralExternal {
            target_ports,
            kept,
            endpoints: not_main,
        });
    }
    if !not_http.is_empty() {
        left_out.push(LeftOut::ExternalNotHttp {
            endpoints: not_http,
        });
    }
    left_out
}

impl Ingress {
    /// Whether the app has a public URL (an external HTTP main ingress).
    pub fn is_public(&self) -> bool {
        self.main.is_some_and(|main| main.external)
    }

    /// How other apps reach `endpoint`, endpoint number `index` of the app named `app`. An
    /// endpoint left out of the ingress (already reported) gets the address the model meant.
    pub fn address<'a>(&self, app: &'a str, endpoint: &'a Endpoint, index: usize) -> Address<'a> {
        match self.placements.get(index).copied().flatten() {
            Some(Placement::MainHttp { external }) => Address {
                host: Host::Ingress { app, external },
                port: 443,
                target_port: endpoint.target_port,
                scheme: "https",
            },
            Some(Placement::Port(port)) => Address {
                host: Host::App(app),
                port,
                target_port: endpoint.target_port,
                scheme: &endpoint.scheme,
            },
            None => Address {
                host: Host::App(app),
                port: endpoint.port,
                target_port: endpoint.target_port,
                scheme: &endpoint.scheme,
            },
        }
    }
}

/// Where other apps in the environment reach an endpoint (service discovery).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address<'a> {
    pub host: Host<'a>,
    /// The port other apps connect to.
    pub port: u16,
    /// The port the process listens on.
    pub target_port: u16,
    pub scheme: &'a str,
}

/// The host part of an [`Address`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host<'a> {
    /// The main HTTP ingress: `<app>.<default domain>` when external, else
    /// `<app>.internal.<default domain>`. Container Apps serves it on 443 and upgrades HTTP to
    /// HTTPS, so its URL has no port.
    Ingress { app: &'a str, external: bool },
    /// The plain app name, which resolves inside the environment.
    App(&'a str),
    /// A managed service's own host name ([`Piece::ServerHost`]).
    Server,
}

impl<'a> Address<'a> {
    /// The value of an endpoint property (`{x.bindings.e.url}`, `.host`, ...).
    ///
    /// Literal text comes in several pieces, borrowed where it can be (targets join adjacent
    /// text): every value of every app refers to addresses, and formatting each one into a
    /// string of its own cost more than the rest of rendering it.
    pub fn pieces(&self, property: EndpointProperty) -> Vec<Piece<'a>> {
        let scheme = Piece::Text(Cow::Borrowed(self.scheme));
        match property {
            EndpointProperty::Url => {
                let mut pieces = Vec::with_capacity(6);
                pieces.extend([scheme, Piece::text("://")]);
                self.push_host(&mut pieces);
                match self.host {
                    Host::Ingress { .. } => {}
                    Host::App(_) | Host::Server => {
                        pieces.extend([Piece::text(":"), port_text(self.port)]);
                    }
                }
                pieces
            }
            EndpointProperty::Host => {
                let mut pieces = Vec::with_capacity(3);
                self.push_host(&mut pieces);
                pieces
            }
            EndpointProperty::Port => vec![port_text(self.port)],
            EndpointProperty::TargetPort => vec![port_text(self.target_port)],
            EndpointProperty::Scheme => vec![scheme],
        }
    }

    fn push_host(&self, pieces: &mut Vec<Piece<'a>>) {
        match self.host {
            Host::Ingress { app, external } => pieces.extend([
                Piece::Text(Cow::Borrowed(app)),
                Piece::text(if external { "." } else { ".internal." }),
                Piece::DefaultDomain,
            ]),
            Host::App(app) => pieces.push(Piece::Text(Cow::Borrowed(app))),
            Host::Server => pieces.push(Piece::ServerHost),
        }
    }
}

/// A port number as text.
fn port_text(port: u16) -> Piece<'static> {
    Piece::Text(Cow::Owned(port.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_text as text;

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
            ingress: None,
        }
    }

    fn problems(endpoints: &[Endpoint]) -> Vec<Problem> {
        plan(endpoints, MainRule::HttpFirst).problems
    }

    #[test]
    fn the_external_http_group_wins_and_the_rest_are_additional_ports() {
        let ingress = plan(
            &[
                endpoint("metrics", "http", 9090, 9090, false),
                endpoint("http", "http", 8080, 80, true),
                endpoint("https", "https", 8080, 443, true),
                endpoint("grpc", "tcp", 5000, 5001, false),
            ],
            MainRule::HttpFirst,
        );
        assert!(ingress.problems.is_empty(), "{:?}", ingress.problems);
        assert!(ingress.is_public());
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
            ingress.placements,
            vec![
                Some(Placement::Port(9090)),
                Some(Placement::MainHttp { external: true }),
                Some(Placement::MainHttp { external: true }),
                Some(Placement::Port(5001))
            ]
        );
    }

    #[test]
    fn http2_makes_the_ingress_http2() {
        let mut grpc = endpoint("grpc", "http", 5000, 5000, false);
        grpc.transport = Transport::Http2;
        let ingress = plan(&[grpc], MainRule::HttpFirst);
        assert_eq!(ingress.main.map(|m| m.transport.as_str()), Some("http2"));
    }

    #[test]
    fn without_http_the_first_port_is_internal_tcp() {
        let ingress = plan(
            &[endpoint("tcp", "tcp", 5432, 5432, false)],
            MainRule::HttpFirst,
        );
        assert!(ingress.problems.is_empty());
        assert!(!ingress.is_public());
        assert_eq!(
            ingress
                .main
                .map(|m| (m.transport, m.external, m.exposed_port)),
            Some((IngressTransport::Tcp, false, Some(5432)))
        );
    }

    #[test]
    fn the_first_endpoint_rule_takes_the_connection_port_as_tcp() {
        let endpoints = [
            endpoint("tcp", "tcp", 5672, 5672, false),
            endpoint("management", "http", 15672, 15672, false),
        ];
        let ingress = plan(&endpoints, MainRule::FirstEndpoint);
        assert_eq!(
            ingress.main.map(|m| (m.target_port, m.transport)),
            Some((5672, IngressTransport::Tcp))
        );
        assert_eq!(ingress.placements[1], Some(Placement::Port(15672)));
        // Aspire's rule for any workload picks the HTTP group instead.
        let ingress = plan(&endpoints, MainRule::HttpFirst);
        assert_eq!(
            ingress.main.map(|m| (m.target_port, m.transport)),
            Some((15672, IngressTransport::Http))
        );
    }

    #[test]
    fn what_aca_cannot_expose_is_a_problem() {
        assert_eq!(
            problems(&[
                endpoint("a", "http", 80, 80, true),
                endpoint("b", "http", 81, 81, true)
            ]),
            vec![Problem::SeveralExternal {
                target_ports: vec![80, 81]
            }]
        );
        assert_eq!(
            problems(&[endpoint("t", "tcp", 80, 80, true)]),
            vec![Problem::ExternalNotHttp {
                target_port: 80,
                endpoints: vec![0]
            }]
        );
        assert_eq!(
            problems(&[
                endpoint("h", "http", 80, 80, false),
                endpoint("t", "tcp", 80, 80, false)
            ]),
            vec![Problem::MixedTransports { target_port: 80 }]
        );
        assert_eq!(
            problems(&[
                endpoint("a", "tcp", 1, 9, false),
                endpoint("b", "tcp", 2, 9, false)
            ]),
            vec![Problem::SharedExposedPort { port: 9 }]
        );
        // UDP is the reporter's to report (E0702); it just gets no placement.
        let udp = plan(&[endpoint("u", "udp", 53, 53, false)], MainRule::HttpFirst);
        assert!(udp.problems.is_empty() && udp.main.is_none() && udp.placements == vec![None]);
    }

    #[test]
    fn leaving_out_makes_what_aca_cannot_expose_internal() {
        // The real case: one external TCP endpoint, beside an HTTP one.
        let endpoints = [
            endpoint("http", "http", 8080, 80, false),
            endpoint("ws", "tcp", 5000, 5000, true),
        ];
        let strict = plan(&endpoints, MainRule::HttpFirst);
        let lenient = plan_leaving_out(&endpoints, MainRule::HttpFirst);
        assert!(lenient.problems.is_empty(), "{:?}", lenient.problems);
        assert_eq!(
            lenient.left_out,
            vec![LeftOut::ExternalNotHttp { endpoints: vec![1] }]
        );
        // Only the problems differ: what is rendered is what the strict plan renders.
        assert_eq!(
            (&lenient.main, &lenient.additional, &lenient.placements),
            (&strict.main, &strict.additional, &strict.placements)
        );
        assert!(!lenient.is_public());
        assert_eq!(lenient.placements[1], Some(Placement::Port(5000)));
        // Without problems, both plans are the same plan.
        let fine = [endpoint("http", "http", 8080, 80, true)];
        assert_eq!(
            plan_leaving_out(&fine, MainRule::HttpFirst),
            plan(&fine, MainRule::HttpFirst)
        );
    }

    #[test]
    fn leaving_out_keeps_the_main_external_ingress() {
        let endpoints = [
            endpoint("admin", "http", 9090, 9090, true),
            endpoint("http", "http", 8080, 80, true),
            endpoint("https", "https", 8080, 443, true),
            endpoint("raw", "tcp", 7000, 7000, true),
            endpoint("metrics", "http", 9100, 9100, true),
        ];
        let ingress = plan_leaving_out(&endpoints, MainRule::HttpFirst);
        assert!(ingress.problems.is_empty(), "{:?}", ingress.problems);
        // The main rule takes the first external HTTP group; the others become internal.
        assert_eq!(
            ingress.main,
            Some(MainIngress {
                external: true,
                target_port: 9090,
                transport: IngressTransport::Http,
                exposed_port: None
            })
        );
        assert_eq!(
            ingress.left_out,
            vec![
                LeftOut::SeveralExternal {
                    target_ports: vec![9090, 8080, 9100],
                    kept: 9090,
                    endpoints: vec![1, 2, 4]
                },
                LeftOut::ExternalNotHttp { endpoints: vec![3] }
            ]
        );
        assert_eq!(
            ingress
                .additional
                .iter()
                .map(|m| m.target_port)
                .collect::<Vec<_>>(),
            vec![8080, 7000, 9100]
        );
        // Other problems stay problems.
        let shared = plan_leaving_out(
            &[
                endpoint("a", "tcp", 1, 9, true),
                endpoint("b", "tcp", 2, 9, false),
            ],
            MainRule::HttpFirst,
        );
        assert_eq!(
            shared.problems,
            vec![Problem::SharedExposedPort { port: 9 }]
        );
        assert_eq!(
            shared.left_out,
            vec![LeftOut::ExternalNotHttp { endpoints: vec![0] }]
        );
    }

    #[test]
    fn leaving_out_an_integration_makes_every_external_group_internal() {
        // An integration's main ingress is TCP, which cannot be external: nothing is kept.
        let endpoints = [
            endpoint("tcp", "tcp", 5672, 5672, true),
            endpoint("management", "http", 15672, 15672, true),
        ];
        let ingress = plan_leaving_out(&endpoints, MainRule::FirstEndpoint);
        assert!(ingress.problems.is_empty(), "{:?}", ingress.problems);
        assert_eq!(
            ingress.left_out,
            vec![LeftOut::ExternalNotHttp {
                endpoints: vec![0, 1]
            }]
        );
        assert_eq!(
            ingress.main.map(|m| (m.target_port, m.external)),
            Some((5672, false))
        );
    }

    #[test]
    fn addresses_follow_aca_service_discovery() {
        let endpoints = [
            endpoint("http", "http", 8080, 80, false),
            endpoint("tls", "https", 8443, 443, false),
            endpoint("dns", "udp", 53, 5353, false),
        ];
        let ingress = plan(&endpoints, MainRule::HttpFirst);
        let url = |index: usize| {
            text(
                &ingress
                    .address("api", &endpoints[index], index)
                    .pieces(EndpointProperty::Url),
            )
        };
        assert_eq!(url(0), "https://api.internal.{domain}");
        // Only the main ingress drops its port.
        assert_eq!(url(1), "https://api:443");
        // Left out (UDP): what the model meant.
        assert_eq!(url(2), "udp://api:5353");
        let main = ingress.address("api", &endpoints[0], 0);
        assert_eq!(text(&main.pieces(EndpointProperty::Port)), "443");
        assert_eq!(text(&main.pieces(EndpointProperty::TargetPort)), "8080");
        assert_eq!(text(&main.pieces(EndpointProperty::Scheme)), "https");
        assert_eq!(
            text(&main.pieces(EndpointProperty::Host)),
            "api.internal.{domain}"
        );
    }
}
