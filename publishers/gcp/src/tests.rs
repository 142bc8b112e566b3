//! End-to-end tests of the terraform-gcp target on models built in Rust: the plan's decisions
//! (ingress, egress, managed servers, what Cloud Run cannot run), secrets out of the text,
//! Cloud Run addresses, and the output parsing back.

use ir::IntegrationKind;
use ir::model::*;
use ir::testing::*;

use crate::PUBLISHER;

fn http(name: &str, port: i64, external: bool) -> EndpointDecl {
    EndpointDecl {
        scheme: Some(s("http".to_string())),
        ..endpoint(name, port, external)
    }
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
                vec![http("http", 8080, false)],
                &["orders", "cache"],
            ),
            app(
                "web",
                &[("API", "{api.bindings.http.url}")],
                vec![http("http", 3000, true)],
                &["api"],
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
fn secrets_are_secret_manager_references_readable_by_the_app_only() {
    let text = main_tf(&shop());
    assert!(!text.contains("s3cr3t-literal"));
    assert!(text.contains("secret_data = var.token"), "{text}");
    assert!(text.contains("secret  = google_secret_manager_secret.api_token.secret_id"));
    assert!(text.contains("member    = \"serviceAccount:${google_service_account.api.email}\""));
    // The service waits for its access to the secret.
    assert!(
        text.contains("    google_secret_manager_secret_iam_member.api_token"),
        "{text}"
    );
    assert!(text.contains("value = \"a $${b}\""), "{text}");
}

#[test]
fn ingress_and_egress_follow_who_reaches_whom() {
    let text = main_tf(&shop());
    let service = |name: &str| {
        let start = text
            .find(&format!(
                "resource \"google_cloud_run_v2_service\" \"{name}\""
            ))
            .unwrap();
        let end = text[start..].find("\n}\n").unwrap();
        text[start..start + end].to_string()
    };
    let (api, web) = (service("api"), service("web"));
    // The API is internal: reachable from the VPC only, without an identity token.
    assert!(api.contains("ingress              = \"INGRESS_TRAFFIC_INTERNAL_ONLY\""));
    assert!(api.contains("invoker_iam_disabled = true"));
    // It reaches the managed servers' private addresses only.
    assert!(api.contains("egress = \"PRIVATE_RANGES_ONLY\""), "{api}");
    // The public web reaches the internal API, so all its traffic goes through the VPC.
    assert!(web.contains("ingress             = \"INGRESS_TRAFFIC_ALL\""));
    assert!(web.contains("egress = \"ALL_TRAFFIC\""), "{web}");
    assert!(text.contains("resource \"google_cloud_run_v2_service_iam_member\" \"web_public\""));
    assert!(text.contains("member   = \"allUsers\""));
    // Cloud Run's own URL of the API, from the project's number: no reference to its `uri`.
    assert!(
        web.contains(
            "value = \"https://shop-api-${data.google_project.main.number}.${var.region}.run.app\""
        ),
        "{web}"
    );
}

#[test]
fn managed_servers_are_cloud_sql_and_memorystore_on_private_addresses() {
    let text = main_tf(&shop());
    assert!(text.contains("resource \"google_sql_database_instance\" \"pg\""));
    assert!(text.contains("resource \"google_sql_database\" \"pg_orders\""));
    assert!(text.contains("resource \"google_service_networking_connection\" \"main\""));
    assert!(text.contains(
        "\"Host=${google_sql_database_instance.pg.private_ip_address};Port=5432;Username=pgadmin;Password=${local.pg_password};Ssl Mode=Require;Database=orders\""
    ), "{text}");
    // Memorystore's own AUTH string and port, in a secret only.
    assert!(text.contains(
        "\"${google_redis_instance.cache.host}:${google_redis_instance.cache.port},password=${google_redis_instance.cache.auth_string},ssl=True,abortConnect=False\""
    ), "{text}");
    assert!(text.contains("auth_enabled            = true"), "{text}");
    assert!(!text.contains("value = google_redis_instance.cache.auth_string"));
    let (artifacts, _) = publish(&PUBLISHER, &shop(), false);
    let outputs = file(artifacts.as_ref().unwrap(), "outputs.tf").to_string();
    assert!(!outputs.contains("auth_string"), "{outputs}");
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
    assert!(outputs.contains("output \"web_url\""), "{outputs}");
}

#[test]
fn what_cloud_run_cannot_run_is_reported_at_the_resource() {
    let mut api = app(
        "api",
        &[],
        vec![http("http", 8080, true), http("admin", 9000, false)],
        &[],
    );
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.limits = LimitsDecl {
            cpu: Some(s("3".to_string())),
            memory: None,
        };
    }
    let raw = app("raw", &[], vec![endpoint("tcp", 5000, false)], &[]);
    // RabbitMQ has no managed service here: its container cannot run on Cloud Run.
    let db = hosted("db", integration(IntegrationKind::RabbitMq));
    let m = model(Vec::new(), vec![db, api, raw]);
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0702", "E0707", "E0704", "E0702"]);
    // With --allow-unsupported: the broker and the TCP-only container are left out, the
    // second port is not served; the size stays an error.
    let (_, diags) = publish(&PUBLISHER, &m, true);
    assert_eq!(codes(&diags), ["W0701", "E0707", "W0701", "W0701"]);
}

