//! End-to-end tests of the terraform-aws target on models built in Rust: secrets stay out of
//! the text, addresses resolve per platform, the output parses back, and the target's
//! diagnostics.

use ir::IntegrationKind;
use ir::model::*;
use ir::testing::*;

use crate::PUBLISHER;

/// A container running a shared image, with `env` parsed as templates.
fn app(
    name: &str,
    vars: &[(&str, &str)],
    endpoints: Vec<EndpointDecl>,
    references: &[&str],
) -> ResourceDecl {
    let mut decl = container("ghcr.io/acme/app:1.0");
    decl.env = vars.iter().map(|(k, v)| env(k, template(v))).collect();
    decl.endpoints = endpoints;
    decl.references = references.iter().map(|r| reference(r)).collect();
    compute(name, decl)
}

fn managed(name: &str, kind: IntegrationKind, databases: &[&str]) -> ResourceDecl {
    hosted(
        name,
        IntegrationDecl {
            databases: databases.iter().map(|d| s(d.to_string())).collect(),
            azure_hosting: Some(s(AzureHosting::Managed)),
            ..integration(kind)
        },
    )
}

fn shop() -> Model {
    model(
        vec![param("token", true, Some("s3cr3t-literal"))],
        vec![
            managed("pg", IntegrationKind::Postgres, &["orders"]),
            managed("cache", IntegrationKind::Redis, &[]),
            app(
                "api",
                &[("TOKEN", "{token.value}"), ("PLAIN", "a ${{b}}")],
                vec![endpoint("http", 8080, true)],
                &["orders", "cache"],
            ),
            app(
                "web",
                &[("API", "{api.bindings.http.url}")],
                vec![endpoint("http", 3000, false)],
                &[],
            ),
        ],
    )
}

fn main_tf(model: &Model) -> String {
    let (artifacts, diags) = publish(&PUBLISHER, model, false);
    // W0501: the token's literal default, which the test model has on purpose.
    assert!(
        codes(&diags).iter().all(|c| c.starts_with('W')),
        "{:?}",
        codes(&diags)
    );
    file(&artifacts.expect("artifacts"), "main.tf").to_string()
}

#[test]
fn secrets_are_secrets_manager_references_and_never_text() {
    let text = main_tf(&shop());
    assert!(!text.contains("s3cr3t-literal"));
    // The token is a secret whose value is the variable, read by ARN.
    assert!(text.contains("secret_string = var.token"), "{text}");
    assert!(text.contains("valueFrom = aws_secretsmanager_secret.api_token.arn"));
    // Plain values stay plain, escaped once.
    assert!(text.contains("value = \"a $${b}\""), "{text}");
}

#[test]
fn managed_services_and_service_connect_addresses() {
    let text = main_tf(&shop());
    assert!(text.contains("resource \"aws_db_instance\" \"pg\""));
    assert!(
        text.contains("db_name                 = \"orders\""),
        "{text}"
    );
    assert!(text.contains("resource \"aws_elasticache_replication_group\" \"cache\""));
    // The database's connection string names the RDS instance, with TLS and the admin login.
    assert!(text.contains(
        "\"Host=${aws_db_instance.pg.address};Port=5432;Username=pgadmin;Password=${local.pg_password};Ssl Mode=Require;Database=orders\""
    ), "{text}");
    // Another service is reached by its Service Connect alias.
    assert!(text.contains("value = \"http://api:8080\""), "{text}");
    assert!(text.contains("dns_name = \"api\""), "{text}");
}

#[test]
fn the_output_parses_and_is_deterministic() {
    let (first, _) = publish(&PUBLISHER, &shop(), false);
    let (second, _) = publish(&PUBLISHER, &shop(), false);
    let first = first.expect("artifacts");
    assert_eq!(Some(&first), second.as_ref());
    for (path, text) in first.iter() {
        assert!(hcl::parse(text).is_ok(), "{path} does not parse:\n{text}");
    }
    let outputs = file(&first, "outputs.tf");
    assert!(
        outputs.contains("\"http://${aws_lb.api.dns_name}\""),
        "{outputs}"
    );
}

