//! The terraform-gcp target: Google Cloud Run (v2 services and jobs), as Terraform for the
//! hashicorp/google provider.
//!
//! [`plan`] decides every Google Cloud resource and reports what Cloud Run cannot run; the
//! files are written with the HCL writer every Terraform target shares (`aspirec-hcl`), whose
//! layout is `terraform fmt`'s. Modules: [`sizing`] (Cloud Run's CPU/memory rules), [`values`]
//! (model values as HCL: Cloud Run URLs, managed servers' attributes, variables), and the
//! blocks: [`network`] (the APIs, the VPC and private services access), [`managed`] (Cloud SQL,
//! Memorystore) and [`run`] (service account, secrets, the service or job, its invokers).
//! Output: `versions.tf`, `providers.tf`, `variables.tf`, `main.tf`, `outputs.tf`.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod managed;
pub mod network;
pub mod plan;
pub mod run;
pub mod sizing;
#[cfg(test)]
mod tests;
pub mod values;

use aspirec_azure::names;
use aspirec_hcl::blocks::{self, Provider, output};
use aspirec_hcl::params::{self, Params, variable};
use aspirec_hcl::{Ref, Template, TfWriter};
use ir::{CheckedModel, Diagnostics, PublishOptions};

use crate::plan::Plan;
use crate::values::Values;

/// The terraform-gcp target, registered in the root crate's `targets` module.
pub static PUBLISHER: GcpPublisher = GcpPublisher;

/// See [`PUBLISHER`].
pub struct GcpPublisher;

impl ir::Publisher for GcpPublisher {
    fn id(&self) -> &'static str {
        plan::TARGET
    }

    fn description(&self) -> &'static str {
        "Terraform for Google Cloud Run (google provider)"
    }

    /// Terraform labels: two resources that share one are reported by the check.
    fn object_name(&self, name: &str) -> String {
        names::label(name)
    }

    fn publish(
        &self,
        model: &CheckedModel,
        options: &PublishOptions,
        diags: &mut Diagnostics,
    ) -> Option<ir::Artifacts> {
        let errors_before = diags.error_count();
        let plan = plan::plan(model, options, diags);
        let mut files = files(&plan, options);
        aspirec_hcl::patches::apply("terraform-gcp", &mut files, options, diags);
        ir::Artifacts::unless_errors(files, diags, errors_before)
    }
}

/// Room for the text of one service: a few kilobytes each.
const RUN_BYTES: usize = 4 << 10;

/// The variables this output declares besides the parameters'.
const FIXED_VARIABLES: [&str; 3] = ["project", "region", "image_tag"];

/// The Terraform variable of a model parameter (`api-key` becomes `api_key`; a parameter
/// named like a fixed variable gets a `param_` prefix).
pub fn variable_name(parameter: &str) -> String {
    let name = names::label(parameter);
    if FIXED_VARIABLES.contains(&name.as_str()) {
        format!("param_{name}")
    } else {
        name
    }
}

/// Every file, by path relative to the target folder.
fn files(plan: &Plan<'_>, options: &PublishOptions) -> Vec<(String, String)> {
    let model = plan.model;
    let header = options.header();
    let params = Params::new(model, variable_name);
    let mut values = Values::new(plan, &params);
    let mut servers = TfWriter::part();
    for server in &plan.servers {
        managed::blocks(&mut servers, &mut values, server);
    }
    let runs: Vec<_> = plan.written().collect();
    let mut services = TfWriter::with_capacity(RUN_BYTES * runs.len());
    for run in &runs {
        run::write(&mut services, plan, &mut values, run);
    }
    if runs.iter().any(|r| r.public && r.job.is_none()) {
        values.use_urls();
    }
    let used = values.used();

    let mut main = TfWriter::new(&header);
    if plan.dashboard_left_out() {
        main.comment(&[
            "The Aspire dashboard is not deployed: it takes OpenTelemetry data on two ports besides its UI's, and a Cloud Run service serves one. The apps get no OTEL_* variables for it; name a collector with `observability.otlp_endpoint` to export their telemetry (see the README).",
        ]);
    }
    network::apis(&mut main, plan);
    if values.wrote_urls() {
        network::project(&mut main);
    }
    if plan.needs_network() {
        network::vpc(&mut main, model.name(), !plan.servers.is_empty());
    }
    let generated = params::generated(&mut main, model, &used, variable_name);
    main.append(servers);
    main.append(services);

    let mut variables = TfWriter::new(&header);
    variable(
        &mut variables,
        "project",
        "The Google Cloud project (its id) of every resource",
        None,
        false,
    );
    variable(
        &mut variables,
        "region",
        "The region of every resource",
        None,
        false,
    );
    if plan.needs_network() {
        variable(
            &mut variables,
            "subnet_cidr",
            "The address range of the services' subnetwork (Direct VPC egress)",
            Some(&network::SUBNET_CIDR),
            false,
        );
    }
    if plan.builds_images() {
        variable(
            &mut variables,
            "image_tag",
            "The tag of the images built from source",
            Some(&model.tag()),
            false,
        );
    }
    params::variables(&mut variables, model, &used, variable_name);

    let mut outputs = TfWriter::new(&header);
    for run in &runs {
        if run.job.is_some() {
            output(
                &mut outputs,
                &run::execute_output(run),
                &format!(
                    "The command that runs the job `{}` once (deploying does not run it)",
                    run.resource.name
                ),
                run::execute_command(run),
            );
        } else if run.public {
            let mut url = Template::default();
            url.text("https://");
            values::service_host(run, &mut url);
            output(
                &mut outputs,
                &format!("{}_url", run.label),
                &format!("The public URL of `{}`", run.resource.name),
                &url,
            );
        }
    }
    for server in &plan.servers {
        if server.service == aspirec_azure::managed::Service::Redis {
            output(
                &mut outputs,
                &format!("{}_ca_certificate", server.label),
                &format!(
                    "The certificate authority of `{}`'s TLS, which its clients trust",
                    server.resource.name
                ),
                aspirec_hcl::Raw(&format!(
                    "google_redis_instance.{}.server_ca_certs[0].cert",
                    server.label
                )),
            );
        }
    }

    let mut versions = TfWriter::new(&header);
    let mut required = vec![Provider {
        name: "google",
        source: "hashicorp/google",
        version: "~> 6.0",
    }];
    if generated {
        required.push(blocks::RANDOM);
    }
    blocks::versions(&mut versions, &required);
    let mut providers = TfWriter::new(&header);
    providers.block("provider", &["google"]);
    providers.attr("project", Ref("var", ["project"]));
    providers.attr("region", Ref("var", ["region"]));
    providers.end();
    blocks::Files {
        main,
        outputs,
        providers,
        variables,
        versions,
    }
    .finish()
}
