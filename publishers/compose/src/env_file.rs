//! `.env.example`: every variable `compose.yaml` reads, with what it is for, in parameter
//! declaration order. The user copies it to `.env` and fills it in; Compose reads `.env` when
//! it interpolates the file. Values are left empty (an empty value means "use the default" in
//! the `${NAME:-default}` form), so no secret and no generated value is ever written here.
//! The one exception is a non-secret default that cannot be written inline in compose.yaml
//! ([`crate::interpolation`]): it is written here, quoted in the `.env` syntax.

use std::collections::BTreeSet;

use ir::{CheckedModel, Generate, PublishOptions};

use crate::comment::push_comment;
use crate::interpolation::{Variable, fits_default, writable_default};

pub(crate) fn render(
    model: &CheckedModel,
    options: &PublishOptions,
    used: &BTreeSet<Variable>,
) -> String {
    let mut out = String::new();
    push_comment(&mut out, &options.header());
    out.push_str("#\n");
    push_comment(
        &mut out,
        "The deploy-time variables of compose.yaml. Copy this file to .env next to compose.yaml, fill in the\n\
         values, then run `docker compose up` in that folder. Keep .env out of version control: it holds secrets.",
    );
    if used.is_empty() {
        push_comment(&mut out, "\ncompose.yaml reads no variables.");
    }
    for &variable in used {
        out.push('\n');
        let name = variable.name(model);
        let (doc, value) = if variable.uri_encoded {
            encoded_doc(model, variable)
        } else {
            raw_doc(model, variable)
        };
        push_comment(&mut out, &doc);
        out.push_str(&name);
        out.push('=');
        out.push_str(&value);
        out.push('\n');
    }
    out
}

/// The comment and the value of a parameter's own variable.
fn raw_doc(model: &CheckedModel, variable: Variable) -> (String, String) {
    let param = model.parameter(variable.param);
    let mut doc = String::new();
    if let Some(description) = param
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        doc.push_str(description);
        doc.push('\n');
    }
    let mut value = String::new();
    match writable_default(param) {
        Some(default) if fits_default(default) => {
            doc.push_str(&format!(
                "Optional; when empty, the default {default:?} is used."
            ));
        }
        Some(default) => {
            doc.push_str("The model's default, which compose.yaml cannot hold inline. Required.");
            value = quoted(default);
        }
        None => doc.push_str(if param.secret {
            "Secret. Required."
        } else {
            "Required."
        }),
    }
    if let Some(rule) = &param.generate {
        doc.push('\n');
        doc.push_str(&generate_hint(rule));
    }
    (doc, value)
}

/// The comment of the percent-encoded twin of a parameter used inside a URI.
fn encoded_doc(model: &CheckedModel, variable: Variable) -> (String, String) {
    let raw = Variable {
        uri_encoded: false,
        ..variable
    }
    .name(model);
    let mut doc = format!(
        "{raw} percent-encoded (RFC 3986), as written inside URIs; Compose cannot encode values itself.\n\
         Optional: when empty, {raw} is used as it is, which is right only if {raw} has nothing but\n\
         letters, digits and - . _ ~. Set it for any other value."
    );
    // The command of the generation hint draws special characters from `._~-` only.
    if model.parameter(variable.param).generate.is_some() {
        doc.push_str(" (A value from the command above needs no encoding.)");
    }
    (doc, String::new())
}

/// How to generate the value, for the person who fills in `.env`.
fn generate_hint(rule: &Generate) -> String {
    format!(
        "If you have no value yet, generate one of {}:\n  {}; echo",
        rule.describe(),
        rule.shell_command()
    )
}

/// A value in the `.env` syntax that Compose reads back exactly: double quotes, with the
/// backslash escapes it understands, and `\$` so that no `$` starts an interpolation.
fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_escape_what_dotenv_reads_specially() {
        assert_eq!(quoted("a\"b\\c$d\ne{f}"), "\"a\\\"b\\\\c\\$d\\ne{f}\"");
    }

    #[test]
    fn generate_hints_give_the_rule_and_a_command() {
        let rule = Generate {
            min_length: 32,
            special: false,
            ..Generate::default()
        };
        assert_eq!(
            generate_hint(&rule),
            "If you have no value yet, generate one of at least 32 characters from lowercase letters, \
             uppercase letters and digits:\n  LC_ALL=C tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 32; echo"
        );
    }
}
