//! Parameters: `variables.tf` (the fixed variables and one per model parameter the output
//! uses), and for parameters with a `generate` rule a `random_password` (secret) or
//! `random_string` resource plus a local that prefers the variable when one is supplied.

use ir::{CheckedModel, Generate, ParamId};

use crate::emit::{TfWriter, opt};
use crate::expr::{Call, Inline, Raw, Ref, Text};
use crate::names;

fn variable(
    w: &mut TfWriter,
    name: &str,
    description: &str,
    default: Option<&dyn Inline>,
    sensitive: bool,
) {
    w.block("variable", &[name]);
    w.attr("type", Raw("string"));
    w.attr("description", description);
    w.attr_opt("default", default);
    if sensitive {
        w.attr("sensitive", true);
    }
    w.end();
}

/// The blocks of `variables.tf`; `image_tag` when an app runs an image built from source.
pub(crate) fn variables(
    w: &mut TfWriter,
    model: &CheckedModel,
    used: &[ParamId],
    builds_images: bool,
) {
    variable(
        w,
        "location",
        "The Azure region of every resource",
        None,
        false,
    );
    variable(
        w,
        "resource_group_name",
        "The resource group that holds everything",
        Some(&format!("rg-{}", model.name())),
        false,
    );
    if builds_images {
        variable(
            w,
            "image_tag",
            "The tag of the images built from source",
            Some(&model.tag()),
            false,
        );
    }
    for &id in used {
        let parameter = model.parameter(id);
        let fallback;
        let description = match &parameter.description {
            Some(description) => description.as_str(),
            None => {
                fallback = format!("The parameter `{}`", parameter.name);
                fallback.as_str()
            }
        };
        // A generated parameter defaults to null: the local then takes the generated value.
        let text;
        let default: Option<&dyn Inline> = match (&parameter.generate, &parameter.default) {
            (Some(_), _) => Some(&Raw("null")),
            (None, Some(value)) if !parameter.secret => {
                text = Text(value);
                Some(&text)
            }
            (None, Some(_) | None) => None,
        };
        variable(
            w,
            &names::variable_name(&parameter.name),
            description,
            default,
            parameter.secret,
        );
    }
}

/// The used parameters with a `generate` rule: variable name, random resource type, rule.
fn generated_parameters<'m>(
    model: &'m CheckedModel,
    used: &'m [ParamId],
) -> impl Iterator<Item = (String, &'static str, &'m Generate)> + 'm {
    used.iter().filter_map(|&id| {
        let parameter = model.parameter(id);
        let rule = parameter.generate.as_ref()?;
        let kind = if parameter.secret {
            "random_password"
        } else {
            "random_string"
        };
        Some((names::variable_name(&parameter.name), kind, rule))
    })
}

/// The random resources of generated parameters, and the `locals` block that picks the
/// supplied value or the generated one; nothing when no used parameter is generated.
/// Returns whether there were any.
pub(crate) fn generated(w: &mut TfWriter, model: &CheckedModel, used: &[ParamId]) -> bool {
    let mut any = false;
    for (name, kind, rule) in generated_parameters(model, used) {
        random(w, kind, &name, rule);
        any = true;
    }
    if any {
        w.block("locals", &[]);
        for (name, kind, _) in generated_parameters(model, used) {
            let call = Call(
                "coalesce",
                &[&Ref("var", [&name]), &Ref(kind, [&name, "result"])],
            );
            w.attr_named(&name, call);
        }
        w.end();
    }
    any
}

/// A random value following Aspire's generation rule.
fn random(w: &mut TfWriter, kind: &'static str, name: &str, rule: &Generate) {
    /// A minimum of 0 is the default, left out.
    fn minimum(value: &u32) -> Option<&dyn Inline> {
        opt((*value > 0).then_some(value))
    }
    w.resource(kind, name);
    w.attrs_opt(&[
        ("length", Some(&rule.min_length)),
        ("lower", Some(&rule.lower)),
        ("upper", Some(&rule.upper)),
        ("numeric", Some(&rule.numeric)),
        ("special", Some(&rule.special)),
        ("min_lower", minimum(&rule.min_lower)),
        ("min_upper", minimum(&rule.min_upper)),
        ("min_numeric", minimum(&rule.min_numeric)),
        ("min_special", minimum(&rule.min_special)),
    ]);
    w.end();
}
