//! The Helm chart (`--emit helm`): the plan printed as `<app>/`, a chart of the same objects
//! as the kustomize base, whose deploy-time places are values.
//!
//! - `Chart.yaml` (`chart`): apiVersion v2, the application's name, the version of
//!   `--chart-version` (else the model's tag when it is SemVer, else 0.1.0), `appVersion` the
//!   model's tag;
//! - `values.yaml` (`values`) and `values.schema.json` (`schema`): the Secret's name and the secrets,
//!   parameters, Aspire conditionals, Ingress class, storage class, and per workload its image
//!   parts, replicas, CPU and memory, Ingress and volumes, all defaulting to the plan's;
//! - `templates/<resource>.yaml` per workload and `templates/parameters.yaml` (`template`),
//!   `templates/secrets.from-values.yaml` and `templates/NOTES.txt` (`inputs`),
//!   `templates/_helpers.tpl` (`chart`).
//!
//! Objects are in the release's namespace (there is no Namespace object: `helm install
//! --create-namespace` makes it) and carry Helm's standard labels. Object names are the
//! kustomize base's: they are the host names the workloads' values point at.
//! No file holds a secret value: they come from an existing Secret or from `--set-string`.

mod chart;
mod escape;
mod inputs;
mod patch;
mod schema;
mod template;
mod values;

use ir::{Artifacts, PublishOptions};

use crate::names;
use crate::plan::{
    App, Conditional, Content, File, Inputs, Knob, PrintError, Printer, Segment, Workload,
};

pub use chart::valid_version as valid_chart_version;

/// The templates of the plan's files, collected until the chart is complete.
pub(crate) struct Chart {
    header: String,
    chart_version: Option<String>,
    /// The application, once [`Printer::begin`] has told it.
    app: Option<App>,
    /// The expressions of the chart label and of an image, the same in every object.
    chart_label: String,
    image: String,
    /// `templates/<file>` and its text.
    templates: Vec<(String, String)>,
    workloads: Vec<Workload>,
    /// Every conditional a value reads, in the order first read.
    conditionals: Vec<Conditional>,
    /// A buffer for one object's YAML, reused.
    scratch: String,
    /// The size of the last workload template: the next one is much alike.
    size_hint: usize,
}

impl Chart {
    pub(crate) fn new(options: &PublishOptions) -> Chart {
        Chart {
            header: options.header(),
            chart_version: options.chart_version.clone(),
            app: None,
            chart_label: String::new(),
            image: String::new(),
            templates: Vec::new(),
            workloads: Vec::new(),
            conditionals: Vec::new(),
            scratch: String::new(),
            size_hint: 0,
        }
    }

    fn version_label(&self) -> Option<&str> {
        self.app
            .as_ref()
            .map(|app| app.tag.as_str())
            .filter(|tag| chart::valid_label_value(tag))
    }
}

impl Printer for Chart {
    fn begin(&mut self, app: &App) {
        self.app = Some(app.clone());
        let helper = |name: &str| escape::go_string(&format!("{}.{name}", app.name));
        self.chart_label = format!("{{{{ include {} $ | quote }}}}", helper("chart"));
        self.image = format!("{{{{ include {} $w.image | quote }}}}", helper("image"));
    }

    fn file(&mut self, file: File) -> Result<(), PrintError> {
        let (path, workload) = match &file.content {
            // A release has its namespace; `helm install --create-namespace` makes it.
            Content::Namespace => return Ok(()),
            Content::Parameters => (names::PARAMETERS_FILE.to_string(), None),
            Content::Workload(workload) => (names::resource_file(&workload.object), Some(workload)),
        };
        let mut scratch = std::mem::take(&mut self.scratch);
        let scope = template::Scope {
            chart_label: &self.chart_label,
            image: &self.image,
            version_label: self.version_label(),
            workload,
        };
        let mut text = String::with_capacity(self.size_hint + self.size_hint / 8);
        text.push_str("# ");
        text.push_str(&escape::text(&self.header));
        text.push('\n');
        if let Some(workload) = workload {
            text.push_str(&template::workload_binding(workload));
        }
        for (index, object) in file.objects.iter().enumerate() {
            if index > 0 {
                text.push_str("---\n");
            }
            if let Content::Parameters = file.content {
                text.push_str(
                    "# Defaults of the model's non-secret parameters: the `parameters` values. Running pods\n\
                     # read them when they start.\n",
                );
            }
            template::document(&mut text, &mut scratch, &scope, object)?;
        }
        self.scratch = scratch;
        if workload.is_some() {
            self.size_hint = text.len();
        }
        for object in &file.objects {
            for slot in &object.slots {
                let Knob::Text(segments) = &slot.knob else {
                    continue;
                };
                for segment in segments {
                    if let Segment::Conditional(conditional) = segment {
                        if !self.conditionals.iter().any(|c| c.name == conditional.name) {
                            self.conditionals.push(conditional.clone());
                        }
                    }
                }
            }
        }
        self.templates.push((path, text));
        if let Content::Workload(workload) = file.content {
            self.workloads.push(workload);
        }
        Ok(())
    }

    fn finish(self, inputs: &Inputs) -> Result<Artifacts, PrintError> {
        let mut artifacts = Artifacts::new();
        let Some(app) = &self.app else {
            return Ok(artifacts);
        };
        let version_label = self.version_label();
        let name = app.name.as_str();
        let at = |path: &str| format!("{name}/{path}");
        let version = chart::version(self.chart_version.as_deref(), &app.tag);
        artifacts.insert(
            at("Chart.yaml"),
            chart::chart_yaml(&self.header, name, version, &app.tag)?,
        );
        let settings = values::Settings {
            app,
            inputs,
            workloads: &self.workloads,
            conditionals: &self.conditionals,
        };
        artifacts.insert(at("values.yaml"), values::yaml(&settings, &self.header)?);
        artifacts.insert(
            at("values.schema.json"),
            schema::schema(&settings, &self.header),
        );
        artifacts.insert(
            at("templates/_helpers.tpl"),
            chart::helpers(&self.header, name),
        );
        artifacts.insert(
            at("templates/NOTES.txt"),
            inputs::notes(&settings, &self.header, name),
        );
        if let Some(secret) = inputs::secret_template(&settings, &self.header, name, version_label)
        {
            artifacts.insert(at("templates/secrets.from-values.yaml"), secret);
        }
        for (path, text) in self.templates {
            artifacts.insert(at(&format!("templates/{path}")), text);
        }
        Ok(artifacts)
    }
}

#[cfg(test)]
mod tests;
