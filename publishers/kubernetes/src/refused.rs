//! Values that kustomize cannot carry, however they are escaped: DEL, the C1 control
//! characters other than NEL, and U+FFFE/U+FFFF. The manifests hold them exactly (the YAML
//! writer escapes them, and PyYAML, go-yaml and `kubectl apply -f` read them back), but
//! kustomize 5 (measured with kubectl 1.32's v5.5) turns every document into JSON and back
//! through YAML, and Go's JSON writes these characters raw, which YAML's reader refuses: `kubectl
//! apply -k` fails on the whole base. Nothing aspirec writes can avoid that, so each such value
//! is a warning (W0702) that says where it is and what still works.

use ir::{CheckedModel, Diagnostic, Diagnostics, Part, Span, Value, codes};

/// Whether kustomize refuses `c` in a value (see the module doc).
fn refused(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

fn in_text(text: &str) -> Option<char> {
    text.chars().find(|&c| refused(c))
}

fn in_value(value: &Value) -> Option<char> {
    value.parts.iter().find_map(|part| match part {
        Part::Text(text) => in_text(text),
        Part::Param { .. }
        | Part::Endpoint { .. }
        | Part::ConnectionString { .. }
        | Part::ConnectionProperty { .. } => None,
    })
}

/// Warns about every env value, argument, entrypoint word and parameter default that holds a
/// character kustomize refuses.
pub(crate) fn check(model: &CheckedModel, diags: &mut Diagnostics) {
    for (_, resource, workload) in model.workloads() {
        let found = workload
            .env
            .iter()
            .filter_map(|env| {
                in_value(&env.value).map(|c| (format!("environment variable `{}`", env.name), c))
            })
            .chain(
                workload
                    .args
                    .iter()
                    .filter_map(|arg| in_value(arg).map(|c| ("an argument".to_string(), c))),
            )
            .chain(
                workload
                    .entrypoint
                    .iter()
                    .filter_map(|word| in_text(word).map(|c| ("the entrypoint".to_string(), c))),
            );
        for (what, c) in found {
            report(
                diags,
                resource.span,
                &format!("{what} of `{}`", resource.name),
                c,
            );
        }
    }
    for (_, parameter) in model.parameters() {
        if let Some(c) = parameter.default.as_deref().and_then(in_text) {
            report(
                diags,
                parameter.span,
                &format!("the default of parameter `{}`", parameter.name),
                c,
            );
        }
    }
}

fn report(diags: &mut Diagnostics, span: Span, what: &str, c: char) {
    diags.push(
        Diagnostic::new(
            codes::KUSTOMIZE_REFUSED_CHARACTER,
            span,
            format!("{what} holds U+{:04X}, which kustomize refuses", c as u32),
        )
        .label("`kubectl apply -k` fails on this value")
        .help("the manifests hold the value exactly: apply them with `kubectl apply -f`, or remove the character")
        .note("kustomize refuses DEL, the C1 control characters other than NEL, and U+FFFE and U+FFFF in any value, however they are escaped"),
    );
}

#[cfg(test)]
mod tests {
    use super::refused;

    #[test]
    fn what_kustomize_refuses() {
        for c in ['\u{7f}', '\u{80}', '\u{9f}', '\u{fffe}', '\u{ffff}'] {
            assert!(refused(c), "{c:?}");
        }
        for c in [
            '\u{85}', '\u{1b}', '\0', '\u{feff}', '\u{2028}', '\u{a0}', '\u{fffd}', 'é',
        ] {
            assert!(!refused(c), "{c:?}");
        }
    }
}
