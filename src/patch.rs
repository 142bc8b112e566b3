//! The driver's one check of the patches that no target can make: that none of them writes a
//! secret parameter's literal value (a model may hold one, with warning W0501) into output.
//! Everything else about a patch is its target's to check as it applies it (see
//! [`ir::patch`]).

use ir::model::Model;
use ir::patch::Patch;
use ir::{Diagnostics, Span, codes};

/// Values shorter than this are compared whole, longer ones also found inside a string: a
/// one-letter secret would otherwise match nearly every patch.
const FOUND_INSIDE: usize = 4;

/// Reports each patch value that carries the literal value of a secret parameter.
pub(crate) fn refuse_secret_literals(model: &Model, patches: &[Patch], diags: &mut Diagnostics) {
    let secrets: Vec<(&str, &str)> = model
        .parameters
        .iter()
        .filter(|p| p.secret)
        .filter_map(|p| Some((p.name.value.as_str(), p.value.as_ref()?.value.as_str())))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    if secrets.is_empty() {
        return;
    }
    let carries = |text: &str| {
        secrets.iter().find(|(_, secret)| {
            text == *secret || (secret.len() >= FOUND_INSIDE && text.contains(secret))
        })
    };
    let mut refuse = |span: Span, parameter: &str| {
        // The value is in the patch's text: no rendering may show it.
        diags.conceal(span);
        diags
            .report(
                codes::PATCH_TOUCHES_SECRET,
                span,
                format!("the patch carries the value of the secret parameter `{parameter}`"),
            )
            .with_label("a secret value would be written into the output")
            .with_help(format!(
                "read it from where the target keeps `{parameter}` instead (the Kubernetes Secret, the Compose variable, the Terraform variable); its value is supplied at deploy time"
            ));
    };
    for patch in patches {
        let mut texts: Vec<(Span, Vec<&str>)> = Vec::new();
        if let Some(merge) = &patch.merge {
            texts.push((merge.span, merge.value.strings()));
        }
        for op in &patch.json_patch {
            if let Some(value) = &op.value {
                texts.push((value.span, value.value.strings()));
            }
        }
        if let Some(text) = &patch.text {
            texts.push((text.span, vec![text.value.as_str()]));
        }
        for (span, found) in texts {
            if let Some((parameter, _)) = found.into_iter().find_map(carries) {
                refuse(span, parameter);
            }
        }
    }
}
