//! The checked model to the Kubernetes plan ([`crate::plan`]): the Namespace, one group of
//! objects per workload, and the parameters' defaults, each handed to a printer as soon as it
//! exists; then what the application as a whole needs (the deploy-time inputs).
//!
//! Databases run nothing of their own (their server's init script creates them) and external
//! resources run elsewhere; both appear only in the values that point at them.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use ir::publish::dns_label;
use ir::{
    Artifacts, CheckedModel, Diagnostics, Endpoint, PublishOptions, Resource, ResourceId, Role,
    Workload, codes,
};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::conditional::{self, Conditional};
use crate::inputs::{self, Inputs};
use crate::names;
use crate::patches::Patcher;
use crate::plan::{self, Content, Knob, Object, PrintError, Printer};
use crate::workload;

/// What every part of the lowering shares.
pub(crate) struct Ctx<'a> {
    pub(crate) model: &'a CheckedModel,
    /// The application name as a label value.
    pub(crate) app: String,
    pub(crate) namespace: String,
    pub(crate) inputs: Inputs,
    /// The object name of every resource, by resource index ([`names::object_name`]),
    /// derived once: each value that points at a resource names it again.
    pub(crate) objects: Vec<String>,
    /// The conditional value of each resource that is one, by resource index.
    pub(crate) conditionals: Vec<Option<Conditional>>,
}

impl Ctx<'_> {
    /// The object name of `resource`, which is one of the model's.
    pub(crate) fn object(&self, resource: ResourceId) -> &str {
        &self.objects[resource.0 as usize]
    }

    /// Metadata of an object in the application's namespace. The namespace is written on every
    /// object, so the files also work with `kubectl apply -f`.
    pub(crate) fn meta(&self, name: &str, labels: BTreeMap<String, String>) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(self.namespace.clone()),
            labels: Some(labels),
            ..ObjectMeta::default()
        }
    }
}

/// What the checks after lowering need of one file, once its objects have gone to the
/// printer: the declaration they come from, and their kinds and names.
struct File {
    /// The file's name in the kustomize base, to name it in diagnostics.
    path: String,
    /// The resource the objects are made for; detached for the application-wide files (the
    /// Namespace, the parameters' ConfigMap), which no single declaration causes.
    origin: ir::Span,
    /// The kind and name of each object, in file order.
    identities: Vec<(&'static str, String)>,
}

impl File {
    /// Applies the patches to `file`'s objects, hands it to the printer and keeps what the
    /// checks need.
    fn print(
        printer: &mut impl Printer,
        (patcher, diags): (&mut Patcher<'_>, &mut Diagnostics),
        path: String,
        origin: ir::Span,
        mut file: plan::File,
    ) -> Result<File, PrintError> {
        for object in &mut file.objects {
            patcher.apply(object, diags);
        }
        let identities = file
            .objects
            .iter()
            .filter_map(|object| {
                let name = object.manifest.metadata().name.clone()?;
                Some((object.manifest.kind(), name))
            })
            .collect();
        printer.file(file)?;
        Ok(File {
            path,
            origin,
            identities,
        })
    }
}

/// One workload and the names its objects share.
pub(crate) struct Owner<'a> {
    pub(crate) resource: &'a Resource,
    pub(crate) workload: &'a Workload,
    pub(crate) object: String,
    pub(crate) endpoints: &'a [Endpoint],
    /// The IANA name of each endpoint, in the same order.
    pub(crate) port_names: Vec<String>,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) selector: BTreeMap<String, String>,
}

impl<'a> Owner<'a> {
    fn new(
        ctx: &Ctx<'_>,
        id: ResourceId,
        resource: &'a Resource,
        workload: &'a Workload,
    ) -> Owner<'a> {
        let app = &ctx.app;
        let object = ctx.object(id).to_string();
        let component = match &workload.role {
            Role::Container => "container",
            Role::Project => "project",
            Role::Integration(integration) => integration.kind.type_name(),
        };
        Owner {
            resource,
            workload,
            labels: names::labels(app, &object, component),
            selector: names::selector(app, &object),
            port_names: names::port_names(workload.endpoints.iter().map(|e| e.name.as_str())),
            endpoints: &workload.endpoints,
            object,
        }
    }
}

