//! The kustomize base (`--emit k8s`): the plan's objects written as they are, one file per
//! workload, with the Namespace, the parameters' ConfigMap, `secrets.env.example` and the
//! `kustomization.yaml` that lists them. Deploy-time places keep their defaults; an overlay
//! patches them.

use ir::Artifacts;
use serde::Serialize;

use crate::emit::{self, FileText};
use crate::inputs;
use crate::names;
use crate::plan::{App, Content, File, Inputs, Manifest, PrintError, Printer};

/// The file the user fills in; aspirec writes only its example.
const SECRETS_ENV: &str = "secrets.env";
const SECRETS_EXAMPLE: &str = "secrets.env.example";

/// Writes each file of the plan as it comes.
pub(crate) struct Kustomize {
    header: String,
    /// The application, once [`Printer::begin`] has told it.
    app: Option<App>,
    artifacts: Artifacts,
    /// The files, in the kustomization's order.
    paths: Vec<String>,
    has_ingress: bool,
    /// The size of the last workload file.
    size_hint: usize,
}

impl Kustomize {
    pub(crate) fn new(header: String) -> Kustomize {
        Kustomize {
            header,
            app: None,
            artifacts: Artifacts::new(),
            paths: Vec::new(),
            has_ingress: false,
            size_hint: 0,
        }
    }
}

impl Printer for Kustomize {
    fn begin(&mut self, app: &App) {
        self.app = Some(app.clone());
    }

    fn file(&mut self, file: File) -> Result<(), PrintError> {
        // Workload files are much alike: each starts with room for the last one and a bit
        // more.
        let capacity = match &file.content {
            Content::Workload(_) => self.size_hint + self.size_hint / 8,
            Content::Namespace | Content::Parameters => 0,
        };
        let mut text = FileText::with_capacity(&self.header, capacity);
        for object in &file.objects {
            let parameters_comment;
            let comment = match file.content {
                // How to change a default is the format's own advice.
                Content::Parameters => {
                    parameters_comment = [
                        "Defaults of the model's non-secret parameters. Override one in a kustomize overlay with a patch".to_string(),
                        "of this ConfigMap; running pods read it when they start.".to_string(),
                    ];
                    &parameters_comment[..]
                }
                Content::Namespace | Content::Workload(_) => &object.comment,
            };
            // The note on default hosts is for an Ingress that has one; the model's own
            // hosts (`ingress.hosts`) need no patch.
            if let Manifest::Ingress(ingress) = &object.manifest {
                let namespace = self.app.as_ref().map_or("", |app| app.namespace.as_str());
                let default = format!(".{namespace}.localhost");
                self.has_ingress |= ingress
                    .spec
                    .iter()
                    .flat_map(|spec| spec.rules.iter().flatten())
                    .any(|rule| rule.host.as_ref().is_some_and(|h| h.ends_with(&default)));
            }
            crate::plan::each_manifest!(&object.manifest, o => text.push(o, comment))?;
        }
        let path = match &file.content {
            Content::Namespace => names::NAMESPACE_FILE.to_string(),
            Content::Parameters => names::PARAMETERS_FILE.to_string(),
            Content::Workload(workload) => {
                self.size_hint = text.len();
                names::resource_file(&workload.object)
            }
        };
        match file.content {
            // Right after the Namespace: it is read by the workloads.
            Content::Parameters => self.paths.insert(1.min(self.paths.len()), path.clone()),
            Content::Namespace | Content::Workload(_) => self.paths.push(path.clone()),
        }
        self.artifacts.insert(path, text.finish());
        Ok(())
    }

    fn finish(mut self, inputs: &Inputs) -> Result<Artifacts, PrintError> {
        let Some(app) = &self.app else {
            return Ok(self.artifacts);
        };
        if let Some(example) = secrets_example(app, inputs, &self.header) {
            self.artifacts.insert(SECRETS_EXAMPLE, example);
        }
        let kustomization = kustomization(app, inputs, &self.header, self.paths, self.has_ingress)?;
        self.artifacts
            .insert(names::KUSTOMIZATION_FILE, kustomization);
        Ok(self.artifacts)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
}

/// `kustomization.yaml`, whose comment says what must exist before the workloads can start,
/// and what a deployment outside a local cluster changes.
fn kustomization(
    app: &App,
    inputs: &Inputs,
    header: &str,
    resources: Vec<String>,
    has_ingress: bool,
) -> Result<String, aspirec_yaml::Error> {
    let mut notes = vec![header.to_string()];
    if !inputs.secrets.is_empty() {
        notes.extend([
            String::new(),
            format!(
                "Deploy-time input: the Secret `{}` in namespace `{}`, which aspirec never writes;",
                app.secret_name, app.namespace
            ),
            format!(
                "{SECRETS_EXAMPLE} lists its keys and how to create it. Pods wait until it exists."
            ),
        ]);
    }
    if !app.registries.is_empty() {
        notes.extend([
            String::new(),
            "Image pull Secrets of the private registries, which aspirec never writes; create each before applying:"
                .to_string(),
        ]);
        notes.extend(
            app.registries
                .iter()
                .map(|r| create_pull_secret(r, &app.namespace)),
        );
    }
    if has_ingress {
        notes.extend([
            String::new(),
            format!(
                "Ingress hosts are `<resource>.{}.localhost`, which reach a local cluster;",
                app.namespace
            ),
            "elsewhere, set real ones with a patch of `/spec/rules/0/host` in an overlay."
                .to_string(),
        ]);
    }
    let body = Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
    };
    let mut text = emit::comment_lines(&notes);
    aspirec_yaml::write_document(&mut text, &body, aspirec_yaml::KeyOrder::AS_SERIALIZED)?;
    Ok(text)
}

/// The command that creates a registry's image pull Secret (its credentials are the
/// deployer's, typed at the command line: none is in the output).
pub(crate) fn create_pull_secret(registry: &crate::plan::Registry, namespace: &str) -> String {
    format!(
        "  kubectl create secret docker-registry {} --namespace {namespace} --docker-server={} --docker-username=<user> --docker-password=<password>",
        registry.pull_secret, registry.server
    )
}

/// `secrets.env.example`: every key of the Secret, what it is, and how to generate it.
/// `None` when the output reads no Secret.
fn secrets_example(app: &App, inputs: &Inputs, header: &str) -> Option<String> {
    if inputs.secrets.is_empty() {
        return None;
    }
    let secret = &app.secret_name;
    let namespace = &app.declared_namespace;
    let mut out = format!(
        "# {header}\n\
         #\n\
         # The deploy-time inputs of this Kubernetes output. The manifests read them from the\n\
         # Secret `{secret}` in namespace `{namespace}`, which aspirec never writes. To supply them:\n\
         #   1. copy this file to {SECRETS_ENV}, keep that out of version control, and fill in every value;\n\
         #   2. kubectl create namespace {namespace}\n\
         #   3. kubectl create secret generic {secret} --namespace {namespace} --from-env-file={SECRETS_ENV}\n\
         #   4. kubectl apply -k <this folder>\n\
         # or generate the Secret in your own kustomize overlay (secretGenerator `{secret}` with\n\
         # envs [{SECRETS_ENV}]), or have a secret operator create it.\n\
         # A value is everything after the first `=`, as it is: no quotes, no escapes.\n"
    );
    for key in &inputs.secrets {
        out.push('\n');
        for line in inputs::describe(key) {
            out.push_str("# ");
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&key.key);
        out.push_str("=\n");
    }
    Some(out)
}
