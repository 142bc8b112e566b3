//! One workload's blocks: a Secrets Manager secret for each environment variable that carries
//! a secret (its value supplied at deploy time through the variables it is made of, read by
//! the task by ARN), the task definition (its containers as `jsonencode`d definitions, with
//! notes above it: how a job starts, the `wait_for` ECS cannot enforce), the service with its
//! Service Connect aliases, and a target group and listener for each public endpoint. A job
//! has no service: it is started by hand (`aws ecs run-task`, an output of the target) or by
//! an EventBridge Scheduler schedule.

use aspirec_azure::databases::{INIT_IMAGE, INIT_MOUNT, INITDB_DIR, SCRIPT_VARIABLE};
use aspirec_azure::files::FILES_MOUNT;
use aspirec_azure::names::UniqueNames;
use aspirec_azure::plan::AppImage;
use aspirec_hcl::{Raw, Ref, Template, Text, TfWriter};

use crate::plan::{Plan, Task, Trigger};
use crate::shared::{
    CLUSTER_ID, EXECUTION_ROLE_ARN, FILE_SYSTEM_ID, LOG_GROUP, NAMESPACE_ARN, REGION,
    SCHEDULER_ROLE_ARN, SUBNET_IDS, TASKS_SECURITY_GROUPS, VPC_ID,
};
use crate::values::Values;

/// An environment variable of the container: plain, or a secret's label.
enum Env {
    Plain(String, Template),
    Secret(String, String),
}