#[test]
fn postgres_and_redis_are_managed_unless_the_model_chooses_a_container() {
    let uses = app(
        "api",
        &[],
        vec![http("http", 8080, false)],
        &["orders", "cache"],
    );
    let mut pg = integration(IntegrationKind::Postgres);
    pg.databases = vec![s("orders".to_string())];
    // No `azure = { hosting }`: Cloud SQL and Memorystore, as if `managed` were written.
    let m = model(
        Vec::new(),
        vec![
            hosted("pg", pg.clone()),
            hosted("cache", integration(IntegrationKind::Redis)),
            uses.clone(),
        ],
    );
    let main = main_tf(&m);
    assert!(
        main.contains("resource \"google_sql_database_instance\" \"pg\""),
        "{main}"
    );
    assert!(main.contains("resource \"google_sql_database\" \"pg_orders\""));
    assert!(main.contains("resource \"google_redis_instance\" \"cache\""));
    assert!(
        !main.contains("library/postgres"),
        "no Postgres container: {main}"
    );

    // `hosting = "container"` is the model's choice, which Cloud Run cannot follow.
    let mut cache = integration(IntegrationKind::Redis);
    cache.azure_hosting = Some(s(AzureHosting::Container));
    let m = model(
        Vec::new(),
        vec![hosted("pg", pg), hosted("cache", cache), uses],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &m, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0702"]);
    let error = diags.iter().next().unwrap();
    assert!(
        error.message.contains("`cache` is hosted as a container"),
        "{}",
        error.message
    );
    assert!(
        error
            .help
            .as_deref()
            .unwrap_or("")
            .contains("Memorystore for Redis"),
        "{error:?}"
    );
}

#[test]
fn below_one_cpu_a_service_is_first_generation_with_one_request_at_a_time() {
    let mut api = app("api", &[], vec![http("http", 8080, true)], &[]);
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.limits = LimitsDecl {
            cpu: Some(s("250m".to_string())),
            memory: Some(s("256Mi".to_string())),
        };
    }
    let main = main_tf(&model(Vec::new(), vec![api]));
    assert!(
        main.contains("execution_environment            = \"EXECUTION_ENVIRONMENT_GEN1\""),
        "{main}"
    );
    assert!(
        main.contains("max_instance_request_concurrency = 1"),
        "{main}"
    );
    assert!(main.contains("cpu_idle = true"), "{main}");
    // One whole CPU: none of it.
    let api = app("api", &[], vec![http("http", 8080, true)], &[]);
    let main = main_tf(&model(Vec::new(), vec![api]));
    assert!(!main.contains("EXECUTION_ENVIRONMENT_GEN1"), "{main}");
    assert!(!main.contains("cpu_idle"), "{main}");
}

