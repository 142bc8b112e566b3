//! One template file: the plan's objects written as the kustomize base writes them, with each
//! deploy-time place ([`Slot`]) replaced by a template expression over the chart's values.
//!
//! The YAML writer writes each object as it writes the kustomize base, through a wrapper
//! ([`patch`]) that escapes every string and key for Go templates ([`escape`]) and puts a
//! marker `{{@n}}` in each slot's place (adding the field where it is absent by default). Each
//! quoted marker is then replaced by what the slot becomes: an expression in place of the
//! scalar, or, for a field that only some values set, a `with` block in place of its line.
//! Escaped text holds no `{{` but before a backquote, so a marker cannot be mistaken for text
//! a user wrote.

use std::borrow::Cow;

use super::escape;
use super::patch::{Action, Added, Patched, Places};
use crate::plan::{Knob, Object, PrintError, Segment, Switch, Workload};

/// What a template needs beyond the objects.
pub(crate) struct Scope<'a> {
    /// The expression of the chart label (`include "<chart>.chart"`).
    pub(crate) chart_label: &'a str,
    /// The expression of the container image (`include "<chart>.image"`).
    pub(crate) image: &'a str,
    /// The value of `app.kubernetes.io/version`, when the version is a valid label value.
    pub(crate) version_label: Option<&'a str>,
    /// The workload whose objects these are, whose values `$w` holds.
    pub(crate) workload: Option<&'a Workload>,
}

/// What a marker becomes.
enum Form {
    /// An expression (or a quoted string with expressions) in place of the quoted scalar.
    /// Borrowed where it is the same in every object (most are).
    Inline(Cow<'static, str>),
    /// A `with` block over `value` in place of the marker's line, whose key it keeps.
    With { value: String, body: Body },
}

/// The inside of a [`Form::With`] block, where `.` is the value.
enum Body {
    /// `key: <the value, quoted>`.
    Quoted,
    /// `key:` and the value (a map) as YAML under it.
    Yaml,
    /// `key:` and one TLS entry: the value as the Secret's name, for these hosts.
    Tls(Vec<String>),
}

/// The line that binds `$w` to the workload's values, at the top of its template.
pub(crate) fn workload_binding(workload: &Workload) -> String {
    format!(
        "{{{{- $w := index .Values.workloads {} }}}}\n",
        escape::go_string(&workload.object)
    )
}

/// Appends `object` as a document of a template; `text` is a buffer for the object's YAML,
/// reused from object to object.
pub(crate) fn document(
    out: &mut String,
    text: &mut String,
    scope: &Scope<'_>,
    object: &Object,
) -> Result<(), PrintError> {
    let mut places = Vec::with_capacity(object.slots.len());
    let mut forms = Vec::with_capacity(object.slots.len() + 4);
    for slot in &object.slots {
        let action = match &slot.knob {
            Knob::Labels => relabel(true, scope, &mut forms),
            Knob::Selector => relabel(false, scope, &mut forms),
            knob @ (Knob::Namespace
            | Knob::Replicas
            | Knob::Autoscale(_)
            | Knob::Image
            | Knob::Resources
            | Knob::SecretName
            | Knob::PullSecret(_)
            | Knob::Parameter(_)
            | Knob::StorageSize(_)
            | Knob::StorageClass(_)
            | Knob::IngressHost(_)
            | Knob::IngressClass
            | Knob::IngressTls
            | Knob::Text(_)) => {
                let form = form(knob, scope).ok_or_else(|| {
                    PrintError::Slot(format!("no value for the deploy-time place `{}`", slot.at))
                })?;
                forms.push(form);
                Action::Mark(forms.len() - 1)
            }
        };
        places.push((slot.at.as_ref(), action));
    }
    let places = Places::new(places);
    if let Some(switch) = object.only_if {
        out.push_str(&format!("{{{{- if {} }}}}\n", switch_value(switch)));
    }
    let comment = object.comment.iter().map(String::as_str);
    crate::emit::write_comment_with(out, "", comment, escape::text);
    text.clear();
    let patched = Patched {
        value: &object.manifest,
        node: places.root(),
    };
    aspirec_yaml::write_document(text, &patched, crate::emit::ORDER)?;
    fill(out, text, &forms)?;
    if object.only_if.is_some() {
        out.push_str("{{- end }}\n");
    }
    Ok(())
}

fn switch_value(switch: Switch) -> &'static str {
    match switch {
        Switch::Ingress => "$w.ingress.enabled",
    }
}

