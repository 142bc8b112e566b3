//! The walk over a model value that every Terraform target makes to write it as one HCL
//! string expression: text as text, a parameter as its variable (recorded as used), and what
//! differs per platform through a [`Resolver`]: an endpoint's address, and a managed server's
//! connection string or property; any other connection string or property is the model's own
//! value, followed.

use ir::{CheckedModel, EndpointProperty, ParamId, Part, ResourceId, Value};

use crate::expr::Template;
use crate::params::Params;

/// Connection strings nest; the check rejects cycles, and this bound stops one that slipped
/// through instead of recursing for ever.
pub const MAX_DEPTH: usize = 32;

/// The parameters an output uses, by `ParamId`.
#[derive(Clone, Debug)]
pub struct UsedParams(Vec<bool>);

impl UsedParams {
    pub fn new(model: &CheckedModel) -> UsedParams {
        UsedParams(vec![false; model.parameters().len()])
    }

    pub fn mark(&mut self, id: ParamId) {
        if let Some(used) = self.0.get_mut(id.0 as usize) {
            *used = true;
        }
    }

    /// The parameters marked so far, in declaration order.
    pub fn ids(&self) -> Vec<ParamId> {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, used)| **used)
            .map(|(index, _)| ParamId(index as u32))
            .collect()
    }
}

/// What a target resolves in a value; `'m` is the model's lifetime.
pub trait Resolver<'m> {
    fn model(&self) -> &'m CheckedModel;
    fn params(&self) -> &Params;
    fn used(&mut self) -> &mut UsedParams;
    /// Property `property` of endpoint `index` of `resource`, as another workload reaches it.
    fn endpoint(
        &mut self,
        resource: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Template,
    );
    /// Writes `part` when it is a connection string or property of a server the platform
    /// manages (at nesting `depth`); false when it is not one (the model's value stands).
    fn managed(&mut self, part: &Part, out: &mut Template, depth: usize) -> bool;
}

/// Appends `value` to `out` through `resolver`, at nesting `depth`.
pub fn append<'m>(
    resolver: &mut impl Resolver<'m>,
    value: &Value,
    out: &mut Template,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for part in &value.parts {
        match part {
            Part::Text(text) => {
                out.text(text);
            }
            Part::Param { param, encoding } => {
                resolver.used().mark(*param);
                resolver
                    .params()
                    .write(*param, *encoding == ir::Encoding::Uri, out);
            }
            Part::Endpoint {
                resource,
                endpoint,
                property,
            } => resolver.endpoint(*resource, *endpoint, *property, out),
            Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                if resolver.managed(part, out, depth) {
                    continue;
                }
                if let Some(inner) = resolver.model().connection_part(part) {
                    append(resolver, inner, out, depth + 1);
                }
            }
        }
    }
}
