//! How the plans of the other clouds' targets (terraform-aws, terraform-gcp) report what their
//! platform cannot express: E0702 with what to do instead, or with `--allow-unsupported` W0701
//! naming what is left out of that cloud's output; E0704 for an endpoint the platform cannot
//! expose, or W0701 with what becomes of it. The texts are each target's; the rule is one.

use ir::{Diagnostic, Diagnostics, Resource, Span, codes};

/// What a target says about an endpoint it cannot expose (E0704).
#[derive(Clone, Copy, Debug)]
pub struct IngressTexts {
    /// The label at the resource.
    pub label: &'static str,
    /// Why the platform cannot.
    pub note: &'static str,
    /// With `--allow-unsupported`: what becomes of the endpoint.
    pub left_out: &'static str,
    /// Without it: what to do.
    pub help: &'static str,
}

/// The reporter of one target's plan.
#[derive(Clone, Copy, Debug)]
pub struct Report {
    pub allow_unsupported: bool,
    /// The target's id, at the end of each E0702 message.
    pub target: &'static str,
    /// The platform's name in "left out of the `<platform>` output".
    pub platform: &'static str,
    pub ingress: IngressTexts,
}

impl Report {
    /// E0702 (or W0701) at the resource: `message`, `why`, what to do `instead`, and `what`
    /// is left out.
    pub fn unsupported(
        self,
        resource: &Resource,
        message: String,
        why: &str,
        instead: &str,
        what: &str,
        diags: &mut Diagnostics,
    ) {
        self.unsupported_at(resource.span, message, why, instead, what, diags);
    }

    /// [`Report::unsupported`] at `span`.
    pub fn unsupported_at(
        self,
        span: Span,
        message: String,
        why: &str,
        instead: &str,
        what: &str,
        diags: &mut Diagnostics,
    ) {
        let d = Diagnostic::new(
            codes::UNSUPPORTED_FEATURE,
            span,
            format!("{message} ({} target)", self.target),
        )
        .note(why);
        diags.push(if self.allow_unsupported {
            d.help(instead).left_out(format!(
                "{what} is left out of the {} output by --allow-unsupported",
                self.platform
            ))
        } else {
            d.help(format!(
                "{instead}, or pass --allow-unsupported to leave {what} out"
            ))
        });
    }

    /// E0704 (or W0701) at the resource, with the target's [`IngressTexts`].
    pub fn invalid_ingress(self, resource: &Resource, message: String, diags: &mut Diagnostics) {
        let texts = self.ingress;
        let d = Diagnostic::new(codes::INVALID_INGRESS, resource.span, message)
            .label(texts.label)
            .note(texts.note);
        diags.push(if self.allow_unsupported {
            d.left_out(texts.left_out)
        } else {
            d.help(texts.help)
        });
    }
}
