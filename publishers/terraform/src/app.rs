//! One `azurerm_container_app` per workload that runs as a container: image, command, env and
//! secrets, ingress, probes, scale and volumes, following `notes/azure.md` §4.

use std::ops::Range;

use aspirec_azure::ingress::{Ingress, MainIngress, PortMapping};
use aspirec_azure::names::{SECRET_NAME_MAX, UniqueNames};
use aspirec_azure::probes::{self, Check, Timing};
use aspirec_azure::{Reporter, Unsupported, sizing};
use ir::{Diagnostics, Health, Image, IntegrationKind, Resource, ResourceId, Role, Workload};

use crate::emit::{TfWriter, opt};
use crate::expr::{Inline, Raw, Ref, Template, Text};
use crate::names;
use crate::shared::{ENVIRONMENT_ID, IDENTITY_ID, RESOURCE_GROUP_NAME};
use crate::storage::{self, Share, Shares};
use crate::value::{Rendered, Renderer};

/// The API version used to set what azurerm cannot (additional port mappings).
const CONTAINER_APPS_API: &str = "Microsoft.App/containerApps@2024-03-01";

/// One workload that runs as a container app.
pub(crate) struct App<'m> {
    pub(crate) id: ResourceId,
    pub(crate) resource: &'m Resource,
    pub(crate) workload: &'m Workload,
    pub(crate) plan: &'m Ingress,
    pub(crate) shares: &'m Shares<'m>,
}

/// Writes the app of one workload (with a comment when something about it needs saying), then
/// the azapi patch of its additional ports if it has any. Returns whether it wrote a patch.
///
/// Everything that reports a diagnostic runs first, in the order the diagnostics have always
/// come in, because the app's secrets (found while rendering its environment) are written
/// before its container.
pub(crate) fn write<'m>(
    w: &mut TfWriter,
    renderer: &mut Renderer<'m>,
    scratch: &mut Scratch<'m>,
    app: App<'m>,
    reporter: &Reporter,
    diags: &mut Diagnostics,
) -> bool {
    let App {
        id,
        resource,
        workload,
        plan,
        shares,
    } = app;
    let names = renderer.names;
    let name = names.app(id);
    let label = names.label(id);
    for mount in &workload.bind_mounts {
        reporter.unsupported(resource, Unsupported::BindMount(mount), diags);
    }
    let container = Container::render(renderer, scratch, resource, workload, reporter, diags);

    w.comment(&comment(resource, workload));
    w.resource("azurerm_container_app", label);
    w.attrs(&[
        ("name", &name),
        ("container_app_environment_id", &ENVIRONMENT_ID),
        ("resource_group_name", &RESOURCE_GROUP_NAME),
        ("revision_mode", &"Single"),
    ]);
    w.block("identity", &[]);
    w.attr("type", "UserAssigned");
    w.array("identity_ids", [IDENTITY_ID]);
    w.end();
    for var in &scratch.env {
        if let Some(secret) = &var.secret {
            w.block("secret", &[]);
            w.attrs(&[
                ("name", &scratch.text(secret)),
                ("value", &Raw(scratch.text(&var.value))),
            ]);
            w.end();
        }
    }
    if let Some(main) = &plan.main {
        ingress(w, main);
    }
    let (min, max) = probes::scale(workload.replicas);
    w.block("template", &[]);
    w.attr("min_replicas", min);
    w.attr("max_replicas", max);
    container.write(w, scratch, name, workload, shares);
    for (share_name, share) in mounted_shares(workload, shares) {
        storage::volume(w, share_name, share);
    }
    w.end();
    w.end();

    if plan.additional.is_empty() {
        return false;
    }
    port_mappings(w, label, &plan.additional);
    true
}

