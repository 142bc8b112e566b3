//! One `azurerm_container_app` per workload that runs as a container: image, command, env and
//! secrets, ingress, probes, scale and volumes, following `notes/azure.md` §4.

use aspirec_azure::ingress::{Ingress, MainIngress, PortMapping};
use aspirec_azure::names::{SECRET_NAME_MAX, UniqueNames};
use aspirec_azure::probes::{self, Check, Timing};
use aspirec_azure::{Reporter, Unsupported, sizing};
use hcl::{Block, Expression};
use ir::{Diagnostics, EnvVar, Health, Image, IntegrationKind, Resource, Role, Workload};

use crate::emit::{Piece, object, template, text, traversal};
use crate::shared::{environment_id, identity_id, resource_block, resource_group_name};
use crate::value::Renderer;
use crate::{names, storage};

/// The API version used to set what azurerm cannot (additional port mappings).
const CONTAINER_APPS_API: &str = "Microsoft.App/containerApps@2024-03-01";

/// What one workload becomes: comment lines and its blocks (the app, then any port patch).
pub(crate) struct AppBlocks {
    pub(crate) comment: Vec<String>,
    pub(crate) blocks: Vec<Block>,
}

pub(crate) fn blocks(
    renderer: &mut Renderer<'_>,
    resource: &Resource,
    workload: &Workload,
    plan: &Ingress,
    reporter: &Reporter,
    diags: &mut Diagnostics,
) -> AppBlocks {
    let name = names::app_name(&resource.name);
    let label = names::label(&resource.name);
    let mut comment = Vec::new();
    for mount in &workload.bind_mounts {
        reporter.unsupported(resource, Unsupported::BindMount(mount), diags);
    }
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
    let (secrets, container) = container(renderer, resource, workload, reporter, diags);
    let mut app = resource_block("azurerm_container_app", &label)
        .add_attribute(("name", name.as_str()))
        .add_attribute(("container_app_environment_id", environment_id()))
        .add_attribute(("resource_group_name", resource_group_name()))
        .add_attribute(("revision_mode", "Single"))
        .add_block(
            Block::builder("identity")
                .add_attribute(("type", "UserAssigned"))
                .add_attribute(("identity_ids", vec![identity_id()]))
                .build(),
        )
        .add_blocks(secrets);
    if let Some(main) = &plan.main {
        app = app.add_block(ingress(main));
    }
    let (min, max) = probes::scale(workload.replicas);
    let mut template_block = Block::builder("template")
        .add_attribute(("min_replicas", min))
        .add_attribute(("max_replicas", max))
        .add_block(container);
    for share in volume_names(workload) {
        template_block = template_block.add_block(
            Block::builder("volume")
                .add_attribute(("name", share.as_str()))
                .add_attribute(("storage_name", storage::storage_name(&share)))
                .add_attribute(("storage_type", "AzureFile"))
                .build(),
        );
    }
    let mut blocks = vec![app.add_block(template_block.build()).build()];
    if !plan.additional.is_empty() {
        blocks.push(port_mappings(&label, &plan.additional));
    }
    AppBlocks { comment, blocks }
}

/// The container block and the app's secret blocks.
fn container(
    renderer: &mut Renderer<'_>,
    resource: &Resource,
    workload: &Workload,
    reporter: &Reporter,
    diags: &mut Diagnostics,
) -> (Vec<Block>, Block) {
    // After E0703 the default pair keeps rendering going, so every other problem is reported
    // too; the output is discarded because of the error.
    let size = reporter
        .size(resource, &workload.limits, diags)
        .unwrap_or(sizing::DEFAULT);
    let mut container = Block::builder("container")
        .add_attribute(("name", names::app_name(&resource.name)))
        .add_attribute(("image", image(&workload.image)))
        .add_attribute(("cpu", size.cores()))
        .add_attribute(("memory", size.memory));
    if !workload.entrypoint.is_empty() {
        let command: Vec<Expression> = workload.entrypoint.iter().map(|c| text(c)).collect();
        container = container.add_attribute(("command", command));
    }
    let mut args = Vec::new();
    for arg in &workload.args {
        let rendered = renderer.render(arg);
        if rendered.secret {
            reporter.unsupported(resource, Unsupported::SecretArgument, diags);
            continue;
        }
        args.push(rendered.expression());
    }
    if !args.is_empty() {
        container = container.add_attribute(("args", args));
    }
    let (secrets, env) = environment(renderer, &workload.env);
    container = container.add_blocks(env);
    if let Some(health) = &workload.health {
        container = container.add_blocks(probe_blocks(resource, workload, health, reporter, diags));
    }
    for volume in &workload.volumes {
        container = container.add_block(
            Block::builder("volume_mounts")
                .add_attribute(("name", names::share_name(&volume.name)))
                .add_attribute(("path", volume.target.as_str()))
                .build(),
        );
    }
    (secrets, container.build())
}

