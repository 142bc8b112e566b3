//! Small blocks every Terraform output has: `output` and the `terraform` block with the
//! providers it requires; and the files of an output ([`Files`]).

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

/// The five files of a Terraform output, each written through its own [`TfWriter`].
pub struct Files {
    pub main: TfWriter,
    pub outputs: TfWriter,
    pub providers: TfWriter,
    pub variables: TfWriter,
    pub versions: TfWriter,
}

impl Files {
    /// The files by path, in path order.
    pub fn finish(self) -> Vec<(String, String)> {
        [
            ("main.tf", self.main),
            ("outputs.tf", self.outputs),
            ("providers.tf", self.providers),
            ("variables.tf", self.variables),
            ("versions.tf", self.versions),
        ]
        .into_iter()
        .map(|(path, file)| (path.to_string(), file.finish()))
        .collect()
    }
}