/// The labels a release owns: `instance` is the release's name and `managed-by` Helm, and an
/// object's labels (`full`) also name the chart and its version (a selector keeps to what
/// never changes for the life of the installation).
fn relabel(full: bool, scope: &Scope<'_>, forms: &mut Vec<Form>) -> Action {
    let mut mark = |expression: Cow<'static, str>| {
        forms.push(Form::Inline(expression));
        forms.len() - 1
    };
    let mut marks = vec![(
        INSTANCE,
        mark(Cow::Borrowed("{{ $.Release.Name | quote }}")),
    )];
    let mut added = Vec::new();
    if full {
        marks.push((
            MANAGED_BY,
            mark(Cow::Borrowed("{{ $.Release.Service | quote }}")),
        ));
        if let Some(version) = scope.version_label {
            added.push((VERSION.to_string(), Added::Text(version.to_string())));
        }
        let chart = mark(Cow::Owned(scope.chart_label.to_string()));
        added.push(("helm.sh/chart".to_string(), Added::Mark(chart)));
    }
    Action::Relabel { marks, added }
}

const INSTANCE: &str = "app.kubernetes.io/instance";
const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
const VERSION: &str = "app.kubernetes.io/version";

/// What a slot becomes; `None` when the plan refers to a value its workload does not have.
fn form(knob: &Knob, scope: &Scope<'_>) -> Option<Form> {
    let quoted =
        |expression: String| Form::Inline(Cow::Owned(format!("{{{{ {expression} | quote }}}}")));
    let fixed = |expression: &'static str| Form::Inline(Cow::Borrowed(expression));
    let workload = scope.workload;
    Some(match knob {
        Knob::Namespace => fixed("{{ $.Release.Namespace | quote }}"),
        Knob::Replicas => fixed("{{ $w.replicas | int }}"),
        Knob::Autoscale(key) => {
            Form::Inline(Cow::Owned(format!("{{{{ $w.autoscale.{key} | int }}}}")))
        }
        Knob::Image => Form::Inline(Cow::Owned(scope.image.to_string())),
        Knob::Resources => Form::With {
            value: "$w.resources".to_string(),
            body: Body::Yaml,
        },
        Knob::SecretName => fixed("{{ $.Values.secretName | quote }}"),
        Knob::PullSecret(registry) => quoted(format!(
            "index $.Values.registries {} \"pullSecret\"",
            escape::go_string(registry)
        )),
        Knob::Parameter(key) => {
            let value = format!(
                "index $.Values.parameters {}",
                escape::go_string(&key.raw_key)
            );
            if key.uri_encoded {
                quoted(format!("{value} | {PERCENT_ENCODE}"))
            } else {
                quoted(value)
            }
        }
        Knob::StorageSize(index) => quoted(format!("{}.size", volume(workload?, *index)?)),
        Knob::StorageClass(index) => Form::With {
            value: format!(
                "{}.storageClass | default $.Values.storageClass",
                volume(workload?, *index)?
            ),
            body: Body::Quoted,
        },
        Knob::IngressHost(index) => quoted(host(workload?, *index)?),
        Knob::IngressClass => Form::With {
            value: if workload?.ingress_class.is_some() {
                "$w.ingress.className | default $.Values.ingress.className".to_string()
            } else {
                "$.Values.ingress.className".to_string()
            },
            body: Body::Quoted,
        },
        Knob::IngressTls => {
            let workload = workload?;
            let hosts = (0..workload.ingress.len())
                .map(|index| host(workload, index))
                .collect::<Option<Vec<String>>>()?;
            Form::With {
                value: "$w.ingress.tlsSecret".to_string(),
                body: Body::Tls(hosts),
            }
        }
        Knob::Text(segments) => Form::Inline(Cow::Owned(text(segments))),
        Knob::Labels | Knob::Selector => return None,
    })
}

/// RFC 3986 percent-encoding in a template: Go's `urlquery` escapes every byte but
/// `A-Za-z0-9-_.~` (as `%XX`, upper case) except a space, which it writes `+`; a `+` of the
/// value is escaped, so each `+` left is a space.
pub(crate) const PERCENT_ENCODE: &str = "toString | urlquery | replace \"+\" \"%20\"";

/// The values of volume `index` of the workload.
fn volume(workload: &Workload, index: usize) -> Option<String> {
    let volume = workload.volumes.get(index)?;
    Some(format!(
        "(index $w.storage {})",
        escape::go_string(&volume.name)
    ))
}