#[test]
fn fargate_sizes_bind_mounts_and_udp_are_reported() {
    let mut api = app("api", &[], vec![endpoint("http", 8080, false)], &[]);
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.limits = LimitsDecl {
            cpu: Some(s("250m".to_string())),
            memory: Some(s("4Gi".to_string())),
        };
        c.bind_mounts.push(BindMountDecl {
            source: s("./conf".to_string()),
            target: s("/conf".to_string()),
            read_only: true,
        });
    }
    let m = model(Vec::new(), vec![api]);
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0706", "E0702"]);
}

#[test]
fn a_second_external_target_port_listens_on_its_own_port() {
    let http = |name: &str, port| EndpointDecl {
        scheme: Some(s("http".to_string())),
        ..endpoint(name, port, true)
    };
    let api = app(
        "api",
        &[],
        vec![http("http", 8080), http("admin", 9000)],
        &[],
    );
    let text = main_tf(&model(Vec::new(), vec![api]));
    assert!(text.contains("port              = 80\n"), "{text}");
    assert!(text.contains("port              = 9000\n"), "{text}");
}

/// A container that runs to completion, on `schedule` if given.
fn job(name: &str, schedule: Option<&str>) -> ResourceDecl {
    let mut decl = app(name, &[], Vec::new(), &[]);
    if let ResourceKindDecl::Compute(c) = &mut decl.kind {
        c.job = Some(JobDecl {
            schedule: schedule.map(|text| s(text.to_string())),
            span: ir::Span::DETACHED,
        });
    }
    decl
}

#[test]
fn a_job_is_a_task_definition_started_by_hand_or_on_a_schedule() {
    let (artifacts, diags) = publish(
        &PUBLISHER,
        &model(
            Vec::new(),
            vec![job("migrate", None), job("report", Some("0 3 * * 1-5"))],
        ),
        false,
    );
    assert!(codes(&diags).is_empty(), "{:?}", codes(&diags));
    let artifacts = artifacts.expect("artifacts");
    let main = file(&artifacts, "main.tf");
    // No service restarts a job.
    assert!(!main.contains("aws_ecs_service"), "{main}");
    assert!(main.contains("resource \"aws_ecs_task_definition\" \"migrate\""));
    // The manual job: an output with the command, and a note saying deploying does not run it.
    let outputs = file(&artifacts, "outputs.tf");
    assert!(
        outputs.contains("aws ecs run-task --cluster ${aws_ecs_cluster.main.name} --task-definition ${aws_ecs_task_definition.migrate.arn}"),
        "{outputs}"
    );
    assert!(main.contains("# `migrate` runs to completion as a task without a service"));
    // The scheduled job: weekdays in EventBridge's numbering, run by a role allowed to.
    assert!(!outputs.contains("report_run_task"));
    assert!(
        main.contains("schedule_expression          = \"cron(0 3 ? * 2-6 *)\""),
        "{main}"
    );
    assert!(main.contains("role_arn = aws_iam_role.scheduler.arn"));
    assert!(main.contains("\"${aws_ecs_task_definition.report.arn_without_revision}:*\""));
    assert!(main.contains("\"iam:PassRole\""));
}

#[test]
fn a_schedule_eventbridge_cannot_express_is_reported() {
    let m = model(Vec::new(), vec![job("report", Some("0 3 1 * 1"))]);
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0702"]);
    // Allowed: a warning, and the job is started by hand.
    let (artifacts, diags) = publish(&PUBLISHER, &m, true);
    assert_eq!(codes(&diags), ["W0701"]);
    assert!(file(&artifacts.expect("artifacts"), "outputs.tf").contains("report_run_task"));
}

