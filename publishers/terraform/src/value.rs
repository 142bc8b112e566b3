//! Values: a model [`Value`] becomes an HCL string expression whose parameters are variable
//! references and whose endpoints are Container Apps addresses.
//!
//! The [`Renderer`] also records which parameters the output uses (only those become
//! variables) and hands connection strings of managed services to [`crate::managed`], which
//! builds them from resource attributes instead of the model's container form.

use std::collections::BTreeSet;

use aspirec_azure::ingress::Ingress;
use ir::{CheckedModel, Encoding, EndpointProperty, ParamId, Part, ResourceId, Value};

use crate::expr::{Call, Inline, Raw, Ref, Template, to_text};
use crate::managed::{self, Server};
use crate::names;

/// A rendered string, and whether it carries a secret.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub(crate) value: Template,
    pub(crate) secret: bool,
}

/// The value as a string expression.
impl Inline for Rendered {
    fn write_to(&self, out: &mut String) {
        self.value.write_to(out);
    }
}

/// The names of every resource and the reference to every parameter, made once per
/// publication: values refer to the same apps and parameters again and again.
pub(crate) struct Names {
    /// The Container Apps name of each resource, by `ResourceId`.
    apps: Vec<String>,
    /// The Terraform label of each resource, by `ResourceId`.
    labels: Vec<String>,
    /// `var.<name>`, or `local.<name>` for a generated parameter, by `ParamId`.
    parameters: Vec<String>,
}

impl Names {
    pub(crate) fn new(model: &CheckedModel) -> Names {
        Names {
            apps: model
                .resources()
                .map(|(_, r)| names::app_name(&r.name))
                .collect(),
            labels: model
                .resources()
                .map(|(_, r)| names::label(&r.name))
                .collect(),
            parameters: model
                .parameters()
                .map(|(_, p)| {
                    let root = if p.generate.is_some() { "local" } else { "var" };
                    to_text(&Ref(root, [&names::variable_name(&p.name)]))
                })
                .collect(),
        }
    }

    pub(crate) fn app(&self, id: ResourceId) -> &str {
        self.apps.get(id.0 as usize).map_or("", String::as_str)
    }

    pub(crate) fn label(&self, id: ResourceId) -> &str {
        self.labels.get(id.0 as usize).map_or("", String::as_str)
    }

    fn parameter(&self, id: ParamId) -> &str {
        self.parameters
            .get(id.0 as usize)
            .map_or("", String::as_str)
    }
}

/// Renders values for one publication and remembers what they used.
pub(crate) struct Renderer<'m> {
    pub(crate) model: &'m CheckedModel,
    pub(crate) names: &'m Names,
    /// The ingress plan of each resource, by `ResourceId` (empty for non-workloads).
    plans: &'m [Ingress],
    used: BTreeSet<ParamId>,
}

impl<'m> Renderer<'m> {
    pub(crate) fn new(
        model: &'m CheckedModel,
        names: &'m Names,
        plans: &'m [Ingress],
    ) -> Renderer<'m> {
        Renderer {
            model,
            names,
            plans,
            used: BTreeSet::new(),
        }
    }

    /// The parameters rendered so far, in declaration order.
    pub(crate) fn used_parameters(&self) -> impl Iterator<Item = ParamId> + '_ {
        self.used.iter().copied()
    }

    /// A value as a string; secret when the model says so or when a secret attribute went in.
    pub(crate) fn render(&mut self, value: &Value) -> Rendered {
        let mut out = Rendered::default();
        self.render_into(value, &mut out);
        out
    }

    /// [`Renderer::render`] into `out`, which is cleared first (and so can be reused).
    pub(crate) fn render_into(&mut self, value: &Value, out: &mut Rendered) {
        out.value.clear();
        out.secret = self.model.is_secret(value);
        self.append(value, out);
    }

    pub(crate) fn append(&mut self, value: &Value, out: &mut Rendered) {
        for part in &value.parts {
            match part {
                Part::Text(text) => {
                    out.value.text(text);
                }
                Part::Param { param, encoding } => {
                    self.used.insert(*param);
                    let reference = Raw(self.names.parameter(*param));
                    match encoding {
                        Encoding::Raw => out.value.expr(&reference),
                        Encoding::Uri => out.value.expr(&Call("urlencode", &[&reference])),
                    };
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
        let names = self.names;
        if let Some(service) = managed::service(resource) {
            let server = Server {
                service,
                label: names.label(id),
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
        let app = names.app(id);
        let pieces = match self.plans.get(id.0 as usize) {
            Some(plan) => plan.address(app, endpoint, index),
            None => Ingress::default().address(app, endpoint, index),
        }
        .pieces(property);
        managed::render(self, &pieces, None, out);
    }
}

/// The Container Apps environment's domain.
pub(crate) const DEFAULT_DOMAIN: Raw<'static> =
    Raw("azurerm_container_app_environment.env.default_domain");
