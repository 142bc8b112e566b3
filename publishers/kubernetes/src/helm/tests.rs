//! Tests of the chart on models built in Rust: the templates are the kustomize base's objects
//! with every deploy-time place filled, user text is escaped for Go templates, conditionals
//! become switches, and no secret reaches the chart. (Rendering with Helm itself, and the
//! comparison with `kustomize build`, is `tests/helm/agree.sh`.)

use ir::model::*;
use ir::testing::*;
use ir::{Artifacts, CheckOptions, CheckedModel, Diagnostics, IntegrationKind, PublishOptions};

use crate::emit::FileText;
use crate::plan::{App, File, Inputs, Manifest, PrintError, Printer};
use crate::tests::{PLANTED, postgres, secret_model};
use crate::{HELM, PUBLISHER};

fn checked(model: &Model) -> CheckedModel {
    let mut diags = Diagnostics::new();
    let targets: [&dyn ir::Publisher; 2] = [&PUBLISHER, &HELM];
    let options = CheckOptions {
        targets: &targets,
        allow_unsupported: false,
        strict_names: true,
    };
    ir::check(model, &options, &mut diags).unwrap_or_else(|| panic!("{diags:?}"))
}

/// Keeps the plan's files.
#[derive(Default)]
struct Recorder {
    files: Vec<File>,
}

impl Printer for &mut Recorder {
    fn begin(&mut self, _app: &App) {}

    fn file(&mut self, file: File) -> Result<(), PrintError> {
        self.files.push(file);
        Ok(())
    }

    fn finish(self, _inputs: &Inputs) -> Result<Artifacts, PrintError> {
        Ok(Artifacts::new())
    }
}

fn chart(model: &Model) -> Artifacts {
    let (artifacts, diags) = publish(&HELM, model, false);
    artifacts.unwrap_or_else(|| panic!("{diags:?}"))
}

/// A model with every deploy-time place: volumes, an Ingress, CPU and memory, a parameter with
/// a default and one inside a URI, a secret, and an Aspire conditional.
fn rich_model() -> Model {
    let mut web = container("ghcr.io/acme/web:1.0");
    let mut admin = endpoint("admin", 9090, true);
    admin.scheme = Some(s("http".to_string()));
    web.endpoints = vec![endpoint("http", 8080, true), admin];
    web.references = vec![reference("cache")];
    web.limits = LimitsDecl {
        cpu: Some(s("500m".to_string())),
        memory: Some(s("1Gi".to_string())),
    };
    web.volumes = vec![VolumeDecl {
        name: s("uploads".to_string()),
        target: s("/uploads".to_string()),
        read_only: false,
    }];
    web.env = vec![
        env("LEVEL", template("{level.value}")),
        env(
            "TLS_CACHE",
            template("cache:6379{cond-cache-bindings-tcp-tlsenabled-1.connectionString}"),
        ),
        env(
            "HOSTILE",
            literal("{{ .Values.x }} {{- fail \"no\" }} `{{`"),
        ),
    ];
    let cond = resource(
        "cond-cache-bindings-tcp-tlsenabled-1",
        ResourceKindDecl::External(ExternalDecl {
            url: None,
            connection_string: Some(literal("")),
        }),
    );
    model(
        vec![param("level", false, Some("info")), param("pw", true, None)],
        vec![
            hosted(
                "cache",
                IntegrationDecl {
                    password: Some(template("{pw.value}")),
                    ..integration(IntegrationKind::Redis)
                },
            ),
            cond,
            compute("web", web),
        ],
    )
}

