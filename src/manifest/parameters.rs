//! `parameter.v0` to a [`ParameterDecl`], and `annotated.string` to a URI alias.
//!
//! A parameter's one input is named `value`; its `default` is a literal (`value`) or a rule for
//! generating one (`generate`). The parameter's own `value` field is always
//! `{<name>.inputs.value}` and carries nothing more, so it is only checked. A parameter with a
//! `connectionString` was added with `AddConnectionString` and stands for a connection string.

use ir::model::{Generate, ParameterDecl};
use ir::{Diagnostics, Spanned, codes};

use super::expr::{Scope, split};
use super::fields::Record;
use super::json::{Member, Node, Value};

const PARAMETER_KEYS: &[&str] = &["type", "value", "connectionString", "inputs"];
/// `description` is not in the 8.0 schema; newer Aspire versions may write it, and it only
/// documents the parameter.
const INPUT_KEYS: &[&str] = &["type", "secret", "default", "description"];
const DEFAULT_KEYS: &[&str] = &["value", "generate"];
const GENERATE_KEYS: &[&str] = &[
    "minLength",
    "lower",
    "upper",
    "numeric",
    "special",
    "minLower",
    "minUpper",
    "minNumeric",
    "minSpecial",
];

pub(super) fn parameter(
    name: &Spanned<String>,
    entry: &Member,
    diags: &mut Diagnostics,
) -> Option<ParameterDecl> {
    let what = format!("parameter `{}`", name.value);
    let record = Record::new(&entry.value, entry.key_span, what, PARAMETER_KEYS, diags)?;
    check_own_value(name, &record, diags);
    let is_connection_string = record.str("connectionString", diags).is_some();
    let mut decl = ParameterDecl {
        name: name.clone(),
        secret: false,
        value: None,
        generate: None,
        description: None,
        is_connection_string,
    };
    let inputs = record.require("inputs", diags)?;
    let inputs = Record::new(
        inputs,
        record.member("inputs")?.key_span,
        format!("`inputs` of {}", record.what()),
        &["value"],
        diags,
    )?;
    let input_member = inputs.member("value");
    let input = inputs.require("value", diags)?;
    let input_owner = input_member?.key_span;
    let input = Record::new(
        input,
        input_owner,
        format!("input `value` of parameter `{}`", name.value),
        INPUT_KEYS,
        diags,
    )?;
    if let Some(kind) = input.string("type", diags) {
        if kind.value != "string" {
            diags
                .report(
                    codes::INVALID_VALUE,
                    kind.span,
                    format!("input type `{}` is not supported", kind.value),
                )
                .with_label("Aspire parameters are strings")
                .with_help("write \"type\": \"string\"");
        }
    }
    decl.secret = input.bool("secret", diags).is_some_and(|s| s.value);
    decl.description = input.string("description", diags).map(|d| d.value);
    if let Some(default) = input.get("default") {
        let owner = input.member("default").map_or(input_owner, |m| m.key_span);
        let what = format!("the default of parameter `{}`", name.value);
        if let (true, Value::Object(members)) = (decl.secret, &default.value) {
            // Whatever its type, so that no snippet of any diagnostic shows it (a minified
            // manifest is one line: any diagnostic would).
            for member in members.iter().filter(|m| m.key.text == "value") {
                diags.conceal(member.value.span);
            }
        }
        if let Some(default) = Record::new(default, owner, what, DEFAULT_KEYS, diags) {
            decl.value = default.string("value", diags);
            decl.generate = default
                .get("generate")
                .and_then(|node| generate(node, &default, name, diags));
        }
    }
    Some(decl)
}

/// The parameter's `value` field must be `{<name>.inputs.value}`: it is what a deploy tool
/// fills in, and any other text would be a value aspirec cannot honour.
fn check_own_value(name: &Spanned<String>, record: &Record<'_>, diags: &mut Diagnostics) {
    let Some((value, span)) = record.str("value", diags) else {
        record.require("value", diags);
        return;
    };
    let expected = format!("{{{}.inputs.value}}", name.value);
    if !value.text.eq_ignore_ascii_case(&expected) {
        diags
            .report(
                codes::INVALID_VALUE,
                span,
                format!("the value of parameter `{}` is not its input", name.value),
            )
            .with_label(format!("expected \"{expected}\""))
            .with_note("a parameter's value is supplied at deploy time through its input `value`");
    }
}

fn generate(
    node: &Node,
    default: &Record<'_>,
    name: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<Spanned<Generate>> {
    let owner = default.member("generate")?.key_span;
    let what = format!("the `generate` rule of parameter `{}`", name.value);
    let rule = Record::new(node, owner, what, GENERATE_KEYS, diags)?;
    rule.require("minLength", diags);
    let min_length = rule.count("minLength", diags);
    // Aspire's defaults: every class allowed, no minimum counts.
    let allowed =
        |key: &str, diags: &mut Diagnostics| rule.bool(key, diags).is_none_or(|b| b.value);
    let generate = Generate {
        min_length: 0, // set below, once every other key has been checked
        lower: allowed("lower", diags),
        upper: allowed("upper", diags),
        numeric: allowed("numeric", diags),
        special: allowed("special", diags),
        min_lower: rule.count("minLower", diags).unwrap_or(0),
        min_upper: rule.count("minUpper", diags).unwrap_or(0),
        min_numeric: rule.count("minNumeric", diags).unwrap_or(0),
        min_special: rule.count("minSpecial", diags).unwrap_or(0),
    };
    Some(Spanned::new(
        Generate {
            min_length: min_length?,
            ..generate
        },
        node.span,
    ))
}

/// Records an `annotated.string` in `scope`: its value must be one expression, and its filter
/// `uri` (the only filter Aspire defines).
pub(super) fn annotated_string(
    name: &Spanned<String>,
    entry: &Member,
    scope: &mut Scope,
    diags: &mut Diagnostics,
) {
    let what = format!("annotated string `{}`", name.value);
    let Some(record) = Record::new(
        &entry.value,
        entry.key_span,
        what,
        &["type", "value", "filter"],
        diags,
    ) else {
        return;
    };
    if let Some(filter) = record.string("filter", diags) {
        if filter.value != "uri" {
            diags
                .report(
                    codes::INVALID_VALUE,
                    filter.span,
                    format!("unknown filter `{}`", filter.value),
                )
                .with_label("Aspire defines only the filter `uri`");
        }
    } else {
        record.require("filter", diags);
    }
    let Some((value, span)) = record.str("value", diags) else {
        record.require("value", diags);
        return;
    };
    let mut segments = split(value, span).segments.into_iter();
    match (segments.next(), segments.next()) {
        (Some(ir::expr::Segment::Expr(inner)), None) => scope.alias(&name.value, inner),
        _ => {
            diags
                .report(
                    codes::INVALID_VALUE,
                    span,
                    format!("`{}` must wrap exactly one expression", name.value),
                )
                .with_label("expected a value like \"{password.value}\"");
        }
    }
}
