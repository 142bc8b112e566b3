//! Resolves model values ([`ir::Value`]) into Compose strings.
//!
//! Connection strings and properties are expanded inline (Compose has no other place to keep
//! them), endpoints resolve to the Compose service name and the endpoint's *target* port
//! (containers reach each other directly on the project network, where the published port
//! plays no part), and parameters become `${...}` variables ([`crate::interpolation`]).

use std::collections::BTreeSet;

use ir::{CheckedModel, Diagnostics, Encoding, EndpointProperty, ParamId, Part, ResourceId, Value};

use crate::interpolation::{Variable, push_escaped, push_reference};
use crate::names::ServiceNames;

pub(crate) struct Resolver<'m> {
    model: &'m CheckedModel,
    pub(crate) names: ServiceNames,
    /// Every variable written so far, for `.env.example`.
    pub(crate) used: BTreeSet<Variable>,
    /// The reference to each parameter, raw and URI-encoded, written on first use: a model
    /// reads the same few parameters from thousands of values.
    references: Vec<[Option<String>; 2]>,
    /// The value being written, reused so that each value is allocated once, at its final size.
    scratch: String,
}

impl<'m> Resolver<'m> {
    pub(crate) fn new(model: &'m CheckedModel) -> Resolver<'m> {
        Resolver {
            model,
            names: ServiceNames::new(model),
            used: BTreeSet::new(),
            references: vec![[None, None]; model.parameters().len()],
            scratch: String::new(),
        }
    }

    /// The Compose string for `value`.
    pub(crate) fn value(&mut self, value: &Value, diags: &mut Diagnostics) -> String {
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        self.push_value(&mut out, value, diags);
        let result = out.as_str().to_owned();
        self.scratch = out;
        result
    }

    /// Appends `value` to `out`. Connection strings and properties are written as what they
    /// stand for (as [`CheckedModel::expand`] would give them, without building that value);
    /// the check rejects one that contains itself, so this ends.
    fn push_value(&mut self, out: &mut String, value: &Value, diags: &mut Diagnostics) {
        for part in &value.parts {
            match part {
                Part::Text(text) => push_escaped(out, text),
                Part::Param { param, encoding } => self.push_reference(out, *param, *encoding),
                Part::Endpoint {
                    resource,
                    endpoint,
                    property,
                } => self.push_endpoint(out, *resource, *endpoint, *property, diags),
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                    let model = self.model;
                    if let Some(inner) = model.connection_part(part) {
                        self.push_value(out, inner, diags);
                    }
                }
            }
        }
    }

    /// [`push_reference`], written once per parameter and encoding and copied afterwards.
    fn push_reference(&mut self, out: &mut String, param: ParamId, encoding: Encoding) {
        let slot = match encoding {
            Encoding::Raw => 0,
            Encoding::Uri => 1,
        };
        let cached = self
            .references
            .get_mut(param.0 as usize)
            .and_then(|forms| forms.get_mut(slot));
        match cached {
            Some(Some(reference)) => out.push_str(reference),
            Some(cache) => {
                let mut reference = String::new();
                push_reference(&mut reference, self.model, param, encoding, &mut self.used);
                out.push_str(&reference);
                *cache = Some(reference);
            }
            // A parameter id outside the model: unreachable for a checked model, and still
            // written correctly.
            None => push_reference(out, self.model, param, encoding, &mut self.used),
        }
    }

    /// A property of endpoint `index` of `resource` as seen from another service.
    fn push_endpoint(
        &self,
        out: &mut String,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        diags: &mut Diagnostics,
    ) {
        let owner = self.model.resource(resource);
        let Some(endpoint) = owner.endpoints().get(index) else {
            bug(
                diags,
                &format!("endpoint {index} of `{}` does not exist", owner.name),
            );
            return;
        };
        let host = self.names.of(resource);
        match property {
            EndpointProperty::Url => {
                push_escaped(out, &endpoint.scheme);
                out.push_str("://");
                push_escaped(out, host);
                out.push(':');
                push_number(out, endpoint.target_port);
            }
            EndpointProperty::Host => push_escaped(out, host),
            EndpointProperty::Port | EndpointProperty::TargetPort => {
                push_number(out, endpoint.target_port);
            }
            EndpointProperty::Scheme => push_escaped(out, &endpoint.scheme),
        }
    }
}

/// A number in decimal, with `itoa`: a large model writes tens of thousands of ports, limits
/// and durations, and `core::fmt` costs more than the digits.
pub(crate) fn push_number(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Reports a broken invariant of the checked model instead of panicking.
pub(crate) fn bug(diags: &mut Diagnostics, what: &str) {
    diags.push(ir::Diagnostic::new(
        ir::codes::INTERNAL,
        ir::Span::DETACHED,
        format!("compose publisher: {what}"),
    ));
}
