//! Health probes of a container app (liveness and readiness alike).
//!
//! An HTTP health check probes its endpoint's target port. Container Apps has no exec probes,
//! so a health command becomes a TCP probe on the first (non-UDP) endpoint's target port: for
//! an integration, the service port that connection strings use (RabbitMQ 5672, not 15672).
//! Without such an endpoint the check cannot be expressed ([`crate::Unsupported::HealthCommand`]).

use ir::{Endpoint, Health, HealthCheck, Protocol};

/// What a probe checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check<'a> {
    Http {
        path: &'a str,
        port: u16,
        /// The endpoint's scheme is `https`.
        https: bool,
    },
    Tcp {
        port: u16,
    },
}

/// A health command on a workload without an endpoint to probe instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoPortToProbe;

/// The check of a workload's health, `Ok(None)` when there is nothing to probe (an HTTP
/// check on an endpoint the model does not have: the check pass reported it).
pub fn check<'a>(
    endpoints: &'a [Endpoint],
    health: &'a Health,
) -> Result<Option<Check<'a>>, NoPortToProbe> {
    match &health.check {
        HealthCheck::Http { path, endpoint } => {
            Ok(endpoints.get(*endpoint).map(|endpoint| Check::Http {
                path,
                port: endpoint.target_port,
                https: endpoint.scheme == "https",
            }))
        }
        HealthCheck::Command(_) => endpoints
            .iter()
            .find(|e| e.protocol != Protocol::Udp)
            .map(|endpoint| {
                Some(Check::Tcp {
                    port: endpoint.target_port,
                })
            })
            .ok_or(NoPortToProbe),
    }
}

/// Probe timing in seconds, clamped to what Container Apps accepts (initial delay 0–60,
/// period and timeout 1–240, failure threshold 1–10): a model value outside is clamped
/// rather than failing at deploy time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub initial_delay: Option<u32>,
    pub period: Option<u32>,
    pub timeout: Option<u32>,
    pub failure_threshold: Option<u32>,
}

impl Timing {
    pub fn of(health: &Health) -> Timing {
        Timing {
            initial_delay: health.initial_delay.map(|s| s.min(60)),
            period: health.period.map(|s| s.clamp(1, 240)),
            timeout: health.timeout.map(|s| s.clamp(1, 240)),
            failure_threshold: health.failure_threshold.map(|s| s.clamp(1, 10)),
        }
    }
}

/// Minimum and maximum replicas: exactly `replicas`, except that Container Apps needs a
/// maximum of at least 1, so 0 replicas means "scaled to zero".
pub fn scale(replicas: u32) -> (u32, u32) {
    (replicas, replicas.max(1))
}

#[cfg(test)]
mod tests {
    use ir::Transport;

    use super::*;

    fn endpoint(scheme: &str, target_port: u16) -> Endpoint {
        Endpoint {
            name: scheme.into(),
            scheme: scheme.into(),
            transport: Transport::Tcp,
            protocol: if scheme == "udp" {
                Protocol::Udp
            } else {
                Protocol::Tcp
            },
            target_port,
            port: target_port,
            external: false,
            ingress: None,
        }
    }

    fn health(check: HealthCheck) -> Health {
        Health {
            check,
            initial_delay: Some(100),
            period: Some(0),
            timeout: Some(500),
            failure_threshold: Some(50),
        }
    }

    #[test]
    fn a_command_probes_the_first_tcp_port() {
        let command = health(HealthCheck::Command(vec!["true".into()]));
        let endpoints = [
            endpoint("udp", 53),
            endpoint("tcp", 5672),
            endpoint("http", 15672),
        ];
        assert_eq!(
            check(&endpoints, &command),
            Ok(Some(Check::Tcp { port: 5672 }))
        );
        assert_eq!(check(&endpoints[..1], &command), Err(NoPortToProbe));
    }

    #[test]
    fn http_checks_probe_their_endpoint() {
        let endpoints = [endpoint("tcp", 1), endpoint("https", 8443)];
        let http = health(HealthCheck::Http {
            path: "/health".into(),
            endpoint: 1,
        });
        assert_eq!(
            check(&endpoints, &http),
            Ok(Some(Check::Http {
                path: "/health",
                port: 8443,
                https: true
            }))
        );
        assert_eq!(check(&endpoints[..1], &http), Ok(None));
    }

    #[test]
    fn timings_are_clamped_and_zero_replicas_scale_to_zero() {
        let timing = Timing::of(&health(HealthCheck::Command(Vec::new())));
        assert_eq!(
            timing,
            Timing {
                initial_delay: Some(60),
                period: Some(1),
                timeout: Some(240),
                failure_threshold: Some(10)
            }
        );
        assert_eq!(scale(0), (0, 1));
        assert_eq!(scale(3), (3, 3));
    }
}
