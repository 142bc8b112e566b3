//! The deploy-time inputs in the chart: the Secret the chart creates when the installer gives
//! the secrets (`templates/secrets.from-values.yaml`), and `NOTES.txt`, which says what to
//! supply and how to reach the external endpoints.
//!
//! The Secret holds no value of its own: each key is `required` (so a missing one stops
//! `helm install` and `helm template` with a message naming it), and a percent-encoded key is
//! derived from its raw key, which the kustomize base's users compute by hand.

use super::escape;
use super::template::PERCENT_ENCODE;
use super::values::Settings;
use crate::names;

/// The template of the Secret made from the `secrets` values; `None` when nothing reads one.
pub(crate) fn secret_template(
    settings: &Settings<'_>,
    header: &str,
    chart: &str,
    version_label: Option<&str>,
) -> Option<String> {
    if settings.inputs.secrets.is_empty() {
        return None;
    }
    let app = settings.app;
    let include = |helper: &str| {
        format!(
            "include {} .",
            escape::go_string(&format!("{chart}.{helper}"))
        )
    };
    let mut out = format!(
        "# {}\n\
         #\n\
         # The Secret of deploy-time inputs, made from the `secrets` values when one is given; otherwise\n\
         # the workloads read an existing Secret named `secretName`, which this chart does not create.\n\
         {{{{- if {} }}}}\n\
         apiVersion: \"v1\"\n\
         kind: \"Secret\"\n\
         metadata:\n\
         \x20 name: {{{{ .Values.secretName | quote }}}}\n\
         \x20 namespace: {{{{ .Release.Namespace | quote }}}}\n\
         \x20 labels:\n",
        escape::text(header),
        include("createSecret"),
    );
    let mut labels: Vec<(String, String)> = names::app_labels(&app.name)
        .into_iter()
        .map(|(key, value)| (key, quoted(&value)))
        .collect();
    for (key, value) in &mut labels {
        if key == "app.kubernetes.io/managed-by" {
            *value = "{{ .Release.Service | quote }}".to_string();
        }
    }
    labels.push((
        "helm.sh/chart".to_string(),
        format!("{{{{ {} | quote }}}}", include("chart")),
    ));
    if let Some(version) = version_label {
        labels.push(("app.kubernetes.io/version".to_string(), quoted(version)));
    }
    labels.sort();
    for (key, value) in labels {
        out.push_str(&format!("    {key}: {value}\n"));
    }
    out.push_str("type: \"Opaque\"\nstringData:\n");
    for key in &settings.inputs.secrets {
        let message = format!(
            "secrets.{raw} is required (parameter `{parameter}`): once one secrets value is given, the chart creates the Secret `secretName` and needs them all; give it with --set-string secrets.{raw}=...",
            raw = key.raw_key,
            parameter = key.parameter,
        );
        let value = format!(
            "required {} (index .Values.secrets {})",
            escape::go_string(&message),
            escape::go_string(&key.raw_key)
        );
        let expression = if key.uri_encoded {
            format!("{value} | {PERCENT_ENCODE}")
        } else {
            value
        };
        out.push_str(&format!("  {}: {{{{ {expression} | quote }}}}\n", key.key));
    }
    out.push_str("{{- end }}\n");
    Some(out)
}

/// A double-quoted YAML scalar, as the YAML writer writes one.
fn quoted(text: &str) -> String {
    aspirec_yaml::to_string(text)
        .unwrap_or_default()
        .trim_end_matches('\n')
        .to_string()
}

/// `templates/NOTES.txt`, printed by `helm install` and `helm status`.
pub(crate) fn notes(settings: &Settings<'_>, header: &str, chart: &str) -> String {
    let mut out = format!(
        "{{{{- /* {} */ -}}}}\n\
         Release {{{{ .Release.Name }}}} of the chart {{{{ .Chart.Name }}}} {{{{ .Chart.Version }}}}, in namespace {{{{ .Release.Namespace }}}}.\n",
        escape::comment(header)
    );
    if !settings.app.registries.is_empty() {
        out.push_str(
            "\nImages of private registries are pulled with these Secrets, which this release does not create:\n",
        );
        for registry in &settings.app.registries {
            out.push_str(&format!(
                "  kubectl create secret docker-registry {{{{ (index .Values.registries {}).pullSecret }}}} --namespace {{{{ .Release.Namespace }}}} --docker-server={} --docker-username=<user> --docker-password=<password>\n",
                escape::go_string(&registry.name),
                escape::text(&registry.server),
            ));
        }
    }
    let secret_keys = settings.secret_keys();
    if !secret_keys.is_empty() {
        let create = escape::go_string(&format!("{chart}.createSecret"));
        out.push_str(&format!(
            "{{{{- if include {create} . }}}}\n\
             \n\
             The chart created the Secret {{{{ .Values.secretName }}}} from the secrets values.\n\
             {{{{- else }}}}\n\
             \n\
             The workloads read their secrets from the Secret {{{{ .Values.secretName }}}}, which this release\n\
             did not create (no secrets value was given); their pods wait until it exists in namespace\n\
             {{{{ .Release.Namespace }}}}. Its keys:\n"
        ));
        for key in &settings.inputs.secrets {
            out.push_str(&format!("\n  {}\n", key.key));
            for line in crate::inputs::describe(key) {
                out.push_str(&format!("    {}\n", escape::text(&line)));
            }
        }
        let sets: Vec<String> = secret_keys
            .iter()
            .map(|key| format!("--set-string secrets.{key}=..."))
            .collect();
        out.push_str(&format!(
            "\n\
             Create it from an env file of those keys:\n\
             \x20 kubectl create secret generic {{{{ .Values.secretName }}}} --namespace {{{{ .Release.Namespace }}}} --from-env-file=secrets.env\n\
             or give the chart every secret (it derives the _URI_ENCODED keys):\n\
             \x20 helm upgrade {{{{ .Release.Name }}}} <chart> --namespace {{{{ .Release.Namespace }}}} --reuse-values {}\n\
             {{{{- end }}}}\n",
            sets.join(" ")
        ));
    }
    let external: Vec<_> = settings
        .workloads
        .iter()
        .filter(|w| !w.ingress.is_empty() || w.load_balancer.is_some())
        .collect();
    if !external.is_empty() {
        out.push_str("\nExternal endpoints:\n");
    }
    for workload in external {
        let values = format!(
            "(index .Values.workloads {})",
            escape::go_string(&workload.object)
        );
        for host in &workload.ingress {
            out.push_str(&format!(
                "{{{{- with {values}.ingress }}}}{{{{ if .enabled }}}}\n\
                 \x20 {object} ({port}): {{{{ if .tlsSecret }}}}https{{{{ else }}}}http{{{{ end }}}}://{{{{ index .hosts {port_key} }}}}{path} (Ingress)\n\
                 {{{{- end }}}}{{{{ end }}}}\n",
                object = workload.object,
                port = host.port,
                port_key = escape::go_string(&host.port),
                path = escape::text(&host.path),
            ));
        }
        if let Some(service) = &workload.load_balancer {
            out.push_str(&format!(
                "  {}: the address of the LoadBalancer Service {service}:\n\
                 \x20   kubectl get service {service} --namespace {{{{ .Release.Namespace }}}}\n",
                workload.object
            ));
        }
    }
    out
}
