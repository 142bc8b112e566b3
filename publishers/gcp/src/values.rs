//! Model values as HCL string expressions on Cloud Run.
//!
//! Parameters stay deploy-time variables ([`Params`]). An endpoint of a Cloud Run service is
//! its URL, `https://<service>-<project number>.<region>.run.app`, Cloud Run's deterministic
//! address (written from the project's number and the region, not from the service's `uri`
//! attribute, so that services may refer to each other, or to themselves, without a cycle in
//! Terraform's graph): host that name, port 443, scheme `https`. An endpoint, connection
//! string or property of a managed server is rebuilt from the server's own attributes with
//! the shared rules of [`aspirec_azure::managed`] (TLS, the admin login), whose pieces become
//! Cloud SQL and Memorystore attributes here: Memorystore makes its own AUTH string and port,
//! which replace the model's password and the strings' port. Any other connection string or
//! property is the model's value, followed. [`Values`] records which parameters the output
//! uses.

use aspirec_azure::Piece;
use aspirec_azure::managed::{self, POSTGRES_ADMIN, Service};
use aspirec_hcl::params::Params;
use aspirec_hcl::values::{self, Resolver, UsedParams};
use aspirec_hcl::{Raw, Ref, Template};
use ir::{CheckedModel, EndpointProperty, ParamId, Part, ResourceId, Value};

use crate::plan::{Plan, Run, Server};

/// The project's number, which Cloud Run's service URLs hold.
pub const PROJECT_NUMBER: &str = "data.google_project.main.number";

/// The resource type and host attribute of a managed server.
pub fn server_host(service: Service) -> (&'static str, &'static str) {
    match service {
        Service::Postgres => ("google_sql_database_instance", "private_ip_address"),
        Service::Redis => ("google_redis_instance", "host"),
    }
}

/// Renders the values of one plan.
pub struct Values<'p, 'm> {
    plan: &'p Plan<'m>,
    params: &'p Params,
    used: UsedParams,
    /// Whether a value named a Cloud Run URL (the output then reads the project's number).
    urls: bool,
}

impl<'p, 'm> Values<'p, 'm> {
    pub fn new(plan: &'p Plan<'m>, params: &'p Params) -> Values<'p, 'm> {
        Values {
            plan,
            params,
            used: UsedParams::new(plan.model),
            urls: false,
        }
    }

    /// `value` as one expression in `out` (cleared first); whether it carries a secret.
    pub fn write(&mut self, value: &Value, out: &mut Template) -> bool {
        out.clear();
        values::append(self, value, out, 0);
        self.plan.model.is_secret(value)
    }

    /// The parameters written so far, in declaration order.
    pub fn used(&self) -> Vec<ParamId> {
        self.used.ids()
    }

    /// Whether a Cloud Run URL was written (see [`PROJECT_NUMBER`]).
    pub fn wrote_urls(&self) -> bool {
        self.urls
    }

    /// Marks the project's number as used (the outputs' URLs).
    pub fn use_urls(&mut self) {
        self.urls = true;
    }

