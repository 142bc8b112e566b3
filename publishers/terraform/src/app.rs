//! One `azurerm_container_app` per app of the plan: image, command, env and secrets,
//! ingress, probes, scale and volumes, then the azapi patch of its additional ports (which
//! azurerm cannot set), if it has any. A job is an `azurerm_container_app_job` of the same
//! container, with its trigger (manual or on a schedule) instead of ingress and scale.

use aspirec_azure::Plan;
use aspirec_azure::databases::{
    INIT_IMAGE, INIT_MOUNT, INITDB_DIR, InitDatabases, SCRIPT_VARIABLE,
};
use aspirec_azure::files::{FILES_MOUNT, InitFiles};
use aspirec_azure::ingress::{MainIngress, PortMapping};
use aspirec_azure::plan::{
    App, AppImage, CPU_SCALE_RULE, JOB_REPLICA_TIMEOUT, JOB_RETRY_LIMIT, Probe, Trigger,
};
use aspirec_azure::probes::Check;
use aspirec_azure::values::{AppValues, EnvValue, SecretValue};

use crate::emit::{TfWriter, opt};
use crate::expr::{Inline, Raw, Ref, Template, Text};
use crate::shared::{ENVIRONMENT_ID, IDENTITY_ID, LOCATION, RESOURCE_GROUP_NAME};
use crate::value::{self, Params};

/// The API version used to set what azurerm cannot (additional port mappings).
const CONTAINER_APPS_API: &str = "Microsoft.App/containerApps@2024-03-01";

/// One app of the plan and what its values refer to.
pub(crate) struct Printed<'a> {
    pub(crate) plan: &'a Plan<'a>,
    pub(crate) params: &'a Params,
    pub(crate) app: &'a App<'a>,
    /// Its arguments, environment and secrets, rendered.
    pub(crate) values: &'a AppValues<'a>,
}

/// Writes the app (with a comment when something about it needs saying), then the azapi
/// patch of its additional ports if it has any. Returns whether it wrote a patch. `text` is
/// room for one value, reused.
pub(crate) fn write(w: &mut TfWriter, printed: &Printed<'_>, text: &mut Template) -> bool {
    let Printed {
        plan,
        params,
        app,
        values,
    } = *printed;
    let notes: Vec<String> = app.notes.iter().map(|n| n.text()).collect();
    w.comment(&notes);
    match app.job {
        None => {
            w.resource("azurerm_container_app", &app.label);
            w.attrs(&[
                ("name", &app.name),
                ("container_app_environment_id", &ENVIRONMENT_ID),
                ("resource_group_name", &RESOURCE_GROUP_NAME),
                ("revision_mode", &"Single"),
            ]);
        }
        Some(trigger) => {
            w.resource("azurerm_container_app_job", &app.label);
            w.attrs(&[
                ("name", &app.name),
                ("location", &LOCATION),
                ("container_app_environment_id", &ENVIRONMENT_ID),
                ("resource_group_name", &RESOURCE_GROUP_NAME),
                ("replica_timeout_in_seconds", &JOB_REPLICA_TIMEOUT),
                ("replica_retry_limit", &JOB_RETRY_LIMIT),
            ]);
            match trigger {
                Trigger::Manual => w.block("manual_trigger_config", &[]),
                Trigger::Schedule(schedule) => {
                    w.block("schedule_trigger_config", &[]);
                    w.attr("cron_expression", Text(schedule));
                }
            }
            w.attrs(&[("parallelism", &1u32), ("replica_completion_count", &1u32)]);
            w.end();
        }
    }
    w.block("identity", &[]);
    w.attr("type", "UserAssigned");
    w.array("identity_ids", [IDENTITY_ID]);
    w.end();
    for secret in &values.secrets {
        // Key Vault references come only from Bicep modules, which Terraform does not deploy
        // (what it reads from them is a deploy-time parameter): the plan never gives them.
        let SecretValue::Text(range) = &secret.value else {
            continue;
        };
        value::write(plan, params, values.chunks(range), text);
        w.block("secret", &[]);
        w.attrs(&[("name", &secret.name), ("value", &*text)]);
        w.end();
    }
    if let Some(registry) = &values.registry {
        value::write(plan, params, values.chunks(&registry.username), text);
        let secret = values
            .secrets
            .get(registry.password)
            .map_or("", |s| s.name.as_str());
        w.block("registry", &[]);
        w.attrs(&[
            ("server", &registry.server),
            ("username", &*text),
            ("password_secret_name", &secret),
        ]);
        w.end();
    }
    if let Some(main) = &app.ingress.main {
        ingress(w, main);
    }
    w.block("template", &[]);
    if app.job.is_none() {
        w.attr("min_replicas", app.scale.0);
        w.attr("max_replicas", app.scale.1);
    }
    if let Some(target) = app.cpu_target {
        w.block("custom_scale_rule", &[]);
        w.attrs(&[("name", &CPU_SCALE_RULE), ("custom_rule_type", &"cpu")]);
        w.object("metadata");
        w.attrs(&[("type", &"Utilization"), ("value", &target.to_string())]);
        w.end();
        w.end();
    }
    if let Some(init) = &app.init {
        init_container(w, init);
    }
    if let Some(files) = &app.files {
        files_container(w, files);
    }
    container(w, printed, text);
    for &share in &app.volumes {
        let Some(share) = plan.shares.get(share) else {
            continue;
        };
        w.block("volume", &[]);
        let storage = Ref(
            "azurerm_container_app_environment_storage",
            [&share.label, "name"],
        );
        w.attrs(&[
            ("name", &share.name),
            ("storage_name", &storage),
            ("storage_type", &"AzureFile"),
        ]);
        w.end();
    }
    if let Some(init) = &app.init {
        w.block("volume", &[]);
        w.attrs(&[("name", &init.volume), ("storage_type", &"EmptyDir")]);
        w.end();
    }
    if let Some(files) = &app.files {
        w.block("volume", &[]);
        w.attrs(&[("name", &files.volume), ("storage_type", &"EmptyDir")]);
        w.end();
    }
    w.end();
    w.end();

    custom_domains(w, app);
    if app.ingress.additional.is_empty() {
        return false;
    }
    port_mappings(w, &app.label, &app.ingress.additional);
    true
}

