//! Parameters: `variables.tf` (the fixed variables and one per model parameter the output
//! uses), and for parameters with a `generate` rule a `random_password` (secret) or
//! `random_string` resource plus a local that prefers the variable when one is supplied.

use hcl::expr::Variable;
use hcl::{Block, Expression, Identifier};
use ir::{CheckedModel, Generate, Image, ParamId};

use crate::emit::{call, text, traversal};
use crate::names;
use crate::shared::resource_block;

fn string_type() -> Expression {
    Expression::Variable(Variable::from(Identifier::sanitized("string")))
}

fn variable(name: &str, description: &str, default: Option<Expression>, sensitive: bool) -> Block {
    let mut block = Block::builder("variable")
        .add_label(name)
        .add_attribute(("type", string_type()))
        .add_attribute(("description", description));
    if let Some(default) = default {
        block = block.add_attribute(("default", default));
    }
    if sensitive {
        block = block.add_attribute(("sensitive", true));
    }
    block.build()
}

/// Whether any workload runs an image built from source (and so needs `var.image_tag`).
pub(crate) fn builds_images(model: &CheckedModel) -> bool {
    model
        .workloads()
        .any(|(_, _, w)| matches!(w.image, Image::Build(_)))
}

/// The blocks of `variables.tf`.
pub(crate) fn variables(model: &CheckedModel, used: &[ParamId]) -> Vec<Block> {
    let mut out = vec![
        variable(
            "location",
            "The Azure region of every resource",
            None,
            false,
        ),
        variable(
            "resource_group_name",
            "The resource group that holds everything",
            Some(Expression::String(format!("rg-{}", model.name()))),
            false,
        ),
    ];
    if builds_images(model) {
        out.push(variable(
            "image_tag",
            "The tag of the images built from source",
            Some(Expression::String(model.tag().to_string())),
            false,
        ));
    }
    for &id in used {
        let parameter = model.parameter(id);
        let description = parameter
            .description
            .clone()
            .unwrap_or_else(|| format!("The parameter `{}`", parameter.name));
        // A generated parameter defaults to null: the local then takes the generated value.
        let default = match (&parameter.generate, &parameter.default) {
            (Some(_), _) => Some(Expression::Null),
            (None, Some(value)) if !parameter.secret => Some(text(value)),
            (None, Some(_) | None) => None,
        };
        out.push(variable(
            &names::variable_name(&parameter.name),
            &description,
            default,
            parameter.secret,
        ));
    }
    out
}

/// The random resources of generated parameters, and the `locals` block that picks the
/// supplied value or the generated one; empty when no used parameter is generated.
pub(crate) fn generated(model: &CheckedModel, used: &[ParamId]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut locals = Block::builder("locals");
    for &id in used {
        let parameter = model.parameter(id);
        let Some(rule) = &parameter.generate else {
            continue;
        };
        let name = names::variable_name(&parameter.name);
        let kind = if parameter.secret {
            "random_password"
        } else {
            "random_string"
        };
        out.push(random(kind, &name, rule));
        locals = locals.add_attribute((
            name.as_str(),
            call(
                "coalesce",
                vec![
                    traversal("var", &[&name]),
                    traversal(kind, &[&name, "result"]),
                ],
            ),
        ));
    }
    if !out.is_empty() {
        out.push(locals.build());
    }
    out
}

/// A random value following Aspire's generation rule.
fn random(kind: &str, name: &str, rule: &Generate) -> Block {
    let mut block = resource_block(kind, name)
        .add_attribute(("length", rule.min_length))
        .add_attribute(("lower", rule.lower))
        .add_attribute(("upper", rule.upper))
        .add_attribute(("numeric", rule.numeric))
        .add_attribute(("special", rule.special));
    let minimums = [
        ("min_lower", rule.min_lower),
        ("min_upper", rule.min_upper),
        ("min_numeric", rule.min_numeric),
        ("min_special", rule.min_special),
    ];
    for (key, value) in minimums {
        if value > 0 {
            block = block.add_attribute((key, value));
        }
    }
    block.build()
}
