//! Names the targets write as they are, checked where they are declared: environment
//! variable names (of containers, integrations, build arguments and build secrets) and the
//! Kubernetes namespace.
//!
//! Without these checks an empty name made `docker compose config` fail, `A=B` became the
//! variable `A` with the value `B=...`, a newline split a `.env` line in two, and
//! `defaults.namespace = "../x"` was silently rewritten to `x` by the Kubernetes target.

use crate::codes;
use crate::diagnostic::Diagnostics;
use crate::model::{EnvDecl, Model, ResourceKindDecl};
use crate::span::Spanned;

pub(crate) fn run(model: &Model, diags: &mut Diagnostics) {
    if let Some(namespace) = &model.namespace {
        check_namespace(namespace, diags);
    }
    for resource in &model.resources {
        match &resource.kind {
            ResourceKindDecl::Compute(compute) => {
                check_names(&compute.env, "environment variable", diags);
                if let Some(build) = &compute.build {
                    check_names(&build.args, "build argument", diags);
                    check_names(&build.secrets, "build secret", diags);
                }
            }
            ResourceKindDecl::Integration(integration) => {
                check_names(&integration.env, "environment variable", diags);
            }
            // A module's parameters are Bicep parameters, not environment variables: the
            // module's own file says which names it takes.
            ResourceKindDecl::External(_)
            | ResourceKindDecl::Unsupported(_)
            | ResourceKindDecl::AzureModule(_)
            | ResourceKindDecl::Undeclared(_) => {}
        }
    }
}

fn check_names(entries: &[EnvDecl], what: &str, diags: &mut Diagnostics) {
    for entry in entries {
        if let Some(problem) = variable_name_problem(&entry.name.value) {
            diags
                .report(
                    codes::INVALID_VARIABLE_NAME,
                    entry.name.span,
                    if entry.name.value.is_empty() {
                        format!("empty {what} name")
                    } else {
                        format!("invalid {what} name `{}`", entry.name.value.escape_debug())
                    },
                )
                .with_label(problem)
                .with_help("a variable name is a non-empty word of printable characters without `=` or spaces, such as `API_URL` or `ConnectionStrings__db`");
        }
    }
}

/// What no target can pass on as a variable name: the empty name, `=` (it ends the name in
/// every environment block and `.env` file), whitespace (a shell cannot export it, and Compose's
/// `.env` reads it as a separator) and control or invisible format characters.
pub(crate) fn variable_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("the name is empty")
    } else if name.contains('=') {
        Some("`=` ends a variable's name, so the name cannot hold it")
    } else if name
        .chars()
        .any(|c| c.is_control() || crate::text::is_unsafe_in_comment(c))
    {
        Some("the name holds a control or invisible formatting character")
    } else if name.chars().any(char::is_whitespace) {
        Some("the name holds whitespace")
    } else {
        None
    }
}

/// A Kubernetes namespace is a DNS label (RFC 1123): lowercase letters, digits and `-`,
/// starting and ending with a letter or digit, at most 63 characters.
fn check_namespace(namespace: &Spanned<String>, diags: &mut Diagnostics) {
    let text = &namespace.value;
    let bytes = text.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric);
    if !valid {
        let suggestion = crate::publish::dns_label(text, 63);
        let diagnostic = diags
            .report(
                codes::INVALID_VALUE,
                namespace.span,
                format!("invalid namespace `{}`", text.escape_debug()),
            )
            .with_label("a Kubernetes namespace is a DNS label")
            .with_note("lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters");
        if !suggestion.is_empty() {
            diagnostic.with_help(format!("write `{suggestion}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::variable_name_problem;

    #[test]
    fn variable_names_that_no_target_can_pass_on() {
        for good in [
            "A",
            "API_URL",
            "ConnectionStrings__db",
            "services__a__http__0",
            "a.b-c",
            "É",
        ] {
            assert_eq!(variable_name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "A=B",
            "=",
            "A\nB",
            "A\0",
            "A\u{1b}",
            "A\u{7f}",
            "A B",
            "A\t",
            "\u{202e}A",
            "\u{feff}A",
        ] {
            assert!(variable_name_problem(bad).is_some(), "{bad:?}");
        }
    }
}