/// The app's one container.
fn container(w: &mut TfWriter, printed: &Printed<'_>, text: &mut Template) {
    let (plan, params, app, values) = (printed.plan, printed.params, printed.app, printed.values);
    w.block("container", &[]);
    let pulled;
    let mut built = Template::default();
    let image: &dyn Inline = match app.image {
        AppImage::Pull(reference) => {
            pulled = Text(reference);
            &pulled
        }
        AppImage::Built { repository } => {
            built
                .text(repository)
                .text(":")
                .expr(&Ref("var", ["image_tag"]));
            &built
        }
    };
    w.attrs(&[
        ("name", &app.name),
        ("image", image),
        ("cpu", &Raw(app.size.cores_text())),
        ("memory", &app.size.memory),
    ]);
    if !app.workload.entrypoint.is_empty() {
        w.array("command", app.workload.entrypoint.iter().map(|c| Text(c)));
    }
    if !values.args.is_empty() {
        let args: Vec<Template> = values
            .args
            .iter()
            .map(|arg| {
                let mut text = Template::default();
                value::write(plan, params, values.chunks(arg), &mut text);
                text
            })
            .collect();
        w.array("args", args.iter());
    }
    for var in &values.env {
        w.block("env", &[]);
        match &var.value {
            EnvValue::Secret(secret) => {
                let name = values.secrets.get(*secret).map_or("", |s| s.name.as_str());
                w.attrs(&[("name", &var.name), ("secret_name", &name)]);
            }
            EnvValue::Plain(range) => {
                value::write(plan, params, values.chunks(range), text);
                w.attrs(&[("name", &var.name), ("value", &*text)]);
            }
        }
        w.end();
    }
    if let Some(probe) = &app.probe {
        for kind in ["liveness_probe", "readiness_probe"] {
            write_probe(w, probe, kind);
        }
    }
    for &(volume, path) in &app.mounts {
        let Some(share) = app.volumes.get(volume).and_then(|&s| plan.shares.get(s)) else {
            continue;
        };
        w.block("volume_mounts", &[]);
        w.attrs(&[("name", &share.name), ("path", &path)]);
        w.end();
    }
    if let Some(init) = &app.init {
        w.block("volume_mounts", &[]);
        w.attrs(&[("name", &init.volume), ("path", &INITDB_DIR)]);
        w.end();
    }
    if let Some(files) = &app.files {
        for (path, sub_path) in &files.mounts {
            w.block("volume_mounts", &[]);
            w.attrs(&[
                ("name", &files.volume),
                ("path", &Text(path)),
                ("sub_path", &Text(sub_path)),
            ]);
            w.end();
        }
    }
    w.end();
}

/// The init container that writes the workload's `files` into their volume.
fn files_container(w: &mut TfWriter, files: &InitFiles) {
    w.block("init_container", &[]);
    w.attrs(&[
        ("name", &files.container),
        ("image", &files.image),
        ("cpu", &Raw(files.size.cores_text())),
        ("memory", &files.size.memory),
    ]);
    w.array("command", ["/bin/sh", "-c"]);
    w.array("args", [Text(&files.command)]);
    for (name, content) in &files.variables {
        w.block("env", &[]);
        w.attrs(&[("name", name), ("value", &Text(content))]);
        w.end();
    }
    w.block("volume_mounts", &[]);
    w.attrs(&[("name", &files.volume), ("path", &FILES_MOUNT)]);
    w.end();
    w.end();
}