#[test]
fn wait_for_is_noted_as_not_enforced() {
    let mut api = app("api", &[], vec![endpoint("http", 8080, false)], &[]);
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.wait_for = vec![s("migrate".to_string())];
    }
    let text = main_tf(&model(Vec::new(), vec![job("migrate", None), api]));
    assert!(
        text.contains("# `api` waits for `migrate` to complete successfully (`wait_for`), which is not enforced: ECS starts tasks in no order."),
        "{text}"
    );
}

/// `api` with a folder of two files at `/app/templates` and, if `single`, one file at
/// `/app/appsettings.json`.
fn with_files(single: bool) -> Model {
    let mut api = app("api", &[], vec![endpoint("http", 8080, false)], &[]);
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.files.push(FilesDecl {
            source: s("templates".to_string()),
            target: s("/app/templates".to_string()),
            folder: true,
            files: vec![
                ("a.txt".to_string(), "A ${x}".to_string()),
                ("b.txt".to_string(), "B".to_string()),
            ],
        });
        if single {
            c.files.push(FilesDecl {
                source: s("appsettings.json".to_string()),
                target: s("/app/appsettings.json".to_string()),
                folder: false,
                files: vec![("appsettings.json".to_string(), "{}".to_string())],
            });
        }
    }
    model(Vec::new(), vec![api])
}

#[test]
fn a_folder_of_files_is_written_by_an_init_container_and_mounted_read_only() {
    let text = main_tf(&with_files(false));
    assert!(
        text.contains("# Its folders of `files` are written by the init container `api-files`")
    );
    assert!(text.contains("name      = \"api-files\""), "{text}");
    assert!(
        text.contains(
            "\"mkdir -p /files/0 && printf '%s' \\\"$ASPIREC_FILE_0\\\" > /files/0/a.txt"
        ),
        "{text}"
    );
    // The contents are escaped once, as every value.
    assert!(text.contains("value = \"A $${x}\""), "{text}");
    assert!(
        text.contains("containerPath = \"/app/templates\"\n          readOnly      = true"),
        "{text}"
    );
    assert!(
        text.contains("containerName = \"api-files\"\n          condition     = \"SUCCESS\""),
        "{text}"
    );
    assert!(
        text.contains("volume {\n    name = \"files-0\"\n  }"),
        "{text}"
    );
}

#[test]
fn a_single_file_is_reported_and_left_out_only_when_allowed() {
    let (artifacts, diags) = publish(&PUBLISHER, &with_files(true), false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0702"]);
    let (artifacts, diags) = publish(&PUBLISHER, &with_files(true), true);
    assert_eq!(codes(&diags), ["W0701"]);
    let text = file(&artifacts.expect("artifacts"), "main.tf").to_string();
    assert!(!text.contains("appsettings"), "{text}");
    assert!(text.contains("/app/templates"));
}

#[test]
fn a_job_reaches_services_by_their_cloud_map_dns_names() {
    let api = app("api", &[], vec![endpoint("http", 8080, false)], &[]);
    let mut report = job("report", None);
    if let ResourceKindDecl::Compute(c) = &mut report.kind {
        c.env = vec![env("API", template("{api.bindings.http.url}"))];
    }
    let web = app(
        "web",
        &[("API", "{api.bindings.http.url}")],
        Vec::new(),
        &[],
    );
    let text = main_tf(&model(Vec::new(), vec![api, report, web]));
    // The job: the DNS name and the container's port; the service: the Service Connect alias.
    assert!(
        text.contains("value = \"http://api.shop.internal:8080\""),
        "{text}"
    );
    assert!(text.contains("value = \"http://api:8080\""), "{text}");
    assert!(text.contains("resource \"aws_service_discovery_service\" \"api\""));
    assert!(text.contains("registry_arn = aws_service_discovery_service.api.arn"));
    // Without a job, no service is registered twice.
    let alone = main_tf(&model(
        Vec::new(),
        vec![app("api", &[], vec![endpoint("http", 8080, false)], &[])],
    ));
    assert!(!alone.contains("aws_service_discovery_service"), "{alone}");
}
