//! The model's parameters in Terraform, the same for every target: a `variable` each (secret
//! ones `sensitive`, generated ones defaulting to `null`), and for parameters with a
//! `generate` rule a `random_password` (secret) or `random_string` resource plus a local that
//! prefers the variable when one is supplied. [`Params`] holds the reference values use.
//!
//! The variable of a parameter is named by the target (`variable_name`), which knows the
//! fixed variables its output declares besides them.

use ir::{CheckedModel, Generate, ParamId};

use crate::emit::{TfWriter, opt};
use crate::expr::{Call, Inline, Raw, Ref, Text, to_text};

/// A target's name for the variable of a model parameter.
pub type VariableName = fn(&str) -> String;

/// A `variable` block of type string.
pub fn variable(
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

/// The `variable` of each used parameter, in `used` order.
pub fn variables(w: &mut TfWriter, model: &CheckedModel, used: &[ParamId], name: VariableName) {
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
            &name(&parameter.name),
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
    name: VariableName,
) -> impl Iterator<Item = (String, &'static str, &'m Generate)> + 'm {
    used.iter().filter_map(move |&id| {
        let parameter = model.parameter(id);
        let rule = parameter.generate.as_ref()?;
        let kind = if parameter.secret {
            "random_password"
        } else {
            "random_string"
        };
        Some((name(&parameter.name), kind, rule))
    })
}

/// The random resources of generated parameters, and the `locals` block that picks the
/// supplied value or the generated one; nothing when no used parameter is generated.
/// Returns whether there were any (the output then needs the random provider).
pub fn generated(
    w: &mut TfWriter,
    model: &CheckedModel,
    used: &[ParamId],
    name: VariableName,
) -> bool {
    let mut any = false;
    for (name, kind, rule) in generated_parameters(model, used, name) {
        random(w, kind, &name, rule);
        any = true;
    }
    if any {
        w.block("locals", &[]);
        for (name, kind, _) in generated_parameters(model, used, name) {
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

/// The reference to every parameter, made once per publication: values refer to the same
/// parameters again and again.
pub struct Params {
    /// `var.<name>`, or `local.<name>` for a generated parameter, by `ParamId`.
    references: Vec<String>,
}

impl Params {
    pub fn new(model: &CheckedModel, name: VariableName) -> Params {
        Params {
            references: model
                .parameters()
                .map(|(_, p)| {
                    let root = if p.generate.is_some() { "local" } else { "var" };
                    to_text(&Ref(root, [&name(&p.name)]))
                })
                .collect(),
        }
    }

    /// The reference to parameter `id` (empty for an id outside the model).
    pub fn reference(&self, id: ParamId) -> &str {
        self.references
            .get(id.0 as usize)
            .map_or("", String::as_str)
    }

    /// The reference to parameter `id`, percent-encoded when `uri` (`urlencode(var.x)`), as
    /// a piece of `out`.
    pub fn write(&self, id: ParamId, uri: bool, out: &mut crate::expr::Template) {
        let reference = Raw(self.reference(id));
        if uri {
            out.expr(&Call("urlencode", &[&reference]));
        } else {
            out.expr(&reference);
        }
    }
}