/// Lowers the model and prints it; `Err` only for a bug of a printer.
pub(crate) fn run(
    model: &CheckedModel,
    options: &PublishOptions,
    diags: &mut Diagnostics,
    mut printer: impl Printer,
) -> Result<Artifacts, PrintError> {
    let app = names::app_name(model.name());
    let mut ctx = Ctx {
        model,
        namespace: dns_label(model.namespace(), 63),
        inputs: Inputs::new(&app, model),
        objects: model
            .resources()
            .map(|(_, resource)| names::object_name(&resource.name))
            .collect(),
        conditionals: conditional::find(model),
        app,
    };
    printer.begin(&plan::App {
        name: ctx.app.clone(),
        namespace: ctx.namespace.clone(),
        declared_namespace: model.namespace().to_string(),
        tag: model.tag().to_string(),
        secret_name: ctx.inputs.secret_name(),
        registries: model
            .registries()
            .iter()
            .map(|r| plan::Registry {
                name: r.name.clone(),
                server: r.server.clone(),
                pull_secret: r.pull_secret.clone(),
            })
            .collect(),
    });
    let namespace_file = plan::File {
        content: Content::Namespace,
        objects: vec![Object::new(namespace(&ctx))],
    };
    let mut patcher = Patcher::new(options);
    let mut files: Vec<File> = vec![File::print(
        &mut printer,
        (&mut patcher, diags),
        names::NAMESPACE_FILE.to_string(),
        ir::Span::DETACHED,
        namespace_file,
    )?];
    for (id, resource, workload) in model.workloads() {
        if !bind_mounts_allowed(resource, workload, options, diags) {
            continue;
        }
        let owner = Owner::new(&ctx, id, resource, workload);
        let (objects, knobs) = workload::plan(&mut ctx, &owner, diags);
        let file = plan::File {
            content: Content::Workload(knobs),
            objects,
        };
        let path = names::resource_file(&owner.object);
        files.push(File::print(
            &mut printer,
            (&mut patcher, diags),
            path,
            resource.span,
            file,
        )?);
    }
    let parameters = ctx.inputs.parameter_keys(model);
    if let Some(config_map) = defaults(&ctx, &parameters) {
        let file = plan::File {
            content: Content::Parameters,
            objects: vec![config_map],
        };
        let file = File::print(
            &mut printer,
            (&mut patcher, diags),
            names::PARAMETERS_FILE.to_string(),
            ir::Span::DETACHED,
            file,
        )?;
        // Right after the Namespace, as the kustomization lists it: it is read by the
        // workloads.
        files.insert(1, file);
    }
    check_duplicates(&ctx, &files, diags);
    let objects = files.iter().flat_map(|f| {
        f.identities
            .iter()
            .map(|(kind, name)| (*kind, name.as_str()))
    });
    patcher.finish(objects, diags);
    printer.finish(&plan::Inputs {
        parameters,
        secrets: ctx.inputs.secret_plan(model),
    })
}

