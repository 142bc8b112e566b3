//! The blocks every deployment shares: the Google APIs it uses, the project's number (which
//! Cloud Run's URLs hold), and the VPC: a network with one subnetwork for the services' Direct
//! VPC egress (Private Google Access on, so that traffic to internal-only services and to
//! Google's APIs stays inside), and, with managed servers, private services access (a
//! reserved range peered with Google's service network, where Cloud SQL and Memorystore take
//! their addresses).

use aspirec_azure::managed::Service;
use aspirec_hcl::{Raw, Ref, TfWriter};

use crate::plan::Plan;

/// The default address range of the subnetwork: Direct VPC egress takes addresses from it,
/// two per instance, and needs at least a /26.
pub const SUBNET_CIDR: &str = "10.8.0.0/20";

/// A `google_project_service` per API the deployment uses; destroying the deployment leaves
/// them enabled (other deployments in the project may use them).
pub fn apis(w: &mut TfWriter, plan: &Plan<'_>) {
    let mut apis = vec![
        ("run", "run.googleapis.com"),
        ("iam", "iam.googleapis.com"),
        ("secretmanager", "secretmanager.googleapis.com"),
    ];
    if plan.needs_network() {
        apis.push(("compute", "compute.googleapis.com"));
    }
    if !plan.servers.is_empty() {
        apis.push(("servicenetworking", "servicenetworking.googleapis.com"));
    }
    if plan.servers.iter().any(|s| s.service == Service::Postgres) {
        apis.push(("sqladmin", "sqladmin.googleapis.com"));
    }
    if plan.servers.iter().any(|s| s.service == Service::Redis) {
        apis.push(("redis", "redis.googleapis.com"));
    }
    for (label, service) in apis {
        w.resource("google_project_service", label);
        w.attr("service", service);
        w.attr("disable_on_destroy", false);
        w.end();
    }
}

/// The project's data: its number.
pub fn project(w: &mut TfWriter) {
    w.block("data", &["google_project", "main"]);
    w.attr("project_id", Ref("var", ["project"]));
    w.end();
}

/// The network, its subnetwork and, with managed servers, private services access.
pub fn vpc(w: &mut TfWriter, app: &str, private_services: bool) {
    w.resource("google_compute_network", "main");
    w.attr("name", ir::publish::dns_label(app, 63).as_str());
    w.attr("auto_create_subnetworks", false);
    w.array("depends_on", [Raw("google_project_service.compute")]);
    w.end();
    w.resource("google_compute_subnetwork", "main");
    w.attr(
        "name",
        format!("{}-run", ir::publish::dns_label(app, 59)).as_str(),
    );
    w.attr("region", Ref("var", ["region"]));
    w.attr("network", Raw("google_compute_network.main.id"));
    w.attr("ip_cidr_range", Ref("var", ["subnet_cidr"]));
    w.attr("private_ip_google_access", true);
    w.end();
    if !private_services {
        return;
    }
    w.resource("google_compute_global_address", "private_services");
    w.attr(
        "name",
        format!("{}-private-services", ir::publish::dns_label(app, 46)).as_str(),
    );
    w.attr("purpose", "VPC_PEERING");
    w.attr("address_type", "INTERNAL");
    w.attr("prefix_length", 16u32);
    w.attr("network", Raw("google_compute_network.main.id"));
    w.end();
    w.resource("google_service_networking_connection", "main");
    w.attr("network", Raw("google_compute_network.main.id"));
    w.attr("service", "servicenetworking.googleapis.com");
    w.attr(
        "reserved_peering_ranges",
        Raw("[google_compute_global_address.private_services.name]"),
    );
    w.array(
        "depends_on",
        [Raw("google_project_service.servicenetworking")],
    );
    w.end();
}
