//! The terraform-aws target: AWS ECS on Fargate, as Terraform for the hashicorp/aws provider.
//!
//! [`plan`] decides every AWS resource and reports what Fargate cannot run; the files are
//! written with the HCL writer every Terraform target shares (`aspirec-hcl`), whose layout is
//! `terraform fmt`'s. Modules: [`sizing`] (Fargate's CPU/memory combinations), [`values`]
//! (model values as HCL: Service Connect addresses, managed servers' attributes, variables),
//! and the blocks: [`shared`] (network, cluster, namespace, logs, roles, file system, load
//! balancer), [`managed`] (RDS, ElastiCache) and [`task`] (secrets, task definition, service,
//! listeners). Output: `versions.tf`, `providers.tf`, `variables.tf`, `main.tf`, `outputs.tf`.
#![warn(clippy::wildcard_enum_match_arm)]

pub mod managed;
pub mod plan;
pub mod schedule;
pub mod shared;
pub mod sizing;
pub mod task;
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

/// The terraform-aws target, registered in the root crate's `targets` module.
pub static PUBLISHER: AwsPublisher = AwsPublisher;

/// See [`PUBLISHER`].
pub struct AwsPublisher;

impl ir::Publisher for AwsPublisher {
    fn id(&self) -> &'static str {
        plan::TARGET
    }

    fn description(&self) -> &'static str {
        "Terraform for AWS ECS on Fargate (aws provider)"
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
        aspirec_hcl::patches::apply("terraform-aws", &mut files, options, diags);
        ir::Artifacts::unless_errors(files, diags, errors_before)
    }
}

/// Room for the text of one task: a few kilobytes each.
const TASK_BYTES: usize = 6 << 10;

/// The label of a named volume's access point.
pub(crate) fn volume_label(name: &str) -> String {
    names::label(name)
}

/// Every file, by path relative to the target folder.
fn files(plan: &Plan<'_>, options: &PublishOptions) -> Vec<(String, String)> {
    let model = plan.model;
    let header = options.header();
    let params = Params::new(model, names::variable_name);
    let mut values = Values::new(plan, &params);
    let mut servers = TfWriter::part();
    for server in &plan.servers {
        managed::blocks(&mut servers, &mut values, server);
    }
    let mut tasks = TfWriter::with_capacity(TASK_BYTES * plan.tasks.len());
    for task in &plan.tasks {
        task::write(&mut tasks, plan, &mut values, task);
    }
    let used = values.used();

    let mut main = TfWriter::new(&header);
    shared::blocks(&mut main, model.name());
    if !plan.volumes.is_empty() {
        shared::file_system(&mut main, model.name());
        for name in &plan.volumes {
            shared::access_point(&mut main, &volume_label(name), name);
        }
    }
    let mut ports: Vec<u16> = plan
        .tasks
        .iter()
        .flat_map(|t| t.public.iter().map(|&(_, port)| port))
        .collect();
    ports.sort_unstable();
    if !ports.is_empty() {
        ports.dedup();
        shared::load_balancer_security_group(&mut main, model.name(), &ports);
    }
    let scheduled: Vec<&str> = plan
        .tasks
        .iter()
        .filter(|t| matches!(t.job, Some(plan::Trigger::Schedule { .. })))
        .map(|t| t.label.as_str())
        .collect();
    if !scheduled.is_empty() {
        shared::scheduler_role(&mut main, model.name(), &scheduled);
    }
    let generated = params::generated(&mut main, model, &used, names::variable_name);
    main.append(servers);
    main.append(tasks);

    let mut variables = TfWriter::new(&header);
    variable(
        &mut variables,
        "region",
        "The AWS region of every resource",
        None,
        false,
    );
    variable(
        &mut variables,
        "vpc_cidr",
        "The address range of the VPC (two /24 subnets are cut from it)",
        Some(&"10.0.0.0/16"),
        false,
    );
    if plan.builds_images() {
        variable(
            &mut variables,
            "image_tag",
            "The tag of the images built from source",
            Some(&model.tag()),
            false,
        );
    }
    for task in &plan.tasks {
        for &(index, _) in &task.public {
            let Some(endpoint) = task.workload.endpoints.get(index) else {
                continue;
            };
            if let Some(ir::Tls::Secret(secret)) =
                endpoint.ingress.as_ref().and_then(|i| i.tls.as_ref())
            {
                let label = task::target_label(task, &endpoint.name);
                variable(
                    &mut variables,
                    &task::certificate_variable(&label),
                    &format!(
                        "The ARN of the ACM certificate (`{secret}` on Kubernetes) of the hosts of `{}` endpoint `{}`",
                        task.resource.name, endpoint.name
                    ),
                    None,
                    false,
                );
            }
        }
    }
    params::variables(&mut variables, model, &used, names::variable_name);

    let mut outputs = TfWriter::new(&header);
    output(
        &mut outputs,
        "cluster_name",
        "The ECS cluster",
        Ref("aws_ecs_cluster", ["main", "name"]),
    );
    for task in &plan.tasks {
        if task.job == Some(plan::Trigger::Manual) {
            output(
                &mut outputs,
                &task::run_task_output(task),
                &format!(
                    "The command that runs the job `{}` once (deploying does not run it)",
                    task.resource.name
                ),
                task::run_task_command(task),
            );
        }
        for &(index, port) in &task.public {
            let Some(endpoint) = task.workload.endpoints.get(index) else {
                continue;
            };
            // With `ingress`, the first host (the one the certificate is for), over HTTPS with
            // a certificate, and the path prefix.
            let ingress = endpoint.ingress.as_ref();
            let https = matches!(
                ingress.and_then(|i| i.tls.as_ref()),
                Some(ir::Tls::Secret(_))
            );
            let mut url = Template::default();
            url.text(if https { "https://" } else { "http://" });
            match ingress.and_then(|i| i.hosts.first()) {
                Some(host) => url.text(host),
                None => url.expr(&Ref("aws_lb", [&task.label, "dns_name"])),
            };
            if port != if https { 443 } else { 80 } {
                url.text(&format!(":{port}"));
            }
            if let Some(ingress) = ingress.filter(|i| !i.routes_everything()) {
                url.text(&ingress.path);
            }
            output(
                &mut outputs,
                &format!("{}_url", task::target_label(task, &endpoint.name)),
                &format!(
                    "The public URL of endpoint `{}` of `{}`",
                    endpoint.name, task.resource.name
                ),
                &url,
            );
        }
    }

    let mut versions = TfWriter::new(&header);
    let mut required = vec![Provider {
        name: "aws",
        source: "hashicorp/aws",
        version: "~> 6.0",
    }];
    if generated {
        required.push(blocks::RANDOM);
    }
    blocks::versions(&mut versions, &required);
    let mut providers = TfWriter::new(&header);
    providers.block("provider", &["aws"]);
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