/// The Helm printer writes each object through a wrapper that fills its places; with none,
/// that must be the kustomize base's text byte for byte (but for the escaped `{{`), for every
/// object the lowering makes.
#[test]
fn objects_written_through_the_wrapper_are_the_kustomize_text() {
    for model in [secret_model(), rich_model()] {
        let model = checked(&model);
        let mut recorder = Recorder::default();
        let mut diags = Diagnostics::new();
        crate::lower::run(
            &model,
            &PublishOptions::default(),
            &mut diags,
            &mut recorder,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut objects = 0;
        for object in recorder.files.iter().flat_map(|f| &f.objects) {
            let mut typed = FileText::with_capacity("", 0);
            crate::plan::each_manifest!(&object.manifest, o => typed.push(o, &[])).unwrap();
            let patched = super::patch::Patched {
                value: &object.manifest,
                node: None,
            };
            let mut wrapped = String::from("#\n");
            aspirec_yaml::write_document(&mut wrapped, &patched, crate::emit::ORDER).unwrap();
            assert_eq!(typed.finish(), wrapped.replace("{{`{{`}}", "{{"));
            objects += 1;
        }
        assert!(objects > 5, "{objects}");
    }
}

#[test]
fn every_deploy_time_place_becomes_an_expression() {
    let chart = chart(&rich_model());
    let web = file(&chart, "shop/templates/web.yaml");
    for expected in [
        "{{- $w := index .Values.workloads \"web\" }}\n",
        "  replicas: {{ $w.replicas | int }}\n",
        "          image: {{ include \"shop.image\" $w.image | quote }}\n",
        "          {{- with $w.resources }}\n          resources:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}\n",
        "  namespace: {{ $.Release.Namespace | quote }}\n",
        "    app.kubernetes.io/instance: {{ $.Release.Name | quote }}\n",
        "    helm.sh/chart: {{ include \"shop.chart\" $ | quote }}\n",
        "      storage: {{ (index $w.storage \"uploads\").size | quote }}\n",
        "  {{- with (index $w.storage \"uploads\").storageClass | default $.Values.storageClass }}\n  storageClassName: {{ . | quote }}\n  {{- end }}\n",
        "{{- if $w.ingress.enabled }}\n",
        "    - host: {{ index $w.ingress.hosts \"http\" | quote }}\n",
        "    - host: {{ index $w.ingress.hosts \"admin\" | quote }}\n",
        "  {{- with $.Values.ingress.className }}\n  ingressClassName: {{ . | quote }}\n  {{- end }}\n",
        "  tls:\n    - secretName: {{ . | quote }}\n      hosts:\n        - {{ index $w.ingress.hosts \"http\" | quote }}\n        - {{ index $w.ingress.hosts \"admin\" | quote }}\n",
        "                  name: {{ $.Values.secretName | quote }}\n",
    ] {
        assert!(web.contains(expected), "{expected}\nnot in:\n{web}");
    }
    for (path, text) in chart.iter() {
        assert!(!text.contains("{{@"), "{path} keeps a marker:\n{text}");
    }
    let parameters = file(&chart, "shop/templates/parameters.yaml");
    assert!(
        parameters.contains("  LEVEL: {{ index $.Values.parameters \"LEVEL\" | quote }}\n"),
        "{parameters}"
    );
    let values = file(&chart, "shop/values.yaml");
    for expected in [
        "  web:\n    image:\n      registry: \"ghcr.io\"\n      repository: \"acme/web\"\n      tag: \"1.0\"\n    replicas: 1\n",
        "    resources:\n      limits:\n        cpu: \"500m\"\n        memory: \"1Gi\"\n      requests:\n",
        "      hosts:\n        http: \"web.shop.localhost\"\n        admin: \"admin.web.shop.localhost\"\n",
        "    storage:\n      uploads:\n        size: \"1Gi\"\n        storageClass: \"\"\n",
        "parameters:\n  LEVEL: \"info\"\n",
        "secretName: \"shop-secrets\"\n",
        "  PW: \"\"\n",
    ] {
        assert!(values.contains(expected), "{expected}\nnot in:\n{values}");
    }
}

/// Text a user wrote reaches the manifest as it is: each `{{` is an action that prints `{{`.
#[test]
fn user_text_is_escaped_for_go_templates() {
    let chart = chart(&rich_model());
    let web = file(&chart, "shop/templates/web.yaml");
    assert!(
        web.contains("value: \"{{`{{`}} .Values.x }} {{`{{`}}- fail \\\"no\\\" }} `{{`{{`}}`\""),
        "{web}"
    );
}

#[test]
fn an_aspire_tls_conditional_is_a_switch() {
    let model = rich_model();
    let chart = chart(&model);
    let web = file(&chart, "shop/templates/web.yaml");
    assert!(
        web.contains("value: \"cache:6379{{ if index $.Values.conditions \"cond-cache-bindings-tcp-tlsenabled-1\" }},ssl=true{{ end }}\""),
        "{web}"
    );
    let values = file(&chart, "shop/values.yaml");
    assert!(
        values.contains("conditions:\n  cond-cache-bindings-tcp-tlsenabled-1: false\n"),
        "{values}"
    );
    // The kustomize base keeps the branch the manifest chose.
    let (base, _) = publish(&PUBLISHER, &model, false);
    let base = base.unwrap_or_default();
    assert!(file(&base, "web.yaml").contains("value: \"cache:6379\"\n"));
}

#[test]
fn planted_secrets_never_reach_the_chart_and_the_secret_is_required() {
    let chart = chart(&secret_model());
    for (path, text) in chart.iter() {
        assert!(
            !text.contains(PLANTED),
            "`{path}` contains the planted secret"
        );
    }
    let secret = file(&chart, "shop/templates/secrets.from-values.yaml");
    assert!(
        secret.contains("  TOKEN: {{ required \"secrets.TOKEN is required (parameter `token`)"),
        "{secret}"
    );
    // The encoded key is derived from the raw one.
    assert!(
        secret.contains("(index .Values.secrets \"DB_PASS\") | toString | urlquery | replace \"+\" \"%20\" | quote }}"),
        "{secret}"
    );
    let values = file(&chart, "shop/values.yaml");
    assert!(
        values.contains("  TOKEN: \"\"\n") && !values.contains("DB_PASS_URI_ENCODED"),
        "{values}"
    );
}

#[test]
fn the_chart_is_deterministic() {
    assert_eq!(chart(&rich_model()), chart(&rich_model()));
    let _ = postgres(None, &[]);
}
