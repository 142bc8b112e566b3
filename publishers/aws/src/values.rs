//! Model values as HCL string expressions on AWS.
//!
//! Parameters stay deploy-time variables ([`Params`]); an endpoint of a service is its
//! Service Connect alias (`scheme://name:port`, the endpoint's port, as on Kubernetes), or in
//! a job's task, which is outside Service Connect, its Cloud Map DNS name and the container's
//! port ([`Plan::dns_name`]); an
//! endpoint, connection string or property of a managed server is rebuilt from the server's
//! own attributes with the shared rules of [`aspirec_azure::managed`] (TLS, the admin login,
//! the port), whose pieces become RDS and ElastiCache attributes here; any other connection
//! string or property is the model's value, followed. [`Values`] records which parameters
//! the output uses.

use aspirec_azure::Piece;
use aspirec_azure::managed::{self, POSTGRES_ADMIN, Service};
use aspirec_hcl::params::Params;
use aspirec_hcl::{Ref, Template};
use ir::{EndpointProperty, ParamId, Part, ResourceId, Value};

use crate::plan::{Plan, Server};

/// Connection strings nest; the check rejects cycles, and this bound stops one that slipped
/// through instead of recursing for ever.
const MAX_DEPTH: usize = 32;

/// The resource type and host attribute of a managed server.
pub fn server_host(service: Service) -> (&'static str, &'static str) {
    match service {
        Service::Postgres => ("aws_db_instance", "address"),
        Service::Redis => (
            "aws_elasticache_replication_group",
            "primary_endpoint_address",
        ),
    }
}

/// Renders the values of one plan.
pub struct Values<'p, 'm> {
    plan: &'p Plan<'m>,
    params: &'p Params,
    used: Vec<bool>,
    /// Whether the values are for a job's task, which is outside Service Connect and reaches
    /// services by their Cloud Map DNS names instead.
    outside_service_connect: bool,
}

impl<'p, 'm> Values<'p, 'm> {
    pub fn new(plan: &'p Plan<'m>, params: &'p Params) -> Values<'p, 'm> {
        Values {
            plan,
            params,
            used: vec![false; plan.model.parameters().len()],
            outside_service_connect: false,
        }
    }

    /// Whether the values that follow are for a job's task (see [`Plan::dns_name`]).
    pub fn for_job(&mut self, job: bool) {
        self.outside_service_connect = job;
    }

    /// `value` as one expression in `out` (cleared first); whether it carries a secret.
    pub fn write(&mut self, value: &Value, out: &mut Template) -> bool {
        out.clear();
        self.append(value, out, 0);
        self.plan.model.is_secret(value)
    }

    /// The parameters written so far, in declaration order.
    pub fn used(&self) -> Vec<ParamId> {
        self.used
            .iter()
            .enumerate()
            .filter(|(_, used)| **used)
            .map(|(index, _)| ParamId(index as u32))
            .collect()
    }

    fn append(&mut self, value: &Value, out: &mut Template, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let model = self.plan.model;
        for part in &value.parts {
            match part {
                Part::Text(text) => {
                    out.text(text);
                }
                Part::Param { param, encoding } => {
                    if let Some(used) = self.used.get_mut(param.0 as usize) {
                        *used = true;
                    }
                    self.params
                        .write(*param, *encoding == ir::Encoding::Uri, out);
                }
                Part::Endpoint {
                    resource,
                    endpoint,
                    property,
                } => self.endpoint(*resource, *endpoint, *property, out),
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                    if let Some(connection) = managed::connection(model, part) {
                        self.pieces(&connection, out, depth);
                    } else if let Some(inner) = model.connection_part(part) {
                        self.append(inner, out, depth + 1);
                    }
                }
            }
        }
    }

    /// A managed server's connection string or property.
    fn pieces(&mut self, connection: &managed::Connection<'_>, out: &mut Template, depth: usize) {
        let server = self.plan.server_of(connection.server);
        for piece in &connection.pieces {
            match piece {
                Piece::Text(text) => {
                    out.text(text);
                }
                Piece::ServerHost => {
                    if let Some(server) = server {
                        host(server, out);
                    }
                }
                Piece::AdminLogin => {
                    out.text(POSTGRES_ADMIN);
                }
                // ElastiCache's auth token is the model's password: the access key of the
                // Azure cache is the same place in the same strings.
                Piece::Password | Piece::AccessKey => {
                    if let Some(password) = connection.password {
                        self.append(password, out, depth + 1);
                    }
                }
                Piece::PasswordUri | Piece::AccessKeyUri => {
                    if let Some(password) = connection.password {
                        let encoded = self.plan.model.expand(password).uri_encoded();
                        self.append(&encoded, out, depth + 1);
                    }
                }
                Piece::Database => {
                    if let Some(database) = connection.database {
                        out.text(database);
                    }
                }
                Piece::DefaultDomain => {}
            }
        }
    }

    /// A property of endpoint `index` of `resource`, as another service reaches it.
    fn endpoint(
        &self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Template,
    ) {
        let mut port_text = itoa_buffer();
        if let Some(server) = self.plan.server_of(resource) {
            let service = server.service;
            let port = port_text.format(service.port());
            match property {
                EndpointProperty::Url => {
                    out.text(service.scheme()).text("://");
                    host(server, out);
                    out.text(":").text(port);
                }
                EndpointProperty::Host => host(server, out),
                EndpointProperty::Port | EndpointProperty::TargetPort => {
                    out.text(port);
                }
                EndpointProperty::Scheme => {
                    out.text(service.scheme());
                }
            }
            return;
        }
        let Some(task) = self.plan.task_of(resource) else {
            return;
        };
        let Some(endpoint) = task.workload.endpoints.get(index) else {
            return;
        };
        // A job reaches the task itself, on the container's port, by its DNS name; a service
        // reaches the Service Connect alias, on the endpoint's port.
        let (host, port) = if self.outside_service_connect {
            (self.plan.dns_name(task), endpoint.target_port)
        } else {
            (task.name.clone(), endpoint.port)
        };
        match property {
            EndpointProperty::Url => {
                let port = port_text.format(port);
                out.text(&endpoint.scheme)
                    .text("://")
                    .text(&host)
                    .text(":")
                    .text(port);
            }
            EndpointProperty::Host => {
                out.text(&host);
            }
            EndpointProperty::Port => {
                out.text(port_text.format(port));
            }
            EndpointProperty::TargetPort => {
                out.text(port_text.format(endpoint.target_port));
            }
            EndpointProperty::Scheme => {
                out.text(&endpoint.scheme);
            }
        }
    }
}

/// A managed server's host name attribute.
fn host(server: &Server<'_>, out: &mut Template) {
    let (kind, attribute) = server_host(server.service);
    out.expr(&Ref(kind, [&server.label, attribute]));
}

fn itoa_buffer() -> Numbers {
    Numbers(String::new())
}

/// Port numbers as text.
struct Numbers(String);

impl Numbers {
    fn format(&mut self, n: u16) -> &str {
        self.0.clear();
        self.0.push_str(&n.to_string());
        &self.0
    }
}
