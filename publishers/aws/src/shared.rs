//! The resources every AWS deployment has: the network (a VPC with two public subnets in two
//! availability zones, its internet gateway and routes, the tasks' security group), the ECS
//! cluster, the Cloud Map namespace Service Connect resolves names in, the log group, and the
//! task execution role (which pulls images, writes logs and reads the deployment's secrets).
//! Optional: the EFS file system of named volumes, the security group of the load balancers,
//! a load balancer (for a service with external endpoints), and the role EventBridge
//! Scheduler starts scheduled jobs with.

use aspirec_hcl::{Raw, Ref, Template, TfWriter};

pub const VPC_ID: Raw<'static> = Raw("aws_vpc.main.id");
pub const SUBNET_IDS: Raw<'static> = Raw("aws_subnet.public[*].id");
pub const TASKS_SECURITY_GROUPS: Raw<'static> = Raw("[aws_security_group.tasks.id]");
pub const CLUSTER_ID: Raw<'static> = Raw("aws_ecs_cluster.main.id");
pub const NAMESPACE_ARN: Raw<'static> = Raw("aws_service_discovery_private_dns_namespace.main.arn");
pub const EXECUTION_ROLE_ARN: Raw<'static> = Raw("aws_iam_role.execution.arn");
pub const LOG_GROUP: Raw<'static> = Raw("aws_cloudwatch_log_group.main.name");
pub const FILE_SYSTEM_ID: Raw<'static> = Raw("aws_efs_file_system.volumes.id");
pub const REGION: Raw<'static> = Raw("var.region");
pub const SCHEDULER_ROLE_ARN: Raw<'static> = Raw("aws_iam_role.scheduler.arn");

/// Two subnets: RDS and ElastiCache subnet groups and the load balancer need two zones.
const SUBNETS: u32 = 2;

