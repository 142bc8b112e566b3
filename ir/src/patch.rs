//! Patches: changes the model declares to what a target emits (`[[patches]]` in model.toml),
//! for the fields the model format does not have. A front end reads them; the driver hands
//! each target its own ([`PublishOptions::patches`](crate::PublishOptions::patches)), and the
//! target applies them to its output while it prints, so patched output stays deterministic
//! and `--check` compares it like any other.
//!
//! The patch documents are [`Doc`]s, a JSON-like tree (this crate has no serde);
//! `aspirec-patch` applies them. What a patch may change, and how it is addressed, is each
//! target's: the Kubernetes objects
//! by kind and name (a merge and RFC 6902 operations), a Compose service or the whole document
//! (a merge), a Terraform resource by address (override semantics) and extra blocks, a Bicep
//! resource by symbolic name and extra declarations.

use crate::span::{Span, Spanned};

/// The targets a patch can name. The kustomize base and the Helm chart print one plan, so
/// one `k8s` patch changes both.
pub const TARGETS: &[&str] = &[
    "k8s",
    "compose",
    "terraform",
    "terraform-aws",
    "terraform-gcp",
    "bicep",
];

/// One `[[patches]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    /// The whole entry, where a patch that changes nothing is reported.
    pub at: Span,
    /// One of [`TARGETS`].
    pub target: Spanned<String>,
    /// Kubernetes: the object's kind (`Deployment`).
    pub kind: Option<Spanned<String>>,
    /// Kubernetes: the object's name, as emitted.
    pub name: Option<Spanned<String>>,
    /// Compose: the service; absent for the whole document.
    pub service: Option<Spanned<String>>,
    /// Terraform: a resource address (`type.label`); Bicep: a symbolic name.
    pub resource: Option<Spanned<String>>,
    /// A document merged into what is addressed, by the target's merge rules.
    pub merge: Option<Spanned<Doc>>,
    /// Kubernetes: RFC 6902 operations, applied after `merge`.
    pub json_patch: Vec<JsonOp>,
    /// Terraform and Bicep text: appended to the target's main file (new resources, modules);
    /// for a Terraform patch with a `resource`, the attributes and blocks that override the
    /// resource's.
    pub text: Option<Spanned<String>>,
}

impl Patch {
    /// A patch of `target` addressed at nothing and changing nothing (the fields are filled
    /// in by the caller).
    pub fn new(at: Span, target: Spanned<String>) -> Patch {
        Patch {
            at,
            target,
            kind: None,
            name: None,
            service: None,
            resource: None,
            merge: None,
            json_patch: Vec::new(),
            text: None,
        }
    }
}

/// One RFC 6902 operation.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonOp {
    /// The operation's table.
    pub at: Span,
    /// `add`, `remove`, `replace`, `move`, `copy` or `test`.
    pub op: Spanned<String>,
    /// A JSON pointer (RFC 6901).
    pub path: Spanned<String>,
    /// `move` and `copy`: where from.
    pub from: Option<Spanned<String>>,
    /// `add`, `replace` and `test`: the value.
    pub value: Option<Spanned<Doc>>,
}

/// The patches of one target, in model order (an environment's after the model's).
pub fn of_target<'p>(patches: &'p [Patch], target: &'p str) -> impl Iterator<Item = &'p Patch> {
    patches.iter().filter(move |p| p.target.value == target)
}

/// A patch's document: what JSON, YAML and TOML values share.
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    /// Only from a YAML or JSON file: in a merge, it deletes.
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
    List(Vec<Doc>),
    /// Keys in the order written.
    Map(Vec<(String, Doc)>),
}

impl Doc {
    /// Every string of the document, keys too.
    pub fn strings(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(doc) = stack.pop() {
            match doc {
                Doc::String(text) => out.push(text.as_str()),
                Doc::List(items) => stack.extend(items),
                Doc::Map(entries) => {
                    for (key, value) in entries {
                        out.push(key.as_str());
                        stack.push(value);
                    }
                }
                Doc::Null | Doc::Bool(_) | Doc::Integer(_) | Doc::Float(_) => {}
            }
        }
        out
    }
}