/// The init container that writes the database creation script where the server's image
/// runs it.
fn init_container(w: &mut TfWriter, init: &InitDatabases) {
    w.block("init_container", &[]);
    w.attrs(&[
        ("name", &init.container),
        ("image", &INIT_IMAGE),
        ("cpu", &Raw(init.size.cores_text())),
        ("memory", &init.size.memory),
    ]);
    w.array("command", ["/bin/sh", "-c"]);
    w.array("args", [Text(&init.command)]);
    w.block("env", &[]);
    w.attrs(&[("name", &SCRIPT_VARIABLE), ("value", &Text(&init.script))]);
    w.end();
    w.block("volume_mounts", &[]);
    w.attrs(&[("name", &init.volume), ("path", &INIT_MOUNT)]);
    w.end();
    w.end();
}

fn ingress(w: &mut TfWriter, main: &MainIngress) {
    w.block("ingress", &[]);
    w.attrs_opt(&[
        ("external_enabled", Some(&main.external)),
        ("target_port", Some(&main.target_port)),
        ("exposed_port", opt(main.exposed_port.as_ref())),
        ("transport", Some(&main.transport.as_str())),
    ]);
    w.block("traffic_weight", &[]);
    w.attrs(&[("latest_revision", &true), ("percentage", &100u32)]);
    w.end();
    w.end();
}

/// azurerm 4.x cannot set additional port mappings, so an azapi patch of the app adds them.
/// An `azurerm_container_app_custom_domain` per host of the app's external ingress, bound by
/// SNI to the named certificate of the environment; one without a certificate ignores later
/// changes of its binding, so that one made outside Terraform (`az containerapp hostname
/// bind`, a managed certificate) stays.
fn custom_domains(w: &mut TfWriter, app: &App<'_>) {
    for (index, domain) in app.domains.iter().enumerate() {
        w.resource(
            "azurerm_container_app_custom_domain",
            &format!("{}_domain{}", app.label, index + 1),
        );
        w.attrs(&[
            ("name", &domain.host),
            (
                "container_app_id",
                &Ref("azurerm_container_app", [&app.label, "id"]),
            ),
        ]);
        match domain.certificate {
            Some(certificate) => {
                let mut id = Template::default();
                id.expr(&ENVIRONMENT_ID)
                    .text("/certificates/")
                    .text(certificate);
                w.attrs(&[
                    ("container_app_environment_certificate_id", &id),
                    ("certificate_binding_type", &"SniEnabled"),
                ]);
            }
            None => {
                w.block("lifecycle", &[]);
                w.array(
                    "ignore_changes",
                    [
                        Raw("certificate_binding_type"),
                        Raw("container_app_environment_certificate_id"),
                    ],
                );
                w.end();
            }
        }
        w.end();
    }
}

fn port_mappings(w: &mut TfWriter, label: &str, mappings: &[PortMapping]) {
    w.resource("azapi_update_resource", &format!("{label}_ports"));
    w.attr("type", CONTAINER_APPS_API);
    w.attr("resource_id", Ref("azurerm_container_app", [label, "id"]));
    w.object("body");
    w.object("properties");
    w.object("configuration");
    w.object("ingress");
    w.object_array("additionalPortMappings");
    for mapping in mappings {
        w.object_item();
        w.attrs(&[
            ("external", &false),
            ("targetPort", &mapping.target_port),
            ("exposedPort", &mapping.exposed_port),
        ]);
        w.end();
    }
    for _ in 0..6 {
        // The array, `ingress`, `configuration`, `properties`, `body` and the resource.
        w.end();
    }
}

/// A `liveness_probe` or `readiness_probe` block.
fn write_probe(w: &mut TfWriter, probe: &Probe<'_>, kind: &'static str) {
    let (transport, port, path) = match probe.check {
        Check::Http { path, port, https } => {
            (if https { "HTTPS" } else { "HTTP" }, port, Some(path))
        }
        Check::Tcp { port } => ("TCP", port, None),
    };
    let timing = &probe.timing;
    w.block(kind, &[]);
    w.attrs_opt(&[
        ("transport", Some(&transport)),
        ("port", Some(&port)),
        ("path", opt(path.as_ref())),
        ("initial_delay", opt(timing.initial_delay.as_ref())),
        ("interval_seconds", opt(timing.period.as_ref())),
        ("timeout", opt(timing.timeout.as_ref())),
        (
            "failure_count_threshold",
            opt(timing.failure_threshold.as_ref()),
        ),
    ]);
    w.end();
}
