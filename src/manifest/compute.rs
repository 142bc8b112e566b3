//! `container.v0/v1`, `project.v0/v1` and the legacy `dockerfile.v0` to a [`ComputeDecl`].
//!
//! Decisions where the manifest says more or less than the model:
//! - A project's build context is the folder of its `.csproj` (`path`); its endpoints without
//!   ports listen on 8080, which the ir applies to projects.
//! - A container endpoint with neither `targetPort` nor `port` listens on 80: the manifest
//!   omits the target port when Aspire does not know it, and Aspire's own Azure Container Apps
//!   publisher then assumes 80.
//! - `build.stage` is the Dockerfile target; `build.secrets` of type `env` are build secrets.
//!   A `file` secret names a file on the build machine, which no artifact can carry: it is
//!   left out with a warning.
//! - `build.buildOnly`: the image only feeds files to other images and never runs; it is
//!   declared with [`ComputeDecl::build_only`] (the ir's build-only resource: Compose builds
//!   it without starting it, and the check reports the targets that deploy nothing for it).
//! - `containerFiles` copies files out of another image while this image is built; aspirec
//!   does not build images, so it is left out with a warning that says what to copy.
//! - `deployment` is Aspire's own Azure Bicep module for this resource (the container app or
//!   web app it would deploy). No target honours it: its parameters read the outputs of
//!   Aspire's own environment module and values only Aspire's deploy step fills
//!   (`{api.containerImage}`), and each target writes its own definition of the resource from
//!   the model. It is left out with a warning at the key, for every target.

use ir::model::{
    BindMountDecl, BuildDecl, ComputeDecl, EndpointDecl, EnvDecl, ResourceKindDecl, VolumeDecl,
};
use ir::{Diagnostics, Spanned, codes};

use super::expr::Scope;
use super::fields::{self, Record};
use super::json::{Member, Node};

/// The manifest types lowered here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flavor {
    ContainerV0,
    ContainerV1,
    Dockerfile,
    Project { v1: bool },
}

impl Flavor {
    pub(super) fn from_type(type_name: &str) -> Option<Flavor> {
        Some(match type_name {
            "container.v0" => Flavor::ContainerV0,
            "container.v1" => Flavor::ContainerV1,
            "dockerfile.v0" => Flavor::Dockerfile,
            "project.v0" => Flavor::Project { v1: false },
            "project.v1" => Flavor::Project { v1: true },
            _ => return None,
        })
    }

    /// The keys the schema defines for this type.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Flavor::ContainerV0 => &[
                "type",
                "image",
                "entrypoint",
                "args",
                "connectionString",
                "containerFiles",
                "env",
                "bindings",
                "bindMounts",
                "volumes",
            ],
            Flavor::ContainerV1 => &[
                "type",
                "image",
                "build",
                "deployment",
                "entrypoint",
                "args",
                "connectionString",
                "containerFiles",
                "env",
                "bindings",
                "bindMounts",
                "volumes",
            ],
            Flavor::Dockerfile => &["type", "path", "context", "env", "bindings", "buildArgs"],
            Flavor::Project { v1: false } => {
                &["type", "path", "containerFiles", "args", "env", "bindings"]
            }
            Flavor::Project { v1: true } => &[
                "type",
                "path",
                "deployment",
                "containerFiles",
                "args",
                "env",
                "bindings",
            ],
        }
    }
}

const BUILD_KEYS: &[&str] = &[
    "context",
    "dockerfile",
    "stage",
    "buildOnly",
    "args",
    "secrets",
];
const BINDING_KEYS: &[&str] = &[
    "scheme",
    "protocol",
    "transport",
    "port",
    "targetPort",
    "external",
];
const VOLUME_KEYS: &[&str] = &["name", "target", "readOnly"];
const BIND_MOUNT_KEYS: &[&str] = &["source", "target", "readOnly"];

/// Where Aspire's Azure Container Apps publisher assumes a container listens when the
/// manifest does not say.
const CONTAINER_DEFAULT_TARGET_PORT: i64 = 80;