/// Writes the blocks of `task`.
pub fn write(w: &mut TfWriter, plan: &Plan<'_>, values: &mut Values<'_, '_>, task: &Task<'_>) {
    let model = plan.model;
    let app = model.name();
    let workload = task.workload;
    values.for_job(task.job.is_some());
    // The environment first: secrets become blocks of their own before the task definition.
    let mut env = Vec::with_capacity(workload.env.len());
    let mut secret_labels = UniqueNames::default();
    for var in &workload.env {
        if model.is_plaintext_https_discovery(var) {
            continue;
        }
        let mut value = Template::default();
        if values.write(&var.value, &mut value) {
            let label = secret_labels.claim(
                &format!("{}_{}", task.label, var.name.to_ascii_lowercase()),
                200,
            );
            let label = label.replace('-', "_");
            w.resource("aws_secretsmanager_secret", &label);
            w.attr("name", format!("{app}/{}/{}", task.name, var.name));
            w.attr("recovery_window_in_days", 0u32);
            w.end();
            w.resource("aws_secretsmanager_secret_version", &label);
            w.attr(
                "secret_id",
                Ref("aws_secretsmanager_secret", [&label, "id"]),
            );
            w.attr("secret_string", &value);
            w.end();
            env.push(Env::Secret(var.name.clone(), label));
        } else {
            env.push(Env::Plain(var.name.clone(), value));
        }
    }
    // A private registry's credentials: one Secrets Manager secret of the JSON ECS reads
    // (`username`, `password`), whose values are deploy-time variables.
    let registry = model.registry_of(&workload.image).map(|registry| {
        let label = secret_labels
            .claim(&format!("{}_registry", task.label), 200)
            .replace('-', "_");
        let (mut username, mut password) = (Template::default(), Template::default());
        values.write(&registry.username, &mut username);
        values.write(&registry.password, &mut password);
        w.resource("aws_secretsmanager_secret", &label);
        w.attr(
            "name",
            format!("{app}/{}/registry-{}", task.name, registry.name),
        );
        w.attr("recovery_window_in_days", 0u32);
        w.end();
        w.resource("aws_secretsmanager_secret_version", &label);
        w.attr(
            "secret_id",
            Ref("aws_secretsmanager_secret", [&label, "id"]),
        );
        let json = format!(
            "jsonencode({{ username = {}, password = {} }})",
            aspirec_hcl::to_text(&username),
            aspirec_hcl::to_text(&password)
        );
        w.attr("secret_string", Raw(&json));
        w.end();
        label
    });
    let mut args = Vec::with_capacity(workload.args.len());
    for arg in &workload.args {
        let mut value = Template::default();
        if !values.write(arg, &mut value) {
            args.push(value);
        }
    }

    w.comment(&notes(plan, task));
    w.resource("aws_ecs_task_definition", &task.label);
    w.attr("family", format!("{app}-{}", task.name));
    w.attr("requires_compatibilities", Raw("[\"FARGATE\"]"));
    w.attr("network_mode", "awsvpc");
    w.attr("cpu", task.size.cpu.to_string());
    w.attr("memory", task.size.memory.to_string());
    w.attr("execution_role_arn", EXECUTION_ROLE_ARN);
    w.call_object_array("container_definitions", "jsonencode");
    if let Some(init) = &task.init {
        let variables = [(SCRIPT_VARIABLE, init.script.as_str())];
        let mounts = [(init.volume.as_str(), INIT_MOUNT.to_string())];
        init_container(w, &init.container, &init.command, &variables, &mounts);
    }
    if let Some(files) = &task.files {
        let variables: Vec<(&str, &str)> = files
            .variables
            .iter()
            .map(|(variable, content)| (variable.as_str(), content.as_str()))
            .collect();
        let mounts: Vec<(&str, String)> = (files.mounts.iter().enumerate())
            .map(|(index, (volume, _))| (volume.as_str(), format!("{FILES_MOUNT}/{index}")))
            .collect();
        init_container(w, &files.container, &files.command, &variables, &mounts);
    }
    w.object_item();
    w.attr("name", task.name.as_str());
    match task.image {
        AppImage::Pull(image) => w.attr("image", image),
        AppImage::Built { repository } => {
            let mut image = Template::default();
            image
                .text(repository)
                .text(":")
                .expr(&Ref("var", ["image_tag"]));
            w.attr("image", &image);
        }
    }
    w.attr("essential", true);
    if !workload.entrypoint.is_empty() {
        w.array("entryPoint", workload.entrypoint.iter().map(|e| Text(e)));
    }
    if !args.is_empty() {
        w.array("command", args.iter());
    }
    if !task.ports.is_empty() {
        w.object_array("portMappings");
        for (index, name) in &task.ports {
            let Some(endpoint) = workload.endpoints.get(*index) else {
                continue;
            };
            w.object_item();
            w.attr("name", name.as_str());
            w.attr("containerPort", endpoint.target_port);
            w.attr("protocol", "tcp");
            if endpoint.is_http() {
                let http2 = endpoint.transport == ir::Transport::Http2;
                w.attr("appProtocol", if http2 { "http2" } else { "http" });
            }
            w.end();
        }
        w.end();
    }
    let plain: Vec<_> = env
        .iter()
        .filter_map(|e| match e {
            Env::Plain(name, value) => Some((name, value)),
            Env::Secret(..) => None,
        })
        .collect();
    if !plain.is_empty() {
        w.object_array("environment");
        for (name, value) in plain {
            w.object_item();
            w.attr("name", Text(name));
            w.attr("value", value);
            w.end();
        }
        w.end();
    }
    let secrets: Vec<_> = env
        .iter()
        .filter_map(|e| match e {
            Env::Secret(name, label) => Some((name, label)),
            Env::Plain(..) => None,
        })
        .collect();
    if !secrets.is_empty() {
        w.object_array("secrets");
        for (name, label) in secrets {
            w.object_item();
            w.attr("name", Text(name));
            w.attr(
                "valueFrom",
                Ref("aws_secretsmanager_secret", [label, "arn"]),
            );
            w.end();
        }
        w.end();
    }
    if let Some(label) = &registry {
        w.object("repositoryCredentials");
        w.attr(
            "credentialsParameter",
            Ref("aws_secretsmanager_secret", [label, "arn"]),
        );
        w.end();
    }
    if let Some((command, timing)) = &task.health {
        w.object("healthCheck");
        w.array("command", command.iter().map(|c| Text(c)));
        let interval = timing.period.unwrap_or(30).clamp(5, 300);
        w.attr("interval", interval);
        w.attr(
            "timeout",
            timing.timeout.unwrap_or(5).clamp(2, 120).min(interval),
        );
        w.attr(
            "retries",
            timing.failure_threshold.unwrap_or(3).clamp(1, 10),
        );
        w.attr("startPeriod", timing.initial_delay.unwrap_or(0).min(300));
        w.end();
    }
    if !task.mounts.is_empty() || task.init.is_some() || task.files.is_some() {
        w.object_array("mountPoints");
        for &(volume, path, read_only) in &task.mounts {
            if let Some(name) = plan.volumes.get_index(volume) {
                mount_point(w, &volume_name(name), path, read_only);
            }
        }
        if let Some(init) = &task.init {
            mount_point(w, &init.volume, INITDB_DIR, true);
        }
        for (volume, target) in task.files.iter().flat_map(|f| &f.mounts) {
            mount_point(w, volume, target, true);
        }
        w.end();
    }
    // The init containers run to completion, successfully, before the app's starts.
    let inits: Vec<&str> = (task.init.iter().map(|i| i.container.as_str()))
        .chain(task.files.iter().map(|f| f.container.as_str()))
        .collect();
    if !inits.is_empty() {
        w.object_array("dependsOn");
        for container in inits {
            w.object_item();
            w.attr("containerName", container);
            w.attr("condition", "SUCCESS");
            w.end();
        }
        w.end();
    }
    logs(w, &task.name);
    w.end();
    w.end();
    let mut seen = UniqueNames::default();
    for &(volume, _, _) in &task.mounts {
        let Some(name) = plan.volumes.get_index(volume) else {
            continue;
        };
        let volume_name = volume_name(name);
        if seen.claim(&volume_name, 255) != volume_name {
            continue;
        }
        w.block("volume", &[]);
        w.attr("name", volume_name.as_str());
        w.block("efs_volume_configuration", &[]);
        w.attr("file_system_id", FILE_SYSTEM_ID);
        w.attr("transit_encryption", "ENABLED");
        w.block("authorization_config", &[]);
        let access_point = crate::volume_label(name);
        w.attr(
            "access_point_id",
            Ref("aws_efs_access_point", [&access_point, "id"]),
        );
        w.end();
        w.end();
        w.end();
    }
    if let Some(init) = &task.init {
        w.block("volume", &[]);
        w.attr("name", init.volume.as_str());
        w.end();
    }
    for (volume, _) in task.files.iter().flat_map(|f| &f.mounts) {
        w.block("volume", &[]);
        w.attr("name", volume.as_str());
        w.end();
    }
    w.end();

    if !task.public.is_empty() {
        let name = format!("{app}-{}", task.name);
        crate::shared::load_balancer(w, &task.label, &ir::publish::dns_label(&name, 32));
    }
    for &(index, port) in &task.public {
        let Some(endpoint) = workload.endpoints.get(index) else {
            continue;
        };
        let label = target_label(task, &endpoint.name);
        w.resource("aws_lb_target_group", &label);
        w.attr(
            "name",
            ir::publish::shorten(
                &ir::publish::dns_label(&format!("{app}-{}-{}", task.name, endpoint.name), 63),
                32,
            ),
        );
        w.attr("port", endpoint.target_port);
        w.attr("protocol", "HTTP");
        w.attr("target_type", "ip");
        w.attr("vpc_id", VPC_ID);
        w.block("health_check", &[]);
        let path = match &workload.health.as_ref().map(|h| &h.check) {
            Some(ir::HealthCheck::Http { path, endpoint }) if *endpoint == index => path.as_str(),
            _ => "/",
        };
        w.attr("path", path);
        w.attr("matcher", "200-399");
        w.end();
        w.end();

        listener(w, task, endpoint, &label, port);
    }

    match &task.job {
        Some(Trigger::Manual) => return,
        Some(Trigger::Schedule { expression, .. }) => {
            schedule(w, app, task, expression);
            return;
        }
        None => {}
    }
    let registered = plan.registered(task);
    if registered {
        w.comment(&["Also a DNS name, for the jobs: their tasks are outside Service Connect."]);
        w.resource("aws_service_discovery_service", &task.label);
        w.attr("name", task.name.as_str());
        w.block("dns_config", &[]);
        w.attr(
            "namespace_id",
            Raw("aws_service_discovery_private_dns_namespace.main.id"),
        );
        w.attr("routing_policy", "MULTIVALUE");
        w.block("dns_records", &[]);
        w.attr("ttl", 10u32);
        w.attr("type", "A");
        w.end();
        w.end();
        w.block("health_check_custom_config", &[]);
        w.end();
        w.end();
    }
    w.resource("aws_ecs_service", &task.label);
    w.attr("name", task.name.as_str());
    w.attr("cluster", CLUSTER_ID);
    w.attr(
        "task_definition",
        Ref("aws_ecs_task_definition", [&task.label, "arn"]),
    );
    w.attr("desired_count", task.replicas);
    fargate_network(w);
    if registered {
        w.block("service_registries", &[]);
        w.attr(
            "registry_arn",
            Ref("aws_service_discovery_service", [&task.label, "arn"]),
        );
        w.end();
    }
    w.block("service_connect_configuration", &[]);
    w.attr("enabled", true);
    w.attr("namespace", NAMESPACE_ARN);
    for (index, name) in &task.ports {
        let Some(endpoint) = workload.endpoints.get(*index) else {
            continue;
        };
        w.block("service", &[]);
        w.attr("port_name", name.as_str());
        w.attr(
            "discovery_name",
            ir::publish::shorten(&format!("{}-{name}", task.name), 64),
        );
        w.block("client_alias", &[]);
        w.attr("port", endpoint.port);
        w.attr("dns_name", task.name.as_str());
        w.end();
        w.end();
    }
    w.end();
    let mut listeners = Vec::new();
    for &(index, _) in &task.public {
        let Some(endpoint) = workload.endpoints.get(index) else {
            continue;
        };
        let label = target_label(task, &endpoint.name);
        w.block("load_balancer", &[]);
        w.attr(
            "target_group_arn",
            Ref("aws_lb_target_group", [&label, "arn"]),
        );
        w.attr("container_name", task.name.as_str());
        w.attr("container_port", endpoint.target_port);
        w.end();
        listeners.push(aspirec_hcl::to_text(&Ref("aws_lb_listener", [&label])));
    }
    if !listeners.is_empty() {
        w.array("depends_on", listeners.iter().map(|l| Raw(l)));
    }
    if task.autoscale.is_some() {
        // The scaling policy owns the count: without this, every `terraform apply` would
        // reset it to the minimum.
        w.block("lifecycle", &[]);
        w.array("ignore_changes", [Raw("desired_count")]);
        w.end();
    }
    w.end();
    if let Some(autoscale) = task.autoscale {
        autoscaling(w, task, autoscale);
    }
}