fn namespace(ctx: &Ctx<'_>) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(ctx.namespace.clone()),
            labels: Some(names::app_labels(&ctx.app)),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// The ConfigMap of parameter defaults, when any object reads one, with a deploy-time place
/// per key.
fn defaults(ctx: &Ctx<'_>, keys: &[plan::ParameterKey]) -> Option<Object> {
    let data: BTreeMap<String, String> = ctx.inputs.defaults(ctx.model).into_iter().collect();
    if data.is_empty() {
        return None;
    }
    let mut object = Object::new(ConfigMap {
        metadata: ctx.meta(&ctx.inputs.config_map_name(), names::app_labels(&ctx.app)),
        data: Some(data),
        ..ConfigMap::default()
    });
    for key in keys {
        object.slot(format!("/data/{}", key.key), Knob::Parameter(key.clone()));
    }
    Some(object)
}

/// Kubernetes cannot mount a folder of the machine that runs the deploy tool.
fn bind_mounts_allowed(
    resource: &Resource,
    workload: &Workload,
    options: &PublishOptions,
    diags: &mut Diagnostics,
) -> bool {
    if workload.bind_mounts.is_empty() {
        return true;
    }
    // Bind mounts carry no span of their own: the resource is pointed at and the mounts are
    // named in a note.
    let mounts: Vec<String> = workload
        .bind_mounts
        .iter()
        .map(|m| format!("`{}` → `{}`", m.source, m.target))
        .collect();
    let mounts = mounts.join(", ");
    let message = format!(
        "`{}` has bind mounts, which Kubernetes cannot express",
        resource.name
    );
    if options.allow_unsupported {
        diags
            .report(codes::UNSUPPORTED_LEFT_OUT, resource.span, message)
            .with_label("its bind mounts are left out of the Kubernetes output")
            .with_note(format!(
                "left out: {mounts}; a pod cannot mount a folder of the deploying machine"
            ));
        true
    } else {
        diags
            .report(codes::UNSUPPORTED_FEATURE, resource.span, message)
            .with_label("this resource bind-mounts a folder of the deploying machine")
            .with_note(format!("a pod cannot mount a folder of the deploying machine: {mounts}"))
            .with_help(
                "use a named volume (`volumes`) or bake the files into the image; `--allow-unsupported` leaves bind mounts out",
            );
        false
    }
}

/// Two emitted objects of one kind with one name (derived names such as `<resource>-external`
/// can meet a resource of that name); the apply would silently keep only one.
fn check_duplicates(ctx: &Ctx<'_>, files: &[File], diags: &mut Diagnostics) {
    // Hashed, not ordered: a lookup per object, and the reports follow the file order. The
    // names are the compiler's own, so an unkeyed hash is enough.
    let mut seen: IndexMap<(&str, &str), &File, foldhash::fast::FixedState> =
        IndexMap::with_capacity_and_hasher(
            files.iter().map(|f| f.identities.len()).sum(),
            foldhash::fast::FixedState::default(),
        );
    for file in files {
        for id in &file.identities {
            let Some(first) = seen.get(&(id.0, id.1.as_str())) else {
                seen.insert((id.0, id.1.as_str()), file);
                continue;
            };
            // Point at a resource: the application-wide files have no declaration, so when
            // one of them is involved the resource's file is the primary one.
            let (primary, other) = if file.origin.is_detached() {
                (*first, file)
            } else {
                (file, *first)
            };
            let (kind, name) = id;
            diags
                .report(
                    codes::NAME_COLLISION,
                    primary.origin,
                    format!(
                        "two Kubernetes objects are named {kind} `{name}` (in `{}` and `{}`)",
                        first.path, file.path
                    ),
                )
                .with_label(format!(
                    "its {kind} `{name}` in `{}` meets another; Kubernetes would keep only one",
                    primary.path
                ))
                .with_secondary(
                    other.origin,
                    format!("the other {kind} `{name}` comes from here"),
                )
                .with_help("rename one of the resources");
        }
    }
    if let Some((key, other)) = ctx.inputs.duplicate_key() {
        let name = ctx.inputs.key_name(key);
        let param = ctx.model.parameter(key.param);
        let other_param = ctx.model.parameter(other.param);
        let role = |key: inputs::Key| {
            if key.uri_encoded {
                "the URI-encoded value"
            } else {
                "the value"
            }
        };
        diags
            .report(
                codes::NAME_COLLISION,
                param.span,
                format!("two Kubernetes deploy-time inputs are named `{name}`"),
            )
            .with_label(format!(
                "{} of `{}` is read from key `{name}`",
                role(key),
                param.name
            ))
            .with_secondary(
                other_param.span,
                format!(
                    "{} of `{}` is read from the same key",
                    role(other),
                    other_param.name
                ),
            )
            .with_help(format!("rename parameter `{}`", param.name));
    }
}