/// The host of Ingress rule `index` of the workload.
fn host(workload: &Workload, index: usize) -> Option<String> {
    let host = workload.ingress.get(index)?;
    Some(format!(
        "index $w.ingress.hosts {}",
        escape::go_string(&host.port)
    ))
}

/// A string with conditional parts, as a quoted YAML scalar whose conditionals are actions.
fn text(segments: &[Segment]) -> String {
    let mut out = String::from("\"");
    for segment in segments {
        match segment {
            Segment::Text(text) => out.push_str(&quoted_content(text)),
            Segment::Conditional(conditional) => {
                let value = format!(
                    "index $.Values.conditions {}",
                    escape::go_string(&conditional.name)
                );
                match &conditional.switch {
                    Some(switch) => {
                        out.push_str(&format!("{{{{ if {value} }}}}"));
                        out.push_str(&quoted_content(&crate::expansion::escape(switch.when_on)));
                        if !switch.when_off.is_empty() {
                            out.push_str("{{ else }}");
                            out.push_str(&quoted_content(&crate::expansion::escape(
                                switch.when_off,
                            )));
                        }
                        out.push_str("{{ end }}");
                    }
                    // The deployer's text, escaped for a double-quoted scalar (JSON's escapes
                    // are YAML's) and for the kubelet (`$$` is a `$` whatever follows).
                    None => out.push_str(&format!(
                        "{{{{ {value} | toString | toJson | trimPrefix \"\\\"\" | trimSuffix \"\\\"\" | replace \"$\" \"$$\" }}}}"
                    )),
                }
            }
        }
    }
    out.push('"');
    out
}

/// `text` as the inside of a double-quoted YAML scalar, escaped for Go templates, written by
/// the YAML writer itself so that it is quoted as every other string is.
fn quoted_content(text: &str) -> String {
    let escaped = escape::text(text);
    let written = aspirec_yaml::to_string(escaped.as_ref()).unwrap_or_default();
    written
        .trim_end_matches('\n')
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// Appends `text` with each quoted marker replaced by its form.
fn fill(out: &mut String, text: &str, forms: &[Form]) -> Result<(), PrintError> {
    let mut rest = text;
    while let Some(at) = marker_start(rest) {
        let after = &rest[at + 4..];
        let bad = || PrintError::Slot(format!("a broken marker in {:?}", &rest[at..]));
        let end = after.find("}}\"").ok_or_else(bad)?;
        let index: usize = after[..end].parse().map_err(|_| bad())?;
        let form = forms.get(index).ok_or_else(bad)?;
        let tail = &after[end + 3..];
        match form {
            Form::Inline(expression) => {
                out.push_str(&rest[..at]);
                out.push_str(expression);
            }
            Form::With { value, body } => {
                let line_start = rest[..at].rfind('\n').map_or(0, |newline| newline + 1);
                let line = &rest[line_start..at];
                let indent = &line[..line.len() - line.trim_start().len()];
                let key = line
                    .trim()
                    .strip_suffix(':')
                    .filter(|key| !key.starts_with('-'))
                    .ok_or_else(|| {
                        PrintError::Slot(format!(
                            "an optional field is not on a line of its own: {line:?}"
                        ))
                    })?;
                out.push_str(&rest[..line_start]);
                with_block(out, indent, key, value, body);
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    Ok(())
}

/// Where the first quoted marker (`"{{@`) of `text` starts; `@` is looked for with memchr, as
/// the text is long and markers are few.
fn marker_start(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find('@') {
        let at = from + at;
        if at >= 3 && text.as_bytes()[at - 3..at] == *b"\"{{" {
            return Some(at - 3);
        }
        from = at + 1;
    }
    None
}

/// `key` under `indent`, present only when `value` is not empty.
fn with_block(out: &mut String, indent: &str, key: &str, value: &str, body: &Body) {
    out.push_str(&format!("{indent}{{{{- with {value} }}}}\n"));
    match body {
        Body::Quoted => out.push_str(&format!("{indent}{key}: {{{{ . | quote }}}}\n")),
        Body::Yaml => out.push_str(&format!(
            "{indent}{key}:\n{indent}  {{{{- toYaml . | nindent {} }}}}\n",
            indent.len() + 2
        )),
        Body::Tls(hosts) => {
            out.push_str(&format!(
                "{indent}{key}:\n{indent}  - secretName: {{{{ . | quote }}}}\n{indent}    hosts:\n"
            ));
            for host in hosts {
                out.push_str(&format!("{indent}      - {{{{ {host} | quote }}}}\n"));
            }
        }
    }
    out.push_str(&format!("{indent}{{{{- end }}}}"));
}