/// The Application Auto Scaling target of a service that autoscales (its replica range), and
/// the policy that tracks its average CPU utilisation, as an HPA does on Kubernetes.
fn autoscaling(w: &mut TfWriter, task: &Task<'_>, autoscale: ir::checked::Autoscale) {
    let label = task.label.as_str();
    w.resource("aws_appautoscaling_target", label);
    w.attr("service_namespace", "ecs");
    let mut resource_id = Template::default();
    resource_id
        .text("service/")
        .expr(&Raw("aws_ecs_cluster.main.name"))
        .text("/")
        .expr(&Ref("aws_ecs_service", [label, "name"]));
    w.attr("resource_id", &resource_id);
    w.attr("scalable_dimension", "ecs:service:DesiredCount");
    w.attr("min_capacity", autoscale.min);
    w.attr("max_capacity", autoscale.max);
    w.end();
    w.resource("aws_appautoscaling_policy", &format!("{label}_cpu"));
    w.attr("name", format!("{}-cpu", task.name).as_str());
    w.attr("policy_type", "TargetTrackingScaling");
    for key in ["service_namespace", "resource_id", "scalable_dimension"] {
        w.attr_named(key, Ref("aws_appautoscaling_target", [label, key]));
    }
    w.block("target_tracking_scaling_policy_configuration", &[]);
    w.attr("target_value", autoscale.cpu);
    w.block("predefined_metric_specification", &[]);
    w.attr("predefined_metric_type", "ECSServiceAverageCPUUtilization");
    w.end();
    w.end();
    w.end();
}

