//! Model values ([`ir::Value`]) as a container's environment and arguments.
//!
//! Connection strings and properties are expanded (walked in place, into the parts
//! [`CheckedModel::expand`] gives); endpoints resolve to the target's Service (its name is the
//! host, its `port` the port), which is known now, so they become text. Only parameters remain
//! unknown:
//!
//! - a value that is exactly one parameter reads it directly (`valueFrom`);
//! - a value that mixes text and parameters (a connection string) is assembled by the kubelet:
//!   each parameter is read into a helper variable (`ASPIREC_SECRET_<KEY>`), defined before
//!   every other variable, and the value refers to it as `$(ASPIREC_SECRET_<KEY>)`
//!   ([`crate::expansion`]). No parameter value, secret or not, is written into a manifest.

use ir::{CheckedModel, Diagnostics, EndpointProperty, Part, ResourceId, Value};
use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource};

use crate::expansion::{Piece, escape_owned, render};
use crate::inputs::{Inputs, Key};

/// Builds one container's environment; helper variables are collected on the way.
pub(crate) struct ContainerEnv<'a> {
    model: &'a CheckedModel,
    /// The object name of each resource ([`crate::lower::Ctx::objects`]).
    objects: &'a [String],
    inputs: &'a mut Inputs,
    helpers: Vec<EnvVar>,
    vars: Vec<EnvVar>,
    /// The text of the value being resolved ([`resolve`]).
    run: String,
}

/// A value, resolved as far as Kubernetes allows.
enum Resolved {
    /// Known text.
    Text(String),
    /// Exactly one parameter.
    Single(Key),
    /// Text and parameters, to be assembled by the kubelet.
    Mixed(Vec<(Option<Key>, String)>),
}

impl<'a> ContainerEnv<'a> {
    /// An empty environment, with room for the container's `variables`.
    pub(crate) fn new(
        model: &'a CheckedModel,
        objects: &'a [String],
        inputs: &'a mut Inputs,
        variables: usize,
    ) -> ContainerEnv<'a> {
        ContainerEnv {
            model,
            objects,
            inputs,
            helpers: Vec::new(),
            vars: Vec::with_capacity(variables),
            run: String::new(),
        }
    }

    /// Adds the variable `name` with `value`.
    pub(crate) fn push(&mut self, name: &str, value: &Value, diags: &mut Diagnostics) {
        let var = match resolve(self.model, self.objects, value, &mut self.run, diags) {
            Resolved::Text(text) => EnvVar {
                name: name.to_string(),
                value: Some(escape_owned(text)),
                value_from: None,
            },
            Resolved::Single(key) => EnvVar {
                name: name.to_string(),
                value: None,
                value_from: Some(self.inputs.source(self.model, key)),
            },
            Resolved::Mixed(parts) => EnvVar {
                name: name.to_string(),
                value: Some(self.assemble(&parts)),
                value_from: None,
            },
        };
        self.vars.push(var);
    }

    /// A string for `args`: parameters always go through helper variables, since only the
    /// environment can read from a Secret.
    pub(crate) fn string(&mut self, value: &Value, diags: &mut Diagnostics) -> String {
        match resolve(self.model, self.objects, value, &mut self.run, diags) {
            Resolved::Text(text) => escape_owned(text),
            Resolved::Single(key) => self.assemble(&[(Some(key), String::new())]),
            Resolved::Mixed(parts) => self.assemble(&parts),
        }
    }

    /// The environment: helper variables first, because `$(NAME)` only sees variables defined
    /// earlier in the list; then the variables in the model's order.
    pub(crate) fn finish(self) -> Vec<EnvVar> {
        let mut env = Vec::with_capacity(self.helpers.len() + self.vars.len());
        env.extend(self.helpers);
        env.extend(self.vars);
        env
    }

    fn assemble(&mut self, parts: &[(Option<Key>, String)]) -> String {
        for key in parts.iter().filter_map(|(key, _)| *key) {
            self.define_helper(key);
        }
        let inputs = &*self.inputs;
        let pieces: Vec<Piece<'_>> = parts
            .iter()
            .map(|(key, text)| match key {
                Some(key) => Piece::Var(inputs.helper_variable(*key)),
                None => Piece::Literal(text),
            })
            .collect();
        render(&pieces)
    }

    /// Defines the helper variable of `key`, once per container.
    fn define_helper(&mut self, key: Key) {
        let name = self.inputs.helper_variable(key);
        if self.helpers.iter().any(|h| h.name == name) {
            return;
        }
        let name = name.to_string();
        let source: EnvVarSource = self.inputs.source(self.model, key);
        self.helpers.push(EnvVar {
            name,
            value: None,
            value_from: Some(source),
        });
    }
}

