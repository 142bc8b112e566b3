//! What Azure Container Apps cannot express (bind mounts, UDP, exec probes without a port,
//! secret arguments): E0702, or with `--allow-unsupported` W0701 and the part is left out.

use ir::{Diagnostic, Diagnostics, PublishOptions, Resource, codes};

/// Reports `message` about `resource`, at its declaration; `help` says what to do instead.
/// The message names the target, since the terraform target reports the same platform's
/// limits in its own words.
pub(crate) fn report(
    diags: &mut Diagnostics,
    options: &PublishOptions,
    resource: &Resource,
    message: String,
    help: &str,
) {
    let diagnostic = Diagnostic::new(
        codes::UNSUPPORTED_FEATURE,
        resource.span,
        format!("{message} (bicep target)"),
    )
    .label("not supported by the bicep target");
    if options.allow_unsupported {
        diags.push(
            Diagnostic {
                code: codes::UNSUPPORTED_LEFT_OUT,
                ..diagnostic.downgrade()
            }
            .note("left out of the Bicep output by --allow-unsupported"),
        );
    } else {
        diags.push(diagnostic.help(format!(
            "{help}, or pass --allow-unsupported to leave it out"
        )));
    }
}