/// The notes above a task definition: how a job starts, and the `wait_for` ECS cannot
/// enforce.
fn notes(plan: &Plan<'_>, task: &Task<'_>) -> Vec<String> {
    let model = plan.model;
    let name = &task.resource.name;
    let mut notes = Vec::new();
    match &task.job {
        Some(Trigger::Manual) => notes.push(format!(
            "`{name}` runs to completion as a task without a service: deploying does not run it; start it with the command in the output `{}` (before the services that wait for it).",
            run_task_output(task)
        )),
        Some(Trigger::Schedule { cron, .. }) => notes.push(format!(
            "`{name}` runs to completion on the schedule `{cron}` (UTC), started by the EventBridge Scheduler schedule below."
        )),
        None => {}
    }
    for &(index, _) in &task.public {
        let Some(ingress) = task
            .workload
            .endpoints
            .get(index)
            .and_then(|e| e.ingress.as_ref())
        else {
            continue;
        };
        if !ingress.hosts.is_empty() {
            notes.push(format!(
                "Its load balancer routes the hosts {} only: point their DNS records (a CNAME or an alias) at its DNS name.",
                ingress.hosts.join(", ")
            ));
        }
    }
    // The check makes one resource's endpoints agree on their class: one note.
    let class = (task.public.iter())
        .filter_map(|&(index, _)| task.workload.endpoints.get(index)?.ingress.as_ref())
        .find_map(|ingress| ingress.class.as_deref());
    if let Some(class) = class {
        notes.push(format!(
            "The Ingress class `{class}` is for Kubernetes: the service has a load balancer of its own."
        ));
    }
    if let Some(files) = &task.files {
        notes.push(format!(
            "Its folders of `files` are written by the init container `{}` into task volumes, mounted read-only at each target.",
            files.container
        ));
    }
    if task.job.is_some() && !task.workload.references.is_empty() {
        notes.push(format!(
            "A task started outside a service is outside Service Connect: it reaches the services at their Cloud Map DNS names (`<name>.{}`) on their containers' ports.",
            crate::plan::namespace(model.name())
        ));
    }
    if !task.workload.wait_for.is_empty() {
        let waits: Vec<String> = task
            .workload
            .wait_for
            .iter()
            .map(|wait| {
                let target = &model.resource(wait.target).name;
                match wait.condition {
                    ir::WaitCondition::Healthy => format!("`{target}` to be healthy"),
                    ir::WaitCondition::Started => format!("`{target}` to start"),
                    ir::WaitCondition::Completed => {
                        format!("`{target}` to complete successfully")
                    }
                }
            })
            .collect();
        notes.push(format!(
            "`{name}` waits for {} (`wait_for`), which is not enforced: ECS starts tasks in no order.",
            waits.join(", ")
        ));
    }
    notes
}