/// What needs saying about a workload: how to supply a built image, and the limits of an
/// integration run as a container.
fn comment(resource: &Resource, workload: &Workload) -> Vec<String> {
    let mut comment = Vec::new();
    if let Image::Build(_) = &workload.image {
        comment.push(format!(
            "`{}` is built from source: push the image with the tag in `var.image_tag`.",
            resource.name
        ));
        comment.push(
            "A private registry needs a `registry` block (credentials are not part of the model)."
                .to_string(),
        );
    }
    if let Role::Integration(integration) = &workload.role {
        if !workload.volumes.is_empty() {
            comment.push(format!(
                "`{}` keeps its data on an Azure Files (SMB) share: {} may hit locking or permission problems there.",
                resource.name,
                integration.kind.type_name()
            ));
        }
        // MongoDB creates a database on first use; the others need it created.
        if !integration.databases.is_empty() && integration.kind != IntegrationKind::MongoDb {
            comment.push(
                "Its child databases are not created here: the app must create them on first use."
                    .to_string(),
            );
        }
    }
    comment
}

/// The rendered values of one app, reused from app to app: rendering allocates (almost)
/// nothing once it has seen the largest app.
#[derive(Default)]
pub(crate) struct Scratch<'m> {
    rendered: Rendered,
    /// The HCL text of the values below and the secrets' names, back to back.
    text: String,
    args: Vec<Range<usize>>,
    env: Vec<Env<'m>>,
}

/// One environment variable: its value, and the app secret that holds it when it carries one.
struct Env<'m> {
    name: &'m str,
    value: Range<usize>,
    secret: Option<Range<usize>>,
}

impl<'m> Scratch<'m> {
    fn clear(&mut self) {
        self.text.clear();
        self.args.clear();
        self.env.clear();
    }

    /// Renders `value` as HCL onto the text; whether it carries a secret.
    fn render(&mut self, renderer: &mut Renderer<'m>, value: &ir::Value) -> (Range<usize>, bool) {
        renderer.render_into(value, &mut self.rendered);
        let start = self.text.len();
        self.rendered.write_to(&mut self.text);
        (start..self.text.len(), self.rendered.secret)
    }

    fn push_text(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    fn text(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }
}

/// The probes of both kinds: transport, port, HTTP path and timings.
struct Probe<'m> {
    transport: &'static str,
    port: u16,
    path: Option<&'m str>,
    timing: Timing,
}

/// The container of an app, rendered (and its problems reported) before anything is written;
/// its arguments and environment are in the [`Scratch`].
struct Container<'m> {
    size: &'static sizing::Pair,
    probe: Option<Probe<'m>>,
}

