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
//!
//! An Aspire conditional ([`crate::conditional`]) is written as the branch the manifest chose;
//! where a value holds one, the value is also given in pieces ([`Segment`]) so that a printer
//! can let the deployer choose the branch.

use ir::{CheckedModel, Diagnostics, EndpointProperty, Part, ResourceId, Value};
use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource};

use crate::conditional::Conditional;
use crate::expansion::{Piece, escape, escape_owned, render};
use crate::inputs::{Inputs, Key};
use crate::plan::Segment;

/// Builds one container's environment; helper variables are collected on the way.
pub(crate) struct ContainerEnv<'a> {
    model: &'a CheckedModel,
    /// The object name of each resource ([`crate::lower::Ctx::objects`]).
    objects: &'a [String],
    /// The conditional value of each resource that is one ([`crate::conditional::find`]).
    conditionals: &'a [Option<Conditional>],
    inputs: &'a mut Inputs,
    helpers: Vec<EnvVar>,
    vars: Vec<EnvVar>,
    /// The pieces of each variable (by its index in `vars`) that holds a conditional.
    pieces: Vec<(usize, Vec<Segment>)>,
    /// The text of the value being resolved ([`resolve`]).
    run: String,
}

/// A container's environment: the variables, and the pieces of those that hold a conditional
/// (by index in the variables).
pub(crate) struct Environment {
    pub(crate) vars: Vec<EnvVar>,
    pub(crate) pieces: Vec<(usize, Vec<Segment>)>,
}

/// A value, resolved as far as Kubernetes allows, with where its conditionals are.
struct Resolution {
    resolved: Resolved,
    cuts: Vec<Cut>,
}