pub(super) fn compute(
    flavor: Flavor,
    name: &Spanned<String>,
    entry: &Member,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<ResourceKindDecl> {
    let type_name = match flavor {
        Flavor::ContainerV0 => "container.v0",
        Flavor::ContainerV1 => "container.v1",
        Flavor::Dockerfile => "dockerfile.v0",
        Flavor::Project { v1: false } => "project.v0",
        Flavor::Project { v1: true } => "project.v1",
    };
    let what = format!("{type_name} resource `{}`", name.value);
    let record = Record::new(&entry.value, entry.key_span, what, flavor.keys(), diags)?;
    let lower = Lower {
        record: &record,
        scope,
        name,
    };
    let mut decl = empty(matches!(flavor, Flavor::Project { .. }));
    match flavor {
        Flavor::ContainerV0 => {
            decl.image = record.required_string("image", diags);
        }
        Flavor::ContainerV1 => {
            decl.image = record.string("image", diags);
            match record.get("build") {
                Some(build) => {
                    if let Some((build, build_only)) = lower.build(build, diags) {
                        decl.build = Some(build);
                        decl.build_only = build_only;
                    }
                }
                None if decl.image.is_none() && record.get("image").is_none() => {
                    diags
                        .report(
                            codes::MISSING_KEY,
                            entry.key_span,
                            format!("{} has neither `image` nor `build`", record.what()),
                        )
                        .with_label("add `image` or `build`");
                }
                None => {}
            }
        }
        Flavor::Dockerfile => decl.build = lower.dockerfile_build(diags),
        Flavor::Project { .. } => decl.build = lower.project_build(diags),
    }
    if let Some(entrypoint) = record.string("entrypoint", diags) {
        decl.entrypoint = vec![entrypoint];
    }
    decl.args = record
        .array("args", diags)
        .iter()
        .filter_map(|arg| {
            fields::string(arg, "an argument", diags).map(|s| scope.template(s, arg.span, diags))
        })
        .collect();
    decl.env = lower.pairs("env", diags);
    // Aspire gives every project an OTLP exporter, and a container one with `WithOtlpExporter`,
    // which leaves `OTEL_*` variables in the manifest (`OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY`,
    // `OTEL_TRACES_EXPORTER`, ...): those are the resources Aspire's publishers point at the
    // dashboard.
    decl.otlp_exporter = decl.project || decl.env.iter().any(|e| e.name.value.starts_with("OTEL_"));
    decl.connection_string = record
        .str("connectionString", diags)
        .map(|(s, span)| scope.template(s, span, diags));
    decl.endpoints = record
        .map("bindings", diags)
        .iter()
        .filter_map(|binding| endpoint(binding, name, !decl.project, diags))
        .collect();
    decl.volumes = record
        .array("volumes", diags)
        .iter()
        .filter_map(|v| lower.volume(v, diags))
        .collect();
    decl.bind_mounts = record
        .array("bindMounts", diags)
        .iter()
        .filter_map(|b| lower.bind_mount(b, diags))
        .collect();
    for source in record.map("containerFiles", diags) {
        container_files(name, source, diags);
    }
    if let Some(member) = record.member("deployment") {
        deployment(name, member, diags);
    }
    Some(ResourceKindDecl::Compute(decl))
}

/// A compute declaration with nothing set; manifests have no replicas, health checks,
/// limits or `wait_for`.
fn empty(project: bool) -> ComputeDecl {
    ComputeDecl {
        project,
        ..ComputeDecl::default()
    }
}

/// The context every lowering step of one resource needs.
struct Lower<'a, 'j> {
    record: &'a Record<'j>,
    scope: &'a Scope,
    name: &'a Spanned<String>,
}

impl Lower<'_, '_> {
    /// The build, and whether it is `buildOnly` (the image only provides files to other
    /// images' builds).
    fn build(&self, node: &Node, diags: &mut Diagnostics) -> Option<(BuildDecl, bool)> {
        let owner = self.record.member("build")?.key_span;
        let what = format!("the `build` of `{}`", self.name.value);
        let build = Record::new(node, owner, what, BUILD_KEYS, diags)?;
        let build_only = build.bool("buildOnly", diags).is_some_and(|b| b.value);
        let context = build.required_string("context", diags);
        let dockerfile = build.required_string("dockerfile", diags);
        let context = context?;
        let args = Lower {
            record: &build,
            ..*self
        }
        .pairs("args", diags);
        let secrets = build
            .map("secrets", diags)
            .iter()
            .filter_map(|s| self.build_secret(s, diags))
            .collect();
        Some((
            BuildDecl {
                context,
                dockerfile,
                target: build.string("stage", diags),
                args,
                secrets,
            },
            build_only,
        ))
    }

    /// A build secret of type `env` (a value); a `file` secret is left out with a warning.
    fn build_secret(&self, secret: &Member, diags: &mut Diagnostics) -> Option<EnvDecl> {
        let what = format!(
            "build secret `{}` of `{}`",
            secret.key.text, self.name.value
        );
        let record = Record::new(
            &secret.value,
            secret.key_span,
            what,
            &["type", "value", "source"],
            diags,
        )?;
        if let Some(value) = record.get("value") {
            // A build secret's value may be the secret itself: no snippet shows it.
            diags.conceal(value.span);
        }
        let kind = record.required_string("type", diags)?;
        match kind.value.as_str() {
            "env" => {
                let (value, span) = record.str("value", diags).or_else(|| {
                    record.require("value", diags);
                    None
                })?;
                Some(EnvDecl {
                    name: Spanned::new(secret.key.text.clone(), secret.key.content_span()),
                    value: self.scope.template(value, span, diags),
                })
            }
            "file" => {
                diags
                    .report(
                        codes::MANIFEST_KEY_IGNORED,
                        secret.key_span,
                        format!("the file build secret `{}` of `{}` is left out", secret.key.text, self.name.value),
                    )
                    .with_label("a file on the build machine cannot be carried into the artifacts")
                    .with_help("pass it to your image build yourself, for example `docker build --secret id=...,src=...`");
                None
            }
            other => {
                diags
                    .report(
                        codes::INVALID_VALUE,
                        kind.span,
                        format!("unknown build secret type `{other}`"),
                    )
                    .with_label("expected `env` or `file`");
                None
            }
        }
    }

    /// `dockerfile.v0`: `path` is the Dockerfile, `context` the build context.
    fn dockerfile_build(&self, diags: &mut Diagnostics) -> Option<BuildDecl> {
        let record = self.record;
        let dockerfile = record.required_string("path", diags);
        let context = record.required_string("context", diags)?;
        Some(BuildDecl {
            context,
            dockerfile,
            target: None,
            args: self.pairs("buildArgs", diags),
            secrets: Vec::new(),
        })
    }

    /// A project builds from the folder of its `.csproj`.
    fn project_build(&self, diags: &mut Diagnostics) -> Option<BuildDecl> {
        let path = self.record.required_string("path", diags)?;
        let folder = match path.value.rfind(['/', '\\']) {
            Some(0) => "/".to_string(),
            Some(slash) => path.value[..slash].to_string(),
            None => ".".to_string(),
        };
        Some(BuildDecl {
            context: Spanned::new(folder, path.span),
            dockerfile: None,
            target: None,
            args: Vec::new(),
            secrets: Vec::new(),
        })
    }

    /// A map of names to string templates (`env`, `build.args`, `buildArgs`).
    fn pairs(&self, key: &str, diags: &mut Diagnostics) -> Vec<EnvDecl> {
        self.record
            .map(key, diags)
            .iter()
            .filter_map(|member| {
                let value =
                    fields::string(&member.value, &format!("`{}`", member.key.text), diags)?;
                Some(EnvDecl {
                    name: Spanned::new(member.key.text.clone(), member.key.content_span()),
                    value: self.scope.template(value, member.value.span, diags),
                })
            })
            .collect()
    }

    fn volume(&self, node: &Node, diags: &mut Diagnostics) -> Option<VolumeDecl> {
        let owner = self.record.member("volumes")?.key_span;
        let volume = Record::new(
            node,
            owner,
            format!("a volume of `{}`", self.name.value),
            VOLUME_KEYS,
            diags,
        )?;
        let name = volume.required_string("name", diags);
        let target = volume.required_string("target", diags);
        let read_only = volume.bool("readOnly", diags).is_some_and(|r| r.value);
        Some(VolumeDecl {
            name: name?,
            target: target?,
            read_only,
        })
    }

    fn bind_mount(&self, node: &Node, diags: &mut Diagnostics) -> Option<BindMountDecl> {
        let owner = self.record.member("bindMounts")?.key_span;
        let what = format!("a bind mount of `{}`", self.name.value);
        let mount = Record::new(node, owner, what, BIND_MOUNT_KEYS, diags)?;
        let source = mount.required_string("source", diags);
        let target = mount.required_string("target", diags);
        let read_only = mount.bool("readOnly", diags).is_some_and(|r| r.value);
        Some(BindMountDecl {
            source: source?,
            target: target?,
            read_only,
        })
    }
}

/// A binding: `scheme`, `protocol` and `transport` are required by the schema and checked
/// here against its enums; the ir checks ports.
fn endpoint(
    binding: &Member,
    owner: &Spanned<String>,
    container: bool,
    diags: &mut Diagnostics,
) -> Option<EndpointDecl> {
    let what = format!("binding `{}` of `{}`", binding.key.text, owner.value);
    let record = Record::new(&binding.value, binding.key_span, what, BINDING_KEYS, diags)?;
    let scheme = record.required_string("scheme", diags);
    let protocol = one_of(&record, "protocol", &["tcp", "udp"], diags);
    let transport = one_of(&record, "transport", &["http", "http2", "tcp"], diags);
    let port = record.integer("port", diags);
    let mut target_port = record.integer("targetPort", diags);
    if container && record.get("port").is_none() && record.get("targetPort").is_none() {
        target_port = Some(Spanned::new(
            CONTAINER_DEFAULT_TARGET_PORT,
            binding.key_span,
        ));
    }
    Some(EndpointDecl {
        name: Spanned::new(binding.key.text.clone(), binding.key.content_span()),
        scheme,
        transport,
        protocol,
        target_port,
        port,
        external: record.bool("external", diags).is_some_and(|e| e.value),
        ingress: None,
        span: binding.key_span,
    })
}

/// A required string that must be one of `allowed`.
fn one_of(
    record: &Record<'_>,
    key: &str,
    allowed: &[&str],
    diags: &mut Diagnostics,
) -> Option<Spanned<String>> {
    let value = record.required_string(key, diags)?;
    if allowed.contains(&value.value.as_str()) {
        return Some(value);
    }
    diags
        .report(
            codes::INVALID_VALUE,
            value.span,
            format!("unknown {key} `{}`", value.value),
        )
        .with_label(format!(
            "expected one of {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    None
}

/// `containerFiles.<source>`: files copied from the image of `source` while this image is
/// built. aspirec does not build images, so the step is left out with a warning.
fn container_files(name: &Spanned<String>, source: &Member, diags: &mut Diagnostics) {
    let what = format!(
        "the files `{}` copies from `{}`",
        name.value, source.key.text
    );
    let Some(record) = Record::new(
        &source.value,
        source.key_span,
        what,
        &["destination", "sources"],
        diags,
    ) else {
        return;
    };
    let destination = record.required_string("destination", diags);
    let sources: Vec<String> = record
        .array("sources", diags)
        .iter()
        .filter_map(|s| fields::string(s, "a source path", diags).map(|s| format!("`{}`", s.text)))
        .collect();
    let d = diags
        .report(
            codes::MANIFEST_KEY_IGNORED,
            source.key_span,
            format!(
                "`{}` copies files from the image of `{}`; aspirec leaves this build step out",
                name.value, source.key.text
            ),
        )
        .with_label("files copied while the image is built");
    if let Some(destination) = destination {
        let from = if sources.is_empty() {
            "its files".to_string()
        } else {
            sources.join(", ")
        };
        d.with_help(format!(
            "when you build the image of `{}`, copy {from} from the image of `{}` into `{}`",
            name.value, source.key.text, destination.value
        ));
    }
}

/// `deployment`: Aspire's Azure Bicep module for the resource, left out with a warning (see
/// the module documentation for why no target deploys it).
fn deployment(name: &Spanned<String>, member: &Member, diags: &mut Diagnostics) {
    let what = format!("the `deployment` of `{}`", name.value);
    let Some(record) = Record::new(
        &member.value,
        member.key_span,
        what,
        &["type", "path", "params"],
        diags,
    ) else {
        return;
    };
    // Checked for its type only: the message names the module by its file.
    record.string("type", diags);
    let module = match record.string("path", diags) {
        Some(path) => format!("Aspire's Bicep module `{}`", path.value),
        None => "Aspire's Bicep module".to_string(),
    };
    diags
        .report(
            codes::MANIFEST_KEY_IGNORED,
            member.key_span,
            format!(
                "the `deployment` of `{}` ({module}) is left out by every target",
                name.value
            ),
        )
        .with_label("Aspire's own Azure definition of this resource")
        .with_note("its parameters read Aspire's own Azure environment and values only Aspire's deploy step fills; each target writes its own definition of the resource from the manifest instead")
        .with_help(format!(
            "redo the module's changes to `{}` (identity, scale, domains, ...) in the generated Bicep or Terraform, or deploy the module yourself",
            name.value
        ));
}
