//! Values: a model [`Value`] becomes an HCL string expression whose parameters are variable
//! references and whose endpoints are Container Apps addresses.
//!
//! The [`Renderer`] also records which parameters the output uses (only those become
//! variables) and hands connection strings of managed services to [`crate::managed`], which
//! builds them from resource attributes instead of the model's container form.

use std::collections::BTreeSet;

use aspirec_azure::ingress::Ingress;
use hcl::Expression;
use ir::{CheckedModel, Encoding, EndpointProperty, ParamId, Part, ResourceId, Value};

use crate::emit::{Piece, call, template, traversal};
use crate::managed::{self, Server};
use crate::names;

/// A rendered string: its pieces, and whether it carries a secret.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Rendered {
    pub(crate) pieces: Vec<Piece>,
    pub(crate) secret: bool,
}

impl Rendered {
    pub(crate) fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.pieces.last_mut() {
            Some(Piece::Text(last)) => last.push_str(text),
            _ => self.pieces.push(Piece::Text(text.to_string())),
        }
    }

    pub(crate) fn expr(&mut self, expr: Expression) {
        self.pieces.push(Piece::Expr(expr));
    }

    pub(crate) fn expression(&self) -> Expression {
        template(&self.pieces)
    }
}

/// Renders values for one publication and remembers what they used.
pub(crate) struct Renderer<'m> {
    pub(crate) model: &'m CheckedModel,
    /// The ingress plan of each resource, by `ResourceId` (empty for non-workloads).
    plans: Vec<Ingress>,
    used: BTreeSet<ParamId>,
}

impl<'m> Renderer<'m> {
    pub(crate) fn new(model: &'m CheckedModel, plans: Vec<Ingress>) -> Renderer<'m> {
        Renderer {
            model,
            plans,
            used: BTreeSet::new(),
        }
    }

    /// The parameters rendered so far, in declaration order.
    pub(crate) fn used_parameters(&self) -> impl Iterator<Item = ParamId> + '_ {
        self.used.iter().copied()
    }

    /// A value as pieces; secret when the model says so or when a secret attribute went in.
    pub(crate) fn render(&mut self, value: &Value) -> Rendered {
        let mut out = Rendered {
            pieces: Vec::new(),
            secret: self.model.is_secret(value),
        };
        self.append(value, &mut out);
        out
    }

    pub(crate) fn append(&mut self, value: &Value, out: &mut Rendered) {
        for part in &value.parts {
            match part {
                Part::Text(text) => out.text(text),
                Part::Param { param, encoding } => {
                    let reference = self.parameter(*param);
                    out.expr(match encoding {
                        Encoding::Raw => reference,
                        Encoding::Uri => call("urlencode", vec![reference]),
                    });
                }
                Part::Endpoint {
                    resource,
                    endpoint,
                    property,
                } => self.endpoint(*resource, *endpoint, *property, out),
                Part::ConnectionString { .. } | Part::ConnectionProperty { .. } => {
                    if !managed::connection(self, part, out) {
                        if let Some(inner) = self.model.connection_part(part) {
                            self.append(inner, out);
                        }
                    }
                }
            }
        }
    }

    /// The reference to a parameter's value: the variable, or for a generated parameter the
    /// local that falls back to the generated value.
    pub(crate) fn parameter(&mut self, id: ParamId) -> Expression {
        self.used.insert(id);
        let parameter = self.model.parameter(id);
        let name = names::variable_name(&parameter.name);
        if parameter.generate.is_some() {
            traversal("local", &[&name])
        } else {
            traversal("var", &[&name])
        }
    }

    /// An endpoint property as Container Apps resolves it (the shared service-discovery
    /// rules): the main HTTP ingress is `https://<app>.internal.<domain>` (without `.internal`
    /// when external) on 443; every other port is `<scheme>://<app>:<port>`; a managed service
    /// is its host name on its TLS port.
    fn endpoint(
        &mut self,
        id: ResourceId,
        index: usize,
        property: EndpointProperty,
        out: &mut Rendered,
    ) {
        let resource = self.model.resource(id);
        if let Some(service) = managed::service(resource) {
            let server = Server {
                service,
                label: names::label(&resource.name),
                database: None,
                password: None,
            };
            let pieces = service.address().pieces(property);
            managed::render(self, &pieces, Some(&server), out);
            return;
        }
        let Some(endpoint) = resource.endpoints().get(index) else {
            return;
        };
        let app = names::app_name(&resource.name);
        let pieces = match self.plans.get(id.0 as usize) {
            Some(plan) => plan.address(&app, endpoint, index),
            None => Ingress::default().address(&app, endpoint, index),
        }
        .pieces(property);
        managed::render(self, &pieces, None, out);
    }
}

/// `azurerm_container_app_environment.env.default_domain`.
pub(crate) fn default_domain() -> Expression {
    traversal(
        "azurerm_container_app_environment",
        &["env", "default_domain"],
    )
}