impl<'m> Container<'m> {
    fn render(
        renderer: &mut Renderer<'m>,
        scratch: &mut Scratch<'m>,
        resource: &Resource,
        workload: &'m Workload,
        reporter: &Reporter,
        diags: &mut Diagnostics,
    ) -> Container<'m> {
        scratch.clear();
        // After E0703 the default pair keeps rendering going, so every other problem is
        // reported too; the output is discarded because of the error.
        let size = reporter
            .size(resource, &workload.limits, diags)
            .unwrap_or(sizing::DEFAULT);
        for arg in &workload.args {
            let (value, secret) = scratch.render(renderer, arg);
            if secret {
                reporter.unsupported(resource, Unsupported::SecretArgument, diags);
                continue;
            }
            scratch.args.push(value);
        }
        // A value that carries a secret goes into an app secret, which the variable names.
        let mut secret_names = UniqueNames::default();
        for var in &workload.env {
            let (value, secret) = scratch.render(renderer, &var.value);
            let secret = secret.then(|| {
                let name = secret_names.claim(&names::secret_name(&var.name), SECRET_NAME_MAX);
                scratch.push_text(&name)
            });
            scratch.env.push(Env {
                name: &var.name,
                value,
                secret,
            });
        }
        let probe = workload
            .health
            .as_ref()
            .and_then(|health| probe(resource, workload, health, reporter, diags));
        Container { size, probe }
    }

    fn write(
        &self,
        w: &mut TfWriter,
        scratch: &Scratch<'m>,
        name: &str,
        workload: &Workload,
        shares: &Shares<'_>,
    ) {
        w.block("container", &[]);
        let pulled;
        let built;
        let image: &dyn Inline = match &workload.image {
            Image::Pull(reference) => {
                pulled = Text(reference);
                &pulled
            }
            Image::Build(build) => {
                built = built_image(build);
                &built
            }
        };
        w.attrs(&[
            ("name", &name),
            ("image", image),
            ("cpu", &Raw(self.size.cores_text())),
            ("memory", &self.size.memory),
        ]);
        if !workload.entrypoint.is_empty() {
            w.array("command", workload.entrypoint.iter().map(|c| Text(c)));
        }
        if !scratch.args.is_empty() {
            w.array(
                "args",
                scratch.args.iter().map(|arg| Raw(scratch.text(arg))),
            );
        }
        for var in &scratch.env {
            w.block("env", &[]);
            match &var.secret {
                Some(secret) => {
                    w.attrs(&[("name", &var.name), ("secret_name", &scratch.text(secret))]);
                }
                None => w.attrs(&[
                    ("name", &var.name),
                    ("value", &Raw(scratch.text(&var.value))),
                ]),
            }
            w.end();
        }
        if let Some(probe) = &self.probe {
            for kind in ["liveness_probe", "readiness_probe"] {
                probe.write(w, kind);
            }
        }
        for volume in &workload.volumes {
            let Some((share_name, _)) = shares.of(&volume.name) else {
                continue;
            };
            w.block("volume_mounts", &[]);
            w.attrs(&[("name", &share_name), ("path", &volume.target.as_str())]);
            w.end();
        }
        w.end();
    }
}

/// The image reference of an image built from source: its tag comes from `var.image_tag`.
fn built_image(build: &ir::Build) -> Template {
    let repository = match build.image.rfind(':') {
        Some(colon) if !build.image[colon..].contains('/') => &build.image[..colon],
        Some(_) | None => build.image.as_str(),
    };
    let mut image = Template::default();
    image
        .text(repository)
        .text(":")
        .expr(&Ref("var", ["image_tag"]));
    image
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

/// The probe plan (the shared one: a command check becomes a TCP check of the first
/// endpoint, as Container Apps has no exec probes); `None` when there is nothing to probe.
fn probe<'w>(
    resource: &Resource,
    workload: &'w Workload,
    health: &'w Health,
    reporter: &Reporter,
    diags: &mut Diagnostics,
) -> Option<Probe<'w>> {
    let (transport, port, path) = match probes::check(&workload.endpoints, health) {
        // The terraform target probes an `https` endpoint over HTTP too.
        Ok(Some(Check::Http { path, port, .. })) => ("HTTP", port, Some(path)),
        Ok(Some(Check::Tcp { port })) => ("TCP", port, None),
        Ok(None) => return None,
        Err(probes::NoPortToProbe) => {
            reporter.unsupported(resource, Unsupported::HealthCommand, diags);
            return None;
        }
    };
    Some(Probe {
        transport,
        port,
        path,
        timing: Timing::of(health),
    })
}

impl Probe<'_> {
    /// A `liveness_probe` or `readiness_probe` block.
    fn write(&self, w: &mut TfWriter, kind: &'static str) {
        let timing = &self.timing;
        w.block(kind, &[]);
        w.attrs_opt(&[
            ("transport", Some(&self.transport)),
            ("port", Some(&self.port)),
            ("path", opt(self.path.as_ref())),
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
}

/// The distinct shares a workload mounts, in order.
fn mounted_shares<'s>(workload: &Workload, shares: &'s Shares<'_>) -> Vec<(&'s str, &'s Share)> {
    let mut out: Vec<(&str, &Share)> = Vec::new();
    for volume in &workload.volumes {
        if let Some(mounted) = shares.of(&volume.name) {
            if !out.iter().any(|(name, _)| *name == mounted.0) {
                out.push(mounted);
            }
        }
    }
    out
}