/// The output holding the `aws ecs run-task` command of a job started by hand.
pub fn run_task_output(task: &Task<'_>) -> String {
    format!("{}_run_task", task.label)
}

/// The `aws ecs run-task` command that starts `task` once, in the tasks' subnets and
/// security group.
pub fn run_task_command(task: &Task<'_>) -> Template {
    let mut command = Template::default();
    command
        .text("aws ecs run-task --cluster ")
        .expr(&Ref("aws_ecs_cluster", ["main", "name"]))
        .text(" --task-definition ")
        .expr(&Ref("aws_ecs_task_definition", [&task.label, "arn"]))
        .text(" --launch-type FARGATE --network-configuration 'awsvpcConfiguration={subnets=[")
        .expr(&Raw("join(\",\", aws_subnet.public[*].id)"))
        .text("],securityGroups=[")
        .expr(&Raw("aws_security_group.tasks.id"))
        .text("],assignPublicIp=ENABLED}'");
    command
}

/// The EventBridge Scheduler schedule that runs job `task` on `expression` (UTC).
fn schedule(w: &mut TfWriter, app: &str, task: &Task<'_>, expression: &str) {
    w.resource("aws_scheduler_schedule", &task.label);
    w.attr(
        "name",
        ir::publish::shorten(&format!("{app}-{}", task.name), 64),
    );
    w.attr("schedule_expression", expression);
    w.attr("schedule_expression_timezone", "UTC");
    w.block("flexible_time_window", &[]);
    w.attr("mode", "OFF");
    w.end();
    w.block("target", &[]);
    w.attr("arn", Ref("aws_ecs_cluster", ["main", "arn"]));
    w.attr("role_arn", SCHEDULER_ROLE_ARN);
    w.block("ecs_parameters", &[]);
    w.attr(
        "task_definition_arn",
        Ref("aws_ecs_task_definition", [&task.label, "arn"]),
    );
    fargate_network(w);
    w.end();
    w.end();
    w.end();
}

/// Fargate, in the public subnets with the tasks' security group: a service's or a scheduled
/// job's tasks.
fn fargate_network(w: &mut TfWriter) {
    w.attr("launch_type", "FARGATE");
    w.block("network_configuration", &[]);
    w.attr("subnets", SUBNET_IDS);
    w.attr("security_groups", TASKS_SECURITY_GROUPS);
    w.attr("assign_public_ip", true);
    w.end();
}

