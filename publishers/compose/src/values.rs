//! Resolves model values ([`ir::Value`]) into Compose strings.
//!
//! Connection strings and properties are expanded inline (Compose has no other place to keep
//! them), endpoints resolve to the Compose service name and the endpoint's *target* port
//! (containers reach each other directly on the project network, where the published port
//! plays no part), and parameters become `${...}` variables ([`crate::interpolation`]).

use std::collections::BTreeSet;

use ir::{CheckedModel, Diagnostics, EndpointProperty, Part, ResourceId, Value};

use crate::interpolation::{Variable, push_escaped, reference};
use crate::names::service_name;

pub(crate) struct Resolver<'m> {
    pub(crate) model: &'m CheckedModel,
    /// Every variable written so far, for `.env.example`.
    pub(crate) used: BTreeSet<Variable>,
}

impl<'m> Resolver<'m> {
    pub(crate) fn new(model: &'m CheckedModel) -> Resolver<'m> {
        Resolver {
            model,
            used: BTreeSet::new(),
        }
    }

    /// The Compose string for `value`.
    pub(crate) fn value(&mut self, value: &Value, diags: &mut Diagnostics) -> String {
        let mut out = String::new();
        for part in &self.model.expand(value).parts {
            match part {
                Part::Text(text) => push_escaped(&mut out, text),
                Part::Param { param, encoding } => {
                    out.push_str(&reference(self.model, *param, *encoding, &mut self.used));
                }
                Part::Endpoint {
                    resource,
                    endpoint,
                    property,
                } => {
                    push_escaped(
                        &mut out,
                        &self.endpoint(*resource, *endpoint, *property, diags),
                    );
                }
                // `expand` leaves none of these; nothing to write if one slipped through.
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                    bug(diags, "a connection value survived expansion");
                }
            }
        }
        out
    }

    /// A property of endpoint `index` of `resource` as seen from another service.
    fn endpoint(
        &self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        diags: &mut Diagnostics,
    ) -> String {
        let owner = self.model.resource(resource);
        let Some(endpoint) = owner.endpoints().get(index) else {
            bug(
                diags,
                &format!("endpoint {index} of `{}` does not exist", owner.name),
            );
            return String::new();
        };
        let host = service_name(&owner.name);
        match property {
            EndpointProperty::Url => {
                format!("{}://{host}:{}", endpoint.scheme, endpoint.target_port)
            }
            EndpointProperty::Host => host,
            EndpointProperty::Port | EndpointProperty::TargetPort => {
                endpoint.target_port.to_string()
            }
            EndpointProperty::Scheme => endpoint.scheme.clone(),
        }
    }
}

/// Reports a broken invariant of the checked model instead of panicking.
pub(crate) fn bug(diags: &mut Diagnostics, what: &str) {
    diags.push(ir::Diagnostic::new(
        ir::codes::INTERNAL,
        ir::Span::DETACHED,
        format!("compose publisher: {what}"),
    ));
}