/// The network, cluster, namespace, log group and execution role of application `app`.
pub fn blocks(w: &mut TfWriter, app: &str) {
    w.block("data", &["aws_availability_zones", "available"]);
    w.attr("state", "available");
    w.end();
    w.block("data", &["aws_partition", "current"]);
    w.end();
    w.block("data", &["aws_caller_identity", "current"]);
    w.end();

    w.resource("aws_vpc", "main");
    w.attr("cidr_block", Ref("var", ["vpc_cidr"]));
    w.attr("enable_dns_support", true);
    w.attr("enable_dns_hostnames", true);
    tags(w, app);
    w.end();

    w.resource("aws_internet_gateway", "main");
    w.attr("vpc_id", VPC_ID);
    w.end();

    w.comment(&[
        "Public subnets: tasks get public addresses to pull images and reach AWS APIs without a NAT gateway; the security group admits only the VPC.",
    ]);
    w.resource("aws_subnet", "public");
    w.attr("count", SUBNETS);
    w.attr("vpc_id", VPC_ID);
    w.attr(
        "cidr_block",
        Raw("cidrsubnet(var.vpc_cidr, 8, count.index)"),
    );
    w.attr(
        "availability_zone",
        Raw("data.aws_availability_zones.available.names[count.index]"),
    );
    w.attr("map_public_ip_on_launch", true);
    w.end();

    w.resource("aws_route_table", "public");
    w.attr("vpc_id", VPC_ID);
    w.block("route", &[]);
    w.attr("cidr_block", "0.0.0.0/0");
    w.attr("gateway_id", Raw("aws_internet_gateway.main.id"));
    w.end();
    w.end();

    w.resource("aws_route_table_association", "public");
    w.attr("count", SUBNETS);
    w.attr(
        "subnet_id",
        Raw("element(aws_subnet.public[*].id, count.index)"),
    );
    w.attr("route_table_id", Raw("aws_route_table.public.id"));
    w.end();

    w.comment(&[
        "Tasks, databases, caches and file systems: reachable from inside the VPC only (the load balancer is inside it too).",
    ]);
    w.resource("aws_security_group", "tasks");
    w.attr("name", format!("{app}-tasks"));
    w.attr("description", "Traffic from inside the VPC");
    w.attr("vpc_id", VPC_ID);
    rule(w, "ingress", Raw("[var.vpc_cidr]"), 0);
    rule(w, "egress", Raw("[\"0.0.0.0/0\"]"), 0);
    w.end();

    w.resource("aws_ecs_cluster", "main");
    w.attr("name", app);
    w.end();

    w.comment(&[
        "Service Connect names: every service reaches another at scheme://name:port, as on Kubernetes.",
    ]);
    w.resource("aws_service_discovery_private_dns_namespace", "main");
    w.attr("name", crate::plan::namespace(app));
    w.attr("vpc", VPC_ID);
    w.end();

    w.resource("aws_cloudwatch_log_group", "main");
    w.attr("name", format!("/ecs/{app}"));
    w.attr("retention_in_days", 30u32);
    w.end();

    role(
        w,
        "execution",
        &format!("{app}-execution"),
        "ecs-tasks.amazonaws.com",
    );

    w.resource("aws_iam_role_policy_attachment", "execution");
    w.attr("role", Raw("aws_iam_role.execution.name"));
    let mut arn = Template::default();
    arn.text("arn:")
        .expr(&Raw("data.aws_partition.current.partition"))
        .text(":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
    w.attr("policy_arn", &arn);
    w.end();

    w.comment(&["The execution role reads this deployment's secrets, and no others."]);
    policy(
        w,
        "secrets",
        &format!("{app}-secrets"),
        "aws_iam_role.execution.id",
    );
    w.object_item();
    w.attr("Effect", "Allow");
    w.attr("Action", "secretsmanager:GetSecretValue");
    let mut resource = Template::default();
    resource
        .text("arn:")
        .expr(&Raw("data.aws_partition.current.partition"))
        .text(":secretsmanager:")
        .expr(&REGION)
        .text(":")
        .expr(&Raw("data.aws_caller_identity.current.account_id"))
        .text(":secret:")
        .text(app)
        .text("/*");
    w.attr("Resource", &resource);
    w.end();
    w.end();
    w.end();
    w.end();
}

/// The EFS file system of named volumes, with a mount target in each subnet.
pub fn file_system(w: &mut TfWriter, app: &str) {
    w.resource("aws_efs_file_system", "volumes");
    w.attr("creation_token", format!("{app}-volumes"));
    w.attr("encrypted", true);
    tags(w, &format!("{app}-volumes"));
    w.end();

    w.resource("aws_efs_mount_target", "volumes");
    w.attr("count", SUBNETS);
    w.attr("file_system_id", FILE_SYSTEM_ID);
    w.attr(
        "subnet_id",
        Raw("element(aws_subnet.public[*].id, count.index)"),
    );
    w.attr("security_groups", TASKS_SECURITY_GROUPS);
    w.end();
}

/// An EFS access point for named volume `name`: a folder of its own on the file system.
pub fn access_point(w: &mut TfWriter, label: &str, name: &str) {
    w.resource("aws_efs_access_point", label);
    w.attr("file_system_id", FILE_SYSTEM_ID);
    w.block("root_directory", &[]);
    w.attr("path", format!("/{name}"));
    w.block("creation_info", &[]);
    w.attrs(&[
        ("owner_gid", &0u32),
        ("owner_uid", &0u32),
        ("permissions", &"0777"),
    ]);
    w.end();
    w.end();
    w.end();
}

/// The security group of the load balancers, open on `ports` to the internet.
pub fn load_balancer_security_group(w: &mut TfWriter, app: &str, ports: &[u16]) {
    w.resource("aws_security_group", "load_balancer");
    w.attr("name", format!("{app}-load-balancer"));
    w.attr("description", "HTTP from the internet to the listeners");
    w.attr("vpc_id", VPC_ID);
    for &port in ports {
        rule(w, "ingress", Raw("[\"0.0.0.0/0\"]"), port);
    }
    rule(w, "egress", Raw("[var.vpc_cidr]"), 0);
    w.end();
}

/// The internet-facing load balancer of one service, labelled `label`.
pub fn load_balancer(w: &mut TfWriter, label: &str, name: &str) {
    w.resource("aws_lb", label);
    w.attr("name", name);
    w.attr("load_balancer_type", "application");
    w.attr("internal", false);
    w.attr("subnets", SUBNET_IDS);
    w.attr(
        "security_groups",
        Raw("[aws_security_group.load_balancer.id]"),
    );
    w.end();
}

/// The role EventBridge Scheduler runs the scheduled jobs with: it may start their task
/// definitions (the task definitions of `labels`, any revision) and hand them the execution
/// role, and nothing else.
pub fn scheduler_role(w: &mut TfWriter, app: &str, labels: &[&str]) {
    role(
        w,
        "scheduler",
        &format!("{app}-scheduler"),
        "scheduler.amazonaws.com",
    );

    policy(
        w,
        "scheduler",
        &format!("{app}-scheduler"),
        "aws_iam_role.scheduler.id",
    );
    w.object_item();
    w.attr("Effect", "Allow");
    w.attr("Action", "ecs:RunTask");
    let definitions: Vec<Template> = labels
        .iter()
        .map(|label| {
            let mut arn = Template::default();
            arn.expr(&Ref(
                "aws_ecs_task_definition",
                [label, "arn_without_revision"],
            ))
            .text(":*");
            arn
        })
        .collect();
    w.array("Resource", definitions.iter());
    w.end();
    w.object_item();
    w.attr("Effect", "Allow");
    w.attr("Action", "iam:PassRole");
    w.attr("Resource", EXECUTION_ROLE_ARN);
    w.end();
    w.end();
    w.end();
    w.end();
}

/// Opens the inline policy `label` (named `name`) of role `role` (an expression) at its
/// `Statement` list; the caller writes the statements and closes the four levels.
fn policy(w: &mut TfWriter, label: &str, name: &str, role: &str) {
    w.resource("aws_iam_role_policy", label);
    w.attr("name", name);
    w.attr("role", Raw(role));
    w.call_object("policy", "jsonencode");
    w.attr("Version", "2012-10-17");
    w.object_array("Statement");
}

/// The IAM role `label`, named `name`, that AWS service `service` assumes.
fn role(w: &mut TfWriter, label: &str, name: &str, service: &str) {
    w.resource("aws_iam_role", label);
    w.attr("name", name);
    w.call_object("assume_role_policy", "jsonencode");
    w.attr("Version", "2012-10-17");
    w.object_array("Statement");
    w.object_item();
    w.attr("Effect", "Allow");
    w.attr("Action", "sts:AssumeRole");
    w.object("Principal");
    w.attr("Service", service);
    w.end();
    w.end();
    w.end();
    w.end();
    w.end();
}

/// An `ingress` or `egress` block: TCP on `port`, or everything when `port` is 0.
fn rule(w: &mut TfWriter, kind: &'static str, cidrs: Raw<'_>, port: u16) {
    w.block(kind, &[]);
    w.attr("from_port", port);
    w.attr("to_port", port);
    w.attr("protocol", if port == 0 { "-1" } else { "tcp" });
    w.attr("cidr_blocks", cidrs);
    w.end();
}

fn tags(w: &mut TfWriter, name: &str) {
    w.object("tags");
    w.attr("Name", name);
    w.end();
}