/// The listener of a public endpoint, forwarding to its target group `label`: everything, or
/// with `ingress` hosts or a path, only what a rule per host matches (`host_header`, and
/// `path_pattern` of the prefix and what is below it), the rest answered 404. With a TLS
/// certificate (`ingress.tls.secret`), HTTPS with the ACM certificate whose ARN is the
/// variable [`certificate_variable`].
fn listener(w: &mut TfWriter, task: &Task<'_>, endpoint: &ir::Endpoint, label: &str, port: u16) {
    let ingress = endpoint.ingress.as_ref();
    let https = matches!(
        ingress.and_then(|i| i.tls.as_ref()),
        Some(ir::Tls::Secret(_))
    );
    let routed = ingress.filter(|i| !i.hosts.is_empty() || !i.routes_everything());
    let target = Ref("aws_lb_target_group", [label, "arn"]);
    w.resource("aws_lb_listener", label);
    w.attr("load_balancer_arn", Ref("aws_lb", [&task.label, "arn"]));
    w.attr("port", port);
    if https {
        w.attr("protocol", "HTTPS");
        w.attr("ssl_policy", SSL_POLICY);
        w.attr(
            "certificate_arn",
            Ref("var", [&certificate_variable(label)]),
        );
    } else {
        w.attr("protocol", "HTTP");
    }
    w.block("default_action", &[]);
    if routed.is_some() {
        w.attr("type", "fixed-response");
        w.block("fixed_response", &[]);
        w.attr("content_type", "text/plain");
        w.attr("status_code", "404");
        w.end();
    } else {
        w.attr("type", "forward");
        w.attr("target_group_arn", target);
    }
    w.end();
    w.end();
    let Some(ingress) = routed else {
        return;
    };
    let paths: Vec<String> = if ingress.routes_everything() {
        Vec::new()
    } else {
        let prefix = ingress.path.trim_end_matches('/');
        vec![prefix.to_string(), format!("{prefix}/*")]
    };
    // One rule per host (a rule matches at most five values), or one for the path alone.
    let hosts: Vec<Option<&str>> = if ingress.hosts.is_empty() {
        vec![None]
    } else {
        ingress.hosts.iter().map(|h| Some(h.as_str())).collect()
    };
    for (index, host) in hosts.into_iter().enumerate() {
        w.resource("aws_lb_listener_rule", &format!("{label}_{}", index + 1));
        w.attr("listener_arn", Ref("aws_lb_listener", [label, "arn"]));
        w.attr("priority", (index + 1) as u32);
        w.block("action", &[]);
        w.attr("type", "forward");
        w.attr("target_group_arn", target);
        w.end();
        if let Some(host) = host {
            w.block("condition", &[]);
            w.block("host_header", &[]);
            w.array("values", [Text(host)]);
            w.end();
            w.end();
        }
        if !paths.is_empty() {
            w.block("condition", &[]);
            w.block("path_pattern", &[]);
            w.array("values", paths.iter().map(|p| Text(p)));
            w.end();
            w.end();
        }
        w.end();
    }
}

/// The TLS policy of an HTTPS listener: TLS 1.3 and 1.2 only (AWS's recommended policy).
const SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// The variable of the ACM certificate ARN of the public endpoint whose listener is `label`.
pub fn certificate_variable(label: &str) -> String {
    format!("{label}_certificate_arn")
}

/// The label of a public endpoint's target group and listener.
pub fn target_label(task: &Task<'_>, endpoint: &str) -> String {
    format!("{}_{}", task.label, aspirec_azure::names::label(endpoint))
}

/// The task volume of named volume `name`.
fn volume_name(name: &str) -> String {
    ir::publish::dns_label(name, 255)
}

/// A non-essential busybox container that runs `command` with `variables` and writable
/// `mounts` (`(volume, path)`), to completion before the app's container starts.
fn init_container(
    w: &mut TfWriter,
    name: &str,
    command: &str,
    variables: &[(&str, &str)],
    mounts: &[(&str, String)],
) {
    w.object_item();
    w.attr("name", name);
    w.attr("image", INIT_IMAGE);
    w.attr("essential", false);
    w.array("command", ["/bin/sh", "-c", command]);
    w.object_array("environment");
    for (variable, value) in variables {
        w.object_item();
        w.attr("name", *variable);
        w.attr("value", Text(value));
        w.end();
    }
    w.end();
    w.object_array("mountPoints");
    for (volume, path) in mounts {
        mount_point(w, volume, path, false);
    }
    w.end();
    logs(w, name);
    w.end();
}

fn mount_point(w: &mut TfWriter, volume: &str, path: &str, read_only: bool) {
    w.object_item();
    w.attr("sourceVolume", volume);
    w.attr("containerPath", Text(path));
    w.attr("readOnly", read_only);
    w.end();
}

/// The `awslogs` configuration of container `name`.
fn logs(w: &mut TfWriter, name: &str) {
    w.object("logConfiguration");
    w.attr("logDriver", "awslogs");
    w.object("options");
    w.attr("awslogs-group", LOG_GROUP);
    w.attr("awslogs-region", REGION);
    w.attr("awslogs-stream-prefix", name);
    w.end();
    w.end();
}