/// Where a conditional's text is in a resolved value: in the text of `parts[part]` (the
/// final run when `part` is past the last part), from `start` to `end`.
struct Cut {
    part: usize,
    start: usize,
    end: usize,
    conditional: Conditional,
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
        conditionals: &'a [Option<Conditional>],
        inputs: &'a mut Inputs,
        variables: usize,
    ) -> ContainerEnv<'a> {
        ContainerEnv {
            model,
            objects,
            conditionals,
            inputs,
            helpers: Vec::new(),
            vars: Vec::with_capacity(variables),
            pieces: Vec::new(),
            run: String::new(),
        }
    }

    fn resolve(&mut self, value: &Value, diags: &mut Diagnostics) -> Resolution {
        resolve(
            self.model,
            self.objects,
            self.conditionals,
            value,
            &mut self.run,
            diags,
        )
    }

    /// Adds the variable `name` with `value`.
    pub(crate) fn push(&mut self, name: &str, value: &Value, diags: &mut Diagnostics) {
        let Resolution { resolved, cuts } = self.resolve(value, diags);
        let var = match resolved {
            Resolved::Text(text) => {
                if !cuts.is_empty() {
                    self.pieces
                        .push((self.vars.len(), text_segments(&text, &cuts)));
                }
                EnvVar {
                    name: name.to_string(),
                    value: Some(escape_owned(text)),
                    value_from: None,
                }
            }
            // A conditional with no text next to a single parameter: the value is read
            // directly, with the manifest's branch; there is no string to choose in.
            Resolved::Single(key) => EnvVar {
                name: name.to_string(),
                value: None,
                value_from: Some(self.inputs.source(self.model, key)),
            },
            Resolved::Mixed(parts) => {
                let value = self.assemble(&parts);
                if !cuts.is_empty() {
                    let segments = self.mixed_segments(&parts, &cuts);
                    self.pieces.push((self.vars.len(), segments));
                }
                EnvVar {
                    name: name.to_string(),
                    value: Some(value),
                    value_from: None,
                }
            }
        };
        self.vars.push(var);
    }

    /// A string for `args`: parameters always go through helper variables, since only the
    /// environment can read from a Secret. With its pieces when it holds a conditional.
    pub(crate) fn string(
        &mut self,
        value: &Value,
        diags: &mut Diagnostics,
    ) -> (String, Option<Vec<Segment>>) {
        let Resolution { resolved, cuts } = self.resolve(value, diags);
        let parts = match resolved {
            Resolved::Text(text) => {
                let segments = (!cuts.is_empty()).then(|| text_segments(&text, &cuts));
                return (escape_owned(text), segments);
            }
            Resolved::Single(key) => vec![(Some(key), String::new())],
            Resolved::Mixed(parts) => parts,
        };
        let text = self.assemble(&parts);
        let segments = (!cuts.is_empty()).then(|| self.mixed_segments(&parts, &cuts));
        (text, segments)
    }

    /// The environment: helper variables first, because `$(NAME)` only sees variables defined
    /// earlier in the list; then the variables in the model's order.
    pub(crate) fn finish(self) -> Environment {
        let helpers = self.helpers.len();
        let mut vars = Vec::with_capacity(helpers + self.vars.len());
        vars.extend(self.helpers);
        vars.extend(self.vars);
        let pieces = self
            .pieces
            .into_iter()
            .map(|(index, segments)| (helpers + index, segments))
            .collect();
        Environment { vars, pieces }
    }

    /// The pieces of a value of text and parameters: each run between conditionals is
    /// written as [`ContainerEnv::assemble`] writes a whole value (its helpers are defined
    /// already).
    fn mixed_segments(&self, parts: &[(Option<Key>, String)], cuts: &[Cut]) -> Vec<Segment> {
        let inputs = &*self.inputs;
        let mut segments = Vec::new();
        let mut pieces: Vec<Piece<'_>> = Vec::new();
        // Each part's text, with the cuts inside it taken out. A conditional with no text
        // after the last parameter is in a run that was never added: an empty one.
        let trailing = (None, String::new());
        for (index, (key, text)) in parts.iter().chain([&trailing]).enumerate() {
            if let Some(key) = key {
                pieces.push(Piece::Var(inputs.helper_variable(*key)));
                continue;
            }
            let mut from = 0;
            for cut in cuts.iter().filter(|cut| cut.part == index) {
                pieces.push(Piece::Literal(
                    text.get(from..cut.start).unwrap_or_default(),
                ));
                segments.push(Segment::Text(before_conditional(render(&pieces))));
                pieces.clear();
                segments.push(Segment::Conditional(cut.conditional.clone()));
                from = cut.end;
            }
            pieces.push(Piece::Literal(text.get(from..).unwrap_or_default()));
        }
        segments.push(Segment::Text(render(&pieces)));
        segments
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

/// The pieces of a value that is all text: each run between conditionals escaped on its own.
fn text_segments(text: &str, cuts: &[Cut]) -> Vec<Segment> {
    let mut segments = Vec::with_capacity(2 * cuts.len() + 1);
    let mut from = 0;
    for cut in cuts {
        let before = text.get(from..cut.start).unwrap_or_default();
        segments.push(Segment::Text(before_conditional(escape(before))));
        segments.push(Segment::Conditional(cut.conditional.clone()));
        from = cut.end;
    }
    segments.push(Segment::Text(escape(text.get(from..).unwrap_or_default())));
    segments
}

/// Escaped text that a conditional follows: a `$` at its end would meet the conditional's
/// first character, so it is doubled (`$$` is a `$` to the kubelet whatever follows, and
/// [`crate::expansion`] never doubles a last `$` on its own).
fn before_conditional(mut text: String) -> String {
    if text.ends_with('$') {
        text.push('$');
    }
    text
}

/// Resolves `value`; `run` is a buffer for its text, reused from value to value so that text
/// is gathered without regrowing and then copied out at its size.
fn resolve(
    model: &CheckedModel,
    objects: &[String],
    conditionals: &[Option<Conditional>],
    value: &Value,
    run: &mut String,
    diags: &mut Diagnostics,
) -> Resolution {
    run.clear();
    let mut parts = Parts {
        model,
        objects,
        conditionals,
        parts: Vec::new(),
        cuts: Vec::new(),
        run,
        in_run: false,
    };
    parts.add(value, diags);
    let Parts {
        mut parts,
        cuts,
        run,
        in_run,
        ..
    } = parts;
    let resolved = match (parts.as_slice(), in_run) {
        ([], _) => Resolved::Text(run.clone()),
        ([(Some(key), _)], false) => Resolved::Single(*key),
        (_, in_run) => {
            if in_run {
                parts.push((None, run.clone()));
            }
            Resolved::Mixed(parts)
        }
    };
    Resolution { resolved, cuts }
}

/// A value's parts as they are collected: (parameter, or `None` for text; the text), with
/// adjacent text merged, so that escaping sees every `$` next to its neighbours.
struct Parts<'a> {
    model: &'a CheckedModel,
    objects: &'a [String],
    conditionals: &'a [Option<Conditional>],
    parts: Vec<(Option<Key>, String)>,
    cuts: Vec<Cut>,
    /// The run of text since the last parameter.
    run: &'a mut String,
    /// Whether a text part has come since the last parameter (the run may be empty text).
    in_run: bool,
}

impl Parts<'_> {
    /// Adds the parts of `value` with connection strings and properties expanded, walked in
    /// place (as [`CheckedModel::for_each_expanded`] walks them) instead of copied into a new
    /// value; a conditional's text is added too, and where it is recorded.
    fn add(&mut self, value: &Value, diags: &mut Diagnostics) {
        for part in &value.parts {
            match part {
                Part::ConnectionString { resource } | Part::ConnectionProperty { resource, .. } => {
                    let Some(inner) = self.model.connection_part(part) else {
                        continue;
                    };
                    // Only a whole connection string is a conditional's value.
                    let conditional = matches!(part, Part::ConnectionString { .. })
                        .then(|| self.conditionals.get(resource.0 as usize))
                        .flatten()
                        .and_then(Option::as_ref);
                    let start = self.run.len();
                    self.add(inner, diags);
                    // A conditional's value is literal text: it only lengthened the run.
                    if let Some(conditional) = conditional {
                        self.cuts.push(Cut {
                            part: self.parts.len(),
                            start,
                            end: self.run.len(),
                            conditional: conditional.clone(),
                        });
                    }
                }
                Part::Text(_) | Part::Endpoint { .. } | Part::Param { .. } => {
                    self.add_part(part, diags);
                }
            }
        }
    }

    /// Adds a part that needs no expansion.
    fn add_part(&mut self, part: &Part, diags: &mut Diagnostics) {
        let model = self.model;
        match part {
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
            // `add` expands these.
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                crate::bug(diags, "a connection value survived expansion");
            }
        }
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
