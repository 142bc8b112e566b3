//! One workload's blocks: its service account; a Secret Manager secret for each environment
//! variable that carries a secret (its version composed at deploy time from the variables and
//! attributes it is made of), readable by that account only; the Cloud Run service (or job)
//! with its container, the files' init container, probes and scaling; and who may invoke it
//! (everyone, for an external endpoint).

use aspirec_azure::databases::INIT_IMAGE;
use aspirec_azure::files::FILES_MOUNT;
use aspirec_azure::names::UniqueNames;
use aspirec_azure::plan::AppImage;
use aspirec_hcl::{Raw, Ref, Template, Text, TfWriter};

use crate::plan::{Egress, Plan, Run};
use crate::sizing::Size;
use crate::values::Values;

/// The port the files' init container answers its startup probe on, once the files are
/// written: the app's container starts only then (`depends_on`).
pub const FILES_READY_PORT: u16 = 8079;

/// An environment variable of the container: plain, or a secret's label.
enum Env {
    Plain(String, Template),
    Secret(String, String),
}

/// Writes the blocks of `run`.
pub fn write(w: &mut TfWriter, plan: &Plan<'_>, values: &mut Values<'_, '_>, run: &Run<'_>) {
    let model = plan.model;
    let workload = run.workload;
    let label = run.label.as_str();
    w.resource("google_service_account", label);
    w.attr("account_id", run.account.as_str());
    w.attr(
        "display_name",
        format!("{} ({})", run.resource.name, model.name()),
    );
    w.array("depends_on", [Raw("google_project_service.iam")]);
    w.end();

    // The environment first: secrets become blocks of their own before the service.
    let mut env = Vec::with_capacity(workload.env.len());
    let mut secret_labels = UniqueNames::default();
    let mut secret_ids = UniqueNames::default();
    let mut members = Vec::new();
    for var in &workload.env {
        if model.is_plaintext_https_discovery(var) {
            continue;
        }
        // Cloud Run sets PORT itself, to the served container port, and refuses it in `env`.
        if var.name == "PORT" {
            continue;
        }
        // The exporters' variables point at the dashboard, which Cloud Run does not run.
        if var.origin == ir::EnvOrigin::Telemetry && plan.dashboard_left_out() {
            continue;
        }
        let mut value = Template::default();
        if values.write(&var.value, &mut value) {
            let secret = secret_labels
                .claim(&format!("{label}_{}", var.name.to_ascii_lowercase()), 200)
                .replace('-', "_");
            w.resource("google_secret_manager_secret", &secret);
            w.attr(
                "secret_id",
                secret_ids.claim(&secret_id(run, &var.name), 255),
            );
            w.block("replication", &[]);
            w.block("auto", &[]);
            w.end();
            w.end();
            w.array("depends_on", [Raw("google_project_service.secretmanager")]);
            w.end();
            w.resource("google_secret_manager_secret_version", &secret);
            w.attr(
                "secret",
                Ref("google_secret_manager_secret", [&secret, "id"]),
            );
            w.attr("secret_data", &value);
            w.end();
            w.resource("google_secret_manager_secret_iam_member", &secret);
            w.attr(
                "secret_id",
                Ref("google_secret_manager_secret", [&secret, "id"]),
            );
            w.attr("role", "roles/secretmanager.secretAccessor");
            w.attr("member", member(label));
            w.end();
            members.push(aspirec_hcl::to_text(&Ref(
                "google_secret_manager_secret_iam_member",
                [&secret],
            )));
            env.push(Env::Secret(var.name.clone(), secret));
        } else {
            env.push(Env::Plain(var.name.clone(), value));
        }
    }
    let mut args = Vec::with_capacity(workload.args.len());
    for arg in &workload.args {
        let mut value = Template::default();
        if !values.write(arg, &mut value) {
            args.push(value);
        }
    }

    w.comment(&notes(plan, run));
    if run.job.is_some() {
        w.resource("google_cloud_run_v2_job", label);
    } else {
        w.resource("google_cloud_run_v2_service", label);
    }
    w.attr("name", run.name.as_str());
    w.attr("location", Ref("var", ["region"]));
    w.attr("deletion_protection", false);
    if run.job.is_some() {
        w.block("template", &[]);
        w.block("template", &[]);
        w.attr("max_retries", aspirec_azure::plan::JOB_RETRY_LIMIT);
    } else {
        w.attr(
            "ingress",
            if run.public {
                "INGRESS_TRAFFIC_ALL"
            } else {
                "INGRESS_TRAFFIC_INTERNAL_ONLY"
            },
        );
        if !run.public {
            // Reachable from the VPC only, which is its protection, as a cluster-internal
            // service on Kubernetes: callers send no identity token.
            w.attr("invoker_iam_disabled", true);
        }
        w.block("template", &[]);
    }
    w.attr(
        "service_account",
        Ref("google_service_account", [label, "email"]),
    );
    if run.job.is_none() {
        if run.instance().fractional() {
            // Below one CPU, Cloud Run serves one request at a time per instance, in the first
            // generation execution environment only ("Configure CPU limits for services").
            w.attr("execution_environment", "EXECUTION_ENVIRONMENT_GEN1");
            w.attr("max_instance_request_concurrency", 1u32);
        }
        w.block("scaling", &[]);
        w.attr("min_instance_count", run.scale.0);
        w.attr("max_instance_count", run.scale.1);
        w.end();
    }
    let egress = plan.egress(run);
    if egress != Egress::None {
        w.block("vpc_access", &[]);
        w.attr(
            "egress",
            match egress {
                Egress::AllTraffic => "ALL_TRAFFIC",
                Egress::PrivateRanges | Egress::None => "PRIVATE_RANGES_ONLY",
            },
        );
        w.block("network_interfaces", &[]);
        w.attr("network", Raw("google_compute_network.main.id"));
        w.attr("subnetwork", Raw("google_compute_subnetwork.main.id"));
        w.end();
        w.end();
    }
    if let Some(files) = &run.files {
        files_container(w, files, run.files_size, run.instance().fractional());
    }
    w.block("containers", &[]);
    w.attr("name", run.container.as_str());
    match run.image {
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
    if !workload.entrypoint.is_empty() {
        w.array("command", workload.entrypoint.iter().map(|e| Text(e)));
    }
    if !args.is_empty() {
        w.array("args", args.iter());
    }
    if let Some(files) = &run.files {
        w.array("depends_on", [files.container.as_str()]);
    }
    if let Some(endpoint) = run.port.and_then(|p| workload.endpoints.get(p)) {
        w.block("ports", &[]);
        let http2 = endpoint.transport == ir::Transport::Http2;
        w.attr("name", if http2 { "h2c" } else { "http1" });
        w.attr("container_port", endpoint.target_port);
        w.end();
    }
    w.block("resources", &[]);
    w.object("limits");
    w.attr("cpu", run.size.cpu_text().as_str());
    w.attr("memory", run.size.memory_text().as_str());
    w.end();
    if run.instance().fractional() && run.job.is_none() {
        // Below one CPU, Cloud Run allocates CPU only while a request is served.
        w.attr("cpu_idle", true);
    }
    w.end();
    for e in &env {
        w.block("env", &[]);
        match e {
            Env::Plain(name, value) => {
                w.attr("name", Text(name));
                w.attr("value", value);
            }
            Env::Secret(name, secret) => {
                w.attr("name", Text(name));
                w.block("value_source", &[]);
                w.block("secret_key_ref", &[]);
                w.attr(
                    "secret",
                    Ref("google_secret_manager_secret", [secret, "secret_id"]),
                );
                w.attr("version", "latest");
                w.end();
                w.end();
            }
        }
        w.end();
    }
    if let Some((path, port, timing)) = run.probe {
        if run.job.is_none() {
            for kind in ["startup_probe", "liveness_probe"] {
                w.block(kind, &[]);
                w.attr("initial_delay_seconds", timing.initial_delay.unwrap_or(0));
                let period = timing.period.unwrap_or(10);
                w.attr("period_seconds", period);
                w.attr("timeout_seconds", timing.timeout.unwrap_or(1).min(period));
                w.attr("failure_threshold", timing.failure_threshold.unwrap_or(3));
                w.block("http_get", &[]);
                w.attr("path", Text(path));
                w.attr("port", port);
                w.end();
                w.end();
            }
        }
    }
    for (volume, target) in run.files.iter().flat_map(|f| &f.mounts) {
        w.block("volume_mounts", &[]);
        w.attr("name", volume.as_str());
        w.attr("mount_path", Text(target));
        w.end();
    }
    w.end();
    for (volume, _) in run.files.iter().flat_map(|f| &f.mounts) {
        w.block("volumes", &[]);
        w.attr("name", volume.as_str());
        w.block("empty_dir", &[]);
        w.attr("medium", "MEMORY");
        w.end();
        w.end();
    }
    w.end();
    if run.job.is_some() {
        w.end();
    }
    // The API first; and the service account reads its secrets before the first revision
    // starts.
    w.array(
        "depends_on",
        std::iter::once("google_project_service.run")
            .chain(members.iter().map(String::as_str))
            .map(Raw),
    );
    w.end();

    if run.public && run.job.is_none() {
        w.resource(
            "google_cloud_run_v2_service_iam_member",
            &format!("{label}_public"),
        );
        w.attr("name", Ref("google_cloud_run_v2_service", [label, "name"]));
        w.attr(
            "location",
            Ref("google_cloud_run_v2_service", [label, "location"]),
        );
        w.attr("role", "roles/run.invoker");
        w.attr("member", "allUsers");
        w.end();
    }
    if let Some(ingress) = run.ingress {
        domain_mappings(w, run, ingress);
    }
}

/// A `google_cloud_run_domain_mapping` per host of the served endpoint's `ingress`, with notes:
/// the DNS records to create, the certificate Cloud Run provisions itself (so the model's TLS
/// secret or issuer is not used) and a Kubernetes Ingress class that does not apply.
fn domain_mappings(w: &mut TfWriter, run: &Run<'_>, ingress: &ir::Ingress) {
    let label = run.label.as_str();
    let mut notes = Vec::new();
    if !ingress.hosts.is_empty() {
        notes.push(format!(
            "`{}` is also served at {}: point each host's DNS at Cloud Run (the records are in the mapping's `status.resource_records`); Cloud Run provisions and renews a managed certificate for each host.",
            run.resource.name,
            ingress
                .hosts
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match &ingress.tls {
        Some(ir::Tls::Secret(secret)) => notes.push(format!(
            "The TLS secret `{secret}` is not used: Cloud Run serves these hosts with its own managed certificates."
        )),
        Some(ir::Tls::Issuer(issuer)) => notes.push(format!(
            "The certificate issuer `{issuer}` is not used: Cloud Run serves these hosts with its own managed certificates."
        )),
        None => {}
    }
    if let Some(class) = &ingress.class {
        notes.push(format!(
            "The Ingress class `{class}` is for Kubernetes: a Cloud Run service has no Ingress."
        ));
    }
    if !notes.is_empty() {
        w.comment(&notes);
    }
    for host in &ingress.hosts {
        w.resource(
            "google_cloud_run_domain_mapping",
            &format!("{label}_{}", aspirec_azure::names::label(host)),
        );
        w.attr("location", Ref("var", ["region"]));
        w.attr("name", host.as_str());
        w.block("metadata", &[]);
        w.attr("namespace", Ref("var", ["project"]));
        w.end();
        w.block("spec", &[]);
        w.attr(
            "route_name",
            Ref("google_cloud_run_v2_service", [label, "name"]),
        );
        w.end();
        w.end();
    }
}

/// The Secret Manager id of `run`'s variable `var`: `<service>-<VAR>`, every character
/// outside `[A-Za-z0-9_-]` (which Secret Manager refuses) as `-`.
fn secret_id(run: &Run<'_>, var: &str) -> String {
    let var: String = var
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-{var}", run.name)
}

/// `serviceAccount:<email>` of the service account `label`.
fn member(label: &str) -> Template {
    let mut member = Template::default();
    member
        .text("serviceAccount:")
        .expr(&Ref("google_service_account", [label, "email"]));
    member
}

/// The init container of the folders of `files`: busybox writes them into in-memory volumes,
/// then answers on [`FILES_READY_PORT`], which its startup probe waits for; the app's
/// container depends on it, so it starts only once the files are there.
fn files_container(
    w: &mut TfWriter,
    files: &aspirec_azure::files::Folders<'_>,
    size: Size,
    fractional: bool,
) {
    w.block("containers", &[]);
    w.attr("name", files.container.as_str());
    w.attr("image", INIT_IMAGE);
    let command = format!(
        "{} && exec httpd -f -p {FILES_READY_PORT} -h /tmp",
        files.command
    );
    w.array("command", ["/bin/sh", "-c", command.as_str()]);
    w.block("resources", &[]);
    w.object("limits");
    w.attr("cpu", size.cpu_text().as_str());
    w.attr("memory", size.memory_text().as_str());
    w.end();
    if fractional {
        w.attr("cpu_idle", true);
    }
    w.end();
    for (variable, value) in &files.variables {
        w.block("env", &[]);
        w.attr("name", variable.as_str());
        w.attr("value", Text(value));
        w.end();
    }
    w.block("startup_probe", &[]);
    w.attr("period_seconds", 1u32);
    w.attr("failure_threshold", 30u32);
    w.block("tcp_socket", &[]);
    w.attr("port", FILES_READY_PORT);
    w.end();
    w.end();
    for (index, (volume, _)) in files.mounts.iter().enumerate() {
        w.block("volume_mounts", &[]);
        w.attr("name", volume.as_str());
        w.attr("mount_path", format!("{FILES_MOUNT}/{index}").as_str());
        w.end();
    }
    w.end();
}

/// The notes above a service or job: how a job starts, scaling Cloud Run does itself, and
/// the `wait_for` Cloud Run cannot enforce.
fn notes(plan: &Plan<'_>, run: &Run<'_>) -> Vec<String> {
    let model = plan.model;
    let name = &run.resource.name;
    let mut notes = Vec::new();
    if run.job.is_some() {
        notes.push(format!(
            "`{name}` runs to completion as a Cloud Run job: deploying does not run it; start it with the command in the output `{}`.",
            execute_output(run)
        ));
    } else if run.port.is_none() {
        notes.push(format!(
            "`{name}` declares no HTTP endpoint, but a Cloud Run service must listen on $PORT (8080) to start."
        ));
    }
    if let Some(cpu) = run.cpu_target {
        notes.push(format!(
            "Autoscales from {} to {} instances; Cloud Run scales on requests and CPU by itself, so the model's CPU target ({cpu}%) has no setting here.",
            run.scale.0, run.scale.1
        ));
    }
    if let Some(files) = &run.files {
        notes.push(format!(
            "Its folders of `files` are written by the container `{}` into in-memory volumes before `{}` starts.",
            files.container, run.container
        ));
    }
    if !run.workload.wait_for.is_empty() {
        let waits: Vec<String> = run
            .workload
            .wait_for
            .iter()
            .map(|wait| format!("`{}`", model.resource(wait.target).name))
            .collect();
        notes.push(format!(
            "`{name}` waits for {} (`wait_for`), which is not enforced: Cloud Run starts services in no order.",
            waits.join(", ")
        ));
    }
    notes
}

/// The output holding the `gcloud run jobs execute` command of a job.
pub fn execute_output(run: &Run<'_>) -> String {
    format!("{}_execute", run.label)
}

/// The `gcloud run jobs execute` command that runs job `run` once.
pub fn execute_command(run: &Run<'_>) -> Template {
    let mut command = Template::default();
    command
        .text("gcloud run jobs execute ")
        .expr(&Ref("google_cloud_run_v2_job", [&run.label, "name"]))
        .text(" --region ")
        .expr(&Ref("var", ["region"]))
        .text(" --project ")
        .expr(&Ref("var", ["project"]))
        .text(" --wait");
    command
}
