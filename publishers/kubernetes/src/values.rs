//! Model values ([`ir::Value`]) as a container's environment and arguments.
//!
//! Connection strings and properties are expanded ([`CheckedModel::expand`]); endpoints
//! resolve to the target's Service (its name is the host, its `port` the port), which is known
//! now, so they become text. Only parameters remain unknown:
//!
//! - a value that is exactly one parameter reads it directly (`valueFrom`);
//! - a value that mixes text and parameters (a connection string) is assembled by the kubelet:
//!   each parameter is read into a helper variable (`ASPIREC_SECRET_<KEY>`), defined before
//!   every other variable, and the value refers to it as `$(ASPIREC_SECRET_<KEY>)`
//!   ([`crate::expansion`]). No parameter value, secret or not, is written into a manifest.

use ir::{CheckedModel, Diagnostics, EndpointProperty, Part, ResourceId, Value};
use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource};

use crate::expansion::{Piece, escape, render};
use crate::inputs::{Inputs, Key};
use crate::names;

/// Builds one container's environment; helper variables are collected on the way.
pub(crate) struct ContainerEnv<'a> {
    model: &'a CheckedModel,
    inputs: &'a mut Inputs,
    helpers: Vec<EnvVar>,
    vars: Vec<EnvVar>,
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
    pub(crate) fn new(model: &'a CheckedModel, inputs: &'a mut Inputs) -> ContainerEnv<'a> {
        ContainerEnv {
            model,
            inputs,
            helpers: Vec::new(),
            vars: Vec::new(),
        }
    }

    /// Adds the variable `name` with `value`.
    pub(crate) fn push(&mut self, name: &str, value: &Value, diags: &mut Diagnostics) {
        let var = match resolve(self.model, value, diags) {
            Resolved::Text(text) => EnvVar {
                name: name.to_string(),
                value: Some(escape(&text)),
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
        match resolve(self.model, value, diags) {
            Resolved::Text(text) => escape(&text),
            Resolved::Single(key) => self.assemble(&[(Some(key), String::new())]),
            Resolved::Mixed(parts) => self.assemble(&parts),
        }
    }

    /// The environment: helper variables first, because `$(NAME)` only sees variables defined
    /// earlier in the list; then the variables in the model's order.
    pub(crate) fn finish(self) -> Vec<EnvVar> {
        let mut env = self.helpers;
        env.extend(self.vars);
        env
    }

    fn assemble(&mut self, parts: &[(Option<Key>, String)]) -> String {
        let mut pieces = Vec::new();
        for (key, text) in parts {
            match key {
                Some(key) => pieces.push(Piece::Var(self.helper(*key))),
                None => pieces.push(Piece::Literal(text.clone())),
            }
        }
        render(&pieces)
    }

    /// The helper variable of `key`, defined once per container.
    fn helper(&mut self, key: Key) -> String {
        let name = key.helper_variable(self.model);
        if !self.helpers.iter().any(|h| h.name == name) {
            let source: EnvVarSource = self.inputs.source(self.model, key);
            self.helpers.push(EnvVar {
                name: name.clone(),
                value: None,
                value_from: Some(source),
            });
        }
        name
    }
}

/// Appends text, merging it with text before it.
fn push_text(parts: &mut Vec<(Option<Key>, String)>, text: &str) {
    match parts.last_mut() {
        Some((None, last)) => last.push_str(text),
        Some((Some(_), _)) | None => parts.push((None, text.to_string())),
    }
}

fn resolve(model: &CheckedModel, value: &Value, diags: &mut Diagnostics) -> Resolved {
    // (parameter, or None for text; the text) with adjacent text merged, so that escaping sees
    // every `$` next to its neighbours.
    let mut parts: Vec<(Option<Key>, String)> = Vec::new();
    for part in &model.expand(value).parts {
        match part {
            Part::Text(text) => push_text(&mut parts, text),
            Part::Endpoint {
                resource,
                endpoint,
                property,
            } => {
                push_text(
                    &mut parts,
                    &endpoint_property(model, *resource, *endpoint, *property, diags),
                );
            }
            Part::Param { param, encoding } => {
                parts.push((Some(Key::new(*param, *encoding)), String::new()));
            }
            // `expand` leaves none of these.
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                crate::bug(diags, "a connection value survived expansion");
            }
        }
    }
    match parts.as_slice() {
        [] => Resolved::Text(String::new()),
        [(None, text)] => Resolved::Text(text.clone()),
        [(Some(key), _)] => Resolved::Single(*key),
        _ => Resolved::Mixed(parts),
    }
}

/// A property of endpoint `index` of `resource`, as other pods in the namespace reach it:
/// through the resource's Service, whose name is the resource's object name and whose `port`
/// is the endpoint's `port`.
fn endpoint_property(
    model: &CheckedModel,
    resource: ResourceId,
    index: usize,
    property: EndpointProperty,
    diags: &mut Diagnostics,
) -> String {
    let owner = model.resource(resource);
    let Some(endpoint) = owner.endpoints().get(index) else {
        crate::bug(
            diags,
            &format!("endpoint {index} of `{}` does not exist", owner.name),
        );
        return String::new();
    };
    let host = names::object_name(&owner.name);
    match property {
        EndpointProperty::Url => format!("{}://{host}:{}", endpoint.scheme, endpoint.port),
        EndpointProperty::Host => host,
        EndpointProperty::Port => endpoint.port.to_string(),
        EndpointProperty::TargetPort => endpoint.target_port.to_string(),
        EndpointProperty::Scheme => endpoint.scheme.clone(),
    }
}
