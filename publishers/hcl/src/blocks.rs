//! Small blocks every Terraform output has: `output` and the `terraform` block with the
//! providers it requires.

use crate::emit::TfWriter;
use crate::expr::Inline;

/// `output "name" { description, value }`.
pub fn output(w: &mut TfWriter, name: &str, description: &str, value: impl Inline) {
    w.block("output", &[name]);
    w.attr("description", description);
    w.attr("value", value);
    w.end();
}

/// A provider the output requires: its local name, source and version constraint.
#[derive(Clone, Copy, Debug)]
pub struct Provider {
    pub name: &'static str,
    pub source: &'static str,
    pub version: &'static str,
}

/// The provider of `random_password` and `random_string`.
pub const RANDOM: Provider = Provider {
    name: "random",
    source: "hashicorp/random",
    version: "~> 3.6",
};

/// `terraform { required_version, required_providers }`.
pub fn versions(w: &mut TfWriter, providers: &[Provider]) {
    w.block("terraform", &[]);
    w.attr("required_version", ">= 1.5.0");
    w.block("required_providers", &[]);
    for provider in providers {
        w.object(provider.name);
        w.attr("source", provider.source);
        w.attr("version", provider.version);
        w.end();
    }
    w.end();
    w.end();
}