    /// A managed server's connection string or property.
    fn pieces(&mut self, connection: &managed::Connection<'_>, out: &mut Template, depth: usize) {
        let server = self.plan.server_of(connection.server);
        let port = connection.service.port().to_string();
        for piece in &connection.pieces {
            match piece {
                // Memorystore chooses its port (6378 with TLS): the strings' port is its.
                Piece::Text(text) if connection.service == Service::Redis && **text == *port => {
                    if let Some(server) = server {
                        out.expr(&Ref("google_redis_instance", [&server.label, "port"]));
                    }
                }
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
                Piece::Password | Piece::AccessKey | Piece::PasswordUri | Piece::AccessKeyUri => {
                    let uri = matches!(piece, Piece::PasswordUri | Piece::AccessKeyUri);
                    self.password(connection, server, uri, out, depth);
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

    /// The server's password: Memorystore's own AUTH string, or the model's password of the
    /// Cloud SQL admin; percent-encoded when `uri`.
    fn password(
        &mut self,
        connection: &managed::Connection<'_>,
        server: Option<&Server<'_>>,
        uri: bool,
        out: &mut Template,
        depth: usize,
    ) {
        if connection.service == Service::Redis {
            if let Some(server) = server {
                let auth = aspirec_hcl::to_text(&Ref(
                    "google_redis_instance",
                    [&server.label, "auth_string"],
                ));
                if uri {
                    out.expr(&aspirec_hcl::Call("urlencode", &[&Raw(&auth)]));
                } else {
                    out.expr(&Raw(&auth));
                }
            }
            return;
        }
        let Some(password) = connection.password else {
            return;
        };
        if uri {
            let encoded = self.plan.model.expand(password).uri_encoded();
            values::append(self, &encoded, out, depth + 1);
        } else {
            values::append(self, password, out, depth + 1);
        }
    }

    /// A property of endpoint `index` of `resource`, as another service reaches it.
    fn address(
        &mut self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Template,
    ) {
        if let Some(server) = self.plan.server_of(resource) {
            let service = server.service;
            match property {
                EndpointProperty::Url => {
                    out.text(service.scheme()).text("://");
                    host(server, out);
                    out.text(":");
                    server_port(server, out);
                }
                EndpointProperty::Host => host(server, out),
                EndpointProperty::Port | EndpointProperty::TargetPort => server_port(server, out),
                EndpointProperty::Scheme => {
                    out.text(service.scheme());
                }
            }
            return;
        }
        let Some(run) = self.plan.run_of(resource) else {
            return;
        };
        let Some(endpoint) = run.workload.endpoints.get(index) else {
            return;
        };
        match property {
            EndpointProperty::Url => {
                self.urls = true;
                out.text("https://");
                service_host(run, out);
            }
            EndpointProperty::Host => {
                self.urls = true;
                service_host(run, out);
            }
            EndpointProperty::Port => {
                out.text("443");
            }
            EndpointProperty::TargetPort => {
                out.text(&endpoint.target_port.to_string());
            }
            EndpointProperty::Scheme => {
                out.text("https");
            }
        }
    }
}

impl<'m> Resolver<'m> for Values<'_, 'm> {
    fn model(&self) -> &'m CheckedModel {
        self.plan.model
    }

    fn params(&self) -> &Params {
        self.params
    }

    fn used(&mut self) -> &mut UsedParams {
        &mut self.used
    }

    fn endpoint(
        &mut self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Template,
    ) {
        self.address(resource, index, property, out);
    }

    fn managed(&mut self, part: &Part, out: &mut Template, depth: usize) -> bool {
        match managed::connection_by(self.plan.model, part, crate::plan::hosted_service) {
            Some(connection) => {
                self.pieces(&connection, out, depth);
                true
            }
            None => false,
        }
    }
}

/// The host name of Cloud Run service `run`: `<service>-<project number>.<region>.run.app`.
pub fn service_host(run: &Run<'_>, out: &mut Template) {
    out.text(&run.name)
        .text("-")
        .expr(&Raw(PROJECT_NUMBER))
        .text(".")
        .expr(&Ref("var", ["region"]))
        .text(".run.app");
}

/// A managed server's host name attribute.
fn host(server: &Server<'_>, out: &mut Template) {
    let (kind, attribute) = server_host(server.service);
    out.expr(&Ref(kind, [&server.label, attribute]));
}

/// A managed server's port: Postgres' own, Memorystore's attribute.
fn server_port(server: &Server<'_>, out: &mut Template) {
    match server.service {
        Service::Postgres => {
            out.text(&server.service.port().to_string());
        }
        Service::Redis => {
            out.expr(&Ref("google_redis_instance", [&server.label, "port"]));
        }
    }
}