/// The image reference; a built image's tag comes from `var.image_tag`.
fn image(image: &Image) -> Expression {
    match image {
        Image::Pull(reference) => text(reference),
        Image::Build(build) => {
            let repository = match build.image.rfind(':') {
                Some(colon) if !build.image[colon..].contains('/') => &build.image[..colon],
                Some(_) | None => build.image.as_str(),
            };
            template(&[
                Piece::Text(format!("{repository}:")),
                Piece::Expr(traversal("var", &["image_tag"])),
            ])
        }
    }
}

/// `env` blocks, and a `secret` block for every value that carries a secret: the variable
/// then names the secret instead of holding the value.
fn environment(renderer: &mut Renderer<'_>, env: &[EnvVar]) -> (Vec<Block>, Vec<Block>) {
    let mut secrets = Vec::new();
    let mut secret_names = UniqueNames::default();
    let mut blocks = Vec::new();
    for var in env {
        let rendered = renderer.render(&var.value);
        let block = Block::builder("env").add_attribute(("name", var.name.as_str()));
        if rendered.secret {
            let secret = secret_names.claim(&names::secret_name(&var.name), SECRET_NAME_MAX);
            secrets.push(
                Block::builder("secret")
                    .add_attribute(("name", secret.as_str()))
                    .add_attribute(("value", rendered.expression()))
                    .build(),
            );
            blocks.push(
                block
                    .add_attribute(("secret_name", secret.as_str()))
                    .build(),
            );
        } else {
            blocks.push(
                block
                    .add_attribute(("value", rendered.expression()))
                    .build(),
            );
        }
    }
    (secrets, blocks)
}

fn ingress(main: &MainIngress) -> Block {
    let mut ingress = Block::builder("ingress")
        .add_attribute(("external_enabled", main.external))
        .add_attribute(("target_port", main.target_port));
    if let Some(exposed_port) = main.exposed_port {
        ingress = ingress.add_attribute(("exposed_port", exposed_port));
    }
    ingress
        .add_attribute(("transport", main.transport.as_str()))
        .add_block(
            Block::builder("traffic_weight")
                .add_attribute(("latest_revision", true))
                .add_attribute(("percentage", 100))
                .build(),
        )
        .build()
}

/// azurerm 4.x cannot set additional port mappings, so an azapi patch of the app adds them.
fn port_mappings(label: &str, mappings: &[PortMapping]) -> Block {
    let mappings: Vec<Expression> = mappings
        .iter()
        .map(|m| {
            object(vec![
                ("external", Expression::Bool(false)),
                ("targetPort", m.target_port.into()),
                ("exposedPort", m.exposed_port.into()),
            ])
        })
        .collect();
    let body = object(vec![(
        "properties",
        object(vec![(
            "configuration",
            object(vec![(
                "ingress",
                object(vec![(
                    "additionalPortMappings",
                    Expression::Array(mappings),
                )]),
            )]),
        )]),
    )]);
    resource_block("azapi_update_resource", &format!("{label}_ports"))
        .add_attribute(("type", CONTAINER_APPS_API))
        .add_attribute((
            "resource_id",
            traversal("azurerm_container_app", &[label, "id"]),
        ))
        .add_attribute(("body", body))
        .build()
}

/// Liveness and readiness probes (the shared plan: a command check becomes a TCP check of
/// the first endpoint, as Container Apps has no exec probes).
fn probe_blocks(
    resource: &Resource,
    workload: &Workload,
    health: &Health,
    reporter: &Reporter,
    diags: &mut Diagnostics,
) -> Vec<Block> {
    let (transport, port, path) = match probes::check(&workload.endpoints, health) {
        // The terraform target probes an `https` endpoint over HTTP too.
        Ok(Some(Check::Http { path, port, .. })) => ("HTTP", port, Some(path)),
        Ok(Some(Check::Tcp { port })) => ("TCP", port, None),
        Ok(None) => return Vec::new(),
        Err(probes::NoPortToProbe) => {
            reporter.unsupported(resource, Unsupported::HealthCommand, diags);
            return Vec::new();
        }
    };
    let timing = Timing::of(health);
    ["liveness_probe", "readiness_probe"]
        .into_iter()
        .map(|kind| {
            let mut probe = Block::builder(kind)
                .add_attribute(("transport", transport))
                .add_attribute(("port", port));
            if let Some(path) = path {
                probe = probe.add_attribute(("path", path));
            }
            let timings = [
                ("initial_delay", timing.initial_delay),
                ("interval_seconds", timing.period),
                ("timeout", timing.timeout),
                ("failure_count_threshold", timing.failure_threshold),
            ];
            for (key, value) in timings {
                if let Some(value) = value {
                    probe = probe.add_attribute((key, value));
                }
            }
            probe.build()
        })
        .collect()
}

/// The distinct shares a workload mounts, in order.
fn volume_names(workload: &Workload) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for volume in &workload.volumes {
        let name = names::share_name(&volume.name);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}