#[test]
fn the_second_port_is_left_unserved_with_allow_unsupported() {
    let api = app(
        "api",
        &[],
        vec![http("http", 8080, true), http("admin", 9000, false)],
        &[],
    );
    let (artifacts, diags) = publish(&PUBLISHER, &model(Vec::new(), vec![api]), true);
    assert_eq!(codes(&diags), ["W0701"]);
    let main = file(artifacts.as_ref().unwrap(), "main.tf").to_string();
    assert!(main.contains("container_port = 8080"), "{main}");
    assert!(!main.contains("9000"), "{main}");
}

/// A container that runs to completion, on `schedule` if given.
fn job(name: &str, schedule: Option<&str>) -> ResourceDecl {
    ir::testing::job(app(name, &[], Vec::new(), &[]), schedule)
}

#[test]
fn a_job_is_a_cloud_run_job_executed_by_hand_and_a_schedule_is_reported() {
    let (artifacts, diags) = publish(
        &PUBLISHER,
        &model(Vec::new(), vec![job("migrate", None)]),
        false,
    );
    assert!(codes(&diags).is_empty(), "{:?}", codes(&diags));
    let artifacts = artifacts.expect("artifacts");
    let main = file(&artifacts, "main.tf");
    assert!(main.contains("resource \"google_cloud_run_v2_job\" \"migrate\""));
    assert!(!main.contains("google_cloud_run_v2_service\""), "{main}");
    assert!(main.contains("max_retries     = 0"), "{main}");
    let outputs = file(&artifacts, "outputs.tf");
    assert!(
        outputs.contains(
            "gcloud run jobs execute ${google_cloud_run_v2_job.migrate.name} --region ${var.region}"
        ),
        "{outputs}"
    );
    // Cloud Scheduler is not written: the schedule is reported, the job kept with
    // --allow-unsupported.
    let scheduled = model(Vec::new(), vec![job("report", Some("0 3 * * *"))]);
    let (artifacts, diags) = publish(&PUBLISHER, &scheduled, false);
    assert!(artifacts.is_none());
    assert_eq!(codes(&diags), ["E0702"]);
    let (artifacts, diags) = publish(&PUBLISHER, &scheduled, true);
    assert_eq!(codes(&diags), ["W0701"]);
    assert!(file(artifacts.as_ref().unwrap(), "main.tf").contains("google_cloud_run_v2_job"));
}

#[test]
fn autoscale_sets_the_instance_range_and_notes_the_cpu_target() {
    let mut api = app("api", &[], vec![http("http", 8080, true)], &[]);
    if let ResourceKindDecl::Compute(c) = &mut api.kind {
        c.autoscale = Some(AutoscaleDecl {
            min: Some(s(2)),
            max: Some(s(10)),
            cpu: Some(s(70)),
            span: ir::Span::DETACHED,
        });
        c.limits = LimitsDecl {
            cpu: Some(s("1".to_string())),
            memory: None,
        };
    }
    let main = main_tf(&model(Vec::new(), vec![api]));
    assert!(main.contains("min_instance_count = 2"), "{main}");
    assert!(main.contains("max_instance_count = 10"), "{main}");
    assert!(
        main.contains("the model's CPU target (70%) has no setting here"),
        "{main}"
    );
}

#[test]
fn secret_ids_keep_to_what_secret_manager_accepts() {
    let m = model(
        vec![param("token", true, None)],
        vec![app(
            "api",
            &[
                ("Db.Password", "{token.value}"),
                ("Db:Password", "{token.value}"),
            ],
            vec![http("http", 8080, false)],
            &[],
        )],
    );
    let main = main_tf(&m);
    assert!(
        main.contains("secret_id = \"shop-api-Db-Password\""),
        "{main}"
    );
    assert!(
        main.contains("secret_id = \"shop-api-Db-Password-2\""),
        "{main}"
    );
}