/// Resolves `value`; `run` is a buffer for its text, reused from value to value so that text
/// is gathered without regrowing and then copied out at its size.
fn resolve(
    model: &CheckedModel,
    objects: &[String],
    value: &Value,
    run: &mut String,
    diags: &mut Diagnostics,
) -> Resolved {
    run.clear();
    let mut parts = Parts {
        model,
        objects,
        parts: Vec::new(),
        run,
        in_run: false,
    };
    parts.add(value, diags);
    let Parts {
        mut parts,
        run,
        in_run,
        ..
    } = parts;
    match (parts.as_slice(), in_run) {
        ([], _) => Resolved::Text(run.clone()),
        ([(Some(key), _)], false) => Resolved::Single(*key),
        (_, in_run) => {
            if in_run {
                parts.push((None, run.clone()));
            }
            Resolved::Mixed(parts)
        }
    }
}

/// A value's parts as they are collected: (parameter, or `None` for text; the text), with
/// adjacent text merged, so that escaping sees every `$` next to its neighbours.
struct Parts<'a> {
    model: &'a CheckedModel,
    objects: &'a [String],
    parts: Vec<(Option<Key>, String)>,
    /// The run of text since the last parameter.
    run: &'a mut String,
    /// Whether a text part has come since the last parameter (the run may be empty text).
    in_run: bool,
}

impl Parts<'_> {
    /// Adds the parts of `value` with connection strings and properties expanded, walked in
    /// place ([`CheckedModel::for_each_expanded`]) instead of copied into a new value.
    fn add(&mut self, value: &Value, diags: &mut Diagnostics) {
        let model = self.model;
        model.for_each_expanded(value, &mut |part| match part {
            Part::Text(text) => {
                self.in_run = true;
                self.run.push_str(text);
            }
            Part::Endpoint {
                resource,
                endpoint,
                property,
            } => {
                self.in_run = true;
                endpoint_property(
                    self.run,
                    model,
                    self.objects,
                    *resource,
                    *endpoint,
                    *property,
                    diags,
                );
            }
            Part::Param { param, encoding } => {
                if self.in_run {
                    self.parts.push((None, self.run.clone()));
                    self.run.clear();
                    self.in_run = false;
                }
                self.parts
                    .push((Some(Key::new(*param, *encoding)), String::new()));
            }
            // The walk expands these.
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                crate::bug(diags, "a connection value survived expansion");
            }
        });
    }
}

/// Appends to `out` a property of endpoint `index` of `resource`, as other pods in the
/// namespace reach it: through the resource's Service, whose name is the resource's object
/// name and whose `port` is the endpoint's `port`.
fn endpoint_property(
    out: &mut String,
    model: &CheckedModel,
    objects: &[String],
    resource: ResourceId,
    index: usize,
    property: EndpointProperty,
    diags: &mut Diagnostics,
) {
    let owner = model.resource(resource);
    let Some(endpoint) = owner.endpoints().get(index) else {
        crate::bug(
            diags,
            &format!("endpoint {index} of `{}` does not exist", owner.name),
        );
        return;
    };
    // The resource is the model's, so it has an object name.
    let host = &objects[resource.0 as usize];
    let mut number = itoa::Buffer::new();
    match property {
        EndpointProperty::Url => {
            out.push_str(&endpoint.scheme);
            out.push_str("://");
            out.push_str(host);
            out.push(':');
            out.push_str(number.format(endpoint.port));
        }
        EndpointProperty::Host => out.push_str(host),
        EndpointProperty::Port => out.push_str(number.format(endpoint.port)),
        EndpointProperty::TargetPort => out.push_str(number.format(endpoint.target_port)),
        EndpointProperty::Scheme => out.push_str(&endpoint.scheme),
    }
}
